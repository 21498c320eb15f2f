package io.moon.server.xshard;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.Server;
import io.moon.server.Shard;
import io.moon.server.command.CommandSpec;
import io.moon.server.net.Connection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.Arrays;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A command (or a MULTI/EXEC block, a script...) that touches more than one shard, made atomic
 * and isolated as if the server had one thread. This is the one cross-shard mechanism; see
 * docs/architecture.md for the design and the argument that it cannot deadlock.
 *
 * <p><b>Protocol.</b> The operation is driven from its connection's thread (the coordinator).
 * <ol>
 *   <li>Setup: the command says, per shard, which keys (read or write) or whole databases it
 *       needs: one {@link Part} per shard involved, and only those shards.</li>
 *   <li>Growing phase: the lock requests travel as messages through the involved shards in
 *       ascending shard order. Each shard enqueues the whole request in its {@link LockTable} in
 *       one step; once granted, it runs {@link #onLocked} (work that only needs this shard: reads,
 *       or writes that cannot fail) and passes the request on to the next shard. The last one
 *       tells the coordinator ({@link #onAllLocked}).</li>
 *   <li>With every lock held, the command may run further steps on any of its shards
 *       ({@link #step}), in parallel or in sequence, moving data between them through its
 *       parts.</li>
 *   <li>Shrinking phase: every part releases its locks ({@link #releaseAll}, or fused with a
 *       last step), and the reply goes to the client.</li>
 * </ol>
 * Locks are held from the moment a shard grants them until the release, and no lock is released
 * before all are acquired (two-phase locking), so the operation is serializable with every other
 * command. Shards that the operation does not touch never hear of it.
 *
 * <p><b>Threads.</b> Setup, {@link #onAllLocked}, {@link #onStepsDone} and the reply run on the
 * coordinator thread; {@link #onLocked} and {@link #onStep} run on the part's shard thread. All
 * hand-offs go through the event loops' task queues, which order them (a task's writes happen
 * before the next task that reads them), so the parts' fields need no other synchronisation.
 *
 * <p>One object per operation and one per shard involved: multi-shard commands allocate, the
 * single-shard path does not.
 */
public abstract class Coordinated implements Runnable {
    private static final Logger LOG = Logger.getLogger(Coordinated.class.getName());
    private static final int EV_ALL_LOCKED = 1;

    protected final Server server;
    protected final Shard home;
    protected final Connection conn;
    protected final Request req;
    protected final CommandSpec cmd;
    protected final int dbIndex;
    protected final int proto;
    protected final boolean noTouch;
    /** The reply to the client, written on the coordinator thread. */
    protected final ByteBuf replyBuf = Unpooled.buffer(64);
    /** Set (on the coordinator, before finishing) when a script asked to run again with every shard held. */
    public boolean widen;
    protected final Reply reply = new Reply();

    private Part[] parts = new Part[4];
    private int partCount;
    private int outstanding;
    private boolean parallel;
    private boolean released;
    private boolean finished;
    private Throwable failure;
    /** The session this operation runs nested in (it then holds our locks already), or null. */
    private final HeldSession enclosing;

    // ---- the write-ahead log (see walRelease) ----
    /** The log is on and this operation writes: its parts log and acknowledge before the reply. */
    private boolean walLogs;
    /** Id and part count of this operation's records (0: its parts log nothing of their own). */
    long walOpId;
    private int walParts;
    /** Parts whose records are not yet as durable as promised; the reply waits for them. */
    private int walOutstanding;
    private boolean walReplyHeld;
    /** The command's arguments, for parts that lock whole databases (FLUSHDB, SWAPDB...). */
    private java.util.List<byte[]> walArgv;

    protected Coordinated(final Ctx c) {
        this.server = c.server;
        this.home = c.shard;
        this.conn = c.client;
        this.req = c.req;
        this.cmd = c.cmd;
        this.dbIndex = c.dbIndex;
        this.proto = c.proto;
        this.noTouch = c.noTouch;
        this.enclosing = c.heldBy;
        reply.bind(replyBuf, proto);
    }

    // ---- setup (coordinator thread) ------------------------------------------------------------

    /** The part for a shard, created on first use. */
    protected final Part part(final int shardId) {
        for (int i = 0; i < partCount; i++) {
            if (parts[i].shard.id == shardId) {
                return parts[i];
            }
        }
        if (partCount == parts.length) {
            parts = Arrays.copyOf(parts, partCount << 1);
        }
        final Part p = new Part(this, server.shard(shardId), proto);
        parts[partCount++] = p;
        return p;
    }

    /** A part on every shard, each locking database {@code db} in the given mode (or nothing if db < 0). */
    protected final void allShards(final int db, final boolean write) {
        for (int s = 0; s < server.shardCount(); s++) {
            final Part p = part(s);
            if (db >= 0) {
                p.lockDb(db, write);
            }
        }
    }

    /**
     * The part on the shard owning the request's argument {@code arg}, with that key locked in
     * database {@code db} (for reading, or for writing when {@code write}).
     */
    protected final Part keyPart(final int arg, final int db, final boolean write) {
        final Part p = part(server.shardOf(req.buf(), req.off(arg), req.len(arg)));
        p.lockKey(db, req.buf(), req.off(arg), req.len(arg), write);
        return p;
    }

    /** A part on every shard, each locking every database (FLUSHALL, DEBUG SLEEP). */
    protected final void allDatabases(final boolean write) {
        final int dbs = home.keyspace.databases();
        for (int s = 0; s < server.shardCount(); s++) {
            final Part p = part(s);
            for (int d = 0; d < dbs; d++) {
                p.lockDb(d, write);
            }
        }
    }

    protected final int partCount() {
        return partCount;
    }

    protected final Part partAt(final int i) {
        return parts[i];
    }

    /**
     * Marks the parts none of whose arguments (numbered as {@link Part#args} holds them: a
     * gathered key's number) is set in {@code changed} as having changed nothing, so their steps
     * signal no key to WATCH and client-side caching ({@link LockRequest#keysUnchanged}).
     */
    protected final void quietUnchangedParts(final boolean[] changed) {
        for (int i = 0; i < partCount(); i++) {
            final Part p = partAt(i);
            boolean any = false;
            for (int a = 0; a < p.argCount && !any; a++) {
                any = changed[p.args[a]];
            }
            p.keysUnchanged = !any;
        }
    }

    /**
     * Begins the growing phase. With {@code parallel} (allowed only when no part locks anything,
     * e.g. INFO gathering counters) all shards are asked at once instead of in order.
     */
    public final void start(final boolean parallel) {
        this.parallel = parallel;
        Arrays.sort(parts, 0, partCount, Comparator.comparingInt(p -> p.shard.id));
        for (int i = 0; i < partCount; i++) {
            parts[i].index = i;
            if (parallel && !parts[i].isEmpty()) {
                throw new IllegalStateException("parallel start with locks");
            }
        }
        walSetup();
        if (partCount == 0) {
            home.execute(this);
            return;
        }
        if (parallel) {
            outstanding = partCount;
            for (int i = 0; i < partCount; i++) {
                parts[i].post(Part.LOCK);
            }
        } else {
            parts[0].post(Part.LOCK);
        }
    }

    public final void start() {
        start(false);
    }

    // ---- hooks ---------------------------------------------------------------------------------

    /** On the part's shard, right after its locks are granted. */
    protected void onLocked(final Part p, final Ctx c) {
    }

    /** On the coordinator, once every part holds its locks (and ran {@link #onLocked}). */
    protected abstract void onAllLocked();

    /** On the part's shard: the work of a {@link #step}. */
    protected void onStep(final Part p, final Ctx c) {
    }

    /** On the coordinator, when every step started since the last call has finished. */
    protected void onStepsDone() {
    }

    // ---- actions (coordinator thread) ----------------------------------------------------------

    /** Runs {@link #onStep} on the part's shard. */
    protected final void step(final Part p) {
        outstanding++;
        p.post(Part.STEP);
    }

    /** Runs {@link #onStep} on the part's shard and releases its locks right after. */
    protected final void stepAndRelease(final Part p) {
        outstanding++;
        p.post(Part.STEP_RELEASE);
    }

    /** {@link #stepAndRelease} on every part, in parallel. */
    protected final void stepAllAndRelease() {
        released = true;
        for (int i = 0; i < partCount; i++) {
            stepAndRelease(parts[i]);
        }
    }

    /**
     * Ends the operation's work: {@link #stepAndRelease} on the parts for which {@code stepped}
     * holds, plain release on the others. Nothing more may run on the parts after this.
     */
    protected final void stepSomeAndReleaseAll(final java.util.function.Predicate<Part> stepped) {
        released = true;
        for (int i = 0; i < partCount; i++) {
            if (stepped.test(parts[i])) {
                stepAndRelease(parts[i]);
            } else if (!parts[i].isEmpty()) {
                parts[i].post(Part.RELEASE);
            }
        }
    }

    /** Lets go of every lock; nothing more may run on the parts after this. */
    protected final void releaseAll() {
        if (released) {
            return;
        }
        released = true;
        for (int i = 0; i < partCount; i++) {
            if (!parts[i].isEmpty()) {
                parts[i].post(Part.RELEASE);
            }
        }
    }

    /**
     * Sends {@link #replyBuf} to the client and resumes its connection. Releases locks first if
     * the command has not.
     */
    protected final void finish() {
        if (finished) {
            return;
        }
        finished = true;
        releaseAll();
        if (walOutstanding > 0) {
            walReplyHeld = true; // the reply leaves once every part's record is durable (walAcked)
            return;
        }
        deliver();
    }

    private void deliver() {
        if (failure != null) {
            replyBuf.clear();
            reply.error("ERR internal error in " + cmd.fullName() + ": " + failure);
        }
        if (enclosing != null) {
            enclosing.nestedDone(this);
        } else if (conn != null) {
            conn.onCoordinatedDone(this);
        }
    }

    /** Whether this operation runs inside a held session (a transaction or script step). */
    protected final boolean nested() {
        return enclosing != null;
    }

    /** The command this operation runs. */
    public final CommandSpec spec() {
        return cmd;
    }

    public final ByteBuf replyBuffer() {
        return replyBuf;
    }

    /** True when a step threw; {@link #finish} then replies an error. */
    protected final boolean failed() {
        return failure != null;
    }

    // ---- the write-ahead log ---------------------------------------------------------------------

    /**
     * Whether this operation's parts log what they did. Then, when a part releases its locks on
     * its shard ({@link #walRelease}), it stages one record there carrying the operation's id and
     * its part count (the number of parts that lock something exclusively): the state of every key
     * it write-locked (RESTORE of the value, or DEL), preceded, for a part holding whole databases,
     * by the commands that ran there (a script holding everything) or by the command itself
     * (FLUSHDB, FLUSHALL, SWAPDB). Records staged under the locks keep every shard's log in the
     * order of the operation, and recovery replays all of an operation's records or none
     * (ConsistentCut). The reply waits until every part's record is as durable as appendfsync
     * promises. Operations whose commands log themselves (pipeline batches) return false.
     */
    protected boolean logsEffects() {
        return true;
    }

    /**
     * Whether the operation may change what it locks exclusively, for the log. {@link #writes}
     * answers for WATCH, and sessions (EXEC, scripts) say no there because their commands touch
     * watched keys themselves; they still write.
     */
    protected boolean mayWrite() {
        return writes();
    }

    /** From {@link #start}: decides what the parts log. */
    private void walSetup() {
        if (lockFree() || !mayWrite() || !server.aof.enabled()) {
            return;
        }
        walLogs = true;
        boolean wholeDb = false;
        for (int i = 0; i < partCount; i++) {
            final Part p = parts[i];
            if (p.isEmpty()) {
                continue;
            }
            walOutstanding++;
            if (logsEffects() && p.hasExclusive(false)) {
                walParts++;
                wholeDb |= p.hasExclusive(true);
            }
        }
        if (walParts > 0) {
            walOpId = server.aof.nextOpId();
        }
        if (wholeDb && !(this instanceof HeldSession)) {
            walArgv = argv();
        }
    }

    private java.util.List<byte[]> argv() {
        final java.util.List<byte[]> a = new java.util.ArrayList<>(req.argc());
        for (int i = 0; i < req.argc(); i++) {
            a.add(req.argBytes(i));
        }
        return a;
    }

    /** Where the part's shard sends the commands it runs for this operation, or null. */
    private java.util.List<io.moon.server.wal.ShardLog.Cmd> walTarget(final Part p) {
        if (lockFree()) {
            return enclosing.walOpId != 0 ? enclosing.part(p.shard.id).walCmds() : null;
        }
        return walOpId != 0 ? p.walCmds() : null;
    }

    /** Begins collecting on the part's shard; returns whether the caller must end it. */
    private boolean walCapture(final Part p) {
        final java.util.List<io.moon.server.wal.ShardLog.Cmd> into = walTarget(p);
        if (into == null || !p.shard.log.active()) {
            return false;
        }
        final Part owner = lockFree() ? enclosing.part(p.shard.id) : p;
        p.shard.log.capture(into, owner.hasExclusive(true));
        return true;
    }

    /** On the part's shard as it releases its locks: stages its record and acknowledges once durable. */
    final void walRelease(final Part p) {
        if (p.walReleased || p.isEmpty()) {
            return;
        }
        p.walReleased = true;
        final io.moon.server.wal.ShardLog log = p.shard.log;
        if (lockFree()) {
            // nested in a session holding everything: what this did joins the session's record here
            final java.util.List<io.moon.server.wal.ShardLog.Cmd> into = walTarget(p);
            if (into != null && log.active() && mayWrite()) {
                p.exclusiveKeyEffects(log, into, System.currentTimeMillis());
                if (p.hasExclusive(true)) {
                    into.add(new io.moon.server.wal.ShardLog.Cmd(dbIndex, argv()));
                }
            }
            return;
        }
        if (!walLogs) {
            return;
        }
        if (walOpId != 0 && p.hasExclusive(false)) {
            final java.util.List<io.moon.server.wal.ShardLog.Cmd> cmds = p.walCmds();
            if (walArgv != null && p.hasExclusive(true)) {
                cmds.add(new io.moon.server.wal.ShardLog.Cmd(dbIndex, walArgv));
            }
            p.exclusiveKeyEffects(log, cmds, System.currentTimeMillis());
            log.stage(walOpId, walParts, cmds);
            p.walCmds = null;
        }
        log.whenDurable(() -> home.execute(this::walAcked));
    }

    /** On the coordinator: one part's record is durable. */
    private void walAcked() {
        if (--walOutstanding == 0 && walReplyHeld) {
            walReplyHeld = false;
            deliver();
        }
    }

    // ---- plumbing ------------------------------------------------------------------------------

    /** Whether the locks this operation asks for are already held by its enclosing session. */
    final boolean lockFree() {
        return enclosing != null;
    }

    /** Coordinator-thread events. */
    @Override
    public final void run() {
        guard(this::onAllLockedGuarded);
        if (failure != null) {
            finish();
        }
    }

    private void onAllLockedGuarded() {
        if (failure != null) {
            finish();
            return;
        }
        onAllLocked();
    }

    /**
     * Whether a tracking client's keys locked here are to be remembered for it: those of a
     * read-only command, and every key of a transaction or script that runs over gathered copies
     * (what its commands read is not known here; remembering more only costs spare invalidations).
     */
    private boolean readsForClient() {
        return cmd.has(io.moon.server.command.Flags.READONLY) || cmd.isScript() || cmd.name().equals("exec");
    }

    /** Whether the operation may change what it write-locks (WATCH must hear of it). */
    protected boolean writes() {
        return cmd.has(io.moon.server.command.Flags.WRITE);
    }

    /** Whether {@link #onLocked} itself may write (MSET does; a gathering operation only reads there). */
    protected boolean writesWhenLocked() {
        return writes();
    }

    /** Part p's locks were granted on its shard (its shard thread). */
    final void locked(final Part p, final Ctx c) {
        final boolean capturing = walCapture(p);
        p.shard.keyspace.commandStarts(); // a step is a command of its own for "new" key events
        if (writes()) {
            p.beforeWrites(p.shard.keyspace);
        }
        if (writesWhenLocked() && (!p.shard.watches.isEmpty() || p.shard.tracking.active())) {
            final long before = p.watchedBefore(p.shard.watches, p.shard.keyspace);
            guard(() -> onLocked(p, c));
            p.touchWatched(p.shard, before, conn);
        } else {
            guard(() -> onLocked(p, c));
        }
        if (conn != null && conn.tracking.remembers() && readsForClient()) {
            p.rememberRead(p.shard.tracking, conn); // a read across shards: its keys are remembered on their owners
        }
        if (capturing) {
            p.shard.log.endCapture();
        }
        if (parallel) {
            p.post(Part.LOCK_DONE);
            return;
        }
        final int nextIndex = p.index + 1;
        if (nextIndex < partCount) {
            parts[nextIndex].post(Part.LOCK);
        } else {
            home.execute(this);
        }
    }

    /** Back on the coordinator after a parallel lock-free visit. */
    final void lockDone() {
        if (--outstanding == 0) {
            run();
        }
    }

    final void stepped(final Part p, final Ctx c) {
        final boolean capturing = walCapture(p);
        p.shard.keyspace.commandStarts();
        if (writes() && (!p.shard.watches.isEmpty() || p.shard.tracking.active())) {
            final long before = p.watchedBefore(p.shard.watches, p.shard.keyspace);
            guard(() -> onStep(p, c));
            p.touchWatched(p.shard, before, conn);
        } else {
            guard(() -> onStep(p, c));
        }
        if (capturing) {
            p.shard.log.endCapture();
        }
    }

    final void stepDone() {
        if (--outstanding == 0) {
            guard(this::onStepsDone);
            if (failure != null) {
                finish();
            }
        }
    }

    private void guard(final Runnable r) {
        try {
            r.run();
        } catch (final Throwable t) {
            LOG.log(Level.SEVERE, "cross-shard " + cmd.fullName() + " failed", t);
            if (failure == null) {
                failure = t;
            }
        }
    }

}
