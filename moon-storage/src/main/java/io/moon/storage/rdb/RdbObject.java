package io.moon.storage.rdb;

import io.moon.storage.ValueType;

/**
 * A value read from an RDB file or a DUMP payload, detached from any database so the reader's
 * thread can hand it to the owning shard. {@code type} is a {@link ValueType} constant; a string
 * is {@code string}; a list or set has {@code n} elements; a hash has {@code n} pairs laid out
 * field, value, ...; a sorted set has {@code n} members with {@code scores}.
 */
public record RdbObject(int type, byte[] string, byte[][] elements, double[] scores, int n) {
    static RdbObject ofString(final byte[] s) {
        return new RdbObject(ValueType.STRING, s, null, null, 0);
    }
}
