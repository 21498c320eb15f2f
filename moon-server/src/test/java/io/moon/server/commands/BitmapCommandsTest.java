package io.moon.server.commands;

import io.moon.server.testing.Harness;
import io.moon.server.testing.ShardKeys;
import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The bitmap family on three shards: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP (keys on one shard
 * and on several), BITFIELD and BITFIELD_RO, with Redis's replies and error texts (checked
 * against redis-server 7.0.15), and bitmaps seen as the strings they are.
 */
class BitmapCommandsTest extends SharedHarnessTest {
    private static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    private static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    private static final String SYNTAX = "ERR syntax error";
    private static final String BIT_OFFSET = "ERR bit offset is not an integer or out of range";
    private static final String BAD_TYPE =
            "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

    private static List<Object> list(final Object... items) {
        return Arrays.asList(items);
    }

    /** A string of the given bytes, as the harness decodes bulk replies (one char per byte). */
    private static String bytes(final int... b) {
        final char[] c = new char[b.length];
        for (int i = 0; i < b.length; i++) {
            c[i] = (char) (b[i] & 0xff);
        }
        return new String(c);
    }

    // ---- SETBIT, GETBIT ------------------------------------------------------------------------

    @Test
    void shouldSetBitsGrowingTheStringWithZeros() {
        assertInt(0, run("SETBIT", "k", "7", "1"));
        assertEquals(bytes(0x01), run("GET", "k"));
        assertInt(0, run("SETBIT", "k", "0", "1"));
        assertEquals(bytes(0x81), run("GET", "k"));
        assertInt(1, run("SETBIT", "k", "0", "0"));
        assertInt(0, run("SETBIT", "k", "23", "1"));
        assertEquals(bytes(0x01, 0x00, 0x01), run("GET", "k"));
        assertInt(3, run("STRLEN", "k"));
        assertInt(1, run("GETBIT", "k", "7"));
        assertInt(0, run("GETBIT", "k", "8"));
        assertInt(1, run("GETBIT", "k", "23"));
        assertInt(0, run("GETBIT", "k", "24"));
        assertInt(0, run("GETBIT", "k", "4294967295"));
        assertInt(0, run("GETBIT", "missing", "3"));
        assertInt(0, run("EXISTS", "missing"));
        // the same bit twice: the old value, and nothing changes
        assertInt(1, run("SETBIT", "k", "23", "1"));
        assertEquals(bytes(0x01, 0x00, 0x01), run("GET", "k"));
    }

    @Test
    void shouldTreatBitmapsAsOrdinaryStrings() {
        assertOk(run("SET", "k", "12"));
        assertEquals("int", run("OBJECT", "ENCODING", "k"));
        // '1' is 0x31: bits 2, 3 and 7 are set
        assertInt(1, run("GETBIT", "k", "2"));
        assertInt(0, run("GETBIT", "k", "4"));
        assertInt(1, run("GETBIT", "k", "7"));
        assertInt(0, run("SETBIT", "k", "6", "1")); // '1' 0x31 -> '3' 0x33
        assertEquals("32", run("GET", "k"));
        assertEquals("raw", run("OBJECT", "ENCODING", "k"));
        // even an unchanged bit makes the value raw, as Redis's dbUnshareStringValue does
        assertOk(run("SET", "e", "ab"));
        assertEquals("embstr", run("OBJECT", "ENCODING", "e"));
        assertInt(0, run("SETBIT", "e", "0", "0"));
        assertEquals("raw", run("OBJECT", "ENCODING", "e"));
        assertInt(0, run("SETBIT", "n", "1", "1"));
        assertEquals("raw", run("OBJECT", "ENCODING", "n"));
        assertInt(3, run("APPEND", "n", "xy"));
        assertEquals("@xy", run("GET", "n"));
        assertInt(4, run("SETRANGE", "n", "3", "z"));
        assertInt(0, run("SETBIT", "n", "39", "1"));
        assertEquals("@xyz\u0001", run("GET", "n"));
        // SETBIT keeps the TTL
        assertOk(run("SET", "t", "a", "EX", "100"));
        assertInt(0, run("SETBIT", "t", "100", "1"));
        assertEquals(100L, run("TTL", "t"));
    }

    @Test
    void shouldRefuseBadOffsetsAndBitsAndOtherTypes() {
        assertErrorText(BIT_OFFSET, run("SETBIT", "k", "-1", "1"));
        assertErrorText(BIT_OFFSET, run("SETBIT", "k", "abc", "1"));
        assertErrorText(BIT_OFFSET, run("SETBIT", "k", "4294967296", "1")); // 512 MB
        assertErrorText(BIT_OFFSET, run("GETBIT", "k", "4294967296"));
        assertErrorText(BIT_OFFSET, run("GETBIT", "k", "#1"));
        assertErrorText("ERR bit is not an integer or out of range", run("SETBIT", "k", "1", "2"));
        assertErrorText("ERR bit is not an integer or out of range", run("SETBIT", "k", "1", "-1"));
        assertErrorText("ERR bit is not an integer or out of range", run("SETBIT", "k", "1", "x"));
        assertInt(0, run("EXISTS", "k"));
        assertInt(1, run("RPUSH", "l", "a"));
        assertErrorText(WRONGTYPE, run("SETBIT", "l", "1", "1"));
        assertErrorText(WRONGTYPE, run("GETBIT", "l", "1"));
        assertErrorText(BIT_OFFSET, run("GETBIT", "l", "-1")); // the offset is checked first
        assertOk(run("CONFIG", "SET", "proto-max-bulk-len", "1mb"));
        try {
            assertErrorText(BIT_OFFSET, run("SETBIT", "k", String.valueOf(8L * 1024 * 1024), "1"));
            assertInt(0, run("SETBIT", "k", String.valueOf(8L * 1024 * 1024 - 1), "1"));
            assertInt(1024 * 1024, run("STRLEN", "k"));
        } finally {
            assertOk(run("CONFIG", "SET", "proto-max-bulk-len", "512mb"));
        }
    }

    // ---- BITCOUNT ------------------------------------------------------------------------------

    @Test
    void shouldCountBitsInByteAndBitRanges() {
        assertOk(run("SET", "k", "foobar"));
        assertInt(26, run("BITCOUNT", "k"));
        assertInt(4, run("BITCOUNT", "k", "0", "0"));
        assertInt(6, run("BITCOUNT", "k", "1", "1"));
        assertInt(10, run("BITCOUNT", "k", "0", "1", "byte"));
        assertInt(17, run("BITCOUNT", "k", "5", "30", "BIT"));
        assertInt(26, run("BITCOUNT", "k", "0", "-1"));
        assertInt(26, run("BITCOUNT", "k", "-100", "100"));
        assertInt(4, run("BITCOUNT", "k", "-1", "-1")); // 'r'
        assertInt(0, run("BITCOUNT", "k", "-1", "-2"));
        assertInt(0, run("BITCOUNT", "k", "3", "2"));
        assertInt(0, run("BITCOUNT", "k", "6", "10"));
        assertInt(0, run("BITCOUNT", "k", "9223372036854775807", "-7")); // no overflow into a bit index
        assertInt(4, run("BITCOUNT", "k", "-9223372036854775808", "-9223372036854775807")); // both clip to 0
        assertInt(0, run("BITCOUNT", "k", "-1", "-1", "BIT")); // the last bit of 'r' (0x72)
        assertInt(2, run("BITCOUNT", "k", "1", "3", "bit")); // bits 1-3 of 'f' (0x66): 1, 1, 0
        assertInt(26, run("BITCOUNT", "k", "0", "47", "BIT"));
        // a long value: the word-at-a-time count
        final char[] ones = new char[100];
        Arrays.fill(ones, (char) 0xff);
        assertOk(run("SET", "long", new String(ones)));
        assertInt(800, run("BITCOUNT", "long"));
        assertInt(797, run("BITCOUNT", "long", "3", "-1", "bit"));
        assertInt(24, run("BITCOUNT", "long", "3", "5"));
        assertOk(run("SET", "n", "-1")); // int-encoded: its digits
        assertInt(4 + 3, run("BITCOUNT", "n"));
    }

    @Test
    void shouldAnswerBitcountErrorsInRedisOrder() {
        assertInt(0, run("BITCOUNT", "missing"));
        // Redis 7.2 looks the key up first: a missing key counts 0 whatever the range says
        assertInt(0, run("BITCOUNT", "missing", "0"));
        assertInt(0, run("BITCOUNT", "missing", "a", "b"));
        assertOk(run("SET", "k", "x"));
        assertErrorText(SYNTAX, run("BITCOUNT", "k", "0"));
        assertErrorText(NOT_INTEGER, run("BITCOUNT", "k", "a", "1"));
        assertErrorText(NOT_INTEGER, run("BITCOUNT", "k", "0", "b"));
        assertErrorText(SYNTAX, run("BITCOUNT", "k", "0", "1", "bits"));
        assertInt(0, run("BITCOUNT", "k", "-1", "-2", "bits")); // an inverted negative range, before the unit
        assertErrorText(SYNTAX, run("BITCOUNT", "k", "0", "1", "BIT", "x"));
        assertInt(1, run("RPUSH", "l", "a"));
        assertErrorText(WRONGTYPE, run("BITCOUNT", "l", "a", "b"));
    }

    // ---- BITPOS --------------------------------------------------------------------------------

    @Test
    void shouldFindTheFirstSetOrClearBit() {
        assertOk(run("SET", "k", bytes(0xff, 0xf0, 0x00)));
        assertInt(12, run("BITPOS", "k", "0"));
        assertInt(0, run("BITPOS", "k", "1"));
        assertInt(8, run("BITPOS", "k", "1", "1"));
        assertInt(-1, run("BITPOS", "k", "1", "2"));
        assertInt(16, run("BITPOS", "k", "0", "2"));
        assertInt(12, run("BITPOS", "k", "0", "0", "-1"));
        assertInt(5, run("BITPOS", "k", "1", "5", "-1", "BIT"));
        assertInt(13, run("BITPOS", "k", "0", "13", "14", "bit"));
        assertInt(-1, run("BITPOS", "k", "0", "0", "11", "BIT"));
        assertInt(-1, run("BITPOS", "k", "1", "12", "23", "BIT"));
        assertInt(9, run("BITPOS", "k", "1", "9", "9", "BIT"));
        assertInt(-1, run("BITPOS", "k", "1", "-1", "-2", "BYTE"));
        assertInt(-1, run("BITPOS", "k", "1", "10"));
        assertInt(-1, run("BITPOS", "k", "0", "9223372036854775807"));
        assertInt(-1, run("BITPOS", "k", "1", "9223372036854775807", "-1"));
        // all ones: a clear bit is found just past the end, unless the range has an end
        assertOk(run("SET", "ones", bytes(0xff, 0xff, 0xff)));
        assertInt(24, run("BITPOS", "ones", "0"));
        assertInt(24, run("BITPOS", "ones", "0", "1"));
        assertInt(-1, run("BITPOS", "ones", "0", "0", "-1"));
        assertInt(-1, run("BITPOS", "ones", "0", "0", "23", "BIT"));
        assertInt(0, run("BITPOS", "ones", "1"));
        // empty and missing
        assertOk(run("SET", "empty", ""));
        assertInt(-1, run("BITPOS", "empty", "0"));
        assertInt(-1, run("BITPOS", "empty", "1"));
        assertInt(0, run("BITPOS", "missing", "0"));
        assertInt(-1, run("BITPOS", "missing", "1"));
        assertInt(0, run("BITPOS", "missing", "0", "a", "b", "c")); // the key is looked up first
        // long values: the word-at-a-time skip
        final char[] v = new char[100];
        Arrays.fill(v, (char) 0);
        v[97] = 0x10;
        assertOk(run("SET", "long", new String(v)));
        assertInt(97 * 8 + 3, run("BITPOS", "long", "1"));
        assertInt(-1, run("BITPOS", "long", "1", "0", "96"));
        assertInt(8, run("BITPOS", "long", "0", "1"));
        assertOk(run("SET", "n", "10")); // '1' is 0x31
        assertInt(2, run("BITPOS", "n", "1"));
    }

    @Test
    void shouldAnswerBitposErrors() {
        assertOk(run("SET", "k", "x"));
        assertErrorText("ERR The bit argument must be 1 or 0.", run("BITPOS", "k", "2"));
        assertErrorText(NOT_INTEGER, run("BITPOS", "k", "x"));
        assertErrorText(NOT_INTEGER, run("BITPOS", "k", "1", "a"));
        assertErrorText(NOT_INTEGER, run("BITPOS", "k", "1", "0", "b"));
        assertErrorText(SYNTAX, run("BITPOS", "k", "1", "0", "x", "foo")); // the unit before the end
        assertErrorText(SYNTAX, run("BITPOS", "k", "1", "0", "1", "BIT", "x"));
        assertInt(1, run("RPUSH", "l", "a"));
        assertErrorText(WRONGTYPE, run("BITPOS", "l", "1", "a"));
        assertErrorText("ERR The bit argument must be 1 or 0.", run("BITPOS", "l", "3"));
    }

    // ---- BITOP ---------------------------------------------------------------------------------

    private static void bitopOver(final String a, final String b, final String c, final String dest) {
        assertOk(run("SET", a, bytes(0xf0, 0x0f, 0xaa)));
        assertOk(run("SET", b, bytes(0xff)));
        assertInt(3, run("BITOP", "AND", dest, a, b));
        assertEquals(bytes(0xf0, 0x00, 0x00), run("GET", dest));
        assertEquals("raw", run("OBJECT", "ENCODING", dest));
        assertInt(3, run("BITOP", "or", dest, a, b, c));
        assertEquals(bytes(0xff, 0x0f, 0xaa), run("GET", dest));
        assertInt(3, run("BITOP", "Xor", dest, a, b));
        assertEquals(bytes(0x0f, 0x0f, 0xaa), run("GET", dest));
        assertInt(3, run("BITOP", "NOT", dest, a));
        assertEquals(bytes(0x0f, 0xf0, 0x55), run("GET", dest));
        assertInt(3, run("BITOP", "AND", dest, a, c)); // a missing key is all zeros
        assertEquals(bytes(0, 0, 0), run("GET", dest));
        // in place: the destination is also a source
        assertInt(3, run("BITOP", "NOT", a, a));
        assertEquals(bytes(0x0f, 0xf0, 0x55), run("GET", a));
        // every source empty or missing: the destination goes
        assertInt(0, run("BITOP", "OR", dest, c));
        assertInt(0, run("EXISTS", dest));
        assertOk(run("SET", c, ""));
        assertInt(0, run("BITOP", "OR", dest, c, c));
        assertInt(0, run("EXISTS", dest));
        // the destination's type and TTL do not matter; the result is a string with no TTL
        assertInt(1, run("RPUSH", dest, "x"));
        assertOk(run("SET", b, "1"));
        run("EXPIRE", dest, "100");
        assertInt(1, run("BITOP", "NOT", dest, b));
        assertEquals(bytes(0xce), run("GET", dest));
        assertEquals(-1L, run("TTL", dest));
        // a source of another type
        assertInt(1, run("RPUSH", c + "l", "x"));
    }

    @Test
    void shouldCombineStringsOnOneShard() {
        bitopOver("{t}a", "{t}b", "{t}c", "{t}d");
        assertErrorText(WRONGTYPE, run("BITOP", "AND", "{t}d", "{t}a", "{t}cl"));
    }

    @Test
    void shouldCombineStringsAcrossShards() {
        final String[] k = ShardKeys.onDistinctShards(h.server, "bk", 3);
        bitopOver(k[0], k[1], k[2], "dest");
        assertErrorText(WRONGTYPE, run("BITOP", "AND", "dest", k[0], k[2] + "l"));
        // a long result written back to the destination's shard
        final char[] v = new char[5000];
        Arrays.fill(v, 'a');
        assertOk(run("SET", k[0], new String(v)));
        assertInt(1, run("DEL", "dest"));
        assertInt(5000, run("BITOP", "XOR", k[1], k[0], k[2], "dest"));
        assertInt(5000 * 3, run("BITCOUNT", k[1]));
    }

    @Test
    void shouldAnswerBitopErrors() {
        assertErrorText(SYNTAX, run("BITOP", "NAND", "d", "a"));
        assertErrorText("ERR BITOP NOT must be called with a single source key.", run("BITOP", "NOT", "d", "a", "b"));
        assertErrorText("ERR wrong number of arguments for 'bitop' command", run("BITOP", "AND", "d"));
        assertInt(1, run("RPUSH", "l", "a"));
        assertOk(run("SET", "d", "keep"));
        assertErrorText(WRONGTYPE, run("BITOP", "OR", "d", "missing", "l"));
        assertEquals("keep", run("GET", "d"));
    }

    // ---- BITFIELD ------------------------------------------------------------------------------

    @Test
    void shouldGetSetAndIncrementFields() {
        assertEquals(list(1L, 0L), run("BITFIELD", "k", "INCRBY", "i5", "100", "1", "GET", "u4", "0"));
        assertInt(14, run("STRLEN", "k")); // up to bit 104
        assertEquals(list(0L), run("BITFIELD", "k", "SET", "u8", "0", "255"));
        assertEquals(list(255L, -1L, 15L), run("BITFIELD", "k", "GET", "u8", "0", "get", "i8", "0", "GET", "u4", "4"));
        // #n offsets count in fields of the type's width
        assertEquals(list(0L, 7L), run("BITFIELD", "k", "SET", "u8", "#1", "7", "GET", "u8", "8"));
        assertEquals(bytes(0xff, 0x07), run("GETRANGE", "k", "0", "1"));
        // a field across byte boundaries, and 64-bit fields
        assertEquals(list(0L, Long.MIN_VALUE), run("BITFIELD", "x", "SET", "i64", "3", String.valueOf(Long.MIN_VALUE),
                "GET", "i64", "3"));
        assertEquals(list(1L << 62), run("BITFIELD", "x", "GET", "u63", "3"));
        assertEquals(list(0L, Long.MAX_VALUE), run("BITFIELD", "y", "SET", "u63", "1", String.valueOf(Long.MAX_VALUE),
                "GET", "u63", "1"));
        assertEquals(list(0L, 1L), run("BITFIELD", "z", "SET", "i1", "0", "-1", "GET", "u1", "0"));
        // GET past the end and on a missing key reads zeros
        assertEquals(list(0L, 8L), run("BITFIELD", "k", "GET", "i64", "1000", "GET", "u8", "100"));
        assertEquals(list(0L), run("BITFIELD", "missing", "GET", "i8", "0"));
        assertInt(0, run("EXISTS", "missing"));
        assertEquals(list(), run("BITFIELD", "missing"));
        assertInt(0, run("EXISTS", "missing"));
        assertEquals(list(8L), run("BITFIELD_RO", "k", "GET", "u8", "100"));
        assertEquals(list(255L, 7L), run("BITFIELD_RO", "k", "GET", "u8", "0", "GET", "u8", "#1"));
        // an int-encoded value is read as its digits, and written as a raw string
        assertOk(run("SET", "n", "1"));
        assertEquals(list(0x31L), run("BITFIELD", "n", "GET", "u8", "0"));
        assertEquals(list(0x32L), run("BITFIELD", "n", "INCRBY", "u8", "0", "1"));
        assertEquals("2", run("GET", "n"));
        assertEquals("raw", run("OBJECT", "ENCODING", "n"));
    }

    @Test
    void shouldApplyOverflowModes() {
        // WRAP (the default)
        assertEquals(list(-128L), run("BITFIELD", "w", "INCRBY", "i8", "0", "128"));
        assertEquals(list(127L), run("BITFIELD", "w", "INCRBY", "i8", "0", "-1"));
        assertEquals(list(-128L), run("BITFIELD", "w", "INCRBY", "i8", "0", "1"));
        assertEquals(list(-128L, -1L), run("BITFIELD", "w", "SET", "i8", "0", "255", "GET", "i8", "0"));
        assertEquals(list(255L), run("BITFIELD", "u", "INCRBY", "u8", "0", "-1"));
        assertEquals(list(0L), run("BITFIELD", "u", "INCRBY", "u8", "0", "1"));
        assertEquals(list(0L, 255L), run("BITFIELD", "u", "SET", "u8", "0", "-1", "GET", "u8", "0"));
        assertEquals(list(0L, Long.MIN_VALUE), run("BITFIELD", "w64", "SET", "i64", "0",
                String.valueOf(Long.MAX_VALUE), "INCRBY", "i64", "0", "1"));
        assertEquals(list(Long.MAX_VALUE), run("BITFIELD", "w64", "INCRBY", "i64", "0", "-1"));
        // SAT
        assertEquals(list(127L, 127L), run("BITFIELD", "s", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "1000",
                "INCRBY", "i8", "0", "1"));
        assertEquals(list(-128L), run("BITFIELD", "s", "overflow", "sat", "INCRBY", "i8", "0", "-1000"));
        assertEquals(list(-128L, 127L), run("BITFIELD", "s", "OVERFLOW", "SAT", "SET", "i8", "0", "300", "GET", "i8",
                "0"));
        assertEquals(list(0L, 0L), run("BITFIELD", "su", "OVERFLOW", "SAT", "INCRBY", "u4", "0", "-3", "GET", "u4",
                "0"));
        assertEquals(list(15L, 15L), run("BITFIELD", "su", "OVERFLOW", "SAT", "INCRBY", "u4", "0", "99", "SET", "u4",
                "0", "-1"));
        assertEquals(list(Long.MAX_VALUE), run("BITFIELD", "s64", "OVERFLOW", "SAT", "INCRBY", "i64", "0",
                String.valueOf(Long.MAX_VALUE)));
        assertEquals(list(Long.MAX_VALUE), run("BITFIELD", "s64", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "5"));
        assertEquals(list(Long.MAX_VALUE), run("BITFIELD", "s63", "OVERFLOW", "SAT", "INCRBY", "u63", "0",
                String.valueOf(Long.MAX_VALUE)));
        assertEquals(list(Long.MAX_VALUE), run("BITFIELD", "s63", "OVERFLOW", "SAT", "INCRBY", "u63", "0", "1"));
        // FAIL: nothing written, a null in the reply; the mode applies to the subcommands after it
        assertEquals(list(null, 3L, -128L), run("BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "4",
                "INCRBY", "u2", "0", "3", "OVERFLOW", "WRAP", "INCRBY", "i8", "8", "128"));
        assertEquals(list(null, 3L), run("BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "1", "GET", "u2",
                "0"));
        assertEquals(list(3L, 0L), run("BITFIELD", "f", "OVERFLOW", "FAIL", "SET", "u2", "0", "0", "GET", "u2", "0"));
        assertEquals(list((Object) null), run("BITFIELD", "f", "OVERFLOW", "FAIL", "SET", "i8", "0", "128"));
        // a write that fails still creates the key with zeros, as Redis does
        assertEquals(list((Object) null), run("BITFIELD", "new", "OVERFLOW", "FAIL", "INCRBY", "u2", "100", "9"));
        assertEquals(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), run("GET", "new"));
        // Redis sorts an out-of-range SET value by its wrapped difference: this one saturates high
        assertEquals(list(-1L, 127L), run("BITFIELD", "w", "OVERFLOW", "SAT", "SET", "i8", "0",
                String.valueOf(Long.MIN_VALUE), "GET", "i8", "0"));
    }

    @Test
    void shouldRefuseBadBitfieldArgumentsBeforeWritingAnything() {
        assertErrorText(BAD_TYPE, run("BITFIELD", "k", "GET", "u64", "0"));
        assertErrorText(BAD_TYPE, run("BITFIELD", "k", "GET", "i65", "0"));
        assertErrorText(BAD_TYPE, run("BITFIELD", "k", "GET", "i0", "0"));
        assertErrorText(BAD_TYPE, run("BITFIELD", "k", "GET", "I8", "0"));
        assertErrorText(BAD_TYPE, run("BITFIELD", "k", "GET", "x8", "0"));
        assertErrorText(BAD_TYPE, run("BITFIELD", "k", "GET", "i", "0"));
        assertErrorText(BAD_TYPE, run("BITFIELD", "k", "GET", "i08", "0"));
        assertErrorText(BIT_OFFSET, run("BITFIELD", "k", "GET", "i8", "-1"));
        assertErrorText(BIT_OFFSET, run("BITFIELD", "k", "GET", "i8", "#-1"));
        assertErrorText(BIT_OFFSET, run("BITFIELD", "k", "GET", "i8", "#"));
        assertErrorText(BIT_OFFSET, run("BITFIELD", "k", "GET", "i8", "4294967296"));
        assertErrorText(BIT_OFFSET, run("BITFIELD", "k", "SET", "i8", "#536870912", "1"));
        assertErrorText(NOT_INTEGER, run("BITFIELD", "k", "SET", "i8", "0", "x"));
        assertErrorText(SYNTAX, run("BITFIELD", "k", "FOO"));
        assertErrorText(SYNTAX, run("BITFIELD", "k", "GET", "i8"));
        assertErrorText(SYNTAX, run("BITFIELD", "k", "SET", "i8", "0"));
        assertErrorText(SYNTAX, run("BITFIELD", "k", "OVERFLOW"));
        assertErrorText("ERR Invalid OVERFLOW type specified", run("BITFIELD", "k", "OVERFLOW", "foo"));
        // an error anywhere: nothing ran, even the SET before it
        assertErrorText(BAD_TYPE, run("BITFIELD", "k", "SET", "u8", "0", "1", "GET", "u64", "0"));
        assertInt(0, run("EXISTS", "k"));
        assertErrorText("ERR BITFIELD_RO only supports the GET subcommand",
                run("BITFIELD_RO", "k", "GET", "u8", "0", "SET", "u8", "0", "1"));
        assertErrorText(BAD_TYPE, run("BITFIELD_RO", "k", "SET", "u64", "0", "1"));
        assertInt(1, run("RPUSH", "l", "a"));
        assertErrorText(WRONGTYPE, run("BITFIELD", "l", "GET", "u8", "0"));
        assertErrorText(WRONGTYPE, run("BITFIELD", "l", "SET", "u8", "0", "1"));
        assertErrorText(WRONGTYPE, run("BITFIELD_RO", "l", "GET", "u8", "0"));
        assertErrorText(BAD_TYPE, run("BITFIELD", "l", "GET", "u64", "0")); // arguments first
    }

    // ---- transactions and notifications --------------------------------------------------------

    @Test
    void shouldRunInTransactionsAndScriptsAcrossShards() {
        final String[] k = ShardKeys.onDistinctShards(h.server, "tx", 3);
        assertOk(run("MULTI"));
        run("SETBIT", k[0], "0", "1");
        run("BITFIELD", k[1], "SET", "u8", "8", "255");
        run("BITOP", "OR", k[2], k[0], k[1]);
        run("BITCOUNT", k[2]);
        assertEquals(list(0L, list(0L), 2L, 9L), run("EXEC"));
        assertEquals(bytes(0x80, 0xff), run("GET", k[2]));
        assertEquals(list(1L, 2L, 8L), run("EVAL", "return {redis.call('GETBIT', KEYS[1], 0),"
                + " redis.call('BITOP', 'AND', KEYS[3], KEYS[1], KEYS[2]), redis.call('BITPOS', KEYS[2], 1)}", "3",
                k[2], k[1], k[0]));
        assertEquals(bytes(0, 0xff), run("GET", k[0]));
        assertEquals(list(1L), run("EVAL", "return redis.call('BITFIELD_RO', KEYS[1], 'GET', 'u1', 0)", "1", k[2]));
    }

    /** Redis 7.2 notifies a SETBIT or BITFIELD write only when the key was created, grew or changed. */
    @Test
    void shouldNotifyOnlyBitWritesThatChangeSomething() throws Exception {
        final Harness.Client sub = h.client();
        try {
            assertOk(run("CONFIG", "SET", "notify-keyspace-events", "E$"));
            sub.run("SUBSCRIBE", "__keyevent@0__:setbit");
            assertInt(0, run("SETBIT", "n", "3", "1"));
            assertEquals(list("message", "__keyevent@0__:setbit", "n"), sub.read());
            assertInt(1, run("SETBIT", "n", "3", "1")); // no change
            assertInt(0, run("SETBIT", "n", "4", "0")); // no change
            assertEquals(list(0L, null), run("BITFIELD", "n", "SET", "u4", "4", "0", "OVERFLOW", "FAIL", "INCRBY",
                    "u2", "0", "9"));
            assertEquals(true, sub.silentFor(100));
            assertEquals(list(0L), run("BITFIELD", "n", "SET", "u1", "15", "0")); // grows the string
            assertEquals(list("message", "__keyevent@0__:setbit", "n"), sub.read());
            assertEquals(list(1L), run("BITFIELD", "n", "SET", "u1", "3", "0"));
            assertEquals(list("message", "__keyevent@0__:setbit", "n"), sub.read());
        } finally {
            assertOk(run("CONFIG", "SET", "notify-keyspace-events", ""));
            sub.close();
        }
    }

    @Test
    void shouldFailAWatchAfterABitWrite() {
        final Harness.Client other = h.client();
        try {
            for (final String[] write : new String[][] {{"SETBIT", "w", "3", "1"},
                    {"BITFIELD", "w", "INCRBY", "u8", "0", "1"}, {"BITOP", "NOT", "w", "src"}}) {
                assertOk(run("SET", "src", "x"));
                assertOk(run("WATCH", "w"));
                other.run(write);
                assertOk(run("MULTI"));
                run("GET", "w");
                assertEquals(null, run("EXEC"), String.join(" ", write));
            }
        } finally {
            other.close();
        }
    }
}
