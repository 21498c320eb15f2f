package io.moon.server.wal;

import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.Shard;
import io.moon.storage.Db;
import io.moon.storage.rdb.RdbValue;
import io.moon.storage.wal.WalWriter;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One shard's side of the write-ahead log: what its writes append, and when their replies may
 * leave. Owned by the shard's thread; not thread-safe (the server-wide state is {@link Aof}).
 *
 * <p><b>Appending.</b> A write that ran on the shard's own keyspace ({@code Ctx.runCommand}) is
 * staged as one record in its deterministic form ({@link Rewrite}); nothing reaches the file yet.
 * Inside an in-place transaction or script ({@link #beginGroup}) the commands are collected and
 * staged as one batch record when it ends, so a torn write keeps all of them or none. While a
 * cross-shard operation's code runs here, the operation collects what this shard's part did
 * ({@link #capture}) and stages it as one record carrying the operation's id and part count when
 * it releases this shard's locks (see {@code xshard.Coordinated}).
 *
 * <p><b>Group commit.</b> The first record of an event-loop iteration queues {@link #flushTask} on
 * the shard's loop; Netty runs queued tasks after the iteration's I/O, so it writes (and with
 * appendfsync always, fsyncs) every record the iteration staged at once. Until it succeeds, the
 * replies that depend on those records stay where they are: connections homed here keep their
 * output ({@link #mustHold}), and work that would carry a result to another shard (a call's
 * completion, a cross-shard part's acknowledgement, a served blocked client) waits in
 * {@link #whenDurable}. A failed write or fsync keeps the records staged; the shard's cron retries
 * and the held replies leave once it succeeds, while new writes are refused (MISCONF).
 */
public final class ShardLog {
    /** First argument of a batch record: commands follow as (db, argc, args...). */
    static final byte[] BATCH = "#BATCH".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DEL = "DEL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESTORE = "RESTORE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REPLACE = "REPLACE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ABSTTL = "ABSTTL".getBytes(StandardCharsets.US_ASCII);

    /** A command kept for a batch: its database and its arguments. */
    public record Cmd(int db, List<byte[]> args) {
    }

    final Shard shard;
    final Aof aof;
    /** The open segment, or null when the log is off (appendonly no, or not yet recovered). */
    volatile WalWriter writer;
    /** Records staged since the segment was opened, and how many of them are as durable as promised. */
    long appended;
    long durable;
    private boolean flushQueued;
    private final Runnable flushTask = this::onIterationEnd;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private final List<Output> heldOutputs = new ArrayList<>();

    private int groupDepth;
    private final List<Cmd> group = new ArrayList<>();

    /** Where commands go while a cross-shard operation's code runs here, or null. */
    private List<Cmd> capture;
    /** Whether the capture keeps commands (a part holding whole databases) or drops them (key effects are taken at release). */
    private boolean captureArgv;

    /**
     * A connection's side of the group commit, owned by its home shard's thread: the log's record
     * count after its last write ({@code mark}) and whether its output is being held.
     */
    public static final class Output {
        private final Runnable flush;
        long mark;
        boolean held;

        public Output(final Runnable flush) {
            this.flush = flush;
        }

        /** Its write staged records up to {@code appended}: its replies wait until they are durable. */
        public void wrote(final long appended) {
            mark = appended;
        }
    }

    ShardLog(final Shard shard, final Aof aof) {
        this.shard = shard;
        this.aof = aof;
    }

    /** True when writes are being logged here. */
    public boolean active() {
        return writer != null;
    }

    // ---- appending (shard thread) ----------------------------------------------------------------

    /** Logs the write command bound in {@code c} whose reply starts at {@code mark}. */
    public void command(final Ctx c, final ByteBuf out, final int mark) {
        Rewrite.emit(this, aof.kind(c.cmd.id()), c, out, mark);
    }

    /** Stages the request as it is (the plain case; allocates nothing). */
    void emit(final int db, final Request r) {
        if (capture != null || groupDepth > 0) {
            final List<byte[]> a = new ArrayList<>(r.argc());
            for (int i = 0; i < r.argc(); i++) {
                a.add(r.argBytes(i));
            }
            keep(new Cmd(db, a));
            return;
        }
        writer.begin(0, 1, db, r.argc());
        for (int i = 0; i < r.argc(); i++) {
            writer.arg(r.buf(), r.off(i), r.len(i));
        }
        writer.end();
        staged();
    }

    /** Stages a rewritten command. */
    void emit(final int db, final List<byte[]> args) {
        if (capture != null || groupDepth > 0) {
            keep(new Cmd(db, args));
            return;
        }
        writer.begin(0, 1, db, args.size());
        for (final byte[] a : args) {
            writer.arg(a, 0, a.length);
        }
        writer.end();
        staged();
    }

    private void keep(final Cmd cmd) {
        if (capture != null) {
            if (captureArgv) {
                capture.add(cmd);
            }
        } else {
            group.add(cmd);
        }
    }

    /** A key that expired or was evicted: logged as DEL, as Redis propagates it. */
    public void deleted(final int db, final byte[] k, final int ko, final int kl) {
        if (writer == null) {
            return;
        }
        final List<byte[]> a = new ArrayList<>(2);
        a.add(DEL);
        a.add(java.util.Arrays.copyOfRange(k, ko, ko + kl));
        if (capture != null) {
            return; // the operation holding this key logs its final state when it releases it
        }
        emit(db, a);
    }

    /** Starts an in-place transaction or script: its commands become one batch record. Nests. */
    public void beginGroup() {
        groupDepth++;
    }

    /** Ends a group; the outermost end stages the batch. */
    public void endGroup() {
        if (--groupDepth > 0 || writer == null) {
            if (writer == null) {
                group.clear();
            }
            return;
        }
        if (group.isEmpty()) {
            return;
        }
        stage(0, 1, group);
        group.clear();
    }

    /** While a cross-shard operation's code runs here: commands go to {@code into} (kept only when {@code argv}). */
    public void capture(final List<Cmd> into, final boolean argv) {
        capture = into;
        captureArgv = argv;
    }

    public void endCapture() {
        capture = null;
    }

    /** A cross-shard operation wrote a key here outside a handler (a gather's write-back): its state is kept. */
    public void captureEffect(final int db, final byte[] k, final int ko, final int kl, final long now) {
        if (writer != null && capture != null && captureArgv) {
            capture.add(effect(db, k, ko, kl, now));
        }
    }

    /** Stages commands as one record (a batch unless it is a single standalone command). */
    public void stage(final long opId, final int parts, final List<Cmd> cmds) {
        if (writer == null) {
            return;
        }
        if (opId == 0 && cmds.size() == 1) {
            final Cmd c = cmds.getFirst();
            writer.begin(0, 1, c.db(), c.args().size());
            for (final byte[] a : c.args()) {
                writer.arg(a, 0, a.length);
            }
            writer.end();
            staged();
            return;
        }
        int argc = 1;
        for (final Cmd c : cmds) {
            argc += 2 + c.args().size();
        }
        writer.begin(opId, parts, 0, argc);
        writer.arg(BATCH, 0, BATCH.length);
        for (final Cmd c : cmds) {
            final byte[] db = Rewrite.num(c.db());
            final byte[] n = Rewrite.num(c.args().size());
            writer.arg(db, 0, db.length);
            writer.arg(n, 0, n.length);
            for (final byte[] a : c.args()) {
                writer.arg(a, 0, a.length);
            }
        }
        writer.end();
        staged();
    }

    /** The command that recreates a key's current state here: RESTORE of its value, or DEL. */
    public Cmd effect(final int dbIndex, final byte[] k, final int ko, final int kl, final long now) {
        final Db db = shard.keyspace.db(dbIndex);
        final byte[] key = java.util.Arrays.copyOfRange(k, ko, ko + kl);
        final long a = db.find(key, 0, key.length, Db.hash(key, 0, key.length), now);
        final List<byte[]> args = new ArrayList<>(7);
        if (a == 0) {
            args.add(DEL);
            args.add(key);
            return new Cmd(dbIndex, args);
        }
        final long at = db.expireAt(a);
        args.add(RESTORE);
        args.add(key);
        args.add(Rewrite.num(Math.max(0, at)));
        args.add(RdbValue.dump(db, a));
        args.add(REPLACE);
        if (at >= 0) {
            args.add(ABSTTL);
        }
        return new Cmd(dbIndex, args);
    }

    private void staged() {
        appended++;
        if (!flushQueued) {
            flushQueued = true;
            shard.execute(flushTask);
        }
    }

    // ---- releasing replies (shard thread) ---------------------------------------------------------

    /** Runs {@code r} now if every record staged so far is durable, else once it is. */
    public void whenDurable(final Runnable r) {
        whenDurable(r, true);
    }

    /**
     * As {@link #whenDurable(Runnable)}; a reply that staged nothing itself ({@code wrote} false)
     * is not kept while the log is failing, so reads go on while writes are refused.
     */
    public void whenDurable(final Runnable r, final boolean wrote) {
        if (writer == null || durable == appended || (!wrote && writer.failing())) {
            r.run();
        } else {
            waiting.add(r);
        }
    }

    /**
     * Whether a connection homed here must keep its output for now (it is then flushed when the
     * log catches up): records are pending and the log is healthy (every reply of the iteration
     * waits for the group commit, as in Redis), or the connection's own write is not durable yet.
     */
    public boolean holds(final Output o) {
        if (o.held) {
            return true;
        }
        if (writer != null && durable != appended && (o.mark > durable || !writer.failing())) {
            o.held = true;
            heldOutputs.add(o);
            return true;
        }
        return false;
    }

    /** Records staged so far (a connection's walMark after it wrote). */
    public long appended() {
        return appended;
    }

    /** The group commit: the end of the iteration that staged records. */
    private void onIterationEnd() {
        flushQueued = false;
        if (writer == null) {
            release();
            return;
        }
        if (writer.endOfIteration(System.currentTimeMillis())) {
            durable = appended;
            aof.healthy(this);
            release();
        } else {
            aof.failed(this, writer.lastError());
        }
    }

    /** Once a second (shard cron): retries a failed write; the everysec fsync runs on Aof's thread. */
    public void cron(final long now) {
        if (writer == null) {
            return;
        }
        if (writer.failing() && !flushQueued) {
            if (writer.endOfIteration(now)) {
                durable = appended;
                aof.healthy(this);
                release();
            } else {
                aof.failed(this, writer.lastError());
            }
        }
    }

    private void release() {
        while (!waiting.isEmpty()) {
            waiting.poll().run();
        }
        if (!heldOutputs.isEmpty()) {
            final Output[] held = heldOutputs.toArray(new Output[0]);
            heldOutputs.clear();
            for (final Output h : held) {
                h.held = false;
                h.flush.run();
            }
        }
    }

    /** Writes and fsyncs what is staged (shutdown, before a segment is closed). */
    boolean flushAndSync() {
        if (writer == null) {
            return true;
        }
        final boolean ok = writer.flushAndSync(System.currentTimeMillis());
        if (ok) {
            durable = appended;
            release();
        }
        return ok;
    }

    /** Switches to a new segment (rewrite, enabling the log); the old one is flushed, fsynced and closed. */
    void open(final WalWriter next) {
        final WalWriter old = writer;
        if (old != null) {
            flushAndSync();
            try {
                old.close();
            } catch (final java.io.IOException ignored) {
                // the records are fsynced; a close error loses nothing
            }
        }
        writer = next;
        if (next == null) {
            release();
        }
    }
}
