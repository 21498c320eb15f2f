package io.moon.server.persist;

import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moon.server.Shard;
import io.moon.server.testing.Harness;
import io.moon.storage.Db;
import io.moon.storage.rdb.RdbDigest;
import io.moon.storage.rdb.RdbValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forkless snapshot is exactly the state at its cut while writers keep changing, deleting and
 * creating keys of every type (single-key writes, cross-shard MSETs, expiries, FLUSHDB): the
 * {@code atCut} callback of {@link Snapshots#saveTo} records every key's digest (key, value and
 * expiry) on each shard at the cut, and the file, loaded into a fresh server, must hold exactly
 * those keys with exactly those digests.
 */
final class ForklessSnapshotTest {
    private static final int COLLECTIONS = 1500;

    @TempDir
    Path dir;

    /** A key's value as RDB encodes it and its expiry, copied on its shard's thread. */
    private record Copy(byte[] value, long expireAt) {
    }

    /** db:key -> copy of every key of the shard (its thread; cheap, as it runs under the cut's locks). */
    private static void capture(final Shard s, final Map<String, Copy> into) {
        for (int d = 0; d < s.keyspace.databases(); d++) {
            final Db db = s.keyspace.db(d);
            final int index = d;
            db.forEach(a -> into.put(index + ":" + new String(db.keyBytes(a), StandardCharsets.ISO_8859_1),
                    new Copy(RdbValue.encode(db, a, false), db.expireAt(a))));
        }
    }

    /** db:key -> the value's digest (Redis's DEBUG DIGEST-VALUE) and expiry: equal whatever the encoding. */
    private static Map<String, String> digests(final Map<String, Copy> copies) {
        final Map<String, String> m = new TreeMap<>();
        copies.forEach((k, c) -> {
            final byte[] payload = java.util.Arrays.copyOf(c.value(), c.value().length + 10);
            final byte[] d = new byte[20];
            RdbDigest.value(d, RdbValue.parse(payload));
            m.put(k, RdbDigest.hex(d) + " expires " + c.expireAt());
        });
        return m;
    }

    private static Map<String, String> captureAll(final Harness h) throws InterruptedException {
        final Map<String, Copy> m = new ConcurrentHashMap<>();
        final CountDownLatch done = new CountDownLatch(h.server.shardCount());
        for (int i = 0; i < h.server.shardCount(); i++) {
            final Shard s = h.server.shard(i);
            s.execute(() -> {
                capture(s, m);
                done.countDown();
            });
        }
        assertTrue(done.await(60, TimeUnit.SECONDS));
        return digests(m);
    }

    private static void preload(final Harness h, final int strings) {
        assertOk(h.run("DEBUG", "POPULATE", Integer.toString(strings), "c"));
        final Harness.Client c = h.client();
        for (int i = 0; i < COLLECTIONS; i++) {
            c.run("HSET", "h:" + i, "f", "1", "g", "x".repeat(i % 90));
            c.run("RPUSH", "l:" + i, "a", "b", Integer.toString(i));
            c.run("SADD", "s:" + i, "1", "m" + i);
            c.run("ZADD", "z:" + i, "1", "a", "2", "b" + i);
        }
        c.run("SELECT", "5");
        for (int i = 0; i < 3000; i++) {
            c.run("SET", "five:" + i, "v" + i, "EX", Integer.toString(100_000 + i));
        }
        c.close();
    }

    @Test
    void theFileIsExactlyTheCutWhileWritersRun() throws Exception {
        try (Harness h = Harness.start(3, "dir", dir.toString(), "save", "", "enable-debug-command", "yes")) {
            preload(h, 120_000);
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicLong writes = new AtomicLong();
            final List<Thread> writers = new ArrayList<>();
            final List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int w = 0; w < 3; w++) {
                final int seed = w;
                final Thread t = new Thread(() -> {
                    final java.util.Random rnd = new java.util.Random(seed);
                    final Harness.Client c = h.client();
                    try {
                        for (int i = 0; i < 400_000 && !stop.get(); i++) {
                            final int k = rnd.nextInt(COLLECTIONS);
                            switch (rnd.nextInt(12)) {
                                case 0 -> c.run("INCR", "c:" + rnd.nextInt(120_000));
                                case 1 -> c.run("SET", "c:" + rnd.nextInt(120_000), "w" + i, "PX", "90000000");
                                case 2 -> c.run("DEL", "c:" + rnd.nextInt(120_000));
                                case 3 -> c.run("SET", "new:" + seed + ":" + i, "n");
                                case 4 -> c.run("HINCRBY", "h:" + k, "f", "1");
                                case 5 -> c.run("RPUSH", "l:" + k, "p" + i);
                                case 6 -> c.run("LPOP", "l:" + k);
                                case 7 -> c.run("SADD", "s:" + k, "x" + i);
                                case 8 -> c.run("ZINCRBY", "z:" + k, "1", "a");
                                case 9 -> c.run("MSET", "c:" + rnd.nextInt(120_000), "m" + i,
                                        "c:" + rnd.nextInt(120_000), "m" + i, "{x}" + k, "m");
                                case 10 -> c.run("EXPIRE", "h:" + k, "50000");
                                default -> c.run("UNLINK", "s:" + k, "z:" + rnd.nextInt(COLLECTIONS));
                            }
                            writes.incrementAndGet();
                        }
                    } catch (final Throwable e) {
                        if (errors.isEmpty()) {
                            Thread.getAllStackTraces().forEach((th, st) -> {
                                if (th.getName().contains("moon") || th.getName().contains("Loop")
                                        || th.getName().contains("loop")) {
                                    System.out.println("DUMP " + th.getName() + " " + java.util.Arrays.toString(st));
                                }
                            });
                        }
                        errors.add(e);
                    } finally {
                        c.close();
                    }
                }, "writer-" + w);
                writers.add(t);
                t.start();
            }
            Thread.sleep(100);
            final Map<String, Copy> atCut = new ConcurrentHashMap<>();
            final long writesBefore = writes.get();
            h.server.snapshots.saveTo(dir.resolve("cut.rdb"), s -> capture(s, atCut)).get(120, TimeUnit.SECONDS);
            final long writesDuring = writes.get() - writesBefore;
            stop.set(true);
            for (final Thread t : writers) {
                t.join(60_000);
            }
            assertTrue(errors.isEmpty(), errors.toString());
            System.out.println("writes during the save: " + writesDuring);
            // a save that stopped the shards would serve none; how many depends on how fast the save
            // is (a faster CRC took it from ~30 to ~18 here), so only "some" is asserted
            assertTrue(writesDuring > 0, "writes were served during the save: " + writesDuring);
            assertTrue(atCut.size() > 120_000, "the cut saw the dataset: " + atCut.size());
            final Map<String, String> current = captureAll(h);
            final Map<String, String> cut = digests(atCut);
            assertTrue(!current.equals(cut), "the writers changed the dataset after the cut");
            h.run("CONFIG", "SET", "dbfilename", "cut.rdb");
            try (Harness b = Harness.start(2, "dir", dir.toString(), "dbfilename", "cut.rdb")) {
                b.server.snapshots.loadAtStartup(null);
                assertTrue(b.server.snapshots.awaitLoaded(60_000));
                assertSame(cut, captureAll(b));
            }
        }
    }

    @Test
    void swapdbAndFlushallDuringTheSaveKeepTheCutInTheFile() throws Exception {
        try (Harness h = Harness.start(3, "dir", dir.toString(), "save", "", "enable-debug-command", "yes")) {
            preload(h, 50_000);
            final Map<String, Copy> atCut = new ConcurrentHashMap<>();
            final CountDownLatch cut = new CountDownLatch(3);
            final var saved = h.server.snapshots.saveTo(dir.resolve("cut.rdb"), s -> {
                capture(s, atCut);
                cut.countDown();
            });
            assertTrue(cut.await(60, TimeUnit.SECONDS));
            // SWAPDB does not move what the snapshot writes; writes to both databases after it
            assertOk(h.run("SWAPDB", "0", "5"));
            h.run("SET", "c:1", "changed-in-old-db0");
            assertOk(h.run("SELECT", "5"));
            h.run("SET", "c:2", "changed");
            h.run("DEL", "c:3");
            assertOk(h.run("SELECT", "0"));
            assertOk(h.run("FLUSHALL"));
            h.run("SET", "after", "1");
            // usually still running here; DbSnapshotTest covers a flush mid-snapshot deterministically
            saved.get(120, TimeUnit.SECONDS);
            try (Harness b = Harness.start(1, "dir", dir.toString(), "dbfilename", "cut.rdb")) {
                b.server.snapshots.loadAtStartup(null);
                assertTrue(b.server.snapshots.awaitLoaded(60_000));
                assertSame(digests(atCut), captureAll(b));
            }
        }
    }

    /** Equal maps, reporting a few differences instead of two huge maps. */
    private static void assertSame(final Map<String, String> expected, final Map<String, String> actual) {
        if (expected.equals(actual)) {
            return;
        }
        final List<String> diff = new ArrayList<>();
        for (final var e : expected.entrySet()) {
            if (!e.getValue().equals(actual.get(e.getKey())) && diff.size() < 10) {
                diff.add(e.getKey() + (actual.containsKey(e.getKey()) ? " differs" : " missing"));
            }
        }
        for (final String k : actual.keySet()) {
            if (!expected.containsKey(k) && diff.size() < 20) {
                diff.add(k + " not in the cut");
            }
        }
        assertEquals(expected.size(), actual.size(), diff.toString());
        throw new AssertionError(diff.toString());
    }
}
