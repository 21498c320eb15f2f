package io.moon.server.commands;

import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SORT and SORT_RO on three shards, replies checked against redis-server 7.0: numeric and ALPHA
 * order, LIMIT's clamping, BY and GET patterns ("#", strings, "nosort"), STORE (a list, an empty
 * result deleting the destination, the destination on another shard), and the errors.
 */
class SortCommandsTest extends SharedHarnessTest {
    private static final String SYNTAX = "ERR syntax error";

    private static void assertInt(final long expected, final Object reply) {
        assertEquals(expected, reply);
    }

    private static void assertInt(final long expected, final Object reply, final String why) {
        assertEquals(expected, reply, why);
    }

    private static List<Object> list(final Object... items) {
        return Arrays.asList(items);
    }

    @Test
    void shouldSortNumbersAndStrings() {
        run("SADD", "{s}n", "3", "1", "2", "10", "-5");
        assertEquals(list("-5", "1", "2", "3", "10"), run("SORT", "{s}n"));
        assertEquals(list("10", "3", "2", "1", "-5"), run("SORT", "{s}n", "DESC"));
        assertEquals(list("-5", "1", "10", "2", "3"), run("SORT", "{s}n", "ALPHA"));
        assertEquals(list("3", "2", "10", "1", "-5"), run("SORT", "{s}n", "alpha", "desc"));
        assertEquals(list("-5", "1", "2", "3", "10"), run("SORT_RO", "{s}n", "DESC", "ASC"));
        run("SADD", "{s}f", "1.5", "1e3", "0x10", " 4", "inf", "-inf", "");
        assertEquals(list("-inf", "", "1.5", " 4", "0x10", "1e3", "inf"), run("SORT", "{s}f"));
        run("SADD", "{s}t", "b", "a", "c");
        assertErrorText("ERR One or more scores can't be converted into double", run("SORT", "{s}t"));
        assertEquals(list("a", "b", "c"), run("SORT", "{s}t", "ALPHA"));
        run("SADD", "{s}sp", "  ");
        assertErrorText("ERR One or more scores can't be converted into double", run("SORT", "{s}sp"));
        run("RPUSH", "{s}sub", "1e-310", "1"); // strtod's ERANGE for a subnormal result
        assertErrorText("ERR One or more scores can't be converted into double", run("SORT", "{s}sub"));
        run("RPUSH", "{s}norm", "2.2250738585072014e-308", "-1e-300", "1");
        assertEquals(list("-1e-300", "2.2250738585072014e-308", "1"), run("SORT", "{s}norm"));
        assertEquals(list(), run("SORT", "missing"));
        assertOk(run("SET", "str", "v"));
        assertErrorText("WRONGTYPE Operation against a key holding the wrong kind of value", run("SORT", "str"));
    }

    @Test
    void shouldClampLimits() {
        run("SADD", "s", "3", "1", "2", "10", "-5");
        assertEquals(list("1", "2"), run("SORT", "s", "LIMIT", "1", "2"));
        assertEquals(list("3", "2"), run("SORT", "s", "LIMIT", "1", "2", "DESC"));
        assertEquals(list("-5", "1"), run("SORT", "s", "LIMIT", "-1", "2"));
        assertEquals(list(), run("SORT", "s", "LIMIT", "10", "2"));
        assertEquals(list(), run("SORT", "s", "LIMIT", "0", "0"));
        assertEquals(list("-5", "1", "2", "3", "10"), run("SORT", "s", "LIMIT", "0", "-5"));
        assertErrorText("ERR value is not an integer or out of range", run("SORT", "s", "LIMIT", "x", "1"));
        assertErrorText(SYNTAX, run("SORT", "s", "LIMIT", "1"));
        assertErrorText(SYNTAX, run("SORT", "s", "FOO"));
        assertErrorText(SYNTAX, run("SORT_RO", "s", "STORE", "d"));
    }

    @Test
    void shouldWeighAndFetchByPatterns() {
        run("SADD", "{p}s", "3", "1", "2", "10", "-5");
        assertOk(run("MSET", "{p}w_1", "30", "{p}w_2", "20", "{p}w_3", "10", "{p}w_10", "5", "{p}w_-5", "100"));
        assertEquals(list("10", "3", "2", "1", "-5"), run("SORT", "{p}s", "BY", "{p}w_*"));
        assertEquals(list("-5", "1", "2", "3", "10"), run("SORT", "{p}s", "BY", "{p}w_*", "DESC"));
        assertEquals(list("10", "5", "3", "10", "2", "20", "1", "30", "-5", "100"),
                run("SORT", "{p}s", "BY", "{p}w_*", "GET", "#", "GET", "{p}w_*"));
        assertEquals(list(null, null, null, null, null), run("SORT", "{p}s", "GET", "{p}h_*->f"));
        assertEquals(list(null, null), run("SORT", "{p}s", "GET", "nostar", "LIMIT", "0", "2"));
        // a constant BY does not sort: the set's own order (an intset's is ascending)
        run("SADD", "{p}u", "b", "10", "a");
        assertEquals(list("b", "10", "a"), run("SORT", "{p}u", "BY", "nosort"));
        assertEquals(list("b", "10", "a"), run("SORT", "{p}u", "BY", "nosort", "DESC"), "DESC does not reverse a set");
        run("SADD", "{p}t", "b", "a", "c");
        assertEquals(list("a", "b", "c"), run("SORT", "{p}t", "BY", "{p}w_*"), "missing weights are 0, ties by bytes");
        assertOk(run("MSET", "{p}wa_a", "x", "{p}wa_b", ""));
        assertEquals(list("c", "b", "a"), run("SORT", "{p}t", "BY", "{p}wa_*", "ALPHA"),
                "a missing weight sorts first, then by bytes");
        // a pattern naming keys on another shard is looked up there (missing weights: all 0)
        final String other = KeyPlacement.elsewhere(h, "{p}s", "w");
        assertEquals(list("-5", "1", "10", "2", "3"), run("SORT", "{p}s", "BY", other + "_*"));
    }

    @Test
    void shouldStoreAList() {
        run("SADD", "{d}s", "3", "1", "2");
        assertInt(3, run("SORT", "{d}s", "STORE", "{d}dst"));
        assertEquals("list", ((io.moon.server.testing.Resp.Simple) run("TYPE", "{d}dst")).text());
        assertEquals("listpack", run("OBJECT", "ENCODING", "{d}dst"));
        assertInt(3, run("SORT", "{d}s", "BY", "nosort", "STORE", "{d}dst"), "a stored set is always sorted");
        assertInt(0, run("SORT", "{d}s", "LIMIT", "5", "5", "STORE", "{d}dst"));
        assertInt(0, run("EXISTS", "{d}dst"), "an empty result deletes the destination");
        final String far = KeyPlacement.elsewhere(h, "{d}s", "dst");
        assertInt(3, run("SORT", "{d}s", "GET", "#", "STORE", far));
        assertEquals("list", ((io.moon.server.testing.Resp.Simple) run("TYPE", far)).text());
        assertInt(3, run("SORT", "{d}s", "STORE", "a", "STORE", far), "the last STORE wins");
        assertOk(run("MSET", "{d}w1", "a", "{d}w2", "b", "{d}w3", "c"));
        assertInt(3, run("SORT", "{d}s", "GET", "{d}w*", "STORE", far), "patterns with the sorted key's tag");
        assertEquals(list("a", "b", "c"), run("LRANGE", far, "0", "-1"));
    }

    @Test
    void shouldSortListsAndKeepTheirOrderUnsorted() {
        run("RPUSH", "l", "3", "1", "2");
        assertEquals(list("1", "2", "3"), run("SORT", "l"));
        assertEquals(list("3", "2", "1"), run("SORT", "l", "ALPHA", "DESC"));
        assertEquals(list("3", "1", "2"), run("SORT", "l", "BY", "nosort"));
        assertEquals(list("1", "3"), run("SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "5"));
        assertInt(3, run("SORT", "l", "BY", "nosort", "STORE", "l2"));
        assertEquals(list("3", "1", "2"), run("LRANGE", "l2", "0", "-1"));
        // a result too big for one listpack is stored as a quicklist
        final String[] big = new String[1002];
        big[0] = "RPUSH";
        big[1] = "big";
        for (int i = 0; i < 1000; i++) {
            big[i + 2] = String.format("e%04d", 999 - i) + "x".repeat(20);
        }
        run(big);
        assertInt(1000, run("SORT", "big", "ALPHA", "STORE", "sorted"));
        assertEquals(list("e0000" + "x".repeat(20), "e0001" + "x".repeat(20)), run("LRANGE", "sorted", "0", "1"));
        assertEquals("quicklist", run("OBJECT", "ENCODING", "sorted"));
    }

    // ---- patterns naming keys on other shards (replies checked against redis-server 7.0) --------

    /** Three elements whose "w_" keys sit on the three shards: "w_" + element is each key. */
    private String[] spread() {
        final String[] keys = KeyPlacement.onDistinctShards(h, "w_", 3);
        final String[] elements = new String[3];
        for (int i = 0; i < 3; i++) {
            elements[i] = keys[i].substring(2);
        }
        return elements;
    }

    @Test
    void shouldWeighAndGetByKeysOnEveryShard() {
        final String[] e = spread();
        run("RPUSH", "xl", e[0], e[1], e[2]);
        assertOk(run("MSET", "w_" + e[0], "30", "w_" + e[1], "10", "w_" + e[2], "20"));
        assertOk(run("MSET", "g_" + e[0], "A", "g_" + e[1], "B"));
        assertEquals(list(e[1], e[2], e[0]), run("SORT", "xl", "BY", "w_*"));
        assertEquals(list(e[0], e[2], e[1]), run("SORT_RO", "xl", "BY", "w_*", "DESC"));
        assertEquals(list(e[1], "B", "10", e[2], null, "20", e[0], "A", "30"),
                run("SORT", "xl", "BY", "w_*", "GET", "#", "GET", "g_*", "GET", "w_*"));
        assertEquals(list("30", "10", "20"), run("SORT", "xl", "BY", "nosort", "GET", "w_*"), "nosort keeps list order");
        assertEquals(list("20", "10", "30"), run("SORT", "xl", "BY", "nosort", "GET", "w_*", "DESC"));
        // ALPHA compares the weights' bytes: "10" < "20" < "30" as well; LIMIT after sorting
        assertOk(run("MSET", "w_" + e[0], "b", "w_" + e[1], "c", "w_" + e[2], "a"));
        assertEquals(list(e[2], e[0], e[1]), run("SORT", "xl", "BY", "w_*", "ALPHA"));
        assertEquals(list(e[0], e[2]), run("SORT", "xl", "BY", "w_*", "ALPHA", "DESC", "LIMIT", "1", "5"));
        assertEquals(list("A"), run("SORT", "xl", "BY", "w_*", "ALPHA", "LIMIT", "1", "1", "GET", "g_*"));
        assertErrorText("ERR One or more scores can't be converted into double", run("SORT", "xl", "BY", "w_*"));
        // a weight key of another type counts as missing: weight 0, ties by the element's bytes
        run("DEL", "w_" + e[0], "w_" + e[1], "w_" + e[2]);
        run("RPUSH", "w_" + e[1], "x");
        final String[] sorted = e.clone();
        Arrays.sort(sorted);
        assertEquals(list((Object[]) sorted), run("SORT", "xl", "BY", "w_*"));
        assertOk(run("SET", "xstr", "v"));
        assertErrorText("WRONGTYPE Operation against a key holding the wrong kind of value",
                run("SORT", "xstr", "BY", "w_*"));
        assertEquals(list(), run("SORT", "nokey", "BY", "w_*", "GET", "g_*"));
        assertErrorText(SYNTAX, run("SORT", "xl", "BY", "w_*", "BOGUS"));
    }

    @Test
    void shouldReadHashFieldsOnEveryShard() {
        final String[] keys = KeyPlacement.onDistinctShards(h, "h_", 3);
        final String[] e = new String[3];
        for (int i = 0; i < 3; i++) {
            e[i] = keys[i].substring(2);
        }
        run("SADD", "hs", e[0], e[1], e[2]);
        run("HSET", "h_" + e[0], "w", "3", "name", "zero");
        run("HSET", "h_" + e[1], "w", "1", "name", "one");
        // a hash table encoding: a value longer than hash-max-listpack-value
        final String longName = "n".repeat(100);
        run("HSET", "h_" + e[2], "w", "2", "name", longName);
        assertEquals("hashtable", run("OBJECT", "ENCODING", "h_" + e[2]));
        assertEquals(list("one", longName, "zero"), run("SORT", "hs", "BY", "h_*->w", "GET", "h_*->name"));
        assertEquals(list(null, null, null), run("SORT", "hs", "GET", "h_*->nofield"));
        assertEquals(list(null, null, null), run("SORT", "hs", "GET", "h_*->"), "an empty field names a string key");
    }

    @Test
    void shouldStoreToAnotherShardWithPatternsElsewhere() {
        final String[] e = spread();
        run("SADD", "{q}s", e[0], e[1], e[2]);
        assertOk(run("MSET", "w_" + e[0], "3", "w_" + e[1], "1", "w_" + e[2], "2"));
        final String far = KeyPlacement.elsewhere(h, "{q}s", "out");
        assertInt(3, run("SORT", "{q}s", "BY", "w_*", "GET", "w_*", "STORE", far));
        assertEquals(list("1", "2", "3"), run("LRANGE", far, "0", "-1"));
        assertInt(2, run("SORT", "{q}s", "BY", "w_*", "GET", "nope_*", "LIMIT", "0", "2", "STORE", far));
        assertEquals(list("", ""), run("LRANGE", far, "0", "-1"), "a missing GET stores an empty string");
        assertInt(0, run("SORT", "{q}s", "BY", "w_*", "LIMIT", "9", "1", "STORE", far));
        assertInt(0, run("EXISTS", far), "an empty result deletes the destination");
        assertOk(run("SET", "w_" + e[0], "x"));
        assertOk(run("SET", far, "kept"));
        assertErrorText("ERR One or more scores can't be converted into double",
                run("SORT", "{q}s", "BY", "w_*", "STORE", far));
        assertEquals("kept", run("GET", far), "an error stores nothing");
    }

    /**
     * A set has no order: BY nosort inside a script sorts it (alphabetically) as Redis does, so a
     * script sees the same whatever the set's layout; a plain SORT keeps the set's own order.
     */
    @Test
    void shouldSortASetByNosortInsideScripts() {
        run("SADD", "ns", "c", "b", "a", "10", "2", "zz");
        assertEquals(list("10", "2", "a", "b", "c", "zz"),
                run("EVAL", "return redis.call('sort_ro', KEYS[1], 'by', 'nosort')", "1", "ns"));
        assertEquals(list("zz", "c", "b", "a", "2", "10"),
                run("EVAL", "return redis.call('sort', KEYS[1], 'by', 'nosort', 'desc')", "1", "ns"));
        assertEquals(list("2", "a"),
                run("EVAL", "return redis.call('sort', KEYS[1], 'by', 'nosort', 'limit', 1, 2)", "1", "ns"));
        // a list keeps its order by nosort, in a script too
        run("RPUSH", "nl", "c", "a", "b");
        assertEquals(list("c", "a", "b"), run("EVAL", "return redis.call('sort', KEYS[1], 'by', 'nosort')", "1", "nl"));
        // with a second key (over gathered copies when the two are on different shards): the same
        run("SET", "nsx", "1");
        assertEquals(list("10", "2", "a", "b", "c", "zz"), run("EVAL",
                "redis.call('get', KEYS[2]); return redis.call('sort', KEYS[1], 'by', 'nosort')", "2", "ns", "nsx"));
    }
}
