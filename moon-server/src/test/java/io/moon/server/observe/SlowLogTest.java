package io.moon.server.observe;

import io.moon.protocol.Request;
import io.moon.server.testing.Harness;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SLOWLOG GET/LEN/RESET/HELP over every shard, and Redis's truncation of long entries. */
class SlowLogTest {
    /** Commands on all shards until each shard's cron has applied the threshold (bounded). */
    private static long fillUntilLogged(final Harness h, final int want) {
        final long deadline = System.currentTimeMillis() + 10_000;
        long len = 0;
        for (int i = 0; i < 10_000 && System.currentTimeMillis() < deadline && len < want; i++) {
            h.run("SET", "k" + i, "v");
            len = (Long) h.run("SLOWLOG", "LEN");
        }
        return len;
    }

    @Test
    void shouldLogEveryCommandAtThresholdZeroAndMergeShards() {
        try (Harness h = Harness.start(3, "slowlog-log-slower-than", "0", "slowlog-max-len", "5")) {
            assertTrue(fillUntilLogged(h, 12) >= 12, "every shard logs");
            final Object all = h.run("SLOWLOG", "GET", "-1");
            final List<?> entries = assertInstanceOf(List.class, all);
            assertTrue(entries.size() <= 15 && entries.size() >= 12, "at most max-len per shard: " + entries.size());
            long prev = Long.MAX_VALUE;
            for (final Object o : entries) {
                final List<?> e = (List<?>) o;
                assertEquals(6, e.size());
                final long id = (Long) e.get(0);
                assertTrue(id < prev, "newest first by id");
                prev = id;
                assertTrue((Long) e.get(1) > 1_600_000_000L, "unix time");
                assertTrue((Long) e.get(2) >= 0);
                assertInstanceOf(List.class, e.get(3));
            }
            assertEquals(10, ((List<?>) h.run("SLOWLOG", "GET")).size());
            assertEquals(2, ((List<?>) h.run("SLOWLOG", "GET", "2")).size());
            assertErrorText("ERR count should be greater than or equal to -1", h.run("SLOWLOG", "GET", "-2"));
            assertErrorText("ERR count should be greater than or equal to -1", h.run("SLOWLOG", "GET", "x"));
            assertOk(h.run("SLOWLOG", "RESET"));
            final long after = (Long) h.run("SLOWLOG", "LEN");
            assertTrue(after <= 2, "at most the RESET and LEN calls themselves: " + after);
            final List<?> help = (List<?>) h.run("SLOWLOG", "HELP");
            assertEquals("+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    String.valueOf(help.get(0)));
        }
    }

    @Test
    void shouldLogEachCommandOnceWithItsClientWhereverItRuns() {
        try (Harness h = Harness.start(3, "slowlog-log-slower-than", "0", "slowlog-max-len", "100")) {
            final String[] k = io.moon.server.testing.ShardKeys.onDistinctShards(h.server, "sl", 3);
            // every shard's cron has applied the threshold once a GET on each shard is logged
            final long deadline = System.currentTimeMillis() + 10_000;
            for (int logged = 0; logged < 3 && System.currentTimeMillis() < deadline; ) {
                assertOk(h.run("SLOWLOG", "RESET"));
                for (final String key : k) {
                    h.run("GET", key);
                }
                logged = 0;
                for (final Object o : (List<?>) h.run("SLOWLOG", "GET", "-1")) {
                    if ("GET".equalsIgnoreCase(String.valueOf(((List<?>) ((List<?>) o).get(3)).get(0)))) {
                        logged++;
                    }
                }
            }
            assertOk(h.run("CLIENT", "SETNAME", "probe"));
            assertOk(h.run("SLOWLOG", "RESET"));
            for (final String key : k) {
                h.run("GET", key);
            }
            h.run("MGET", k[0], k[1], k[2]);
            h.run("ZUNIONSTORE", k[0], "2", k[1], k[2]);
            h.run("KEYS", "nomatch*");
            h.run("DBSIZE");
            final java.util.Map<String, Integer> seen = new java.util.TreeMap<>();
            for (final Object o : (List<?>) h.run("SLOWLOG", "GET", "-1")) {
                final List<?> e = (List<?>) o;
                final String name = String.valueOf(((List<?>) e.get(3)).get(0)).toLowerCase(java.util.Locale.ROOT);
                seen.merge(name, 1, Integer::sum);
                assertTrue(!String.valueOf(e.get(4)).isEmpty(), name + " without the client's address");
                assertEquals("probe", e.get(5), name + " without the client's name");
            }
            assertEquals(java.util.Map.of("dbsize", 1, "get", 3, "keys", 1, "mget", 1, "slowlog", 1, "zunionstore", 1),
                    seen);
            // a script reaching a key it did not declare, on another shard, runs again holding every shard
            assertOk(h.run("SLOWLOG", "RESET"));
            final String script = "return redis.call('exists', '" + k[0] + "', '" + k[1] + "', '" + k[2] + "')";
            h.run("EVAL", script, "0");
            h.run("EVAL", script, "0");
            int evals = 0;
            for (final Object o : (List<?>) h.run("SLOWLOG", "GET", "-1")) {
                final List<?> e = (List<?>) o;
                if (String.valueOf(((List<?>) e.get(3)).get(0)).equalsIgnoreCase("eval")) {
                    evals++;
                    assertEquals("probe", e.get(5), "the EVAL's client");
                }
            }
            assertEquals(2, evals, "one entry per EVAL, however often it ran");
            final String stats = (String) h.run("INFO", "commandstats");
            assertTrue(stats.contains("cmdstat_mget:calls=1,"), stats);
            assertTrue(stats.contains("cmdstat_keys:calls=1,"), stats);
            assertTrue(stats.contains("cmdstat_zunionstore:calls=1,"), stats);
        }
    }

    @Test
    void shouldLogNothingWhenNegative() {
        try (Harness h = Harness.start(3, "slowlog-log-slower-than", "-1")) {
            for (int i = 0; i < 50; i++) {
                h.run("SET", "k" + i, "v");
            }
            assertInt(0, h.run("SLOWLOG", "LEN"));
        }
    }

    @Test
    void shouldTruncateAsRedis() {
        final SlowLog log = new SlowLog();
        final String[] args = new String[40];
        args[0] = "RPUSH";
        for (int i = 1; i < args.length; i++) {
            args[i] = i == 1 ? "x".repeat(200) : "a" + i;
        }
        log.add(Request.of(args), 5_000, "1.2.3.4:5", "n");
        final SlowLog.Entry e = log.newest(-1).get(0);
        assertEquals(32, e.args().length);
        assertEquals("x".repeat(128) + "... (72 more bytes)", new String(e.args()[1], StandardCharsets.ISO_8859_1));
        assertEquals("... (9 more arguments)", new String(e.args()[31], StandardCharsets.ISO_8859_1));
        assertEquals(5, e.micros());
        log.configure(10, 0);
        assertEquals(0, log.size());
    }

    /** Secrets never reach SLOWLOG or MONITOR: Redis's "(redacted)" in their place. */
    @Test
    void shouldRedactPasswordsAsRedis() {
        try (Harness h = Harness.start(1, "slowlog-log-slower-than", "0", "slowlog-max-len", "100")) {
            fillUntilLogged(h, 1);
            assertOk(h.run("SLOWLOG", "RESET"));
            h.run("AUTH", "user1", "secret1");
            h.run("HELLO", "3", "AUTH", "default", "secret2", "SETNAME", "n");
            h.run("MIGRATE", "127.0.0.1", "1", "nokey", "0", "10", "AUTH2", "u", "secret3", "KEYS");
            assertOk(h.run("CONFIG", "SET", "requirepass", "", "maxmemory", "0"));
            final java.util.Map<String, List<String>> logged = new java.util.HashMap<>();
            for (final Object o : (List<?>) h.run("SLOWLOG", "GET", "-1")) {
                final List<String> args = ((List<?>) ((List<?>) o).get(3)).stream().map(String::valueOf).toList();
                logged.put(args.get(0).toUpperCase(java.util.Locale.ROOT), args);
            }
            assertEquals(List.of("AUTH", "(redacted)", "(redacted)"), logged.get("AUTH"));
            assertEquals(List.of("HELLO", "3", "AUTH", "(redacted)", "(redacted)", "SETNAME", "n"), logged.get("HELLO"));
            assertEquals(List.of("MIGRATE", "127.0.0.1", "1", "nokey", "0", "10", "AUTH2", "(redacted)", "(redacted)", "KEYS"),
                    logged.get("MIGRATE"));
            assertEquals(List.of("CONFIG", "SET", "requirepass", "(redacted)", "maxmemory", "0"), logged.get("CONFIG"));
        }
        final io.moon.protocol.Request r = new io.moon.protocol.Request();
        for (final String a : new String[] {"ACL", "SETUSER", "bob", "on", ">pw"}) {
            r.add(a.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, a.length());
        }
        assertEquals("+1.000000 [0 lua] \"ACL\" \"SETUSER\" \"(redacted)\" \"(redacted)\" \"(redacted)\"\r\n",
                new String(Monitors.line(1_000_000, 0, "lua", r), java.nio.charset.StandardCharsets.UTF_8));
    }
}
