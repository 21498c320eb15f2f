package io.moon.storage.rdb;

/** Number parsing and formatting the codec and the digest share. */
final class RdbNumbers {
    /** Returned by {@link #canonicalLong} for bytes that are not a canonical long. */
    static final long NOT_CANONICAL = Long.MIN_VALUE;

    private RdbNumbers() {
    }

    /**
     * The value of bytes that are exactly the decimal form Redis prints for a long (no sign on
     * zero, no leading zeros, no '+'), else {@link #NOT_CANONICAL} (Long.MIN_VALUE itself is
     * reported as not canonical; the callers then keep the bytes, which is always correct).
     */
    static long canonicalLong(final byte[] s, final int off, final int n) {
        if (n == 0 || n > 20) {
            return NOT_CANONICAL;
        }
        int i = off;
        final int end = off + n;
        final boolean neg = s[i] == '-';
        if (neg) {
            i++;
            if (i == end) {
                return NOT_CANONICAL;
            }
        }
        if (s[i] == '0' && (end - i > 1 || neg)) {
            return NOT_CANONICAL;
        }
        long v = 0;
        for (; i < end; i++) {
            final int d = s[i] - '0';
            if (d < 0 || d > 9) {
                return NOT_CANONICAL;
            }
            if (v < (Long.MIN_VALUE + d) / 10) {
                return NOT_CANONICAL;
            }
            v = v * 10 - d;
        }
        if (!neg) {
            if (v == Long.MIN_VALUE) {
                return NOT_CANONICAL;
            }
            v = -v;
        }
        return v;
    }
}
