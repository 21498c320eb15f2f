package io.moon.server;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.command.CommandSpec;
import io.moon.server.net.Connection;
import io.moon.storage.Db;
import io.moon.storage.Keyspace;
import io.moon.storage.ListCursor;

/**
 * Everything a handler needs while it runs: the shard it runs on, the selected database there,
 * the request, where the reply goes, and the time.
 *
 * <p>One instance per shard thread, reused for every command that thread runs (handlers run to
 * completion, so one is enough). {@link #client} is set only when the command runs on its
 * connection's own thread (local commands); keyed handlers must not need it, because they may
 * run on another shard. What they need of the client travels in the request's call
 * ({@link #dbIndex}, {@link #proto}, {@link #noTouch}).
 */
public final class Ctx {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Ctx.class.getName());

    public final Shard shard;
    public final Keyspace keyspace;
    public final Server server;
    public Db db;
    public int dbIndex;
    public Request req;
    public Reply out;
    public CommandSpec cmd;
    public long now;
    public int proto = 2;
    /** CLIENT NO-TOUCH: reads do not update the access stamp. */
    public boolean noTouch;
    /** The connection, when running on its thread; null on other shards. */
    public Connection client;
    /** The ACL user a script runs as when {@link #client} is null (a script run with every shard held). */
    public io.moon.server.acl.AclUser scriptUser;
    /** A script run with every shard held: whether the server was over maxmemory when it started. */
    public boolean scriptOomAtStart;
    /** Set when the command runs inside a cross-shard operation's step (or MULTI/EXEC, a script). */
    public boolean inTransaction;
    /**
     * Set for a command a connection sent on its own (not in a transaction or a script): a script
     * that touches keys it did not declare on other shards may then ask to run again with every
     * shard held, by setting {@link #widen} instead of replying (see script.ScriptWide).
     */
    public boolean scriptMayWiden;
    /** Set by EVAL/EVALSHA: no reply was written, run the script again with every shard held. */
    public boolean widen;
    /**
     * Set (on a context of its own) when a keyspace-wide command runs inside a held session that
     * already holds every database: its cross-shard operation then takes no lock and reports to
     * the session (see xshard.HeldSession).
     */
    public io.moon.server.xshard.HeldSession heldBy;
    /**
     * The connection a blocking command (BLPOP...) would block, on whichever shard the command
     * runs; null when it must not block (cross-shard steps, direct calls). Only its identity and
     * home are used off its thread: the waiter's reply is posted there. MULTI/EXEC and scripts
     * set {@link #inTransaction}, which makes blocking commands answer as on a timeout.
     */
    public Connection blockFor;
    /**
     * The client for client-side caching: the keys a read-only command reads are remembered for
     * it when it tracks, and its writes are the ones NOLOOP leaves out. Set with {@link #client}
     * and {@link #blockFor} (and for every step of its cross-shard operations); not cleared by bind.
     */
    public Connection trackFor;
    /**
     * Set by a cross-shard operation that runs the handler as one of its steps (a part of an MGET,
     * the gathered run of a ZUNIONSTORE...): the operation is counted once, as a whole, by its
     * connection when it is done (Dispatcher.accountOperation), not by each step. Cleared by bind.
     */
    public boolean stepOfOperation;
    /**
     * Set by the handler of a read-only command that changed a value all the same (PFCOUNT
     * storing the count it computed in the HLL's header, which Redis propagates): the run is then
     * logged and counted as a change like a write's. Cleared before every run.
     */
    public boolean readOnlyChanged;
    /**
     * Set by the handler of a write command that ran but, as Redis would, leaves some of its keys
     * unsignalled (Redis calls signalModifiedKey only for real changes): a ZADD that added and
     * updated nothing, SET NX on an existing key, SETBIT of the bit already there, XACK and the
     * other consumer-group commands (which change a group, not the stream), SMOVE's destination
     * when it held the member already. Bit n stands for the command's n-th key (bit 63 for the
     * 64th and later, and for the key MOVE or COPY names in another database). Watchers of those
     * keys keep their EXEC and tracking clients get no invalidation. Cleared before every run; see
     * {@link #keysUnchanged()} and {@link #keyUnchanged(int)}.
     */
    public long keysUnchanged;
    /**
     * Set on the contexts of a script that runs over gathered copies of keys on several shards
     * (commands.Gather): the keys its commands change go here, judged as {@link #touchWatchedKeys}
     * judges them, instead of to WATCH and client-side caching, which hear of them when the
     * changed keys are written back to their owners. Null everywhere else.
     */
    public KeyChanges changes;

    /** Where {@link #changes} sends a changed key. */
    public interface KeyChanges {
        void changed(int db, byte[] k, int off, int len);
    }
    /**
     * Set (after bind) for a command a Lua script runs: Redis makes some replies deterministic
     * there (SORT of a set BY nosort sorts it). Cleared by bind.
     */
    public boolean inScript;
    /** Set by a blocking command that blocked instead of replying; read right after the handler. */
    public io.moon.server.blocking.SharedWaiter waiter;
    /**
     * Set on the scratch context of XREAD / XREADGROUP BLOCK over keys of several shards: with
     * nothing to serve, the handler leaves the command to wait with ({@link #blockArgs}) and its
     * deadline ({@link #blockDeadlineMillis}) instead of replying, and the operation blocks.
     */
    public boolean blockAcross;
    public io.moon.protocol.Request blockArgs;
    public long blockDeadlineMillis;
    /** Reused by the list commands to read elements without allocating (one per thread, like this). */
    public final ListCursor listCursor = new ListCursor();

    Ctx(final Shard shard) {
        this(shard, shard.keyspace);
    }

    /**
     * A context over another keyspace than the shard's own: the scratch keyspace in which a
     * cross-shard operation runs a handler over copies of its keys (see CrossShard.gather).
     */
    public Ctx(final Shard shard, final Keyspace keyspace) {
        this.shard = shard;
        this.keyspace = keyspace;
        this.server = shard.server;
    }

    /** Prepares for one command. */
    public Ctx bind(final int dbIndex, final Request req, final Reply out, final CommandSpec cmd) {
        this.dbIndex = dbIndex;
        this.db = keyspace.db(dbIndex);
        this.req = req;
        this.out = out;
        this.cmd = cmd;
        this.now = System.currentTimeMillis();
        this.waiter = null;
        this.scriptMayWiden = false;
        this.widen = false;
        this.stepOfOperation = false;
        this.inScript = false;
        return this;
    }

    /**
     * Counts one run of {@code cmd} that took {@code elapsed} ns in the shard's INFO commandstats
     * and latencystats, and in SLOWLOG and LATENCY past their thresholds. On the shard's thread.
     */
    public static void account(final Shard shard, final CommandSpec cmd, final Request req, final Connection client,
                               final long elapsed, final boolean failed) {
        shard.stats.perCommand.record(cmd.id(), elapsed, failed);
        if (elapsed >= shard.slowlog.thresholdNanos && !cmd.has(io.moon.server.command.Flags.SKIP_SLOWLOG)) {
            shard.slowlog.add(req, elapsed, client == null ? "" : client.state().addr,
                    client == null ? "" : client.state().name);
        }
        if (elapsed >= shard.latency.thresholdNanos) {
            shard.latency.add(cmd.has(io.moon.server.command.Flags.FAST) ? "fast-command" : "command", elapsed);
        }
    }

    /**
     * Runs the bound command's handler. Should a handler fail (a bug), whatever it wrote is
     * dropped and the client gets an error reply, so its connection neither hangs (the reply may
     * be awaited on another shard) nor loses its place in the reply stream; the server goes on.
     */
    public void runCommand() {
        final io.netty.buffer.ByteBuf o = out.out();
        final int mark = o.writerIndex();
        // WATCH and client-side caching hear of writes; when nobody watches or tracks, two cheap checks
        final boolean watched = (changes != null
                || (!shard.watches.isEmpty() || shard.tracking.active()) && keyspace == shard.keyspace)
                && cmd.has(io.moon.server.command.Flags.WRITE);
        final long existedBefore = watched ? existing() : 0;
        if (db.writeBarrier() != null && keyspace == shard.keyspace && cmd.has(io.moon.server.command.Flags.WRITE)) {
            beforeWrites();
        }
        // read before the handler: EXEC's handler runs its commands on this same context
        final boolean nested = inTransaction;
        final long started = System.nanoTime();
        keyspace.commandStarts();
        readOnlyChanged = false;
        keysUnchanged = 0;
        if (!nested) {
            shard.blocked.inCommand = true; // keys it feeds under a lock are served as right after it
        }
        try {
            cmd.handler().run(this);
        } catch (final RuntimeException | StackOverflowError | LinkageError | AssertionError e) {
            // a bug (or a class that failed to load) answers this command with an error; only
            // errors of the JVM itself (out of memory) are left to end the process
            o.writerIndex(mark);
            LOG.log(java.util.logging.Level.SEVERE, "command " + cmd.fullName() + " failed on shard " + shard.id, e);
            out.error("ERR internal error in '" + cmd.fullName() + "': " + e.getClass().getSimpleName());
        }
        // INFO commandstats/latencystats: an error reply written by this command makes it a failed call
        // A call from a connection homed elsewhere names it in blockFor (read only for its address
        // and name, which cannot change while it waits for this reply).
        if (!stepOfOperation && !widen) { // a script that asked for every shard is counted by its wide run
            if (inScript) {
                shard.stats.commandsProcessed++; // Redis counts a script's redis.call as a command too
            }
            account(shard, cmd, req, client != null ? client : blockFor, System.nanoTime() - started,
                    o.writerIndex() > mark && o.getByte(mark) == '-');
        }
        if (watched && keysUnchanged != -1L && !server.aof.changedNothing(cmd, o, mark)) {
            touchWatchedKeys((existedBefore | existing()) & ~keysUnchanged);
        }
        if (trackFor != null && cmd.has(io.moon.server.command.Flags.READONLY) && trackFor.tracking.remembers()
                && keyspace == shard.keyspace) {
            rememberKeys();
        }
        final boolean wrote = cmd.has(io.moon.server.command.Flags.WRITE) || readOnlyChanged;
        if (keyspace == shard.keyspace && wrote) {
            shard.changes.lazySet(shard.changes.get() + 1);
            final io.moon.server.wal.ShardLog log = shard.log;
            if (log.active()) {
                log.command(this, o, mark);
                if (client != null) {
                    client.logged.wrote(log.appended()); // its reply waits until this is durable
                }
            }
        }
        if (server.config.maxmemory != 0 && keyspace == shard.keyspace && wrote) {
            // writes that arrive from other shards' connections must count at once too, or admission
            // elsewhere would judge the limit by stale figures
            shard.memory.refresh();
        }
        if (!nested) {
            shard.blocked.inCommand = false;
        }
        if (!nested && shard.blocked.hasReady()) {
            // Redis serves blocked clients right after the command that fed their keys; a command
            // of a transaction or a script feeds them when the whole EXEC or EVAL is done (a
            // step of a cross-shard operation: from the task BlockedKeys posted, once unlocked)
            shard.blocked.serveAfterCommand();
        }
    }

    /**
     * A snapshot is being written (the selected database has a write barrier): before the command
     * may change its keys in place, their cut-time values go to the snapshot (persist.ShardSnapshot).
     */
    public void beforeWrites() {
        final int keys = cmd.keyCount(req);
        for (int n = 0; n < keys; n++) {
            db.beforeWrite(keyHash(cmd.keyArg(req, n)));
        }
    }

    /**
     * A write command ran on this shard's keyspace and its reply does not say it changed nothing
     * (an error, :0 from SADD, SETNX, EXPIRE..., nil from a pop: see wal.Rewrite#changedNothing):
     * the keys whose bits are set in {@code changed} (they existed before or exist now, and the
     * handler did not call them unchanged) are signalled as Redis's signalModifiedKey does, so
     * clients watching them fail their next EXEC and tracking clients get invalidations. A key
     * missing before and after did not change; a key the command only reads is never touched.
     */
    private void touchWatchedKeys(final long changed) {
        final int keys = cmd.keyCount(req);
        for (int n = 0; n < keys; n++) {
            // a key missing before and after did not change (DEL or a pop of a missing key), nor
            // one its key spec says the command only reads (GEORADIUS's source, ZUNIONSTORE's inputs)
            if (n >= 63 ? keysUnchanged >= 0 : (changed & (1L << n)) != 0) { // keys past the 63rd: no bits
                final int i = cmd.keyArg(req, n);
                if (cmd.writesKeyAt(req, i)) {
                    signalModified(dbIndex, i);
                }
            }
        }
        // MOVE, COPY ... DB n: the key written in the other database (bit 63, see existing())
        if ((changed & Long.MIN_VALUE) != 0) {
            final long other = io.moon.server.net.KeyUse.otherDbKey(cmd, req);
            signalModified((int) (other >>> 32), (int) other);
        }
    }

    /** Key argument i, in database db, changed: WATCH and tracking hear of it (or {@link #changes}). */
    private void signalModified(final int db, final int i) {
        if (changes != null) {
            changes.changed(db, req.buf(), req.off(i), req.len(i));
        } else {
            io.moon.server.xshard.LockRequest.signalModified(shard, db, req.buf(), req.off(i), req.len(i), trackFor);
        }
    }

    /** A read-only command of a tracking client ran here: its keys are remembered for it (trackingRememberKeys). */
    private void rememberKeys() {
        if (cmd.isScript()) {
            return; // EVAL_RO, FCALL_RO: the commands the script runs remember their own keys
        }
        final int keys = cmd.keyCount(req);
        for (int n = 0; n < keys; n++) {
            final int i = cmd.keyArg(req, n);
            shard.tracking.remember(trackFor, req.buf(), req.off(i), req.len(i));
        }
    }

    /**
     * Bit n set when the command's n-th key (of the first 63) exists now: in the table and not past
     * its TTL (an expired key is gone for WATCH; its deletion is signalled by the expiry itself);
     * bit 63 for the key MOVE or COPY ... DB n names in another database.
     */
    public long existing() {
        long bits = 0;
        final int keys = Math.min(63, cmd.keyCount(req));
        for (int n = 0; n < keys; n++) {
            final int i = cmd.keyArg(req, n);
            final long a = db.lookup(req.buf(), req.off(i), req.len(i), keyHash(i));
            if (a != 0 && !db.isExpired(a, now)) {
                bits |= 1L << n;
            }
        }
        final long other = io.moon.server.net.KeyUse.otherDbKey(cmd, req);
        if (other >= 0 && (other >>> 32) < keyspace.databases()) {
            final int i = (int) other;
            final io.moon.storage.Db otherDb = keyspace.db((int) (other >>> 32));
            final long a = otherDb.lookup(req.buf(), req.off(i), req.len(i), keyHash(i));
            if (a != 0 && !otherDb.isExpired(a, now)) {
                bits |= Long.MIN_VALUE;
            }
        }
        return bits;
    }

    /** The write command changed nothing its keys' watchers should hear of (see {@link #keysUnchanged}). */
    public void keysUnchanged() {
        keysUnchanged = -1L;
    }

    /**
     * The write command changed its n-th key (0-based, in key order) and none of its other keys
     * (LMPOP and ZMPOP pop from one of the keys they name). From the 64th key on, every key counts.
     */
    public void onlyKeyChanged(final int n) {
        if (n < 63) {
            keysUnchanged |= ~(1L << n);
        }
    }

    /** The write command left its n-th key (0-based, in key order) unchanged (see {@link #keysUnchanged}). */
    public void keyUnchanged(final int n) {
        keysUnchanged |= 1L << Math.min(n, 63);
    }

    /** Bytes of argument i, for handlers: {@code c.buf()}, {@code c.off(i)}, {@code c.len(i)}. */
    public byte[] buf() {
        return req.buf();
    }

    public int off(final int i) {
        return req.off(i);
    }

    public int len(final int i) {
        return req.len(i);
    }

    public int argc() {
        return req.argc();
    }

    /** Hash of argument i as a key of the hash tables. */
    public long keyHash(final int i) {
        return Db.hash(req.buf(), req.off(i), req.len(i));
    }

    /** The live entry for argument i in the selected database (lazy expiry applies), or 0. */
    public long find(final int i, final long h) {
        return db.find(req.buf(), req.off(i), req.len(i), h, now);
    }

    /**
     * Like {@link #find} and counts a keyspace hit or miss without touching the entry (Redis's
     * LOOKUP_NOTOUCH: TYPE, OBJECT); {@code keymiss} sends the keymiss event for a miss (OBJECT
     * adds LOOKUP_NONOTIFY and sends none).
     */
    public long findCounted(final int i, final long h, final boolean keymiss) {
        final long a = db.find(req.buf(), req.off(i), req.len(i), h, now);
        if (a == 0) {
            keyspace.stats.keyspaceMisses++;
            if (keymiss) {
                io.moon.server.pubsub.Notify.event(this, io.moon.server.pubsub.Notify.KEY_MISS, "keymiss", i);
            }
        } else {
            keyspace.stats.keyspaceHits++;
        }
        return a;
    }

    /** Like {@link #find} and counts a keyspace hit or miss, and touches the entry. */
    public long findRead(final int i, final long h) {
        final long a = db.find(req.buf(), req.off(i), req.len(i), h, now);
        if (a == 0) {
            keyspace.stats.keyspaceMisses++;
            io.moon.server.pubsub.Notify.event(this, io.moon.server.pubsub.Notify.KEY_MISS, "keymiss", i);
        } else {
            keyspace.stats.keyspaceHits++;
            if (!noTouch) {
                db.touch(a);
            }
        }
        return a;
    }
}
