package io.moon.server.persist;

import io.moon.server.Ctx;
import io.moon.server.Server;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server's snapshot state (last save, BGSAVE in progress, last status) and the save itself.
 *
 * <p>A save is forkless and takes one point in time across all shards. The cut is one
 * {@link Coordinated} operation that read-locks every database on every shard: with all locks held
 * no cross-shard operation is half applied. Under those locks each shard only installs its
 * {@link ShardSnapshot} (a write barrier per database); the locks are then released and each shard
 * serializes its entries from its own event loop, in slices, while it keeps serving commands; a
 * write about to change an entry not yet serialized first serializes the entry's cut-time value.
 * A writer thread ({@link SnapshotFile}) streams the chunks through a bounded queue to
 * {@code temp-<pid>.rdb}, fsyncs it, renames it over the target and fsyncs the directory, so a
 * failed save never touches the previous snapshot.
 *
 * <p>Thread contract: the fields are written by whichever thread finishes a save and read by any
 * connection thread, hence volatile / atomic.
 */
public final class Snapshots {
    private static final Logger LOG = Logger.getLogger(Snapshots.class.getName());

    private final Server server;
    private final AtomicBoolean inProgress = new AtomicBoolean();
    private volatile long lastSaveSeconds = System.currentTimeMillis() / 1000;
    private volatile boolean lastBgsaveOk = true;
    /** The last BGSAVE failed writing the file: MISCONF applies (not when encoding failed). */
    private volatile boolean diskError;
    /** The last BGSAVE failed encoding a value this writer cannot encode: save points back off. */
    private volatile boolean encodeFailed;
    private volatile long lastBgsaveSeconds = -1;
    private volatile long currentStartMillis;
    private volatile long saves;

    public Snapshots(final Server server) {
        this.server = server;
        server.observe.persistence(this::report);
    }

    /** Fills this subsystem's INFO persistence fields (observe's PersistenceInfo). */
    void report(final io.moon.server.observe.PersistenceFields f) {
        f.set("loading", loading ? 1 : 0);
        f.set("rdb_changes_since_last_save", changesSinceLastSave());
        f.set("rdb_bgsave_in_progress", inProgress() ? 1 : 0);
        f.set("rdb_last_save_time", lastSaveSeconds);
        f.set("rdb_last_bgsave_status", lastBgsaveOk ? "ok" : "err");
        f.set("rdb_last_bgsave_time_sec", lastBgsaveSeconds);
        f.set("rdb_current_bgsave_time_sec",
                inProgress() ? (System.currentTimeMillis() - currentStartMillis) / 1000 : -1);
        f.set("rdb_saves", saves);
        f.set("rdb_last_load_keys_expired", lastLoadKeysExpired);
        f.set("rdb_last_load_keys_loaded", lastLoadKeysLoaded);
        if (loading) {
            loadingFields(f, loadingStartMillis, loadingTotalBytes, loadingLoadedBytes);
        }
    }

    /** INFO persistence's loading_* fields, for a load of {@code total} bytes started at {@code startMillis}. */
    public static void loadingFields(final io.moon.server.observe.PersistenceFields f, final long startMillis,
                                     final long total, final long done) {
        final long elapsed = Math.max(1, (System.currentTimeMillis() - startMillis) / 1000);
        f.add("loading_start_time", startMillis / 1000);
        f.add("loading_total_bytes", total);
        f.add("loading_rdb_used_mem", 0);
        f.add("loading_loaded_bytes", done);
        f.add("loading_loaded_perc", String.format(java.util.Locale.ROOT, "%.2f",
                total == 0 ? 0.0 : done * 100.0 / total));
        f.add("loading_eta_seconds", done == 0 ? 1 : (long) ((total - done) / (done / (double) elapsed)));
    }

    public long lastSaveSeconds() {
        return lastSaveSeconds;
    }

    public boolean inProgress() {
        return inProgress.get();
    }

    public boolean lastBgsaveOk() {
        return lastBgsaveOk;
    }

    /** Write commands since the last successful save, summed over the shards (approximate while they run). */
    public long changesSinceLastSave() {
        long n = 0;
        for (int s = 0; s < server.shardCount(); s++) {
            n += server.shard(s).changes.get();
        }
        return n - changesAtLastSave;
    }

    private volatile long changesAtLastSave;

    /**
     * Writes a point-in-time RDB file of every shard to {@code target} (temp file, fsync, rename,
     * directory fsync) and completes when it is in place. {@code atCut}, when not null, runs on
     * each shard's own thread at the cut, while the cut's locks are held: what the shard holds
     * then is exactly what the file will hold. A save already running is waited for first. Used by
     * SAVE, BGSAVE and the write-ahead log's rewrite. Callable from any thread, but a shard thread
     * must not block on the future (the save needs every shard's loop).
     */
    public CompletableFuture<Void> saveTo(final Path target, final Consumer<io.moon.server.Shard> atCut) {
        final CompletableFuture<Void> result = new CompletableFuture<>();
        final io.moon.server.Shard s0 = server.shard(0);
        s0.execute(() -> saveWhenIdle(s0, target, atCut, result));
        return result;
    }

    private void saveWhenIdle(final io.moon.server.Shard s0, final Path target,
                              final Consumer<io.moon.server.Shard> atCut, final CompletableFuture<Void> result) {
        final Ctx c = s0.newContext();
        c.bind(0, null, null, server.commands.byFullName("bgsave"));
        final Coordinated op = start(c, target, atCut, false, false, (r, err) -> {
            if (err == null) {
                result.complete(null);
            } else {
                result.completeExceptionally(new java.io.IOException(err));
            }
        });
        if (op == null) {
            final CompletableFuture<Void> running = current;
            running.whenComplete((v, e) -> s0.execute(() -> saveWhenIdle(s0, target, atCut, result)));
        }
    }

    /** The file {@code dir/dbfilename}. */
    public Path dumpFile() {
        return Path.of(server.config.dir == null ? "." : server.config.dir).resolve(server.config.get("dbfilename"));
    }

    /**
     * Starts SAVE or BGSAVE from a command's context. {@code replyFn} writes the command's reply,
     * on the coordinator thread, with null or the failure's message: for a background save right
     * after the cut (the file is written afterwards), otherwise once the file is in place. Returns
     * the operation, or null when a save is already running (nothing started, nothing replied).
     */
    public Coordinated start(final Ctx c, final boolean background,
                             final BiConsumer<io.moon.protocol.Reply, String> replyFn) {
        return start(c, dumpFile(), null, background, true, replyFn);
    }

    private Coordinated start(final Ctx c, final Path target, final Consumer<io.moon.server.Shard> atCut,
                              final boolean background, final boolean record,
                              final BiConsumer<io.moon.protocol.Reply, String> replyFn) {
        final CompletableFuture<Void> running = begin();
        if (running == null) {
            return null;
        }
        dumpSave = record;
        final boolean compress = !"no".equals(server.config.get("rdbcompression"));
        final SnapshotFile file = new SnapshotFile(target, !"no".equals(server.config.get("rdbchecksum")),
                server.memoryLimit.total(), server.shardCount());
        file.start();
        currentFile = file;
        final Coordinated op = new Coordinated(c) {
            {
                allDatabases(false);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                try {
                    if (atCut != null) {
                        atCut.accept(x.shard);
                    }
                    p.n = x.shard.changes.get();
                    p.data = ShardSnapshot.cut(x.shard, file, compress);
                } catch (final RuntimeException e) {
                    // an error here must still end the save (and clear inProgress), so it is data
                    LOG.log(Level.WARNING, "Failed taking the snapshot's cut on shard " + x.shard.id, e);
                    p.data = String.valueOf(e.getMessage());
                    file.abort(String.valueOf(e.getMessage()));
                    file.shardDone();
                }
            }

            @Override
            protected void onAllLocked() {
                long changes = 0;
                String encodeError = null;
                final java.util.List<ShardSnapshot> shards = new java.util.ArrayList<>();
                for (int i = 0; i < partCount(); i++) {
                    if (partAt(i).data instanceof final String e) {
                        encodeError = e;
                    } else {
                        shards.add((ShardSnapshot) partAt(i).data);
                    }
                    partAt(i).data = null;
                    changes += partAt(i).n;
                }
                releaseAll();
                file.onRoom(() -> shards.forEach(ShardSnapshot::wake));
                shards.forEach(ShardSnapshot::start);
                if (background) {
                    replyFn.accept(reply, encodeError);
                    finish();
                }
                final long cutChanges = changes;
                file.done().whenComplete((v, e) -> {
                    final String err = e == null ? null : file.failure();
                    if (err == null) {
                        LOG.info("DB saved on disk");
                        LOG.fine(() -> "snapshot queue peak: " + file.peakQueuedBytes() + " bytes");
                    }
                    finished(err, background, record, cutChanges, !file.aborted());
                    if (!background) {
                        home.execute(() -> {
                            replyFn.accept(reply, err);
                            finish();
                        });
                    }
                });
            }
        };
        op.start();
        return op;
    }

    /**
     * Marks a save running; returns the future to complete when it ends (after {@link #finished}),
     * or null when one runs already.
     */
    CompletableFuture<Void> begin() {
        final CompletableFuture<Void> running = new CompletableFuture<>();
        synchronized (this) {
            if (!inProgress.compareAndSet(false, true)) {
                return null;
            }
            current = running;
        }
        currentStartMillis = System.currentTimeMillis();
        return running;
    }

    /** The running save's file (set with {@link #inProgress}), for {@link #cancelRunning}. */
    private volatile SnapshotFile currentFile;
    /** Whether the running save is SAVE's or BGSAVE's (not the write-ahead log's base, saveTo). */
    private volatile boolean dumpSave;
    /** BGSAVE asked for inside EXEC or with SCHEDULE during a rewrite: shard 0's cron starts it. */
    private volatile boolean bgsaveScheduled;

    /** True while the save running (if any) writes dir/dbfilename. */
    public boolean dumpSaveRunning() {
        return dumpSave;
    }

    /** Schedules a BGSAVE, started by {@link #cron} once no save or rewrite runs (Redis's rdb_bgsave_scheduled). */
    public void scheduleBgsave() {
        bgsaveScheduled = true;
    }

    /** The running save's completion (set with {@link #inProgress}). */
    private volatile CompletableFuture<Void> current = CompletableFuture.completedFuture(null);

    void finished(final String err, final boolean background, final boolean record, final long cutChanges,
                  final boolean ioStage) {
        final long now = System.currentTimeMillis();
        if (err == null && record) {
            lastSaveSeconds = now / 1000;
            changesAtLastSave = cutChanges;
            saves++;
        }
        if (background) {
            lastBgsaveOk = err == null;
            diskError = err != null && ioStage;
            encodeFailed = err != null && !ioStage;
            lastBgsaveSeconds = (now - currentStartMillis + 999) / 1000;
        }
        final CompletableFuture<Void> running = current;
        inProgress.set(false);
        running.complete(null);
    }

    /**
     * True when writes must be refused with MISCONF: the last BGSAVE failed, save points are
     * configured and stop-writes-on-bgsave-error is yes (Redis's writeCommandsDeniedByDiskError).
     * One volatile read while saves succeed.
     */
    public boolean refuseWrites() {
        if (!diskError) {
            return false;
        }
        final String points = server.config.get("save");
        return points != null && !points.isBlank() && "yes".equals(server.config.get("stop-writes-on-bgsave-error"));
    }

    // ---- loading -------------------------------------------------------------------------------

    private volatile boolean loading;
    private volatile long loadingStartMillis;
    private volatile long loadingTotalBytes;
    private volatile long loadingLoadedBytes;

    public boolean loading() {
        return loading;
    }

    private volatile long lastLoadKeysLoaded;
    private volatile long lastLoadKeysExpired;

    /** The keys the last RDB load (startup, an AOF base, DEBUG RELOAD) inserted and skipped as expired. */
    void lastLoadKeys(final long loaded, final long expired) {
        lastLoadKeysLoaded = loaded;
        lastLoadKeysExpired = expired;
    }

    void loadedBytes(final long n) {
        loadingLoadedBytes = n;
    }

    long loadingPercent() {
        final long total = loadingTotalBytes;
        return total == 0 ? 0 : loadingLoadedBytes * 100 / total;
    }

    /**
     * Marks the server loading (commands without the {@code loading} flag get -LOADING) and
     * loads {@code dir/dbfilename} on a thread of its own, if the file exists. Call before
     * listening so no command runs against a half-loaded dataset. {@code then} runs after the
     * load (success or failure), for the write-ahead log to replay its tail.
     */
    public void loadAtStartup(final Runnable then) {
        final Path file = dumpFile();
        if (!Files.isRegularFile(file)) {
            if (then != null) {
                then.run();
            }
            return;
        }
        final InputStream in;
        final long size;
        try {
            size = Files.size(file);
            in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (final IOException e) {
            LOG.severe("Cannot open the RDB file " + file + ": " + IoErrors.describe(e) + ". Exiting.");
            failedLoad.accept(e);
            return;
        }
        startLoad(in, size, file.toString(), then);
    }

    /** Loads a stream of {@code size} bytes on a loader thread; the server answers -LOADING meanwhile. */
    public void startLoad(final InputStream in, final long size, final String name, final Runnable then) {
        loadingStartMillis = System.currentTimeMillis();
        loadingTotalBytes = size;
        loadingLoadedBytes = 0;
        loading = true;
        server.observe.readiness.notReady("loading", "dataset not loaded");
        final Thread t = new Thread(() -> {
            try (in) {
                final long t0 = System.nanoTime();
                final long keys = new RdbLoader(server, this, in, size).run();
                LOG.info(String.format(java.util.Locale.ROOT, "DB loaded from disk: %.3f seconds (%d keys)",
                        (System.nanoTime() - t0) / 1e9, keys));
                loading = false;
                server.observe.readiness.ready("loading");
                if (then != null) {
                    then.run();
                }
            } catch (final IOException | RuntimeException e) {
                LOG.severe("Failed loading the RDB file " + name + ": " + IoErrors.describe(e) + ". Exiting.");
                loading = false;
                failedLoad.accept(e);
            }
        }, "moon-rdb-loader");
        t.setDaemon(true);
        t.start();
    }

    private volatile Consumer<Exception> failedLoad = e -> Runtime.getRuntime().halt(1);

    /** What happens when the startup load fails (the process exits 1 by default; tests observe it). */
    public void onFailedLoad(final Consumer<Exception> action) {
        failedLoad = action;
    }

    /** Waits for a running load to end (tests, DEBUG RELOAD). */
    public boolean awaitLoaded(final long timeoutMillis) throws InterruptedException {
        final long deadline = System.currentTimeMillis() + timeoutMillis;
        while (loading && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        return !loading;
    }

    // ---- save points ---------------------------------------------------------------------------

    private volatile long lastBgsaveTryMillis;

    /**
     * Redis's save-point check, from shard 0's cron: a BGSAVE starts when some point's seconds
     * have passed since the last save with at least its count of changes, and after a failure
     * only every 5 seconds.
     */
    public void cron(final io.moon.server.Shard shard0, final long now) {
        if (loading || inProgress()) {
            return;
        }
        if (bgsaveScheduled && !server.aof.rewriteInProgress()
                && (lastBgsaveOk || now - lastBgsaveTryMillis > 5000)) {
            lastBgsaveTryMillis = now;
            final Ctx c = shard0.newContext();
            c.bind(0, null, null, server.commands.byFullName("bgsave"));
            if (start(c, true, (r, err) -> { }) != null) {
                bgsaveScheduled = false;
            }
            return;
        }
        final String points = server.config.get("save");
        if (points == null || points.isBlank()) {
            return;
        }
        if (!lastBgsaveOk && now - lastBgsaveTryMillis < (encodeFailed ? 300_000 : 5000)) {
            // after a failure Redis retries every 5 s; a dataset this writer cannot encode would
            // only block the shards again, so then every 5 minutes
            return;
        }
        final String[] f = points.trim().split("\\s+");
        final long changes = changesSinceLastSave();
        final long since = now / 1000 - lastSaveSeconds;
        for (int i = 0; i + 1 < f.length; i += 2) {
            final long secs = Long.parseLong(f[i]);
            final long count = Long.parseLong(f[i + 1]);
            if (changes >= count && since > secs) {
                LOG.info(count + " changes in " + secs + " seconds. Saving...");
                lastBgsaveTryMillis = now;
                final Ctx c = shard0.newContext();
                c.bind(0, null, null, server.commands.byFullName("bgsave"));
                start(c, true, (r, err) -> { });
                return;
            }
        }
    }

    // ---- shutdown --------------------------------------------------------------------------------

    private final java.util.List<Runnable> shutdownSteps = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean exitDecided;

    /**
     * A step run before the server stops, after in-flight saves and before the final snapshot
     * (the write-ahead log flushes and fsyncs its segments here). Steps run on the thread that
     * stops the server, in the order added.
     */
    public void addShutdownStep(final Runnable step) {
        shutdownSteps.add(step);
    }

    /** Runs the shutdown steps; a failing step is logged and the others still run. */
    public void runShutdownSteps() {
        for (final Runnable r : shutdownSteps) {
            try {
                r.run();
            } catch (final RuntimeException e) {
                LOG.log(Level.WARNING, "shutdown step failed", e);
            }
        }
    }

    /** SHUTDOWN decided what to save; the signal handler must not save again. */
    void exitDecided() {
        exitDecided = true;
    }

    /**
     * SIGTERM (the JVM's shutdown hook): unless a SHUTDOWN command already handled it, runs the
     * shutdown steps and saves when save points are configured, waiting at most
     * {@code timeoutMillis}. Returns false when a save was wanted and failed.
     */
    public boolean onSignal(final long timeoutMillis) {
        if (exitDecided) {
            return true;
        }
        exitDecided = true;
        runShutdownSteps();
        final String points = server.config.get("save");
        if (points == null || points.isBlank() || loading) {
            return true;
        }
        LOG.info("Saving the final RDB snapshot before exiting.");
        final long deadline = System.currentTimeMillis() + timeoutMillis;
        try {
            while (inProgress() && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            final java.util.concurrent.CompletableFuture<String> result = new java.util.concurrent.CompletableFuture<>();
            final io.moon.server.Shard s0 = server.shard(0);
            s0.execute(() -> {
                final Ctx c = s0.newContext();
                c.bind(0, null, null, server.commands.byFullName("save"));
                if (start(c, false, (r, err) -> result.complete(err)) == null) {
                    result.complete("a save is already running");
                }
            });
            final String err = result.get(Math.max(1, deadline - System.currentTimeMillis()),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
            if (err != null) {
                LOG.warning("Error trying to save the DB: " + err);
                return false;
            }
            return true;
        } catch (final Exception e) {
            LOG.warning("Error trying to save the DB: " + e);
            return false;
        }
    }

    /** Removes temp files a crashed save left in the directory (startup), not those of a live process. */
    public static void removeLeftovers(final String dir) {
        TempFiles.removeStale(Path.of(dir == null ? "." : dir), "temp-*.rdb", "save");
    }

    /**
     * At shutdown: a background save still running is abandoned and its temp file removed (Redis
     * kills its child and removes the child's temp file); a file already being renamed into place
     * is left to finish.
     */
    public void cancelRunning() {
        final SnapshotFile f = currentFile;
        if (inProgress() && f != null) {
            f.cancel("the server is shutting down");
        }
    }
}
