package io.moon.storage;

/**
 * The Redis type of a value and the name of its encoding, both read off the entry's kind: the
 * names TYPE, SCAN TYPE, OBJECT ENCODING and DEBUG OBJECT report, as Redis 7.2 spells them.
 */
public final class ValueType {
    public static final int STRING = 0;
    public static final int LIST = 1;
    public static final int HASH = 2;
    public static final int SET = 3;
    public static final int ZSET = 4;
    public static final int STREAM = 5;

    private static final String[] NAMES = {"string", "list", "hash", "set", "zset", "stream"};

    private ValueType() {
    }

    /** The type (one of the constants above) of a value of the given kind. */
    public static int of(final int kind) {
        return switch (kind) {
            case Entry.KIND_STR_BYTES, Entry.KIND_STR_INT -> STRING;
            case Entry.KIND_LIST_LP, Entry.KIND_LIST_QL -> LIST;
            case Entry.KIND_HASH_LP, Entry.KIND_HASH_HT, Entry.KIND_HASH_EX -> HASH;
            case Entry.KIND_SET_INTSET, Entry.KIND_SET_LP, Entry.KIND_SET_HT -> SET;
            case Entry.KIND_ZSET_LP, Entry.KIND_ZSET_SL -> ZSET;
            case Entry.KIND_STREAM -> STREAM;
            default -> throw new IllegalStateException("kind " + kind);
        };
    }

    /** The type of the entry at addr. */
    public static int of(final Db db, final long addr) {
        return of(db.kind(addr));
    }

    public static String name(final int type) {
        return NAMES[type];
    }

    /** OBJECT ENCODING of the entry at addr. */
    public static String encoding(final Db db, final long addr) {
        return switch (db.kind(addr)) {
            case Entry.KIND_STR_BYTES, Entry.KIND_STR_INT -> Strings.encoding(db, addr);
            case Entry.KIND_LIST_LP, Entry.KIND_HASH_LP, Entry.KIND_SET_LP, Entry.KIND_ZSET_LP -> "listpack";
            case Entry.KIND_LIST_QL -> "quicklist";
            case Entry.KIND_HASH_HT, Entry.KIND_SET_HT -> "hashtable";
            // Redis 7.4: a small hash with field TTLs is a "listpackex" until it outgrows the limits
            case Entry.KIND_HASH_EX -> ((HashTable) db.object(addr)).listpackEx() ? "listpackex" : "hashtable";
            case Entry.KIND_SET_INTSET -> "intset";
            case Entry.KIND_ZSET_SL -> "skiplist";
            case Entry.KIND_STREAM -> "stream";
            default -> throw new IllegalStateException("kind " + db.kind(addr));
        };
    }
}
