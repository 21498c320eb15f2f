package io.moon.server.commands;

import io.moon.server.testing.Harness;
import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The sorted-set commands on one key, on three shards: every option and error text (checked
 * against redis-server 7.0), both encodings and the conversion between them, scores printed as
 * %.17g and as RESP3 doubles.
 */
class ZsetCommandsTest extends SharedHarnessTest {
    static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    static final String SYNTAX = "ERR syntax error";
    static final String NOT_FLOAT = "ERR value is not a valid float";
    static final String NOT_INTEGER = "ERR value is not an integer or out of range";

    static List<Object> list(final Object... items) {
        return Arrays.asList(items);
    }

    private static String encoding(final String key) {
        return (String) run("OBJECT", "ENCODING", key);
    }

    // ---- ZADD ----------------------------------------------------------------------------------

    @Test
    void shouldAddAndUpdateMembersUnderEveryOption() {
        assertInt(3, run("ZADD", "z", "1", "a", "2", "b", "3", "c"));
        assertInt(0, run("ZADD", "z", "5", "a"));
        assertEquals("5", run("ZSCORE", "z", "a"));
        assertInt(1, run("ZADD", "z", "CH", "6", "a"));
        assertInt(0, run("ZADD", "z", "NX", "7", "a"));
        assertEquals("6", run("ZSCORE", "z", "a"));
        assertInt(1, run("ZADD", "z", "NX", "7", "d"));
        assertInt(0, run("ZADD", "z", "XX", "8", "e"));
        assertNil(run("ZSCORE", "z", "e"));
        assertInt(1, run("ZADD", "z", "XX", "CH", "8", "a"));
        assertInt(0, run("ZADD", "z", "GT", "CH", "1", "a"));
        assertInt(1, run("ZADD", "z", "GT", "CH", "9", "a"));
        assertInt(1, run("ZADD", "z", "LT", "CH", "1", "a"));
        assertInt(1, run("ZADD", "z", "GT", "1", "new"));
        assertInt(0, run("ZADD", "z", "XX", "GT", "0", "a"));
        assertEquals("2", run("ZINCRBY", "z", "1", "a"));
        assertEquals("3.5", run("ZADD", "z", "INCR", "1.5", "a"));
        assertNil(run("ZADD", "z", "INCR", "NX", "1", "a"));
        assertNil(run("ZADD", "z", "INCR", "GT", "-1", "a"));
        assertNil(run("ZADD", "missing", "XX", "INCR", "1", "a"));
        assertInt(0, run("ZADD", "missing", "XX", "1", "a"));
        assertInt(0, run("EXISTS", "missing"));
        assertEquals("inf", run("ZADD", "z", "INCR", "inf", "i"));
        assertErrorText("ERR resulting score is not a number (NaN)", run("ZADD", "z", "INCR", "-inf", "i"));
        assertErrorText("ERR resulting score is not a number (NaN)", run("ZINCRBY", "z", "-inf", "i"));
        assertEquals("inf", run("ZSCORE", "z", "i"));
    }

    @Test
    void shouldRejectBadZaddArgumentsWithRedisTexts() {
        assertErrorText("ERR XX and NX options at the same time are not compatible", run("ZADD", "z", "nx", "xx", "1", "a"));
        assertErrorText("ERR GT, LT, and/or NX options at the same time are not compatible",
                run("ZADD", "z", "gt", "lt", "1", "a"));
        assertErrorText("ERR GT, LT, and/or NX options at the same time are not compatible",
                run("ZADD", "z", "nx", "gt", "1", "a"));
        assertErrorText("ERR INCR option supports a single increment-element pair",
                run("ZADD", "z", "incr", "1", "a", "2", "b"));
        assertErrorText(SYNTAX, run("ZADD", "z", "1", "a", "2"));
        assertErrorText(SYNTAX, run("ZADD", "z", "nx", "1"));
        assertErrorText("ERR wrong number of arguments for 'zadd' command", run("ZADD", "z", "1"));
        assertErrorText(NOT_FLOAT, run("ZADD", "z", "x", "a"));
        assertErrorText(NOT_FLOAT, run("ZADD", "z", "nan", "a"));
        assertErrorText(NOT_FLOAT, run("ZADD", "z", "1", "a", "1e400", "b"));
        assertErrorText(NOT_FLOAT, run("ZINCRBY", "z", "nan", "a"));
        assertEquals(0L, run("EXISTS", "z"), "nothing is added when any score is bad");
        assertOk(run("SET", "s", "x"));
        assertErrorText(WRONGTYPE, run("ZADD", "s", "1", "a"));
        assertErrorText(WRONGTYPE, run("ZINCRBY", "s", "1", "a"));
    }

    @Test
    void shouldParseAndPrintScoresAsRedis() {
        assertInt(6, run("ZADD", "z", "0.1", "a", "-0", "b", "1e3", "c", "+inf", "d", "-Infinity", "e", "0x10", "f"));
        assertEquals("0.10000000000000001", run("ZSCORE", "z", "a"));
        assertEquals("0", run("ZSCORE", "z", "b"), "a listpack stores -0 as the integer 0, as Redis's does");
        assertEquals("1000", run("ZSCORE", "z", "c"));
        assertEquals("inf", run("ZSCORE", "z", "d"));
        assertEquals("-inf", run("ZSCORE", "z", "e"));
        assertEquals("16", run("ZSCORE", "z", "f"));
        assertInt(1, run("ZADD", "z", "1.7976931348623157e308", "max"));
        assertEquals("1.7976931348623157e+308", run("ZSCORE", "z", "max"));
        assertInt(1, run("ZADD", "z", "123456789012345678", "big"));
        assertEquals("1.2345678901234568e+17", run("ZSCORE", "z", "big"));
        assertEquals(list("e", "-inf", "b", "0", "a", "0.10000000000000001"),
                run("ZRANGE", "z", "0", "2", "WITHSCORES"));
        final Harness.Client c3 = h.client();
        c3.run("HELLO", "3");
        assertEquals(0.1, c3.run("ZSCORE", "z", "a"));
        assertEquals(Double.POSITIVE_INFINITY, c3.run("ZSCORE", "z", "d"));
        assertEquals(list(list("e", Double.NEGATIVE_INFINITY), list("b", 0.0)), c3.run("ZRANGE", "z", "0", "1", "WITHSCORES"));
        assertEquals(list(0L, Double.NEGATIVE_INFINITY), c3.run("ZRANK", "z", "e", "WITHSCORE"));
        c3.close();
    }

    // ---- encodings -----------------------------------------------------------------------------

    @Test
    void shouldConvertToASkiplistPastTheThresholds() {
        for (int i = 0; i < 128; i++) {
            run("ZADD", "z", Integer.toString(i), "m" + i);
        }
        assertEquals("listpack", encoding("z"));
        run("ZADD", "z", "200", "m200");
        assertEquals("skiplist", encoding("z"));
        assertInt(129, run("ZCARD", "z"));
        for (int i = 0; i < 100; i++) {
            run("ZREM", "z", "m" + i);
        }
        assertEquals("skiplist", encoding("z"), "a skiplist never goes back");
        run("ZADD", "long", "1", "x".repeat(65));
        assertEquals("skiplist", encoding("long"));
        run("ZADD", "short", "1", "x".repeat(64));
        assertEquals("listpack", encoding("short"));
        run("ZADD", "short", "1", "y".repeat(65));
        assertEquals("skiplist", encoding("short"));
        assertOk(run("CONFIG", "SET", "zset-max-listpack-entries", "2"));
        try {
            run("ZADD", "few", "1", "a", "2", "b");
            assertEquals("listpack", encoding("few"));
            run("ZADD", "many", "1", "a", "1", "a", "1", "a");
            assertEquals("skiplist", encoding("many"), "Redis 7.2 sizes a new set by the pairs given");
            assertEquals("type", "type");
        } finally {
            assertOk(run("CONFIG", "SET", "zset-max-listpack-entries", "128"));
        }
    }

    // ---- ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK ---------------------------------------------------

    @Test
    void shouldRemoveCountAndScoreMembers() {
        for (final String key : new String[] {"lp", "sl"}) {
            run("ZADD", key, "1", "a", "2", "b", "3", "c");
            if (key.equals("sl")) {
                run("ZADD", key, "9", "x".repeat(100));
                run("ZREM", key, "x".repeat(100));
                assertEquals("skiplist", encoding(key));
            }
            assertInt(3, run("ZCARD", key));
            assertInt(2, run("ZREM", key, "a", "b", "zz"));
            assertEquals(list(null, "3"), run("ZMSCORE", key, "a", "c"));
            assertInt(0, run("ZREVRANK", key, "c"));
            assertInt(1, run("ZREM", key, "c", "d"));
            assertEquals(0L, run("EXISTS", key), "an emptied sorted set is deleted");
        }
        assertInt(0, run("ZCARD", "none"));
        assertInt(0, run("ZREM", "none", "a"));
        assertNil(run("ZSCORE", "none", "a"));
        assertEquals(list(null, null), run("ZMSCORE", "none", "a", "b"));
        assertOk(run("SET", "s", "x"));
        for (final String cmd : new String[] {"ZCARD", "ZSCORE", "ZMSCORE", "ZREM", "ZRANK", "ZREVRANK"}) {
            final Object r = cmd.equals("ZCARD") ? run(cmd, "s") : run(cmd, "s", "a");
            assertErrorText(WRONGTYPE, r);
        }
    }

    @Test
    void shouldRankMembersWithOrWithoutScores() {
        run("ZADD", "z", "10", "a", "20", "b", "30", "c");
        assertInt(0, run("ZRANK", "z", "a"));
        assertInt(2, run("ZREVRANK", "z", "a"));
        assertEquals(list(1L, "20"), run("ZRANK", "z", "b", "withscore"));
        assertEquals(list(0L, "30"), run("ZREVRANK", "z", "c", "WITHSCORE"));
        assertNil(run("ZRANK", "z", "x"));
        assertNil(run("ZRANK", "z", "x", "WITHSCORE"));
        assertNil(run("ZRANK", "none", "x", "WITHSCORE"));
        assertErrorText(SYNTAX, run("ZRANK", "z", "a", "foo"));
        assertErrorText("ERR wrong number of arguments for 'zrank' command", run("ZRANK", "z", "a", "withscore", "x"));
        assertErrorText("ERR wrong number of arguments for 'zrevrank' command", run("ZREVRANK", "z", "a", "withscore", "x"));
    }

    // ---- ZCOUNT, ZLEXCOUNT, ZREMRANGEBY* -------------------------------------------------------

    @Test
    void shouldCountByScoreAndLex() {
        run("ZADD", "z", "0", "a", "1", "b", "2", "c", "inf", "d");
        assertInt(4, run("ZCOUNT", "z", "-inf", "+inf"));
        assertEquals(3L, run("ZCOUNT", "z", "", "2"), "an empty bound reads as 0, as strtod makes it");
        assertInt(3, run("ZCOUNT", "z", "(", "+inf"));
        assertInt(2, run("ZCOUNT", "z", " 1", "5"));
        assertEquals(1L, run("ZCOUNT", "z", "1e400", "1e500"), "overflow reads as inf in a range");
        assertInt(2, run("ZCOUNT", "z", "0x1", "2"));
        assertInt(0, run("ZCOUNT", "z", "(1", "(1"));
        assertInt(0, run("ZCOUNT", "z", "2", "1"));
        assertErrorText("ERR min or max is not a float", run("ZCOUNT", "z", "nan", "1"));
        assertErrorText("ERR min or max is not a float", run("ZCOUNT", "z", "1 ", "2"));
        assertErrorText("ERR min or max is not a float", run("ZCOUNT", "z", "   ", "2"));
        assertInt(0, run("ZCOUNT", "none", "0", "1"));
        run("ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d");
        assertInt(4, run("ZLEXCOUNT", "l", "-", "+"));
        assertInt(2, run("ZLEXCOUNT", "l", "[b", "[c"));
        assertInt(1, run("ZLEXCOUNT", "l", "(b", "[c"));
        assertInt(0, run("ZLEXCOUNT", "l", "+", "-"));
        assertInt(0, run("ZLEXCOUNT", "l", "+", "+"));
        assertErrorText("ERR min or max not valid string range item", run("ZLEXCOUNT", "l", "a", "+"));
        assertErrorText("ERR min or max not valid string range item", run("ZLEXCOUNT", "l", "-", "++"));
        assertErrorText("ERR min or max not valid string range item", run("ZLEXCOUNT", "l", "", "+"));
    }

    @Test
    void shouldRemoveRangesByRankScoreAndLex() {
        run("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e");
        assertInt(2, run("ZREMRANGEBYRANK", "z", "0", "1"));
        assertInt(0, run("ZREMRANGEBYRANK", "z", "5", "10"));
        assertInt(1, run("ZREMRANGEBYRANK", "z", "-1", "-1"));
        assertInt(1, run("ZREMRANGEBYSCORE", "z", "(2", "3"));
        assertEquals(list("d"), run("ZRANGE", "z", "0", "-1"));
        assertInt(1, run("ZREMRANGEBYRANK", "z", "-100", "100"));
        assertInt(0, run("EXISTS", "z"));
        run("ZADD", "l", "0", "a", "0", "b", "0", "c");
        assertInt(2, run("ZREMRANGEBYLEX", "l", "(a", "+"));
        assertEquals(list("a"), run("ZRANGE", "l", "0", "-1"));
        assertErrorText(NOT_INTEGER, run("ZREMRANGEBYRANK", "l", "x", "1"));
        assertErrorText("ERR min or max is not a float", run("ZREMRANGEBYSCORE", "l", "x", "1"));
        assertErrorText("ERR min or max not valid string range item", run("ZREMRANGEBYLEX", "l", "x", "+"));
        assertInt(0, run("ZREMRANGEBYSCORE", "none", "0", "1"));
        assertOk(run("SET", "s", "x"));
        assertErrorText(WRONGTYPE, run("ZREMRANGEBYRANK", "s", "0", "1"));
        assertErrorText(WRONGTYPE, run("ZCOUNT", "s", "0", "1"));
        assertErrorText(WRONGTYPE, run("ZLEXCOUNT", "s", "-", "+"));
    }

    @Test
    void shouldReportTheTypeAndMemoryOfSortedSets() {
        run("ZADD", "z", "1", "a");
        assertEquals("zset", ((io.moon.server.testing.Resp.Simple) run("TYPE", "z")).text());
        run("ZADD", "big", "1", "x".repeat(100));
        assertEquals(1L, run("EXISTS", "big"));
        final long usage = (Long) run("MEMORY", "USAGE", "big");
        assertEquals(true, usage > 100, "memory usage " + usage);
        assertOk(run("RENAME", "big", "big2"));
        assertEquals("skiplist", encoding("big2"));
        assertInt(1, run("COPY", "big2", "big3"));
        assertInt(1, run("ZREM", "big3", "x".repeat(100)));
        assertEquals(1L, run("ZCARD", "big2"), "a copy shares nothing");
    }
}
