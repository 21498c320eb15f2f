package io.moon.storage;

import io.moon.protocol.Numbers;

/**
 * A score interval of ZRANGEBYSCORE, ZCOUNT, ZREMRANGEBYSCORE...: two bounds, each inclusive or
 * exclusive ("(1.5"), parsed as Redis's zslParseRange parses them: C strtod over the text, so
 * leading blanks, hex, "inf" and out-of-range exponents (which become infinities) are accepted,
 * an empty bound reads as 0, and only NaN or trailing junk are refused.
 *
 * <p>Mutable and reusable: a handler parses into one instance per call (or a per-thread one).
 */
public final class ScoreRange {
    public double min;
    public double max;
    public boolean minExclusive;
    public boolean maxExclusive;

    /** Parses both bounds; false when either is not a valid float ("min or max is not a float"). */
    public boolean parse(final byte[] b, final int minOff, final int minLen, final int maxOff, final int maxLen) {
        if (minLen > 0 && b[minOff] == '(') {
            minExclusive = true;
            min = Numbers.strtod(b, minOff + 1, minLen - 1);
        } else {
            minExclusive = false;
            min = Numbers.strtod(b, minOff, minLen);
        }
        if (Double.isNaN(min)) {
            return false;
        }
        if (maxLen > 0 && b[maxOff] == '(') {
            maxExclusive = true;
            max = Numbers.strtod(b, maxOff + 1, maxLen - 1);
        } else {
            maxExclusive = false;
            max = Numbers.strtod(b, maxOff, maxLen);
        }
        return !Double.isNaN(max);
    }

    /** Sets the bounds directly (tests, internal callers). */
    public ScoreRange set(final double min, final boolean minExclusive, final double max, final boolean maxExclusive) {
        this.min = min;
        this.minExclusive = minExclusive;
        this.max = max;
        this.maxExclusive = maxExclusive;
        return this;
    }

    /** True when no score can fall in the range (min above max, or equal with an open end). */
    public boolean isEmpty() {
        return min > max || (min == max && (minExclusive || maxExclusive));
    }

    public boolean aboveMin(final double v) {
        return minExclusive ? v > min : v >= min;
    }

    public boolean belowMax(final double v) {
        return maxExclusive ? v < max : v <= max;
    }

    public boolean contains(final double v) {
        return aboveMin(v) && belowMax(v);
    }
}
