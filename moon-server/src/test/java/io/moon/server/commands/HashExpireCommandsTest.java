package io.moon.server.commands;

import io.moon.server.testing.Harness;
import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hash field expiration (Redis 7.4): HEXPIRE, HPEXPIRE, HEXPIREAT, HPEXPIREAT, HTTL, HPTTL,
 * HEXPIRETIME, HPEXPIRETIME and HPERSIST. The 7.0 oracle has none of them, so the expectations
 * come from the 7.4 documentation (its examples are the first tests here) and its error texts.
 * Covers every condition, times in the past, lazy expiry seen through every read command, the
 * active sweep, the encodings ("listpackex" while small), and TTLs travelling with RENAME and COPY
 * across shards.
 */
class HashExpireCommandsTest extends SharedHarnessTest {
    private static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    private static List<Object> list(final Object... items) {
        return Arrays.asList(items);
    }

    private static List<Long> ints(final long... v) {
        return Arrays.stream(v).boxed().toList();
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    // ---- the documentation's examples ----------------------------------------------------------

    @Test
    void shouldRunTheHexpireExample() {
        // 7.4 answers a missing key with -2 per field (the docs' "(nil)" predates 7.4.0)
        assertEquals(ints(-2, -2), run("HEXPIRE", "no-key", "20", "NX", "FIELDS", "2", "field1", "field2"));
        assertInt(2, run("HSET", "mykey", "field1", "hello", "field2", "world"));
        assertEquals(ints(1, 1, -2), run("HEXPIRE", "mykey", "10", "FIELDS", "3", "field1", "field2", "field3"));
        final List<?> ttl = (List<?>) run("HTTL", "mykey", "FIELDS", "2", "field1", "field2");
        assertEquals(10L, ttl.get(0));
        assertEquals(10L, ttl.get(1));
    }

    @Test
    void shouldRunTheHpexpireExample() throws InterruptedException {
        assertInt(2, run("HSET", "mykey", "field1", "hello", "field2", "world"));
        assertEquals(ints(1, 1), run("HPEXPIRE", "mykey", "200", "FIELDS", "2", "field1", "field2"));
        Thread.sleep(250);
        assertEquals(list(), run("HGETALL", "mykey"));
        assertInt(0, run("EXISTS", "mykey"));
    }

    @Test
    void shouldRunTheHexpiretimeAndHpersistExamples() {
        assertInt(2, run("HSET", "mykey", "field1", "hello", "field2", "world"));
        final long before = now();
        assertEquals(ints(1, 1), run("HEXPIRE", "mykey", "300", "FIELDS", "2", "field1", "field2"));
        final List<?> at = (List<?>) run("HEXPIRETIME", "mykey", "FIELDS", "2", "field1", "field2");
        final long sec = (Long) at.get(0);
        assertTrue(sec >= (before + 300_000) / 1000 && sec <= (now() + 300_000 + 999) / 1000, "HEXPIRETIME " + sec);
        assertEquals(at.get(0), at.get(1));
        final long ms = (Long) ((List<?>) run("HPEXPIRETIME", "mykey", "FIELDS", "1", "field1")).get(0);
        assertEquals(sec, (ms + 999) / 1000);
        final long pttl = (Long) ((List<?>) run("HPTTL", "mykey", "FIELDS", "1", "field1")).get(0);
        assertTrue(pttl > 299_000 && pttl <= 300_000, "HPTTL " + pttl);
        assertEquals(ints(1, -2), run("HPERSIST", "mykey", "FIELDS", "2", "field1", "field3"));
        assertEquals(ints(-1, 300), run("HTTL", "mykey", "FIELDS", "2", "field1", "field2"));
        assertEquals(ints(-1), run("HPERSIST", "mykey", "FIELDS", "1", "field1"));
        assertEquals(ints(-1, -2), run("HEXPIRETIME", "mykey", "FIELDS", "2", "field1", "nope"));
    }

    // ---- conditions and times ------------------------------------------------------------------

    @Test
    void shouldApplyConditionsPerField() {
        assertInt(3, run("HSET", "h", "a", "1", "b", "2", "c", "3"));
        // absolute times, so "equal" is exactly equal
        final long t = now() / 1000 + 1000;
        final String t100 = Long.toString(t + 100);
        final String t120 = Long.toString(t + 120);
        final String t130 = Long.toString(t + 130);
        final String t150 = Long.toString(t + 150);
        final String t200 = Long.toString(t + 200);
        // a field without a TTL counts as an infinite TTL: NX and LT apply, XX and GT do not
        assertEquals(ints(0, 0), run("HEXPIREAT", "h", t100, "XX", "FIELDS", "2", "a", "b"));
        assertEquals(ints(0), run("HEXPIREAT", "h", t100, "GT", "FIELDS", "1", "a"));
        assertEquals(ints(1), run("HEXPIREAT", "h", t100, "LT", "FIELDS", "1", "a"));
        assertEquals(ints(0, 1, -2), run("HEXPIREAT", "h", t200, "NX", "FIELDS", "3", "a", "b", "x"));
        assertEquals(ints(0), run("HEXPIREAT", "h", t100, "GT", "FIELDS", "1", "a"), "equal is not greater");
        assertEquals(ints(1, 0), run("HEXPIREAT", "h", t150, "GT", "FIELDS", "2", "a", "b"));
        assertEquals(ints(0), run("HEXPIREAT", "h", t150, "LT", "FIELDS", "1", "a"), "equal is not less");
        assertEquals(ints(1, 1), run("HEXPIREAT", "h", t120, "LT", "FIELDS", "2", "a", "b"));
        assertEquals(ints(1, 0), run("HEXPIREAT", "h", t130, "xx", "FIELDS", "2", "a", "c"));
        assertEquals(ints(t + 130, t + 120, -1), run("HEXPIRETIME", "h", "FIELDS", "3", "a", "b", "c"));
        assertEquals(ints(1), run("HEXPIRE", "h", "50", "FIELDS", "1", "a"), "no condition replaces the TTL");
        assertEquals(ints(50), run("HTTL", "h", "FIELDS", "1", "a"));
        assertEquals(ints(0), run("HPEXPIRE", "h", "60000", "LT", "FIELDS", "1", "a"));
        assertEquals(ints(1), run("HPEXPIRE", "h", "40000", "lt", "FIELDS", "1", "a"));
    }

    @Test
    void shouldDeleteFieldsWhoseTimeIsNotInTheFuture() {
        assertInt(3, run("HSET", "h", "a", "1", "b", "2", "c", "3"));
        assertEquals(ints(2), run("HEXPIRE", "h", "0", "FIELDS", "1", "a"));
        assertEquals(ints(2, -2), run("HPEXPIREAT", "h", "1", "FIELDS", "2", "b", "b"));
        assertEquals(ints(0), run("HEXPIREAT", "h", "0", "XX", "FIELDS", "1", "c"), "conditions come first");
        assertEquals(list("c", "3"), run("HGETALL", "h"));
        assertEquals(ints(2, -2), run("HPEXPIRE", "h", "0", "FIELDS", "2", "c", "a"));
        assertEquals(0L, run("EXISTS", "h"), "the last field took the key with it");
        assertInt(1, run("HSET", "t", "a", "1"));
        assertEquals(ints(2), run("HEXPIREAT", "t", Long.toString(now() / 1000 - 1), "FIELDS", "1", "a"));
        assertInt(0, run("EXISTS", "t"));
    }

    @Test
    void shouldAcceptTimesUpToTheMaximum() {
        assertInt(1, run("HSET", "h", "a", "1"));
        final long max = (1L << 46) - 1;
        assertEquals(ints(1), run("HPEXPIREAT", "h", Long.toString(max), "FIELDS", "1", "a"));
        assertEquals(ints(max), run("HPEXPIRETIME", "h", "FIELDS", "1", "a"));
        assertEquals(ints(1), run("HEXPIREAT", "h", Long.toString(max / 1000), "FIELDS", "1", "a"));
        assertErrorText("ERR invalid expire time in 'hpexpireat' command",
                run("HPEXPIREAT", "h", Long.toString(max + 1), "FIELDS", "1", "a"));
        assertErrorText("ERR invalid expire time in 'hexpireat' command",
                run("HEXPIREAT", "h", Long.toString(max / 1000 + 1), "FIELDS", "1", "a"));
        assertErrorText("ERR invalid expire time in 'hexpire' command",
                run("HEXPIRE", "h", Long.toString(max / 1000), "FIELDS", "1", "a"));
        assertErrorText("ERR invalid expire time in 'hpexpire' command",
                run("HPEXPIRE", "h", Long.toString(max), "FIELDS", "1", "a"));
        assertErrorText("ERR invalid expire time in 'hexpire' command",
                run("HEXPIRE", "h", "9223372036854775807", "FIELDS", "1", "a"));
    }

    // ---- errors, in Redis's order --------------------------------------------------------------

    @Test
    void shouldReplyRedisErrorsInRedisOrder() {
        assertInt(1, run("HSET", "h", "a", "1"));
        assertOk(run("SET", "s", "v"));
        for (final String cmd : List.of("HEXPIRE", "HPEXPIRE", "HEXPIREAT", "HPEXPIREAT")) {
            final String lower = cmd.toLowerCase();
            assertErrorText(WRONGTYPE, run(cmd, "s", "x", "FIELDS", "1", "a"));
            assertErrorText("ERR value is not an integer or out of range", run(cmd, "h", "x", "FIELDS", "1", "a"));
            assertErrorText("ERR invalid expire time, must be >= 0", run(cmd, "h", "-1", "FIELDS", "1", "a"));
            assertErrorText("ERR Mandatory argument FIELDS is missing or not at the right position",
                    run(cmd, "h", "10", "XY", "FIELDS", "1", "a"));
            assertErrorText("ERR Mandatory argument FIELDS is missing or not at the right position",
                    run(cmd, "h", "10", "NX", "GT", "FIELDS", "1"));
            assertErrorText("ERR Parameter `numFields` should be greater than 0", run(cmd, "h", "10", "FIELDS", "0", "a"));
            assertErrorText("ERR Parameter `numFields` should be greater than 0",
                    run(cmd, "h", "10", "LT", "FIELDS", "x", "a"));
            assertErrorText("ERR The `numfields` parameter must match the number of arguments",
                    run(cmd, "h", "10", "FIELDS", "2", "a"));
            assertErrorText("ERR The `numfields` parameter must match the number of arguments",
                    run(cmd, "h", "10", "NX", "FIELDS", "1"));
            assertErrorText("ERR wrong number of arguments for '" + lower + "' command", run(cmd, "h", "10", "FIELDS", "1"));
            assertEquals(ints(-2), run(cmd, "missing", "10", "FIELDS", "1", "a"));
        }
        for (final String cmd : List.of("HTTL", "HPTTL", "HEXPIRETIME", "HPEXPIRETIME", "HPERSIST")) {
            final String lower = cmd.toLowerCase();
            assertErrorText(WRONGTYPE, run(cmd, "s", "NOTFIELDS", "1", "a"));
            assertErrorText("ERR Mandatory argument FIELDS is missing or not at the right position",
                    run(cmd, "h", "FIELD", "1", "a"));
            assertErrorText("ERR Number of fields must be a positive integer", run(cmd, "h", "FIELDS", "0", "a"));
            assertErrorText("ERR Number of fields must be a positive integer", run(cmd, "h", "FIELDS", "-1", "a"));
            assertErrorText("ERR Number of fields must be a positive integer", run(cmd, "h", "FIELDS", "x", "a"));
            assertErrorText("ERR The `numfields` parameter must match the number of arguments",
                    run(cmd, "h", "FIELDS", "1", "a", "b"));
            assertErrorText("ERR wrong number of arguments for '" + lower + "' command", run(cmd, "h", "FIELDS", "1"));
            assertEquals(ints(-2, -2), run(cmd, "missing", "FIELDS", "2", "a", "b"));
        }
        assertEquals("1", run("HGET", "h", "a"));
    }

    // ---- what other commands do to TTLs --------------------------------------------------------

    @Test
    void shouldDropTtlsOnOverwriteAndKeepThemOnIncrement() {
        assertInt(4, run("HSET", "h", "a", "1", "b", "2", "c", "1.5", "d", "x"));
        assertEquals(ints(1, 1, 1, 1), run("HEXPIRE", "h", "100", "FIELDS", "4", "a", "b", "c", "d"));
        assertInt(0, run("HSET", "h", "a", "10"));
        assertInt(5, run("HINCRBY", "h", "b", "3"));
        assertEquals("2", run("HINCRBYFLOAT", "h", "c", "0.5"));
        assertInt(0, run("HSETNX", "h", "d", "y"));
        assertEquals(ints(-1, 100, 100, 100), run("HTTL", "h", "FIELDS", "4", "a", "b", "c", "d"));
        assertInt(1, run("HDEL", "h", "b"));
        assertInt(1, run("HSET", "h", "b", "new"));
        assertEquals(ints(-1), run("HTTL", "h", "FIELDS", "1", "b"));
        assertOk(run("HMSET", "h", "c", "z"));
        assertEquals(ints(-1, 100), run("HTTL", "h", "FIELDS", "2", "c", "d"));
    }

    @Test
    void shouldHideExpiredFieldsFromEveryRead() throws InterruptedException {
        assertOk(run("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
        assertInt(3, run("HSET", "h", "gone", "1", "stay", "2", "gone2", "3"));
        assertEquals(ints(1, 1), run("HPEXPIRE", "h", "50", "FIELDS", "2", "gone", "gone2"));
        Thread.sleep(80);
        assertNil(run("HGET", "h", "gone"));
        assertEquals(list(null, "2"), run("HMGET", "h", "gone2", "stay"));
        assertInt(1, run("HLEN", "h"));
        assertInt(0, run("HEXISTS", "h", "gone"));
        assertInt(0, run("HSTRLEN", "h", "gone"));
        assertEquals(list("stay", "2"), run("HGETALL", "h"));
        assertEquals(list("stay"), run("HKEYS", "h"));
        assertEquals(list("2"), run("HVALS", "h"));
        assertEquals("stay", run("HRANDFIELD", "h"));
        assertEquals(list("stay", "stay"), run("HRANDFIELD", "h", "-2"));
        assertEquals(list("0", list("stay", "2")), run("HSCAN", "h", "0"));
        assertEquals(ints(-2, -1), run("HTTL", "h", "FIELDS", "2", "gone", "stay"));
        assertEquals(1L, run("HINCRBY", "h", "gone", "1"), "an expired field counts as absent");
        assertEquals(ints(-1), run("HTTL", "h", "FIELDS", "1", "gone"));
        // the last field expiring takes the key, whatever command finds out
        assertEquals(ints(1, 1), run("HPEXPIRE", "h", "30", "FIELDS", "2", "gone", "stay"));
        Thread.sleep(50);
        assertEquals(1L, run("EXISTS", "h"), "nobody looked yet and the sweep is off");
        assertInt(0, run("HLEN", "h"));
        assertInt(0, run("EXISTS", "h"));
    }

    @Test
    void shouldSweepExpiredFieldsNobodyReads() throws InterruptedException {
        final String[] keys = KeyPlacement.onDistinctShards(h, "sw", 3);
        for (final String k : keys) {
            assertInt(3, run("HSET", k, "a", "1", "b", "2", "c", "3"));
            assertEquals(ints(1, 1), run("HPEXPIRE", k, "30", "FIELDS", "2", "a", "b"));
        }
        assertInt(1, run("HSET", "all", "x", "1"));
        assertEquals(ints(1), run("HPEXPIRE", "all", "30", "FIELDS", "1", "x"));
        final long deadline = now() + 5000;
        while (((Long) run("EXISTS", "all")) != 0) {
            assertTrue(now() < deadline, "the active cycle never deleted the expired hash");
            Thread.sleep(20);
        }
        // no command read the others: the sweep left them one field each
        for (final String k : keys) {
            assertEquals(list("c", "3"), run("HGETALL", k));
        }
    }

    // ---- encodings -----------------------------------------------------------------------------

    @Test
    void shouldReportListpackexWhileSmall() {
        assertInt(2, run("HSET", "h", "a", "1", "b", "2"));
        assertEquals("listpack", run("OBJECT", "ENCODING", "h"));
        assertEquals(ints(-2), run("HEXPIRE", "h", "100", "FIELDS", "1", "x"));
        assertEquals("listpack", run("OBJECT", "ENCODING", "h"), "nothing got a TTL");
        assertEquals(ints(0), run("HEXPIRE", "h", "100", "XX", "FIELDS", "1", "a"));
        assertEquals("listpack", run("OBJECT", "ENCODING", "h"));
        assertEquals(ints(1), run("HEXPIRE", "h", "100", "FIELDS", "1", "a"));
        assertEquals("listpackex", run("OBJECT", "ENCODING", "h"));
        assertEquals(ints(1), run("HPERSIST", "h", "FIELDS", "1", "a"));
        assertEquals("listpackex", run("OBJECT", "ENCODING", "h"));
        assertInt(1, run("HSET", "h", "long", "v".repeat(65)));
        assertEquals("hashtable", run("OBJECT", "ENCODING", "h"));
        for (int i = 0; i < 600; i++) {
            run("HSET", "big", "f" + i, "v");
        }
        assertEquals(ints(1), run("HEXPIRE", "big", "100", "FIELDS", "1", "f1"));
        assertEquals("hashtable", run("OBJECT", "ENCODING", "big"));
        assertInt(2, run("HSET", "grow", "a", "1", "b", "2"));
        assertEquals(ints(1), run("HEXPIRE", "grow", "100", "FIELDS", "1", "a"));
        for (int i = 0; i < 511; i++) {
            run("HSET", "grow", "f" + i, "v");
        }
        assertEquals("hashtable", run("OBJECT", "ENCODING", "grow"));
        assertEquals(ints(100), run("HTTL", "grow", "FIELDS", "1", "a"));
    }

    // ---- TTLs travel with the hash -------------------------------------------------------------

    @Test
    void shouldKeepFieldTtlsThroughRenameCopyAndKeyExpiry() throws InterruptedException {
        final String[] k = KeyPlacement.onDistinctShards(h, "ttl", 3);
        assertInt(2, run("HSET", k[0], "a", "1", "b", "2"));
        assertEquals(ints(1), run("HEXPIRE", k[0], "100", "FIELDS", "1", "a"));
        assertOk(run("RENAME", k[0], k[1]));
        assertEquals(ints(100, -1), run("HTTL", k[1], "FIELDS", "2", "a", "b"));
        assertInt(1, run("COPY", k[1], k[2]));
        assertEquals(ints(100, -1), run("HTTL", k[2], "FIELDS", "2", "a", "b"));
        assertEquals("listpackex", run("OBJECT", "ENCODING", k[2]));
        // the moved hash is still swept on its new shard
        assertEquals(ints(1, 1), run("HPEXPIRE", k[1], "20", "FIELDS", "2", "a", "b"));
        final long deadline = now() + 5000;
        while (((Long) run("EXISTS", k[1])) != 0) {
            assertTrue(now() < deadline, "the renamed hash was not swept");
            Thread.sleep(20);
        }
        assertEquals(ints(100, -1), run("HTTL", k[2], "FIELDS", "2", "a", "b"), "the copy is independent");
        assertInt(1, run("EXPIRE", k[2], "1000"));
        assertEquals(ints(100), run("HTTL", k[2], "FIELDS", "1", "a"));
        assertInt(1000, run("TTL", k[2]));
    }

    @Test
    void shouldAnswerTheSameInResp3() {
        assertInt(1, run("HSET", "h", "a", "1"));
        final Harness.Client c3 = h.client();
        c3.run("HELLO", "3");
        assertEquals(ints(1, -2), c3.run("HEXPIRE", "h", "100", "FIELDS", "2", "a", "b"));
        assertEquals(ints(100, -2), c3.run("HTTL", "h", "FIELDS", "2", "a", "b"));
        assertEquals(ints(1), c3.run("HPERSIST", "h", "FIELDS", "1", "a"));
        assertEquals(Map.of("a", "1"), c3.run("HGETALL", "h"));
        c3.close();
    }
}
