package io.moon.server.wal;

import io.moon.storage.wal.ConsistentCut;
import io.moon.storage.wal.WalReader;
import io.moon.storage.wal.WalRecord;
import io.moon.storage.wal.WalWriter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.logging.Logger;

/**
 * Startup recovery: load the base snapshot, then replay each shard's segments up to the
 * consistent cut, then open the last segment of each shard for appending.
 *
 * <ol>
 *   <li>Scan every segment (lengths, CRC32C, sequence, structure). A torn last record of a
 *       shard's last segment (a crash mid-write) is cut off and logged with its offset when
 *       aof-load-truncated is yes; any other damage stops startup with the file, the offset and
 *       the repair command ({@code moon --check-aof --fix}).</li>
 *   <li>{@link ConsistentCut} over the shards' record lists: a cross-shard operation whose parts
 *       did not all reach the disk is dropped on every shard, with everything after it on those
 *       shards (those replies were never sent in always mode).</li>
 *   <li>Replay: the records are read again and handed to their shard in batches (bounded in
 *       flight, so a large log is never held in memory), each applied on the shard's thread.</li>
 *   <li>Each segment is truncated at the end of what was replayed and the shard appends after it.</li>
 * </ol>
 * Without a manifest the log starts empty (as Redis with appendonly yes and no AOF: an existing
 * dump.rdb is not loaded), with generation 1 and no base.
 */
final class Recovery {
    private static final Logger LOG = Logger.getLogger(Recovery.class.getName());
    private static final int BATCH = 512;
    private static final long LOG_EVERY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(3);

    private final Aof aof;

    Recovery(final Aof aof) {
        this.aof = aof;
    }

    /** What a shard's segments hold: per record, its part information; per segment, its valid end. */
    static final class ShardScan {
        final List<ConsistentCut.Part> parts = new ArrayList<>();
        final List<Long> recordEnds = new ArrayList<>();
        final List<Integer> recordSegment = new ArrayList<>();
        final List<Long> lastSeq = new ArrayList<>();
    }

    void start(final Runnable done) {
        final Path dir = aof.dir();
        final Manifest m;
        try {
            Files.createDirectories(dir);
            io.moon.server.persist.TempFiles.removeStale(dir, "temp-*", "rewrite");
            m = Manifest.read(dir, aof.fileName());
        } catch (final Manifest.RedisAof e) {
            aof.fatal(e.getMessage());
            return;
        } catch (final IOException e) {
            aof.fatal("Cannot read the append only file directory " + dir + ": "
                    + io.moon.server.persist.IoErrors.describe(e));
            return;
        }
        if (m != null && !m.missing(dir).isEmpty()) {
            // before loading a possibly large base: every file the manifest names must be there
            aof.fatal("The append only file " + dir.resolve(m.missing(dir).getFirst()) + " named in the manifest"
                    + " does not exist" + (m.missing(dir).size() > 1 ? " (nor " + (m.missing(dir).size() - 1)
                    + " other file(s) it names)" : ""));
            return;
        }
        if (m == null) {
            try {
                fresh(1, null, 0);
            } catch (final IOException e) {
                aof.fatal("Cannot create the append only file in " + dir + ": " + e.getMessage());
                return;
            }
            LOG.info("Created a new append only file in " + dir);
            done.run();
            return;
        }
        final Runnable tail = () -> {
            final Thread t = new Thread(() -> {
                try {
                    replay(m, done);
                } catch (final IOException | RuntimeException e) {
                    aof.fatal("Failed loading the append only file: " + e.getMessage());
                }
            }, "moon-aof-loader");
            t.setDaemon(true);
            t.start();
        };
        if (m.base() == null) {
            tail.run();
            return;
        }
        final Path base = dir.resolve(m.base());
        try {
            final long size = Files.size(base);
            final InputStream in = Files.newInputStream(base);
            aof.server.snapshots.startLoad(in, size, base.toString(), tail);
        } catch (final IOException e) {
            aof.fatal("Cannot open the append only file's base " + base + ": " + e.getMessage());
        }
    }

    /** A new generation without history: empty segments, a manifest naming them, writers open. */
    private void fresh(final long seq, final String base, final long baseSeq) throws IOException {
        final Path dir = aof.dir();
        final List<Manifest.Segment> segs = new ArrayList<>();
        final WalWriter[] writers = new WalWriter[aof.shards()];
        for (int s = 0; s < aof.shards(); s++) {
            final String name = Manifest.segmentName(aof.fileName(), seq, s);
            writers[s] = aof.openSegment(name, 0, 0);
            segs.add(new Manifest.Segment(name, seq, s));
        }
        Manifest.syncDir(dir);
        final Manifest m = new Manifest(aof.shards(), base, baseSeq, List.copyOf(segs));
        m.write(dir, aof.fileName());
        aof.manifest = m;
        openAll(writers);
    }

    private void openAll(final WalWriter[] writers) {
        final CountDownLatch opened = new CountDownLatch(writers.length);
        for (int s = 0; s < writers.length; s++) {
            final ShardLog l = aof.log(s);
            final WalWriter w = writers[s];
            l.shard.execute(() -> {
                l.open(w);
                opened.countDown();
            });
        }
        await(opened);
    }

    /** Why the log cannot be recovered as it is (startup stops with this message). */
    static final class Unrecoverable extends Exception {
        Unrecoverable(final String message) {
            super(message);
        }
    }

    /** What recovery replays: per shard, the scan of its segments and how many records to keep. */
    record Plan(ShardScan[] scans, int[] cut, boolean anyRecord, long dropped) {
    }

    /**
     * Scans every shard's segments and computes the consistent cut. Pure reading: nothing is
     * changed on disk. Throws with the message startup prints when the files are damaged beyond
     * a torn tail (or torn and {@code loadTruncated} is false).
     */
    static Plan plan(final Path dir, final Manifest m, final boolean loadTruncated) throws IOException, Unrecoverable {
        final int shards = m.shards();
        final ShardScan[] scans = new ShardScan[shards];
        boolean anyRecord = false;
        for (int s = 0; s < shards; s++) {
            final ShardScan sc = new ShardScan();
            scans[s] = sc;
            final List<Manifest.Segment> segs = m.of(s);
            for (int g = 0; g < segs.size(); g++) {
                final Path f = dir.resolve(segs.get(g).name());
                if (!Files.isRegularFile(f)) {
                    throw new Unrecoverable("The append only file " + f + " named in the manifest does not exist");
                }
                final int segIndex = g;
                final long[] pos = {0};
                final WalReader.Scan scan = WalReader.scan(f, -1, r -> {
                    pos[0] += r.encodedSize();
                    sc.parts.add(new ConsistentCut.Part(r.opId(), r.parts()));
                    sc.recordEnds.add(pos[0]);
                    sc.recordSegment.add(segIndex);
                });
                sc.lastSeq.add(scan.lastSeq());
                final boolean last = g == segs.size() - 1;
                if (scan.outcome() == WalReader.Outcome.TORN_TAIL && last) {
                    if (!loadTruncated) {
                        throw new Unrecoverable("Unexpected end of file reading the append only file " + f
                                + " at offset " + scan.validEnd() + " (" + scan.problem() + "). You can: 1) make a"
                                + " backup of your AOF directory, 2) run 'moon --check-aof --fix " + f + "', or set"
                                + " aof-load-truncated yes, 3) restart the server.");
                    }
                    LOG.warning("!!! Warning: short read while loading the AOF file " + f + "!!! Truncating the"
                            + " AOF at offset " + scan.validEnd() + " of " + scan.size() + " (" + scan.problem()
                            + "); " + scan.records() + " valid records before it.");
                } else if (scan.outcome() != WalReader.Outcome.CLEAN) {
                    throw new Unrecoverable("Bad file format reading the append only file " + f + ": "
                            + scan.describe(f) + ". Make a backup of your AOF directory, then run 'moon --check-aof"
                            + " --fix " + f + "' to truncate it to its valid prefix (the records after the damage"
                            + " are lost).");
                }
                anyRecord |= scan.records() > 0;
            }
        }
        final List<List<ConsistentCut.Part>> lists = new ArrayList<>();
        for (final ShardScan sc : scans) {
            lists.add(sc.parts);
        }
        final int[] cut = ConsistentCut.compute(lists);
        long dropped = 0;
        for (int s = 0; s < shards; s++) {
            final int lost = scans[s].parts.size() - cut[s];
            if (lost > 0) {
                dropped += lost;
                LOG.warning("AOF shard " + s + ": " + lost + " record(s) from an incomplete cross-shard operation are not"
                        + " replayed (its other parts never reached the disk)");
            }
        }
        return new Plan(scans, cut, anyRecord, dropped);
    }

    private void replay(final Manifest m, final Runnable done) throws IOException {
        final long t0 = System.nanoTime();
        final Path dir = aof.dir();
        final int shards = m.shards();
        final Plan plan;
        try {
            plan = plan(dir, m, "yes".equals(aof.server.config.get("aof-load-truncated")));
        } catch (final Unrecoverable e) {
            aof.fatal(e.getMessage());
            return;
        }
        if (shards != aof.shards()) {
            if (plan.anyRecord()) {
                aof.fatal("The append only file was written with " + shards + " shards and this server runs "
                        + aof.shards() + ": restart with --shards " + shards + " and run BGREWRITEAOF (its base"
                        + " snapshot loads with any shard count), then change the shard count.");
                return;
            }
            fresh(m.lastSeq() + 1, m.base(), m.baseSeq());
            finish(t0, 0, 0, done);
            return;
        }
        final ShardScan[] scans = plan.scans();
        final int[] cut = plan.cut();
        long total = 0;
        long totalBytes = 0;
        for (int s = 0; s < shards; s++) {
            total += cut[s];
            totalBytes += keptBytes(scans[s], cut[s]);
        }
        aof.replayStartMillis = System.currentTimeMillis();
        aof.replayedBytes = 0;
        aof.replayTotalBytes = totalBytes;
        final long[] lastLog = {System.nanoTime()};
        final long[] posted = {0, 0}; // bytes and records read for replay so far (this thread)
        final long dropped = plan.dropped();
        // replay: read the kept records again and hand them to their shards in batches
        final Semaphore inFlight = new Semaphore(64);
        final CountDownLatch replayed = new CountDownLatch(shards);
        final Replayer[] replayers = new Replayer[shards];
        for (int s = 0; s < shards; s++) {
            final int shard = s;
            final ShardLog l = aof.log(s);
            replayers[s] = new Replayer(l.shard);
            final List<Manifest.Segment> segs = m.of(s);
            final int keep = cut[s];
            final List<WalRecord>[] batch = new List[] {new ArrayList<WalRecord>(BATCH)};
            final int[] seen = {0};
            for (final Manifest.Segment g : segs) {
                if (seen[0] >= keep) {
                    break;
                }
                WalReader.scan(dir.resolve(g.name()), -1, r -> {
                    if (seen[0]++ >= keep) {
                        return;
                    }
                    posted[0] += r.encodedSize();
                    posted[1]++;
                    aof.replayedBytes = posted[0];
                    if (System.nanoTime() - lastLog[0] > LOG_EVERY_NANOS) {
                        lastLog[0] = System.nanoTime();
                        LOG.info("Loading the append only file: " + posted[0] * 100 / Math.max(1, aof.replayTotalBytes)
                                + "% (" + posted[1] + " records)");
                    }
                    batch[0].add(r);
                    if (batch[0].size() == BATCH) {
                        post(replayers[shard], batch[0], inFlight);
                        batch[0] = new ArrayList<>(BATCH);
                    }
                });
            }
            post(replayers[shard], batch[0], inFlight);
            l.shard.execute(replayed::countDown);
        }
        await(replayed);
        // truncate each shard's files after what was replayed, and append to its last segment
        final WalWriter[] writers = new WalWriter[shards];
        for (int s = 0; s < shards; s++) {
            final ShardScan sc = scans[s];
            final List<Manifest.Segment> segs = m.of(s);
            final int keep = cut[s];
            final int lastSeg = segs.size() - 1;
            final int keptSeg = keep == 0 ? 0 : sc.recordSegment.get(keep - 1);
            final long keptEnd = keep == 0 ? 0 : sc.recordEnds.get(keep - 1);
            for (int g = 0; g < segs.size(); g++) {
                final long end = g < keptSeg ? -1 : g == keptSeg ? keptEnd : 0;
                if (end >= 0 && g != lastSeg) {
                    truncate(dir.resolve(segs.get(g).name()), end);
                }
            }
            final long validEnd = keptSeg == lastSeg ? keptEnd : 0;
            final long nextSeq = keep == 0 || keptSeg != lastSeg ? 0 : lastKeptSeq(sc, keep);
            writers[s] = aof.openSegment(segs.get(lastSeg).name(), validEnd, nextSeq);
        }
        aof.manifest = m;
        openAll(writers);
        long errors = 0;
        for (final Replayer r : replayers) {
            errors += r.errors;
        }
        if (errors > 0) {
            LOG.warning(errors + " replayed command(s) answered an error (see above)");
        }
        finish(t0, total, dropped, done);
    }

    /** Bytes of a shard's first {@code keep} records, over all its segments. */
    private static long keptBytes(final ShardScan sc, final int keep) {
        long bytes = 0;
        for (int i = 0; i < keep; i++) {
            final boolean segStart = i == 0 || !sc.recordSegment.get(i).equals(sc.recordSegment.get(i - 1));
            bytes += sc.recordEnds.get(i) - (segStart ? 0 : sc.recordEnds.get(i - 1));
        }
        return bytes;
    }

    /** The sequence after the last kept record: the scan's last sequence minus the records cut after it. */
    private static long lastKeptSeq(final ShardScan sc, final int keep) {
        final int seg = sc.recordSegment.get(keep - 1);
        int after = 0;
        for (int i = keep; i < sc.parts.size(); i++) {
            if (sc.recordSegment.get(i) == seg) {
                after++;
            }
        }
        return sc.lastSeq.get(seg) - after + 1;
    }

    private void finish(final long t0, final long records, final long dropped, final Runnable done) {
        LOG.info(String.format(java.util.Locale.ROOT, "DB loaded from append only file: %.3f seconds (%d records%s)",
                (System.nanoTime() - t0) / 1e9, records, dropped > 0 ? ", " + dropped + " dropped" : ""));
        done.run();
    }

    private static void post(final Replayer r, final List<WalRecord> batch, final Semaphore inFlight) {
        if (batch.isEmpty()) {
            return;
        }
        inFlight.acquireUninterruptibly();
        r.shardExecute(() -> {
            try {
                for (final WalRecord rec : batch) {
                    r.apply(rec);
                }
            } finally {
                inFlight.release();
            }
        });
    }

    private static void truncate(final Path f, final long end) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            if (ch.size() > end) {
                ch.truncate(end);
                ch.force(true);
            }
        }
    }

    private static void await(final CountDownLatch l) {
        try {
            l.await();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
