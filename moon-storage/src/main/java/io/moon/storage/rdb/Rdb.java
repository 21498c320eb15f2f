package io.moon.storage.rdb;

/** Type and opcode numbers of the RDB format (Redis's rdb.h), and the version Moon writes. */
public final class Rdb {
    /** What Redis 7.0 writes; what Moon writes, so Redis 7.0 loads it. */
    public static final int VERSION = 10;
    /** The newest version Moon reads (Redis 7.2). */
    public static final int MAX_VERSION = 11;

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

    static final int OP_FUNCTION2 = 245;
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

    private Rdb() {
    }

    /** True for the value types Moon reads into its keyspace. */
    static boolean isDataType(final int t) {
        return t >= T_STRING && t <= T_ZSET_2 || t >= T_HASH_ZIPMAP && t <= T_LIST_QUICKLIST
                || t >= T_HASH_LISTPACK && t <= T_LIST_QUICKLIST_2 || t == T_SET_LISTPACK;
    }

    static boolean isKnownType(final int t) {
        return isDataType(t) || t == T_MODULE_PRE_GA || t == T_MODULE_2 || t == T_STREAM_LISTPACKS
                || t == T_STREAM_LISTPACKS_2 || t == T_STREAM_LISTPACKS_3;
    }
}
