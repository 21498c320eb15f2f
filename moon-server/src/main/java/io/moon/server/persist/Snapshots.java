package io.moon.server.persist;

import io.moon.server.Ctx;
import io.moon.server.Server;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server's snapshot state (last save, BGSAVE in progress, last status) and the save itself.
 *
 * <p>A save is one {@link Coordinated} operation that read-locks every database on every shard:
 * with all locks held no cross-shard operation is half applied, so the shards' contents together
 * are one point in time. Each shard encodes its entries into its own {@link RdbChunk} under
 * those locks; a background thread then writes header, chunks, EOF and CRC-64 to
 * {@code temp-<pid>.rdb}, fsyncs it, renames it over {@code dbfilename} and fsyncs the directory,
 * so a failed save never touches the previous snapshot.
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
        if (loading) {
            final long total = loadingTotalBytes;
            final long done = loadingLoadedBytes;
            final long elapsed = Math.max(1, (System.currentTimeMillis() - loadingStartMillis) / 1000);
            f.add("loading_start_time", loadingStartMillis / 1000);
            f.add("loading_total_bytes", total);
            f.add("loading_rdb_used_mem", 0);
            f.add("loading_loaded_bytes", done);
            f.add("loading_loaded_perc", String.format(java.util.Locale.ROOT, "%.2f",
                    total == 0 ? 0.0 : done * 100.0 / total));
            f.add("loading_eta_seconds", done == 0 ? 1 : (long) ((total - done) / (done / (double) elapsed)));
        }
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
     * Starts a save from a command's context. {@code replyFn} writes the command's reply, on the
     * coordinator thread, with null or the failure's message: for a background save right after
     * the cut (the file is written afterwards), otherwise once the file is in place. Returns the
     * operation, or null when a save is already running (nothing started, nothing replied).
     */
    public Coordinated start(final Ctx c, final boolean background,
                             final BiConsumer<io.moon.protocol.Reply, String> replyFn) {
        if (!inProgress.compareAndSet(false, true)) {
            return null;
        }
        currentStartMillis = System.currentTimeMillis();
        final int dbs = c.keyspace.databases();
        final Coordinated op = new Coordinated(c) {
            {
                allDatabases(false);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                final RdbChunk chunk = new RdbChunk();
                try {
                    for (int d = 0; d < dbs; d++) {
                        final io.moon.storage.Db db = x.keyspace.db(d);
                        if (db.size() == 0) {
                            continue;
                        }
                        chunk.selectDb(d);
                        db.forEach(addr -> chunk.entry(db, addr));
                    }
                    p.data = new Object[] {chunk, x.shard.changes.get()};
                } catch (final RuntimeException e) {
                    // an error here must still end the save (and clear inProgress), so it is data
                    p.data = String.valueOf(e.getMessage());
                }
            }

            @Override
            protected void onAllLocked() {
                final RdbChunk[] chunks = new RdbChunk[partCount()];
                long changes = 0;
                String encodeError = null;
                for (int i = 0; i < partCount(); i++) {
                    if (partAt(i).data instanceof final String e) {
                        encodeError = e;
                        continue;
                    }
                    final Object[] d = (Object[]) partAt(i).data;
                    chunks[i] = (RdbChunk) d[0];
                    changes += (Long) d[1];
                    partAt(i).data = null;
                }
                releaseAll();
                if (encodeError != null) {
                    LOG.warning("Failed saving the snapshot: " + encodeError);
                    finished(encodeError, background, 0, false);
                    replyFn.accept(reply, encodeError);
                    finish();
                    return;
                }
                if (background) {
                    replyFn.accept(reply, null);
                    finish();
                }
                final long cutChanges = changes;
                final Thread t = new Thread(() -> {
                    final String err = writeFile(chunks);
                    finished(err, background, cutChanges, true);
                    if (!background) {
                        home.execute(() -> {
                            replyFn.accept(reply, err);
                            finish();
                        });
                    }
                }, "moon-snapshot-writer");
                t.setDaemon(true);
                t.start();
            }
        };
        op.start();
        return op;
    }

    private void finished(final String err, final boolean background, final long cutChanges, final boolean ioStage) {
        final long now = System.currentTimeMillis();
        if (err == null) {
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
        inProgress.set(false);
    }

    /**
     * Writes a point-in-time RDB of all shards to {@code target} (temp file, fsync, rename, directory
     * fsync), calling {@code atCut} on each shard's own thread at the cut, while that shard's locks
     * are held (the write-ahead log switches to a new segment there). Completes once the file is in
     * place, exceptionally when encoding or writing failed. Callable from any thread.
     */
    public java.util.concurrent.CompletableFuture<Void> saveTo(final Path target,
            final Consumer<io.moon.server.Shard> atCut) {
        final java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        final io.moon.server.Shard s0 = server.shard(0);
        s0.execute(() -> {
            final Ctx c = s0.newContext();
            c.bind(0, null, null, server.commands.byFullName("bgsave"));
            final int dbs = c.keyspace.databases();
            new Coordinated(c) {
                {
                    allDatabases(false);
                }

                @Override
                protected void onLocked(final Part p, final Ctx x) {
                    atCut.accept(x.shard);
                    final RdbChunk chunk = new RdbChunk();
                    try {
                        for (int d = 0; d < dbs; d++) {
                            final io.moon.storage.Db db = x.keyspace.db(d);
                            if (db.size() != 0) {
                                chunk.selectDb(d);
                                db.forEach(addr -> chunk.entry(db, addr));
                            }
                        }
                        p.data = chunk;
                    } catch (final RuntimeException e) {
                        p.data = String.valueOf(e.getMessage());
                    }
                }

                @Override
                protected void onAllLocked() {
                    final RdbChunk[] chunks = new RdbChunk[partCount()];
                    String err = null;
                    for (int i = 0; i < partCount(); i++) {
                        if (partAt(i).data instanceof final String e) {
                            err = e;
                        } else {
                            chunks[i] = (RdbChunk) partAt(i).data;
                        }
                        partAt(i).data = null;
                    }
                    releaseAll();
                    finish();
                    if (err != null) {
                        done.completeExceptionally(new IOException(err));
                        return;
                    }
                    final Thread t = new Thread(() -> {
                        final String e = writeFile(chunks, target);
                        if (e == null) {
                            done.complete(null);
                        } else {
                            done.completeExceptionally(new IOException(e));
                        }
                    }, "moon-snapshot-writer");
                    t.setDaemon(true);
                    t.start();
                }
            }.start();
        });
        return done;
    }

    /** Writes the stream; returns null on success or why it failed (and logs it). */
    private String writeFile(final RdbChunk[] chunks) {
        final Path dir = Path.of(server.config.dir == null ? "." : server.config.dir);
        return writeFile(chunks, dir.resolve(server.config.get("dbfilename")), "");
    }

    private String writeFile(final RdbChunk[] chunks, final Path target) {
        return writeFile(chunks, target, "-base");
    }

    private String writeFile(final RdbChunk[] chunks, final Path target, final String tmpSuffix) {
        final Path dir = target.toAbsolutePath().getParent();
        final Path tmp = dir.resolve("temp-" + ProcessHandle.current().pid() + tmpSuffix + ".rdb");
        final boolean checksum = !"no".equals(server.config.get("rdbchecksum"));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            final RdbChunk head = new RdbChunk();
            head.put("REDIS0010".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 9);
            head.aux("redis-ver", "7.0.15");
            head.aux("redis-bits", "64");
            head.aux("ctime", Long.toString(System.currentTimeMillis() / 1000));
            head.aux("used-mem", Long.toString(server.memoryLimit.total()));
            head.aux("aof-base", "0");
            long crc = write(ch, head, 0, checksum);
            for (final RdbChunk c : chunks) {
                crc = write(ch, c, crc, checksum);
            }
            final RdbChunk tail = new RdbChunk();
            tail.put(RdbChunk.OP_EOF);
            crc = checksum ? Crc64.update(crc, tail.array(), 0, 1) : 0;
            tail.putLongLE(crc);
            write(ch, tail, 0, false);
            ch.force(true);
        } catch (final IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Failed saving the snapshot: " + e.getMessage());
            try {
                if (Files.isRegularFile(tmp, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(tmp);
                }
            } catch (final IOException ignored) {
                // the temp file is removed at the next startup anyway
            }
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } catch (final IOException e) {
            LOG.log(Level.WARNING, "Failed renaming the snapshot into place: " + e.getMessage());
            return e.getMessage();
        }
        LOG.info("DB saved on disk");
        return null;
    }

    private static long write(final FileChannel ch, final RdbChunk c, final long crc, final boolean checksum)
            throws IOException {
        final ByteBuffer b = ByteBuffer.wrap(c.array(), 0, c.length());
        while (b.hasRemaining()) {
            ch.write(b);
        }
        return checksum ? Crc64.update(crc, c.array(), 0, c.length()) : 0;
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
        final Path file = Path.of(server.config.dir == null ? "." : server.config.dir)
                .resolve(server.config.get("dbfilename"));
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
            in = Files.newInputStream(file);
        } catch (final IOException e) {
            LOG.severe("Cannot open the RDB file " + file + ": " + e.getMessage() + ". Exiting.");
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
                final long keys = new RdbLoader(server, this, in).run();
                LOG.info(String.format(java.util.Locale.ROOT, "DB loaded from disk: %.3f seconds (%d keys)",
                        (System.nanoTime() - t0) / 1e9, keys));
                loading = false;
                server.observe.readiness.ready("loading");
                if (then != null) {
                    then.run();
                }
            } catch (final IOException | RuntimeException e) {
                LOG.severe("Failed loading the RDB file " + name + ": " + e.getMessage() + ". Exiting.");
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

    /** Removes temp files a crashed save left in the directory (startup). */
    public static void removeLeftovers(final String dir) {
        try (var s = Files.newDirectoryStream(Path.of(dir == null ? "." : dir), "temp-*.rdb")) {
            for (final Path p : s) {
                if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                Files.delete(p);
                LOG.info("Removed the leftover of an interrupted save: " + p.getFileName());
            }
        } catch (final IOException e) {
            LOG.warning("Could not look for leftover temp files: " + e.getMessage());
        }
    }
}
