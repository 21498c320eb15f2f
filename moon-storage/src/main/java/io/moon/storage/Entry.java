package io.moon.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Layout of one key-value entry inside a slab page. All multi-byte fields are little-endian.
 *
 * <pre>
 *  +0   long   next        address of the next entry in the same hash bucket, 0 at the end
 *  +8   byte   meta        bits 0-3 kind (how the value is stored), bit 4 HAS_EXPIRE,
 *                          bit 5 RAW (bytes: reports "raw", made by APPEND/SETRANGE or too long;
 *                          int: an own copy, not one of Redis's shared integers: made by COPY,
 *                          or stored under an LRU/LFU maxmemory policy)
 *  +9   3 bytes lru        LRU clock (seconds, 24 bits) or LFU (16-bit minutes, 8-bit counter)
 *  +12  [HAS_EXPIRE] long expireAtMillis, int index in the database's expires array
 *  ...  varint keyLen, key bytes
 *  ...  value, by kind:  STR_BYTES: varint length, bytes;  STR_INT: 8-byte long;
 *                          packed collections (listpack, intset): the blob itself, which knows
 *                          its own length;  full collections: 4-byte index in the database's
 *                          object table
 * </pre>
 *
 * A key of 10 bytes with a 16-byte value takes 12 + 1 + 10 + 1 + 16 = 40 bytes, where Redis
 * spends a dictEntry, a robj and two sds headers (around 70 bytes before allocator rounding).
 * Static helpers only; the owning {@link Db} holds the pages.
 */
public final class Entry {
    private Entry() {
    }

    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    static final int NEXT = 0;
    static final int META = 8;
    static final int LRU = 9;
    static final int HEADER = 12;
    static final int EXPIRE_BYTES = 12;

    /** Kinds: how the value is laid out (the type follows from it; see {@link ValueType}). */
    public static final int KIND_STR_BYTES = 0;
    public static final int KIND_STR_INT = 1;
    /** A list packed in one listpack, inline. */
    public static final int KIND_LIST_LP = 2;
    /** A list as a quicklist object. */
    public static final int KIND_LIST_QL = 3;
    /** A hash packed in one listpack of field, value pairs, inline. */
    public static final int KIND_HASH_LP = 4;
    /** A hash as a hash table object. */
    public static final int KIND_HASH_HT = 5;
    /** A set of integers packed in an intset, inline. */
    public static final int KIND_SET_INTSET = 6;
    /** A set packed in one listpack of members, inline. */
    public static final int KIND_SET_LP = 7;
    /** A set as a hash table object. */
    public static final int KIND_SET_HT = 8;
    /** A sorted set packed in one listpack of member, score pairs (by score, then member), inline. */
    public static final int KIND_ZSET_LP = 9;
    /** A sorted set as a skiplist-and-dict object. */
    public static final int KIND_ZSET_SL = 10;
    /** A hash with per-field expiry, as an object (Redis 7.4's listpackex / hashtable with TTLs). */
    public static final int KIND_HASH_EX = 11;
    /** A stream, as a {@link StreamValue} object. */
    public static final int KIND_STREAM = 12;

    /** True when the value is an object in the database's object table. */
    public static boolean isObjectKind(final int kind) {
        return kind == KIND_LIST_QL || kind == KIND_HASH_HT || kind == KIND_SET_HT || kind == KIND_ZSET_SL
                || kind == KIND_HASH_EX || kind == KIND_STREAM;
    }

    /** True when the value is a packed blob (listpack or intset) laid out inline in the entry. */
    public static boolean isPackedKind(final int kind) {
        return kind == KIND_LIST_LP || kind == KIND_HASH_LP || kind == KIND_SET_INTSET || kind == KIND_SET_LP
                || kind == KIND_ZSET_LP;
    }

    /** Length of a packed blob at off: a listpack's total-bytes header, or an intset's size. */
    static int packedLength(final byte[] p, final int off, final int kind) {
        if (kind == KIND_SET_INTSET) {
            return 8 + getInt(p, off) * getInt(p, off + 4);
        }
        return getInt(p, off);
    }

    static final int KIND_MASK = 0x0f;
    static final int HAS_EXPIRE = 0x10;
    public static final int RAW = 0x20;

    public static long getLong(final byte[] p, final int off) {
        return (long) LONG.get(p, off);
    }

    public static void putLong(final byte[] p, final int off, final long v) {
        LONG.set(p, off, v);
    }

    public static int getInt(final byte[] p, final int off) {
        return (int) INT.get(p, off);
    }

    public static void putInt(final byte[] p, final int off, final int v) {
        INT.set(p, off, v);
    }

    // ---- varints (7 bits per byte, low bits first) ---------------------------------------------

    static int varintSize(final int v) {
        if (v < 0x80) {
            return 1;
        }
        if (v < 0x4000) {
            return 2;
        }
        if (v < 0x200000) {
            return 3;
        }
        if (v < 0x10000000) {
            return 4;
        }
        return 5;
    }

    static int putVarint(final byte[] p, int off, int v) {
        while ((v & ~0x7f) != 0) {
            p[off++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        p[off++] = (byte) v;
        return off;
    }

    /** Reads a varint at off; returns value, and the byte count via {@link #varintSize} of it. */
    static int getVarint(final byte[] p, int off) {
        int b = p[off];
        if (b >= 0) {
            return b;
        }
        int v = b & 0x7f;
        int shift = 7;
        do {
            b = p[++off];
            v |= (b & 0x7f) << shift;
            shift += 7;
        } while (b < 0);
        return v;
    }

    // ---- fields --------------------------------------------------------------------------------

    static int meta(final byte[] p, final int off) {
        return p[off + META] & 0xff;
    }

    static int kind(final byte[] p, final int off) {
        return p[off + META] & KIND_MASK;
    }

    static boolean hasExpire(final byte[] p, final int off) {
        return (p[off + META] & HAS_EXPIRE) != 0;
    }

    static int keyLenOffset(final byte[] p, final int off) {
        return off + HEADER + ((p[off + META] & HAS_EXPIRE) != 0 ? EXPIRE_BYTES : 0);
    }

    static int lru(final byte[] p, final int off) {
        return (p[off + LRU] & 0xff) | (p[off + LRU + 1] & 0xff) << 8 | (p[off + LRU + 2] & 0xff) << 16;
    }

    static void lru(final byte[] p, final int off, final int v) {
        p[off + LRU] = (byte) v;
        p[off + LRU + 1] = (byte) (v >>> 8);
        p[off + LRU + 2] = (byte) (v >>> 16);
    }

    /** Bytes an entry needs for the given key length, value representation and expiry. */
    static int sizeFor(final int keyLen, final int kind, final int valueLen, final boolean expire) {
        int n = HEADER + (expire ? EXPIRE_BYTES : 0) + varintSize(keyLen) + keyLen;
        if (kind == KIND_STR_INT) {
            n += 8;
        } else if (isObjectKind(kind)) {
            n += 4;
        } else if (isPackedKind(kind)) {
            n += valueLen;
        } else {
            n += varintSize(valueLen) + valueLen;
        }
        return n;
    }
}
