package io.moon.storage.rdb;

import io.moon.storage.StreamValue;
import io.moon.storage.ValueType;

/**
 * A value read from an RDB file or a DUMP payload, detached from any database so the reader's
 * thread can hand it to the owning shard. {@code type} is a {@link ValueType} constant; a string
 * is {@code string}; a list or set has {@code n} elements; a hash has {@code n} pairs laid out
 * field, value, ...; a sorted set has {@code n} members with {@code scores}.
 *
 * <p>A hash read from one of Redis 7.4's field-TTL types carries {@code fieldTtls}: per pair its
 * absolute expiry in milliseconds, 0 for none (null for every other value). A stream is
 * {@code stream} itself.
 */
public record RdbObject(int type, byte[] string, byte[][] elements, double[] scores, int n, long[] fieldTtls,
                        StreamValue stream) {
    public RdbObject(final int type, final byte[] string, final byte[][] elements, final double[] scores,
                     final int n) {
        this(type, string, elements, scores, n, null, null);
    }

    public RdbObject(final int type, final byte[] string, final byte[][] elements, final double[] scores,
                     final int n, final long[] fieldTtls) {
        this(type, string, elements, scores, n, fieldTtls, null);
    }

    static RdbObject ofStream(final StreamValue s) {
        return new RdbObject(ValueType.STREAM, null, null, null, 0, null, s);
    }

    static RdbObject ofString(final byte[] s) {
        return new RdbObject(ValueType.STRING, s, null, null, 0);
    }

    /**
     * This value without the hash fields whose expiry is at or before {@code nowMillis} (a primary
     * drops them when it loads, as it skips expired keys): this object when none is due, a copy
     * without them, or null when every field is due (the key is not to be created).
     */
    public RdbObject withoutExpiredFields(final long nowMillis) {
        if (fieldTtls == null) {
            return this;
        }
        int live = 0;
        for (int i = 0; i < n; i++) {
            if (fieldTtls[i] == 0 || fieldTtls[i] > nowMillis) {
                live++;
            }
        }
        if (live == n) {
            return this;
        }
        if (live == 0) {
            return null;
        }
        final byte[][] fv = new byte[2 * live][];
        final long[] ttls = new long[live];
        int j = 0;
        for (int i = 0; i < n; i++) {
            if (fieldTtls[i] == 0 || fieldTtls[i] > nowMillis) {
                fv[2 * j] = elements[2 * i];
                fv[2 * j + 1] = elements[2 * i + 1];
                ttls[j++] = fieldTtls[i];
            }
        }
        return new RdbObject(type, null, fv, null, live, ttls);
    }

    /** True when some hash field carries a TTL. */
    public boolean hasFieldTtls() {
        if (fieldTtls != null) {
            for (int i = 0; i < n; i++) {
                if (fieldTtls[i] != 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
