package io.moon.server.net;

import io.moon.server.testing.Harness;
import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pipelines whose commands go to several shards run as batches (PipelineBatch): replies in order,
 * the same replies as Redis, commands that cannot join a batch run after it, a command cut in two
 * by the network is finished afterwards, and write order stays visible to other clients.
 */
class PipelineTest {
    private static byte[] pipeline(final List<String[]> commands) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final String[] c : commands) {
            out.writeBytes(Resp.command(c));
        }
        return out.toByteArray();
    }

    private static long infoField(final RawClient c, final String field) throws Exception {
        final Object info = c.run("INFO", "stats");
        final String text = info instanceof Resp.Verbatim v ? v.text() : (String) info;
        for (final String line : text.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1));
            }
        }
        throw new AssertionError(field + " missing from INFO stats");
    }

    @Test
    void shouldAnswerAMixedPipelineLikeRedisAndUseBatches() throws Exception {
        final List<String[]> cmds = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            final String k = "k" + (i % 37);
            switch (i % 9) {
                case 0 -> cmds.add(new String[] {"SET", k, "v" + i});
                case 1 -> cmds.add(new String[] {"GET", k});
                case 2 -> cmds.add(new String[] {"INCR", "n" + (i % 11)});
                case 3 -> cmds.add(new String[] {"APPEND", k, "x"});
                case 4 -> cmds.add(new String[] {"MGET", k, "k1", "k2"}); // several shards: runs on its own
                case 5 -> cmds.add(new String[] {"SELECT", i % 2 == 0 ? "0" : "1"}); // connection state
                case 6 -> cmds.add(new String[] {"EXPIRE", k, "100"});
                case 7 -> cmds.add(new String[] {"NOSUCHCOMMAND", k}); // an admission error
                default -> cmds.add(new String[] {"STRLEN", k});
            }
        }
        final byte[] bytes = pipeline(cmds);
        try (TestServer moon = TestServer.start(4);
             RedisServer redis = RedisServer.start();
             RawClient m = new RawClient(moon.port);
             RawClient r = new RawClient(redis.port)) {
            m.send(bytes);
            r.send(bytes);
            for (int i = 0; i < cmds.size(); i++) {
                assertEquals(r.read(), m.read(), "reply " + i + " to " + String.join(" ", cmds.get(i)));
            }
            assertTrue(infoField(m, "moon_pipeline_batches") > 0, "pipelined commands ran as batches");
        }
    }

    /** A random command over a few keys of a few databases, some of them multi-key. */
    private static String[] randomCommand(final java.util.SplittableRandom r) {
        final java.util.function.Supplier<String> key = () -> switch (r.nextInt(3)) {
            case 0 -> "k" + r.nextInt(40);
            case 1 -> "{t}" + r.nextInt(6);
            default -> "h" + r.nextInt(6);
        };
        return switch (r.nextInt(16)) {
            case 0 -> new String[] {"SELECT", String.valueOf(r.nextInt(3))};
            case 1 -> new String[] {"SET", key.get(), String.valueOf(r.nextInt(1000))};
            case 2, 3 -> new String[] {"GET", key.get()};
            case 4 -> new String[] {"INCR", key.get()};
            case 5 -> new String[] {"DEL", key.get(), key.get()};
            case 6 -> new String[] {"MGET", key.get(), key.get(), key.get()};
            case 7 -> new String[] {"EXISTS", key.get()};
            case 8 -> new String[] {"HSET", key.get(), "f" + r.nextInt(3), "v"};
            case 9 -> new String[] {"LPUSH", key.get(), "x"};
            case 10 -> new String[] {"APPEND", key.get(), "zz"};
            case 11 -> new String[] {"MSET", key.get(), "m", key.get(), "n"};
            case 12 -> new String[] {"TYPE", key.get()};
            case 13 -> new String[] {"RENAME", key.get(), key.get()};
            case 14 -> new String[] {"ECHO", "e".repeat(r.nextInt(300))};
            default -> new String[] {"STRLEN", key.get()};
        };
    }

    @Test
    void shouldAnswerRandomPipelinesLikeRedisWithOneShardAndWithThree() throws Exception {
        // one shard: every key is local, so every read's keys are warmed ahead (PipelinePrefetch);
        // three: keys of other shards are skipped and commands travel
        for (final int shards : new int[] {1, 3}) {
            final java.util.SplittableRandom r = new java.util.SplittableRandom(7_340_221L + shards);
            try (TestServer moon = TestServer.start(shards);
                 RedisServer redis = RedisServer.start();
                 RawClient m = new RawClient(moon.port);
                 RawClient rc = new RawClient(redis.port)) {
                for (int round = 0; round < 60; round++) {
                    final List<String[]> cmds = new ArrayList<>();
                    final int n = 1 + r.nextInt(50);
                    for (int i = 0; i < n; i++) {
                        cmds.add(randomCommand(r));
                    }
                    cmds.add(new String[] {"SELECT", "0"});
                    final byte[] bytes = pipeline(cmds);
                    m.send(bytes);
                    rc.send(bytes);
                    for (int i = 0; i < cmds.size(); i++) {
                        assertEquals(rc.read(), m.read(), shards + " shards, round " + round + ", reply " + i + " to "
                                + String.join(" ", cmds.get(i)));
                    }
                }
            }
        }
    }

    @Test
    void shouldRefuseAMoveToAMissingDatabaseInsideABatch() throws Exception {
        // MOVE locks its target database before checking it exists; a batch write-locks its keys
        // and once asked database 16 of a 16-database keyspace for its snapshot barrier, killing
        // the step and leaving the batch (and every later command on its keys) waiting forever.
        try (Harness h = Harness.start(3)) {
            final Harness.Client c = h.client();
            final List<String[]> cmds = new ArrayList<>();
            cmds.add(new String[] {"SET", "{t}b", "v"});
            cmds.add(new String[] {"APPEND", "{t}b", "w"});
            cmds.add(new String[] {"MOVE", "{t}b", "16"});
            cmds.add(new String[] {"GET", "{t}b"});
            c.send(pipeline(cmds));
            assertEquals(new Resp.Simple("OK"), c.read());
            assertEquals(2L, c.read());
            assertEquals(new Resp.Err("ERR DB index is out of range"), c.read());
            assertEquals("vw", c.read());
            assertEquals(new Resp.Simple("OK"), c.run("SET", "{t}b", "2"));
        }
    }

    @Test
    void shouldFinishACommandCutInTwoAfterABatch() throws Exception {
        try (Harness h = Harness.start(4)) {
            final Harness.Client c = h.client();
            final List<String[]> cmds = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                cmds.add(new String[] {"SET", "key" + i, "value" + i});
            }
            final byte[] whole = pipeline(cmds);
            final byte[] last = Resp.command("GET", "key7");
            final byte[] first = new byte[whole.length + last.length / 2];
            System.arraycopy(whole, 0, first, 0, whole.length);
            System.arraycopy(last, 0, first, whole.length, last.length / 2);
            c.send(first);
            Thread.sleep(50);
            c.send(java.util.Arrays.copyOfRange(last, last.length / 2, last.length));
            for (int i = 0; i < 40; i++) {
                assertEquals(new Resp.Simple("OK"), c.read(), "reply " + i);
            }
            assertEquals("value7", c.read());
        }
    }

    @Test
    void shouldReplyToTheBatchThenTheProtocolErrorAndClose() throws Exception {
        try (Harness h = Harness.start(4)) {
            final Harness.Client c = h.client();
            final List<String[]> cmds = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                cmds.add(new String[] {"SET", "key" + i, "v"});
            }
            final byte[] good = pipeline(cmds);
            final byte[] bad = "*1\r\nxx\r\n".getBytes(StandardCharsets.US_ASCII);
            final byte[] all = new byte[good.length + bad.length];
            System.arraycopy(good, 0, all, 0, good.length);
            System.arraycopy(bad, 0, all, good.length, bad.length);
            c.send(all);
            for (int i = 0; i < 20; i++) {
                assertEquals(new Resp.Simple("OK"), c.read(), "reply " + i);
            }
            assertEquals(new Resp.Err("ERR Protocol error: expected '$', got 'x'"), c.read());
            assertEquals(Harness.Client.CLOSED, c.read());
        }
    }

    @Test
    void shouldSkipOnlyTheFirstReplyAfterClientReplySkip() throws Exception {
        try (Harness h = Harness.start(4)) {
            final Harness.Client c = h.client();
            final List<String[]> cmds = new ArrayList<>();
            cmds.add(new String[] {"CLIENT", "REPLY", "SKIP"});
            for (int i = 0; i < 10; i++) {
                cmds.add(new String[] {"INCR", "counter" + i});
            }
            cmds.add(new String[] {"PING"});
            c.send(pipeline(cmds));
            for (int i = 1; i < 10; i++) {
                assertEquals(1L, c.read(), "INCR counter" + i);
            }
            assertEquals(new Resp.Simple("PONG"), c.read());
            assertEquals(1L, h.run("EXISTS", "counter0"), "the skipped command still ran");
        }
    }

    /**
     * A writer pipelines SET a i, then SET b i (a and b on different shards); readers read b, then
     * a. Since a was written before b, a reader that sees b = i must see a >= i: batches must never
     * let a later write of a pipeline be seen before an earlier one.
     */
    @Test
    void shouldKeepAPipelinesWriteOrderVisibleAcrossShards() throws Exception {
        try (TestServer moon = TestServer.start(4)) {
            final String a = "order:{0}a";
            final String b = "order:{1}b";
            try (RawClient probe = new RawClient(moon.port)) {
                assertTrue(moon.server.shardOf(a.getBytes(StandardCharsets.US_ASCII), 0, a.length())
                        != moon.server.shardOf(b.getBytes(StandardCharsets.US_ASCII), 0, b.length()), "keys on different shards");
                probe.run("MSET", a, "0", b, "0");
            }
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicReference<String> violation = new AtomicReference<>();
            final AtomicLong reads = new AtomicLong();
            final List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                final Thread reader = new Thread(() -> {
                    try (RawClient c = new RawClient(moon.port)) {
                        while (!stop.get() && violation.get() == null) {
                            final long vb = Long.parseLong((String) c.run("GET", b));
                            final long va = Long.parseLong((String) c.run("GET", a));
                            reads.incrementAndGet();
                            if (va < vb) {
                                violation.set("read b=" + vb + " then a=" + va);
                            }
                        }
                    } catch (final Exception e) {
                        violation.compareAndSet(null, "reader failed: " + e);
                    }
                });
                reader.start();
                readers.add(reader);
            }
            try (RawClient w = new RawClient(moon.port)) {
                final long deadline = System.nanoTime() + 3_000_000_000L;
                long i = 1;
                while (System.nanoTime() < deadline && violation.get() == null && i < 200_000) {
                    final List<String[]> cmds = new ArrayList<>();
                    for (int k = 0; k < 32; k++, i++) {
                        cmds.add(new String[] {"SET", a, Long.toString(i)});
                        cmds.add(new String[] {"SET", b, Long.toString(i)});
                    }
                    w.send(pipeline(cmds));
                    for (int k = 0; k < cmds.size(); k++) {
                        assertEquals(new Resp.Simple("OK"), w.read());
                    }
                }
                assertTrue(infoField(w, "moon_pipeline_batches") > 0, "the writer's pipelines ran as batches");
            } finally {
                stop.set(true);
                for (final Thread t : readers) {
                    t.join(5_000);
                }
            }
            assertNull(violation.get());
            assertTrue(reads.get() > 100, "readers ran: " + reads.get());
        }
    }
}
