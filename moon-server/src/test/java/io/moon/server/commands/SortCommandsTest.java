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
        // pattern keys must live on the sorted key's shard
        final String other = KeyPlacement.elsewhere(h, "{p}s", "w");
        assertErrorText("ERR SORT BY/GET pattern names a key on another shard; give the pattern the sorted key's hash"
                + " tag", run("SORT", "{p}s", "BY", other + "_*"));
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
        assertErrorText("ERR SORT BY/GET pattern names a key on another shard; give the pattern the sorted key's hash"
                + " tag", run("SORT", "{d}s", "GET", "{d}w*", "STORE", far));
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
}
