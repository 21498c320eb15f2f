package io.moon.server.commands;

import io.moon.server.testing.Harness;
import io.moon.server.testing.SharedHarnessTest;
import io.moon.server.testing.Resp;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generic key commands on three shards: DEL, UNLINK, EXISTS, TOUCH, TYPE, RENAME, RENAMENX,
 * COPY, MOVE, OBJECT and MEMORY USAGE. Every two-key command runs twice, with its keys on one
 * shard (hash-tagged) and on two, and must give the same replies and carry the TTL the same way.
 */
class KeyCommandsTest extends SharedHarnessTest {
    private static final String NOT_INTEGER = "ERR value is not an integer or out of range";

    /** Two keys on one shard, then two keys on different shards. */
    private static List<String[]> pairs() {
        final String[] apart = KeyPlacement.onDistinctShards(h, "p", 2);
        assertNotEquals(KeyPlacement.shardOf(h, apart[0]), KeyPlacement.shardOf(h, apart[1]));
        return List.of(new String[] {"{p}src", "{p}dst"}, apart);
    }

    // ---- DEL, UNLINK, EXISTS, TOUCH, TYPE ------------------------------------------------------

    @Test
    void shouldCountKeysAcrossShards() {
        final String[] k = KeyPlacement.onDistinctShards(h, "c", 3);
        assertOk(run("MSET", k[0], "1", k[1], "2", k[2], "3"));
        assertInt(4, run("EXISTS", k[0], k[0], k[1], k[2], "missing"));
        assertInt(3, run("TOUCH", k[0], k[1], k[2], "missing"));
        assertInt(2, run("DEL", k[0], k[0], k[1], "missing"));
        assertInt(1, run("UNLINK", k[2], k[2]));
        assertInt(0, run("EXISTS", k[0], k[1], k[2]));
        assertOk(run("MSET", "{c}a", "1", "{c}b", "2"));
        assertInt(2, run("DEL", "{c}a", "{c}b", "{c}a"));
        assertErrorText("ERR wrong number of arguments for 'del' command", run("DEL"));
        assertErrorText("ERR wrong number of arguments for 'exists' command", run("EXISTS"));
    }

    @Test
    void shouldNameTheType() {
        assertOk(run("SET", "k", "v"));
        assertOk(run("SET", "n", "1"));
        assertEquals(new Resp.Simple("string"), run("TYPE", "k"));
        assertEquals(new Resp.Simple("string"), run("TYPE", "n"));
        assertEquals(new Resp.Simple("none"), run("TYPE", "missing"));
    }

    @Test
    void shouldNotCountExpiredKeys() {
        assertOk(run("SET", "k", "v", "PXAT", "1"));
        assertInt(0, run("EXISTS", "k"));
        assertOk(run("SET", "k", "v", "PXAT", "1"));
        assertInt(0, run("DEL", "k"));
        assertOk(run("SET", "k", "v", "PXAT", "1"));
        assertInt(0, run("TOUCH", "k"));
        assertEquals(new Resp.Simple("none"), run("TYPE", "k"));
    }

    // ---- RENAME, RENAMENX ----------------------------------------------------------------------

    @Test
    void shouldRenameOnOneShardOrTwoAlike() {
        for (final String[] k : pairs()) {
            final String src = k[0];
            final String dst = k[1];
            assertErrorText("ERR no such key", run("RENAME", src, dst));
            assertErrorText("ERR no such key", run("RENAMENX", src, dst));
            assertErrorText("ERR no such key", run("RENAME", src, src));
            assertOk(run("SET", src, "100", "EX", "100"));
            assertOk(run("RENAME", src, src));
            assertInt(0, run("RENAMENX", src, src));
            assertOk(run("RENAME", src, dst));
            assertInt(0, run("EXISTS", src));
            assertEquals("100", run("GET", dst));
            assertInt(100, run("TTL", dst));
            assertEquals("int", run("OBJECT", "ENCODING", dst));
            // overwriting: the destination's value and TTL go, the source's (none) come
            assertOk(run("SET", src, "v"));
            assertOk(run("RENAME", src, dst));
            assertEquals("v", run("GET", dst));
            assertInt(-1, run("TTL", dst));
            assertOk(run("SET", src, "w"));
            assertInt(0, run("RENAMENX", src, dst));
            assertEquals("w", run("GET", src));
            assertInt(1, run("DEL", dst));
            assertInt(1, run("RENAMENX", src, dst));
            assertEquals("w", run("GET", dst));
            // an expired source is no key, an expired destination is no obstacle
            assertOk(run("SET", src, "gone", "PXAT", "1"));
            assertErrorText("ERR no such key", run("RENAME", src, dst));
            assertOk(run("SET", src, "x"));
            assertOk(run("SET", dst, "old", "PXAT", "1"));
            assertInt(1, run("RENAMENX", src, dst));
            assertEquals("x", run("GET", dst));
            assertInt(1, run("DEL", dst));
        }
    }

    @Test
    void shouldLeaveAnExpiredDestinationAloneWhenTheSourceIsMissing() {
        for (final String[] k : pairs()) {
            assertOk(run("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
            try {
                assertOk(run("SET", k[1], "v", "PXAT", "1"));
                assertErrorText("ERR no such key", run("RENAME", k[0], k[1]));
                assertInt(0, run("COPY", k[0], k[1]));
                // as in Redis, the destination was not looked at: still in the table
                assertInt(1, run("DBSIZE"));
                assertInt(0, run("EXISTS", k[1]));
                assertInt(0, run("DBSIZE"));
            } finally {
                assertOk(run("DEBUG", "SET-ACTIVE-EXPIRE", "1"));
            }
        }
    }

    // ---- COPY, MOVE ----------------------------------------------------------------------------

    @Test
    void shouldCopyOnOneShardOrTwoAlike() {
        for (final String[] k : pairs()) {
            final String src = k[0];
            final String dst = k[1];
            assertInt(0, run("COPY", src, dst));
            assertOk(run("SET", src, "v", "EX", "100"));
            assertInt(1, run("COPY", src, dst));
            assertEquals("v", run("GET", dst));
            assertInt(100, run("TTL", dst));
            assertEquals("v", run("GET", src));
            assertOk(run("SET", src, "w"));
            assertInt(0, run("COPY", src, dst));
            assertEquals("v", run("GET", dst));
            assertInt(1, run("COPY", src, dst, "REPLACE"));
            assertEquals("w", run("GET", dst));
            assertInt(-1, run("TTL", dst));
            // into another database: same name allowed there
            assertInt(1, run("COPY", src, src, "DB", "1"));
            assertInt(1, run("COPY", src, dst, "db", "1"));
            assertInt(0, run("COPY", src, dst, "DB", "1"));
            assertInt(1, run("COPY", src, dst, "REPLACE", "DB", "1"));
            assertOk(run("SELECT", "1"));
            assertEquals("w", run("GET", src));
            assertEquals("w", run("GET", dst));
            assertOk(run("FLUSHDB"));
            assertOk(run("SELECT", "0"));
            assertInt(2, run("DEL", src, dst));
        }
    }

    @Test
    void shouldRejectBadCopyArguments() {
        assertOk(run("SET", "s", "v"));
        assertErrorText("ERR source and destination objects are the same", run("COPY", "s", "s"));
        assertErrorText("ERR source and destination objects are the same", run("COPY", "s", "s", "DB", "0"));
        assertErrorText("ERR DB index is out of range", run("COPY", "s", "d", "DB", "16"));
        assertErrorText("ERR DB index is out of range", run("COPY", "s", "d", "DB", "-1"));
        assertErrorText(NOT_INTEGER, run("COPY", "s", "d", "DB", "one"));
        assertErrorText("ERR value is out of range, value must between -2147483648 and 2147483647",
                run("COPY", "s", "d", "DB", "4294967296"));
        assertErrorText("ERR syntax error", run("COPY", "s", "d", "DB"));
        assertErrorText("ERR syntax error", run("COPY", "s", "d", "FOO"));
        assertErrorText("ERR wrong number of arguments for 'copy' command", run("COPY", "s"));
        assertInt(0, run("EXISTS", "d"));
    }

    @Test
    void shouldMoveBetweenDatabasesKeepingTheTtl() {
        assertOk(run("SET", "k", "v", "EX", "100"));
        assertInt(1, run("MOVE", "k", "1"));
        assertInt(0, run("EXISTS", "k"));
        assertInt(0, run("MOVE", "k", "1"));
        assertOk(run("SET", "k", "other"));
        assertInt(0, run("MOVE", "k", "1"));
        assertOk(run("SELECT", "1"));
        assertEquals("v", run("GET", "k"));
        assertInt(100, run("TTL", "k"));
        assertErrorText("ERR source and destination objects are the same", run("MOVE", "k", "1"));
        assertErrorText("ERR DB index is out of range", run("MOVE", "k", "16"));
        assertErrorText(NOT_INTEGER, run("MOVE", "k", "x"));
        assertErrorText("ERR value is out of range, value must between -2147483648 and 2147483647",
                run("MOVE", "k", "-2147483649"));
        assertInt(0, run("MOVE", "missing", "0"));
    }

    // ---- OBJECT, MEMORY USAGE ------------------------------------------------------------------

    @Test
    void shouldDescribeObjects() {
        assertNil(run("OBJECT", "ENCODING", "missing"));
        assertNil(run("OBJECT", "REFCOUNT", "missing"));
        assertNil(run("OBJECT", "IDLETIME", "missing"));
        assertNil(run("OBJECT", "FREQ", "missing"));
        assertOk(run("MSET", "small", "100", "big", "10000", "s", "abc"));
        assertInt(Integer.MAX_VALUE, run("OBJECT", "REFCOUNT", "small"));
        assertInt(1, run("OBJECT", "REFCOUNT", "big"));
        assertInt(1, run("OBJECT", "REFCOUNT", "s"));
        // COPY makes an own copy of a shared integer; writing it again shares it again
        assertInt(1, run("COPY", "small", "copy"));
        assertInt(1, run("OBJECT", "REFCOUNT", "copy"));
        assertOk(run("RENAME", "copy", "renamed"));
        assertInt(1, run("OBJECT", "REFCOUNT", "renamed"));
        assertInt(101, run("INCR", "renamed"));
        assertInt(Integer.MAX_VALUE, run("OBJECT", "REFCOUNT", "renamed"));
        final long idle = (Long) run("OBJECT", "IDLETIME", "s");
        assertTrue(idle == 0 || idle == 1, "idle " + idle); // a second may tick between the two commands
        assertErrorText("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that"
                + " when switching between policies at runtime LRU and LFU data will take some time to adjust.",
                run("OBJECT", "FREQ", "s"));
        assertErrorText("ERR unknown subcommand 'foo'. Try OBJECT HELP.", run("OBJECT", "foo", "s"));
        assertErrorText("ERR wrong number of arguments for 'object|encoding' command", run("OBJECT", "ENCODING"));
        assertErrorText("ERR wrong number of arguments for 'object' command", run("OBJECT"));
    }

    @Test
    void shouldListEverySubcommandInObjectHelp() {
        final List<?> help = (List<?>) run("OBJECT", "HELP");
        final List<String> lines = new ArrayList<>();
        for (final Object o : help) {
            lines.add(((Resp.Simple) o).text());
        }
        // Redis's layout: a header, each subcommand flush left with indented prose, HELP last.
        assertEquals("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", lines.get(0));
        for (final String sub : List.of("ENCODING <key>", "FREQ <key>", "IDLETIME <key>", "REFCOUNT <key>")) {
            assertTrue(lines.contains(sub), "OBJECT HELP should describe " + sub);
        }
        assertEquals("HELP", lines.get(lines.size() - 2));
        for (final String l : lines.subList(1, lines.size())) {
            assertTrue(!l.startsWith(" ") || l.startsWith("    "), "prose lines are indented by four spaces: " + l);
        }
    }

    @Test
    void shouldTrackFrequencyUnderAnLfuPolicy() {
        try (Harness lfu = Harness.start(3, "maxmemory-policy", "allkeys-lfu")) {
            // the shards take the policy for new stamps from their cron (hz 10), not at once
            sleep(300);
            assertOk(lfu.run("SET", "k", "v"));
            assertInt(5, lfu.run("OBJECT", "FREQ", "k"));
            assertEquals("v", lfu.run("GET", "k"));
            assertInt(6, lfu.run("OBJECT", "FREQ", "k"));
            assertErrorText("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when"
                    + " switching between policies at runtime LRU and LFU data will take some time to adjust.",
                    lfu.run("OBJECT", "IDLETIME", "k"));
        }
    }

    private static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void shouldNotShareIntegersStoredUnderAnLruPolicy() {
        try (Harness lru = Harness.start(3, "maxmemory", "100mb", "maxmemory-policy", "allkeys-lru")) {
            assertOk(lru.run("SET", "a", "5"));
            assertInt(1, lru.run("OBJECT", "REFCOUNT", "a"));
            assertInt(6, lru.run("INCR", "a"));
            assertInt(1, lru.run("OBJECT", "REFCOUNT", "a"));
            assertInt(1, lru.run("APPEND", "b", "7"));
            assertInt(1, lru.run("OBJECT", "REFCOUNT", "b"));
            // decided when stored: a later policy change does not share them
            assertOk(lru.run("CONFIG", "SET", "maxmemory", "0"));
            assertInt(1, lru.run("OBJECT", "REFCOUNT", "a"));
            assertOk(lru.run("SET", "c", "5"));
            assertInt(Integer.MAX_VALUE, lru.run("OBJECT", "REFCOUNT", "c"));
        }
    }

    @Test
    void shouldMeasureMemoryUsage() {
        assertNil(run("MEMORY", "USAGE", "missing"));
        assertOk(run("SET", "k", "x".repeat(100)));
        final Object usage = run("MEMORY", "USAGE", "k");
        assertInstanceOf(Long.class, usage);
        assertTrue((Long) usage > 100, "usage " + usage);
        assertInstanceOf(Long.class, run("MEMORY", "USAGE", "k", "SAMPLES", "0"));
        assertErrorText("ERR syntax error", run("MEMORY", "USAGE", "k", "SAMPLES"));
        assertErrorText("ERR syntax error", run("MEMORY", "USAGE", "k", "SAMPLES", "-1"));
        assertErrorText("ERR syntax error", run("MEMORY", "USAGE", "k", "FOO"));
        assertErrorText(NOT_INTEGER, run("MEMORY", "USAGE", "k", "SAMPLES", "x"));
        assertErrorText("ERR wrong number of arguments for 'memory|usage' command", run("MEMORY", "USAGE"));
    }
}
