package io.moon.server.commands;

import io.moon.server.testing.Harness;
import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The set family on three shards: every command and option, Redis's error texts (checked against
 * redis-server 7.0), the encodings of Redis 7.2 and their conversions, and the multi-key commands
 * with their keys on one shard and on several, which must reply the same.
 */
class SetCommandsTest extends SharedHarnessTest {
    private static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    private static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    private static final String SYNTAX = "ERR syntax error";

    @AfterEach
    void defaultThresholds() {
        assertOk(run("CONFIG", "SET", "set-max-intset-entries", "512"));
        assertOk(run("CONFIG", "SET", "set-max-listpack-entries", "128"));
        assertOk(run("CONFIG", "SET", "set-max-listpack-value", "64"));
    }

    private static void assertInt(final long expected, final Object reply) {
        Harness.assertInt(expected, reply);
    }

    private static void assertInt(final long expected, final Object reply, final String why) {
        assertEquals(expected, reply, why);
    }

    private static List<Object> list(final Object... items) {
        return Arrays.asList(items);
    }

    @SuppressWarnings("unchecked")
    private static Set<Object> members(final Object reply) {
        assertInstanceOf(List.class, reply);
        final List<Object> l = (List<Object>) reply;
        final Set<Object> s = new HashSet<>(l);
        assertEquals(l.size(), s.size(), "no member twice in " + l);
        return s;
    }

    private static Set<Object> set(final Object... items) {
        return new HashSet<>(Arrays.asList(items));
    }

    private static String encoding(final String key) {
        return (String) run("OBJECT", "ENCODING", key);
    }

    private static String[] numbers(final String prefix, final int from, final int to) {
        final String[] out = new String[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = prefix + i;
        }
        return out;
    }

    private static Object[] cmd(final String name, final String key, final String... args) {
        final String[] c = new String[args.length + 2];
        c[0] = name;
        c[1] = key;
        System.arraycopy(args, 0, c, 2, args.length);
        return c;
    }

    private static Object runArgs(final Object[] c) {
        return run(Arrays.copyOf(c, c.length, String[].class));
    }

    // ---- SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS ------------------------------------

    @Test
    void shouldAddAndRemoveMembers() {
        assertInt(3, run("SADD", "s", "a", "b", "c"));
        assertInt(1, run("SADD", "s", "a", "d", "d"));
        assertInt(4, run("SCARD", "s"));
        assertInt(0, run("SCARD", "missing"));
        assertInt(1, run("SISMEMBER", "s", "a"));
        assertInt(0, run("SISMEMBER", "s", "z"));
        assertInt(0, run("SISMEMBER", "missing", "a"));
        assertEquals(list(1L, 0L, 1L), run("SMISMEMBER", "s", "a", "z", "d"));
        assertEquals(list(0L, 0L), run("SMISMEMBER", "missing", "a", "b"));
        assertEquals(set("a", "b", "c", "d"), members(run("SMEMBERS", "s")));
        assertEquals(list(), run("SMEMBERS", "missing"));
        assertInt(2, run("SREM", "s", "a", "z", "b", "a"));
        assertInt(0, run("SREM", "missing", "a"));
        assertInt(2, run("SREM", "s", "c", "d", "e"));
        assertInt(0, run("EXISTS", "s"), "an emptied set is deleted");
        assertOk(run("SET", "str", "v"));
        for (final Object[] c : List.of(cmd("SADD", "str", "a"), cmd("SREM", "str", "a"), cmd("SCARD", "str"),
                cmd("SISMEMBER", "str", "a"), cmd("SMISMEMBER", "str", "a"), cmd("SMEMBERS", "str"),
                cmd("SRANDMEMBER", "str"), cmd("SRANDMEMBER", "str", "2"), cmd("SPOP", "str"), cmd("SPOP", "str", "2"),
                cmd("SSCAN", "str", "0"), cmd("SINTER", "str"), cmd("SUNION", "str"), cmd("SDIFF", "str"))) {
            assertErrorText(WRONGTYPE, runArgs(c));
        }
        assertErrorText("ERR wrong number of arguments for 'sadd' command", run("SADD", "s"));
        assertErrorText("ERR wrong number of arguments for 'sismember' command", run("SISMEMBER", "s"));
    }

    @Test
    void shouldKeepBinaryMembers() {
        assertInt(3, run("SADD", "s", "", "a\u0000b", "\u00ff"));
        assertInt(1, run("SISMEMBER", "s", ""));
        assertInt(1, run("SISMEMBER", "s", "a\u0000b"));
        assertEquals(set("", "a\u0000b", "\u00ff"), members(run("SMEMBERS", "s")));
    }

    @Test
    void shouldReplySetsAsRespThreeSets() {
        final Harness.Client c = h.client();
        c.run("HELLO", "3");
        c.run("SADD", "r3", "1", "2");
        assertEquals(new java.util.LinkedHashSet<>(List.of("1", "2")), c.run("SMEMBERS", "r3"));
        assertEquals(Set.of(), c.run("SMEMBERS", "missing"));
        assertEquals(Set.of(), c.run("SPOP", "missing", "2"));
        assertEquals(List.of(), c.run("SRANDMEMBER", "missing", "2"));
        assertInstanceOf(Set.class, c.run("SINTER", "r3", "r3"));
        assertInstanceOf(Set.class, c.run("SUNION", "r3", "missing"));
        assertInstanceOf(Set.class, c.run("SPOP", "r3", "1"));
        assertNil(c.run("SPOP", "missing"));
        c.close();
    }

    // ---- encodings -----------------------------------------------------------------------------

    @Test
    void shouldUseRedis72Encodings() {
        assertInt(3, run("SADD", "i", "1", "2", "-3"));
        assertEquals("intset", encoding("i"));
        assertEquals(list("-3", "1", "2"), run("SMEMBERS", "i"), "an intset walks in ascending order");
        assertInt(1, run("SADD", "i", "x"));
        assertEquals("listpack", encoding("i"), "7.2: a small intset with a string becomes a listpack");
        assertEquals(list("-3", "1", "2", "x"), run("SMEMBERS", "i"));
        assertInt(3, run("SADD", "l", "b", "1", "a"));
        assertEquals("listpack", encoding("l"));
        assertEquals(list("b", "1", "a"), run("SMEMBERS", "l"), "a listpack keeps insertion order");
        // non-canonical integers are strings
        assertInt(4, run("SADD", "n", "01", "-0", "+1", " 1"));
        assertEquals("listpack", encoding("n"));
        assertInt(1, run("SADD", "big", "x".repeat(65)));
        assertEquals("hashtable", encoding("big"));
        assertInt(129, run(numbers("SADD", "many", "m", 0, 129)));
        assertEquals("hashtable", encoding("many"));
        assertInt(513, run(numbers("SADD", "ints", "", 0, 513)));
        assertEquals("hashtable", encoding("ints"));
        assertInt(512, run(numbers("SADD", "ints512", "", 0, 512)));
        assertEquals("intset", encoding("ints512"));
        assertInt(1, run("SADD", "ints512", "512"));
        assertEquals("hashtable", encoding("ints512"), "an intset past its limit becomes a hash table");
        // removing never converts back
        assertInt(512, run(numbers("SREM", "ints512", "", 0, 512)));
        assertEquals("hashtable", encoding("ints512"));
    }

    private static String[] numbers(final String c, final String key, final String prefix, final int from, final int to) {
        final String[] m = numbers(prefix, from, to);
        final String[] out = new String[m.length + 2];
        out[0] = c;
        out[1] = key;
        System.arraycopy(m, 0, out, 2, m.length);
        return out;
    }

    @Test
    void shouldFollowTheConfiguredThresholds() {
        assertOk(run("CONFIG", "SET", "set-max-intset-entries", "3"));
        assertOk(run("CONFIG", "SET", "set-max-listpack-entries", "4"));
        assertOk(run("CONFIG", "SET", "set-max-listpack-value", "5"));
        assertInt(3, run("SADD", "a", "1", "2", "3"));
        assertEquals("intset", encoding("a"));
        assertInt(1, run("SADD", "a", "4"));
        assertEquals("hashtable", encoding("a"));
        // SADD looks at its argument count first: more members than an intset holds -> hash table
        assertInt(2, run("SADD", "b", "1", "2", "1", "2"));
        assertEquals("listpack", encoding("b"), "4 arguments fit a listpack");
        assertInt(2, run("SADD", "c", "1", "2", "1", "2", "1"));
        assertEquals("hashtable", encoding("c"), "5 arguments fit nothing packed");
        assertInt(1, run("SADD", "d", "-1000"));
        assertInt(1, run("SADD", "d", "abcde"));
        assertEquals("listpack", encoding("d"));
        assertInt(1, run("SADD", "e", "-10000"));
        assertInt(1, run("SADD", "e", "a"));
        assertEquals("hashtable", encoding("e"), "-10000 takes 6 characters in a listpack");
        assertInt(1, run("SADD", "f", "abcdef"));
        assertEquals("hashtable", encoding("f"));
    }

    // ---- SRANDMEMBER ---------------------------------------------------------------------------

    @Test
    void shouldDrawRandomMembersWithRedisShapes() {
        for (final String[] members : List.of(numbers("", 0, 5), numbers("", 0, 300), numbers("m", 0, 5),
                numbers("m", 0, 300))) {
            run("DEL", "s");
            final String[] sadd = new String[members.length + 2];
            sadd[0] = "SADD";
            sadd[1] = "s";
            System.arraycopy(members, 0, sadd, 2, members.length);
            run(sadd);
            final Set<String> all = new HashSet<>(Arrays.asList(members));
            final int n = members.length;
            assertTrue(all.contains((String) run("SRANDMEMBER", "s")));
            for (final int count : new int[] {1, 3, n - 1, n, n + 5}) {
                final Set<Object> got = members(run("SRANDMEMBER", "s", Integer.toString(count)));
                assertEquals(Math.min(count, n), got.size(), "count " + count);
                assertTrue(all.containsAll(got));
            }
            @SuppressWarnings("unchecked")
            final List<Object> repeats = (List<Object>) run("SRANDMEMBER", "s", "-1000");
            assertEquals(1000, repeats.size());
            assertTrue(all.containsAll(repeats));
            assertTrue(new HashSet<>(repeats).size() > 1);
            assertEquals(list(), run("SRANDMEMBER", "s", "0"));
            assertInt(n, run("SCARD", "s"), "SRANDMEMBER changes nothing");
        }
        // a listpack samples in its own order
        run("SADD", "lp", "e", "d", "c", "b", "a");
        for (int i = 0; i < 20; i++) {
            @SuppressWarnings("unchecked")
            final List<Object> got = (List<Object>) run("SRANDMEMBER", "lp", "3");
            final List<Object> order = new ArrayList<>(List.of("e", "d", "c", "b", "a"));
            order.retainAll(got);
            assertEquals(order, got);
        }
        assertNil(run("SRANDMEMBER", "missing"));
        assertEquals(list(), run("SRANDMEMBER", "missing", "3"));
        assertErrorText(NOT_INTEGER, run("SRANDMEMBER", "s", "x"));
        assertErrorText(NOT_INTEGER, run("SRANDMEMBER", "missing", "1.5"));
        assertErrorText("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
                run("SRANDMEMBER", "s", "-9223372036854775808"));
        assertErrorText(SYNTAX, run("SRANDMEMBER", "s", "1", "2"));
        // the count is checked before the key's type
        assertOk(run("SET", "str", "v"));
        assertErrorText(NOT_INTEGER, run("SRANDMEMBER", "str", "x"));
    }

    // ---- SPOP ----------------------------------------------------------------------------------

    @Test
    void shouldPopRandomMembers() {
        run(numbers("SADD", "s", "", 0, 10));
        final Set<Object> popped = new HashSet<>();
        popped.add(run("SPOP", "s"));
        popped.addAll(members(run("SPOP", "s", "3")));
        assertInt(6, run("SCARD", "s"));
        popped.addAll(members(run("SPOP", "s", "100")));
        assertEquals(set((Object[]) numbers("", 0, 10)), popped);
        assertInt(0, run("EXISTS", "s"));
        assertNil(run("SPOP", "s"));
        assertEquals(list(), run("SPOP", "s", "3"));
        run("SADD", "s", "a");
        assertEquals(list(), run("SPOP", "s", "0"));
        assertEquals("a", run("SPOP", "s"));
        assertInt(0, run("EXISTS", "s"), "popping the last member deletes the key");
        final String positive = "ERR value is out of range, must be positive";
        assertErrorText(positive, run("SPOP", "s", "-1"));
        assertErrorText(positive, run("SPOP", "s", "x"));
        assertErrorText(SYNTAX, run("SPOP", "s", "1", "2"));
        assertOk(run("SET", "str", "v"));
        assertErrorText(positive, run("SPOP", "str", "-1"));
    }

    @Test
    void shouldPopInEveryStrategyAndKeepRedis72Encodings() {
        // few popped: one by one; most popped: the rest is rebuilt (Redis 7.2 rebuilds a hash
        // table's rest as a listpack when it fits one)
        final String[][] cases = {{"m", "300", "10", "hashtable"}, {"m", "300", "250", "listpack"},
            {"", "300", "10", "intset"}, {"", "300", "290", "intset"}, {"m", "100", "10", "listpack"},
            {"m", "100", "95", "listpack"}, {"", "1000", "999", "listpack"}, {"x".repeat(70), "300", "290", "hashtable"}};
        for (final String[] k : cases) {
            run("DEL", "s");
            final int n = Integer.parseInt(k[1]);
            final int count = Integer.parseInt(k[2]);
            run(numbers("SADD", "s", k[0], 0, n));
            final Set<Object> got = members(run("SPOP", "s", k[2]));
            assertEquals(count, got.size());
            final Set<Object> rest = members(run("SMEMBERS", "s"));
            assertEquals(n - count, rest.size());
            final Set<Object> all = new HashSet<>(got);
            all.addAll(rest);
            assertEquals(set((Object[]) numbers(k[0], 0, n)), all);
            assertEquals(k[3], encoding("s"), Arrays.toString(k));
        }
    }

    @Test
    void shouldReplyAWholePopInUnionOrder() {
        run("SADD", "s", "5", "x");
        run("SREM", "s", "x");
        run("SADD", "s", "1", "y");
        assertEquals(list("5", "1", "y"), run("SMEMBERS", "s"));
        // Redis replies a one-set SUNION, built from an intset: ascending integers until the string
        assertEquals(list("1", "5", "y"), run("SPOP", "s", "5"));
    }

    // ---- SMOVE ---------------------------------------------------------------------------------

    private static List<String[]> pairs() {
        return List.of(new String[] {"{p}src", "{p}dst"}, KeyPlacement.onDistinctShards(h, "p", 2));
    }

    @Test
    void shouldMoveMembersOnOneShardAndAcross() {
        for (final String[] k : pairs()) {
            run("DEL", k[0], k[1]);
            run("SADD", k[0], "a", "1");
            assertInt(1, run("SMOVE", k[0], k[1], "a"));
            assertInt(0, run("SMOVE", k[0], k[1], "zz"));
            assertEquals(list("a"), run("SMEMBERS", k[1]));
            assertEquals("listpack", encoding(k[1]), "created for one string member");
            assertInt(1, run("SMOVE", k[0], k[1], "1"));
            assertInt(0, run("EXISTS", k[0]), "the emptied source is gone");
            assertEquals(set("a", "1"), members(run("SMEMBERS", k[1])));
            assertInt(0, run("SMOVE", k[0], k[1], "a"), "missing source");
            run("SADD", k[0], "7");
            assertInt(1, run("SMOVE", k[1], k[0], "1"));
            assertEquals("intset", encoding(k[0]));
            run("SADD", k[1], "1");
            assertInt(1, run("SMOVE", k[0], k[1], "1"), "already in the destination");
            assertEquals(list("7"), run("SMEMBERS", k[0]));
            assertInt(1, run("SMOVE", k[0], k[0], "7"), "same key: a membership test");
            assertInt(0, run("SMOVE", k[0], k[0], "8"));
            assertOk(run("SET", k[1], "str"));
            assertErrorText(WRONGTYPE, run("SMOVE", k[0], k[1], "7"));
            assertErrorText(WRONGTYPE, run("SMOVE", k[0], k[1], "nope"));
            assertErrorText(WRONGTYPE, run("SMOVE", k[1], k[0], "7"));
            run("DEL", k[0]);
            assertInt(0, run("SMOVE", k[0], k[1], "7"), "a missing source is checked before the destination's type");
            run("SADD", k[0], "7");
            run("DEL", k[1]);
            run("SADD", k[1], "x");
            run("EXPIRE", k[0], "100");
            assertInt(1, run("SMOVE", k[0], k[1], "7"));
            assertInt(0, run("EXISTS", k[0]));
        }
    }

    // ---- SINTER, SINTERCARD, SINTERSTORE -------------------------------------------------------

    /** Three keys on one shard, then on three shards. */
    private static List<String[]> triples() {
        return List.of(new String[] {"{t}a", "{t}b", "{t}c"}, KeyPlacement.onDistinctShards(h, "t", 3));
    }

    @Test
    void shouldIntersectOnOneShardAndAcross() {
        for (final String[] k : triples()) {
            run("FLUSHALL");
            run("SADD", k[0], "1", "2", "3", "a");
            run("SADD", k[1], "2", "3", "4", "a", "b");
            run("SADD", k[2], "3", "a", "9");
            assertEquals(set("3", "a"), members(run("SINTER", k[0], k[1], k[2])));
            assertEquals(set("2", "3", "a"), members(run("SINTER", k[0], k[1])));
            assertEquals(list(), run("SINTER", k[0], "missing{t}", k[1]));
            assertEquals(set("1", "2", "3", "a"), members(run("SINTER", k[0], k[0])));
            assertInt(2, run("SINTERCARD", "3", k[0], k[1], k[2]));
            assertInt(1, run("SINTERCARD", "3", k[0], k[1], k[2], "LIMIT", "1"));
            assertInt(2, run("SINTERCARD", "3", k[0], k[1], k[2], "limit", "0"));
            assertInt(3, run("SINTERCARD", "2", k[0], k[1], "LIMIT", "5", "LIMIT", "0"));
            assertInt(0, run("SINTERCARD", "2", k[0], "missing"));
            assertInt(2, run("SINTERSTORE", k[2], k[0], k[1], k[2]), "the destination may be a source");
            assertEquals(set("3", "a"), members(run("SMEMBERS", k[2])));
            assertInt(0, run("SINTERSTORE", k[2], k[0], "missing"));
            assertInt(0, run("EXISTS", k[2]), "an empty result deletes the destination");
            run("SADD", k[2], "1", "2");
            assertInt(2, run("SINTERSTORE", k[1], k[2], k[0]));
            assertEquals("intset", encoding(k[1]));
            assertOk(run("SET", k[2], "str"));
            assertErrorText(WRONGTYPE, run("SINTER", k[0], k[2]));
            assertErrorText(WRONGTYPE, run("SINTER", "missing", k[2])); // every key's type is checked
            assertErrorText(WRONGTYPE, run("SINTERCARD", "2", k[0], k[2]));
            assertErrorText(WRONGTYPE, run("SINTERSTORE", k[1], k[0], k[2]));
            assertInt(2, run("SINTERSTORE", k[2], k[0], k[1]), "a destination of another type is replaced");
            assertEquals(set("1", "2"), members(run("SMEMBERS", k[2])));
        }
    }

    @Test
    void shouldRejectBadSintercardArguments() {
        run("SADD", "s", "a");
        final String numkeys = "ERR numkeys should be greater than 0";
        assertErrorText(numkeys, run("SINTERCARD", "0", "s"));
        assertErrorText(numkeys, run("SINTERCARD", "-1", "s"));
        assertErrorText(numkeys, run("SINTERCARD", "x", "s"));
        assertErrorText("ERR Number of keys can't be greater than number of args", run("SINTERCARD", "2", "s"));
        assertErrorText(SYNTAX, run("SINTERCARD", "1", "s", "LIMIT"));
        assertErrorText(SYNTAX, run("SINTERCARD", "1", "s", "FOO", "1"));
        assertErrorText("ERR LIMIT can't be negative", run("SINTERCARD", "1", "s", "LIMIT", "-1"));
        assertErrorText("ERR LIMIT can't be negative", run("SINTERCARD", "1", "s", "LIMIT", "x"));
        assertErrorText("ERR wrong number of arguments for 'sintercard' command", run("SINTERCARD", "1"));
    }

    // ---- SUNION, SDIFF and their STORE forms ---------------------------------------------------

    @Test
    void shouldUniteAndSubtractOnOneShardAndAcross() {
        for (final String[] k : triples()) {
            run("FLUSHALL");
            run("SADD", k[0], "1", "2", "3", "a");
            run("SADD", k[1], "2", "4", "b");
            // a union is built from an intset, which became a listpack at "b"; later members append
            assertEquals(list("2", "4", "b", "1", "3", "a"), run("SUNION", k[1], k[0], "missing"));
            assertEquals(list("1", "3", "a"), run("SDIFF", k[0], k[1], "missing"));
            assertEquals(list(), run("SDIFF", "missing", k[0]));
            assertEquals(list(), run("SDIFF", k[0], k[0]));
            assertEquals(list("1", "2", "3", "a"), run("SDIFF", k[0]));
            assertInt(6, run("SUNIONSTORE", k[2], k[0], k[1]));
            assertEquals("listpack", encoding(k[2]));
            assertInt(3, run("SDIFFSTORE", k[2], k[0], k[1], "a"));
            assertEquals("listpack", encoding(k[2]));
            run("SREM", k[0], "a");
            assertInt(2, run("SDIFFSTORE", k[2], k[0], k[1]));
            assertEquals(list("1", "3"), run("SMEMBERS", k[2]));
            assertEquals("intset", encoding(k[2]));
            assertInt(0, run("SDIFFSTORE", k[2], k[0], k[0]));
            assertInt(0, run("EXISTS", k[2]));
            assertInt(0, run("SUNIONSTORE", k[2], "missing"));
            assertOk(run("SET", k[2], "str"));
            assertErrorText(WRONGTYPE, run("SUNION", k[0], k[2]));
            assertErrorText(WRONGTYPE, run("SDIFF", "missing", k[2]));
            assertErrorText(WRONGTYPE, run("SDIFFSTORE", k[1], k[0], k[2]));
            assertInt(3, run("SUNIONSTORE", k[0], k[0], "missing"), "the destination may be a source");
        }
    }

    @Test
    void shouldGiveStoredResultsRedis72Encodings() {
        run(numbers("SADD", "{e}ints", "", 0, 600));
        run(numbers("SADD", "{e}odd", "", 1, 1200));
        run(numbers("SADD", "{e}strs", "m", 0, 200));
        assertEquals("hashtable", encoding("{e}ints"));
        // an intersection of integers only becomes an intset when it fits one
        assertInt(599, run("SINTERSTORE", "{e}d", "{e}ints", "{e}odd"));
        assertEquals("hashtable", encoding("{e}d"));
        run("SREM", "{e}ints", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        run(numbers("SREM", "{e}ints", "", 100, 600));
        assertInt(90, run("SINTERSTORE", "{e}d", "{e}ints", "{e}odd"));
        assertEquals("intset", encoding("{e}d"));
        // a union starts as an intset and grows like any set
        assertInt(290, run("SUNIONSTORE", "{e}u", "{e}ints", "{e}strs"));
        assertEquals("hashtable", encoding("{e}u"));
        assertInt(200, run("SDIFFSTORE", "{e}u", "{e}strs", "{e}ints"));
        assertEquals("hashtable", encoding("{e}u"));
        run(numbers("SREM", "{e}strs", "m", 0, 190));
        assertInt(10, run("SDIFFSTORE", "{e}u", "{e}strs", "{e}ints"));
        assertEquals("listpack", encoding("{e}u"));
    }

    // ---- SSCAN ---------------------------------------------------------------------------------

    @Test
    void shouldScanSmallSetsInOneCall() {
        run("SADD", "s", "1", "2", "3");
        assertEquals(list("0", list("1", "2", "3")), run("SSCAN", "s", "0"));
        assertEquals(list("0", list("1", "2", "3")), run("SSCAN", "s", "17", "COUNT", "1"),
                "a packed set ignores the cursor");
        assertEquals(list("0", list("2")), run("SSCAN", "s", "0", "MATCH", "2*"));
        run("SADD", "s", "abc");
        assertEquals(list("0", list("abc")), run("SSCAN", "s", "0", "match", "a?c", "count", "5"));
        assertEquals(list("0", list()), run("SSCAN", "missing", "0"));
        assertEquals(list("0", list()), run("SSCAN", "missing", "0", "COUNT", "0"), "options of a missing key are not read");
        assertErrorText("ERR invalid cursor", run("SSCAN", "s", "x"));
        assertErrorText("ERR invalid cursor", run("SSCAN", "missing", " 1"));
        assertErrorText(SYNTAX, run("SSCAN", "s", "0", "COUNT", "0"));
        assertErrorText(NOT_INTEGER, run("SSCAN", "s", "0", "COUNT", "x"));
        assertErrorText(SYNTAX, run("SSCAN", "s", "0", "TYPE", "string"));
        assertErrorText(SYNTAX, run("SSCAN", "s", "0", "MATCH"));
    }

    @Test
    void shouldScanWholeTableWhenCountIsHuge() {
        run(numbers("SADD", "s", "m", 0, 300));
        final List<?> r = (List<?>) run("SSCAN", "s", "0", "COUNT", "9223372036854775807");
        assertEquals("0", r.get(0), "COUNT * 10 overflows in Redis too: no iteration limit");
        assertEquals(300, ((List<?>) r.get(1)).size());
    }

    @Test
    void shouldScanAHashTableWithACursor() {
        run(numbers("SADD", "s", "m", 0, 1000));
        final Set<String> seen = new TreeSet<>();
        String cursor = "0";
        int calls = 0;
        do {
            @SuppressWarnings("unchecked")
            final List<Object> reply = (List<Object>) run("SSCAN", "s", cursor, "COUNT", "20");
            cursor = (String) reply.get(0);
            for (final Object m : (List<?>) reply.get(1)) {
                seen.add((String) m);
            }
            // members come and go during the scan; those present throughout must all be seen
            run("SADD", "s", "extra" + calls);
            run("SREM", "s", "extra" + (calls - 1));
            assertTrue(++calls < 1000);
        } while (!cursor.equals("0"));
        for (final String m : numbers("m", 0, 1000)) {
            assertTrue(seen.contains(m), m);
        }
        assertTrue(calls > 10, "COUNT bounds each call: " + calls);
        @SuppressWarnings("unchecked")
        final List<Object> matched = (List<Object>) run("SSCAN", "s", "0", "MATCH", "m99*", "COUNT", "10000");
        assertEquals("0", matched.get(0));
        assertEquals(set("m99", "m990", "m991", "m992", "m993", "m994", "m995", "m996", "m997", "m998", "m999"),
                new HashSet<>((List<?>) matched.get(1)));
    }

    // ---- large sets ----------------------------------------------------------------------------

    @Test
    void shouldHandleAMillionMembers() {
        final int n = 1_000_000;
        final int batch = 10_000;
        final long t0 = System.nanoTime();
        for (int from = 0; from < n; from += batch) {
            assertInt(batch, run(numbers("SADD", "big", "member:", from, from + batch)));
        }
        final long added = System.nanoTime();
        assertInt(n, run("SCARD", "big"));
        assertEquals("hashtable", encoding("big"));
        for (int i = 0; i < 1000; i++) {
            assertInt(1, run("SISMEMBER", "big", "member:" + (i * 997)));
        }
        assertInt(0, run("SISMEMBER", "big", "member:" + n));
        assertEquals(100, members(run("SRANDMEMBER", "big", "100")).size());
        assertEquals(1000, ((List<?>) run("SRANDMEMBER", "big", "-1000")).size());
        assertEquals(1000, members(run("SPOP", "big", "1000")).size());
        @SuppressWarnings("unchecked")
        final List<Object> scan = (List<Object>) run("SSCAN", "big", "0", "COUNT", "100");
        assertTrue(((List<?>) scan.get(1)).size() >= 100);
        final long read = System.nanoTime();
        for (int from = 0; from < n; from += batch) {
            run(numbers("SREM", "big", "member:", from, from + batch));
        }
        final long removed = System.nanoTime();
        assertInt(0, run("EXISTS", "big"));
        System.out.printf("SetCommandsTest: 1M members: SADD %d ms, reads %d ms, SREM %d ms%n",
                (added - t0) / 1_000_000, (read - added) / 1_000_000, (removed - read) / 1_000_000);
        assertTrue(removed - t0 < 120_000_000_000L, "a million members within two minutes");
    }
}
