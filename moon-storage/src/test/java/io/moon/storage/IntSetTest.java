package io.moon.storage;

import io.moon.testkit.Props;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link IntSet} against the bytes Redis 7.0 writes (captured from DUMP of intset-encoded sets,
 * and compared live in {@code shouldWriteWhatRedisWritesForRandomSets}) and against a
 * {@code TreeSet<Long>} model under random adds and removes across all three widths.
 */
class IntSetTest {
    private static final HexFormat HEX = HexFormat.of();
    /** RDB_TYPE_SET_INTSET. */
    private static final int RDB_SET_INTSET = 11;

    @Test
    void shouldLayOutValuesAsRedisDoes() {
        assertEquals("0200000003000000010002000300", HEX.formatHex(IntSet.of(3, 1, 2)));
        assertEquals("0200000002000000ffff0100", HEX.formatHex(IntSet.of(1, -1)));
        // upgrades: SADD s 1 -2 70000, SADD s 5 -32769, SADD s 1 2 LONG_MIN LONG_MAX
        assertEquals("0400000003000000feffffff0100000070110100", HEX.formatHex(IntSet.of(1, -2, 70000)));
        assertEquals("0400000002000000ff7fffff05000000", HEX.formatHex(IntSet.of(5, -32769)));
        assertEquals("0800000004000000000000000000008001000000000000000200000000000000ffffffffffffff7f",
                HEX.formatHex(IntSet.of(1, 2, Long.MIN_VALUE, Long.MAX_VALUE)));
    }

    @Test
    void shouldNotNarrowAfterRemovingTheWideValue() {
        // SADD s 1 70000, SREM s 70000
        final byte[] s = IntSet.of(1, 70000);
        assertTrue(IntSet.remove(s, 0, 70000));
        assertEquals("040000000100000001000000", HEX.formatHex(s, 0, IntSet.totalBytes(s, 0)));
    }

    @Test
    void shouldChooseEncodingsAtTheTypeBoundaries() {
        assertEquals(2, IntSet.encodingFor(Short.MAX_VALUE));
        assertEquals(2, IntSet.encodingFor(Short.MIN_VALUE));
        assertEquals(4, IntSet.encodingFor(Short.MAX_VALUE + 1));
        assertEquals(4, IntSet.encodingFor(Short.MIN_VALUE - 1));
        assertEquals(4, IntSet.encodingFor(Integer.MAX_VALUE));
        assertEquals(4, IntSet.encodingFor(Integer.MIN_VALUE));
        assertEquals(8, IntSet.encodingFor(Integer.MAX_VALUE + 1L));
        assertEquals(8, IntSet.encodingFor(Integer.MIN_VALUE - 1L));
    }

    @Test
    void shouldAnswerAnEmptySet() {
        final byte[] s = new byte[12];
        IntSet.init(s, 4);
        assertEquals(0, IntSet.length(s, 4));
        assertEquals(IntSet.EMPTY_BYTES, IntSet.totalBytes(s, 4));
        assertEquals(-1, IntSet.search(s, 4, 5));
        assertEquals(-1, IntSet.search(s, 4, Long.MAX_VALUE));
        assertFalse(IntSet.remove(s, 4, 0));
        assertFalse(IntSet.validate(s, 4, 8, true), "Redis's loader refuses an empty intset");
        assertEquals(IntSet.HEADER_BYTES + 8, IntSet.bytesAfterAdd(s, 4, 1L << 40));
    }

    // ---- the model -----------------------------------------------------------------------------

    /** Mostly narrow values, so a set lives at 16 bits a while before something widens it. */
    private static long value(final SplittableRandom r) {
        return switch (Props.weighted(r, 6, 2, 1, 1)) {
            case 0 -> r.nextLong(-50, 50);
            case 1 -> Props.choose(r, (long) Short.MIN_VALUE, (long) Short.MAX_VALUE, Short.MIN_VALUE - 1L,
                    Short.MAX_VALUE + 1L, (long) Integer.MIN_VALUE, (long) Integer.MAX_VALUE,
                    Integer.MIN_VALUE - 1L, Integer.MAX_VALUE + 1L, Long.MIN_VALUE, Long.MAX_VALUE);
            case 2 -> r.nextLong(Integer.MIN_VALUE, Integer.MAX_VALUE + 1L);
            default -> Props.interestingLong(r);
        };
    }

    @Test
    void shouldAgreeWithATreeSetUnderRandomAddsAndRemoves() {
        Props.forAll("intset edits", 500, r -> r.nextLong(), seed -> {
            final SplittableRandom r = new SplittableRandom(seed);
            final int base = r.nextInt(16);
            byte[] b = new byte[base + IntSet.EMPTY_BYTES];
            Arrays.fill(b, (byte) 0x5A);
            IntSet.init(b, base);
            final TreeSet<Long> model = new TreeSet<>();
            int widest = IntSet.ENC_INT16;
            final int ops = r.nextInt(1, 120);
            for (int op = 0; op < ops; op++) {
                final long v = r.nextInt(3) == 0 && !model.isEmpty() ? Props.choose(r, List.copyOf(model)) : value(r);
                if (r.nextInt(3) == 0) {
                    final int before = IntSet.totalBytes(b, base);
                    final boolean removed = IntSet.remove(b, base, v);
                    assertEquals(model.remove(v), removed, "remove " + v);
                    assertEquals(before - (removed ? widest : 0), IntSet.totalBytes(b, base));
                } else {
                    final int need = IntSet.bytesAfterAdd(b, base, v);
                    if (base + need > b.length) {
                        b = Arrays.copyOf(b, base + need);
                    }
                    assertEquals(model.add(v), IntSet.add(b, base, v), "add " + v);
                    widest = Math.max(widest, IntSet.encodingFor(v));
                    assertEquals(need, IntSet.totalBytes(b, base), "bytesAfterAdd " + v);
                }
                check(r, b, base, model, widest);
            }
            for (int i = 0; i < base; i++) {
                assertEquals((byte) 0x5A, b[i], "byte before the intset changed");
            }
        });
    }

    private static void check(final SplittableRandom r, final byte[] b, final int base, final TreeSet<Long> model,
                              final int widest) {
        final int n = model.size();
        assertEquals(n, IntSet.length(b, base));
        assertEquals(widest, IntSet.encoding(b, base), "the encoding is the widest ever needed");
        final long[] sorted = new long[n];
        int i = 0;
        for (final long x : model) {
            sorted[i++] = x;
        }
        for (i = 0; i < n; i++) {
            assertEquals(sorted[i], IntSet.get(b, base, i));
            assertEquals(i, IntSet.search(b, base, sorted[i]));
        }
        if (n > 0) {
            assertEquals(sorted[0], IntSet.min(b, base));
            assertEquals(sorted[n - 1], IntSet.max(b, base));
        }
        for (int t = 0; t < 4; t++) {
            final long probe = value(r);
            assertEquals(Arrays.binarySearch(sorted, probe), IntSet.search(b, base, probe), "search " + probe);
            assertEquals(model.contains(probe), IntSet.contains(b, base, probe));
        }
        final int total = IntSet.totalBytes(b, base);
        assertEquals(n > 0, IntSet.validate(b, base, total, true));
        final byte[] want = new byte[IntSet.HEADER_BYTES + n * widest];
        Entry.putInt(want, 0, widest);
        Entry.putInt(want, 4, n);
        for (i = 0; i < n; i++) {
            for (int k = 0; k < widest; k++) {
                want[IntSet.HEADER_BYTES + i * widest + k] = (byte) (sorted[i] >> 8 * k);
            }
        }
        assertArrayEquals(want, Arrays.copyOfRange(b, base, base + total));
    }

    // ---- untrusted blobs -----------------------------------------------------------------------

    private static byte[] randomSet(final SplittableRandom r) {
        final long[] v = new long[r.nextInt(1, 20)];
        for (int i = 0; i < v.length; i++) {
            v[i] = value(r);
        }
        return IntSet.of(v);
    }

    @Test
    void shouldRejectTruncatedBlobs() {
        Props.forAll("intset truncated", 500, IntSetTest::randomSet, s -> {
            for (int cut = 0; cut < s.length; cut++) {
                assertFalse(IntSet.validate(s, 0, cut, true), "cut at " + cut);
                assertFalse(IntSet.validate(Arrays.copyOf(s, cut), 0, s.length, true));
            }
            assertTrue(IntSet.validate(s, 0, s.length, true));
            assertTrue(IntSet.validate(s, 0, s.length, false));
        });
    }

    @Test
    void shouldRejectFlippedHeadersAndDisorder() {
        Props.forAll("intset flipped", 3000, r -> {
            final byte[] s = randomSet(r);
            final byte[] c = s.clone();
            final int at = r.nextInt(c.length);
            c[at] ^= (byte) (1 << r.nextInt(8));
            return new byte[][] {s, c, {(byte) at}};
        }, in -> {
            final byte[] c = in[1];
            final int at = in[2][0] & 0xff;
            final boolean ok = IntSet.validate(c, 0, c.length, true);
            if (at < IntSet.HEADER_BYTES) {
                assertFalse(ok, "flipped header byte " + at + " accepted");
                return;
            }
            final int enc = IntSet.encoding(c, 0);
            boolean ascending = true;
            for (int i = 1; i < IntSet.length(c, 0); i++) {
                ascending &= IntSet.get(c, 0, i - 1) < IntSet.get(c, 0, i);
            }
            assertEquals(ascending, ok, "flip at " + at + " with " + enc + "-byte elements");
            assertTrue(IntSet.validate(c, 0, c.length, false), "shallow validation checks sizes only");
        });
    }

    @Test
    void shouldNeverThrowOnGarbage() {
        Props.forAll("intset garbage", 3000, r -> {
            final byte[] g = Props.bytes(r, 40);
            if (g.length >= 8 && r.nextBoolean()) {
                Entry.putInt(g, 0, Props.choose(r, 2, 4, 8));
                Entry.putInt(g, 4, r.nextBoolean() ? (g.length - 8) / IntSet.encoding(g, 0) : r.nextInt());
            }
            return g;
        }, g -> {
            IntSet.validate(g, 0, g.length, true);
            IntSet.validate(g, 1, g.length - 1, true);
            IntSet.validate(g, -1, g.length, true);
            IntSet.validate(g, 0, Integer.MAX_VALUE, true);
            IntSet.validate(null, 0, 8, true);
        });
    }

    // ---- against Redis ---------------------------------------------------------------------------

    /** SADD and SREM on a real Redis and on our intset, comparing the whole blob after every step. */
    @Test
    void shouldWriteWhatRedisWritesForRandomSets() {
        try (RedisOracle redis = RedisOracle.start()) {
            assertEquals("OK", redis.call("CONFIG", "SET", "rdbcompression", "no"));
            Props.forAll("intset vs redis sets", 100, r -> r.nextLong(), seed -> {
                final SplittableRandom r = new SplittableRandom(seed);
                redis.call("DEL", "s");
                byte[] b = new byte[IntSet.EMPTY_BYTES];
                IntSet.init(b, 0);
                for (int op = 0; op < 40; op++) {
                    final long v = value(r);
                    final String arg = Long.toString(v);
                    if (r.nextInt(3) == 0) {
                        assertEquals(redis.call("SREM", "s", arg), IntSet.remove(b, 0, v) ? 1L : 0L);
                    } else {
                        b = Arrays.copyOf(b, Math.max(b.length, IntSet.bytesAfterAdd(b, 0, v)));
                        assertEquals(redis.call("SADD", "s", arg), IntSet.add(b, 0, v) ? 1L : 0L);
                    }
                    final byte[] theirs = redis.dumpedBlob("s", RDB_SET_INTSET);
                    if (theirs == null) {
                        assertEquals(0, IntSet.length(b, 0), "Redis deleted the emptied set");
                        // Redis starts a new set at 16 bits; so do we
                        IntSet.init(b, 0);
                    } else {
                        assertArrayEquals(theirs, Arrays.copyOf(b, IntSet.totalBytes(b, 0)), "after op " + op);
                    }
                }
            });
        }
    }
}
