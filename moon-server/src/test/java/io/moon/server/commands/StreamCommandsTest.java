package io.moon.server.commands;

import io.moon.server.testing.Resp;
import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM, XREAD and XSETID on three shards, and the generic
 * key commands on streams. Replies and error texts are redis-server 7.0.15's for the same
 * commands (7.2's where they changed); the differential test compares random sequences on top.
 */
class StreamCommandsTest extends SharedHarnessTest {
    private static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    private static final String INVALID_ID = "ERR Invalid stream ID specified as stream command argument";
    private static final String TOO_SMALL =
            "ERR The ID specified in XADD is equal or smaller than the target stream top item";

    @AfterEach
    void defaults() {
        assertOk(run("CONFIG", "SET", "stream-node-max-entries", "100"));
        assertOk(run("CONFIG", "SET", "stream-node-max-bytes", "4096"));
        assertOk(run("CONFIG", "SET", "notify-keyspace-events", ""));
    }

    @Test
    void shouldNotifyStreamEventsAsRedis() {
        assertOk(run("CONFIG", "SET", "notify-keyspace-events", "Et"));
        final io.moon.server.testing.Harness.Client sub = h.client();
        sub.run("PSUBSCRIBE", "__keyevent@0__:*");
        run("XADD", "n", "1-0", "a", "b");
        run("XADD", "n", "MAXLEN", "1", "2-0", "a", "b");
        run("XDEL", "n", "9-9"); // nothing deleted: no event
        run("XDEL", "n", "2-0");
        run("XTRIM", "n", "MAXLEN", "0"); // empty already: no event
        run("XSETID", "n", "5-0");
        for (final String e : new String[] {"xadd", "xadd", "xtrim", "xdel", "xsetid"}) {
            assertEquals(List.of("pmessage", "__keyevent@0__:*", "__keyevent@0__:" + e, "n"), sub.read());
        }
        sub.close();
    }

    private static List<Object> entry(final String id, final String... fv) {
        return List.of(id, List.of((Object[]) fv));
    }

    @Test
    void shouldAddWithExplicitPartialAndAutomaticIds() {
        assertEquals("1-1", run("XADD", "s", "1-1", "a", "1", "b", "2"));
        assertEquals("1-2", run("XADD", "s", "1-*", "a", "1"));
        assertEquals("5-0", run("XADD", "s", "5", "c", "3"));
        assertEquals("5-1", run("XADD", "s", "5-*", "c", "3"));
        assertErrorText(TOO_SMALL, run("XADD", "s", "2-*", "a", "b"));
        assertErrorText(TOO_SMALL, run("XADD", "s", "5-1", "a", "b"));
        assertErrorText("ERR The ID specified in XADD must be greater than 0-0", run("XADD", "t", "0-0", "a", "b"));
        assertEquals("0-1", run("XADD", "t", "0-*", "a", "b"));
        final String auto = (String) run("XADD", "s", "*", "x", "y");
        assertTrue(Long.parseLong(auto.substring(0, auto.indexOf('-'))) > 1_600_000_000_000L, auto);
        assertInt(5, run("XLEN", "s"));
        assertInt(0, run("XLEN", "missing"));
        assertErrorText(INVALID_ID, run("XADD", "s", "1-x", "a", "b"));
        assertErrorText(INVALID_ID, run("XADD", "s", "-", "a", "b"));
        assertErrorText("ERR wrong number of arguments for 'xadd' command", run("XADD", "s", "9-0", "a"));
        assertErrorText("ERR wrong number of arguments for 'xadd' command", run("XADD", "s", "9-0", "a", "b", "c"));
        assertEquals("18446744073709551615-18446744073709551615",
                run("XADD", "big", "18446744073709551615-18446744073709551615", "a", "b"));
        assertErrorText("ERR The stream has exhausted the last possible ID, unable to add more items",
                run("XADD", "big", "*", "a", "b"));
    }

    @Test
    void shouldHonourNomkstreamAndTrimOptions() {
        assertNil(run("XADD", "s", "NOMKSTREAM", "1-1", "a", "b"));
        assertInt(0, run("EXISTS", "s"));
        for (int i = 1; i <= 10; i++) {
            run("XADD", "s", i + "-0", "f", "v" + i);
        }
        assertEquals("11-0", run("XADD", "s", "MAXLEN", "=", "3", "11-0", "f", "v"));
        assertInt(3, run("XLEN", "s"));
        assertEquals(List.of(entry("9-0", "f", "v9")), run("XRANGE", "s", "-", "+", "COUNT", "1"));
        assertEquals("12-0", run("XADD", "s", "MINID", "11", "12-0", "f", "v"));
        assertInt(2, run("XLEN", "s"));
        assertErrorText("ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
                run("XADD", "s", "MAXLEN", "1", "MINID", "1", "*", "a", "b"));
        assertErrorText("ERR The MAXLEN argument must be >= 0.", run("XADD", "s", "MAXLEN", "-1", "*", "a", "b"));
        assertErrorText("ERR syntax error, LIMIT cannot be used without the special ~ option",
                run("XADD", "s", "MAXLEN", "=", "0", "LIMIT", "0", "13-0", "a", "b"));
        assertErrorText("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
                run("XADD", "s", "LIMIT", "5", "13-0", "a", "b"));
        assertErrorText("ERR The LIMIT argument must be >= 0.",
                run("XADD", "s", "MAXLEN", "~", "1", "LIMIT", "-1", "13-0", "a", "b"));
        assertErrorText("ERR value is not an integer or out of range", run("XADD", "s", "MAXLEN", "x", "*", "a", "b"));
    }

    @Test
    void shouldTrimApproximatelyByWholeNodesOnly() {
        assertOk(run("CONFIG", "SET", "stream-node-max-entries", "3"));
        for (int i = 1; i <= 10; i++) {
            run("XADD", "s", i + "-0", "f", "v");
        }
        // nodes of 3: [1,2,3] [4,5,6] [7,8,9] [10]; ~ 5 drops the first node only
        assertInt(3, run("XTRIM", "s", "MAXLEN", "~", "5"));
        assertInt(7, run("XLEN", "s"));
        assertInt(0, run("XTRIM", "s", "MAXLEN", "~", "5", "LIMIT", "2"));
        assertInt(2, run("XTRIM", "s", "MAXLEN", "5"));
        assertInt(5, run("XLEN", "s"));
        // MINID ~: the node [4,5,6] now holds only 6; [7,8,9] goes only if all of it is below 9-0
        assertInt(1, run("XTRIM", "s", "MINID", "~", "9"));
        assertEquals("7-0", ((List<?>) ((List<?>) run("XRANGE", "s", "-", "+", "COUNT", "1")).get(0)).get(0));
        assertInt(2, run("XTRIM", "s", "MINID", "9"));
        assertInt(0, run("XTRIM", "missing", "MAXLEN", "0"));
        assertErrorText("ERR syntax error, XTRIM must be called with a trimming strategy", run("XTRIM", "s", "LIMIT", "0"));
        assertErrorText("ERR syntax error", run("XTRIM", "s", "FOO", "1"));
    }

    @Test
    void shouldReadRangesBothWaysWithExclusiveBoundsAndCount() {
        run("XADD", "s", "1-1", "a", "1");
        run("XADD", "s", "1-2", "a", "2", "b", "x");
        run("XADD", "s", "3-0", "a", "3");
        assertEquals(List.of(entry("1-2", "a", "2", "b", "x"), entry("3-0", "a", "3")), run("XRANGE", "s", "(1-1", "+"));
        assertEquals(List.of(entry("3-0", "a", "3"), entry("1-2", "a", "2", "b", "x")), run("XREVRANGE", "s", "+", "(1-1"));
        assertEquals(List.of(entry("1-1", "a", "1"), entry("1-2", "a", "2", "b", "x")), run("XRANGE", "s", "1", "1"));
        assertEquals(List.of(entry("3-0", "a", "3")), run("XREVRANGE", "s", "+", "-", "COUNT", "1"));
        assertNil(run("XRANGE", "s", "-", "+", "COUNT", "0"));
        assertEquals(List.of(), run("XRANGE", "missing", "-", "+"));
        assertEquals(List.of(), run("XRANGE", "s", "5", "4"));
        assertErrorText("ERR invalid start ID for the interval",
                run("XRANGE", "s", "(18446744073709551615-18446744073709551615", "+"));
        assertErrorText("ERR invalid end ID for the interval", run("XRANGE", "s", "-", "(0-0"));
        assertErrorText(INVALID_ID, run("XRANGE", "s", "(-", "+"));
        assertErrorText("ERR syntax error", run("XRANGE", "s", "-", "+", "LIMIT", "1"));
    }

    @Test
    void shouldDeleteEntriesAndKeepTheEmptyStream() {
        run("XADD", "s", "1-0", "a", "1");
        run("XADD", "s", "2-0", "a", "2");
        assertInt(1, run("XDEL", "s", "1-0", "9-9"));
        assertInt(0, run("XDEL", "s", "1-0"));
        assertInt(1, run("XDEL", "s", "2-0"));
        assertInt(0, run("XLEN", "s"));
        assertInt(1, run("EXISTS", "s"));
        assertErrorText(TOO_SMALL, run("XADD", "s", "2-0", "a", "b"));
        assertErrorText(INVALID_ID, run("XDEL", "s", "-"));
        assertInt(0, run("XDEL", "missing", "x"));
    }

    @Test
    void shouldReadSeveralStreamsOnEveryShard() {
        run("XADD", "s1", "1-0", "a", "1");
        run("XADD", "s1", "2-0", "a", "2");
        run("XADD", "s2", "5-0", "b", "1");
        run("XADD", "{t}s", "7-0", "c", "1");
        assertEquals(List.of(List.of("s1", List.of(entry("2-0", "a", "2"))), List.of("{t}s", List.of(entry("7-0", "c", "1")))),
                run("XREAD", "STREAMS", "s1", "s2", "{t}s", "missing", "1-0", "5", "0", "0"));
        assertEquals(List.of(List.of("s1", List.of(entry("1-0", "a", "1")))),
                run("XREAD", "COUNT", "1", "STREAMS", "s1", "0"));
        assertNil(run("XREAD", "STREAMS", "s1", "s2", "$", "$"));
        assertErrorText("ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified.",
                run("XREAD", "STREAMS", "s1", "s2", "0"));
        assertErrorText("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
                + "<consumer> option.", run("XREAD", "STREAMS", "s1", ">"));
        assertErrorText("ERR syntax error", run("XREAD", "COUNT", "1", "s1", "0"));
        run("SET", "str", "x");
        assertErrorText(WRONGTYPE, run("XREAD", "STREAMS", "s1", "str", "0", "0"));
        assertNil(run("XREAD", "BLOCK", "10", "STREAMS", "s1", "$")); // timed out (StreamBlockingTest)
    }

    @Test
    void shouldSetTheLastIdAndCounters() {
        run("XADD", "s", "5-0", "a", "1");
        assertErrorText("ERR The ID specified in XSETID is smaller than the target stream top item",
                run("XSETID", "s", "4-0"));
        assertOk(run("XSETID", "s", "10-0"));
        assertEquals("10-1", run("XADD", "s", "10-*", "a", "1"));
        assertErrorText("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
                run("XSETID", "s", "20", "MAXDELETEDID", "30"));
        assertOk(run("XSETID", "s", "30", "MAXDELETEDID", "25", "ENTRIESADDED", "9"));
        assertErrorText("ERR The ID specified in XSETID is smaller than current max_deleted_entry_id",
                run("XSETID", "s", "24"));
        assertErrorText("ERR The entries_added specified in XSETID is smaller than the target stream length",
                run("XSETID", "s", "40", "ENTRIESADDED", "1"));
        assertErrorText("ERR entries_added must be positive", run("XSETID", "s", "40", "ENTRIESADDED", "-1"));
        assertErrorText("ERR no such key", run("XSETID", "missing", "1"));
        assertErrorText("ERR syntax error", run("XSETID", "s", "40", "FOO", "1"));
    }

    @Test
    void shouldWorkWithTheGenericKeyCommands() {
        run("XADD", "s", "1-0", "a", "1");
        assertEquals(new Resp.Simple("stream"), run("TYPE", "s"));
        assertEquals("stream", run("OBJECT", "ENCODING", "s"));
        assertOk(run("RENAME", "s", "s2"));
        assertInt(1, run("COPY", "s2", "{x}copy"));
        run("XADD", "s2", "2-0", "a", "2");
        assertInt(1, run("XLEN", "{x}copy"));
        assertInt(2, run("XLEN", "s2"));
        assertInt(1, run("MOVE", "s2", "1"));
        assertOk(run("SELECT", "1"));
        assertInt(2, run("XLEN", "s2"));
        assertInt(1, run("EXPIRE", "s2", "100"));
        assertTrue((Long) run("MEMORY", "USAGE", "s2") > 0);
        assertInt(1, run("DEL", "s2"));
        assertOk(run("SELECT", "0"));
        run("SET", "str", "x");
        for (final String[] c : new String[][] {{"XADD", "str", "1-0", "a", "b"}, {"XLEN", "str"},
            {"XRANGE", "str", "-", "+"}, {"XREVRANGE", "str", "+", "-"}, {"XDEL", "str", "1"},
            {"XTRIM", "str", "MAXLEN", "0"}, {"XSETID", "str", "1"}, {"GET", "{x}copy"}, {"LPUSH", "{x}copy", "a"}}) {
            assertErrorText(WRONGTYPE, run(c));
        }
    }

    @Test
    void shouldDigestAsRedisDoes() {
        run("XADD", "d", "1-1", "f", "v", "n", "12345");
        run("XADD", "d", "2-0", "f", "w", "n", "-7");
        run("XADD", "d", "3-0", "other", "x");
        run("XDEL", "d", "2-0");
        // redis-server 7.0.15's DEBUG DIGEST-VALUE of the same stream
        assertEquals(List.of(new Resp.Simple("9cf98a7c1e2354b837a60e1fbb0fcdffad0ac526")), run("DEBUG", "DIGEST-VALUE", "d"));
        run("XADD", "e", "1-1", "a", "b");
        run("XSETID", "e", "5-5");
        assertEquals(List.of(new Resp.Simple("db20534e81d36b705394fcfc8a61996efb6e5a7c")), run("DEBUG", "DIGEST-VALUE", "e"));
    }

    @Test
    void shouldRestoreItsOwnDumpAndRedissPayload() {
        run("XADD", "m", "5-1", "a", "b");
        final Object dump = run("DUMP", "m");
        assertOk(run("RESTORE", "m2", "0", (String) dump));
        assertEquals(List.of(entry("5-1", "a", "b")), run("XRANGE", "m2", "-", "+"));
        // redis-server 7.0.15's DUMP of XADD m 5-1 a b: type 19, one node
        final String redis = "130110000000000000000500000000000000011d1d0000000a0001010001010181610200010201000100018162"
                + "020401ff0105010501000001000a0029caa6bf7692cf6a";
        assertOk(run("RESTORE", "r", "0", hexToLatin1(redis)));
        assertEquals(List.of(entry("5-1", "a", "b")), run("XRANGE", "r", "-", "+"));
        assertErrorText(TOO_SMALL, run("XADD", "r", "5-1", "a", "b"));
        assertEquals(dump, run("DUMP", "r"));
    }

    private static String hexToLatin1(final String hex) {
        return new String(java.util.HexFormat.of().parseHex(hex), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
