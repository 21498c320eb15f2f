package io.moon.storage;

/**
 * Redis's sanitizing of an index range start..end over a sequence of {@code len} elements (LRANGE,
 * LTRIM, ZRANGE by rank, ZREMRANGEBYRANK): negative indices count from the end, a start before
 * the beginning is the beginning, an end past the last element is the last element, and a range
 * that starts after it ends, or past the end, is empty.
 */
public final class Ranks {
    private Ranks() {
    }

    /** The first index of the range, at least 0 (meaningful when {@link #count} is not 0). */
    public static long first(final long start, final long len) {
        final long s = start < 0 ? start + len : start;
        return s < 0 ? 0 : s;
    }

    /** How many elements the range holds (0 when empty). */
    public static long count(final long start, final long end, final long len) {
        final long s = first(start, len);
        long e = end < 0 ? end + len : end;
        if (s > e || s >= len) {
            return 0;
        }
        if (e >= len) {
            e = len - 1;
        }
        return e - s + 1;
    }
}
