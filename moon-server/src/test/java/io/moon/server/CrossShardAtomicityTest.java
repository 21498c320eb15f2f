package io.moon.server;

import io.moon.server.testing.Harness;
import io.moon.server.testing.RawClient;
import io.moon.server.testing.Resp;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cross-shard commands are atomic and isolated: while writers MSET a group of keys spread over
 * the shards (one value per write) and movers RENAME a token around a ring of keys on different
 * shards, readers never see a mixed MGET of the group, nor the token in two places or in none.
 */
class CrossShardAtomicityTest {
    private static final int GROUP = 8;
    private static final int RING = 6;
    private static final long RUN_MILLIS = 2500;

    /** A connection, whichever kind: a socket or a harness client. */
    interface Conn extends AutoCloseable {
        Object run(String... args) throws Exception;

        @Override
        void close() throws Exception;
    }

    @Test
    @Tag("sockets")
    void shouldStayAtomicOverSocketsWithFourShards() throws Exception {
        try (TestServer s = TestServer.start(4)) {
            assertSpread(s.server);
            hammer(s.server, () -> {
                final RawClient c = new RawClient(s.port);
                return new Conn() {
                    @Override
                    public Object run(final String... args) throws Exception {
                        return c.run(args);
                    }

                    @Override
                    public void close() throws Exception {
                        c.close();
                    }
                };
            });
        }
    }

    @Test
    void shouldStayAtomicInTheHarnessWithThreeShards() throws Exception {
        try (Harness h = Harness.start()) {
            assertSpread(h.server);
            hammer(h.server, () -> {
                final Harness.Client c = h.client();
                return new Conn() {
                    @Override
                    public Object run(final String... args) {
                        return c.run(args);
                    }

                    @Override
                    public void close() {
                        c.close();
                    }
                };
            });
        }
    }

    /** The group touches every shard, so every write crosses shards (and ring neighbours differ). */
    private static void assertSpread(final Server server) {
        final Set<Integer> group = new HashSet<>();
        for (final String k : groupKeys()) {
            group.add(shardOf(server, k));
        }
        assertEquals(server.shardCount(), group.size(), "group keys on every shard");
    }

    private static int shardOf(final Server server, final String key) {
        final byte[] b = key.getBytes(StandardCharsets.ISO_8859_1);
        return server.shardOf(b, 0, b.length);
    }

    private static String[] groupKeys() {
        final String[] k = new String[GROUP];
        for (int i = 0; i < GROUP; i++) {
            k[i] = "group:" + i;
        }
        return k;
    }

    /** Ring keys whose neighbours (the last and the first too) are owned by different shards. */
    private static String[] ringKeys(final Server server) {
        final String[] out = new String[RING];
        int candidate = 0;
        for (int i = 0; i < RING; i++) {
            while (true) {
                final String k = "ring:" + candidate++;
                final int shard = shardOf(server, k);
                if (i == 0 || (shard != shardOf(server, out[i - 1])
                        && (i < RING - 1 || shard != shardOf(server, out[0])))) {
                    out[i] = k;
                    break;
                }
            }
        }
        return out;
    }

    interface ConnFactory {
        Conn open() throws Exception;
    }

    private static void hammer(final Server server, final ConnFactory factory) throws Exception {
        final String[] group = groupKeys();
        final String[] ring = ringKeys(server);
        try (Conn setup = factory.open()) {
            assertEquals(new Resp.Simple("OK"), setup.run("SET", ring[0], "token"));
        }
        final AtomicBoolean stop = new AtomicBoolean();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final AtomicLong writes = new AtomicLong();
        final AtomicLong renames = new AtomicLong();
        final AtomicLong reads = new AtomicLong();
        final List<Thread> threads = new ArrayList<>();
        final int writers = 4;
        final int movers = 3;
        final int readers = 4;
        final CountDownLatch done = new CountDownLatch(writers + movers + readers);
        for (int w = 0; w < writers; w++) {
            final int id = w;
            threads.add(new Thread(() -> {
                try (Conn c = factory.open()) {
                    long n = 0;
                    while (!stop.get()) {
                        final String value = "w" + id + "-" + n++;
                        final String[] args = new String[1 + 2 * GROUP];
                        args[0] = "MSET";
                        for (int i = 0; i < GROUP; i++) {
                            args[1 + 2 * i] = group[i];
                            args[2 + 2 * i] = value;
                        }
                        final Object r = c.run(args);
                        if (!new Resp.Simple("OK").equals(r)) {
                            failures.add("MSET replied " + r);
                        }
                        writes.incrementAndGet();
                    }
                } catch (final Exception e) {
                    failures.add("writer: " + e);
                } finally {
                    done.countDown();
                }
            }, "writer-" + w));
        }
        for (int m = 0; m < movers; m++) {
            final int offset = m;
            threads.add(new Thread(() -> {
                try (Conn c = factory.open()) {
                    int i = offset;
                    while (!stop.get()) {
                        final Object r = c.run("RENAME", ring[i % RING], ring[(i + 1) % RING]);
                        if (new Resp.Simple("OK").equals(r)) {
                            renames.incrementAndGet();
                        } else if (!new Resp.Err("ERR no such key").equals(r)) {
                            failures.add("RENAME replied " + r);
                        }
                        i++;
                    }
                } catch (final Exception e) {
                    failures.add("mover: " + e);
                } finally {
                    done.countDown();
                }
            }, "mover-" + m));
        }
        for (int r = 0; r < readers; r++) {
            final int id = r;
            threads.add(new Thread(() -> {
                try (Conn c = factory.open()) {
                    final String[] mgetGroup = new String[1 + GROUP];
                    mgetGroup[0] = "MGET";
                    System.arraycopy(group, 0, mgetGroup, 1, GROUP);
                    final String[] mgetRing = new String[1 + RING];
                    mgetRing[0] = "MGET";
                    System.arraycopy(ring, 0, mgetRing, 1, RING);
                    final String[] existsRing = mgetRing.clone();
                    existsRing[0] = "EXISTS";
                    while (!stop.get()) {
                        final List<?> g = (List<?>) c.run(mgetGroup);
                        if (new HashSet<>(g).size() != 1) {
                            failures.add("mixed MGET " + g);
                        }
                        final List<?> t = (List<?>) c.run(mgetRing);
                        final long present = t.stream().filter(v -> v != null).count();
                        if (present != 1 || !t.contains("token")) {
                            failures.add("RENAME seen half-done: " + t);
                        }
                        if (id % 2 == 0) {
                            final Object n = c.run(existsRing);
                            if (!Long.valueOf(1).equals(n)) {
                                failures.add("EXISTS over the ring = " + n);
                            }
                        }
                        reads.incrementAndGet();
                    }
                } catch (final Exception e) {
                    failures.add("reader: " + e);
                } finally {
                    done.countDown();
                }
            }, "reader-" + r));
        }
        for (final Thread t : threads) {
            t.start();
        }
        Thread.sleep(RUN_MILLIS);
        stop.set(true);
        assertTrue(done.await(20, TimeUnit.SECONDS), "threads finished");
        System.out.println("cross-shard atomicity: " + writes + " MSETs, " + renames + " RENAMEs, " + reads
                + " read rounds");
        assertTrue(failures.isEmpty(), failures.size() + " failures, first: " + failures.peek());
        assertTrue(writes.get() > 50 && renames.get() > 50 && reads.get() > 50,
                "work done: writes " + writes + ", renames " + renames + ", reads " + reads);
    }
}
