package io.moon.server.commands;

import io.moon.server.testing.Harness;
import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.moon.server.commands.ZsetCommandsTest.NOT_INTEGER;
import static io.moon.server.commands.ZsetCommandsTest.SYNTAX;
import static io.moon.server.commands.ZsetCommandsTest.WRONGTYPE;
import static io.moon.server.commands.ZsetCommandsTest.list;
import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ZPOPMIN, ZPOPMAX, ZMPOP, ZRANDMEMBER, ZSCAN, and the set algebra (ZUNION, ZINTER, ZDIFF, their
 * STORE forms, ZINTERCARD) with keys on different shards, replies checked against redis-server
 * 7.0.
 */
class ZsetMultiKeyCommandsTest extends SharedHarnessTest {

    @Test
    void shouldPopFromEitherEnd() {
        run("ZADD", "z", "1", "a", "2", "b", "3", "c");
        assertEquals(list("a", "1"), run("ZPOPMIN", "z"));
        assertEquals(list("c", "3", "b", "2"), run("ZPOPMAX", "z", "5"));
        assertInt(0, run("EXISTS", "z"));
        assertEquals(list(), run("ZPOPMIN", "none"));
        run("ZADD", "z", "1", "a");
        assertEquals(list(), run("ZPOPMIN", "z", "0"));
        assertErrorText("ERR value is out of range, must be positive", run("ZPOPMIN", "z", "-1"));
        assertErrorText("ERR value is out of range, must be positive", run("ZPOPMIN", "z", "x"));
        assertErrorText(SYNTAX, run("ZPOPMIN", "z", "1", "2"));
        final Harness.Client c = h.client();
        c.run("HELLO", "3");
        c.run("ZADD", "r3", "1", "a", "2", "b");
        assertEquals(list("a", 1.0), c.run("ZPOPMIN", "r3"));
        assertEquals(list(list("b", 2.0)), c.run("ZPOPMIN", "r3", "1"));
        c.close();
        assertOk(run("SET", "s", "x"));
        assertErrorText(WRONGTYPE, run("ZPOPMAX", "s"));
    }

    @Test
    void shouldPopFromTheFirstNonEmptyKeyWithZmpop() {
        final String[] k = KeyPlacement.onDistinctShards(h, "zm", 3);
        run("ZADD", k[1], "10", "y", "20", "z", "30", "w");
        assertEquals(list(k[1], list(list("w", "30"), list("z", "20"))), run("ZMPOP", "2", k[0], k[1], "MAX", "COUNT", "2"));
        assertEquals(list(k[1], list(list("y", "10"))), run("ZMPOP", "3", k[0], k[2], k[1], "min", "COUNT", "9"));
        assertInt(0, run("EXISTS", k[1]));
        assertNil(run("ZMPOP", "1", k[0], "MIN"));
        assertErrorText("ERR numkeys should be greater than 0", run("ZMPOP", "0", k[0], "MIN"));
        assertErrorText("ERR numkeys should be greater than 0", run("ZMPOP", "x", k[0], "MIN"));
        assertErrorText(SYNTAX, run("ZMPOP", "2", k[0], "MIN"));
        assertErrorText(SYNTAX, run("ZMPOP", "1", k[0], "FOO"));
        assertErrorText("ERR count should be greater than 0", run("ZMPOP", "1", k[0], "MIN", "COUNT", "0"));
        assertErrorText(SYNTAX, run("ZMPOP", "1", k[0], "MIN", "COUNT", "1", "COUNT", "1"));
        assertOk(run("SET", k[2], "x"));
        assertErrorText(WRONGTYPE, run("ZMPOP", "2", k[0], k[2], "MIN"));
    }

    @Test
    void shouldCombineSetsAcrossShards() {
        final String[] k = KeyPlacement.onDistinctShards(h, "zu", 3);
        run("ZADD", k[0], "1", "x", "2", "y", "3", "z");
        run("ZADD", k[1], "10", "y", "20", "z", "30", "w");
        run("SADD", k[2], "y", "w", "q");
        assertEquals(list("x", "1", "y", "12", "z", "23", "w", "30"), run("ZUNION", "2", k[0], k[1], "WITHSCORES"));
        assertEquals(list("q", "1", "x", "1", "y", "13", "z", "23", "w", "31"),
                run("ZUNION", "3", k[0], k[1], k[2], "WITHSCORES"));
        assertEquals(list("y", "12", "z", "23"), run("ZINTER", "2", k[0], k[1], "withscores"));
        assertEquals(list("y", "30", "z", "60"),
                run("ZINTER", "2", k[0], k[1], "WEIGHTS", "2", "3", "AGGREGATE", "MAX", "WITHSCORES"));
        assertEquals(list("y", "2", "z", "3"), run("ZINTER", "2", k[0], k[1], "AGGREGATE", "min", "WITHSCORES"));
        assertEquals(list("x", "1"), run("ZDIFF", "2", k[0], k[1], "WITHSCORES"));
        assertEquals(list("x", "y", "z"), run("ZINTER", "2", k[0], k[0]));
        assertEquals(list("x", "2", "y", "4", "z", "6"), run("ZINTER", "2", k[0], k[0], "WITHSCORES"));
        assertEquals(list(), run("ZDIFF", "2", k[0], k[0]));
        assertInt(2, run("ZINTERCARD", "2", k[0], k[1]));
        assertInt(1, run("ZINTERCARD", "2", k[0], k[1], "LIMIT", "1"));
        assertInt(4, run("ZUNIONSTORE", "dst", "2", k[0], k[1]));
        assertEquals(list("x", "1", "y", "12", "z", "23", "w", "30"), run("ZRANGE", "dst", "0", "-1", "WITHSCORES"));
        assertInt(0, run("ZINTERSTORE", "dst", "2", k[0], "missing"));
        assertInt(0, run("EXISTS", "dst"));
        assertInt(1, run("ZDIFFSTORE", k[1], "2", k[0], k[1]));
        assertEquals(list("x"), run("ZRANGE", k[1], "0", "-1"));
        assertEquals(list("x", "inf", "y", "inf", "z", "inf"), run("ZUNION", "1", k[0], "WEIGHTS", "inf", "WITHSCORES"));
        final Harness.Client c = h.client();
        c.run("HELLO", "3");
        assertEquals(list(list("y", 2.0), list("z", 3.0)), c.run("ZDIFF", "2", k[0], k[1], "WITHSCORES"));
        c.close();
    }

    @Test
    void shouldTakeSetsAsInputsScoringOne() {
        final String[] k = KeyPlacement.onDistinctShards(h, "zs", 3);
        run("ZADD", k[0], "1", "x", "2", "y", "3", "z");
        run("SADD", k[1], "1", "2", "3");
        run("ZADD", k[2], "5", "1", "6", "2");
        assertEquals("intset", run("OBJECT", "ENCODING", k[1]));
        assertEquals(list("3", "1", "1", "6", "2", "7"), run("ZUNION", "2", k[2], k[1], "WITHSCORES"));
        assertEquals(list("1", "6", "2", "7"), run("ZINTER", "2", k[2], k[1], "WITHSCORES"));
        run("SADD", k[1], "x".repeat(100));
        assertEquals("hashtable", run("OBJECT", "ENCODING", k[1]));
        assertEquals(list("1", "6", "2", "7"), run("ZINTER", "2", k[2], k[1], "WITHSCORES"));
        assertEquals(list("x", "y", "z"), run("ZDIFF", "2", k[0], k[1]));
        assertInt(2, run("ZINTERCARD", "2", k[1], k[2]));
    }

    @Test
    void shouldRejectBadSetAlgebraArguments() {
        run("ZADD", "z", "1", "a");
        assertErrorText("ERR at least 1 input key is needed for 'zunion' command", run("ZUNION", "0", "z"));
        assertErrorText("ERR at least 1 input key is needed for 'zunionstore' command", run("ZUNIONSTORE", "d", "0", "z"));
        assertErrorText("ERR at least 1 input key is needed for 'zintercard' command", run("ZINTERCARD", "0", "z"));
        assertErrorText(NOT_INTEGER, run("ZUNION", "x", "z"));
        assertErrorText(SYNTAX, run("ZUNION", "3", "z"));
        assertErrorText("ERR weight value is not a float", run("ZUNION", "1", "z", "WEIGHTS", "x"));
        assertErrorText(SYNTAX, run("ZUNION", "1", "z", "AGGREGATE", "foo"));
        assertErrorText(SYNTAX, run("ZDIFF", "1", "z", "WEIGHTS", "1"));
        assertErrorText(SYNTAX, run("ZUNIONSTORE", "d", "1", "z", "WITHSCORES"));
        assertErrorText("ERR LIMIT can't be negative", run("ZINTERCARD", "1", "z", "LIMIT", "-1"));
        assertEquals(list("a", "1"), run("ZUNION", "1", "z", "WITHSCORES", "WITHSCORES"));
        assertOk(run("SET", "s", "x"));
        assertErrorText(WRONGTYPE, run("ZUNION", "2", "z", "s"));
        assertErrorText(WRONGTYPE, run("ZINTERCARD", "1", "s"));
    }

    @Test
    void shouldPickRandomMembers() {
        run("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d");
        assertEquals(list("d", "4", "c", "3", "b", "2", "a", "1"), run("ZRANDMEMBER", "z", "10", "WITHSCORES"));
        final List<?> three = (List<?>) run("ZRANDMEMBER", "z", "3");
        assertEquals(3, new HashSet<>(three).size());
        assertEquals(7, ((List<?>) run("ZRANDMEMBER", "z", "-7")).size());
        assertTrue(Set.of("a", "b", "c", "d").contains(run("ZRANDMEMBER", "z")));
        assertEquals(list(), run("ZRANDMEMBER", "z", "0"));
        assertNil(run("ZRANDMEMBER", "none"));
        assertEquals(list(), run("ZRANDMEMBER", "none", "5"));
        assertErrorText(NOT_INTEGER, run("ZRANDMEMBER", "z", "x"));
        assertErrorText(SYNTAX, run("ZRANDMEMBER", "z", "5", "WITHSCORE"));
        assertErrorText("ERR value is out of range", run("ZRANDMEMBER", "z", "9223372036854775807", "WITHSCORES"));
        assertErrorText("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
                run("ZRANDMEMBER", "z", "-9223372036854775808"));
        for (int i = 0; i < 300; i++) {
            run("ZADD", "big", Integer.toString(i), "m" + i);
        }
        final List<?> some = (List<?>) run("ZRANDMEMBER", "big", "50");
        assertEquals(50, new HashSet<>(some).size());
        final List<?> most = (List<?>) run("ZRANDMEMBER", "big", "250", "WITHSCORES");
        assertEquals(500, most.size());
    }

    @Test
    void shouldScanWholeSkiplistWhenCountIsHuge() {
        for (int i = 0; i < 300; i++) {
            run("ZADD", "huge", Integer.toString(i), "m" + i);
        }
        final List<?> r = (List<?>) run("ZSCAN", "huge", "0", "COUNT", "4611686018427387904");
        assertEquals("0", r.get(0), "COUNT * 10 overflows in Redis too: no iteration limit");
        assertEquals(600, ((List<?>) r.get(1)).size());
    }

    @Test
    void shouldScanBothEncodings() {
        run("ZADD", "lp", "1", "a", "2.5", "b", "inf", "c");
        assertEquals(list("0", list("a", "1", "b", "2.5", "c", "inf")), run("ZSCAN", "lp", "0"));
        assertEquals(list("0", list("b", "2.5")), run("ZSCAN", "lp", "0", "MATCH", "b*"));
        final Set<String> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            run("ZADD", "sl", Integer.toString(i), "m" + i);
        }
        String cursor = "0";
        int calls = 0;
        do {
            final List<?> r = (List<?>) run("ZSCAN", "sl", cursor, "COUNT", "50");
            cursor = (String) r.get(0);
            final List<?> items = (List<?>) r.get(1);
            for (int i = 0; i < items.size(); i += 2) {
                seen.add(items.get(i) + "=" + items.get(i + 1));
            }
        } while (!cursor.equals("0") && ++calls < 1000);
        assertEquals(500, seen.size());
        assertTrue(seen.contains("m7=7"));
        assertEquals(list("0", list()), run("ZSCAN", "none", "0"));
        assertErrorText("ERR invalid cursor", run("ZSCAN", "lp", "x"));
        assertErrorText(SYNTAX, run("ZSCAN", "lp", "0", "COUNT", "0"));
        assertErrorText(SYNTAX, run("ZSCAN", "lp", "0", "TYPE", "string"));
    }
}
