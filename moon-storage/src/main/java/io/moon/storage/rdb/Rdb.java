package io.moon.storage.rdb;

/**
 * Type and opcode numbers of the RDB format (Redis's rdb.h), and the versions Moon writes.
 *
 * <p>The hash-field-TTL types (22 to 25) and version 12 are Redis 7.4's. Their numbers and byte
 * layout are facts taken from permissively licensed third-party RDB parsers that read Redis 7.4
 * files (RedisShake's hash reader, MIT; a C# RDBParser's ReadHashMetadata; several type tables
 * agreeing on 22 to 25) and checked against what Redis 7.4's rdb.c writes and reads (read for the
 * facts only: that code is not BSD-licensed and none of it is copied); see {@link RdbValueWriter}.
 */
public final class Rdb {
    /** What Redis 7.0 writes; what Moon writes whenever it can, so Redis 7.0 loads it. */
    public static final int VERSION = 10;
    /**
     * Redis 7.4's version, the first with hash field TTLs: Moon writes it only into a file or DUMP
     * payload that holds at least one hash with field TTLs (Redis 7.0 refuses it, rightly).
     */
    public static final int VERSION_FIELD_TTLS = 12;
    /** The newest version Moon reads (Redis 7.4). */
    public static final int MAX_VERSION = 12;

    static final int T_STRING = 0;
    static final int T_LIST = 1;
    static final int T_SET = 2;
    static final int T_ZSET = 3;
    static final int T_HASH = 4;
    static final int T_ZSET_2 = 5;
    static final int T_MODULE_PRE_GA = 6;
    static final int T_MODULE_2 = 7;
    static final int T_HASH_ZIPMAP = 9;
    static final int T_LIST_ZIPLIST = 10;
    static final int T_SET_INTSET = 11;
    static final int T_ZSET_ZIPLIST = 12;
    static final int T_HASH_ZIPLIST = 13;
    static final int T_LIST_QUICKLIST = 14;
    static final int T_STREAM_LISTPACKS = 15;
    static final int T_HASH_LISTPACK = 16;
    static final int T_ZSET_LISTPACK = 17;
    static final int T_LIST_QUICKLIST_2 = 18;
    static final int T_STREAM_LISTPACKS_2 = 19;
    static final int T_SET_LISTPACK = 20;
    static final int T_STREAM_LISTPACKS_3 = 21;
    /** A hash with field TTLs, Redis 7.4 release candidates: per field an absolute expiry (length-encoded). */
    static final int T_HASH_METADATA_PRE_GA = 22;
    /** A listpack of field, value, expiry triplets, Redis 7.4 release candidates. */
    static final int T_HASH_LISTPACK_EX_PRE_GA = 23;
    /** A hash with field TTLs (Redis 7.4): the soonest expiry, then per field its expiry relative to it. */
    static final int T_HASH_METADATA = 24;
    /** A "listpackex" hash (Redis 7.4): the soonest expiry, then a listpack of field, value, expiry triplets. */
    static final int T_HASH_LISTPACK_EX = 25;

    /** A function library (Redis 7.0 GA and later): its code as a string. */
    public static final int OP_FUNCTION2 = 245;
    static final int OP_FUNCTION_PRE_GA = 246;
    static final int OP_MODULE_AUX = 247;
    static final int OP_IDLE = 248;
    static final int OP_FREQ = 249;
    static final int OP_AUX = 250;
    static final int OP_RESIZEDB = 251;
    static final int OP_EXPIRETIME_MS = 252;
    static final int OP_EXPIRETIME = 253;
    static final int OP_SELECTDB = 254;
    static final int OP_EOF = 255;

    static final int ENC_INT8 = 0;
    static final int ENC_INT16 = 1;
    static final int ENC_INT32 = 2;
    static final int ENC_LZF = 3;

    static final int QUICKLIST_NODE_PLAIN = 1;
    static final int QUICKLIST_NODE_PACKED = 2;

    /**
     * Redis 7.4's EB_EXPIRE_TIME_MAX: a field expiry is absolute milliseconds at most 2^48 - 1;
     * one past it (EB_EXPIRE_TIME_INVALID) is the "no field TTL" minimum a file may carry.
     */
    static final long FIELD_EXPIRE_MAX = (1L << 48) - 1;

    private Rdb() {
    }

    /** True for the value types Moon reads into its keyspace. */
    static boolean isDataType(final int t) {
        return t >= T_STRING && t <= T_ZSET_2 || t >= T_HASH_ZIPMAP && t <= T_LIST_QUICKLIST
                || t >= T_HASH_LISTPACK && t <= T_LIST_QUICKLIST_2 || t == T_SET_LISTPACK
                || t >= T_HASH_METADATA_PRE_GA && t <= T_HASH_LISTPACK_EX || t == T_STREAM_LISTPACKS
                || t == T_STREAM_LISTPACKS_2 || t == T_STREAM_LISTPACKS_3;
    }

    static boolean isKnownType(final int t) {
        return isDataType(t) || t == T_MODULE_PRE_GA || t == T_MODULE_2;
    }
}
