package io.moon.server.wal;

import io.moon.server.Shard;
import io.moon.storage.wal.WalWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * BGREWRITEAOF, automatic rewrites and turning the log on at runtime: compacts the log into a
 * base snapshot plus fresh segments while writes go on.
 *
 * <ol>
 *   <li>Empty segments of a new generation are created for every shard and, when the log is on,
 *       the manifest is rewritten to name the old files and the new segments: from now on it
 *       describes a complete history whatever happens.</li>
 *   <li>{@code Snapshots.saveTo} takes one consistent cut over all shards (every database
 *       read-locked on every shard in one cross-shard operation, so no cross-shard write is
 *       half-applied) and, on each shard's thread at the cut, the shard switches to its new
 *       segment (the old one is written and fsynced first). Records before the cut are in the old
 *       files, records after it in the new ones, and the base file holds exactly the cut.</li>
 *   <li>Once the base is on disk (temp file, fsync, rename), the manifest names only the new base
 *       and the new segments, and the old files are deleted.</li>
 * </ol>
 * A failed rewrite keeps the manifest of step 1 (old base, old and new segments), which recovers
 * to the same state; when the rewrite was turning the log on, the shards stop logging again.
 */
final class AofRewrite {
    private static final Logger LOG = Logger.getLogger(AofRewrite.class.getName());

    private final Aof aof;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean scheduled;
    private volatile long startMillis;
    private volatile long lastSeconds = -1;
    private volatile boolean lastOk = true;
    private volatile long rewrites;
    private volatile long consecutiveFailures;
    private volatile long baseSize;
    private volatile long sizeAfterRewrite;
    private volatile long lastAttemptMillis;

    AofRewrite(final Aof aof) {
        this.aof = aof;
    }

    boolean inProgress() {
        return running.get();
    }

    boolean scheduled() {
        return scheduled;
    }

    /** Whether the last rewrite succeeded (true before any). */
    boolean lastOk() {
        return lastOk;
    }

    long baseSize() {
        return baseSize;
    }

    /**
     * BGREWRITEAOF: null when started, "" when scheduled (a save runs, or inside EXEC, as Redis
     * schedules it then; shard 0's cron starts it once no save runs), or Redis's error text.
     */
    String request(final boolean inExec) {
        if (running.get()) {
            return "ERR Background append only file rewriting already in progress";
        }
        if (aof.loading) {
            return "ERR Background append only file rewriting is not possible while loading";
        }
        if (aof.server.snapshots.inProgress() || inExec) {
            scheduled = true;
            consecutiveFailures = 0; // as Redis: a rewrite asked for by hand starts at once
            return "";
        }
        return start(false) ? null : "ERR Background append only file rewriting already in progress";
    }

    /** Starts a rewrite; {@code enabling} when it turns the log on. False when one is running. */
    boolean start(final boolean enabling) {
        if (!running.compareAndSet(false, true)) {
            return false;
        }
        scheduled = false;
        if (enabling) {
            aof.enabled = true; // cross-shard operations log from now on (see Coordinated.start)
        }
        startMillis = System.currentTimeMillis();
        lastAttemptMillis = startMillis;
        final Path dir = aof.dir();
        final String name = aof.fileName();
        final Manifest old = aof.manifest;
        final long seq = (old == null ? 0 : old.lastSeq()) + 1;
        final int shards = aof.shards();
        final List<Manifest.Segment> fresh = new ArrayList<>();
        final WalWriter[] writers = new WalWriter[shards];
        try {
            Files.createDirectories(dir);
            for (int s = 0; s < shards; s++) {
                final String seg = Manifest.segmentName(name, seq, s);
                writers[s] = aof.openSegment(seg, 0, 0);
                fresh.add(new Manifest.Segment(seg, seq, s));
            }
            Manifest.syncDir(dir);
            if (!enabling && old != null) {
                final List<Manifest.Segment> all = new ArrayList<>(old.segments());
                all.addAll(fresh);
                final Manifest during = new Manifest(shards, old.base(), old.baseSeq(), List.copyOf(all));
                during.write(dir, name);
                aof.manifest = during;
            }
        } catch (final IOException e) {
            closeAll(writers);
            failed("cannot create the new segments: " + e.getMessage(), enabling);
            return true;
        }
        LOG.info("Background append only file rewriting started");
        final String baseName = Manifest.baseName(name, seq);
        final boolean logging = aof.enabled;
        final CompletableFuture<Void> saved = aof.server.snapshots.saveTo(dir.resolve(baseName), (Shard sh) -> {
            if (logging) {
                aof.log(sh.id).open(writers[sh.id]);
            }
        });
        if (!logging) {
            saved.whenComplete((v, e) -> closeAll(writers)); // appendonly no: the files are made, nothing logs
        }
        saved.whenComplete((v, e) -> {
            if (e != null) {
                failed(e.getMessage(), enabling);
                return;
            }
            try {
                final Manifest done = new Manifest(shards, baseName, seq, List.copyOf(fresh));
                done.write(dir, name);
                aof.manifest = done;
                deleteOthers(dir, done);
                baseSize = Files.size(dir.resolve(baseName));
                sizeAfterRewrite = aof.currentSize();
            } catch (final IOException x) {
                failed("cannot write the manifest: " + x.getMessage(), enabling);
                return;
            }
            if (enabling) {
                aof.startFsyncThread();
            }
            rewrites++;
            consecutiveFailures = 0;
            lastOk = true;
            lastSeconds = (System.currentTimeMillis() - startMillis + 999) / 1000;
            running.set(false);
            LOG.info("Background AOF rewrite finished successfully");
        });
        return true;
    }

    private void failed(final String why, final boolean enabling) {
        LOG.warning("Background AOF rewrite failed: " + why);
        if (enabling) {
            aof.disable();
        }
        lastOk = false;
        consecutiveFailures++;
        lastSeconds = (System.currentTimeMillis() - startMillis + 999) / 1000;
        running.set(false);
    }

    private static void closeAll(final WalWriter[] writers) {
        for (final WalWriter w : writers) {
            if (w != null) {
                try {
                    w.close();
                } catch (final IOException ignored) {
                    // nothing was written to it
                }
            }
        }
    }

    private void deleteOthers(final Path dir, final Manifest keep) {
        final java.util.Set<String> names = keep.names();
        final String prefix = aof.fileName() + ".";
        try (var s = Files.newDirectoryStream(dir)) {
            for (final Path p : s) {
                final String n = p.getFileName().toString();
                if (n.startsWith(prefix) && !names.contains(n) && !n.endsWith(".manifest")
                        && Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(p);
                }
            }
        } catch (final IOException e) {
            LOG.warning("Could not remove old AOF files: " + e.getMessage());
        }
    }

    /** From shard 0's cron: a scheduled rewrite once no save runs, and auto-aof-rewrite-*. */
    void cron(final long now) {
        if (running.get() || aof.loading) {
            return;
        }
        if (scheduled && !aof.server.snapshots.inProgress()) {
            start(false); // with appendonly no too: Redis runs a scheduled rewrite whatever the setting
            return;
        }
        if (!aof.enabled) {
            return;
        }
        final long pct = Long.parseLong(aof.server.config.get("auto-aof-rewrite-percentage"));
        final long min = Long.parseLong(aof.server.config.get("auto-aof-rewrite-min-size"));
        if (pct <= 0 || (!lastOk && now - lastAttemptMillis < 5000)) {
            return;
        }
        final long size = aof.currentSize();
        final long base = Math.max(1, sizeAfterRewrite);
        if (size > min && (size - base) * 100 / base >= pct) {
            LOG.info("Starting automatic rewriting of AOF on " + (size - base) * 100 / base + "% growth");
            start(false);
        }
    }

    void report(final io.moon.server.observe.PersistenceFields f) {
        f.set("aof_rewrite_in_progress", running.get() ? 1 : 0);
        f.set("aof_rewrite_scheduled", scheduled ? 1 : 0);
        f.set("aof_last_rewrite_time_sec", lastSeconds);
        f.set("aof_current_rewrite_time_sec", running.get() ? (System.currentTimeMillis() - startMillis) / 1000 : -1);
        f.set("aof_last_bgrewrite_status", lastOk ? "ok" : "err");
        f.set("aof_rewrites", rewrites);
        f.set("aof_rewrites_consecutive_failures", consecutiveFailures);
    }
}
