package io.moon.protocol;

import io.moon.testkit.Props;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LongDoubleTest {

    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String incr(final String cur, final String inc) {
        final byte[] c = cur == null ? null : b(cur);
        final byte[] i = b(inc);
        final LongDouble.IncrResult r = LongDouble.incrBy(c, 0, c == null ? 0 : c.length, i, 0, i.length);
        return r.ok() ? new String(r.value(), StandardCharsets.US_ASCII) : r.status().name();
    }

    // ---- glibc vectors -------------------------------------------------------------------------

    @Test
    void shouldMatchGlibcStrtoldAndHumanFormatVectors() {
        final Vectors.Mismatches bad = new Vectors.Mismatches("strtold");
        for (final String[] f : Vectors.read("strtold.txt")) {
            bad.checked();
            final byte[] in = Vectors.unescape(f[0]);
            final LongDouble v = LongDouble.parse(in, 0, in.length);
            if (f[1].equals("0")) {
                if (v != null) {
                    bad.add(f[0] + ": glibc rejects, parsed as " + v);
                }
                continue;
            }
            if (v == null) {
                bad.add(f[0] + ": glibc accepts, rejected");
                continue;
            }
            final String bits = String.format("%04x %016x", v.signExponent(), v.significandBits());
            final String human = new String(v.toHumanString(), StandardCharsets.US_ASCII);
            if (!bits.equals(f[2] + " " + f[3]) || !Vectors.textMatches(f[4], human)) {
                bad.add(f[0] + ": glibc " + f[2] + " " + f[3] + " " + f[4] + ", got " + bits + " " + human);
            }
        }
        bad.assertNone();
    }

    @Test
    void shouldMatchGlibcIncrByFloatVectors() {
        final Vectors.Mismatches bad = new Vectors.Mismatches("INCRBYFLOAT");
        for (final String[] f : Vectors.read("incrbyfloat.txt")) {
            bad.checked();
            final byte[] cur = Vectors.unescape(f[0]);
            final byte[] inc = Vectors.unescape(f[1]);
            final LongDouble.IncrResult r = LongDouble.incrBy(cur, 0, cur.length, inc, 0, inc.length);
            final String want;
            if (f[3].equals("0")) {
                want = "INCREMENT_NOT_FLOAT";
            } else if (f[2].equals("0")) {
                want = "CURRENT_NOT_FLOAT";
            } else if (f[4].equals("naninf")) {
                want = "NAN_OR_INFINITY";
            } else {
                want = "OK";
            }
            if (!r.status().name().equals(want)) {
                bad.add(f[0] + " + " + f[1] + ": want " + want + ", got " + r.status());
                continue;
            }
            if (r.ok()) {
                final String got = new String(r.value(), StandardCharsets.US_ASCII);
                final LongDouble sum = LongDouble.add(LongDouble.parse(cur, 0, cur.length),
                        LongDouble.parse(inc, 0, inc.length));
                final String bits = String.format("%04x %016x", sum.signExponent(), sum.significandBits());
                if (!Vectors.textMatches(f[6], got) || !bits.equals(f[4] + " " + f[5])) {
                    bad.add(f[0] + " + " + f[1] + ": glibc " + f[4] + " " + f[5] + " " + f[6] + ", got " + bits + " " + got);
                }
            }
        }
        bad.assertNone();
    }

    // ---- INCRBYFLOAT examples ------------------------------------------------------------------

    @Test
    void shouldPrintSumsAsRedisDoes() {
        assertEquals("0.3", incr("0.1", "0.2"));
        assertEquals("10.6", incr("10.5", "0.1"));
        assertEquals("5200", incr("5.0e3", "2.0e2"));
        assertEquals("3.5", incr(null, "3.5"));
        assertEquals("0", incr("-0", "-0"));
        assertEquals("0", incr("-0.000000000000000001", "0"));
        assertEquals("18446744073709551616", incr("18446744073709551615", "1"));
        assertEquals("0.00000381469726562", incr("0.000003814697265625", "0")); // tie, to even
        assertEquals("0.00001144409179688", incr("0.000011444091796875", "0")); // tie, to even
    }

    @Test
    void shouldReportEachFailureDistinctly() {
        assertEquals("INCREMENT_NOT_FLOAT", incr("1", "abc"));
        assertEquals("INCREMENT_NOT_FLOAT", incr("abc", "abc")); // the argument is checked first
        assertEquals("CURRENT_NOT_FLOAT", incr("abc", "1"));
        assertEquals("CURRENT_NOT_FLOAT", incr("1 ", "1"));
        assertEquals("NAN_OR_INFINITY", incr("1e4932", "1e4932"));
        assertEquals("NAN_OR_INFINITY", incr("inf", "1"));
        assertEquals("NAN_OR_INFINITY", incr("inf", "-inf"));
        assertEquals("INCREMENT_NOT_FLOAT", incr("1", "nan"));
        assertSame(LongDouble.incrBy(b("x"), 0, 1, b("1"), 0, 1), LongDouble.incrBy(b("y"), 0, 1, b("2"), 0, 1));
    }

    @Test
    void shouldAddSpecialValuesAsTheX87Does() {
        final LongDouble inf = LongDouble.POSITIVE_INFINITY;
        final LongDouble ninf = LongDouble.NEGATIVE_INFINITY;
        final LongDouble one = LongDouble.valueOf(1);
        assertTrue(LongDouble.add(inf, ninf).isNaN());
        assertTrue(LongDouble.add(ninf, inf).isNaN());
        assertTrue(LongDouble.add(LongDouble.NAN, one).isNaN());
        assertTrue(LongDouble.add(one, LongDouble.NAN).isNaN());
        assertSame(inf, LongDouble.add(inf, inf));
        assertSame(ninf, LongDouble.add(one, ninf));
        assertSame(LongDouble.NEGATIVE_ZERO, LongDouble.add(LongDouble.NEGATIVE_ZERO, LongDouble.NEGATIVE_ZERO));
        assertSame(LongDouble.ZERO, LongDouble.add(LongDouble.NEGATIVE_ZERO, LongDouble.ZERO));
        assertSame(LongDouble.ZERO, LongDouble.add(one, LongDouble.valueOf(-1)));
        assertEquals(one, LongDouble.add(LongDouble.NEGATIVE_ZERO, one));
        assertEquals(LongDouble.POSITIVE_INFINITY, LongDouble.add(LongDouble.fromBits(0x7ffe, -1L), LongDouble.fromBits(0x7fbe, 1L << 63)));
        assertEquals("inf", inf.toString());
        assertEquals("-inf", ninf.toString());
    }

    @Test
    void shouldIncrementIntegerEncodedValuesExactly() {
        final LongDouble.IncrResult r = LongDouble.incrBy(Long.MIN_VALUE, b("-1"), 0, 2);
        assertTrue(r.ok());
        assertEquals("-9223372036854775809", new String(r.value(), StandardCharsets.US_ASCII));
        assertEquals(LongDouble.IncrStatus.INCREMENT_NOT_FLOAT, LongDouble.incrBy(5, b("1x"), 0, 2).status());
    }

    @Test
    void shouldParseOnlyTheGivenRange() {
        final byte[] buf = b("xx12.5yy");
        assertEquals("12.5", LongDouble.parse(buf, 2, 4).toString());
        assertNull(LongDouble.parse(buf, 2, 5));
        assertNull(LongDouble.parse(buf, 2, 0));
    }

    @Test
    void shouldRejectInputsOfRedisBufferSizeOrLonger() {
        final String longest = "0." + "1".repeat(LongDouble.MAX_CHARS - 3);
        assertNotNull(LongDouble.parse(longest));
        assertNull(LongDouble.parse(longest + "1"));
    }

    @Test
    void shouldFormatTheLargestValueWithinRedisBuffer() {
        final LongDouble max = LongDouble.fromBits(0x7ffe, -1L);
        final byte[] text = max.toHumanString();
        assertEquals(4933, text.length);
        assertTrue(text.length + 18 < LongDouble.MAX_CHARS, "%.17Lf of LDBL_MAX fits Redis's buffer");
        assertEquals(max, LongDouble.parse(new String(text, StandardCharsets.US_ASCII)));
    }

    @Test
    void shouldRoundHexSubnormalTiesCorrectlyWhereGlibc236DoesNot() {
        final LongDouble v = LongDouble.parse("0x1.0000000000000001p-16446");
        assertNotNull(v);
        assertEquals(0, v.signExponent());
        assertEquals(1, v.significandBits());
        assertNull(LongDouble.parse("0x1p-16446")); // an exact tie rounds to even: zero, ERANGE
    }

    // ---- properties ----------------------------------------------------------------------------

    @Test
    void shouldAddLongsExactlyWhileTheSumFitsSixtyFourBits() {
        Props.forAll("long sums", 3000, r -> new long[] {Props.interestingLong(r), Props.interestingLong(r)}, ab -> {
            final BigInteger exact = BigInteger.valueOf(ab[0]).add(BigInteger.valueOf(ab[1]));
            final LongDouble sum = LongDouble.add(LongDouble.valueOf(ab[0]), LongDouble.valueOf(ab[1]));
            if (exact.abs().bitLength() <= 64) {
                assertEquals(exact.toString(), sum.toString());
            } else {
                assertNearest(new BigDecimal(exact), sum); // 65 bits: the last one is rounded away
            }
        });
    }

    @Test
    void shouldRoundEverySumToANearestNeighbourWithTiesToEven() {
        Props.forAll("sum rounding", 4000, List.of(
                        new LongDouble[] {LongDouble.fromBits(0x0000, 1), LongDouble.fromBits(0x8000, 1)},
                        new LongDouble[] {LongDouble.fromBits(0x7ffe, -1L), LongDouble.fromBits(0x7fbe, 1L << 63)},
                        new LongDouble[] {LongDouble.fromBits(0x3fff, 1L << 63), LongDouble.fromBits(0xbfbe, 1L << 63)}),
                r -> new LongDouble[] {randomFinite(r, 0), randomFinite(r, 0)}, ab -> {
                    final LongDouble sum = LongDouble.add(ab[0], ab[1]);
                    assertEquals(sum, LongDouble.add(ab[1], ab[0]), "commutative");
                    assertNearestSum(ab[0], ab[1], sum);
                });
    }

    @Test
    void shouldRoundSumsOfNearbyMagnitudesToANearestNeighbour() {
        Props.forAll("close sums", 4000, r -> {
            final LongDouble a = randomFinite(r, 0);
            return new LongDouble[] {a, randomFinite(r, a.signExponent() & 0x7fff)};
        }, ab -> assertNearestSum(ab[0], ab[1], LongDouble.add(ab[0], ab[1])));
    }

    @Test
    void shouldParseDecimalsToTheNearestLongDouble() {
        Props.forAll("decimal parse", 4000, LongDoubleTest::randomDecimal, s -> {
            final LongDouble v = LongDouble.parse(s);
            final BigDecimal exact = new BigDecimal(s);
            assertNotNull(v, "accepted");
            if (exact.signum() == 0) {
                assertTrue(v.isZero());
            } else {
                assertNearest(exact, v);
            }
        });
    }

    @Test
    void shouldRejectValidNumbersWithSpaceOrJunkAround() {
        Props.forAll("junk", 2000, LongDoubleTest::randomDecimal, s -> {
            assertNotNull(LongDouble.parse(s));
            for (final String bad : new String[] {" " + s, "\t" + s, s + " ", s + "x", s + "\0", s + "e", s + ".5.",
                    s + "\0" + "1", "\n" + s}) {
                assertNull(LongDouble.parse(bad), Vectors.escape(b(bad)));
            }
        });
    }

    @Test
    void shouldReadBackEveryIntegerItPrints() {
        Props.forAll("integer round trip", 2000, r -> LongDouble.fromBits(16383 + 63 + r.nextInt(400), r.nextLong() | (1L << 63)), v -> {
            final String text = v.toString();
            assertFalse(text.contains("."));
            assertEquals(v, LongDouble.parse(text));
        });
    }

    @Test
    void shouldConvertDoublesExactly() {
        Props.forAll("double conversion", 3000, r -> Double.longBitsToDouble(r.nextLong()), d -> {
            final LongDouble v = LongDouble.valueOf(d);
            if (Double.isNaN(d)) {
                assertTrue(v.isNaN());
            } else if (Double.isInfinite(d)) {
                assertTrue(v.isInfinite());
            } else {
                assertEquals(0, new BigDecimal(d).compareTo(v.toBigDecimal()));
            }
        });
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** A finite value from random bits; biased exponent near {@code near} when it is non-zero. */
    private static LongDouble randomFinite(final SplittableRandom r, final int near) {
        final int sign = r.nextBoolean() ? 0x8000 : 0;
        final int biased;
        if (near != 0) {
            biased = Math.max(0, Math.min(0x7ffe, near + r.nextInt(-70, 71)));
        } else {
            biased = switch (r.nextInt(5)) {
                case 0 -> 0;
                case 1 -> r.nextInt(1, 80);
                case 2 -> r.nextInt(0x7ffe - 80, 0x7fff);
                default -> r.nextInt(16383 - 100, 16383 + 100);
            };
        }
        long sig = r.nextLong();
        if (r.nextInt(4) == 0) {
            sig &= -1L << r.nextInt(64); // short significands make ties and exact sums likely
        }
        sig = biased == 0 ? sig >>> 1 : sig | (1L << 63);
        return LongDouble.fromBits(sign | biased, sig);
    }

    private static String randomDecimal(final SplittableRandom r) {
        final StringBuilder sb = new StringBuilder();
        if (r.nextBoolean()) {
            sb.append(r.nextBoolean() ? '-' : '+');
        }
        final int intDigits = r.nextInt(0, 25);
        final int fracDigits = intDigits == 0 ? r.nextInt(1, 25) : r.nextInt(0, 25);
        for (int i = 0; i < intDigits; i++) {
            sb.append((char) ('0' + r.nextInt(10)));
        }
        if (fracDigits > 0 || r.nextBoolean()) {
            sb.append('.');
        }
        for (int i = 0; i < fracDigits; i++) {
            sb.append((char) ('0' + r.nextInt(10)));
        }
        if (r.nextInt(3) == 0) {
            sb.append(r.nextBoolean() ? 'e' : 'E').append(r.nextInt(-4900, 4900));
        }
        return sb.toString();
    }

    /**
     * Asserts {@code got} is a long double nearest to {@code exact} (ties to an even significand),
     * judged against its two neighbours in the 80-bit ordering, independently of LongDouble's
     * own rounding code.
     */
    private static void assertNearest(final BigDecimal exact, final LongDouble got) {
        if (got.isInfinite()) {
            final BigDecimal max = LongDouble.fromBits(0x7ffe, -1L).toBigDecimal();
            final BigDecimal halfUlp = new BigDecimal(BigInteger.ONE.shiftLeft(16319));
            assertTrue(exact.abs().compareTo(max.add(halfUlp)) >= 0, "overflow only past LDBL_MAX + ulp/2");
            return;
        }
        assertFalse(got.isNaN());
        final BigDecimal value = got.toBigDecimal();
        final BigDecimal err = exact.subtract(value).abs();
        final boolean negative = (got.signExponent() & 0x8000) != 0 || (got.isZero() && exact.signum() < 0);
        for (final int step : new int[] {-1, 1}) {
            final LongDouble neighbour = neighbour(got, step, negative);
            if (neighbour == null) {
                continue;
            }
            final int cmp = exact.subtract(neighbour.toBigDecimal()).abs().compareTo(err);
            assertTrue(cmp >= 0, () -> got + " is not nearest to " + exact + ": " + neighbour + " is closer");
            if (cmp == 0) {
                assertEquals(0, got.significandBits() & 1, () -> "tie for " + exact + " not rounded to even");
            }
        }
    }

    /**
     * As {@link #assertNearest} for a sum, in integers: every finite long double is a whole
     * multiple of 2^-16445, so exact sums and their candidates compare as scaled BigIntegers
     * (BigDecimal would multiply by 5^16445 for the tiny ones).
     */
    private static void assertNearestSum(final LongDouble a, final LongDouble b, final LongDouble got) {
        final BigInteger exact = scaled(a).add(scaled(b));
        if (got.isInfinite()) {
            final BigInteger max = scaled(LongDouble.fromBits(0x7ffe, -1L));
            final BigInteger halfUlp = BigInteger.ONE.shiftLeft(0x7ffe - 2);
            assertTrue(exact.abs().compareTo(max.add(halfUlp)) >= 0, "overflow only past LDBL_MAX + ulp/2");
            assertEquals(exact.signum() < 0, (got.signExponent() & 0x8000) != 0);
            return;
        }
        if (exact.signum() == 0) {
            final boolean bothNegative = (a.signExponent() & b.signExponent() & 0x8000) != 0;
            assertTrue(got.isZero());
            assertEquals(bothNegative, (got.signExponent() & 0x8000) != 0, "sign of an exact zero sum");
            return;
        }
        final BigInteger err = exact.subtract(scaled(got)).abs();
        final boolean negative = (got.signExponent() & 0x8000) != 0;
        assertEquals(exact.signum() < 0, negative, "sign");
        for (final int step : new int[] {-1, 1}) {
            final LongDouble neighbour = neighbour(got, step, negative);
            if (neighbour == null) {
                continue;
            }
            final int cmp = exact.subtract(scaled(neighbour)).abs().compareTo(err);
            assertTrue(cmp >= 0, () -> got + " is not nearest: " + neighbour + " is closer");
            if (cmp == 0) {
                assertEquals(0, got.significandBits() & 1, "tie not rounded to even");
            }
        }
    }

    /** value * 2^16445, an integer for every finite long double. */
    private static BigInteger scaled(final LongDouble v) {
        final int biased = v.signExponent() & 0x7fff;
        final BigInteger sig = new BigInteger(Long.toUnsignedString(v.significandBits()));
        final BigInteger m = biased == 0 ? sig : sig.shiftLeft(biased - 1);
        return (v.signExponent() & 0x8000) != 0 ? m.negate() : m;
    }

    /** The next long double away from (+1) or toward (-1) zero in magnitude, or null. */
    private static LongDouble neighbour(final LongDouble v, final int step, final boolean negative) {
        final int biased = v.signExponent() & 0x7fff;
        final BigInteger sig = new BigInteger(Long.toUnsignedString(v.significandBits()));
        final BigInteger half = BigInteger.ONE.shiftLeft(63);
        // ordinal: subnormals 0..2^63-1, then (biased-1) * 2^63 + significand for normals
        BigInteger ord = biased == 0 ? sig : BigInteger.valueOf(biased - 1).multiply(half).add(sig);
        ord = ord.add(BigInteger.valueOf(step));
        if (ord.signum() < 0) {
            return null;
        }
        final int sign = negative ? 0x8000 : 0;
        if (ord.compareTo(half) < 0) {
            return LongDouble.fromBits(sign, ord.longValue());
        }
        final int nb = ord.divide(half).intValue();
        if (nb >= 0x7fff) {
            return null;
        }
        return LongDouble.fromBits(sign | nb, ord.mod(half).add(half).longValue());
    }
}
