package io.moon.server.xshard;

import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.command.CommandSpec;
import io.moon.server.command.CommandSpec.Route;
import io.moon.server.command.Flags;
import io.moon.storage.Db;
import io.moon.storage.Dump;
import io.moon.storage.Keyspace;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A cross-shard operation whose work is not known in advance: it takes its locks (a declared set
 * of keys, each read or written, or every database of every shard), then runs any number of
 * commands one after another, each where its keys live, and finally releases everything and
 * answers the client. A script (EVAL) drives one: its commands see a server on which nothing else
 * runs between them, as in single-threaded Redis.
 *
 * <p>Every command runs as a {@link #step} on the shard that owns its keys, under the locks
 * already held; a command whose keys span shards runs in the gather form (copies of its keys
 * brought to the coordinator, its handler run over them in a scratch keyspace, the written keys
 * installed back on their owners) without asking for any lock again, so a session can never wait
 * for itself. A command naming a key the session does not hold (or holds only for reading while
 * the command writes it) is refused with an error reply: running it would break isolation.
 *
 * <p>Threads: {@link #open}, {@link #execute} and {@link #close} must be called on the
 * coordinator (the connection's shard thread; {@link #coordinator()} runs a task there), and the
 * callbacks run there. {@link BlockingSession} wraps this for a caller on its own (virtual) thread.
 * Only one command is in flight at a time.
 *
 * <p>Keyspace-wide commands (route COORDINATED: DBSIZE, KEYS, SCAN, FLUSHALL...) would need locks
 * of their own, and are refused with an error inside a session for now.
 */
public final class HeldSession extends Coordinated {
    private static final byte[] NOT_HELD = "-ERR the key is not held by this script or transaction\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private boolean allHeld;
    private boolean opened;
    private boolean closed;
    private Runnable onHeld;

    // the command in flight (coordinator thread; its requests travel to shards by message)
    private Consumer<byte[]> onReply;
    private Request cur;
    private CommandSpec curSpec;
    private int curDb;
    private int curProto;
    private int stage;
    private Part single;
    private int[] keyArgs;
    /** The database of each gathered key (COPY ... DB n names its destination in another). */
    private int[] keyDbs;
    private boolean[] keyWritten;
    private Part[] keyParts;
    private Dump[] keyValues;

    private static final int IDLE = 0;
    private static final int RUN = 1;
    private static final int COPY = 2;
    private static final int INSTALL = 3;
    private static final int NESTED = 4;

    /** A session for the command bound in {@code c} (EVAL...), on its connection's thread. Nothing is locked yet. */
    public HeldSession(final Ctx c) {
        super(c);
    }

    // ---- declaring what to hold (before open) ----------------------------------------------------

    /** Holds a key of database {@code db}: shared when only read, exclusive when written. */
    public void holdKey(final int db, final byte[] key, final boolean write) {
        checkNotOpened();
        part(server.shardOf(key, 0, key.length)).lockKey(db, key, 0, key.length, write);
    }

    /** Holds every database of every shard exclusively: any command may then run, on any key. */
    public void holdAll() {
        checkNotOpened();
        allHeld = true;
        allDatabases(true);
    }

    /** Whether the session holds every database of every shard. */
    public boolean holdsAll() {
        return allHeld;
    }

    /**
     * Starts taking the locks, in the same ascending shard order as every operation (so sessions
     * never deadlock with each other or with anything else); {@code onHeld} runs on the coordinator
     * once every lock is granted.
     */
    public void open(final Runnable onHeld) {
        checkNotOpened();
        opened = true;
        this.onHeld = onHeld;
        if (partCount() == 0) {
            part(home.id); // nothing declared: one empty part so the operation still runs its course
        }
        start();
    }

    /** Runs a task on the coordinator thread (from any thread). */
    public void coordinator(final Runnable task) {
        home.execute(task);
    }

    @Override
    protected void onAllLocked() {
        final Runnable r = onHeld;
        onHeld = null;
        r.run();
    }

    // ---- running commands --------------------------------------------------------------------------

    /**
     * Runs one command (its arguments, the database it runs in, RESP 2 or 3) under the session's
     * locks and hands its reply bytes (one complete RESP reply) to {@code onReply} on the
     * coordinator. The caller has checked the name and arity; {@code spec} is the command's (or
     * subcommand's) row. Blocking commands answer as on a timeout.
     */
    public void execute(final int db, final int proto, final Request args, final CommandSpec spec,
                        final Consumer<byte[]> onReply) {
        if (!opened || closed || stage != IDLE) {
            throw new IllegalStateException("session not ready for a command");
        }
        this.onReply = onReply;
        this.cur = args;
        this.curSpec = spec;
        this.curDb = db;
        this.curProto = proto;
        if (spec.route() == Route.COORDINATED) {
            if (!allHeld) {
                deliver(("-ERR '" + spec.fullName() + "' needs every shard held (a script or transaction over declared keys cannot run it)\r\n")
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            runNested();
            return;
        }
        if (spec.route() == Route.LOCAL) {
            runOn(null); // no keys: it runs here, touching no shard's data
            return;
        }
        int target = -1;
        boolean spans = false;
        final int n = spec.router() != null ? 0 : spec.keyCount(args);
        if (spec.router() != null) {
            target = spec.router().shardFor(args, server.shardCount());
        }
        final boolean writeCmd = spec.mayWrite();
        for (int k = 0; k < n; k++) {
            final int i = spec.keyArg(args, k);
            final int s = server.shardOf(args.buf(), args.off(i), args.len(i));
            if (!holds(s, db, args.buf(), args.off(i), args.len(i), writeCmd && spec.writesKeyAt(args, i))) {
                deliver(NOT_HELD);
                return;
            }
            if (target < 0) {
                target = s;
            } else if (target != s) {
                spans = true;
            }
        }
        final long other = io.moon.server.net.KeyUse.otherDbKey(spec, args);
        if (other >= 0 && (other >>> 32) < home.keyspace.databases()) {
            // MOVE, COPY ... DB n: a key in another database, which must be held too
            final int i = (int) other;
            if (!holds(server.shardOf(args.buf(), args.off(i), args.len(i)), (int) (other >>> 32),
                    args.buf(), args.off(i), args.len(i), true)) {
                deliver(NOT_HELD);
                return;
            }
        }
        if (!spans && server.shardCount() > 1 && spec.reachesOtherKeys(args)) {
            spans = true;
        }
        if (target < 0) {
            target = home.id; // no keys (a malformed numkeys): the handler replies the error
        }
        if (spans) {
            gather(n, writeCmd);
            return;
        }
        if (!allHeld && n == 0 && !isMember(target)) {
            deliver(NOT_HELD);
            return;
        }
        runOn(part(target));
    }

    /** Releases every lock and answers the client {@code encodedReply} (one RESP reply). Idempotent. */
    public void close(final byte[] encodedReply) {
        if (closed) {
            return;
        }
        closed = true;
        if (!failed()) {
            replyBuf.clear();
            replyBuf.writeBytes(encodedReply);
        }
        finish();
    }

    /**
     * A keyspace-wide command, under a session that holds every database of every shard: its own
     * cross-shard operation runs without taking locks (they are ours) and reports back here.
     */
    private void runNested() {
        final io.moon.protocol.Reply out = new io.moon.protocol.Reply();
        final ByteBuf b = io.netty.buffer.Unpooled.buffer(32);
        out.bind(b, curProto);
        final Ctx x = new Ctx(home, home.keyspace);
        x.bind(curDb, cur, out, curSpec);
        x.proto = curProto;
        x.inTransaction = true;
        x.client = localClient; // CLIENT KILL, CLIENT LIST... in a transaction know their caller
        x.heldBy = this;
        stage = NESTED;
        final Coordinated op = curSpec.multi().start(x);
        if (op == null) {
            // it answered at once (an argument error)
            final byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            deliver(bytes);
            return;
        }
        b.release();
    }

    /** A nested keyspace-wide operation finished (coordinator thread): its reply is the command's. */
    void nestedDone(final Coordinated op) {
        final ByteBuf r = op.replyBuffer();
        final byte[] bytes = new byte[r.readableBytes()];
        r.readBytes(bytes);
        r.release();
        deliver(bytes);
    }

    /** LOCAL commands (SELECT...) run with this connection, as in a transaction; null for scripts. */
    public void localClient(final io.moon.server.net.Connection c) {
        this.localClient = c;
    }

    private io.moon.server.net.Connection localClient;

    private void runOn(final Part p) {
        if (p == null) {
            // a keyless command while no part runs on this thread: it touches no key, run it here
            final io.moon.protocol.Reply out = new io.moon.protocol.Reply();
            final ByteBuf b = io.netty.buffer.Unpooled.buffer(32);
            out.bind(b, curProto);
            final Ctx x = new Ctx(home, home.keyspace);
            x.bind(curDb, cur, out, curSpec);
            x.proto = curProto;
            x.inTransaction = true;
            x.client = localClient;
            x.runCommand();
            final byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            deliver(bytes);
            return;
        }
        stage = RUN;
        single = p;
        p.buf.clear();
        p.out.bind(p.buf, curProto);
        step(p);
    }

    /** Whether shard {@code s} has a part of this session (so its locks are held there). */
    private boolean isMember(final int s) {
        for (int i = 0; i < partCount(); i++) {
            if (partAt(i).shard.id == s) {
                return true;
            }
        }
        return false;
    }

    /** Whether the session may read (or write) the key on shard {@code s}. */
    private boolean holds(final int s, final int db, final byte[] b, final int off, final int len, final boolean write) {
        if (allHeld) {
            return true;
        }
        for (int i = 0; i < partCount(); i++) {
            final Part p = partAt(i);
            if (p.shard.id != s) {
                continue;
            }
            for (int j = 0; j < p.count; j++) {
                final LockTable.Node node = p.nodes[j];
                final LockTable.ResKey k = node.key;
                if (k.db != db) {
                    continue;
                }
                final boolean match = k.key == null
                        ? node.mode == LockTable.X || node.mode == LockTable.S
                        : Arrays.equals(k.key, k.off, k.off + k.len, b, off, off + len);
                if (match && (!write || node.mode == LockTable.X)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- the gather form, under the locks already held ---------------------------------------

    private void gather(final int n, final boolean writeCmd) {
        stage = COPY;
        // COPY ... DB n writes its destination in database n (MOVE never spans shards)
        final long other = io.moon.server.net.KeyUse.otherDbKey(curSpec, cur);
        final boolean copyDb = other >= 0 && (other >>> 32) < home.keyspace.databases()
                && !curSpec.name().equals("move");
        keyArgs = new int[n];
        keyDbs = new int[n];
        keyWritten = new boolean[n];
        keyParts = new Part[n];
        keyValues = new Dump[n];
        for (int i = 0; i < partCount(); i++) {
            partAt(i).n = 0;
        }
        for (int k = 0; k < n; k++) {
            final int arg = curSpec.keyArg(cur, k);
            keyArgs[k] = arg;
            keyDbs[k] = copyDb && arg == (int) other ? (int) (other >>> 32) : curDb;
            keyWritten[k] = writeCmd && curSpec.writesKeyAt(cur, arg);
            keyParts[k] = part(server.shardOf(cur.buf(), cur.off(arg), cur.len(arg)));
        }
        for (int i = 0; i < partCount(); i++) {
            final Part p = partAt(i);
            if (owns(p)) {
                step(p);
            }
        }
    }

    private boolean owns(final Part p) {
        for (final Part q : keyParts) {
            if (q == p) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected void onStep(final Part p, final Ctx c) {
        switch (stage) {
            case RUN -> {
                c.bind(curDb, cur, p.out, curSpec);
                c.proto = curProto;
                c.inScript = localClient == null; // a script's session (a transaction's names its client)
                c.runCommand();
            }
            case COPY -> {
                for (int k = 0; k < keyArgs.length; k++) {
                    if (keyParts[k] != p) {
                        continue;
                    }
                    final Db db = c.keyspace.db(keyDbs[k]);
                    final int a = keyArgs[k];
                    final long h = Db.hash(cur.buf(), cur.off(a), cur.len(a));
                    final long addr = db.find(cur.buf(), cur.off(a), cur.len(a), h, c.now);
                    keyValues[k] = addr == 0 ? null : db.dump(addr, false);
                }
            }
            case INSTALL -> {
                for (int k = 0; k < keyArgs.length; k++) {
                    if (keyParts[k] != p || !keyWritten[k] || installedBefore(k)) {
                        continue;
                    }
                    final int kdb = keyDbs[k];
                    final Db db = c.keyspace.db(kdb);
                    final int a = keyArgs[k];
                    final long h = Db.hash(cur.buf(), cur.off(a), cur.len(a));
                    final boolean existed = db.delete(cur.buf(), cur.off(a), cur.len(a), h, c.now);
                    if (keyValues[k] != null) {
                        db.restore(cur.buf(), cur.off(a), cur.len(a), h, keyValues[k], true);
                    }
                    if (existed || keyValues[k] != null) {
                        p.shard.watches.touch(kdb, cur.buf(), cur.off(a), cur.len(a));
                        if (p.shard.tracking.active()) {
                            p.shard.tracking.modified(cur.buf(), cur.off(a), cur.len(a), conn);
                        }
                    }
                    p.shard.log.captureEffect(kdb, cur.buf(), cur.off(a), cur.len(a), c.now);
                }
            }
            default -> throw new IllegalStateException("step in stage " + stage);
        }
    }

    /** True when an earlier written key number names the same key (its state is installed once). */
    private boolean installedBefore(final int k) {
        final int a = keyArgs[k];
        for (int j = 0; j < k; j++) {
            final int b = keyArgs[j];
            if (keyWritten[j] && keyDbs[j] == keyDbs[k] && Arrays.equals(cur.buf(), cur.off(b), cur.off(b) + cur.len(b),
                    cur.buf(), cur.off(a), cur.off(a) + cur.len(a))) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected void onStepsDone() {
        switch (stage) {
            case RUN -> {
                final ByteBuf b = single.buf;
                final byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                b.clear();
                single = null;
                deliver(bytes);
            }
            case COPY -> runGathered();
            case INSTALL -> deliverGathered();
            default -> throw new IllegalStateException("steps done in stage " + stage);
        }
    }

    private byte[] gatheredReply;

    /** On the coordinator: the handler over copies in a scratch keyspace, then the written keys go home. */
    private void runGathered() {
        final Keyspace scratch = new Keyspace(home.keyspace.databases(), System.nanoTime());
        for (int k = 0; k < keyArgs.length; k++) {
            final Db db = scratch.db(keyDbs[k]);
            final int a = keyArgs[k];
            final long h = Db.hash(cur.buf(), cur.off(a), cur.len(a));
            if (keyValues[k] != null && db.lookup(cur.buf(), cur.off(a), cur.len(a), h) == 0) {
                db.restore(cur.buf(), cur.off(a), cur.len(a), h, keyValues[k], true);
            }
            keyValues[k] = null;
        }
        final io.moon.protocol.Reply out = new io.moon.protocol.Reply();
        final ByteBuf b = io.netty.buffer.Unpooled.buffer(64);
        out.bind(b, curProto);
        final Ctx x = new Ctx(home, scratch);
        x.bind(curDb, cur, out, curSpec);
        x.proto = curProto;
        x.inTransaction = true;
        x.inScript = localClient == null;
        x.runCommand();
        gatheredReply = new byte[b.readableBytes()];
        b.readBytes(gatheredReply);
        b.release();
        boolean any = false;
        for (int k = 0; k < keyArgs.length; k++) {
            if (!keyWritten[k]) {
                continue;
            }
            final Db db = scratch.db(keyDbs[k]);
            final int a = keyArgs[k];
            final long h = Db.hash(cur.buf(), cur.off(a), cur.len(a));
            final long addr = db.find(cur.buf(), cur.off(a), cur.len(a), h, x.now);
            keyValues[k] = addr == 0 ? null : db.dump(addr, true);
            any = true;
        }
        if (!any) {
            deliverGathered();
            return;
        }
        stage = INSTALL;
        for (int i = 0; i < partCount(); i++) {
            final Part p = partAt(i);
            if (ownsWritten(p)) {
                step(p);
            }
        }
    }

    private boolean ownsWritten(final Part p) {
        for (int k = 0; k < keyParts.length; k++) {
            if (keyParts[k] == p && keyWritten[k]) {
                return true;
            }
        }
        return false;
    }

    private void deliverGathered() {
        final byte[] r = gatheredReply;
        gatheredReply = null;
        keyArgs = null;
        keyDbs = null;
        keyWritten = null;
        keyParts = null;
        keyValues = null;
        deliver(r);
    }

    private void deliver(final byte[] bytes) {
        stage = IDLE;
        final Consumer<byte[]> cb = onReply;
        onReply = null;
        cur = null;
        curSpec = null;
        cb.accept(bytes);
    }

    @Override
    protected boolean writes() {
        // commands touch watched keys themselves (Ctx.runCommand); write-backs do it in onStep
        return false;
    }

    /** A session's commands may write whatever it holds exclusively: its parts log (Coordinated.walRelease). */
    @Override
    protected boolean mayWrite() {
        return true;
    }

    private void checkNotOpened() {
        if (opened) {
            throw new IllegalStateException("session already open");
        }
    }
}
