package io.moon.storage.rdb;

import io.moon.storage.ValueType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;

/**
 * Decodes one value of a given RDB type (every encoding of RDB versions 1 to 12) into an
 * {@link RdbObject}. Module values and anything unknown are refused with an exception naming the
 * type: Moon has no such values, and dropping them silently would lose data.
 */
public final class RdbValueReader {
    private RdbValueReader() {
    }

    /** Human name of an RDB type byte, for messages. */
    public static String typeName(final int t) {
        return switch (t) {
            case Rdb.T_STREAM_LISTPACKS, Rdb.T_STREAM_LISTPACKS_2, Rdb.T_STREAM_LISTPACKS_3 -> "stream";
            case Rdb.T_MODULE_PRE_GA, Rdb.T_MODULE_2 -> "module";
            default -> "type " + t;
        };
    }

    public static RdbObject read(final RdbIn in, final int type) {
        final long at = in.offset();
        switch (type) {
            case Rdb.T_STRING:
                return RdbObject.ofString(in.readString());
            case Rdb.T_STREAM_LISTPACKS, Rdb.T_STREAM_LISTPACKS_2, Rdb.T_STREAM_LISTPACKS_3:
                return RdbObject.ofStream(RdbStream.read(in, type, at));
            case Rdb.T_LIST: {
                final int n = in.readCount();
                return list(ValueType.LIST, readStrings(in, n));
            }
            case Rdb.T_SET: {
                final int n = in.readCount();
                return list(ValueType.SET, readStrings(in, n));
            }
            case Rdb.T_HASH: {
                final long pairs = in.readLength();
                if (pairs < 0 || pairs > in.remaining() / 2 || pairs > Integer.MAX_VALUE / 2) {
                    throw new RdbException("hash length " + pairs + " exceeds the input left", at);
                }
                final byte[][] fv = readStrings(in, (int) pairs * 2);
                return new RdbObject(ValueType.HASH, null, fv, null, (int) pairs);
            }
            case Rdb.T_ZSET, Rdb.T_ZSET_2: {
                final int n = in.readCount();
                final byte[][] m = new byte[n][];
                final double[] s = new double[n];
                for (int i = 0; i < n; i++) {
                    m[i] = in.readString();
                    s[i] = type == Rdb.T_ZSET_2 ? in.readBinaryDouble() : in.readAsciiDouble();
                    if (Double.isNaN(s[i])) {
                        throw new RdbException("sorted set score is NaN", at);
                    }
                }
                return new RdbObject(ValueType.ZSET, null, m, s, n);
            }
            case Rdb.T_HASH_ZIPMAP:
                return pairs(Ziplists.zipmap(in.readString(), at), at);
            case Rdb.T_LIST_ZIPLIST:
                return list(ValueType.LIST, Ziplists.ziplist(in.readString(), at));
            case Rdb.T_SET_INTSET:
                return list(ValueType.SET, Ziplists.intset(in.readString(), at));
            case Rdb.T_SET_LISTPACK:
                return list(ValueType.SET, nonEmpty(Ziplists.listpack(in.readString(), at), at));
            case Rdb.T_ZSET_ZIPLIST:
                return zset(Ziplists.ziplist(in.readString(), at), at);
            case Rdb.T_ZSET_LISTPACK:
                return zset(Ziplists.listpack(in.readString(), at), at);
            case Rdb.T_HASH_ZIPLIST:
                return pairs(Ziplists.ziplist(in.readString(), at), at);
            case Rdb.T_HASH_LISTPACK:
                return pairs(Ziplists.listpack(in.readString(), at), at);
            case Rdb.T_HASH_METADATA, Rdb.T_HASH_METADATA_PRE_GA:
                return hashMetadata(in, type == Rdb.T_HASH_METADATA, at);
            case Rdb.T_HASH_LISTPACK_EX, Rdb.T_HASH_LISTPACK_EX_PRE_GA: {
                if (type == Rdb.T_HASH_LISTPACK_EX) {
                    minExpire(in, at); // the soonest expiry: a hint only, the listpack has each field's own
                }
                return listpackEx(Ziplists.listpack(in.readString(), at), at);
            }
            case Rdb.T_LIST_QUICKLIST, Rdb.T_LIST_QUICKLIST_2: {
                final int nodes = in.readCount();
                final ArrayList<byte[]> all = new ArrayList<>();
                for (int i = 0; i < nodes; i++) {
                    final long nat = in.offset();
                    if (type == Rdb.T_LIST_QUICKLIST) {
                        addAll(all, Ziplists.ziplist(in.readString(), nat));
                        continue;
                    }
                    final long container = in.readLength();
                    if (container == Rdb.QUICKLIST_NODE_PLAIN) {
                        all.add(in.readString());
                    } else if (container == Rdb.QUICKLIST_NODE_PACKED) {
                        final byte[][] els = Ziplists.listpack(in.readString(), nat);
                        if (els.length == 0) {
                            throw new RdbException("empty quicklist node", nat);
                        }
                        addAll(all, els);
                    } else {
                        throw new RdbException("unknown quicklist node container " + container, nat);
                    }
                }
                return list(ValueType.LIST, all.toArray(new byte[0][]));
            }
            default:
                throw new RdbException("cannot load a value of " + typeName(type), at);
        }
    }

    /**
     * A hash table with field TTLs (RDB_TYPE_HASH_METADATA): an 8-byte little-endian soonest
     * expiry ({@code withMin}; absent in the 7.4 release candidates' type 22), the pair count,
     * then per pair a length-encoded TTL, the field and the value. The TTL is 0 for "none";
     * otherwise {@code expiry - min + 1} (type 24) or the absolute expiry (type 22).
     */
    private static RdbObject hashMetadata(final RdbIn in, final boolean withMin, final long at) {
        final long min = withMin ? minExpire(in, at) : 1;
        final long pairs = in.readLength();
        // each pair takes at least 3 bytes: a TTL and two empty strings
        if (pairs <= 0 || pairs > in.remaining() / 3 || pairs > Integer.MAX_VALUE / 2) {
            throw new RdbException("hash length " + pairs + " exceeds the input left", at);
        }
        final int n = (int) pairs;
        final byte[][] fv = new byte[2 * n][];
        final long[] ttls = new long[n];
        for (int i = 0; i < n; i++) {
            final long ttl = in.readLength();
            if (ttl != 0) {
                // ttl in range first (a length may be any 64 bits), so the sum cannot overflow
                if (ttl < 0 || ttl > Rdb.FIELD_EXPIRE_MAX + 1) {
                    throw new RdbException("bad hash field expiry", at);
                }
                final long abs = ttl + min - 1;
                if (abs <= 0 || abs > Rdb.FIELD_EXPIRE_MAX) {
                    throw new RdbException("bad hash field expiry", at);
                }
                ttls[i] = abs;
            }
            fv[2 * i] = in.readString();
            fv[2 * i + 1] = in.readString();
        }
        return new RdbObject(ValueType.HASH, null, fv, null, n, ttls);
    }

    /** The 8-byte soonest-expiry header of types 24 and 25: up to 2^48 (2^48 itself: no TTL). */
    private static long minExpire(final RdbIn in, final long at) {
        final long min = in.readLongLE();
        if (min < 0 || min > Rdb.FIELD_EXPIRE_MAX + 1) {
            throw new RdbException("bad hash minimum field expiry", at);
        }
        return min;
    }

    /** A listpackex's elements: field, value, expiry (an integer, 0 for none) triplets. */
    private static RdbObject listpackEx(final byte[][] els, final long at) {
        if (els.length == 0 || els.length % 3 != 0) {
            throw new RdbException("listpackex hash needs field, value, expiry triplets", at);
        }
        final int n = els.length / 3;
        final byte[][] fv = new byte[2 * n][];
        final long[] ttls = new long[n];
        for (int i = 0; i < n; i++) {
            fv[2 * i] = els[3 * i];
            fv[2 * i + 1] = els[3 * i + 1];
            final long t = parseExpiry(els[3 * i + 2]);
            if (t < 0 || t > Rdb.FIELD_EXPIRE_MAX) {
                throw new RdbException("bad hash field expiry", at);
            }
            ttls[i] = t;
        }
        return new RdbObject(ValueType.HASH, null, fv, null, n, ttls);
    }

    /** Decimal digits of a non-negative expiry, or -1 (anything else, or too long). */
    private static long parseExpiry(final byte[] b) {
        if (b.length == 0 || b.length > 15) {
            return -1;
        }
        long v = 0;
        for (final byte c : b) {
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static void addAll(final ArrayList<byte[]> to, final byte[][] els) {
        for (final byte[] e : els) {
            to.add(e);
        }
    }

    private static byte[][] nonEmpty(final byte[][] els, final long at) {
        if (els.length == 0) {
            throw new RdbException("empty collection", at);
        }
        return els;
    }

    private static byte[][] readStrings(final RdbIn in, final int n) {
        final byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            out[i] = in.readString();
        }
        return out;
    }

    private static RdbObject list(final int type, final byte[][] els) {
        return new RdbObject(type, null, els, null, els.length);
    }

    private static RdbObject pairs(final byte[][] fv, final long at) {
        if (fv.length % 2 != 0) {
            throw new RdbException("odd number of hash elements", at);
        }
        return new RdbObject(ValueType.HASH, null, fv, null, fv.length / 2);
    }

    private static RdbObject zset(final byte[][] ms, final long at) {
        if (ms.length % 2 != 0) {
            throw new RdbException("odd number of sorted set elements", at);
        }
        final int n = ms.length / 2;
        final byte[][] m = new byte[n][];
        final double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            m[i] = ms[2 * i];
            try {
                s[i] = Double.parseDouble(new String(ms[2 * i + 1], StandardCharsets.US_ASCII)
                        .replace("inf", "Infinity"));
            } catch (final NumberFormatException e) {
                throw new RdbException("bad sorted set score", at);
            }
            if (Double.isNaN(s[i])) {
                throw new RdbException("sorted set score is NaN", at);
            }
        }
        return new RdbObject(ValueType.ZSET, null, m, s, n);
    }
}
