package io.moon.server.wal;

import io.moon.server.Server;
import io.moon.server.Shard;
import io.moon.storage.wal.FsyncPolicy;
import io.moon.storage.wal.WalWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.logging.Logger;

/**
 * The write-ahead log of the whole server (Redis's appendonly): each shard appends its own
 * segment from its own thread ({@link ShardLog}); this class holds what they share.
 *
 * <p>It knows the files ({@link Manifest} under {@code dir/appenddirname}), recovers them at
 * startup ({@link Recovery}), rewrites them ({@link AofRewrite}), answers admission (writes are
 * refused with MISCONF while a shard's log cannot write, -LOADING while the log replays), runs
 * the once-a-second fsync of appendfsync everysec on a thread of its own (off the event loops;
 * {@code FileChannel.force} is safe next to the shard's positional writes), and fills INFO
 * persistence's aof_* fields.
 *
 * <p>Thread contract: the fields shared with connection threads and the fsync thread are
 * volatile or atomic; a shard's writer is touched only by its shard thread, except
 * {@link WalWriter#syncWritten} on the everysec fsync thread and on the shard's sync thread
 * (appendfsync always, when {@link SyncPath} does not run it inline).
 */
public final class Aof {
    private static final Logger LOG = Logger.getLogger(Aof.class.getName());
    /** Redis's reply to writes while the AOF cannot be written. */
    public static final String MISCONF_PREFIX = "MISCONF Errors writing to the AOF file: ";

    final Server server;
    private final byte[] kinds;
    private final AtomicLong opIds = new AtomicLong(System.currentTimeMillis() << 20);
    private ShardLog[] logs;
    /** Per shard: the last write/fsync error, null when healthy. */
    private AtomicReferenceArray<String> errors;
    private volatile String writeError;
    /** The fsync thread's last error (everysec), null when healthy. */
    private volatile String fsyncError;
    /** Logs are being written (appendonly yes, recovered or enabled). */
    volatile boolean enabled;
    volatile boolean loading;
    /** The segments' replay at startup (Recovery): bytes of records to replay, replayed so far, start. */
    volatile long replayTotalBytes;
    volatile long replayedBytes;
    volatile long replayStartMillis;
    volatile Manifest manifest;
    final AofRewrite rewrite;
    private volatile Thread fsyncThread;
    private volatile java.util.function.Consumer<String> onFatal = msg -> {
        System.err.println("moon: " + msg);
        Runtime.getRuntime().halt(1);
    };

    public Aof(final Server server) {
        this.server = server;
        this.kinds = Rewrite.kinds(server.commands);
        this.rewrite = new AofRewrite(this);
        server.observe.persistence(this::report);
    }

    /** Called by each shard as it is built. */
    public synchronized ShardLog newLog(final Shard shard) {
        if (logs == null) {
            logs = new ShardLog[server.config.shards];
            errors = new AtomicReferenceArray<>(server.config.shards);
        }
        final ShardLog l = new ShardLog(shard, this);
        logs[shard.id] = l;
        return l;
    }

    byte kind(final int commandId) {
        return commandId < kinds.length ? kinds[commandId] : Rewrite.PLAIN;
    }

    /** Whether the reply at {@code mark} says the command changed nothing (see {@link Rewrite#changedNothing}). */
    public boolean changedNothing(final io.moon.server.command.CommandSpec cmd, final io.netty.buffer.ByteBuf out,
                                  final int mark) {
        return Rewrite.changedNothing(kind(cmd.id()), out, mark);
    }

    public long nextOpId() {
        return opIds.incrementAndGet();
    }

    /** Whether cross-shard operations must log their parts (and wait for them before replying). */
    public boolean enabled() {
        return enabled;
    }

    public boolean loading() {
        return loading;
    }

    // ---- files -----------------------------------------------------------------------------------

    /**
     * The shard count an existing append only file was written with, or -1 (appendonly no, no
     * manifest, or one that cannot be read: recovery reports that). A server left to pick its
     * shard count (shards 0) takes this one, so a log keeps replaying when the processor count
     * the default follows changes (a container's CPU limit, a bigger machine).
     */
    public static int loggedShards(final io.moon.server.config.Config config) {
        if (!"yes".equals(config.get("appendonly"))) {
            return -1;
        }
        final Path dir = Path.of(config.dir == null ? "." : config.dir).resolve(config.get("appenddirname"));
        try {
            final Manifest m = Manifest.read(dir, config.get("appendfilename"));
            return m == null ? -1 : m.shards();
        } catch (final IOException | RuntimeException e) {
            return -1;
        }
    }

    Path dir() {
        return Path.of(server.config.dir == null ? "." : server.config.dir).resolve(server.config.get("appenddirname"));
    }

    String fileName() {
        return server.config.get("appendfilename");
    }

    FsyncPolicy policy() {
        final FsyncPolicy p = FsyncPolicy.parse(server.config.get("appendfsync"));
        return p == null ? FsyncPolicy.EVERYSEC : p;
    }

    int shards() {
        return server.shardCount();
    }

    ShardLog log(final int shard) {
        return logs[shard];
    }

    /** Opens a segment for appending after its first {@code validEnd} bytes. */
    WalWriter openSegment(final String name, final long validEnd, final long nextSeq) throws IOException {
        return new WalWriter(dir().resolve(name), validEnd, nextSeq, policy());
    }

    // ---- health (admission) ---------------------------------------------------------------------

    /** True when writes must be refused: some shard's log cannot write or fsync. */
    public boolean refuseWrites() {
        return writeError != null;
    }

    /** The MISCONF error text while writes are refused. */
    public String misconf() {
        final String e = writeError;
        return MISCONF_PREFIX + (e == null ? "" : e);
    }

    void failed(final ShardLog l, final String error) {
        if (errors.get(l.shard.id) == null) {
            LOG.warning("Error writing to the AOF file on shard " + l.shard.id + ": " + error
                    + "; writes are refused until it succeeds again");
        }
        errors.set(l.shard.id, error);
        recomputeHealth();
    }

    void healthy(final ShardLog l) {
        if (errors.get(l.shard.id) != null) {
            errors.set(l.shard.id, null);
            LOG.warning("AOF write error on shard " + l.shard.id + " looks solved, Moon can write again.");
            recomputeHealth();
        }
    }

    private void recomputeHealth() {
        String e = fsyncError;
        for (int i = 0; e == null && i < errors.length(); i++) {
            e = errors.get(i);
        }
        writeError = e;
    }

    // ---- startup, shutdown, configuration --------------------------------------------------------

    /**
     * With appendonly yes: marks the server loading and recovers the log (base, then each shard's
     * segments through the consistent cut) on a thread of its own; the shards then log. Call
     * before listening.
     */
    public void recoverAtStartup() {
        loading = true;
        server.observe.readiness.notReady("aof-loading", "append-only file not loaded");
        new Recovery(this).start(() -> {
            enabled = true;
            loading = false;
            server.observe.readiness.ready("aof-loading");
            startFsyncThread();
        });
    }

    /** What an unrecoverable log does (exit 1 with the message; tests observe it). */
    public void onFatal(final java.util.function.Consumer<String> action) {
        onFatal = action;
    }

    void fatal(final String message) {
        LOG.severe(message);
        onFatal.accept(message);
    }

    /** Registers the shutdown step: every shard writes and fsyncs its log. */
    public void install() {
        server.snapshots.addShutdownStep(this::flushAll);
    }

    /** Writes and fsyncs every shard's staged records, on the shards' threads; waits up to 10 s. */
    public void flushAll() {
        if (logs == null) {
            return;
        }
        final CountDownLatch done = new CountDownLatch(logs.length);
        for (final ShardLog l : logs) {
            if (l.shard.inThread()) {
                l.flushAndSync(); // SHUTDOWN runs the steps on its connection's shard: that one inline
                done.countDown();
                continue;
            }
            try {
                l.shard.execute(() -> {
                    try {
                        l.flushAndSync();
                    } finally {
                        done.countDown();
                    }
                });
            } catch (final java.util.concurrent.RejectedExecutionException e) {
                done.countDown();
            }
        }
        try {
            done.await(10, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** CONFIG SET touched the configuration: appendonly and appendfsync take effect now. */
    public void configChanged() {
        final boolean want = "yes".equals(server.config.get("appendonly"));
        if (want && !enabled && !loading && !rewrite.inProgress()) {
            rewrite.start(true);
        } else if (!want && enabled) {
            disable();
        }
        final FsyncPolicy p = policy();
        for (final ShardLog l : logs) {
            l.shard.execute(() -> {
                if (l.writer != null) {
                    l.writer.policy(p);
                }
            });
        }
    }

    /** appendonly no at runtime: every shard flushes, fsyncs and closes its segment. */
    void disable() {
        enabled = false;
        for (final ShardLog l : logs) {
            l.shard.execute(() -> l.open(null));
        }
        for (int i = 0; i < errors.length(); i++) {
            errors.set(i, null);
        }
        fsyncError = null;
        recomputeHealth();
    }

    private java.util.concurrent.ExecutorService[] syncers;

    /**
     * Shard {@code shard}'s sync thread: the fsyncs of appendfsync always that are too slow to run
     * inline ({@link SyncPath}) run there, off the event loop, one at a time per shard.
     */
    synchronized java.util.concurrent.ExecutorService syncer(final int shard) {
        if (syncers == null) {
            syncers = new java.util.concurrent.ExecutorService[logs.length];
        }
        if (syncers[shard] == null) {
            syncers[shard] = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                final Thread t = new Thread(r, "moon-aof-sync-" + shard);
                t.setDaemon(true);
                return t;
            });
        }
        return syncers[shard];
    }

    /**
     * Flushes, fsyncs and closes every segment and stops the log's threads, for a server that is
     * done with its log (the temporary server of {@link Reshard}); nothing logs afterwards.
     */
    void close() {
        flushAll();
        enabled = false;
        final Thread t = fsyncThread;
        if (t != null) {
            t.interrupt();
        }
        synchronized (this) {
            if (syncers != null) {
                for (final java.util.concurrent.ExecutorService e : syncers) {
                    if (e != null) {
                        e.shutdown();
                    }
                }
            }
        }
        if (logs != null) {
            for (final ShardLog l : logs) {
                final WalWriter w = l.writer;
                l.writer = null;
                if (w != null) {
                    try {
                        w.close();
                    } catch (final IOException ignored) {
                        // flushed and fsynced above: a close error loses nothing
                    }
                }
            }
        }
    }

    /** Whether BGREWRITEAOF's rewrite (or CONFIG SET appendonly yes's first one) is running. */
    public boolean rewriteInProgress() {
        return rewrite.inProgress();
    }

    /** From shard 0's cron. */
    public void cron(final long now) {
        rewrite.cron(now);
    }

    // ---- everysec ----------------------------------------------------------------------------------

    void startFsyncThread() {
        if (fsyncThread != null) {
            return;
        }
        final Thread t = new Thread(this::fsyncLoop, "moon-aof-fsync");
        t.setDaemon(true);
        fsyncThread = t;
        t.start();
    }

    /** appendfsync everysec: once a second, fsyncs every segment that has unsynced writes. */
    private void fsyncLoop() {
        while (true) {
            try {
                Thread.sleep(1000);
            } catch (final InterruptedException e) {
                return;
            }
            if (!enabled || policy() != FsyncPolicy.EVERYSEC) {
                continue;
            }
            String err = null;
            for (final ShardLog l : logs) {
                final WalWriter w = l.writer;
                if (w == null) {
                    continue;
                }
                try {
                    w.syncWritten();
                } catch (final IOException | RuntimeException e) {
                    err = e.getMessage() == null ? e.toString() : e.getMessage();
                }
            }
            if (err != null && fsyncError == null) {
                LOG.warning("Error fsyncing the AOF: " + err + "; writes are refused until an fsync succeeds");
            }
            if (err == null && fsyncError != null) {
                LOG.warning("AOF fsync error looks solved, Moon can write again.");
            }
            fsyncError = err;
            recomputeHealth();
        }
    }

    // ---- INFO ------------------------------------------------------------------------------------

    long currentSize() {
        long n = 0;
        final Manifest m = manifest;
        if (m == null) {
            return 0;
        }
        for (final String f : m.names()) {
            try {
                n += Files.size(dir().resolve(f));
            } catch (final IOException ignored) {
                // a file being replaced: counted at the next call
            }
        }
        return n;
    }

    void report(final io.moon.server.observe.PersistenceFields f) {
        f.set("aof_enabled", enabled || loading ? 1 : 0);
        f.set("aof_last_write_status", writeError == null ? "ok" : "err");
        rewrite.report(f);
        if (loading) {
            f.set("loading", 1);
            final long total = replayTotalBytes;
            if (total > 0 && !server.snapshots.loading()) {
                // the base is loaded: the segments' replay is the load in progress
                io.moon.server.persist.Snapshots.loadingFields(f, replayStartMillis, total, replayedBytes);
            }
        }
        if (enabled) {
            f.add("aof_current_size", currentSize());
            f.add("aof_base_size", rewrite.baseSize());
            f.add("aof_pending_rewrite", rewrite.scheduled() ? 1 : 0);
            f.add("aof_buffer_length", 0);
            f.add("aof_pending_bio_fsync", 0);
            f.add("aof_delayed_fsync", 0);
        }
    }
}
