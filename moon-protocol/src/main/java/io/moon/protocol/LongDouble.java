package io.moon.protocol;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * x86-64 C {@code long double} (the x87 80-bit extended format), exactly as far as INCRBYFLOAT
 * and HINCRBYFLOAT need it: Redis parses both operands with {@code strtold}, adds them in long
 * double and prints the sum with {@code "%.17Lf"}. Doing that in Java's double would print
 * different digits (for example "0.1" + "0.2" is 0.3 in long double, 0.30000000000000004 in
 * double), and the printed text is what gets stored and replicated.
 *
 * <p>A finite value is {@code significand * 2^exponent} with an unsigned 64-bit significand, as
 * the x87 keeps it (explicit integer bit, no hidden bit). Normal values have bit 63 set and an
 * exponent in [{@value #MIN_EXP}, {@value #MAX_EXP}]; subnormals have exponent
 * {@value #MIN_EXP} and bit 63 clear; zero keeps its sign. Every result is rounded once, to
 * nearest with ties to even, which is what glibc's strtold and the x87 adder do.
 *
 * <p>Parsing follows glibc's strtold. One difference, on purpose: glibc up to at least 2.36
 * drops a rounding bit when it denormalizes an exact hex input (round_and_return loses the
 * old half bit), so "0x1.0000000000000001p-16446" reads as 0 there; later glibc and this class
 * round it correctly. Only hex floats right at subnormal ties are affected.
 *
 * <p>Cold path (INCRBYFLOAT is rare and Redis itself goes through snprintf): values are
 * immutable and the arithmetic allocates BigIntegers, sized by the operands' magnitude, so a
 * value near 1e4932 costs a 16K-bit integer while ordinary values stay at two or three words.
 */
public final class LongDouble {
    /** Redis's MAX_LONG_DOUBLE_CHARS: string2ld rejects inputs this long or longer. */
    public static final int MAX_CHARS = 5 * 1024;

    /** Exponent of the least significant bit of subnormals and of the smallest normals. */
    static final int MIN_EXP = -16445;
    /** Exponent of the least significant bit of the largest finite values. */
    static final int MAX_EXP = 16320;

    private static final byte FINITE = 0;
    private static final byte INFINITE = 1;
    private static final byte NAN_KIND = 2;

    public static final LongDouble ZERO = new LongDouble(false, 0, MIN_EXP, FINITE);
    public static final LongDouble NEGATIVE_ZERO = new LongDouble(true, 0, MIN_EXP, FINITE);
    public static final LongDouble POSITIVE_INFINITY = new LongDouble(false, 1L << 63, 0, INFINITE);
    public static final LongDouble NEGATIVE_INFINITY = new LongDouble(true, 1L << 63, 0, INFINITE);
    public static final LongDouble NAN = new LongDouble(true, 0xC000000000000000L, 0, NAN_KIND);

    private static final BigInteger TEN_POW_17 = BigInteger.TEN.pow(17);

    private final boolean negative;
    /** Unsigned. */
    private final long significand;
    private final int exponent;
    private final byte kind;

    private LongDouble(final boolean negative, final long significand, final int exponent, final byte kind) {
        this.negative = negative;
        this.significand = significand;
        this.exponent = exponent;
        this.kind = kind;
    }

    // ---- construction --------------------------------------------------------------------------

    /** {@code v} exactly: every long fits in 64 significand bits (Redis's int-encoded strings). */
    public static LongDouble valueOf(final long v) {
        if (v == 0) {
            return ZERO;
        }
        final long magnitude = v < 0 ? -v : v; // Long.MIN_VALUE stays 2^63 read as unsigned
        final int shift = Long.numberOfLeadingZeros(magnitude);
        return new LongDouble(v < 0, magnitude << shift, -shift, FINITE);
    }

    /** {@code d} exactly, as C's conversion from double to long double. */
    public static LongDouble valueOf(final double d) {
        if (Double.isNaN(d)) {
            return NAN;
        }
        final boolean neg = Double.doubleToRawLongBits(d) < 0;
        if (Double.isInfinite(d)) {
            return neg ? NEGATIVE_INFINITY : POSITIVE_INFINITY;
        }
        if (d == 0) {
            return neg ? NEGATIVE_ZERO : ZERO;
        }
        final long bits = Double.doubleToRawLongBits(d);
        final int biased = (int) (bits >>> 52) & 0x7ff;
        long sig = bits & ((1L << 52) - 1);
        int exp;
        if (biased == 0) {
            exp = -1074;
        } else {
            sig |= 1L << 52;
            exp = biased - 1075;
        }
        final int shift = Long.numberOfLeadingZeros(sig);
        return new LongDouble(neg, sig << shift, exp - shift, FINITE);
    }

    /**
     * Parses b[off, off+len) as Redis's {@code string2ld} does, or returns null when string2ld
     * would fail: empty, {@link #MAX_CHARS} bytes or more, a leading C isspace byte, anything
     * strtold would not consume entirely (trailing junk, embedded NUL, "1e", "0x"), NaN, and
     * results strtold reports as ERANGE with a value of ±HUGE_VAL or zero (overflow, or a
     * non-zero input that rounds to zero). "inf"/"infinity" in any case, a leading '+' or '-',
     * decimal and hex ("0x1.8p3") forms are accepted; rounding is to nearest, ties to even.
     */
    public static LongDouble parse(final byte[] b, final int off, final int len) {
        return LongDoubleParser.parse(b, off, len);
    }

    /** Convenience for tests and cold paths. */
    public static LongDouble parse(final String s) {
        final byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return parse(b, 0, b.length);
    }

    /**
     * Rounds {@code m * 2^e} (m > 0), plus a positive amount below 2^e when {@code sticky}, to
     * 64 significand bits, nearest-even; gradual underflow below 2^-16382, infinity above the
     * largest finite value. May return a (signed) zero; callers decide what that means. With
     * {@code sticky}, m must have at least 66 bits so the sticky amount stays below the half.
     */
    static LongDouble round(final boolean neg, final BigInteger m, final long e, final boolean sticky) {
        final int bits = m.bitLength();
        long target = Math.max(e + bits - 64, MIN_EXP);
        long sig;
        if (target <= e) {
            sig = m.shiftLeft((int) (e - target)).longValue();
        } else {
            final long shift = target - e;
            if (shift > bits + 1L) {
                return neg ? NEGATIVE_ZERO : ZERO; // below a quarter of the smallest subnormal
            }
            final int s = (int) shift;
            sig = m.shiftRight(s).longValue();
            final boolean half = m.testBit(s - 1);
            final boolean below = sticky || m.getLowestSetBit() < s - 1;
            if (half && (below || (sig & 1) != 0)) {
                sig++;
                if (sig == 0) { // carried out of 64 bits
                    sig = 1L << 63;
                    target++;
                }
            }
        }
        if (target > MAX_EXP) {
            return neg ? NEGATIVE_INFINITY : POSITIVE_INFINITY;
        }
        if (sig == 0) {
            return neg ? NEGATIVE_ZERO : ZERO;
        }
        return new LongDouble(neg, sig, (int) target, FINITE);
    }

    // ---- timeouts ------------------------------------------------------------------------------

    /** {@link #secondsToMillis} of a value above LLONG_MAX milliseconds. */
    public static final long OUT_OF_RANGE = Long.MIN_VALUE;

    /**
     * A timeout in seconds as Redis 7.2's getTimeoutFromObjectOrReply turns it into milliseconds:
     * the product by 1000 rounded as a long double, then {@code ceill}. Returns the milliseconds
     * (0 or more; "-0.0001" gives 0, which waits forever as in Redis), -1 when negative, or
     * {@link #OUT_OF_RANGE} when above LLONG_MAX (infinity included). Cold path: allocates.
     */
    public long secondsToMillis() {
        if (kind == NAN_KIND) {
            return OUT_OF_RANGE;
        }
        if (kind == INFINITE) {
            return negative ? -1 : OUT_OF_RANGE;
        }
        if (significand == 0) {
            return 0;
        }
        final LongDouble ms = round(negative, unsigned(significand).multiply(BigInteger.valueOf(1000)), exponent,
                false);
        if (ms.kind == INFINITE) {
            return negative ? -1 : OUT_OF_RANGE;
        }
        if (ms.significand == 0) {
            return 0;
        }
        final BigDecimal exact = ms.toBigDecimal();
        if (exact.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            return OUT_OF_RANGE;
        }
        final BigDecimal up = exact.setScale(0, java.math.RoundingMode.CEILING);
        return up.signum() < 0 ? -1 : up.longValueExact();
    }

    // ---- arithmetic ----------------------------------------------------------------------------

    /**
     * {@code a + b} as the x87 adds long doubles: exact sum rounded once to nearest-even, overflow
     * to infinity, inf + -inf = NaN, x + -x = +0, -0 + -0 = -0.
     */
    public static LongDouble add(final LongDouble a, final LongDouble b) {
        if (a.kind == NAN_KIND || b.kind == NAN_KIND) {
            return NAN;
        }
        if (a.kind == INFINITE) {
            return b.kind == INFINITE && a.negative != b.negative ? NAN : a;
        }
        if (b.kind == INFINITE) {
            return b;
        }
        if (a.significand == 0) {
            return b.significand != 0 ? b : (a.negative && b.negative ? NEGATIVE_ZERO : ZERO);
        }
        if (b.significand == 0) {
            return a;
        }
        final LongDouble hi = a.exponent >= b.exponent ? a : b;
        final LongDouble lo = hi == a ? b : a;
        long loSig = lo.significand;
        int loExp = lo.exponent;
        if (hi.exponent - loExp >= 67) {
            // hi is normal, so the sum's ulp is at least 2^(hi.exponent-1) and every rounding
            // boundary near it is a multiple of 2^(hi.exponent-2); |lo| < 2^(hi.exponent-3) only
            // decides which side of hi the sum falls, which a stand-in of 2^(hi.exponent-4)
            // with lo's sign decides the same way, without a 32K-bit shift.
            loSig = 1;
            loExp = hi.exponent - 4;
        }
        final BigInteger h = unsigned(hi.significand).shiftLeft(hi.exponent - loExp);
        final BigInteger l = unsigned(loSig);
        BigInteger sum = hi.negative == lo.negative ? h.add(l) : h.subtract(l);
        if (sum.signum() == 0) {
            return ZERO;
        }
        boolean neg = hi.negative;
        if (sum.signum() < 0) {
            neg = !neg;
            sum = sum.negate();
        }
        return round(neg, sum, loExp, false);
    }

    public boolean isNaN() {
        return kind == NAN_KIND;
    }

    public boolean isInfinite() {
        return kind == INFINITE;
    }

    public boolean isZero() {
        return kind == FINITE && significand == 0;
    }

    // ---- printing ------------------------------------------------------------------------------

    /**
     * Redis 7.0's {@code ld2string(..., LD_STR_HUMAN)}: {@code "%.17Lf"} of the exact value
     * (ties to even, as glibc rounds), trailing zeros after the point removed, then a trailing
     * point, and "-0" printed as "0"; "inf"/"-inf" for infinities, "nan"/"-nan" for NaN as
     * glibc prints it (Redis never prints a NaN here).
     *
     * <p>Never fails: Redis's ld2string fails when "%.17Lf" needs {@link #MAX_CHARS} bytes or
     * more, but the longest finite value takes 4952 ("-" + 4933 digits + "." + 17 digits).
     */
    public byte[] toHumanString() {
        return humanString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The human string; cold path, for logs and tests. */
    @Override
    public String toString() {
        return humanString();
    }

    private String humanString() {
        if (kind == NAN_KIND) {
            return negative ? "-nan" : "nan";
        }
        if (kind == INFINITE) {
            return negative ? "-inf" : "inf";
        }
        if (significand == 0) {
            return "0";
        }
        final BigInteger magnitude = unsigned(significand);
        if (exponent >= 0) {
            final String digits = magnitude.shiftLeft(exponent).toString();
            return negative ? "-" + digits : digits;
        }
        final int k = -exponent;
        // value * 10^17 < 2^(bitLength + 57): at or below a quarter, it prints as (-)0.000...
        if (magnitude.bitLength() + 57 < k - 1) {
            return "0";
        }
        final BigInteger scaled = magnitude.multiply(TEN_POW_17);
        BigInteger q = scaled.shiftRight(k);
        if (scaled.testBit(k - 1) && (scaled.getLowestSetBit() < k - 1 || q.testBit(0))) {
            q = q.add(BigInteger.ONE);
        }
        if (q.signum() == 0) {
            return "0"; // "-0.00000000000000000" trims to "-0", which Redis rewrites as "0"
        }
        final String digits = q.toString();
        final StringBuilder sb = new StringBuilder(digits.length() + 20);
        if (negative) {
            sb.append('-');
        }
        final int intLen = digits.length() - 17;
        if (intLen > 0) {
            sb.append(digits, 0, intLen);
        } else {
            sb.append('0');
        }
        int fracEnd = digits.length();
        while (digits.charAt(fracEnd - 1) == '0') {
            fracEnd--;
        }
        final int fracStart = Math.max(intLen, 0);
        if (fracEnd > fracStart) {
            sb.append('.');
            for (int i = intLen; i < 0; i++) {
                sb.append('0');
            }
            sb.append(digits, fracStart, fracEnd);
        }
        return sb.toString();
    }

    // ---- INCRBYFLOAT ---------------------------------------------------------------------------

    /** How an INCRBYFLOAT / HINCRBYFLOAT step ended. */
    public enum IncrStatus {
        /** {@link IncrResult#value()} holds the new value as Redis prints and stores it. */
        OK,
        /** The stored value is not a float: INCRBYFLOAT "ERR value is not a valid float", HINCRBYFLOAT "ERR hash value is not a float". */
        CURRENT_NOT_FLOAT,
        /** The increment is not a float: "ERR value is not a valid float" for both commands. */
        INCREMENT_NOT_FLOAT,
        /** The sum is NaN or infinite: "ERR increment would produce NaN or Infinity"; nothing is stored. */
        NAN_OR_INFINITY
    }

    /** Outcome of {@link #incrBy}: a status and, when OK, the bytes to store and reply with. */
    public static final class IncrResult {
        static final IncrResult CURRENT_NOT_FLOAT = new IncrResult(IncrStatus.CURRENT_NOT_FLOAT, null);
        static final IncrResult INCREMENT_NOT_FLOAT = new IncrResult(IncrStatus.INCREMENT_NOT_FLOAT, null);
        static final IncrResult NAN_OR_INFINITY = new IncrResult(IncrStatus.NAN_OR_INFINITY, null);

        private final IncrStatus status;
        private final byte[] value;

        private IncrResult(final IncrStatus status, final byte[] value) {
            this.status = status;
            this.value = value;
        }

        public IncrStatus status() {
            return status;
        }

        public boolean ok() {
            return status == IncrStatus.OK;
        }

        /** The new value's human string when {@link #ok()}, else null. */
        public byte[] value() {
            return value;
        }
    }

    /**
     * One INCRBYFLOAT / HINCRBYFLOAT step on strings: parses both with string2ld, adds in long
     * double and formats the sum as Redis stores it. {@code cur == null} means a missing key or
     * field, which counts as 0. The increment is checked first: HINCRBYFLOAT parses its argument
     * before it reads the field, and INCRBYFLOAT's two parse errors share one message, so this
     * order gives both commands Redis's reply. Failures return shared results (no allocation).
     */
    public static IncrResult incrBy(final byte[] cur, final int curOff, final int curLen,
                                    final byte[] inc, final int incOff, final int incLen) {
        final LongDouble increment = parse(inc, incOff, incLen);
        if (increment == null) {
            return IncrResult.INCREMENT_NOT_FLOAT;
        }
        final LongDouble current = cur == null ? ZERO : parse(cur, curOff, curLen);
        if (current == null) {
            return IncrResult.CURRENT_NOT_FLOAT;
        }
        return finish(add(current, increment));
    }

    /** As {@link #incrBy(byte[], int, int, byte[], int, int)} for an integer-encoded current value. */
    public static IncrResult incrBy(final long cur, final byte[] inc, final int incOff, final int incLen) {
        final LongDouble increment = parse(inc, incOff, incLen);
        if (increment == null) {
            return IncrResult.INCREMENT_NOT_FLOAT;
        }
        return finish(add(valueOf(cur), increment));
    }

    private static IncrResult finish(final LongDouble sum) {
        if (sum.kind != FINITE) {
            return IncrResult.NAN_OR_INFINITY;
        }
        return new IncrResult(IncrStatus.OK, sum.toHumanString());
    }

    // ---- bits, for tests and debugging ---------------------------------------------------------

    /** The x87 sign+exponent word (sign bit 15, biased exponent 0..0x7fff). */
    int signExponent() {
        final int sign = negative ? 0x8000 : 0;
        if (kind != FINITE) {
            return sign | 0x7fff;
        }
        return sign | (significand < 0 ? exponent + 63 + 16383 : 0);
    }

    /** The x87 64-bit significand, integer bit included. */
    long significandBits() {
        return significand;
    }

    /** The value of an x87 80-bit pattern; unnormals (biased exponent set, bit 63 clear) are rejected. */
    static LongDouble fromBits(final int signExponent, final long significandBits) {
        final boolean neg = (signExponent & 0x8000) != 0;
        final int biased = signExponent & 0x7fff;
        if (biased == 0x7fff) {
            return significandBits == 1L << 63 ? (neg ? NEGATIVE_INFINITY : POSITIVE_INFINITY) : NAN;
        }
        if (biased == 0) {
            // subnormal, or a pseudo-denormal (bit 63 set), which the x87 reads as 2^-16382 scale
            return significandBits == 0 ? (neg ? NEGATIVE_ZERO : ZERO)
                    : new LongDouble(neg, significandBits, MIN_EXP, FINITE);
        }
        if (significandBits >= 0) {
            throw new IllegalArgumentException("unnormal: " + Integer.toHexString(signExponent));
        }
        return new LongDouble(neg, significandBits, biased - 16383 - 63, FINITE);
    }

    /** The exact value of a finite long double. */
    BigDecimal toBigDecimal() {
        if (kind != FINITE) {
            throw new ArithmeticException(humanString());
        }
        BigInteger m = unsigned(significand);
        if (negative) {
            m = m.negate();
        }
        if (exponent >= 0) {
            return new BigDecimal(m.shiftLeft(exponent));
        }
        return new BigDecimal(m.multiply(BigInteger.valueOf(5).pow(-exponent)), -exponent);
    }

    private static BigInteger unsigned(final long v) {
        if (v >= 0) {
            return BigInteger.valueOf(v);
        }
        return BigInteger.valueOf(v >>> 1).shiftLeft(1).or(BigInteger.valueOf(v & 1));
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof LongDouble other
                && kind == other.kind
                && (kind == NAN_KIND || (negative == other.negative && significand == other.significand
                && exponent == other.exponent));
    }

    @Override
    public int hashCode() {
        return kind == NAN_KIND ? 0x7fff : Long.hashCode(significand) * 31 + exponent * 2 + (negative ? 1 : 0);
    }
}
