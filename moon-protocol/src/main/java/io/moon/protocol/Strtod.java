package io.moon.protocol;

import java.nio.charset.StandardCharsets;

/**
 * The grammar of C's {@code strtod} in the "C" locale, applied to a whole byte range: the range is
 * a number only if strtod would consume all of it. Used where Redis calls string2d.
 *
 * <p>Accepted: optional sign; "inf" / "infinity" (any case); decimal digits with an optional point
 * and exponent; hex ("0x") digits with an optional point and binary exponent. Results that
 * overflow, or underflow to zero from a non-zero input, are rejected (strtod reports ERANGE and
 * Redis refuses them). Conversion of the digits themselves is Java's correctly rounded parser,
 * which agrees with glibc, except where glibc up to at least 2.36 misrounds exact hex subnormals
 * (it drops the half bit when denormalizing, so "0x1.00000000000008p-1075" reads as 0 there);
 * later glibc rounds those correctly, as this does. Cold path: allocates one String per call.
 */
final class Strtod {
    private Strtod() {
    }

    /** Returns the value, or NaN when the bytes are not entirely a valid number. */
    static double parse(final byte[] b, final int off, final int len) {
        return parse(b, off, len, true);
    }

    /**
     * As {@link #parse(byte[], int, int)}; without {@code rangeChecked}, overflow gives an
     * infinity and underflow gives zero, as strtod returns them when the caller ignores ERANGE.
     */
    static double parse(final byte[] b, final int off, final int len, final boolean rangeChecked) {
        final int end = off + len;
        int p = off;
        boolean negative = false;
        if (p < end && (b[p] == '+' || b[p] == '-')) {
            negative = b[p] == '-';
            p++;
        }
        if (p == end) {
            return Double.NaN;
        }
        final byte c0 = lower(b[p]);
        if (c0 == 'i') {
            if (matchesWord(b, p, end, "infinity") || matchesWord(b, p, end, "inf")) {
                return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            return Double.NaN;
        }
        if (c0 == 'n') {
            return Double.NaN; // "nan" parses, but Redis rejects NaN
        }
        if (b[p] == '0' && p + 1 < end && lower(b[p + 1]) == 'x') {
            return parseHex(b, off, p + 2, end, rangeChecked);
        }
        // decimal: digits [. digits] [e [sign] digits]
        int q = p;
        boolean anyDigit = false;
        boolean nonZero = false;
        while (q < end && isDigit(b[q])) {
            anyDigit = true;
            nonZero |= b[q] != '0';
            q++;
        }
        if (q < end && b[q] == '.') {
            q++;
            while (q < end && isDigit(b[q])) {
                anyDigit = true;
                nonZero |= b[q] != '0';
                q++;
            }
        }
        if (!anyDigit) {
            return Double.NaN;
        }
        if (q < end && lower(b[q]) == 'e') {
            int r = q + 1;
            if (r < end && (b[r] == '+' || b[r] == '-')) {
                r++;
            }
            if (r == end || !isDigit(b[r])) {
                return Double.NaN; // strtod would stop before the 'e': not the whole string
            }
            while (r < end && isDigit(b[r])) {
                r++;
            }
            q = r;
        }
        if (q != end) {
            return Double.NaN;
        }
        final double d = Double.parseDouble(new String(b, off, len, StandardCharsets.US_ASCII));
        return rangeChecked ? checkRange(d, nonZero) : d;
    }

    private static double parseHex(final byte[] b, final int off, final int digitsStart, final int end,
                                   final boolean rangeChecked) {
        int q = digitsStart;
        boolean anyDigit = false;
        boolean nonZero = false;
        while (q < end && isHex(b[q])) {
            anyDigit = true;
            nonZero |= b[q] != '0';
            q++;
        }
        if (q < end && b[q] == '.') {
            q++;
            while (q < end && isHex(b[q])) {
                anyDigit = true;
                nonZero |= b[q] != '0';
                q++;
            }
        }
        if (!anyDigit) {
            return Double.NaN; // "0x" alone: strtod consumes only the "0"
        }
        boolean hasExponent = false;
        if (q < end && lower(b[q]) == 'p') {
            int r = q + 1;
            if (r < end && (b[r] == '+' || b[r] == '-')) {
                r++;
            }
            if (r == end || !isDigit(b[r])) {
                return Double.NaN;
            }
            while (r < end && isDigit(b[r])) {
                r++;
            }
            q = r;
            hasExponent = true;
        }
        if (q != end) {
            return Double.NaN;
        }
        String s = new String(b, off, end - off, StandardCharsets.US_ASCII);
        if (!hasExponent) {
            s = s + "p0"; // Java requires the binary exponent; strtod does not
        }
        final double d = Double.parseDouble(s);
        return rangeChecked ? checkRange(d, nonZero) : d;
    }

    private static double checkRange(final double d, final boolean nonZero) {
        if (Double.isInfinite(d)) {
            return Double.NaN; // overflow: ERANGE with HUGE_VAL
        }
        if (d == 0 && nonZero) {
            return Double.NaN; // underflow to zero: ERANGE with 0
        }
        return d;
    }

    private static boolean matchesWord(final byte[] b, final int p, final int end, final String word) {
        if (end - p != word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (lower(b[p + i]) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static byte lower(final byte c) {
        return c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
    }

    private static boolean isDigit(final byte c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHex(final byte c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
