package io.moon.server.commands;

import io.moon.server.testing.Harness;
import io.moon.server.testing.Resp;
import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST on three shards. The byte strings, counts and
 * error texts below were taken from redis-server 7.0.15 running the same commands, so these tests
 * pin Moon to Redis's format; the differential test compares random sequences on top.
 */
class HllCommandsTest extends SharedHarnessTest {
    private static final String NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";
    private static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    private static final String CORRUPTED = "INVALIDOBJ Corrupted HLL object detected";
    /** Header of a sparse HLL: "HYLL", encoding 1, three zero bytes. */
    private static final String SPARSE_HEADER = "48594c4c01000000";

    @AfterEach
    void defaultLimit() {
        assertOk(run("CONFIG", "SET", "hll-sparse-max-bytes", "3000"));
        assertOk(run("CONFIG", "SET", "notify-keyspace-events", ""));
    }

    private static String hex(final Object bulk) {
        return HexFormat.of().formatHex(((String) bulk).getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String bytes(final String hex) {
        return new String(HexFormat.of().parseHex(hex), StandardCharsets.ISO_8859_1);
    }

    private static String sha1(final Object bulk) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest(((String) bulk).getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static String[] elements(final String key, final String prefix, final int n) {
        final String[] a = new String[n + 2];
        a[0] = "PFADD";
        a[1] = key;
        for (int i = 0; i < n; i++) {
            a[i + 2] = prefix + i;
        }
        return a;
    }

    private static String[] on(final String... keys) {
        return keys;
    }

    @Test
    void shouldStoreRedisBytesForASparseHll() {
        assertInt(1, run("PFADD", "h", "a", "b", "c"));
        // the cached count is marked stale (top bit) until PFCOUNT stores it
        assertEquals(SPARSE_HEADER + "0000000000000080" + "60f38050b1844bfb80425a", hex(run("GET", "h")));
        assertInt(3, run("PFCOUNT", "h"));
        assertEquals(SPARSE_HEADER + "0300000000000000" + "60f38050b1844bfb80425a", hex(run("GET", "h")));
        assertEquals("Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603", run("PFDEBUG", "DECODE", "h"));
        assertInt(0, run("PFADD", "h", "a", "c"));
        assertInt(3, run("PFCOUNT", "h"));
    }

    @Test
    void shouldCreateAnEmptyHllWithoutElements() {
        assertInt(1, run("PFADD", "e"));
        assertEquals(SPARSE_HEADER + "0000000000000080" + "7fff", hex(run("GET", "e")));
        assertInt(0, run("PFADD", "e"));
        assertInt(0, run("PFCOUNT", "e"));
        assertInt(0, run("PFCOUNT", "missing"));
        assertEquals(new Resp.Simple("string"), run("TYPE", "e"));
        assertEquals("raw", run("OBJECT", "ENCODING", "e"));
    }

    @Test
    void shouldTurnDenseLikeRedis() throws Exception {
        run(elements("s", "e", 200));
        assertInt(513, run("STRLEN", "s"));
        assertInt(200, run("PFCOUNT", "s"));
        assertEquals("67656f5edcd98dfaa76d3d449efed617b55ef969", sha1(run("GET", "s")));
        run(elements("d", "e", 5000));
        assertEquals(new Resp.Simple("dense"), run("PFDEBUG", "ENCODING", "d"));
        assertInt(12304, run("STRLEN", "d"));
        assertInt(4968, run("PFCOUNT", "d"));
        assertEquals("96a367e68466cf15738f8f4dbb54a5c87e55a814", sha1(run("GET", "d")));
    }

    @Test
    void shouldHonourHllSparseMaxBytes() {
        assertEquals(List.of("hll-sparse-max-bytes", "3000"), run("CONFIG", "GET", "hll-sparse-max-bytes"));
        assertOk(run("CONFIG", "SET", "hll-sparse-max-bytes", "30"));
        run("PFADD", "t", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        assertEquals(new Resp.Simple("dense"), run("PFDEBUG", "ENCODING", "t"));
        run("PFADD", "t2", "a", "b", "c");
        assertEquals(new Resp.Simple("sparse"), run("PFDEBUG", "ENCODING", "t2"));
        assertInt(27, run("STRLEN", "t2"));
    }

    @Test
    void shouldKeepTheTtlAndStayAString() {
        run("PFADD", "k", "x");
        assertInt(1, run("EXPIRE", "k", "1000"));
        run(elements("k", "y", 3000)); // dense, changed in place
        run("PFADD", "k", "z");
        assertEquals(true, (Long) run("TTL", "k") > 900);
        final Object raw = run("GET", "k");
        assertOk(run("SET", "copy", (String) raw));
        assertEquals(run("PFCOUNT", "k"), run("PFCOUNT", "copy"));
    }

    @Test
    void shouldCountTheUnionAcrossShardsWithoutChangingTheKeys() {
        final String[] keys = KeyPlacement.onDistinctShards(h, "u", 3);
        run(elements(keys[0], "a", 100));
        run(elements(keys[1], "a", 300));
        run(elements(keys[2], "b", 50));
        run(elements("{t}0", "a", 100));
        run(elements("{t}1", "a", 300));
        run(elements("{t}2", "b", 50));
        final Object before = run("GET", keys[0]);
        final Object across = run("PFCOUNT", keys[0], keys[1], keys[2], "nokey");
        assertEquals(run("PFCOUNT", "{t}0", "{t}1", "{t}2", "{t}nokey"), across);
        assertTrue(Math.abs((Long) across - 350) <= 10, "union of 350 counted as " + across);
        assertEquals(before, run("GET", keys[0]), "a count of several keys stores nothing");
    }

    @Test
    void shouldReportTheFirstBadKeyInArgumentOrderAcrossShards() {
        final String[] keys = KeyPlacement.onDistinctShards(h, "bad", 3);
        run("PFADD", keys[0], "x");
        run("SET", keys[1], "plain string");
        run("RPUSH", keys[2], "l");
        assertErrorText(NOT_HLL, run("PFCOUNT", keys[0], keys[1], keys[2]));
        assertErrorText(WRONGTYPE, run("PFCOUNT", keys[2], keys[1], keys[0]));
        assertErrorText(NOT_HLL, run("PFMERGE", keys[0], keys[1], keys[2]));
        assertErrorText(WRONGTYPE, run("PFMERGE", keys[0], keys[2]));
    }

    @Test
    void shouldMergeAcrossShards() {
        final String[] keys = KeyPlacement.onDistinctShards(h, "m", 3);
        run(elements(keys[1], "a", 100));
        run(elements(keys[2], "b", 4000)); // dense: the destination becomes dense
        assertOk(run("PFMERGE", keys[0], keys[1], keys[2]));
        run(elements("{m}1", "a", 100));
        run(elements("{m}2", "b", 4000));
        assertOk(run("PFMERGE", "{m}0", "{m}1", "{m}2"));
        assertEquals(run("GET", "{m}0"), run("GET", keys[0]));
        assertEquals(new Resp.Simple("dense"), run("PFDEBUG", "ENCODING", keys[0]));
        assertEquals(run("PFCOUNT", keys[1], keys[2]), run("PFCOUNT", keys[0]));
        // the destination's own registers count, and a destination alone is created empty
        assertOk(run("PFMERGE", keys[1]));
        assertOk(run("PFMERGE", "fresh"));
        assertEquals(SPARSE_HEADER + "0000000000000080" + "7fff", hex(run("GET", "fresh")));
    }

    @Test
    void shouldRefuseValuesThatAreNotHlls() {
        run("SET", "s", "hello world, this is not an HLL");
        run("SET", "i", "12345");
        run("SET", "short", "HYLL");
        run("SET", "enc", "HYLL\u0002\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000");
        run("SET", "dense", "HYLL\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000xx");
        run("RPUSH", "l", "a");
        for (final String k : on("s", "i", "short", "enc", "dense")) {
            assertErrorText(NOT_HLL, run("PFADD", k, "a"));
            assertErrorText(NOT_HLL, run("PFCOUNT", k));
            assertErrorText(NOT_HLL, run("PFDEBUG", "ENCODING", k));
        }
        assertErrorText(WRONGTYPE, run("PFADD", "l", "a"));
        assertErrorText(WRONGTYPE, run("PFCOUNT", "l"));
        assertErrorText(WRONGTYPE, run("PFMERGE", "d", "l"));
        assertErrorText("ERR wrong number of arguments for 'pfadd' command", run("PFADD"));
        assertErrorText("ERR wrong number of arguments for 'pfcount' command", run("PFCOUNT"));
    }

    @Test
    void shouldDetectCorruptedSparseValues() {
        // XZERO for every register, then one more VAL: a run past the last register
        final String over = bytes(SPARSE_HEADER + "0000000000000080" + "7fffff");
        run("SET", "c", over);
        assertErrorText(CORRUPTED, run("PFCOUNT", "c"));
        assertErrorText(CORRUPTED, run("PFCOUNT", "c", "nokey"));
        assertErrorText(CORRUPTED, run("PFMERGE", "d", "c"));
        assertErrorText(CORRUPTED, run("PFDEBUG", "TODENSE", "c"));
        // too few registers: an element landing past the opcodes cannot be placed
        run("SET", "c2", bytes(SPARSE_HEADER + "0000000000000080" + "00"));
        assertErrorText(CORRUPTED, run("PFADD", "c2", "a", "b", "c"));
        assertErrorText(CORRUPTED, run("PFCOUNT", "c2"));
    }

    @Test
    void shouldUseAndRefreshTheCachedCount() {
        run(elements("k", "x", 1000));
        // a cached count that is valid is returned as it is, even if wrong
        final String v = hex(run("GET", "k"));
        run("SET", "fake", bytes(v.substring(0, 16) + "2a00000000000000" + v.substring(32)));
        assertInt(42, run("PFCOUNT", "fake"));
        assertInt(1001, run("PFCOUNT", "k"));
        assertEquals("e903000000000000", hex(run("GET", "k")).substring(16, 32));
    }

    @Test
    void shouldDebugTheEncoding() {
        run("PFADD", "k", "a", "b", "c");
        assertEquals(new Resp.Simple("sparse"), run("PFDEBUG", "encoding", "k"));
        assertInt(1, run("PFDEBUG", "TODENSE", "k"));
        assertInt(0, run("PFDEBUG", "TODENSE", "k"));
        assertEquals(new Resp.Simple("dense"), run("PFDEBUG", "ENCODING", "k"));
        assertErrorText("ERR HLL encoding is not sparse", run("PFDEBUG", "DECODE", "k"));
        assertInt(3, run("PFCOUNT", "k"));
        run("PFADD", "g", "a", "b", "c");
        final Object regs = run("PFDEBUG", "GETREG", "g");
        assertInstanceOf(List.class, regs);
        assertEquals(16384, ((List<?>) regs).size());
        assertEquals(3L, ((List<?>) regs).stream().filter(x -> (Long) x != 0).count());
        assertEquals(1L, ((List<?>) regs).get(8436));
        assertEquals(2L, ((List<?>) regs).get(12711));
        assertEquals(1L, ((List<?>) regs).get(15780));
        assertEquals(new Resp.Simple("dense"), run("PFDEBUG", "ENCODING", "g"), "GETREG makes it dense");
        assertErrorText("ERR The specified key does not exist", run("PFDEBUG", "GETREG", "nokey"));
        assertErrorText("ERR Unknown PFDEBUG subcommand 'xx'", run("PFDEBUG", "xx", "g"));
        assertErrorText("ERR The specified key does not exist", run("PFDEBUG", "xx", "nokey"));
        assertErrorText("ERR wrong number of arguments for 'pfdebug' command", run("PFDEBUG", "GETREG"));
    }

    @Test
    void shouldPassItsSelfTest() {
        assertOk(run("PFSELFTEST"));
        assertErrorText("ERR wrong number of arguments for 'pfselftest' command", run("PFSELFTEST", "x"));
    }

    @Test
    void shouldFailWatchOnAnAddAndOnACountThatStoresTheCache() {
        final Harness.Client watcher = h.client();
        final Harness.Client other = h.client();
        other.run("PFADD", "w", "a");
        for (final String[] write : List.of(on("PFADD", "w", "new"), on("PFCOUNT", "w"), on("PFMERGE", "w", "x"))) {
            assertOk(watcher.run("WATCH", "w"));
            other.run(write);
            assertOk(watcher.run("MULTI"));
            watcher.run("PING");
            assertNil(watcher.run("EXEC"));
        }
        // the count is cached now: a second PFCOUNT changes nothing
        other.run("PFCOUNT", "w");
        assertOk(watcher.run("WATCH", "w"));
        other.run("PFCOUNT", "w");
        assertOk(watcher.run("MULTI"));
        watcher.run("PING");
        assertEquals(List.of(new Resp.Simple("PONG")), watcher.run("EXEC"));
        watcher.close();
        other.close();
    }

    @Test
    void shouldNotifyPfaddForAddsAndMerges() {
        assertOk(run("CONFIG", "SET", "notify-keyspace-events", "KE$"));
        final Harness.Client sub = h.client();
        sub.run("PSUBSCRIBE", "__keyevent@0__:*");
        run("PFADD", "n", "a");
        run("PFADD", "n", "a"); // nothing changed: no event
        run("PFCOUNT", "n");
        run("PFMERGE", "n2", "n");
        assertEquals(List.of("pmessage", "__keyevent@0__:*", "__keyevent@0__:pfadd", "n"), sub.read());
        assertEquals(List.of("pmessage", "__keyevent@0__:*", "__keyevent@0__:pfadd", "n2"), sub.read());
        sub.close();
    }

    @Test
    void shouldCountDifferentSetsDifferently() {
        run(elements("x", "a", 500));
        run(elements("y", "b", 500));
        assertNotEquals(run("GET", "x"), run("GET", "y"));
        final long union = (Long) run("PFCOUNT", "x", "y");
        assertTrue(Math.abs(union - 1000) <= 15, "union of 1000 counted as " + union);
    }
}
