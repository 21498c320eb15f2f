package io.moon.server.commands;

import io.moon.server.testing.Harness;
import io.moon.server.testing.Resp;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TIME, LOLWUT, RESTORE-ASKING and MEMORY. */
class ServerCommandsTest {
    @Test
    @SuppressWarnings("unchecked")
    void shouldTellTheTimeAsSecondsAndMicroseconds() {
        try (Harness h = Harness.start()) {
            final long before = System.currentTimeMillis();
            final List<Object> t = (List<Object>) h.run("TIME");
            final long after = System.currentTimeMillis();
            assertEquals(2, t.size());
            final long seconds = Long.parseLong((String) t.get(0));
            final long micros = Long.parseLong((String) t.get(1));
            assertTrue(micros >= 0 && micros < 1_000_000);
            final long millis = seconds * 1000 + micros / 1000;
            assertTrue(millis >= before - 1 && millis <= after + 1, millis + " not in " + before + ".." + after);
            assertErrorText("ERR wrong number of arguments for 'time' command", h.run("TIME", "x"));
        }
    }

    @Test
    void shouldAnswerLolwutWithTheVersionLine() {
        try (Harness h = Harness.start()) {
            assertEquals("Redis ver. 7.2.4\n", h.run("LOLWUT"));
            assertEquals("Redis ver. 7.2.4\n", h.run("LOLWUT", "VERSION", "5", "1", "2")); // Redis: art
            assertEquals("Redis ver. 7.2.4\n", h.run("LOLWUT", "anything"));
            assertErrorText("ERR value is not an integer or out of range", h.run("LOLWUT", "VERSION", "x"));
        }
    }

    @Test
    void shouldRestoreWithRestoreAsking() {
        // 3 shards: the key lives on any of them, RESTORE-ASKING goes to its owner like RESTORE
        try (Harness h = Harness.start(3)) {
            assertOk(h.run("SET", "src", "hello"));
            final Object payload = h.run("DUMP", "src");
            assertOk(h.run("RESTORE-ASKING", "dst", "0", (String) payload));
            assertEquals("hello", h.run("GET", "dst"));
            assertErrorText("BUSYKEY Target key name already exists.", h.run("RESTORE-ASKING", "dst", "0", (String) payload));
        }
    }

    @Test
    void shouldMeasureAKey() {
        try (Harness h = Harness.start()) {
            assertOk(h.run("SET", "small", "v"));
            assertOk(h.run("SET", "big", "x".repeat(10_000)));
            final long small = (Long) h.run("MEMORY", "USAGE", "small");
            final long big = (Long) h.run("MEMORY", "USAGE", "big", "SAMPLES", "0");
            assertTrue(small > 0 && big > 10_000 && big > small, small + " " + big);
            assertNil(h.run("MEMORY", "USAGE", "missing"));
            assertErrorText("ERR syntax error", h.run("MEMORY", "USAGE", "small", "SAMPLES"));
            assertErrorText("ERR syntax error", h.run("MEMORY", "USAGE", "small", "FOO", "1"));
            assertErrorText("ERR value is not an integer or out of range",
                    h.run("MEMORY", "USAGE", "small", "SAMPLES", "x"));
            assertErrorText("ERR wrong number of arguments for 'memory|usage' command", h.run("MEMORY", "USAGE"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldReportMemoryStatsInRedisShape() {
        try (Harness h = Harness.start()) {
            assertOk(h.run("MSET", "a", "1", "b", "2", "c", "3"));
            assertOk(h.run("SELECT", "4"));
            assertOk(h.run("SET", "d", "4"));
            h.run("HELLO", "3");
            final Map<Object, Object> m = (Map<Object, Object>) h.run("MEMORY", "STATS");
            assertEquals(List.of("peak.allocated", "total.allocated", "startup.allocated", "replication.backlog",
                    "clients.slaves", "clients.normal", "cluster.links", "aof.buffer", "lua.caches",
                    "functions.caches", "db.0", "db.4", "overhead.total", "keys.count", "keys.bytes-per-key",
                    "dataset.bytes", "dataset.percentage", "peak.percentage", "allocator.allocated",
                    "allocator.active", "allocator.resident", "allocator-fragmentation.ratio",
                    "allocator-fragmentation.bytes", "allocator-rss.ratio", "allocator-rss.bytes",
                    "rss-overhead.ratio", "rss-overhead.bytes", "fragmentation", "fragmentation.bytes"),
                    new ArrayList<>(m.keySet()));
            assertEquals(4L, m.get("keys.count"));
            assertEquals(Map.of("overhead.hashtable.main", 0L, "overhead.hashtable.expires", 0L,
                    "overhead.hashtable.slot-to-keys", 0L), m.get("db.0"));
            assertTrue((Long) m.get("total.allocated") > 0);
            assertInstanceOf(Double.class, m.get("dataset.percentage"));
            h.run("HELLO", "2");
            final List<Object> flat = (List<Object>) h.run("MEMORY", "STATS");
            assertEquals(2 * 29, flat.size());
            assertErrorText("ERR wrong number of arguments for 'memory|stats' command", h.run("MEMORY", "STATS", "x"));
        }
    }

    @Test
    void shouldPurgeAndDiagnose() {
        try (Harness h = Harness.start()) {
            assertOk(h.run("MEMORY", "PURGE"));
            assertTrue(((String) h.run("MEMORY", "DOCTOR")).length() > 10);
            assertTrue(((String) h.run("MEMORY", "MALLOC-STATS")).length() > 10);
            h.run("HELLO", "3");
            assertEquals("txt", assertInstanceOf(Resp.Verbatim.class, h.run("MEMORY", "DOCTOR")).format());
            assertErrorText("ERR wrong number of arguments for 'memory|purge' command", h.run("MEMORY", "PURGE", "x"));
            assertErrorText("ERR unknown subcommand 'FOO'. Try MEMORY HELP.", h.run("MEMORY", "FOO"));
            assertErrorText("ERR wrong number of arguments for 'memory' command", h.run("MEMORY"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldPrintHelp() {
        try (Harness h = Harness.start()) {
            final List<Object> help = (List<Object>) h.run("MEMORY", "HELP");
            assertEquals(14, help.size());
            assertEquals(new Resp.Simple("MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
                    help.get(0));
            assertEquals(new Resp.Simple("USAGE <key> [SAMPLES <count>]"), help.get(9));
        }
    }

    @Test
    void shouldRefuseBadShutdownArguments() {
        try (Harness h = Harness.start()) {
            assertErrorText("ERR syntax error", h.run("SHUTDOWN", "foo"));
            assertErrorText("ERR syntax error", h.run("SHUTDOWN", "NOSAVE", "SAVE"));
            assertErrorText("ERR syntax error", h.run("SHUTDOWN", "ABORT", "NOW"));
            assertErrorText("ERR No shutdown in progress.", h.run("SHUTDOWN", "ABORT"));
            assertEquals(new io.moon.server.testing.Resp.Simple("PONG"), h.run("PING"));
        }
    }

    @Test
    void shouldStopTheServerOnShutdown() throws Exception {
        try (Harness h = Harness.start()) {
            final Harness.Client other = h.client();
            assertEquals(new io.moon.server.testing.Resp.Simple("PONG"), other.run("PING"));
            final Harness.Client c = h.client();
            c.send(io.moon.server.testing.Resp.command("SHUTDOWN", "NOSAVE"));
            assertEquals(Harness.Client.CLOSED, c.read(), "no reply: the connection closes");
            assertEquals(Harness.Client.CLOSED, other.read(), "every connection closes as the server stops");
        }
    }
}
