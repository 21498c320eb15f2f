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
 * The string family on three shards: every command and option, Redis's error texts (checked
 * against redis-server 7.0), encodings, and the multi-key commands with keys on one shard and on
 * several, which must reply the same.
 */
class StringCommandsTest extends SharedHarnessTest {
    private static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    private static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    private static final String SYNTAX = "ERR syntax error";

    private static List<Object> list(final Object... items) {
        return Arrays.asList(items);
    }

    private static long pttl(final String key) {
        return (Long) run("PTTL", key);
    }

    // ---- GET, SET ------------------------------------------------------------------------------

    @Test
    void shouldSetAndGetBinaryAndEmptyValues() {
        assertNil(run("GET", "k"));
        assertOk(run("SET", "k", "v"));
        assertEquals("v", run("GET", "k"));
        assertOk(run("SET", "bin", "a\u0000b\u00ff\r\n"));
        assertEquals("a\u0000b\u00ff\r\n", run("GET", "bin"));
        assertOk(run("SET", "empty", ""));
        assertEquals("", run("GET", "empty"));
        assertInt(0, run("STRLEN", "empty"));
    }

    @Test
    void shouldHonourNxAndXx() {
        assertNil(run("SET", "k", "v", "XX"));
        assertInt(0, run("EXISTS", "k"));
        assertOk(run("SET", "k", "v", "NX"));
        assertNil(run("SET", "k", "w", "NX"));
        assertEquals("v", run("GET", "k"));
        assertOk(run("SET", "k", "w", "xx"));
        assertEquals("w", run("GET", "k"));
        assertOk(run("SET", "k2", "x", "NX", "nx"));
        assertErrorText(SYNTAX, run("SET", "k", "v", "NX", "XX"));
        assertErrorText(SYNTAX, run("SET", "k", "v", "XX", "NX"));
    }

    @Test
    void shouldReturnTheOldValueWithGet() {
        assertNil(run("SET", "k", "v", "GET"));
        assertEquals("v", run("SET", "k", "w", "GET"));
        assertEquals("w", run("SET", "k", "x", "NX", "GET"));
        assertEquals("w", run("GET", "k"));
        assertEquals("w", run("SET", "k", "y", "XX", "GET"));
        assertNil(run("SET", "missing", "y", "XX", "GET"));
        assertInt(0, run("EXISTS", "missing"));
        assertEquals("y", run("SET", "k", "z", "GET", "GET"));
    }

    @Test
    void shouldSetExpiriesInEveryUnit() {
        final long now = System.currentTimeMillis();
        assertOk(run("SET", "ex", "v", "EX", "100"));
        assertInt(100, run("TTL", "ex"));
        assertOk(run("SET", "px", "v", "PX", "100000"));
        final long px = pttl("px");
        assertTrue(px > 99_000 && px <= 100_000, "PTTL " + px);
        assertOk(run("SET", "exat", "v", "EXAT", Long.toString(now / 1000 + 200)));
        assertInt(now / 1000 + 200, run("EXPIRETIME", "exat"));
        assertOk(run("SET", "pxat", "v", "PXAT", Long.toString(now + 300_123)));
        assertInt(now + 300_123, run("PEXPIRETIME", "pxat"));
        // a time already past: stored, then gone at the first look
        assertOk(run("SET", "past", "v", "PXAT", "1"));
        assertNil(run("GET", "past"));
        // plain SET clears a TTL; KEEPTTL keeps it
        assertOk(run("SET", "ex", "w", "KEEPTTL"));
        assertInt(100, run("TTL", "ex"));
        assertOk(run("SET", "ex", "w"));
        assertInt(-1, run("TTL", "ex"));
        // the last of repeated units wins
        assertOk(run("SET", "k", "v", "EX", "10", "EX", "20"));
        assertInt(20, run("TTL", "k"));
    }

    @Test
    void shouldRejectBadSetOptions() {
        for (final String[] bad : List.of(new String[] {"EX", "10", "PX", "10"}, new String[] {"EX", "10", "KEEPTTL"},
                new String[] {"KEEPTTL", "PXAT", "10"}, new String[] {"EXAT", "10", "PXAT", "10"},
                new String[] {"EX"}, new String[] {"PERSIST"}, new String[] {"FOO"}, new String[] {"NX", "EX"})) {
            final String[] args = new String[3 + bad.length];
            args[0] = "SET";
            args[1] = "k";
            args[2] = "v";
            System.arraycopy(bad, 0, args, 3, bad.length);
            assertErrorText(SYNTAX, run(args));
        }
        assertErrorText(NOT_INTEGER, run("SET", "k", "v", "EX", "abc"));
        assertErrorText(NOT_INTEGER, run("SET", "k", "v", "PX", "1.5"));
        for (final String[] bad : List.of(new String[] {"EX", "0"}, new String[] {"EX", "-1"}, new String[] {"PX", "0"},
                new String[] {"EX", "9223372036854775807"}, new String[] {"PX", "9223372036854775807"},
                new String[] {"EXAT", "0"}, new String[] {"PXAT", "-5"})) {
            assertErrorText("ERR invalid expire time in 'set' command", run("SET", "k", "v", bad[0], bad[1]));
        }
        assertInt(0, run("EXISTS", "k"));
        assertErrorText("ERR wrong number of arguments for 'set' command", run("SET", "k"));
    }

    // ---- GETEX, GETDEL, GETSET -----------------------------------------------------------------

    @Test
    void shouldChangeTheExpiryWithGetex() {
        final long now = System.currentTimeMillis();
        assertNil(run("GETEX", "missing", "EX", "abc"));
        assertOk(run("SET", "k", "v"));
        assertEquals("v", run("GETEX", "k"));
        assertInt(-1, run("TTL", "k"));
        assertEquals("v", run("GETEX", "k", "EX", "100"));
        assertInt(100, run("TTL", "k"));
        assertEquals("v", run("GETEX", "k", "PX", "200000"));
        assertInt(200, run("TTL", "k"));
        assertEquals("v", run("GETEX", "k", "EXAT", Long.toString(now / 1000 + 300)));
        assertInt(now / 1000 + 300, run("EXPIRETIME", "k"));
        assertEquals("v", run("GETEX", "k", "PXAT", Long.toString(now + 400_001)));
        assertInt(now + 400_001, run("PEXPIRETIME", "k"));
        assertEquals("v", run("GETEX", "k", "PERSIST"));
        assertInt(-1, run("TTL", "k"));
        // an absolute time already past deletes the key after replying its value
        assertEquals("v", run("GETEX", "k", "PXAT", "1"));
        assertInt(0, run("EXISTS", "k"));
    }

    @Test
    void shouldRejectBadGetexOptions() {
        assertOk(run("SET", "k", "v"));
        for (final String opt : List.of("NX", "XX", "GET", "KEEPTTL", "FOO")) {
            assertErrorText(SYNTAX, run("GETEX", "k", opt));
        }
        assertErrorText(SYNTAX, run("GETEX", "k", "PERSIST", "EX", "10"));
        assertErrorText(SYNTAX, run("GETEX", "k", "EX", "10", "PX", "10"));
        assertErrorText(NOT_INTEGER, run("GETEX", "k", "EX", "abc"));
        assertErrorText("ERR invalid expire time in 'getex' command", run("GETEX", "k", "EX", "0"));
        assertErrorText("ERR invalid expire time in 'getex' command", run("GETEX", "k", "PXAT", "-1"));
        assertEquals("v", run("GET", "k"));
    }

    @Test
    void shouldGetAndDeleteOrReplace() {
        assertNil(run("GETDEL", "k"));
        assertOk(run("SET", "k", "v", "EX", "100"));
        assertEquals("v", run("GETDEL", "k"));
        assertInt(0, run("EXISTS", "k"));
        assertNil(run("GETSET", "k", "1"));
        assertInt(1, run("EXPIRE", "k", "100"));
        assertEquals("1", run("GETSET", "k", "2"));
        assertInt(-1, run("TTL", "k"));
        assertEquals("int", run("OBJECT", "ENCODING", "k"));
    }

    // ---- MGET, MSET, MSETNX --------------------------------------------------------------------

    @Test
    void shouldSetAndGetManyKeysOnOneShardOrSeveral() {
        final String[] spread = KeyPlacement.onDistinctShards(h, "k", 3);
        final String[][] groups = {{"{t}a", "{t}b", "{t}c"}, spread};
        for (final String[] k : groups) {
            assertOk(run("MSET", k[0], "1", k[1], "2", k[2], "3", k[0], "4"));
            assertEquals(list("4", "2", "3", null, "4"), run("MGET", k[0], k[1], k[2], "missing", k[0]));
            assertInt(0, run("MSETNX", k[2], "x", "fresh" + k[0], "y"));
            assertInt(0, run("EXISTS", "fresh" + k[0]));
            assertInt(3, run("DEL", k[0], k[1], k[2]));
            assertInt(1, run("MSETNX", k[0], "a", k[1], "b", k[0], "c"));
            assertEquals(list("c", "b", null), run("MGET", k[0], k[1], k[2]));
            assertErrorText("ERR wrong number of arguments for 'mset' command", run("MSET", k[0], "1", k[1]));
            assertErrorText("ERR wrong number of arguments for 'msetnx' command", run("MSETNX", k[0], "1", k[1]));
        }
    }

    @Test
    void shouldDropTtlsOnMsetAndSkipNonStringsInMget() {
        final String[] k = KeyPlacement.onDistinctShards(h, "m", 3);
        assertOk(run("SET", k[0], "v", "EX", "100"));
        assertOk(run("MSET", k[0], "w", k[1], "x"));
        assertInt(-1, run("TTL", k[0]));
        KeyPlacement.plantList(h, k[2]);
        assertEquals(list("w", "x", null), run("MGET", k[0], k[1], k[2]));
        assertInt(0, run("MSETNX", k[2], "v", "other", "v"));
    }

    @Test
    void shouldNotWriteAnyKeyWhenOneExistsOnAnotherShard() {
        final String[] k = KeyPlacement.onDistinctShards(h, "n", 3);
        assertOk(run("SET", k[2], "old"));
        assertInt(0, run("MSETNX", k[0], "a", k[1], "b", k[2], "c"));
        assertEquals(list(null, null, "old"), run("MGET", k[0], k[1], k[2]));
    }

    @Test
    void shouldLookUpMsetnxKeysInRedisOrderOnOneShardOrSeveral() {
        // Redis stops at the first key that exists: an expired key before it is deleted, one after
        // it is not looked at (and stays in the table until something reads it)
        final String[] spread = KeyPlacement.onDistinctShards(h, "x", 3);
        assertOk(run("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
        try {
            for (final String[] k : new String[][] {{"{x}a", "{x}b", "{x}c"}, spread}) {
                assertOk(run("FLUSHALL"));
                assertOk(run("SET", k[0], "old", "PXAT", "1"));
                assertOk(run("SET", k[1], "live"));
                assertOk(run("SET", k[2], "old", "PXAT", "1"));
                assertInt(3, run("DBSIZE"));
                assertInt(0, run("MSETNX", k[0], "a", k[1], "b", k[2], "c"));
                assertInt(2, run("DBSIZE"));
                assertInt(1, run("DEL", k[1]));
                assertInt(1, run("MSETNX", k[0], "a", k[1], "b", k[2], "c"));
                assertEquals(list("a", "b", "c"), run("MGET", k[0], k[1], k[2]));
                assertInt(3, run("DBSIZE"));
            }
        } finally {
            assertOk(run("DEBUG", "SET-ACTIVE-EXPIRE", "1"));
        }
    }

    // ---- SETNX, SETEX, PSETEX ------------------------------------------------------------------

    @Test
    void shouldSetOnlyMissingKeysWithSetnx() {
        assertInt(1, run("SETNX", "k", "v"));
        assertInt(0, run("SETNX", "k", "w"));
        assertEquals("v", run("GET", "k"));
    }

    @Test
    void shouldSetWithExpiryWithSetexAndPsetex() {
        assertOk(run("SETEX", "k", "100", "v"));
        assertInt(100, run("TTL", "k"));
        assertOk(run("PSETEX", "p", "100000", "v"));
        assertTrue(pttl("p") > 99_000);
        assertErrorText("ERR invalid expire time in 'setex' command", run("SETEX", "k", "0", "v"));
        assertErrorText("ERR invalid expire time in 'psetex' command", run("PSETEX", "k", "-1", "v"));
        assertErrorText("ERR invalid expire time in 'setex' command", run("SETEX", "k", "9223372036854775807", "v"));
        assertErrorText(NOT_INTEGER, run("SETEX", "k", "ten", "v"));
        assertErrorText("ERR wrong number of arguments for 'setex' command", run("SETEX", "k", "10"));
    }

    // ---- APPEND, STRLEN, GETRANGE, SETRANGE ----------------------------------------------------

    @Test
    void shouldAppendAndMeasure() {
        assertInt(3, run("APPEND", "k", "abc"));
        assertInt(6, run("APPEND", "k", "def"));
        assertEquals("abcdef", run("GET", "k"));
        assertInt(6, run("STRLEN", "k"));
        assertInt(0, run("STRLEN", "missing"));
        assertOk(run("SET", "n", "-12"));
        assertInt(3, run("STRLEN", "n"));
        assertInt(5, run("APPEND", "n", "34"));
        assertEquals("-1234", run("GET", "n"));
        assertOk(run("SET", "t", "v", "EX", "100"));
        assertInt(2, run("APPEND", "t", "w"));
        assertInt(100, run("TTL", "t"));
    }

    @Test
    void shouldReturnRangesLikeRedis() {
        assertOk(run("SET", "k", "Hello World"));
        assertEquals("Hello", run("GETRANGE", "k", "0", "4"));
        assertEquals("World", run("GETRANGE", "k", "-5", "-1"));
        assertEquals("Hello World", run("GETRANGE", "k", "0", "100"));
        assertEquals("H", run("GETRANGE", "k", "-100", "-50"));
        assertEquals("", run("GETRANGE", "k", "5", "3"));
        assertEquals("", run("GETRANGE", "k", "-1", "-5"));
        assertEquals("", run("GETRANGE", "missing", "0", "-1"));
        assertEquals("llo", run("SUBSTR", "k", "2", "4"));
        assertOk(run("SET", "n", "12345"));
        assertEquals("234", run("GETRANGE", "n", "1", "3"));
        assertOk(run("SET", "e", ""));
        assertEquals("", run("GETRANGE", "e", "0", "-1"));
        assertErrorText(NOT_INTEGER, run("GETRANGE", "k", "a", "1"));
        assertErrorText(NOT_INTEGER, run("GETRANGE", "k", "0", "9223372036854775808"));
    }

    @Test
    void shouldOverwriteAndPadWithSetrange() {
        assertOk(run("SET", "k", "Hello World"));
        assertInt(11, run("SETRANGE", "k", "6", "Redis"));
        assertEquals("Hello Redis", run("GET", "k"));
        assertInt(8, run("SETRANGE", "new", "5", "abc"));
        assertEquals("\u0000\u0000\u0000\u0000\u0000abc", run("GET", "new"));
        assertInt(0, run("SETRANGE", "missing", "3", ""));
        assertInt(0, run("EXISTS", "missing"));
        assertInt(11, run("SETRANGE", "k", "100", ""));
        assertOk(run("SET", "n", "123"));
        assertInt(4, run("SETRANGE", "n", "3", "4"));
        assertEquals("1234", run("GET", "n"));
        assertErrorText("ERR offset is out of range", run("SETRANGE", "k", "-1", "x"));
        assertErrorText(NOT_INTEGER, run("SETRANGE", "k", "x", "x"));
        assertErrorText("ERR string exceeds maximum allowed size (proto-max-bulk-len)",
                run("SETRANGE", "k", "536870912", "x"));
    }

    // ---- INCR, INCRBY, DECR, DECRBY ------------------------------------------------------------

    @Test
    void shouldCountWithIncrAndDecr() {
        assertInt(1, run("INCR", "c"));
        assertInt(11, run("INCRBY", "c", "10"));
        assertInt(10, run("DECR", "c"));
        assertInt(-5, run("DECRBY", "c", "15"));
        assertInt(-10, run("INCRBY", "c", "-5"));
        assertEquals("-10", run("GET", "c"));
        assertOk(run("SET", "c", "5", "EX", "100"));
        assertInt(6, run("INCR", "c"));
        assertInt(100, run("TTL", "c"));
        assertOk(run("SET", "s", "41"));
        assertInt(3, run("APPEND", "s", "0"));
        assertInt(411, run("INCR", "s"));
    }

    @Test
    void shouldRefuseNonIntegersAndOverflow() {
        for (final String v : List.of("abc", "1.5", " 1", "1 ", "01", "+1", "-0", "", "9223372036854775808")) {
            assertOk(run("SET", "k", v));
            assertErrorText(NOT_INTEGER, run("INCR", "k"));
        }
        for (final String by : List.of("x", "1.0", "9223372036854775808", "")) {
            assertErrorText(NOT_INTEGER, run("INCRBY", "c", by));
            assertErrorText(NOT_INTEGER, run("DECRBY", "c", by));
        }
        assertOk(run("SET", "max", "9223372036854775807"));
        assertErrorText("ERR increment or decrement would overflow", run("INCR", "max"));
        assertOk(run("SET", "min", "-9223372036854775808"));
        assertErrorText("ERR increment or decrement would overflow", run("DECR", "min"));
        assertErrorText("ERR increment or decrement would overflow", run("INCRBY", "min", "-1"));
        assertErrorText("ERR decrement would overflow", run("DECRBY", "c", "-9223372036854775808"));
        assertInt(-9223372036854775808L, run("INCRBY", "z", "-9223372036854775808"));
        assertEquals("9223372036854775807", run("GET", "max"));
    }

    // ---- encodings -----------------------------------------------------------------------------

    @Test
    void shouldReportRedisEncodings() {
        final Map<String, String> setEncodings = Map.of("123", "int", "-9223372036854775808", "int",
                "9223372036854775808", "embstr", "01", "embstr", "-0", "embstr", "abc", "embstr",
                "x".repeat(44), "embstr", "x".repeat(45), "raw", "", "embstr");
        setEncodings.forEach((value, encoding) -> {
            assertOk(run("SET", "k", value));
            assertEquals(encoding, run("OBJECT", "ENCODING", "k"), "SET " + value);
        });
        assertInt(3, run("APPEND", "a1", "123"));
        assertEquals("int", run("OBJECT", "ENCODING", "a1"), "APPEND to a new key encodes like SET");
        assertInt(3, run("APPEND", "a2", "abc"));
        assertEquals("embstr", run("OBJECT", "ENCODING", "a2"));
        assertInt(4, run("APPEND", "a1", "4"));
        assertEquals("raw", run("OBJECT", "ENCODING", "a1"), "APPEND to a value makes it raw");
        assertInt(1235, run("INCR", "a1"));
        assertEquals("int", run("OBJECT", "ENCODING", "a1"));
        assertInt(3, run("SETRANGE", "r", "0", "abc"));
        assertEquals("raw", run("OBJECT", "ENCODING", "r"));
        assertOk(run("SET", "r2", "12"));
        assertInt(2, run("SETRANGE", "r2", "0", "3"));
        assertEquals("raw", run("OBJECT", "ENCODING", "r2"));
        assertInt(2, run("SETRANGE", "r2", "0", ""));
        assertInt(1, run("INCR", "i"));
        assertEquals("int", run("OBJECT", "ENCODING", "i"));
    }

    // ---- LCS -----------------------------------------------------------------------------------

    @Test
    void shouldComputeLcsOnOneShardOrTwo() {
        final String[] spread = KeyPlacement.onDistinctShards(h, "s", 2);
        for (final String[] k : new String[][] {{"{l}1", "{l}2"}, spread}) {
            assertOk(run("MSET", k[0], "ohmytext", k[1], "mynewtext"));
            assertEquals("mytext", run("LCS", k[0], k[1]));
            assertInt(6, run("LCS", k[0], k[1], "LEN"));
            assertEquals(list("matches", list(list(list(4L, 7L), list(5L, 8L)), list(list(2L, 3L), list(0L, 1L))),
                    "len", 6L), run("LCS", k[0], k[1], "IDX"));
            assertEquals(list("matches", list(list(list(4L, 7L), list(5L, 8L), 4L)), "len", 6L),
                    run("LCS", k[0], k[1], "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"));
            assertEquals(list("matches", list(list(list(4L, 7L), list(5L, 8L)), list(list(2L, 3L), list(0L, 1L))),
                    "len", 6L), run("LCS", k[0], k[1], "IDX", "MINMATCHLEN", "-3"));
            assertEquals("", run("LCS", k[0], "missing" + k[1]));
            assertErrorText("ERR If you want both the length and indexes, please just use IDX.",
                    run("LCS", k[0], k[1], "LEN", "IDX"));
            assertErrorText(SYNTAX, run("LCS", k[0], k[1], "FOO"));
            assertErrorText(SYNTAX, run("LCS", k[0], k[1], "MINMATCHLEN"));
            assertErrorText(NOT_INTEGER, run("LCS", k[0], k[1], "MINMATCHLEN", "x"));
            KeyPlacement.plantList(h, k[1]);
            assertErrorText("ERR The specified keys must contain string values", run("LCS", k[0], k[1], "FOO"));
        }
    }

    @Test
    void shouldReplyLcsIdxAsAMapInResp3() {
        final Harness.Client c = h.client();
        c.run("HELLO", "3");
        assertOk(c.run("MSET", "{l}1", "ohmytext", "{l}2", "mynewtext"));
        final Object reply = c.run("LCS", "{l}1", "{l}2", "IDX", "MINMATCHLEN", "4");
        assertEquals(Map.of("matches", list(list(list(4L, 7L), list(5L, 8L))), "len", 6L), reply);
        c.close();
    }

    // ---- wrong types ---------------------------------------------------------------------------

    @Test
    void shouldRefuseKeysOfAnotherType() {
        KeyPlacement.plantList(h, "o");
        for (final String[] cmd : List.of(new String[] {"GET", "o"}, new String[] {"SET", "o", "v", "GET"},
                new String[] {"SET", "o", "v", "NX", "GET"}, new String[] {"GETEX", "o", "EX", "abc"},
                new String[] {"GETDEL", "o"}, new String[] {"GETSET", "o", "v"}, new String[] {"APPEND", "o", "v"},
                new String[] {"STRLEN", "o"}, new String[] {"GETRANGE", "o", "0", "1"},
                new String[] {"SUBSTR", "o", "0", "1"}, new String[] {"SETRANGE", "o", "0", "v"},
                new String[] {"SETRANGE", "o", "0", ""}, new String[] {"INCR", "o"}, new String[] {"INCRBY", "o", "2"},
                new String[] {"DECR", "o"}, new String[] {"DECRBY", "o", "2"})) {
            assertErrorText(WRONGTYPE, run(cmd));
        }
        // argument errors come first where Redis checks them first
        assertErrorText(NOT_INTEGER, run("GETRANGE", "o", "a", "1"));
        assertErrorText("ERR offset is out of range", run("SETRANGE", "o", "-1", "v"));
        assertErrorText(NOT_INTEGER, run("INCRBY", "o", "x"));
        assertErrorText(NOT_INTEGER, run("SET", "o", "v", "EX", "abc", "GET"));
        // commands that do not read the value
        assertNil(run("SET", "o", "v", "NX"));
        assertInt(0, run("SETNX", "o", "v"));
        assertOk(run("SET", "o", "v"));
        assertEquals("v", run("GET", "o"));
    }

    @Test
    void shouldIncrementByFloatWithRedisLongDoubleDigits() {
        try (Harness h = Harness.start()) {
            assertOk(h.run("SET", "f", "10.5"));
            assertEquals("10.6", h.run("INCRBYFLOAT", "f", "0.1"));
            // Redis adds in x87 long double and prints 17 decimals: the tail shows
            assertEquals("1010.59999999999999998", h.run("INCRBYFLOAT", "f", "1e3"));
            assertEquals("embstr", h.run("OBJECT", "ENCODING", "f"));
            assertEquals("3.5", h.run("INCRBYFLOAT", "new", "3.5"));
            assertOk(h.run("SET", "i", "5"));
            assertEquals("6.5", h.run("INCRBYFLOAT", "i", "1.5"));
            assertEquals("5", h.run("INCRBYFLOAT", "i", "-1.5"));
            assertEquals("0.003", h.run("INCRBYFLOAT", "small", "3.0e-3"));
            assertEquals("16", h.run("INCRBYFLOAT", "hex", "0x10"));
        }
    }

    @Test
    void shouldRejectBadFloatsAndKeepTheTtl() {
        try (Harness h = Harness.start()) {
            assertErrorText("ERR value is not a valid float", h.run("INCRBYFLOAT", "k", "abc"));
            assertErrorText("ERR value is not a valid float", h.run("INCRBYFLOAT", "k", " 1"));
            assertErrorText("ERR increment would produce NaN or Infinity", h.run("INCRBYFLOAT", "k", "inf"));
            assertEquals(0L, h.run("EXISTS", "k"));
            assertOk(h.run("SET", "s", "hello"));
            assertErrorText("ERR value is not a valid float", h.run("INCRBYFLOAT", "s", "1"));
            assertOk(h.run("SET", "t", "1", "EX", "100"));
            assertEquals("2.5", h.run("INCRBYFLOAT", "t", "1.5"));
            final long ttl = (Long) h.run("TTL", "t");
            assertEquals(true, ttl > 90 && ttl <= 100, "TTL kept: " + ttl);
            assertErrorText("ERR wrong number of arguments for 'incrbyfloat' command", h.run("INCRBYFLOAT", "t"));
        }
    }
}
