package io.moon.server.commands;

import io.moon.server.testing.Harness;
import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The list family on three shards: every command and option, Redis's error texts (checked against
 * redis-server 7.0, and 7.2's source where they differ), both encodings and the conversions
 * between them, and the moves between keys on one shard and across shards, which must reply the
 * same.
 */
class ListCommandsTest extends SharedHarnessTest {
    private static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    private static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    private static final String SYNTAX = "ERR syntax error";
    private static final String MUST_BE_POSITIVE = "ERR value is out of range, must be positive";

    private static List<Object> list(final Object... items) {
        return Arrays.asList(items);
    }

    private static Object range(final String key) {
        return run("LRANGE", key, "0", "-1");
    }

    private static String encoding(final String key) {
        return (String) run("OBJECT", "ENCODING", key);
    }

    @AfterEach
    void defaultThreshold() {
        assertOk(run("CONFIG", "SET", "list-max-listpack-size", "-2"));
    }

    // ---- pushing -------------------------------------------------------------------------------

    @Test
    void shouldPushAtBothEndsAndCount() {
        assertInt(3, run("LPUSH", "l", "a", "b", "c"));
        assertEquals(list("c", "b", "a"), range("l"));
        assertInt(5, run("RPUSH", "l", "x", "y"));
        assertEquals(list("c", "b", "a", "x", "y"), range("l"));
        assertInt(5, run("LLEN", "l"));
        assertInt(0, run("LLEN", "missing"));
        assertEquals(new io.moon.server.testing.Resp.Simple("list"), run("TYPE", "l"));
        assertEquals("listpack", encoding("l"));
    }

    @Test
    void shouldPushOnlyOntoExistingListsWithX() {
        assertInt(0, run("LPUSHX", "l", "a"));
        assertInt(0, run("RPUSHX", "l", "a", "b"));
        assertInt(0, run("EXISTS", "l"));
        run("RPUSH", "l", "m");
        assertInt(3, run("LPUSHX", "l", "a", "b"));
        assertInt(4, run("RPUSHX", "l", "z"));
        assertEquals(list("b", "a", "m", "z"), range("l"));
    }

    @Test
    void shouldKeepBinaryIntegersAndEmptyElements() {
        run("RPUSH", "l", "", "0", "-1", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "007",
                "-0", "+1", "a\u0000b\u00ff\r\n", "x".repeat(5000));
        assertEquals(list("", "0", "-1", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "007",
                "-0", "+1", "a\u0000b\u00ff\r\n", "x".repeat(5000)), range("l"));
        assertEquals("-9223372036854775808", run("LINDEX", "l", "4"));
    }

    @Test
    void shouldRefuseOtherTypesWithWrongtype() {
        assertOk(run("SET", "s", "v"));
        for (final String[] cmd : List.of(new String[] {"LPUSH", "s", "a"}, new String[] {"RPUSH", "s", "a"},
                new String[] {"LPUSHX", "s", "a"}, new String[] {"RPUSHX", "s", "a"}, new String[] {"LPOP", "s"},
                new String[] {"RPOP", "s", "2"}, new String[] {"LLEN", "s"}, new String[] {"LINDEX", "s", "0"},
                new String[] {"LINDEX", "s", "abc"}, new String[] {"LRANGE", "s", "0", "1"},
                new String[] {"LPOS", "s", "a"}, new String[] {"LSET", "s", "abc", "x"},
                new String[] {"LINSERT", "s", "BEFORE", "a", "b"}, new String[] {"LREM", "s", "1", "a"},
                new String[] {"LTRIM", "s", "0", "1"}, new String[] {"LMOVE", "s", "d", "LEFT", "LEFT"},
                new String[] {"RPOPLPUSH", "s", "d"}, new String[] {"LMPOP", "1", "s", "LEFT"})) {
            assertErrorText(WRONGTYPE, run(cmd));
        }
        assertEquals("v", run("GET", "s"));
        run("RPUSH", "l", "a");
        assertErrorText(WRONGTYPE, run("GET", "l"));
        assertErrorText(WRONGTYPE, run("APPEND", "l", "x"));
    }

    // ---- popping -------------------------------------------------------------------------------

    @Test
    void shouldPopOneOrCountFromEitherEnd() {
        run("RPUSH", "l", "a", "b", "c", "d", "e");
        assertEquals("a", run("LPOP", "l"));
        assertEquals("e", run("RPOP", "l"));
        assertEquals(list("b", "c"), run("LPOP", "l", "2"));
        assertEquals(list(), run("RPOP", "l", "0"));
        assertEquals(list("d"), run("RPOP", "l", "10"));
        assertInt(0, run("EXISTS", "l"));
        assertNil(run("LPOP", "l"));
        assertNil(run("RPOP", "l", "3"));
        assertNil(run("LPOP", "l", "0"));
        run("RPUSH", "l", "1", "2", "3");
        assertEquals(list("3", "2"), run("RPOP", "l", "2"));
    }

    @Test
    void shouldCheckPopCountBeforeTheKey() {
        assertOk(run("SET", "s", "v"));
        assertErrorText(MUST_BE_POSITIVE, run("LPOP", "s", "-1"));
        assertErrorText(MUST_BE_POSITIVE, run("LPOP", "missing", "abc"));
        assertErrorText(MUST_BE_POSITIVE, run("RPOP", "missing", "-9223372036854775808"));
        assertErrorText("ERR wrong number of arguments for 'lpop' command", run("LPOP", "l", "1", "2"));
        assertErrorText("ERR wrong number of arguments for 'rpop' command", run("RPOP", "l", "1", "2"));
    }

    @Test
    void shouldReplyNullsAsRedisDoesInResp3() {
        final Harness.Client c = h.client();
        c.run("HELLO", "3");
        assertNil(c.run("LPOP", "missing"));
        assertNil(c.run("LPOP", "missing", "2"));
        assertNil(c.run("LINDEX", "missing", "0"));
        assertNil(c.run("LPOS", "missing", "a"));
        assertNil(c.run("LMPOP", "1", "missing", "LEFT"));
        assertNil(c.run("RPOPLPUSH", "missing", "x"));
        c.close();
    }

    // ---- reading -------------------------------------------------------------------------------

    @Test
    void shouldIndexFromBothEnds() {
        run("RPUSH", "l", "a", "b", "c");
        assertEquals("a", run("LINDEX", "l", "0"));
        assertEquals("c", run("LINDEX", "l", "-1"));
        assertEquals("a", run("LINDEX", "l", "-3"));
        assertNil(run("LINDEX", "l", "3"));
        assertNil(run("LINDEX", "l", "-4"));
        assertNil(run("LINDEX", "l", "-9223372036854775808"));
        assertErrorText(NOT_INTEGER, run("LINDEX", "l", "abc"));
        assertNil(run("LINDEX", "missing", "abc")); // the key is looked up before the index is parsed
    }

    @Test
    void shouldRangeAsRedisClampsIndexes() {
        run("RPUSH", "l", "a", "b", "c", "d");
        assertEquals(list("b", "c"), run("LRANGE", "l", "1", "2"));
        assertEquals(list("c", "d"), run("LRANGE", "l", "-2", "100"));
        assertEquals(list("a", "b", "c", "d"), run("LRANGE", "l", "-100", "100"));
        assertEquals(list(), run("LRANGE", "l", "3", "1"));
        assertEquals(list(), run("LRANGE", "l", "4", "10"));
        assertEquals(list(), run("LRANGE", "l", "0", "-5"));
        assertEquals(list("a"), run("LRANGE", "l", "-9223372036854775808", "0"));
        assertEquals(list(), run("LRANGE", "missing", "0", "-1"));
        assertErrorText(NOT_INTEGER, run("LRANGE", "missing", "a", "1"));
        assertErrorText(NOT_INTEGER, run("LRANGE", "l", "0", "1.5"));
    }

    @Test
    void shouldFindPositionsWithRankCountAndMaxlen() {
        run("RPUSH", "l", "a", "b", "c", "a", "b", "c", "a");
        assertInt(0, run("LPOS", "l", "a"));
        assertInt(2, run("LPOS", "l", "c"));
        assertInt(6, run("LPOS", "l", "a", "RANK", "-1"));
        assertInt(3, run("LPOS", "l", "a", "rank", "2"));
        assertInt(3, run("LPOS", "l", "a", "RANK", "-2"));
        assertNil(run("LPOS", "l", "a", "RANK", "4"));
        assertEquals(list(0L, 3L, 6L), run("LPOS", "l", "a", "COUNT", "0"));
        assertEquals(list(0L, 3L), run("LPOS", "l", "a", "COUNT", "2"));
        assertEquals(list(3L, 6L), run("LPOS", "l", "a", "RANK", "2", "COUNT", "0"));
        assertEquals(list(6L, 3L), run("LPOS", "l", "a", "RANK", "-1", "COUNT", "2"));
        assertEquals(list(0L), run("LPOS", "l", "a", "COUNT", "0", "MAXLEN", "3"));
        assertEquals(list(6L), run("LPOS", "l", "a", "RANK", "-1", "COUNT", "0", "MAXLEN", "2"));
        assertNil(run("LPOS", "l", "b", "MAXLEN", "1"));
        assertEquals(list(), run("LPOS", "l", "z", "COUNT", "0"));
        assertNil(run("LPOS", "l", "z"));
        assertEquals(list(), run("LPOS", "missing", "a", "COUNT", "1"));
        assertNil(run("LPOS", "missing", "a"));
        assertEquals(list(0L, 3L, 6L), run("LPOS", "l", "a", "COUNT", "1", "COUNT", "0", "RANK", "5", "RANK", "1"));
    }

    @Test
    void shouldRejectBadLposOptionsBeforeTheKey() {
        run("RPUSH", "l", "a");
        final String rankZero = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or"
                + " use negative to start from the end of the list";
        assertErrorText(rankZero, run("LPOS", "l", "a", "RANK", "0"));
        assertErrorText(rankZero, run("LPOS", "missing", "a", "RANK", "0"));
        assertErrorText(NOT_INTEGER, run("LPOS", "l", "a", "RANK", "abc"));
        // Redis 7.2 bounds RANK so that it can be negated (7.0 accepted LONG_MIN)
        assertErrorText("ERR value is out of range, value must between -9223372036854775807 and"
                + " 9223372036854775807", run("LPOS", "l", "a", "RANK", "-9223372036854775808"));
        assertErrorText("ERR COUNT can't be negative", run("LPOS", "l", "a", "COUNT", "-1"));
        assertErrorText("ERR COUNT can't be negative", run("LPOS", "l", "a", "COUNT", "abc"));
        assertErrorText("ERR MAXLEN can't be negative", run("LPOS", "l", "a", "MAXLEN", "-1"));
        assertErrorText("ERR MAXLEN can't be negative", run("LPOS", "l", "a", "MAXLEN", "x"));
        assertErrorText(SYNTAX, run("LPOS", "l", "a", "RANK"));
        assertErrorText(SYNTAX, run("LPOS", "l", "a", "FOO", "1"));
        assertOk(run("SET", "s", "v"));
        assertErrorText(rankZero, run("LPOS", "s", "a", "RANK", "0"));
    }

    // ---- changing ------------------------------------------------------------------------------

    @Test
    void shouldSetByIndex() {
        run("RPUSH", "l", "a", "b", "c");
        assertOk(run("LSET", "l", "0", "x"));
        assertOk(run("LSET", "l", "-1", "z".repeat(100)));
        assertEquals(list("x", "b", "z".repeat(100)), range("l"));
        assertErrorText("ERR index out of range", run("LSET", "l", "3", "y"));
        assertErrorText("ERR index out of range", run("LSET", "l", "-4", "y"));
        assertErrorText(NOT_INTEGER, run("LSET", "l", "abc", "y"));
        assertErrorText("ERR no such key", run("LSET", "missing", "abc", "y"));
        assertOk(run("LSET", "l", "1", "12345"));
        assertEquals("12345", run("LINDEX", "l", "1"));
    }

    @Test
    void shouldInsertAroundTheFirstPivot() {
        run("RPUSH", "l", "a", "b", "a");
        assertInt(4, run("LINSERT", "l", "BEFORE", "a", "x"));
        assertInt(5, run("LINSERT", "l", "after", "a", "y"));
        assertEquals(list("x", "a", "y", "b", "a"), range("l"));
        assertInt(-1, run("LINSERT", "l", "AFTER", "zz", "y"));
        assertInt(0, run("LINSERT", "missing", "AFTER", "a", "y"));
        assertErrorText(SYNTAX, run("LINSERT", "missing", "MIDDLE", "a", "y"));
        assertErrorText(SYNTAX, run("LINSERT", "l", "BEFOR", "a", "y"));
        run("RPUSH", "n", "1", "10", "100");
        assertInt(4, run("LINSERT", "n", "BEFORE", "10", "5"));
        assertEquals(list("1", "5", "10", "100"), range("n"));
        assertInt(-1, run("LINSERT", "n", "BEFORE", "010", "5"));
    }

    @Test
    void shouldRemoveFromEitherEndOrAll() {
        run("RPUSH", "l", "a", "b", "a", "c", "a");
        assertInt(1, run("LREM", "l", "1", "a"));
        assertEquals(list("b", "a", "c", "a"), range("l"));
        assertInt(1, run("LREM", "l", "-1", "a"));
        assertEquals(list("b", "a", "c"), range("l"));
        assertInt(0, run("LREM", "l", "0", "zz"));
        run("RPUSH", "l", "a", "a");
        assertInt(3, run("LREM", "l", "0", "a"));
        assertEquals(list("b", "c"), range("l"));
        assertInt(1, run("LREM", "l", "-9223372036854775808", "b"));
        assertInt(1, run("LREM", "l", "5", "c"));
        assertInt(0, run("EXISTS", "l"));
        assertInt(0, run("LREM", "missing", "1", "a"));
        assertErrorText(NOT_INTEGER, run("LREM", "missing", "x", "a"));
    }

    @Test
    void shouldTrimToARangeAndDeleteWhenEmpty() {
        run("RPUSH", "l", "a", "b", "c", "d", "e");
        assertOk(run("LTRIM", "l", "1", "-2"));
        assertEquals(list("b", "c", "d"), range("l"));
        assertOk(run("LTRIM", "l", "-100", "100"));
        assertEquals(list("b", "c", "d"), range("l"));
        assertOk(run("LTRIM", "l", "2", "1"));
        assertInt(0, run("EXISTS", "l"));
        assertOk(run("LTRIM", "missing", "0", "1"));
        assertErrorText(NOT_INTEGER, run("LTRIM", "missing", "0", "x"));
    }

    // ---- moving --------------------------------------------------------------------------------

    @Test
    void shouldMoveBetweenKeysOnOneShardAndAcrossShards() {
        final String[] across = KeyPlacement.onDistinctShards(h, "mv", 2);
        final String[][] pairs = {{"{t}src", "{t}dst"}, across};
        for (final String[] k : pairs) {
            run("DEL", k[0], k[1]);
            run("RPUSH", k[0], "a", "b", "c");
            assertEquals("a", run("LMOVE", k[0], k[1], "LEFT", "RIGHT"));
            assertEquals("c", run("LMOVE", k[0], k[1], "right", "left"));
            assertEquals("b", run("RPOPLPUSH", k[0], k[1]));
            assertInt(0, run("EXISTS", k[0]));
            assertEquals(list("b", "c", "a"), range(k[1]));
            assertNil(run("LMOVE", k[0], k[1], "LEFT", "LEFT"));
            assertNil(run("RPOPLPUSH", k[0], k[1]));
            assertOk(run("SET", k[0], "v"));
            assertErrorText(WRONGTYPE, run("LMOVE", k[0], k[1], "LEFT", "LEFT"));
            assertErrorText(WRONGTYPE, run("LMOVE", k[1], k[0], "LEFT", "LEFT"));
            assertErrorText(WRONGTYPE, run("RPOPLPUSH", k[1], k[0]));
            assertEquals(list("b", "c", "a"), range(k[1]), "nothing moves when the destination is not a list");
            assertErrorText(SYNTAX, run("LMOVE", k[1], k[0], "UP", "LEFT"));
            assertErrorText(SYNTAX, run("LMOVE", k[1], k[0], "LEFT", "DOWN"));
            assertErrorText(SYNTAX, run("LMOVE", "missing", k[0], "LEFT", "DOWN"));
        }
    }

    @Test
    void shouldRotateAListOntoItself() {
        run("RPUSH", "l", "a", "b", "c");
        assertEquals("c", run("RPOPLPUSH", "l", "l"));
        assertEquals(list("c", "a", "b"), range("l"));
        assertEquals("c", run("LMOVE", "l", "l", "LEFT", "RIGHT"));
        assertEquals(list("a", "b", "c"), range("l"));
        run("RPUSH", "one", "x");
        assertEquals("x", run("LMOVE", "one", "one", "LEFT", "LEFT"));
        assertEquals(list("x"), range("one"));
    }

    @Test
    void shouldPopFromTheFirstNonEmptyListWithLmpop() {
        final String[] k = KeyPlacement.onDistinctShards(h, "mp", 3);
        for (final String[] keys : List.of(new String[] {"{m}a", "{m}b", "{m}c"}, k)) {
            run("RPUSH", keys[1], "1", "2", "3");
            run("RPUSH", keys[2], "x");
            assertEquals(list(keys[1], list("1")), run("LMPOP", "3", keys[0], keys[1], keys[2], "LEFT"));
            assertEquals(list(keys[1], list("3", "2")),
                    run("LMPOP", "3", keys[0], keys[1], keys[2], "RIGHT", "COUNT", "5"));
            assertEquals(list(keys[2], list("x")), run("LMPOP", "2", keys[1], keys[2], "left", "count", "1"));
            assertNil(run("LMPOP", "3", keys[0], keys[1], keys[2], "LEFT"));
            assertOk(run("SET", keys[1], "v"));
            run("RPUSH", keys[2], "y");
            assertErrorText(WRONGTYPE, run("LMPOP", "3", keys[0], keys[1], keys[2], "LEFT"));
            assertEquals(list(keys[2], list("y")), run("LMPOP", "2", keys[2], keys[1], "LEFT"));
            run("DEL", keys[1]);
            run("RPUSH", keys[1], "z");
            assertEquals(list(keys[1], list("z")), run("LMPOP", "4", keys[0], keys[1], keys[0], keys[1], "LEFT"));
            assertNil(run("LMPOP", "3", keys[2], keys[0], keys[2], "RIGHT"));
        }
    }

    @Test
    void shouldRejectBadLmpopArguments() {
        final String numkeys = "ERR numkeys should be greater than 0";
        final String count = "ERR count should be greater than 0";
        assertErrorText(numkeys, run("LMPOP", "0", "l", "LEFT"));
        assertErrorText(numkeys, run("LMPOP", "abc", "l", "LEFT"));
        assertErrorText(numkeys, run("LMPOP", "-1", "l", "LEFT"));
        assertErrorText(SYNTAX, run("LMPOP", "2", "l", "LEFT"));
        assertErrorText(SYNTAX, run("LMPOP", "9223372036854775807", "l", "LEFT"));
        assertErrorText(SYNTAX, run("LMPOP", "1", "l", "MIDDLE"));
        assertErrorText(count, run("LMPOP", "1", "l", "LEFT", "COUNT", "0"));
        assertErrorText(count, run("LMPOP", "1", "l", "LEFT", "COUNT", "abc"));
        assertErrorText(SYNTAX, run("LMPOP", "1", "l", "LEFT", "COUNT", "1", "COUNT", "1"));
        assertErrorText(SYNTAX, run("LMPOP", "1", "l", "LEFT", "COUNT"));
        assertErrorText(SYNTAX, run("LMPOP", "1", "l", "LEFT", "FOO"));
        final String[] k = KeyPlacement.onDistinctShards(h, "bad", 2);
        assertErrorText(count, run("LMPOP", "2", k[0], k[1], "LEFT", "COUNT", "-3"));
        assertErrorText(SYNTAX, run("LMPOP", "2", k[0], k[1], "UP"));
        assertErrorText("ERR wrong number of arguments for 'lmpop' command", run("LMPOP", "1", "l"));
    }

    // ---- encodings -----------------------------------------------------------------------------

    @Test
    void shouldConvertToQuicklistAndBackAtTheThresholds() {
        assertOk(run("CONFIG", "SET", "list-max-listpack-size", "4"));
        run("RPUSH", "l", "1", "2", "3", "4");
        assertEquals("listpack", encoding("l"));
        run("RPUSH", "l", "5");
        assertEquals("quicklist", encoding("l"));
        run("RPOP", "l");
        run("RPOP", "l");
        assertEquals("quicklist", encoding("l"), "3 elements in one node: more than half of 4");
        run("RPOP", "l");
        assertEquals("listpack", encoding("l"));
        assertEquals(list("1", "2"), range("l"));
        // the byte limit: 8 KB by default
        assertOk(run("CONFIG", "SET", "list-max-listpack-size", "-2"));
        run("RPUSH", "big", "x".repeat(8000));
        assertEquals("listpack", encoding("big"));
        run("RPUSH", "big", "y".repeat(200));
        assertEquals("quicklist", encoding("big"));
        assertEquals("y".repeat(200), run("RPOP", "big"));
        assertEquals("quicklist", encoding("big"), "one node of 8 KB: more than half of the limit");
        assertOk(run("LSET", "big", "0", "small"));
        assertEquals("listpack", encoding("big"), "LSET shrinks it under half of the limit");
        assertEquals(list("small"), range("big"));
    }

    @Test
    void shouldAnswerTheSameInBothEncodings() {
        final List<Object> packed = new ArrayList<>();
        final List<Object> quick = new ArrayList<>();
        for (final List<Object> out : List.of(packed, quick)) {
            run("DEL", "l");
            assertOk(run("CONFIG", "SET", "list-max-listpack-size", out == packed ? "-5" : "2"));
            run("RPUSH", "l", "a", "b", "c", "d", "e", "f", "b", "1", "2");
            assertEquals(out == packed ? "listpack" : "quicklist", encoding("l"));
            out.add(range("l"));
            out.add(run("LINDEX", "l", "-2"));
            out.add(run("LINSERT", "l", "BEFORE", "d", "z"));
            out.add(run("LPOS", "l", "b", "RANK", "-1", "COUNT", "0"));
            out.add(run("LSET", "l", "3", "q"));
            out.add(run("LREM", "l", "-1", "b"));
            out.add(run("LRANGE", "l", "2", "-3"));
            out.add(run("LPOP", "l", "2"));
            out.add(run("RPOP", "l", "2"));
            out.add(run("LTRIM", "l", "1", "-1"));
            out.add(range("l"));
        }
        assertEquals(packed, quick);
    }

    @Test
    void shouldKeepEndsFastOnAMillionElements() {
        final String[] args = new String[10_002];
        args[0] = "RPUSH";
        args[1] = "big";
        final long t0 = System.nanoTime();
        for (int batch = 0; batch < 100; batch++) {
            for (int i = 0; i < 10_000; i++) {
                args[i + 2] = "e" + (batch * 10_000 + i);
            }
            run(args);
        }
        final long t1 = System.nanoTime();
        assertInt(1_000_000, run("LLEN", "big"));
        assertEquals("quicklist", encoding("big"));
        for (int i = 0; i < 1000; i++) {
            assertEquals("e0", run("LINDEX", "big", "0"));
            assertEquals("e999999", run("LINDEX", "big", "-1"));
        }
        final long t2 = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            assertEquals("e" + i, run("LPOP", "big"));
            assertEquals("e" + (999_999 - i), run("RPOP", "big"));
        }
        final long t3 = System.nanoTime();
        assertEquals(list("e500000", "e500001"), run("LRANGE", "big", "499000", "499001"));
        assertInt(998_000, run("LLEN", "big"));
        System.out.printf("harness, 1M-element list: 100 RPUSH of 10K %d ms; 2000 LINDEX 0/-1 %d ms;"
                + " 2000 LPOP/RPOP %d ms%n", (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
        assertTrue(t3 > t0);
    }
}
