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
 * the shard's loop; Netty runs queued tasks after the iteration's I/O, so it writes every record
 * the iteration staged in one call. With appendfsync always the fsync follows, where
 * {@link SyncPath} says: inline on the loop while fsyncs are cheap (the replies are released right
 * after it, as Redis does in beforeSleep), or on the shard's sync thread while the loop goes on;
 * records staged meanwhile are written by the next iteration and join the next fsync, so one
 * fsync covers as many writes as arrived during the previous one.
 * Until their records are as durable as the policy promises, the replies that depend on them stay
 * where they are: connections homed here keep their output ({@link #holds}), and work that would
 * carry a result to another shard (a call's completion, a cross-shard part's acknowledgement, a
 * served blocked client) waits in {@link #whenDurable}, each released once the record count it
 * needs is durable. A failed write or fsync keeps the records (staged, or written and to be
 * fsynced again); the shard's cron retries and the held replies leave once it succeeds, while
 * new writes are refused (MISCONF).
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
        long until;
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

    /** Records written to the OS (not necessarily fsynced). */
    private long written;
    /** A write or fsync failed and no retry has succeeded yet. */
    private boolean failing;
    /** An fsync runs on this shard's sync thread (appendfsync always). */
    private boolean syncInFlight;
    private java.util.concurrent.Executor syncer;
    /** Where appendfsync always's fsync runs: inline or on the sync thread. */
    final SyncPath syncPath = SyncPath.fromProperties();
    /** Work waiting for the log: what it needs durable (a record count) and what to run then. */
    private long[] needs = new long[16];
    private Runnable[] waiters = new Runnable[16];
    private int waitHead;
    private int waitCount;

    /** Runs {@code r} now if every record staged so far is durable, else once it is. */
    public void whenDurable(final Runnable r) {
        whenDurable(r, true);
    }

    /**
     * As {@link #whenDurable(Runnable)}; a reply that staged nothing itself ({@code wrote} false)
     * is not kept while the log is failing, so reads go on while writes are refused.
     */
    public void whenDurable(final Runnable r, final boolean wrote) {
        if (writer == null || durable == appended || (!wrote && failing)) {
            r.run();
            return;
        }
        if (waitCount == needs.length) {
            final long[] n = new long[needs.length * 2];
            final Runnable[] w = new Runnable[needs.length * 2];
            for (int i = 0; i < waitCount; i++) {
                n[i] = needs[(waitHead + i) % needs.length];
                w[i] = waiters[(waitHead + i) % needs.length];
            }
            needs = n;
            waiters = w;
            waitHead = 0;
        }
        final int at = (waitHead + waitCount) % needs.length;
        needs[at] = appended;
        waiters[at] = r;
        waitCount++;
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
        if (writer != null && durable != appended && (o.mark > durable || !failing)) {
            o.held = true;
            o.until = appended;
            heldOutputs.add(o);
            return true;
        }
        return false;
    }

    /** Records staged so far (a connection's mark after it wrote). */
    public long appended() {
        return appended;
    }

    /**
     * The group commit, at the end of the iteration that staged records: one write of everything
     * staged; with appendfsync always, the fsync then runs inline or on this shard's sync thread
     * ({@link #startSync}) and what waits is released once it returned; otherwise what waits is
     * released now.
     */
    private void onIterationEnd() {
        flushQueued = false;
        final WalWriter w = writer;
        if (w == null) {
            releaseAll();
            return;
        }
        if (!w.writeStaged()) {
            failing = true;
            aof.failed(this, w.lastError());
            return;
        }
        written = appended;
        afterWrite(w);
    }

    private void afterWrite(final WalWriter w) {
        if (w.policy() == io.moon.storage.wal.FsyncPolicy.ALWAYS) {
            startSync(w);
            return;
        }
        durable = written;
        healthy();
    }

    /**
     * Starts the fsync of what is written, unless one runs already (its report starts the next).
     * Inline on the loop when {@link #syncPath} says the fsync is cheap, on the sync thread
     * otherwise (see {@link SyncPath} for why both).
     */
    private void startSync(final WalWriter w) {
        if (syncInFlight || durable == written) {
            return;
        }
        final long target = written;
        final long start = System.nanoTime();
        if (syncPath.inline(start)) {
            final String error = sync(w);
            final long end = System.nanoTime();
            syncPath.inlineDone(end - start, end); // a failure counts too: a disk slow to fail is slow
            synced(target, error);
            return;
        }
        syncInFlight = true;
        if (syncer == null) {
            syncer = aof.syncer(shard.id);
        }
        syncer.execute(() -> {
            final String error = sync(w);
            shard.execute(() -> onSynced(w, target, error));
        });
    }

    /** Forces what {@code w} has written; the error's message, or null. */
    private static String sync(final WalWriter w) {
        try {
            w.syncWritten();
            return null;
        } catch (final java.io.IOException | RuntimeException e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }

    /** Back on the shard: the fsync of the first {@code target} records ended on the sync thread. */
    private void onSynced(final WalWriter w, final long target, final String error) {
        syncInFlight = false;
        if (w != writer) {
            return; // the segment was switched or closed, after a flush and fsync of its own
        }
        if (error == null) {
            syncPath.threadDone();
        }
        if (synced(target, error)) {
            startSync(w); // what was written meanwhile
        }
    }

    /** The fsync of the first {@code target} records ended: releases what waited, or fails. */
    private boolean synced(final long target, final String error) {
        if (error != null) {
            failing = true;
            aof.failed(this, error); // the cron retries
            return false;
        }
        durable = Math.max(durable, target);
        healthy();
        return true;
    }

    private void healthy() {
        if (failing) {
            failing = false;
        }
        aof.healthy(this);
        release();
    }

    /** Once a second or more (shard cron): retries a failed write or fsync. */
    public void cron(final long now) {
        final WalWriter w = writer;
        if (w == null || !failing || flushQueued) {
            return;
        }
        if (w.failing()) {
            if (!w.writeStaged()) {
                aof.failed(this, w.lastError());
                return;
            }
            written = appended;
        }
        afterWrite(w);
    }

    /** Runs what waits for records up to {@link #durable}. */
    private void release() {
        while (waitCount > 0 && needs[waitHead] <= durable) {
            final Runnable r = waiters[waitHead];
            waiters[waitHead] = null;
            waitHead = (waitHead + 1) % needs.length;
            waitCount--;
            r.run();
        }
        if (!heldOutputs.isEmpty()) {
            final Output[] held = heldOutputs.toArray(new Output[0]);
            heldOutputs.clear();
            for (final Output h : held) {
                if (h.until <= durable) {
                    h.held = false;
                    h.flush.run();
                } else {
                    heldOutputs.add(h);
                }
            }
        }
    }

    /** The log stops (or switched after a full flush): everything waiting goes. */
    private void releaseAll() {
        durable = appended;
        written = appended;
        release();
    }

    /** Writes and fsyncs what is staged (shutdown, before a segment is closed). */
    boolean flushAndSync() {
        if (writer == null) {
            return true;
        }
        final boolean ok = writer.flushAndSync(System.currentTimeMillis());
        if (ok) {
            failing = false;
            releaseAll();
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
            failing = false;
            releaseAll();
        }
    }
}
