package io.moon.storage;

import io.moon.protocol.Numbers;
import io.moon.testkit.Props;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Listpack} against the bytes Redis 7.0 writes (captured from DUMP of listpack-encoded
 * hashes, and compared live in {@code shouldWriteWhatRedisWritesForRandomHashes}) and against an
 * {@code ArrayList<byte[]>} model under random edits.
 */
class ListpackTest {
    private static final HexFormat HEX = HexFormat.of();

    static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] lp(final String... elements) {
        final byte[][] e = new byte[elements.length][];
        for (int i = 0; i < e.length; i++) {
            e[i] = b(elements[i]);
        }
        return Listpack.of(e);
    }

    // ---- exact layouts -------------------------------------------------------------------------

    @Test
    void shouldEncodeStringsAndSmallIntegersAsRedisDoes() {
        // DUMP of HSET h f hello, and of HSET h a 1024 (13-bit integer)
        assertEquals("1100000002008166028568656c6c6f06ff", HEX.formatHex(lp("f", "hello")));
        assertEquals("0d0000000200816102c40002ff", HEX.formatHex(lp("a", "1024")));
        assertEquals("0e000000010085" + "68656c6c6f" + "06ff", HEX.formatHex(lp("hello")));
    }

    @Test
    void shouldPickTheSmallestIntegerEncodingAsRedisDoes() {
        assertEquals("320000000e008161027f01816202c08002816302dfff02816402d00002816502cfff02"
                        + "816602f1001003816702f1ffef03ff",
                HEX.formatHex(lp("a", "127", "b", "128", "c", "-1", "d", "-4096", "e", "4095", "f", "4096",
                        "g", "-4097")));
        assertEquals("6f0000001600816102f1ff7f03816202f1008003816302f200800004816402f2ffff7f04816502f2"
                        + "00008004816602f30000800005816702f3ffffff7f05816802f30000008005816902f400000080"
                        + "00000000" + "09816a02f4ffffffffffffff7f09816b02f4000000000000008009ff",
                HEX.formatHex(lp("a", "32767", "b", "-32768", "c", "32768", "d", "8388607", "e", "-8388608",
                        "f", "8388608", "g", "2147483647", "h", "-2147483648", "i", "2147483648",
                        "j", "9223372036854775807", "k", "-9223372036854775808")));
    }

    @Test
    void shouldKeepNonCanonicalNumbersAsStrings() {
        assertEquals("3e0000000c00816102822d300381620282303103816302822b31038164029339323233333732303336"
                        + "3835343737353830381481650280018166020001ff",
                HEX.formatHex(lp("a", "-0", "b", "01", "c", "+1", "d", "9223372036854775808", "e", "", "f", "0")));
    }

    @Test
    void shouldWidenLengthsAndBacklensAtRedisBoundaries() {
        // string length, total of HSET h f <n x's>, value encoding, value backlen: from Redis 7.0
        final Object[][] cases = {
                {63, 75, "bf", "40"}, {64, 77, "e040", "42"}, {125, 138, "e07d", "7f"},
                {126, 140, "e07e", "0180"}, {4095, 4109, "efff", "2081"}, {4096, 4113, "f000100000", "2085"},
                {16377, 16394, "f0f93f0000", "7ffe"}, {16378, 16396, "f0fa3f0000", "00ffff"},
                {2097145, 2097163, "f0f9ff1f00", "7ffffe"}, {2097146, 2097165, "f0faff1f00", "00ffffff"},
        };
        for (final Object[] c : cases) {
            final int n = (Integer) c[0];
            final byte[] value = new byte[n];
            Arrays.fill(value, (byte) 'x');
            final byte[] got = Listpack.of(b("f"), value);
            final byte[] head = HEX.parseHex((String) c[2]);
            final byte[] back = HEX.parseHex((String) c[3]);
            final int total = (Integer) c[1];
            final byte[] want = new byte[total];
            Entry.putInt(want, 0, total);
            want[4] = 2;
            System.arraycopy(HEX.parseHex("816602"), 0, want, 6, 3);
            System.arraycopy(head, 0, want, 9, head.length);
            System.arraycopy(value, 0, want, 9 + head.length, n);
            System.arraycopy(back, 0, want, 9 + head.length + n, back.length);
            want[total - 1] = (byte) Listpack.EOF;
            assertArrayEquals(want, got, "string of " + n);
            final int p = Listpack.last(got, 0);
            assertEquals(n, Listpack.strLength(got, p));
            assertEquals(Listpack.first(got, 0), Listpack.prev(got, 0, p));
            assertTrue(Listpack.validate(got, 0, got.length, true));
        }
    }

    @Test
    void shouldChooseBacklenWidthsAsRedisDoes() {
        final long[][] cases = {{1, 1}, {127, 1}, {128, 2}, {16382, 2}, {16383, 3}, {2097150, 3}, {2097151, 4},
                {268435454, 4}, {268435455, 5}, {1L << 32, 5}};
        for (final long[] c : cases) {
            assertEquals(c[1], Listpack.backlenSize(c[0]), "backlen of " + c[0]);
        }
    }

    @Test
    void shouldReadEveryEncodingBack() {
        final String[] values = {"0", "127", "128", "-1", "-4096", "4095", "4096", "-4097", "32767", "-32768",
                "32768", "8388607", "-8388608", "8388608", "2147483647", "-2147483648", "2147483648",
                "9223372036854775807", "-9223372036854775808", "", "x", "-0", "01", "+1", "1.5"};
        final byte[] l = lp(values);
        int p = Listpack.first(l, 0);
        for (final String v : values) {
            final boolean number = Numbers.isLong(b(v), 0, v.length()) && !v.isEmpty();
            assertEquals(number, Listpack.isInt(l, p), v);
            if (number) {
                assertEquals(Long.parseLong(v), Listpack.intValue(l, p), v);
            } else {
                assertEquals(v.length(), Listpack.strLength(l, p));
            }
            assertEquals(v, new String(Listpack.toBytes(l, p), StandardCharsets.ISO_8859_1));
            assertEquals(v.length(), Listpack.elementLength(l, p));
            assertTrue(Listpack.equalsBytes(l, p, b(v), 0, v.length()), v);
            assertEquals(0, Listpack.compare(l, p, b(v), 0, v.length()), v);
            assertEquals(Listpack.encodedSize(b(v), 0, v.length()), Listpack.entrySize(l, p), v);
            p = Listpack.next(l, p);
        }
        assertEquals(-1, p);
    }

    @Test
    void shouldNavigateAnEmptyListpack() {
        final byte[] l = new byte[Listpack.EMPTY_BYTES + 3];
        Listpack.init(l, 3);
        assertEquals("07000000" + "0000" + "ff", HEX.formatHex(l, 3, l.length));
        assertEquals(0, Listpack.count(l, 3));
        assertEquals(-1, Listpack.first(l, 3));
        assertEquals(-1, Listpack.last(l, 3));
        assertEquals(-1, Listpack.seek(l, 3, 0));
        assertEquals(-1, Listpack.seek(l, 3, -1));
        assertEquals(-1, Listpack.prev(l, 3, Listpack.eofOffset(l, 3)));
        assertEquals(0, Listpack.deleteRange(l, 3, Listpack.eofOffset(l, 3), 5));
        assertTrue(Listpack.validate(l, 3, Listpack.EMPTY_BYTES, true));
    }

    @Test
    void shouldFindFieldsSkippingValues() {
        final byte[] l = lp("a", "1", "1", "b", "b", "x", "-0", "y");
        assertEquals(Listpack.seek(l, 0, 4), Listpack.find(l, Listpack.first(l, 0), b("b"), 0, 1, 1));
        assertEquals(Listpack.seek(l, 0, 2), Listpack.find(l, Listpack.first(l, 0), b("1"), 0, 1, 1));
        assertEquals(Listpack.seek(l, 0, 1), Listpack.find(l, Listpack.first(l, 0), b("1"), 0, 1, 0));
        assertEquals(Listpack.seek(l, 0, 6), Listpack.find(l, Listpack.first(l, 0), b("-0"), 0, 2, 1));
        assertEquals(-1, Listpack.find(l, Listpack.first(l, 0), b("x"), 0, 1, 1));
        assertEquals(-1, Listpack.find(l, Listpack.first(l, 0), b("01"), 0, 2, 0));
    }

    /** Past 65535 elements the header says "unknown"; Redis writes the count back once it fits. */
    @Test
    void shouldSaturateTheCountAt65535AndRecountLikeRedis() {
        final int n = 65540;
        byte[] l = new byte[Listpack.EMPTY_BYTES + 2 * n];
        Listpack.init(l, 0);
        for (int i = 0; i < n; i++) {
            Listpack.insertLong(l, 0, Listpack.eofOffset(l, 0), i % 100);
            assertEquals(Math.min(i + 1, Listpack.COUNT_UNKNOWN), (l[4] & 0xff) | (l[5] & 0xff) << 8);
        }
        assertEquals(n, Listpack.count(l, 0));
        assertEquals(n, Listpack.recount(l, 0));
        assertEquals(Listpack.seek(l, 0, n - 1), Listpack.seek(l, 0, -1));
        assertEquals(-1, Listpack.seek(l, 0, n));
        assertEquals(-1, Listpack.seek(l, 0, -n - 1));
        assertEquals(7, Listpack.deleteRange(l, 0, Listpack.first(l, 0), 7));
        assertEquals(n - 7, Listpack.count(l, 0));
        assertEquals("ffff", HEX.formatHex(l, 4, 6), "count() only reads");
        assertEquals(n - 7, Listpack.recount(l, 0));
        assertEquals("fdff", HEX.formatHex(l, 4, 6), "recount() writes back 65533");
        assertTrue(Listpack.validate(l, 0, Listpack.totalBytes(l, 0), true));
        l = Arrays.copyOf(l, Listpack.totalBytes(l, 0));
        assertEquals(Listpack.seek(l, 0, 40000), Listpack.seek(l, 0, 40000 - (n - 7)));
    }

    // ---- the model -----------------------------------------------------------------------------

    /** Elements that exercise every encoding and the canonical-integer rule's edges. */
    static byte[] element(final SplittableRandom r) {
        return switch (Props.weighted(r, 5, 5, 2, 2, 1)) {
            case 0 -> Numbers.longBytes(Props.interestingLong(r));
            case 1 -> Props.bytesOver(r, "ab01-", 10);
            case 2 -> b(Props.choose(r, "", "-0", "01", "+1", " 1", "1 ", "-", "00", "9223372036854775808",
                    "-9223372036854775809", "123456789012345678901", "0x1", "1e3"));
            case 3 -> Props.bytes(r, 70);
            default -> {
                final byte[] e = new byte[Props.choose(r, 4095, 4096, 4097, 127, 128, 16378, r.nextInt(20000))];
                Arrays.fill(e, (byte) 'z');
                yield e;
            }
        };
    }

    /** A listpack at a random offset of a page whose bytes before it must never change. */
    private static final class Page {
        static final byte FILL = 0x5A;
        byte[] b;
        final int base;

        Page(final SplittableRandom r) {
            base = r.nextInt(20);
            b = new byte[base + Listpack.EMPTY_BYTES];
            Arrays.fill(b, FILL);
            Listpack.init(b, base);
        }

        /** What a caller does before a mutation: make room for {@code growth} more bytes. */
        void room(final int growth) {
            final int need = base + Listpack.totalBytes(b, base) + Math.max(0, growth);
            if (need > b.length) {
                b = Arrays.copyOf(b, need + (need >> 2));
            }
        }
    }

    @Test
    void shouldAgreeWithAListUnderRandomEdits() {
        Props.forAll("listpack edits", 400, r -> r.nextLong(), seed -> {
            final SplittableRandom r = new SplittableRandom(seed);
            final Page pg = new Page(r);
            final boolean unknown = r.nextInt(5) == 0;
            if (unknown) {
                pg.b[pg.base + 4] = (byte) 0xFF; // "count unknown" is legal at any size
                pg.b[pg.base + 5] = (byte) 0xFF;
            }
            final List<byte[]> model = new ArrayList<>();
            final int ops = r.nextInt(1, 60);
            for (int op = 0; op < ops; op++) {
                edit(r, pg, model);
                check(r, pg, model, unknown);
            }
            assertEquals(model.size(), Listpack.recount(pg.b, pg.base));
            assertEquals(model.size(), (pg.b[pg.base + 4] & 0xff) | (pg.b[pg.base + 5] & 0xff) << 8);
            for (int i = 0; i < pg.base; i++) {
                assertEquals(Page.FILL, pg.b[i], "byte before the listpack changed");
            }
        });
    }

    private static void edit(final SplittableRandom r, final Page pg, final List<byte[]> model) {
        final int n = model.size();
        final int kind = n == 0 ? 0 : Props.weighted(r, 4, 2, 1, 2);
        final byte[] e = element(r);
        final boolean asLong = Numbers.isLong(e, 0, e.length) && r.nextBoolean();
        switch (kind) {
            case 0 -> {
                final int i = r.nextInt(n + 1);
                pg.room(Listpack.encodedSize(e, 0, e.length));
                final int p = i == n ? Listpack.eofOffset(pg.b, pg.base) : Listpack.seek(pg.b, pg.base, i);
                final int q = asLong
                        ? Listpack.insertLong(pg.b, pg.base, p, Numbers.parseLong(e, 0, e.length, 0))
                        : Listpack.insert(pg.b, pg.base, p, e, 0, e.length);
                assertEquals(p, q);
                model.add(i, e);
            }
            case 1 -> {
                final int i = r.nextInt(n);
                final int p = Listpack.seek(pg.b, pg.base, i - (r.nextBoolean() ? n : 0));
                final int after = Listpack.delete(pg.b, pg.base, p);
                model.remove(i);
                assertEquals(i == n - 1 ? Listpack.eofOffset(pg.b, pg.base) : Listpack.seek(pg.b, pg.base, i), after);
            }
            case 2 -> {
                final int i = r.nextInt(n);
                final int k = r.nextInt(5);
                final int removed = Listpack.deleteRange(pg.b, pg.base, Listpack.seek(pg.b, pg.base, i), k);
                assertEquals(Math.min(k, n - i), removed);
                model.subList(i, i + removed).clear();
            }
            default -> {
                final int i = r.nextInt(n);
                final int p = Listpack.seek(pg.b, pg.base, i);
                final int growth = asLong
                        ? Listpack.replaceGrowthLong(pg.b, p, Numbers.parseLong(e, 0, e.length, 0))
                        : Listpack.replaceGrowth(pg.b, p, e, 0, e.length);
                assertEquals(Listpack.encodedSize(e, 0, e.length) - Listpack.entrySize(pg.b, p), growth);
                final int before = Listpack.totalBytes(pg.b, pg.base);
                pg.room(growth);
                final int q = asLong
                        ? Listpack.replaceLong(pg.b, pg.base, p, Numbers.parseLong(e, 0, e.length, 0))
                        : Listpack.replace(pg.b, pg.base, p, e, 0, e.length);
                assertEquals(p, q);
                assertEquals(before + growth, Listpack.totalBytes(pg.b, pg.base));
                model.set(i, e);
            }
        }
    }

    private static void check(final SplittableRandom r, final Page pg, final List<byte[]> model,
                              final boolean unknown) {
        final byte[] b = pg.b;
        final int base = pg.base;
        final int n = model.size();
        assertEquals(n, Listpack.count(b, base));
        int p = Listpack.first(b, base);
        for (int i = 0; i < n; i++) {
            assertArrayEquals(model.get(i), Listpack.toBytes(b, p), "element " + i);
            p = Listpack.next(b, p);
        }
        assertEquals(-1, p);
        p = Listpack.last(b, base);
        for (int i = n - 1; i >= 0; i--) {
            final byte[] e = model.get(i);
            assertTrue(Listpack.equalsBytes(b, p, e, 0, e.length), "element " + i + " backwards");
            assertEquals(e.length, Listpack.elementLength(b, p));
            p = Listpack.prev(b, base, p);
        }
        assertEquals(-1, p);
        for (int t = 0; t < 4; t++) {
            final long index = r.nextLong(-n - 2, n + 2);
            final int q = Listpack.seek(b, base, index);
            if (index >= n || index < -n) {
                assertEquals(-1, q, "seek " + index);
            } else {
                assertArrayEquals(model.get((int) (index < 0 ? index + n : index)), Listpack.toBytes(b, q),
                        "seek " + index);
            }
        }
        final int total = Listpack.totalBytes(b, base);
        assertTrue(Listpack.validate(b, base, total, true));
        // whatever the edits, the bytes are exactly those of a listpack built in one go
        final byte[] fresh = Listpack.of(model.toArray(new byte[0][]));
        if (unknown) {
            fresh[4] = (byte) 0xFF;
            fresh[5] = (byte) 0xFF;
        }
        assertArrayEquals(fresh, Arrays.copyOfRange(b, base, base + total));
    }

    @Test
    void shouldOrderLikeRedisLexOrder() {
        Props.forAll("listpack compare", 3000, r -> new byte[][] {element(r), r.nextBoolean() ? element(r)
                : Numbers.longBytes(Props.interestingLong(r))}, pair -> {
            final byte[] stored = pair[0];
            final byte[] probe = pair[1];
            final byte[] l = Listpack.of(stored);
            final int p = Listpack.first(l, 0);
            assertEquals(Integer.signum(Arrays.compareUnsigned(stored, probe)),
                    Integer.signum(Listpack.compare(l, p, probe, 0, probe.length)));
            assertEquals(Arrays.equals(stored, probe), Listpack.equalsBytes(l, p, probe, 0, probe.length));
            final byte[] dst = new byte[stored.length + 3];
            assertEquals(stored.length, Listpack.copyTo(l, p, dst, 3));
            assertArrayEquals(stored, Arrays.copyOfRange(dst, 3, dst.length));
        });
    }

    // ---- against Redis ---------------------------------------------------------------------------

    /** RDB_TYPE_HASH_LISTPACK. */
    private static final int RDB_HASH_LISTPACK = 16;

    /**
     * HSET and HDEL on a real Redis and the same edits on our listpack (find the field, replace
     * its value or append the pair, delete the pair), comparing the whole blob after every step.
     */
    @Test
    void shouldWriteWhatRedisWritesForRandomHashes() {
        try (RedisOracle redis = RedisOracle.start()) {
            assertEquals("OK", redis.call("CONFIG", "SET", "rdbcompression", "no"));
            assertEquals("OK", redis.call("CONFIG", "SET", "hash-max-listpack-entries", "1000"));
            assertEquals("OK", redis.call("CONFIG", "SET", "hash-max-listpack-value", "20000"));
            Props.forAll("listpack vs redis hashes", 60, r -> r.nextLong(), seed -> {
                final SplittableRandom r = new SplittableRandom(seed);
                redis.call("DEL", "h");
                final Page pg = new Page(r);
                final List<byte[]> fields = Props.listOf(r, 1, 8, ListpackTest::element);
                for (int op = 0; op < 40; op++) {
                    final byte[] f = Props.choose(r, fields);
                    final int p = Listpack.find(pg.b, Listpack.first(pg.b, pg.base), f, 0, f.length, 1);
                    if (r.nextInt(4) == 0) {
                        redis.call(b("HDEL"), b("h"), f);
                        if (p >= 0) {
                            assertEquals(2, Listpack.deleteRange(pg.b, pg.base, p, 2));
                        }
                    } else {
                        final byte[] v = element(r);
                        redis.call(b("HSET"), b("h"), f, v);
                        if (p >= 0) {
                            final int vp = Listpack.next(pg.b, p);
                            pg.room(Listpack.replaceGrowth(pg.b, vp, v, 0, v.length));
                            Listpack.replace(pg.b, pg.base, vp, v, 0, v.length);
                        } else {
                            pg.room(Listpack.encodedSize(f, 0, f.length) + Listpack.encodedSize(v, 0, v.length));
                            Listpack.insert(pg.b, pg.base, Listpack.eofOffset(pg.b, pg.base), f, 0, f.length);
                            Listpack.insert(pg.b, pg.base, Listpack.eofOffset(pg.b, pg.base), v, 0, v.length);
                        }
                    }
                    final byte[] theirs = redis.dumpedBlob("h", RDB_HASH_LISTPACK);
                    final byte[] ours = Arrays.copyOfRange(pg.b, pg.base, pg.base + Listpack.totalBytes(pg.b, pg.base));
                    if (theirs == null) {
                        assertEquals(0, Listpack.count(pg.b, pg.base), "Redis deleted the emptied hash");
                    } else {
                        assertArrayEquals(theirs, ours, "after op " + op);
                    }
                }
            });
        }
    }

    // ---- untrusted blobs -----------------------------------------------------------------------

    private static List<byte[]> elements(final SplittableRandom r) {
        return Props.listOf(r, 1, 12, ListpackTest::element);
    }

    @Test
    void shouldRejectTruncatedBlobs() {
        Props.forAll("listpack truncated", 300, ListpackTest::elements, list -> {
            final byte[] l = Listpack.of(list.toArray(new byte[0][]));
            final SplittableRandom r = new SplittableRandom(l.length);
            final int cut = r.nextInt(l.length);
            assertFalse(Listpack.validate(l, 0, cut, true), "cut at " + cut);
            assertFalse(Listpack.validate(Arrays.copyOf(l, cut), 0, l.length, true), "past the array");
            if (cut >= Listpack.EMPTY_BYTES) {
                // a consistent-looking header and terminator over fewer entries: the walk or count catches it
                final byte[] t = Arrays.copyOf(l, cut);
                Entry.putInt(t, 0, cut);
                t[cut - 1] = (byte) Listpack.EOF;
                assertFalse(Listpack.validate(t, 0, cut, true), "fixed-up cut at " + cut);
            }
        });
    }

    @Test
    void shouldRejectOrSurviveFlippedBytes() {
        Props.forAll("listpack flipped", 2000, r -> {
            final byte[] l = Listpack.of(elements(r).toArray(new byte[0][]));
            final int at = r.nextInt(l.length);
            final int base = r.nextInt(3);
            final byte[] c = new byte[base + l.length];
            System.arraycopy(l, 0, c, base, l.length);
            c[base + at] ^= (byte) (r.nextBoolean() ? 1 << r.nextInt(8) : r.nextInt(1, 256));
            return new Object[] {c, base, at, l};
        }, in -> {
            final byte[] c = (byte[]) in[0];
            final int base = (Integer) in[1];
            final int at = (Integer) in[2];
            final byte[] orig = (byte[]) in[3];
            final int len = c.length - base;
            final boolean ok = Listpack.validate(c, base, len, true);
            if (at < 4 || at == len - 1 || isBacklenByte(orig, at)) {
                assertFalse(ok, "flip at " + at + " of total, terminator or backlen accepted");
            }
            if (ok) {
                // accepted: then every read works and agrees with itself
                int n = 0;
                for (int p = Listpack.first(c, base); p >= 0; p = Listpack.next(c, p)) {
                    Listpack.toBytes(c, p);
                    n++;
                }
                int back = 0;
                for (int p = Listpack.last(c, base); p >= 0; p = Listpack.prev(c, base, p)) {
                    back++;
                }
                assertEquals(n, back);
                assertEquals(n, Listpack.count(c, base));
            }
        });
    }

    /** True when byte {@code at} of the valid listpack l is part of an entry's backlen. */
    private static boolean isBacklenByte(final byte[] l, final int at) {
        for (int p = Listpack.first(l, 0); p >= 0; p = Listpack.next(l, p)) {
            final int size = Listpack.entrySize(l, p);
            if (at < p + size) {
                int bl = 1;
                while (Listpack.backlenSize(size - bl) != bl) {
                    bl++;
                }
                return at >= p + size - bl;
            }
        }
        return false;
    }

    @Test
    void shouldNeverThrowOnGarbage() {
        Props.forAll("listpack garbage", 3000, r -> {
            final byte[] g = Props.bytes(r, 40);
            if (g.length >= 4 && r.nextBoolean()) {
                Entry.putInt(g, 0, g.length); // get past the header check more often
            }
            if (g.length > 0 && r.nextBoolean()) {
                g[g.length - 1] = (byte) Listpack.EOF;
            }
            return g;
        }, g -> {
            Listpack.validate(g, 0, g.length, true);
            Listpack.validate(g, 0, g.length, false);
            Listpack.validate(g, 1, g.length - 1, true);
            Listpack.validate(g, -1, g.length, true);
            Listpack.validate(g, 0, Integer.MAX_VALUE, true);
            Listpack.validate(null, 0, 7, true);
        });
    }
}
