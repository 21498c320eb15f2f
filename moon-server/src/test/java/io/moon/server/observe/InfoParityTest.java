package io.moon.server.observe;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * INFO against redis-server after the same session: the sections and their order, each section's
 * fields in Redis's order, and the values that mean the same thing on both (clients, pub/sub,
 * scripts, errors, keyspace lines).
 */
class InfoParityTest {
    /** Section name to its fields, in order. */
    static Map<String, Map<String, String>> sections(final String info) {
        final Map<String, Map<String, String>> out = new LinkedHashMap<>();
        Map<String, String> current = null;
        for (final String l : info.split("\r\n")) {
            if (l.startsWith("# ")) {
                current = new LinkedHashMap<>();
                out.put(l.substring(2), current);
            } else if (!l.isEmpty()) {
                final int c = l.indexOf(':');
                current.put(l.substring(0, c), l.substring(c + 1));
            }
        }
        return out;
    }

    private static Map<String, Map<String, String>> session(final int port) throws Exception {
        try (RawClient c = new RawClient(port); RawClient sub = new RawClient(port); RawClient o = new RawClient(port)) {
            c.run("AUTH", "nobody", "wrong");
            c.run("HELLO", "2", "AUTH", "default", "wrong");
            sub.run("SUBSCRIBE", "ch1", "ch2");
            sub.send(Resp.command("PSUBSCRIBE", "p*"));
            sub.read();
            c.run("SCRIPT", "LOAD", "return 1");
            c.run("SET", "s", "x");
            c.run("INCR", "s");
            c.run("INCR", "s");
            c.run("LPUSH", "s", "x");
            c.run("NOSUCH");
            c.run("SET", "t", "1", "EX", "1000");
            c.run("SELECT", "5");
            c.run("SET", "u", "1");
            return sections(String.valueOf(o.run("INFO", "everything")));
        }
    }

    @Test
    void shouldPrintRedisSectionsFieldsAndComparableValues() throws Exception {
        final Map<String, Map<String, String>> redis;
        try (RedisServer r = RedisServer.start()) {
            redis = session(r.port);
        }
        final Map<String, Map<String, String>> moon;
        try (TestServer m = TestServer.start(3)) {
            moon = session(m.port);
        }
        assertEquals(new ArrayList<>(redis.keySet()), new ArrayList<>(moon.keySet()), "sections in Redis's order");
        for (final String section : redis.keySet()) {
            if (section.equals("Commandstats") || section.equals("Latencystats")) {
                continue; // Redis prints these in its command table's hash order
            }
            final List<String> common = new ArrayList<>(redis.get(section).keySet());
            common.retainAll(moon.get(section).keySet());
            final List<String> moonOrder = new ArrayList<>(moon.get(section).keySet());
            moonOrder.retainAll(redis.get(section).keySet());
            assertEquals(common, moonOrder, section + ": fields in Redis's order");
        }
        for (final String[] f : new String[][] {
            {"Server", "os"}, {"Clients", "connected_clients"}, {"Clients", "blocked_clients"},
            {"Memory", "number_of_cached_scripts"}, {"Memory", "maxmemory"}, {"Memory", "maxmemory_policy"},
            {"Stats", "pubsub_channels"}, {"Stats", "pubsub_patterns"}, {"Stats", "pubsubshard_channels"},
            {"Stats", "total_error_replies"}, {"Stats", "keyspace_hits"}, {"Stats", "keyspace_misses"},
            {"Replication", "role"}, {"Replication", "connected_slaves"},
            {"Errorstats", "errorstat_ERR"}, {"Errorstats", "errorstat_WRONGTYPE"}, {"Errorstats", "errorstat_WRONGPASS"},
            {"Cluster", "cluster_enabled"},
            {"Keyspace", "db5"},
        }) {
            assertEquals(redis.get(f[0]).get(f[1]), moon.get(f[0]).get(f[1]), f[0] + " " + f[1]);
        }
        assertEquals(redis.get("Errorstats").keySet(), moon.get("Errorstats").keySet());
        // a 7.2 field (7.0 has none to compare with): the refused AUTH (HELLO's succeeds without requirepass)
        assertEquals("1", moon.get("Stats").get("acl_access_denied_auth"));
        final String db0 = moon.get("Keyspace").get("db0");
        assertEquals(redis.get("Keyspace").get("db0").replaceAll("avg_ttl=\\d+", ""), db0.replaceAll("avg_ttl=\\d+", ""));
        assertEquals(redis.get("Commandstats").keySet(), moon.get("Commandstats").keySet(), "the same commands ran");
    }

    @Test
    void shouldReportReplidMicrosecondsAndSocketCounts() throws Exception {
        try (TestServer m = TestServer.start(3); RawClient c = new RawClient(m.port)) {
            for (int i = 0; i < 20; i++) {
                c.run("PING");
            }
            boolean subMillisecond = false;
            Map<String, Map<String, String>> info = Map.of();
            for (int i = 0; i < 20 && !subMillisecond; i++) {
                info = sections(String.valueOf(c.run("INFO", "everything")));
                subMillisecond = Long.parseLong(info.get("Server").get("server_time_usec")) % 1000 != 0;
            }
            org.junit.jupiter.api.Assertions.assertTrue(subMillisecond, "server_time_usec has microseconds");
            final String replid = info.get("Replication").get("master_replid");
            org.junit.jupiter.api.Assertions.assertTrue(replid.matches("[0-9a-f]{40}") && !replid.matches("0+"), replid);
            org.junit.jupiter.api.Assertions.assertNotEquals(info.get("Server").get("run_id"), replid);
            assertEquals("0".repeat(40), info.get("Replication").get("master_replid2"));
            final long reads = Long.parseLong(info.get("Stats").get("total_reads_processed"));
            final long writes = Long.parseLong(info.get("Stats").get("total_writes_processed"));
            org.junit.jupiter.api.Assertions.assertTrue(reads >= 20 && writes >= 19, reads + " reads, " + writes + " writes");
            for (int i = 0; i < 5; i++) {
                c.run("PING");
            }
            final Map<String, String> st = sections(String.valueOf(c.run("INFO", "stats"))).get("Stats");
            org.junit.jupiter.api.Assertions.assertTrue(Long.parseLong(st.get("total_reads_processed")) >= reads + 6);
            org.junit.jupiter.api.Assertions.assertTrue(Long.parseLong(st.get("total_writes_processed")) >= writes + 6);
        }
    }

    @Test
    void shouldReportClientBuffersFromTheShards() throws Exception {
        try (TestServer m = TestServer.start(3); RawClient half = new RawClient(m.port); RawClient o = new RawClient(m.port)) {
            // half a command: a 100000-byte argument of which 60000 bytes have arrived
            half.send(("*2\r\n$3\r\nGET\r\n$100000\r\n" + "x".repeat(60_000))
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            long input = 0;
            final long deadline = System.currentTimeMillis() + 5000;
            Map<String, Map<String, String>> info = Map.of();
            while (input < 60_000 && System.currentTimeMillis() < deadline) {
                info = sections(String.valueOf(o.run("INFO", "everything")));
                input = Long.parseLong(info.get("Clients").get("client_recent_max_input_buffer"));
            }
            org.junit.jupiter.api.Assertions.assertTrue(input >= 60_000, "the half-received argument: " + input);
            org.junit.jupiter.api.Assertions.assertTrue(
                    Long.parseLong(info.get("Memory").get("mem_clients_normal")) >= input, "clients' memory");
        }
    }

    /** What a session of latency-tracking-info-percentiles changes shows, values of latencies masked. */
    private static List<String> percentiles(final int port) throws Exception {
        final List<String> out = new ArrayList<>();
        try (RawClient c = new RawClient(port)) {
            for (final String v : new String[] {"50.5 99 100", "101", "abc", "-1", "", "99.9  50"}) {
                out.add(String.valueOf(c.run("CONFIG", "SET", "latency-tracking-info-percentiles", v)));
                out.add(String.valueOf(c.run("CONFIG", "GET", "latency-tracking-info-percentiles")));
                final String ls = String.valueOf(c.run("INFO", "latencystats"));
                for (final String l : ls.split("\r\n")) {
                    if (l.startsWith("latency_percentiles_usec_config|set:")) {
                        out.add(l.replaceAll("=\\d+\\.\\d{3}", "=N"));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void shouldTakeLatencyPercentilesAsRedis() throws Exception {
        final List<String> want;
        try (RedisServer r = RedisServer.start()) {
            want = percentiles(r.port);
        }
        try (TestServer m = TestServer.start(2)) {
            assertEquals(want, percentiles(m.port));
        }
        org.junit.jupiter.api.Assertions.assertTrue(want.contains("latency_percentiles_usec_config|set:p50.5=N,p99=N,p100=N"),
                want.toString());
    }
}
