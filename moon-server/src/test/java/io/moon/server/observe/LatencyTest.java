package io.moon.server.observe;

import io.moon.server.testing.Harness;
import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.moon.server.testing.Harness.assertInt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LATENCY LATEST/HISTORY/RESET/HISTOGRAM/DOCTOR/HELP over every shard, against redis-server's shapes. */
class LatencyTest {
    /** A script that keeps its shard busy for tens of milliseconds: a "command" latency event. */
    private static final String BUSY = "local i=0 while i<500000 do i=i+1 end return 1";

    /** The reply's shape: types and nesting, not values nor how many elements of one shape. */
    static String shape(final Object o) {
        if (o instanceof List<?> l) {
            final List<String> parts = new ArrayList<>();
            for (final Object e : l) {
                parts.add(shape(e));
            }
            return new java.util.TreeSet<>(parts).toString();
        }
        if (o instanceof Map<?, ?> m) {
            final List<String> parts = new ArrayList<>();
            m.forEach((k, v) -> parts.add(shape(k) + "=" + shape(v)));
            return "{" + String.join(",", parts) + "}";
        }
        return o == null ? "nil" : o instanceof Long ? "int" : o instanceof String ? "bulk"
                : o.getClass().getSimpleName();
    }

    @Test
    void shouldRecordCommandSpikesAboveTheThresholdOnAnyShard() {
        try (Harness h = Harness.start(3)) {
            assertEquals(List.of(), h.run("LATENCY", "LATEST"));
            assertTrue(String.valueOf(h.run("LATENCY", "DOCTOR")).contains("latency-monitor-threshold is 0"));
            h.run("EVAL", BUSY, "0"); // threshold 0: nothing is recorded
            assertEquals(List.of(), h.run("LATENCY", "LATEST"));
            h.run("CONFIG", "SET", "latency-monitor-threshold", "1");
            final long deadline = System.currentTimeMillis() + 10_000;
            List<?> latest = List.of();
            for (int i = 0; i < 20 && latest.isEmpty() && System.currentTimeMillis() < deadline; i++) {
                // the shards take the new threshold at their next cron tick; run on several connections
                // so that more than one shard sees a spike
                h.client().run("EVAL", BUSY, "0");
                latest = (List<?>) h.run("LATENCY", "LATEST");
            }
            // on a loaded machine another event (expire-cycle, fast-command) may pass 1 ms too
            List<?> found = null;
            for (final Object o : latest) {
                if ("command".equals(((List<?>) o).get(0))) {
                    found = (List<?>) o;
                }
            }
            assertTrue(found != null, "a command event: " + latest);
            final List<?> e = found;
            final long now = System.currentTimeMillis() / 1000;
            assertTrue(Math.abs((Long) e.get(1) - now) <= 5, "unix time of the spike");
            assertTrue((Long) e.get(2) >= 1 && (Long) e.get(3) >= (Long) e.get(2), "latest and worst: " + e);
            final List<?> history = (List<?>) h.run("LATENCY", "HISTORY", "command");
            assertTrue(!history.isEmpty());
            final List<?> sample = (List<?>) history.get(history.size() - 1);
            assertEquals(e.get(1), sample.get(0));
            assertEquals(List.of(), h.run("LATENCY", "HISTORY", "nosuch"));
            final String report = String.valueOf(h.run("LATENCY", "DOCTOR"));
            assertTrue(report.matches("(?s).*\\d\\. command: .*") && report.contains("SLOWLOG GET"), report);
            assertInt(0, h.run("LATENCY", "RESET", "nosuch"));
            assertInt(1, h.run("LATENCY", "RESET", "command", "nosuch"));
            for (final Object o : (List<?>) h.run("LATENCY", "LATEST")) {
                assertTrue(!"command".equals(((List<?>) o).get(0)), "reset: " + o);
            }
            h.run("LATENCY", "RESET");
            assertTrue(String.valueOf(h.run("LATENCY", "DOCTOR")).startsWith("No latency spike of 1 ms"));
        }
    }

    @Test
    void shouldKeepOneSamplePerSecondAndMergeShardsByTheWorst() {
        final LatencyMonitor a = new LatencyMonitor();
        final LatencyMonitor b = new LatencyMonitor();
        a.add("command", 5_000_000);
        a.add("command", 9_000_000); // same second: the worst stays
        b.add("command", 7_000_000);
        b.add("expire-cycle", 2_000_000);
        assertEquals(1, a.copy().get("command").samples().size());
        final Map<String, LatencyMonitor.Series> m = LatencyMonitor.merge(List.of(a.copy(), b.copy()));
        assertEquals(List.of("command", "expire-cycle"), new ArrayList<>(m.keySet()));
        final List<long[]> s = m.get("command").samples();
        assertTrue(s.size() <= 2);
        assertEquals(9, m.get("command").maxMillis());
        assertEquals(2, m.get("expire-cycle").latest()[1]);
        final LatencyMonitor c = new LatencyMonitor();
        assertEquals(0, c.reset(List.of()));
    }

    @Test
    void shouldReplyInRedisShapes() throws Exception {
        try (RedisServer redis = RedisServer.start("--latency-monitor-threshold", "1");
             TestServer moon = TestServer.start(2, "latency-monitor-threshold", "1");
             RawClient r = new RawClient(redis.port);
             RawClient m = new RawClient(moon.port)) {
            Thread.sleep(250); // Moon's shards apply the threshold at their next cron tick
            for (final RawClient c : List.of(r, m)) {
                c.run("SET", "k", "v");
                c.run("GET", "k");
                c.run("CLIENT", "GETNAME");
                c.run("EVAL", BUSY, "0");
            }
            for (final String[] cmd : new String[][] {
                {"LATENCY", "LATEST"},
                {"LATENCY", "HISTORY", "command"},
                {"LATENCY", "HISTORY", "nosuch"},
                {"LATENCY", "HISTOGRAM", "set"},
                {"LATENCY", "HISTOGRAM", "nosuch"},
                {"LATENCY", "HISTOGRAM", "client"},
                {"LATENCY", "RESET", "nosuch"},
                {"LATENCY", "HISTORY"},
                {"LATENCY", "GRAPH", "command"},
                {"LATENCY", "GRAPH", "nosuch"},
                {"LATENCY", "GRAPH"},
                {"LATENCY", "NOSUCH"},
            }) {
                final Object want = r.run(cmd);
                final Object got = m.run(cmd);
                if (want instanceof Resp.Err) {
                    assertEquals(want, got, String.join(" ", cmd));
                } else {
                    assertEquals(shape(want), shape(got), String.join(" ", cmd) + ": " + want + " vs " + got);
                }
            }
            // histogram buckets: powers of two in microseconds, cumulative counts ending at calls
            final List<?> hist = (List<?>) m.run("LATENCY", "HISTOGRAM", "set", "get");
            assertEquals(4, hist.size());
            assertEquals("set", hist.get(0));
            final List<?> body = (List<?>) hist.get(1);
            assertEquals("calls", body.get(0));
            final List<?> buckets = assertInstanceOf(List.class, body.get(3));
            assertEquals(body.get(1), buckets.get(buckets.size() - 1), "the last bucket counts every call");
            for (int i = 0; i < buckets.size(); i += 2) {
                final long us = (Long) buckets.get(i);
                assertTrue(List.of(1L, 2L, 4L, 8L, 16L, 33L, 66L, 132L, 264L, 528L, 1056L, 2113L, 4227L, 8454L,
                        16908L, 33816L, 67633L, 135266L, 270532L, 541065L, 1082130L).contains(us), "bucket " + us);
            }
            assertEquals(r.run("LATENCY", "HELP") instanceof List<?> l ? l.get(0) : null,
                    ((List<?>) m.run("LATENCY", "HELP")).get(0));
        }
    }

    @Test
    void shouldDrawGraphsAsRedisDoes() throws Exception {
        // a fixed picture taken from redis-server 7.0: samples 50, 200 and 100 ms, 3, 2 and 1 s ago
        final long now = 1_796_618_063L;
        assertEquals("command - high 200 ms, low 50 ms (all time high 200 ms)\n" + "-".repeat(80) + "\n"
                        + " # \n | \n |o\n_||\n   \n321\nsss\n",
                LatencyGraph.render("command", List.of(new long[] {now - 3, 50}, new long[] {now - 2, 200},
                        new long[] {now - 1, 100}), 200, now));
        assertEquals("12m", LatencyGraph.age(12 * 60 + 59));
        assertEquals("2d", LatencyGraph.age(2 * 86400 + 5));
        // Redis's own samples, drawn by Moon, against Redis's drawing of them (same second)
        try (RedisServer redis = RedisServer.start("--latency-monitor-threshold", "1", "--enable-debug-command", "yes");
             RawClient r = new RawClient(redis.port)) {
            for (final String sleep : new String[] {"0.004", "0.03", "0.012"}) {
                r.run("DEBUG", "SLEEP", sleep);
                Thread.sleep(1010); // one sample per second
            }
            String want = null;
            String got = null;
            for (int attempt = 0; attempt < 3 && (want == null || !want.equals(got)); attempt++) {
                final long second = Long.parseLong((String) ((List<?>) r.run("TIME")).get(0));
                final List<long[]> samples = new ArrayList<>();
                for (final Object o : (List<?>) r.run("LATENCY", "HISTORY", "command")) {
                    samples.add(new long[] {(Long) ((List<?>) o).get(0), (Long) ((List<?>) o).get(1)});
                }
                final long high = (Long) ((List<?>) ((List<?>) r.run("LATENCY", "LATEST")).get(0)).get(3);
                want = (String) r.run("LATENCY", "GRAPH", "command");
                got = LatencyGraph.render("command", samples, high, second);
            }
            assertEquals(want, got);
        }
        try (Harness h = Harness.start(3)) {
            h.run("CONFIG", "SET", "latency-monitor-threshold", "1");
            assertEquals(new Resp.Err("ERR No samples available for event 'command'"), h.run("LATENCY", "GRAPH", "command"));
            String graph = null;
            for (int i = 0; i < 20 && graph == null; i++) {
                h.client().run("EVAL", BUSY, "0"); // the shards take the threshold at their next cron tick
                if (h.run("LATENCY", "GRAPH", "command") instanceof String g) {
                    graph = g;
                }
            }
            assertTrue(graph != null && graph.startsWith("command - high "), String.valueOf(graph));
        }
    }
}
