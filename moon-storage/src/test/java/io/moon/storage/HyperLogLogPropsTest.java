package io.moon.storage;

import io.moon.testkit.Props;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of the HLL encodings: a sparse and a dense HLL fed the same elements (and the same
 * raw register updates, past the sparse value limit too) hold the same registers and count the
 * same; merging HLLs equals the HLL of the union; dense registers keep what is written to them.
 * The hash is pinned to Redis by the registers redis-server 7.0 reports for a few elements.
 */
class HyperLogLogPropsTest {
    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] registers(final HllValue v) {
        final byte[] max = new byte[HyperLogLog.REGISTERS];
        assertTrue(HyperLogLog.mergeInto(max, v.bytes(), 0, v.length()), "registers readable");
        return max;
    }

    private static long count(final HllValue v) {
        return HyperLogLog.count(v.bytes(), 0, v.length());
    }

    @Test
    void shouldHashLikeRedis() {
        // PFDEBUG DECODE after PFADD of one element, on redis-server 7.0.15
        final Object[][] seen = {{"a", 12711, 2}, {"b", 15780, 1}, {"c", 8436, 1}, {"hello", 9216, 1}, {"", 5938, 2},
            {"0123456789abcdefXYZ", 8222, 1}};
        for (final Object[] s : seen) {
            final byte[] e = b((String) s[0]);
            final int rc = HyperLogLog.registerAndCount(e, 0, e.length);
            assertEquals(s[1], rc >>> 8, "register of '" + s[0] + "'");
            assertEquals(s[2], rc & 0xff, "count of '" + s[0] + "'");
        }
    }

    /** One step: add an element, or (raw) raise a register to a value, possibly past 32. */
    private record Step(byte[] element, int index, int value) {
        @Override
        public String toString() {
            return element != null ? Props.describe(element) : index + "=" + value;
        }
    }

    private static List<Step> steps(final SplittableRandom r) {
        final int n = Props.weighted(r, 3, 2, 1) == 0 ? r.nextInt(50) : r.nextInt(4000);
        final List<Step> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (Props.weighted(r, 30, 1) == 0) {
                out.add(new Step(Props.bytes(r, 0, 12, Props::anyByte), 0, 0));
            } else {
                out.add(new Step(null, r.nextInt(HyperLogLog.REGISTERS), 1 + r.nextInt(Props.weighted(r, 9, 1) == 0 ? 32 : 51)));
            }
        }
        return out;
    }

    @Test
    void shouldCountTheSameSparseAndDense() {
        Props.forAll("sparse and dense HLLs agree", 60, HyperLogLogPropsTest::steps, steps -> {
            final long limit = 3000;
            final HllValue sparse = HllValue.empty();
            final HllValue dense = HllValue.empty();
            assertTrue(dense.toDense());
            for (final Step s : steps) {
                final int a;
                final int d;
                if (s.element() != null) {
                    a = sparse.add(s.element(), 0, s.element().length, limit);
                    d = dense.add(s.element(), 0, s.element().length, limit);
                } else {
                    a = sparse.set(s.index(), s.value(), limit);
                    d = dense.set(s.index(), s.value(), limit);
                }
                assertEquals(d, a, "changed the same register at " + s);
                assertTrue(sparse.length() <= limit || sparse.encoding() == HyperLogLog.DENSE, "sparse within its limit");
            }
            assertArrayEquals(registers(dense), registers(sparse));
            assertEquals(count(dense), count(sparse));
            assertTrue(count(sparse) >= 0);
            final HllValue converted = HllValue.copyOf(sparse.bytes(), 0, sparse.length());
            assertTrue(converted.toDense());
            assertArrayEquals(registers(dense), registers(converted));
        });
    }

    private record Sets(List<String> a, List<String> b) {
    }

    @Test
    void shouldMergeToTheHllOfTheUnion() {
        Props.forAll("merge equals union", 40, r -> {
            final int shared = r.nextInt(3000);
            final List<String> a = new ArrayList<>();
            final List<String> bb = new ArrayList<>();
            for (int i = 0, n = r.nextInt(5000); i < n; i++) {
                a.add("e" + r.nextInt(shared + n + 1));
            }
            for (int i = 0, n = r.nextInt(5000); i < n; i++) {
                bb.add("e" + r.nextInt(shared + n + 1));
            }
            return new Sets(a, bb);
        }, sets -> {
            final HllValue a = of(sets.a());
            final HllValue bh = of(sets.b());
            final Set<String> all = new HashSet<>(sets.a());
            all.addAll(sets.b());
            final HllValue union = of(new ArrayList<>(all));
            final byte[] max = new byte[HyperLogLog.REGISTERS];
            assertTrue(HyperLogLog.mergeInto(max, a.bytes(), 0, a.length()));
            assertTrue(HyperLogLog.mergeInto(max, bh.bytes(), 0, bh.length()));
            assertArrayEquals(registers(union), max);
            assertEquals(count(union), HyperLogLog.countRegisters(max));
            // PFMERGE's way: raise the destination's registers one by one
            final HllValue dest = HllValue.copyOf(a.bytes(), 0, a.length());
            for (int i = 0; i < max.length; i++) {
                if (max[i] != 0) {
                    dest.set(i, max[i], 3000);
                }
            }
            assertArrayEquals(max, registers(dest));
        });
    }

    private static HllValue of(final List<String> elements) {
        final HllValue v = HllValue.empty();
        for (final String e : elements) {
            final byte[] x = b(e);
            v.add(x, 0, x.length, 3000);
        }
        return v;
    }

    @Test
    void shouldKeepEveryDenseRegister() {
        Props.forAll("dense registers keep their values", 20, r -> {
            final int[] v = new int[HyperLogLog.REGISTERS];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextInt(64);
            }
            return v;
        }, v -> {
            final byte[] p = new byte[HyperLogLog.DENSE_BYTES + 1];
            p[p.length - 1] = (byte) 0xA5; // a byte past the value must stay untouched
            for (int i = 0; i < v.length; i++) {
                HyperLogLog.setRegister(p, HyperLogLog.HEADER_BYTES, i, v[i]);
            }
            for (int i = 0; i < v.length; i++) {
                assertEquals(v[i], HyperLogLog.getRegister(p, HyperLogLog.HEADER_BYTES, i), "register " + i);
            }
            assertEquals((byte) 0xA5, p[p.length - 1]);
        });
    }

    @Test
    void shouldEstimateWithinTheStandardError() {
        for (final int n : new int[] {0, 1, 10, 100, 1000, 10_000, 100_000}) {
            final HllValue v = HllValue.empty();
            final byte[] e = new byte[8];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < 8; k++) {
                    e[k] = (byte) ((i * 0x9E3779B97F4A7C15L) >>> (8 * k));
                }
                v.add(e, 0, 8, 3000);
            }
            final long c = count(v);
            assertTrue(Math.abs(c - n) <= Math.ceil(n * 6 * 1.04 / 128), n + " counted as " + c);
        }
    }

    @Test
    void shouldRejectWhatIsNotAnHll() {
        final HllValue empty = HllValue.empty();
        assertTrue(HyperLogLog.isValid(empty.bytes(), 0, empty.length()));
        assertFalse(HyperLogLog.isValid(b("HYLL"), 0, 4));
        assertFalse(HyperLogLog.isValid(b("HYLX\u0001..........."), 0, 16));
        final byte[] wrongDense = empty.toByteArray();
        wrongDense[4] = HyperLogLog.DENSE;
        assertFalse(HyperLogLog.isValid(wrongDense, 0, wrongDense.length));
        assertEquals(0, count(empty));
        assertEquals("Z:16384", HyperLogLog.decode(empty.bytes(), 0, empty.length()));
    }
}
