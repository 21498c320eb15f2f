package io.moon.server;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.Resp;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many clients throwing every kind of cross-shard work at once: multi-key commands (MSET, MSETNX,
 * MGET, DEL, RENAME, COPY), database-wide locks (DBSIZE, KEYS, SWAPDB, FLUSHDB), pipelines that
 * run as batches, and plain single-key commands. Every command must be answered within a bounded
 * time (no deadlock, no lost reply, no stuck connection) and the server must stay consistent.
 * Bounded in time (about 4 s) and count.
 */
@Tag("sockets")
class CrossShardStressTest {
    private static final String[] KEYS = {"a", "b", "c", "d", "e", "f", "g", "h", "{t}x", "{t}y"};

    private static String key(final SplittableRandom r) {
        return KEYS[r.nextInt(KEYS.length)];
    }

    private static String[] command(final SplittableRandom r) {
        return switch (r.nextInt(16)) {
            case 0 -> new String[] {"MSET", key(r), "1", key(r), "2", key(r), "3"};
            case 1 -> new String[] {"MSETNX", key(r), "1", key(r), "2"};
            case 2 -> new String[] {"MGET", key(r), key(r), key(r)};
            case 3 -> new String[] {"DEL", key(r), key(r)};
            case 4 -> new String[] {"RENAME", key(r), key(r)};
            case 5 -> new String[] {"COPY", key(r), key(r), "REPLACE"};
            case 6 -> new String[] {"DBSIZE"};
            case 7 -> new String[] {"KEYS", "*"};
            case 8 -> new String[] {"SWAPDB", "0", "1"};
            case 9 -> new String[] {"FLUSHDB"};
            case 10 -> new String[] {"EXISTS", key(r), key(r), key(r)};
            case 11 -> new String[] {"INCR", "n" + key(r)};
            case 12 -> new String[] {"APPEND", key(r), "z"};
            case 13 -> new String[] {"GET", key(r)};
            case 14 -> new String[] {"EXPIRE", key(r), "100"};
            default -> new String[] {"SET", key(r), "v"};
        };
    }

    @Test
    void shouldAnswerEveryCommandUnderMixedCrossShardLoad() throws Exception {
        try (TestServer moon = TestServer.start(4)) {
            final AtomicReference<String> problem = new AtomicReference<>();
            final AtomicLong answered = new AtomicLong();
            final long deadline = System.nanoTime() + 4_000_000_000L;
            final List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                final long seed = 1000 + t;
                final Thread client = new Thread(() -> {
                    final SplittableRandom r = new SplittableRandom(seed);
                    try (RawClient c = new RawClient(moon.port)) { // 10 s read timeout: a stall fails
                        while (System.nanoTime() < deadline && problem.get() == null) {
                            // a pipeline of 1..20 commands in one write
                            final int n = 1 + r.nextInt(20);
                            final ByteArrayOutputStream out = new ByteArrayOutputStream();
                            for (int i = 0; i < n; i++) {
                                out.writeBytes(Resp.command(command(r)));
                            }
                            c.send(out.toByteArray());
                            for (int i = 0; i < n; i++) {
                                final Object reply = c.read();
                                // RENAME of a missing key and COPY of a key onto itself are the only errors
                                if (reply instanceof Resp.Err e && !e.text().equals("ERR no such key")
                                        && !e.text().equals("ERR source and destination objects are the same")) {
                                    problem.compareAndSet(null, "unexpected error " + e);
                                }
                                answered.incrementAndGet();
                            }
                        }
                    } catch (final Exception e) {
                        problem.compareAndSet(null, "client " + seed + " failed: " + e);
                    }
                });
                client.start();
                clients.add(client);
            }
            for (final Thread t : clients) {
                t.join(30_000);
                assertTrue(!t.isAlive(), "a client is stuck");
            }
            assertNull(problem.get());
            assertTrue(answered.get() > 1000, "commands answered: " + answered.get());
            // the server is healthy and its databases consistent
            try (RawClient c = new RawClient(moon.port)) {
                assertEquals(new Resp.Simple("PONG"), c.run("PING"));
                for (final String db : new String[] {"0", "1"}) {
                    c.run("SELECT", db);
                    final long size = (Long) c.run("DBSIZE");
                    assertEquals(size, ((List<?>) c.run("KEYS", "*")).size(), "DBSIZE agrees with KEYS in db " + db);
                }
                final Object info = c.run("INFO", "stats");
                final String text = info instanceof Resp.Verbatim v ? v.text() : (String) info;
                assertTrue(text.contains("moon_pipeline_batches:"), text);
            }
        }
    }
}
