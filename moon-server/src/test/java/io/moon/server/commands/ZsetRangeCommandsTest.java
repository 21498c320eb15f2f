package io.moon.server.commands;

import io.moon.server.testing.Harness;
import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.moon.server.commands.ZsetCommandsTest.NOT_INTEGER;
import static io.moon.server.commands.ZsetCommandsTest.SYNTAX;
import static io.moon.server.commands.ZsetCommandsTest.WRONGTYPE;
import static io.moon.server.commands.ZsetCommandsTest.list;
import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * ZRANGE and ZRANGESTORE with every option, and the older range commands, on a listpack and on
 * a skiplist (which must reply the same), with keys on different shards for ZRANGESTORE.
 */
class ZsetRangeCommandsTest extends SharedHarnessTest {
    private static final String LIMIT_RANK = "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
    private static final String WITHSCORES_LEX = "ERR syntax error, WITHSCORES not supported in combination with BYLEX";

    /** The same five members in both encodings: "lp" a listpack, "sl" a skiplist. */
    private static void fill() {
        for (final String k : new String[] {"lp", "sl"}) {
            run("ZADD", k, "1", "a", "2", "b", "3", "c", "4", "d", "5", "e");
        }
        run("ZADD", "sl", "9", "x".repeat(100));
        run("ZREM", "sl", "x".repeat(100));
        assertEquals("skiplist", run("OBJECT", "ENCODING", "sl"));
        assertEquals("listpack", run("OBJECT", "ENCODING", "lp"));
    }

    /** Runs the command on both keys (the key is the second argument) and checks they agree. */
    private static Object both(final String cmd, final String... rest) {
        final String[] a = new String[rest.length + 2];
        a[0] = cmd;
        System.arraycopy(rest, 0, a, 2, rest.length);
        a[1] = "lp";
        final Object lp = run(a);
        a[1] = "sl";
        assertEquals(lp, run(a), String.join(" ", a));
        return lp;
    }

    @Test
    void shouldRangeByRankInBothDirections() {
        fill();
        assertEquals(list("a", "b", "c", "d", "e"), both("ZRANGE", "0", "-1"));
        assertEquals(list("b", "2", "c", "3"), both("ZRANGE", "1", "2", "WITHSCORES"));
        assertEquals(list("e", "d"), both("ZRANGE", "0", "1", "REV"));
        assertEquals(list("e", "d"), both("ZREVRANGE", "0", "1"));
        assertEquals(list("d", "4"), both("ZREVRANGE", "1", "1", "withscores"));
        assertEquals(list(), both("ZRANGE", "3", "1"));
        assertEquals(list(), both("ZRANGE", "10", "20"));
        assertEquals(list("a", "b", "c", "d", "e"), both("ZRANGE", "-100", "100"));
        assertEquals(list("a", "1", "b", "2"), both("ZRANGE", "0", "1", "LIMIT", "0", "-1", "withscores"));
        assertEquals(list(), run("ZRANGE", "none", "0", "-1"));
    }

    @Test
    void shouldRangeByScoreWithLimitsAndExclusiveBounds() {
        fill();
        assertEquals(list("b", "c", "d"), both("ZRANGE", "2", "4", "BYSCORE"));
        assertEquals(list("c", "d"), both("ZRANGE", "(2", "4", "BYSCORE"));
        assertEquals(list("d", "c"), both("ZRANGE", "4", "(2", "BYSCORE", "REV"));
        assertEquals(list("c", "d"), both("ZRANGE", "-inf", "+inf", "BYSCORE", "LIMIT", "2", "2"));
        assertEquals(list("c", "b"), both("ZRANGE", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "2", "2"));
        assertEquals(list("c", "d", "e"), both("ZRANGE", "-inf", "+inf", "BYSCORE", "LIMIT", "2", "-1"));
        assertEquals(list(), both("ZRANGE", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2"));
        assertEquals(list(), both("ZRANGE", "-inf", "+inf", "BYSCORE", "LIMIT", "5", "2"));
        assertEquals(list(), both("ZRANGE", "-inf", "+inf", "BYSCORE", "LIMIT", "0", "0"));
        assertEquals(list("a", "1", "b", "2"), both("ZRANGEBYSCORE", "-inf", "2", "WITHSCORES"));
        assertEquals(list("e", "d"), both("ZREVRANGEBYSCORE", "+inf", "(3"));
        assertEquals(list("d"), both("ZREVRANGEBYSCORE", "+inf", "(3", "LIMIT", "1", "5"));
        assertEquals(list(), both("ZRANGEBYSCORE", "3", "2"));
        assertErrorText("ERR min or max is not a float", run("ZRANGEBYSCORE", "lp", "x", "2"));
        assertErrorText(SYNTAX, run("ZRANGEBYSCORE", "lp", "0", "2", "REV"));
        assertErrorText(SYNTAX, run("ZRANGEBYSCORE", "lp", "0", "2", "BYSCORE"));
    }

    @Test
    void shouldRangeByLex() {
        for (final String k : new String[] {"lp", "sl"}) {
            run("ZADD", k, "0", "a", "0", "b", "0", "c", "0", "d", "0", "e");
        }
        run("ZADD", "sl", "0", "x".repeat(100));
        run("ZREM", "sl", "x".repeat(100));
        assertEquals(list("b", "c"), both("ZRANGE", "[b", "[c", "BYLEX"));
        assertEquals(list("c", "b"), both("ZRANGE", "[c", "[b", "BYLEX", "REV"));
        assertEquals(list("b", "c", "d", "e"), both("ZRANGEBYLEX", "(a", "+"));
        assertEquals(list("c", "d"), both("ZRANGEBYLEX", "-", "+", "LIMIT", "2", "2"));
        assertEquals(list("e", "d"), both("ZREVRANGEBYLEX", "+", "(c"));
        assertEquals(list(), both("ZRANGEBYLEX", "+", "-"));
        assertErrorText(WITHSCORES_LEX, run("ZRANGEBYLEX", "lp", "-", "+", "WITHSCORES"));
        assertErrorText(WITHSCORES_LEX, run("ZRANGE", "lp", "-", "+", "BYLEX", "WITHSCORES"));
        assertErrorText("ERR min or max not valid string range item", run("ZRANGEBYLEX", "lp", "a", "+"));
    }

    @Test
    void shouldRejectConflictingRangeOptions() {
        fill();
        assertErrorText(LIMIT_RANK, run("ZRANGE", "lp", "0", "-1", "LIMIT", "0", "1"));
        assertErrorText(LIMIT_RANK, run("ZREVRANGE", "lp", "0", "-1", "LIMIT", "0", "1"));
        assertEquals(list("a", "b", "c", "d", "e"), run("ZRANGE", "lp", "0", "-1", "LIMIT", "0", "-1"));
        assertErrorText(SYNTAX, run("ZRANGE", "lp", "0", "1", "REV", "REV"));
        assertErrorText(SYNTAX, run("ZRANGE", "lp", "0", "1", "BYSCORE", "BYLEX"));
        assertErrorText(SYNTAX, run("ZRANGE", "lp", "0", "1", "foo"));
        assertErrorText(SYNTAX, run("ZRANGE", "lp", "0", "1", "LIMIT", "0"));
        assertErrorText(NOT_INTEGER, run("ZRANGE", "lp", "0", "1", "BYSCORE", "LIMIT", "x", "1"));
        assertErrorText(NOT_INTEGER, run("ZRANGE", "lp", "x", "1"));
        assertErrorText(SYNTAX, run("ZRANGESTORE", "d", "lp", "0", "-1", "WITHSCORES"));
        assertOk(run("SET", "s", "x"));
        assertErrorText(WRONGTYPE, run("ZRANGE", "s", "0", "1"));
        assertErrorText(WRONGTYPE, run("ZRANGESTORE", "d", "s", "0", "1"));
    }

    @Test
    void shouldStoreRangesAcrossShardsWithTheRightEncoding() {
        final String[] k = KeyPlacement.onDistinctShards(h, "zr", 3);
        run("ZADD", k[0], "1", "a", "2", "b", "3", "c");
        assertInt(2, run("ZRANGESTORE", k[1], k[0], "0", "1"));
        assertEquals(list("a", "1", "b", "2"), run("ZRANGE", k[1], "0", "-1", "WITHSCORES"));
        assertInt(2, run("ZRANGESTORE", k[2], k[0], "3", "(1", "BYSCORE", "REV"));
        assertEquals(list("b", "c"), run("ZRANGE", k[2], "0", "-1"));
        assertInt(1, run("ZRANGESTORE", k[2], k[0], "[c", "+", "BYLEX", "LIMIT", "0", "5"));
        assertEquals(list("c"), run("ZRANGE", k[2], "0", "-1"));
        assertInt(0, run("ZRANGESTORE", k[2], k[0], "5", "9"));
        assertEquals(0L, run("EXISTS", k[2]), "an empty result deletes the destination");
        assertInt(0, run("ZRANGESTORE", k[2], "nothing", "0", "-1"));
        assertOk(run("SET", k[1], "string"));
        assertInt(3, run("ZRANGESTORE", k[1], k[0], "0", "-1"));
        assertEquals("listpack", run("OBJECT", "ENCODING", k[1]));
        final List<String> big = new ArrayList<>(List.of("ZADD", k[0]));
        for (int i = 0; i < 200; i++) {
            big.add(Integer.toString(i));
            big.add("m" + i);
        }
        run(big.toArray(new String[0]));
        assertInt(150, run("ZRANGESTORE", k[1], k[0], "0", "149"));
        assertEquals("skiplist", run("OBJECT", "ENCODING", k[1]));
        assertInt(100, run("ZRANGESTORE", k[1], k[0], "0", "99"));
        assertEquals("listpack", run("OBJECT", "ENCODING", k[1]), "a stored result takes the encoding of its size");
        assertInt(3, run("ZRANGESTORE", k[0], k[0], "0", "2"));
        assertInt(3, run("ZCARD", k[0]));
    }

    @Test
    void shouldNestScoredRangesInResp3() {
        fill();
        final Harness.Client c = h.client();
        c.run("HELLO", "3");
        assertEquals(list(list("a", 1.0), list("b", 2.0)), c.run("ZRANGE", "sl", "0", "1", "WITHSCORES"));
        assertEquals(list(list("e", 5.0)), c.run("ZRANGEBYSCORE", "lp", "5", "5", "WITHSCORES"));
        assertEquals(list("a"), c.run("ZRANGE", "lp", "0", "0"));
        c.close();
    }

    @Test
    void shouldFindNothingInALexRangeOutsideTheFirstAndLastMembersWhateverTheScores() {
        // lex order is undefined with different scores; Redis first checks the last member against
        // min and the first against max (redis-server 7.0.15's replies, both encodings)...
        for (final String encoding : new String[] {"128", "0"}) {
            h.run("CONFIG", "SET", "zset-max-listpack-entries", encoding);
            h.run("DEL", "lz");
            assertEquals(2L, h.run("ZADD", "lz", "1", "p7", "2", "a"));
            assertEquals(list(), h.run("ZRANGEBYLEX", "lz", "[c", "+"));
            assertEquals(0L, h.run("ZLEXCOUNT", "lz", "[c", "+"));
            assertEquals(list(), h.run("ZREVRANGEBYLEX", "lz", "+", "[c"));
            assertEquals(list(), h.run("ZRANGEBYLEX", "lz", "-", "[b"));
            // ZREMRANGEBYLEX on a skiplist walks without that check, down the skiplist's random
            // levels: with mixed scores what it removes depends on them (in Redis too), so only
            // the listpack's answer is fixed
            if ("128".equals(encoding)) {
                assertEquals(0L, h.run("ZREMRANGEBYLEX", "lz", "[c", "+"));
            }
        }
        h.run("CONFIG", "SET", "zset-max-listpack-entries", "128");
    }
}
