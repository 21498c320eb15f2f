package io.moon.storage;

/**
 * A member interval of ZRANGEBYLEX, ZLEXCOUNT, ZREMRANGEBYLEX: each bound is "-" (below every
 * member), "+" (above every member), "[m" (inclusive) or "(m" (exclusive), compared byte by byte
 * as Redis's sdscmplex does. The bounds are views into the caller's buffer (the request), not
 * copies, so the range is valid only while that buffer is.
 *
 * <p>Mutable and reusable, like {@link ScoreRange}.
 */
public final class LexRange {
    static final int NEG_INF = -1;
    static final int VALUE = 0;
    static final int POS_INF = 1;

    private byte[] buf;
    private int minKind;
    private int minOff;
    private int minLen;
    private boolean minExclusive;
    private int maxKind;
    private int maxOff;
    private int maxLen;
    private boolean maxExclusive;

    /**
     * Parses both bounds out of {@code b}; false when either is not "-", "+", or starts with '['
     * or '(' ("min or max not valid string range item").
     */
    public boolean parse(final byte[] b, final int minOff, final int minLen, final int maxOff, final int maxLen) {
        this.buf = b;
        final int mk = kindOf(b, minOff, minLen);
        final int xk = kindOf(b, maxOff, maxLen);
        if (mk == Integer.MIN_VALUE || xk == Integer.MIN_VALUE) {
            return false;
        }
        minKind = mk;
        maxKind = xk;
        minExclusive = mk != VALUE || b[minOff] == '(';
        maxExclusive = xk != VALUE || b[maxOff] == '(';
        this.minOff = minOff + 1;
        this.minLen = minLen - 1;
        this.maxOff = maxOff + 1;
        this.maxLen = maxLen - 1;
        return true;
    }

    /**
     * Redis reads the item as a C string: "+" and "-" must be followed by its end (a NUL byte
     * counts as one), '[' and '(' take the rest, anything else is refused.
     */
    private static int kindOf(final byte[] b, final int off, final int len) {
        if (len == 0) {
            return Integer.MIN_VALUE;
        }
        return switch (b[off]) {
            case '+' -> len == 1 || b[off + 1] == 0 ? POS_INF : Integer.MIN_VALUE;
            case '-' -> len == 1 || b[off + 1] == 0 ? NEG_INF : Integer.MIN_VALUE;
            case '[', '(' -> VALUE;
            default -> Integer.MIN_VALUE;
        };
    }

    /** True when no member can fall in the range. */
    public boolean isEmpty() {
        final int cmp;
        if (minKind != VALUE || maxKind != VALUE) {
            cmp = minKind == maxKind ? 0 : (minKind < maxKind ? -1 : 1);
        } else {
            cmp = Integer.signum(java.util.Arrays.compareUnsigned(buf, minOff, minOff + minLen, buf, maxOff,
                    maxOff + maxLen));
        }
        return cmp > 0 || (cmp == 0 && (minExclusive || maxExclusive));
    }

    /** Whether member m[off, off+len) is at or above the lower bound. */
    public boolean aboveMin(final byte[] m, final int off, final int len) {
        if (minKind != VALUE) {
            return minKind == NEG_INF;
        }
        final int c = java.util.Arrays.compareUnsigned(m, off, off + len, buf, minOff, minOff + minLen);
        return minExclusive ? c > 0 : c >= 0;
    }

    /** Whether member m[off, off+len) is at or below the upper bound. */
    public boolean belowMax(final byte[] m, final int off, final int len) {
        if (maxKind != VALUE) {
            return maxKind == POS_INF;
        }
        final int c = java.util.Arrays.compareUnsigned(m, off, off + len, buf, maxOff, maxOff + maxLen);
        return maxExclusive ? c < 0 : c <= 0;
    }

    public boolean contains(final byte[] m, final int off, final int len) {
        return aboveMin(m, off, len) && belowMax(m, off, len);
    }

    /** {@link #aboveMin(byte[], int, int)} for the listpack element at p of page b. */
    boolean aboveMin(final byte[] b, final int p) {
        if (minKind != VALUE) {
            return minKind == NEG_INF;
        }
        final int c = Listpack.compare(b, p, buf, minOff, minLen);
        return minExclusive ? c > 0 : c >= 0;
    }

    /** {@link #belowMax(byte[], int, int)} for the listpack element at p of page b. */
    boolean belowMax(final byte[] b, final int p) {
        if (maxKind != VALUE) {
            return maxKind == POS_INF;
        }
        final int c = Listpack.compare(b, p, buf, maxOff, maxLen);
        return maxExclusive ? c < 0 : c <= 0;
    }
}
