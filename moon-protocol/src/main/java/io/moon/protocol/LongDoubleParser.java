package io.moon.protocol;

import java.math.BigInteger;

/**
 * glibc's strtold grammar in the "C" locale, over a whole byte range, with Redis's string2ld
 * checks around it; see {@link LongDouble#parse}. The digits become an exact BigInteger (times a
 * power of ten or two), which {@link LongDouble#round} rounds once; a quotient of at least 66
 * bits plus a sticky remainder bit stands in for the exact value of a decimal fraction.
 */
final class LongDoubleParser {
    /** Past this, a decimal or binary exponent is out of range whatever the digits say. */
    private static final long EXPONENT_CAP = 100_000_000L;

    private static final BigInteger[] SMALL_POWERS_OF_TEN = new BigInteger[64];

    static {
        BigInteger p = BigInteger.ONE;
        for (int i = 0; i < SMALL_POWERS_OF_TEN.length; i++) {
            SMALL_POWERS_OF_TEN[i] = p;
            p = p.multiply(BigInteger.TEN);
        }
    }

    private LongDoubleParser() {
    }

    static LongDouble parse(final byte[] b, final int off, final int len) {
        // strtold would skip leading space; string2ld refuses it. The grammar below accepts none.
        if (len == 0 || len >= LongDouble.MAX_CHARS || Numbers.isSpace(b[off])) {
            return null;
        }
        final int end = off + len;
        int p = off;
        boolean neg = false;
        if (b[p] == '+' || b[p] == '-') {
            neg = b[p] == '-';
            p++;
            if (p == end) {
                return null;
            }
        }
        final int c = b[p] | 0x20;
        if (c == 'i') {
            return isInfWord(b, p, end) ? (neg ? LongDouble.NEGATIVE_INFINITY : LongDouble.POSITIVE_INFINITY) : null;
        }
        if (b[p] == '0' && p + 1 < end && (b[p + 1] | 0x20) == 'x') {
            return parseHex(b, p + 2, end, neg);
        }
        return parseDecimal(b, p, end, neg);
    }

    private static boolean isInfWord(final byte[] b, final int p, final int end) {
        final int n = end - p;
        if (n != 3 && n != 8) {
            return false;
        }
        final String word = "infinity";
        for (int i = 0; i < n; i++) {
            if ((b[p + i] | 0x20) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static LongDouble parseDecimal(final byte[] b, final int start, final int end, final boolean neg) {
        int p = start;
        // The significant digits without the point, leading and trailing zeros: D * 10^e10.
        final char[] digits = new char[end - start];
        int n = 0;
        int trailingZeros = 0;
        int fractionDigits = 0;
        boolean anyDigit = false;
        boolean inFraction = false;
        for (; p < end; p++) {
            final byte c = b[p];
            if (c >= '0' && c <= '9') {
                anyDigit = true;
                if (inFraction) {
                    fractionDigits++;
                }
                if (c == '0') {
                    if (n > 0) {
                        trailingZeros++;
                    }
                    continue;
                }
                while (trailingZeros > 0) {
                    digits[n++] = '0';
                    trailingZeros--;
                }
                digits[n++] = (char) c;
            } else if (c == '.' && !inFraction) {
                inFraction = true;
            } else {
                break;
            }
        }
        if (!anyDigit) {
            return null;
        }
        long exp10 = 0;
        if (p < end && (b[p] | 0x20) == 'e') {
            final int q = readExponent(b, p + 1, end);
            if (q < 0) {
                return null; // strtold stops before the 'e'
            }
            exp10 = exponentValue(b, p + 1, q);
            p = q;
        }
        if (p != end) {
            return null;
        }
        if (n == 0) {
            return neg ? LongDouble.NEGATIVE_ZERO : LongDouble.ZERO;
        }
        final long e10 = exp10 - fractionDigits + trailingZeros;
        final long magnitude = n + e10; // 10^(magnitude-1) <= value < 10^magnitude
        if (magnitude > 4934 || magnitude < -4952) {
            return null; // certainly overflows, or certainly rounds to zero: ERANGE
        }
        final BigInteger d = new BigInteger(new String(digits, 0, n));
        final LongDouble r;
        if (e10 >= 0) {
            r = LongDouble.round(neg, d.multiply(powerOfTen((int) e10)), 0, false);
        } else {
            // D / 10^k with at least 66 quotient bits, the remainder folded into a sticky bit
            final BigInteger den = powerOfTen((int) -e10);
            final int shift = Math.max(0, den.bitLength() - d.bitLength() + 66);
            final BigInteger[] qr = d.shiftLeft(shift).divideAndRemainder(den);
            r = LongDouble.round(neg, qr[0], -shift, qr[1].signum() != 0);
        }
        return r.isInfinite() || r.isZero() ? null : r; // ERANGE: HUGE_VAL, or 0 from a non-zero input
    }

    private static LongDouble parseHex(final byte[] b, final int start, final int end, final boolean neg) {
        int p = start;
        final StringBuilder hex = new StringBuilder(Math.min(end - start, 64));
        int fractionDigits = 0;
        boolean anyDigit = false;
        boolean inFraction = false;
        for (; p < end; p++) {
            final byte c = b[p];
            if (hexValue(c) >= 0) {
                anyDigit = true;
                if (inFraction) {
                    fractionDigits++;
                }
                if (c != '0' || hex.length() > 0) {
                    hex.append((char) c);
                }
            } else if (c == '.' && !inFraction) {
                inFraction = true;
            } else {
                break;
            }
        }
        if (!anyDigit) {
            return null; // "0x" alone: strtold reads the "0" and stops at the 'x'
        }
        long exp2 = 0;
        if (p < end && (b[p] | 0x20) == 'p') {
            final int q = readExponent(b, p + 1, end);
            if (q < 0) {
                return null;
            }
            exp2 = exponentValue(b, p + 1, q);
            p = q;
        }
        if (p != end) {
            return null;
        }
        if (hex.isEmpty()) {
            return neg ? LongDouble.NEGATIVE_ZERO : LongDouble.ZERO;
        }
        final BigInteger h = new BigInteger(hex.toString(), 16);
        final long e2 = exp2 - 4L * fractionDigits;
        final long top = h.bitLength() + e2; // 2^(top-1) <= value < 2^top
        if (top > LongDouble.MAX_EXP + 64L || top <= LongDouble.MIN_EXP - 1L) {
            return null;
        }
        final LongDouble r = LongDouble.round(neg, h, e2, false);
        return r.isInfinite() || r.isZero() ? null : r; // ERANGE: HUGE_VAL, or 0 from a non-zero input
    }

    /** Index after "[+-]digits" starting at p, or -1 when there is no digit. */
    private static int readExponent(final byte[] b, final int p, final int end) {
        int q = p;
        if (q < end && (b[q] == '+' || b[q] == '-')) {
            q++;
        }
        if (q == end || b[q] < '0' || b[q] > '9') {
            return -1;
        }
        while (q < end && b[q] >= '0' && b[q] <= '9') {
            q++;
        }
        return q;
    }

    /** The signed exponent in b[p, q), saturated at ±EXPONENT_CAP. */
    private static long exponentValue(final byte[] b, final int p, final int q) {
        int i = p;
        final boolean neg = b[i] == '-';
        if (b[i] == '+' || b[i] == '-') {
            i++;
        }
        long v = 0;
        for (; i < q; i++) {
            v = Math.min(EXPONENT_CAP, v * 10 + (b[i] - '0'));
        }
        return neg ? -v : v;
    }

    private static int hexValue(final byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        final int l = c | 0x20;
        return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
    }

    private static BigInteger powerOfTen(final int n) {
        return n < SMALL_POWERS_OF_TEN.length ? SMALL_POWERS_OF_TEN[n] : BigInteger.TEN.pow(n);
    }
}
