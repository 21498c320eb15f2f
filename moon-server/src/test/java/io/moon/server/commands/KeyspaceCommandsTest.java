package io.moon.server.commands;

import io.moon.server.testing.Harness;
import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Whole-database commands on three shards, each holding a slice of every database: KEYS, SCAN,
 * RANDOMKEY, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB. SCAN must keep Redis's guarantee over the whole
 * database while keys come and go: every key present for the whole scan is returned at least
 * once, and the cursor comes back to 0.
 */
class KeyspaceCommandsTest extends SharedHarnessTest {
    private static final String SYNTAX = "ERR syntax error";

    private static Set<String> keys(final String pattern) {
        return new TreeSet<>(strings(run("KEYS", pattern)));
    }

    private static List<String> strings(final Object reply) {
        final List<String> out = new ArrayList<>();
        for (final Object o : (List<?>) reply) {
            out.add((String) o);
        }
        return out;
    }

    private static void mset(final String... keys) {
        final String[] args = new String[1 + 2 * keys.length];
        args[0] = "MSET";
        for (int i = 0; i < keys.length; i++) {
            args[1 + 2 * i] = keys[i];
            args[2 + 2 * i] = "v";
        }
        assertOk(run(args));
    }

    /** Every key a full SCAN returns (with the given options), checking that the cursor comes back to 0. */
    private static Set<String> scanAll(final Harness.Client c, final String... options) {
        final Set<String> seen = new TreeSet<>();
        String cursor = "0";
        for (int calls = 0; calls < 10_000; calls++) {
            final String[] args = new String[2 + options.length];
            args[0] = "SCAN";
            args[1] = cursor;
            System.arraycopy(options, 0, args, 2, options.length);
            final List<?> reply = (List<?>) c.run(args);
            seen.addAll(strings(reply.get(1)));
            cursor = (String) reply.get(0);
            if (cursor.equals("0")) {
                return seen;
            }
        }
        return fail("SCAN did not come back to cursor 0");
    }

    // ---- KEYS ----------------------------------------------------------------------------------

    @Test
    void shouldMatchKeysOnEveryShard() {
        mset("hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "{t}1", "{t}2", "other");
        assertEquals(Set.of("hello", "hallo", "hxllo", "h*llo"), keys("h?llo"));
        assertEquals(Set.of("hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo"), keys("h*llo"));
        assertEquals(Set.of("hello", "hallo"), keys("h[ae]llo"));
        assertEquals(Set.of("hxllo", "h*llo"), keys("h[^ae]llo"));
        assertEquals(Set.of("hallo"), keys("h[a-b]llo"));
        assertEquals(Set.of("h*llo"), keys("h\\*llo"));
        assertEquals(Set.of("{t}1", "{t}2"), keys("{t}*"));
        assertEquals(9, keys("*").size());
        assertEquals(Set.of(), keys("nomatch*"));
        assertErrorText("ERR wrong number of arguments for 'keys' command", run("KEYS"));
    }

    @Test
    void shouldLeaveExpiredKeysOutOfKeys() {
        assertOk(run("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
        try {
            mset("a", "b");
            assertOk(run("SET", "gone", "v", "PXAT", "1"));
            assertEquals(Set.of("a", "b"), keys("*"));
            assertInt(3, run("DBSIZE"));
        } finally {
            assertOk(run("DEBUG", "SET-ACTIVE-EXPIRE", "1"));
        }
    }

    // ---- SCAN ----------------------------------------------------------------------------------

    @Test
    void shouldScanEveryShardAndComeBackToZero() {
        final Harness.Client c = h.client();
        assertEquals(Set.of(), scanAll(c));
        final Set<String> all = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            all.add("key:" + i);
        }
        mset(all.toArray(new String[0]));
        assertEquals(all, scanAll(c));
        assertEquals(all, scanAll(c, "COUNT", "3"));
        assertEquals(all, scanAll(c, "COUNT", "1000"));
        final Set<String> tens = new TreeSet<>();
        for (int i = 10; i < 20; i++) {
            tens.add("key:" + i);
        }
        assertEquals(tens, scanAll(c, "MATCH", "nothing", "MATCH", "key:1?", "COUNT", "50"));
        assertEquals(111, scanAll(c, "MATCH", "key:1*").size());
        assertEquals(all, scanAll(c, "TYPE", "string"));
        assertEquals(all, scanAll(c, "type", "STRING"));
        assertEquals(Set.of(), scanAll(c, "TYPE", "list"));
        assertEquals(Set.of(), scanAll(c, "TYPE", "none"));
        c.close();
    }

    @Test
    void shouldScanWholeShardsWhenCountIsHuge() {
        final String[] keys = new String[300];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = "huge:" + i;
        }
        mset(keys);
        final Set<String> seen = new TreeSet<>();
        String cursor = "0";
        int calls = 0;
        do {
            final List<?> reply = (List<?>) run("SCAN", cursor, "COUNT", "9223372036854775807", "MATCH", "huge:*");
            seen.addAll(strings(reply.get(1)));
            cursor = (String) reply.get(0);
            calls++;
        } while (!cursor.equals("0") && calls < 100);
        assertEquals(300, seen.size());
        assertTrue(calls <= 4, calls + " calls: each should take a whole shard (COUNT * 10 overflows: no limit)");
    }

    @Test
    void shouldRejectBadScanArguments() {
        assertErrorText("ERR invalid cursor", run("SCAN", "abc"));
        assertErrorText("ERR invalid cursor", run("SCAN", " 0"));
        assertErrorText("ERR invalid cursor", run("SCAN", "18446744073709551616"));
        assertErrorText("ERR invalid cursor", run("SCAN", "0x10"));
        assertErrorText(SYNTAX, run("SCAN", "0", "COUNT", "0"));
        assertErrorText(SYNTAX, run("SCAN", "0", "COUNT", "-1"));
        assertErrorText("ERR value is not an integer or out of range", run("SCAN", "0", "COUNT", "x"));
        assertErrorText(SYNTAX, run("SCAN", "0", "MATCH"));
        assertErrorText(SYNTAX, run("SCAN", "0", "FOO", "bar"));
        assertErrorText("ERR wrong number of arguments for 'scan' command", run("SCAN"));
        // strtoul's reading: an empty cursor is 0, a negative one wraps (both valid)
        assertTrue(run("SCAN", "") instanceof List<?>);
        assertTrue(run("SCAN", "-1") instanceof List<?>);
    }

    @Test
    void shouldReturnEveryKeyPresentForTheWholeScanWhileKeysComeAndGo() {
        final Harness.Client writer = h.client();
        final Set<String> stable = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            stable.add("stable:" + i);
        }
        mset(stable.toArray(new String[0]));
        final Set<String> seen = new HashSet<>();
        int churn = 0;
        int deleted = 0;
        String cursor = "0";
        int calls = 0;
        do {
            final List<?> reply = (List<?>) run("SCAN", cursor, "COUNT", "7");
            seen.addAll(strings(reply.get(1)));
            cursor = (String) reply.get(0);
            // between calls: the tables grow (and rehash) under the cursor, and keys leave
            for (int i = 0; i < 25; i++) {
                assertOk(writer.run("SET", "churn:" + churn++, "v"));
            }
            for (int i = 0; i < 10 && deleted < churn; i++) {
                writer.run("DEL", "churn:" + deleted++);
            }
            if (++calls > 20_000) {
                fail("SCAN did not come back to cursor 0");
            }
        } while (!cursor.equals("0"));
        final Set<String> missing = new TreeSet<>(stable);
        missing.removeAll(seen);
        assertEquals(Set.of(), missing, "stable keys SCAN never returned");
        assertTrue(churn > 300, "the scan ran while the tables grew: " + churn + " keys added");
        writer.close();
    }

    @Test
    void shouldSkipExpiredKeysInScan() {
        assertOk(run("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
        try {
            mset("a", "b");
            assertOk(run("SET", "gone", "v", "PXAT", "1"));
            assertEquals(Set.of("a", "b"), scanAll(h.client()));
            assertInt(2, run("DBSIZE"));
        } finally {
            assertOk(run("DEBUG", "SET-ACTIVE-EXPIRE", "1"));
        }
    }

    // ---- RANDOMKEY, DBSIZE ---------------------------------------------------------------------

    @Test
    void shouldPickRandomKeysFromEveryShard() {
        assertNil(run("RANDOMKEY"));
        final String[] k = KeyPlacement.onDistinctShards(h, "r", 3);
        mset(k);
        final Set<String> picked = new HashSet<>();
        for (int i = 0; i < 300 && picked.size() < 3; i++) {
            picked.add((String) run("RANDOMKEY"));
        }
        assertEquals(Set.of(k), picked);
        assertErrorText("ERR wrong number of arguments for 'randomkey' command", run("RANDOMKEY", "x"));
    }

    @Test
    void shouldNotPickExpiredKeys() {
        assertOk(run("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
        try {
            for (final String key : KeyPlacement.onDistinctShards(h, "x", 3)) {
                assertOk(run("SET", key, "v", "PXAT", "1"));
            }
            assertNil(run("RANDOMKEY"));
            assertOk(run("SET", "live", "v"));
            for (int i = 0; i < 20; i++) {
                assertEquals("live", run("RANDOMKEY"));
            }
        } finally {
            assertOk(run("DEBUG", "SET-ACTIVE-EXPIRE", "1"));
        }
    }

    @Test
    void shouldCountKeysPerDatabase() {
        assertInt(0, run("DBSIZE"));
        mset(KeyPlacement.onDistinctShards(h, "d", 3));
        assertInt(3, run("DBSIZE"));
        assertOk(run("SELECT", "1"));
        assertInt(0, run("DBSIZE"));
        assertOk(run("SET", "x", "v"));
        assertInt(1, run("DBSIZE"));
        assertErrorText("ERR wrong number of arguments for 'dbsize' command", run("DBSIZE", "x"));
    }

    // ---- FLUSHDB, FLUSHALL, SWAPDB -------------------------------------------------------------

    @Test
    void shouldFlushOneDatabaseOrAll() {
        for (final String mode : new String[] {null, "ASYNC", "SYNC", "async"}) {
            mset(KeyPlacement.onDistinctShards(h, "f", 3));
            assertOk(run("SELECT", "1"));
            assertOk(run("SET", "one", "v"));
            assertOk(mode == null ? run("FLUSHDB") : run("FLUSHDB", mode));
            assertInt(0, run("DBSIZE"));
            assertOk(run("SELECT", "0"));
            assertInt(3, run("DBSIZE"));
            assertOk(run("SELECT", "1"));
            assertOk(run("SET", "one", "v"));
            assertOk(mode == null ? run("FLUSHALL") : run("FLUSHALL", mode));
            assertInt(0, run("DBSIZE"));
            assertOk(run("SELECT", "0"));
            assertInt(0, run("DBSIZE"));
        }
        assertErrorText(SYNTAX, run("FLUSHDB", "FOO"));
        assertErrorText(SYNTAX, run("FLUSHDB", "ASYNC", "SYNC"));
        assertErrorText(SYNTAX, run("FLUSHALL", "FOO"));
    }

    @Test
    void shouldSwapDatabasesForEveryClient() {
        final Harness.Client other = h.client();
        final String[] k = KeyPlacement.onDistinctShards(h, "s", 3);
        mset(k);
        assertOk(run("SET", k[0], "ttl", "EX", "100"));
        assertOk(other.run("SELECT", "1"));
        assertOk(other.run("SET", "in1", "v"));
        assertOk(run("SWAPDB", "0", "1"));
        assertEquals(List.of("in1"), run("KEYS", "*"));
        assertInt(3, other.run("DBSIZE"));
        assertInt(100, other.run("TTL", k[0]));
        assertOk(run("SWAPDB", "1", "1"));
        assertOk(run("SWAPDB", "1", "0"));
        assertInt(3, run("DBSIZE"));
        assertErrorText("ERR DB index is out of range", run("SWAPDB", "0", "16"));
        assertErrorText("ERR DB index is out of range", run("SWAPDB", "-1", "0"));
        assertErrorText("ERR invalid first DB index", run("SWAPDB", "a", "0"));
        assertErrorText("ERR invalid second DB index", run("SWAPDB", "0", "b"));
        assertErrorText("ERR wrong number of arguments for 'swapdb' command", run("SWAPDB", "0"));
        other.close();
    }
}
