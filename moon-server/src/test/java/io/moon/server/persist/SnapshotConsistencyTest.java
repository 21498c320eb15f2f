package io.moon.server.persist;

import io.moon.server.testing.Harness;
import io.moon.server.testing.Resp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A snapshot taken while writers run is one cut: writers move amounts between keys on different
 * shards with cross-shard MSET (the total stays 0 after every MSET), and the loaded snapshot
 * must hold every group's keys with a zero total.
 */
final class SnapshotConsistencyTest {
    private static final int GROUPS = 8;
    private static final int KEYS_PER_GROUP = 6;
    private static final Resp.Simple STARTED = new Resp.Simple("Background saving started");

    @TempDir
    Path dir;

    @Test
    void bgsaveUnderCrossShardWritesIsAConsistentCut() throws Exception {
        try (Harness h = Harness.start(3, "dir", dir.toString(), "save", "")) {
            for (int g = 0; g < GROUPS; g++) {
                final String[] args = new String[1 + 2 * KEYS_PER_GROUP];
                args[0] = "MSET";
                for (int k = 0; k < KEYS_PER_GROUP; k++) {
                    args[1 + 2 * k] = key(g, k);
                    args[2 + 2 * k] = "0";
                }
                assertOk(h.run(args));
            }
            final AtomicBoolean stop = new AtomicBoolean();
            final List<Thread> writers = new ArrayList<>();
            final List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int w = 0; w < 3; w++) {
                final int seed = w;
                final Thread t = new Thread(() -> {
                    final java.util.Random rnd = new java.util.Random(seed);
                    final Harness.Client c = h.client();
                    try {
                        final long[][] values = new long[GROUPS][KEYS_PER_GROUP];
                        for (int i = 0; i < 20_000 && !stop.get(); i++) {
                            // each writer owns its groups, so it knows the current values
                            final int g = seed + 3 * rnd.nextInt((GROUPS - seed + 2) / 3);
                            if (g >= GROUPS) {
                                continue;
                            }
                            final int from = rnd.nextInt(KEYS_PER_GROUP);
                            final int to = (from + 1 + rnd.nextInt(KEYS_PER_GROUP - 1)) % KEYS_PER_GROUP;
                            final long amount = 1 + rnd.nextInt(100);
                            values[g][from] -= amount;
                            values[g][to] += amount;
                            final Object r = c.run("MSET", key(g, from), Long.toString(values[g][from]),
                                    key(g, to), Long.toString(values[g][to]));
                            if (!new Resp.Simple("OK").equals(r)) {
                                throw new AssertionError("MSET replied " + r);
                            }
                        }
                    } catch (final Throwable e) {
                        errors.add(e);
                    } finally {
                        c.close();
                    }
                }, "writer-" + w);
                writers.add(t);
                t.start();
            }
            Thread.sleep(200);
            for (int round = 0; round < 3; round++) {
                assertEquals(STARTED, h.run("BGSAVE"));
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (h.server.snapshots.inProgress() && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertTrue(h.server.snapshots.lastBgsaveOk());
                checkSnapshot();
            }
            stop.set(true);
            for (final Thread t : writers) {
                t.join(60_000);
            }
            assertTrue(errors.isEmpty(), errors.toString());
        }
    }

    private void checkSnapshot() throws Exception {
        try (Harness b = Harness.start(2, "dir", dir.toString(), "save", "")) {
            b.server.snapshots.loadAtStartup(null);
            assertTrue(b.server.snapshots.awaitLoaded(60_000));
            Harness.assertInt((long) GROUPS * KEYS_PER_GROUP, b.run("DBSIZE"));
            for (int g = 0; g < GROUPS; g++) {
                long sum = 0;
                for (int k = 0; k < KEYS_PER_GROUP; k++) {
                    sum += Long.parseLong(b.run("GET", key(g, k)).toString());
                }
                assertEquals(0, sum, "group " + g + " in the snapshot sums to zero");
            }
        }
    }

    private static String key(final int g, final int k) {
        return "acct:" + g + ":" + k;
    }
}
