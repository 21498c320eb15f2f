package io.moon.protocol;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Numbers parsed from and printed into bytes in place, with Redis's exact acceptance rules.
 *
 * <p>{@link #parseLong} follows Redis's {@code string2ll}: optional leading '-', no '+', no
 * spaces, no leading zeros, at most 20 characters, no overflow. {@link #parseDouble} follows
 * {@code string2d}: whatever C's {@code strtod} accepts over the whole string (decimal, exponent,
 * hex, "inf"/"infinity", leading '+'), except leading space, NaN, overflow and underflow to 0.
 */
public final class Numbers {
    private Numbers() {
    }

    /** Longest decimal long: "-9223372036854775808". */
    public static final int MAX_LONG_CHARS = 20;

    private static final byte[] LONG_MIN_BYTES = "-9223372036854775808".getBytes(StandardCharsets.US_ASCII);

    /**
     * Parses b[off, off+len) as string2ll does. Returns {@code fail} when the bytes are not a
     * valid long; callers that need to tell {@code fail} from a real value use {@link #isLong}.
     */
    public static long parseLong(final byte[] b, final int off, final int len, final long fail) {
        if (len == 0 || len > MAX_LONG_CHARS) {
            return fail;
        }
        int p = off;
        final int end = off + len;
        if (len == 1 && b[p] == '0') {
            return 0;
        }
        boolean negative = false;
        if (b[p] == '-') {
            negative = true;
            p++;
            if (p == end) {
                return fail;
            }
        }
        // First digit must be 1..9: no leading zeros ("-0" and "01" are rejected, as in Redis).
        int c = b[p] - '0';
        if (c < 1 || c > 9) {
            return fail;
        }
        // Accumulate as a negative number so that Long.MIN_VALUE fits.
        long v = -c;
        p++;
        while (p < end) {
            c = b[p] - '0';
            if (c < 0 || c > 9) {
                return fail;
            }
            if (v < Long.MIN_VALUE / 10) {
                return fail;
            }
            v *= 10;
            if (v < Long.MIN_VALUE + c) {
                return fail;
            }
            v -= c;
            p++;
        }
        if (negative) {
            return v;
        }
        if (v == Long.MIN_VALUE) {
            return fail;
        }
        return -v;
    }

    /** True when b[off, off+len) spells exactly Long.MIN_VALUE. */
    public static boolean isLongMin(final byte[] b, final int off, final int len) {
        return len == LONG_MIN_BYTES.length
                && java.util.Arrays.equals(b, off, off + len, LONG_MIN_BYTES, 0, len);
    }

    /** True when b[off, off+len) is a valid long for string2ll. */
    public static boolean isLong(final byte[] b, final int off, final int len) {
        final long v = parseLong(b, off, len, Long.MIN_VALUE);
        return v != Long.MIN_VALUE || isLongMin(b, off, len);
    }

    /** Number of characters {@code v} takes in decimal, sign included. */
    public static int digits(final long v) {
        if (v < 0) {
            return v == Long.MIN_VALUE ? 20 : 1 + digitsPositive(-v);
        }
        return digitsPositive(v);
    }

    private static int digitsPositive(final long v) {
        long p = 10;
        for (int i = 1; i < 19; i++) {
            if (v < p) {
                return i;
            }
            p *= 10;
        }
        return 19;
    }

    /** Writes {@code v} in decimal at b[off..]; returns the number of bytes written. */
    public static int formatLong(final long v, final byte[] b, final int off) {
        final int n = digits(v);
        if (v == Long.MIN_VALUE) {
            System.arraycopy(LONG_MIN_BYTES, 0, b, off, n);
            return n;
        }
        long x = v < 0 ? -v : v;
        int p = off + n - 1;
        do {
            b[p--] = (byte) ('0' + (int) (x % 10));
            x /= 10;
        } while (x != 0);
        if (v < 0) {
            b[off] = '-';
        }
        return n;
    }

    /** Writes {@code v} in decimal into {@code out} without allocating. */
    public static void writeLong(final ByteBuf out, final long v) {
        if (v >= 0 && v < 10) {
            out.writeByte('0' + (int) v);
            return;
        }
        final int n = digits(v);
        out.ensureWritable(n);
        final int start = out.writerIndex();
        if (v == Long.MIN_VALUE) {
            out.writeBytes(LONG_MIN_BYTES);
            return;
        }
        long x = v < 0 ? -v : v;
        int p = start + n - 1;
        do {
            out.setByte(p--, '0' + (int) (x % 10));
            x /= 10;
        } while (x != 0);
        if (v < 0) {
            out.setByte(start, '-');
        }
        out.writerIndex(start + n);
    }

    /** {@code v} as ASCII bytes; allocates, for cold paths. */
    public static byte[] longBytes(final long v) {
        final byte[] b = new byte[digits(v)];
        formatLong(v, b, 0);
        return b;
    }

    // ---- doubles -------------------------------------------------------------------------------

    /**
     * Parses as Redis's string2d: the whole input must be accepted by strtod. Returns NaN when it
     * is not a valid number (NaN itself is never a valid input).
     */
    public static double parseDouble(final byte[] b, final int off, final int len) {
        if (len == 0 || isSpace(b[off])) {
            return Double.NaN;
        }
        if (len <= 16) {
            final double fast = smallInteger(b, off, len);
            if (!Double.isNaN(fast)) {
                return fast;
            }
        }
        final double d = Strtod.parse(b, off, len);
        if (Double.isNaN(d)) {
            return Double.NaN;
        }
        return d;
    }

    /**
     * C's strtod over a C string, as Redis uses it for score range bounds (zslParseRange): the text
     * ends at its first NUL byte; leading blanks are skipped; the rest must be one number;
     * overflow gives an infinity and underflow zero (ERANGE is not checked); text with no number
     * at all is 0 only when it is empty. Returns NaN when strtod would stop short or reads NaN.
     */
    public static double strtod(final byte[] b, final int off, final int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        if (end == off) {
            return 0;
        }
        int p = off;
        while (p < end && isSpace(b[p])) {
            p++;
        }
        if (p == end) {
            return Double.NaN; // no number: strtod's end pointer stays on the first blank
        }
        final int n = end - p;
        if (n <= 15 && b[p] != '+') {
            final double fast = smallInteger(b, p, n);
            if (!Double.isNaN(fast)) {
                return fast;
            }
        }
        return Strtod.parse(b, p, n, false);
    }

    /**
     * The value of a plain decimal integer of at most 15 digits with an optional '-' (exact in a
     * double, so no rounding question), or NaN when the text is anything else. The common score.
     */
    public static double smallInteger(final byte[] b, final int off, final int len) {
        int p = off;
        final int end = off + len;
        final boolean neg = p < end && b[p] == '-';
        if (neg) {
            p++;
        }
        if (p == end || end - p > 15) {
            return Double.NaN;
        }
        long v = 0;
        for (; p < end; p++) {
            final int d = b[p] - '0';
            if (d < 0 || d > 9) {
                return Double.NaN;
            }
            v = v * 10 + d;
        }
        return neg ? (v == 0 ? -0.0 : -v) : v;
    }

    static boolean isSpace(final byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }
}
