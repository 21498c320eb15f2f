package io.moon.storage.rdb;

import io.moon.storage.Db;
import io.moon.storage.Entry;
import io.moon.storage.HashTable;
import io.moon.storage.IntSet;
import io.moon.storage.Listpack;
import io.moon.storage.MemberSet;
import io.moon.storage.QuickList;
import io.moon.storage.SortedSet;

/**
 * Encodes the value of a Moon entry as Redis 7.0 saves it in RDB version 10 (rdbSaveObjectType +
 * rdbSaveObject): the type byte, then the value. Packed blobs go out verbatim, since Moon's
 * listpacks and intsets are byte for byte Redis's. Two kinds have no RDB 10 type of their own:
 * a packed set (SET_LISTPACK arrived with RDB 11) is written as a plain SET, and a hash with
 * field TTLs (Redis 7.4) as a plain HASH, losing the field TTLs: Redis 7.0 could not load more.
 */
public final class RdbValueWriter {
    private RdbValueWriter() {
    }

    /** Writes the type byte and the value of the entry at addr. */
    public static void write(final RdbOut out, final Db db, final long addr) {
        write(out, db, addr, null);
    }

    /** Writes the type byte, the key when not null (the file layout), then the value. */
    public static void write(final RdbOut out, final Db db, final long addr, final byte[] key) {
        write(out, db, addr, key, false);
    }

    /** Writes the type byte, the entry's own key (copied from its page, no allocation), then the value. */
    public static void writeWithKey(final RdbOut out, final Db db, final long addr) {
        write(out, db, addr, null, true);
    }

    private static void write(final RdbOut out, final Db db, final long addr, final byte[] key,
                              final boolean keyFromEntry) {
        final byte[] p = db.page(addr);
        final int vo = db.valueOffset(addr);
        switch (db.kind(addr)) {
            case Entry.KIND_STR_INT -> {
                type(out, Rdb.T_STRING, db, addr, key, keyFromEntry);
                out.writeLongString(db.intValue(addr));
            }
            case Entry.KIND_STR_BYTES -> {
                type(out, Rdb.T_STRING, db, addr, key, keyFromEntry);
                out.writeString(p, vo, db.valueLength(addr));
            }
            case Entry.KIND_LIST_LP -> {
                type(out, Rdb.T_LIST_QUICKLIST_2, db, addr, key, keyFromEntry);
                out.writeLength(1);
                out.writeLength(Rdb.QUICKLIST_NODE_PACKED);
                out.writeString(p, vo, Listpack.totalBytes(p, vo));
            }
            case Entry.KIND_LIST_QL -> {
                final QuickList ql = (QuickList) db.object(addr);
                type(out, Rdb.T_LIST_QUICKLIST_2, db, addr, key, keyFromEntry);
                out.writeLength(ql.nodeCount());
                for (int i = 0; i < ql.nodeCount(); i++) {
                    final byte[] node = ql.node(i);
                    out.writeLength(Rdb.QUICKLIST_NODE_PACKED);
                    out.writeString(node, 0, Listpack.totalBytes(node, 0));
                }
            }
            case Entry.KIND_HASH_LP -> {
                type(out, Rdb.T_HASH_LISTPACK, db, addr, key, keyFromEntry);
                out.writeString(p, vo, Listpack.totalBytes(p, vo));
            }
            case Entry.KIND_HASH_HT, Entry.KIND_HASH_EX -> {
                final HashTable t = (HashTable) db.object(addr);
                type(out, Rdb.T_HASH, db, addr, key, keyFromEntry);
                out.writeLength(t.size());
                for (int s = t.nextSlot(0); s >= 0; s = t.nextSlot(s + 1)) {
                    final byte[] d = t.data(s);
                    out.writeString(d, t.fieldOffset(s), t.fieldLength(s));
                    out.writeString(d, t.valueOffset(s), t.valueLength(s));
                }
            }
            case Entry.KIND_SET_INTSET -> {
                type(out, Rdb.T_SET_INTSET, db, addr, key, keyFromEntry);
                out.writeString(p, vo, IntSet.totalBytes(p, vo));
            }
            case Entry.KIND_SET_LP -> {
                type(out, Rdb.T_SET, db, addr, key, keyFromEntry);
                out.writeLength(Listpack.count(p, vo) == Listpack.COUNT_UNKNOWN ? Listpack.recount(p, vo)
                        : Listpack.count(p, vo));
                for (int e = Listpack.first(p, vo); e >= 0; e = Listpack.next(p, e)) {
                    final byte[] m = Listpack.toBytes(p, e);
                    out.writeString(m, 0, m.length);
                }
            }
            case Entry.KIND_SET_HT -> {
                final MemberSet s = (MemberSet) db.object(addr);
                type(out, Rdb.T_SET, db, addr, key, keyFromEntry);
                out.writeLength(s.size());
                for (int i = 0; i < s.size(); i++) {
                    final byte[] m = s.member(i);
                    out.writeString(m, 0, m.length);
                }
            }
            case Entry.KIND_ZSET_LP -> {
                type(out, Rdb.T_ZSET_LISTPACK, db, addr, key, keyFromEntry);
                out.writeString(p, vo, Listpack.totalBytes(p, vo));
            }
            case Entry.KIND_ZSET_SL -> {
                final SortedSet z = (SortedSet) db.object(addr);
                type(out, Rdb.T_ZSET_2, db, addr, key, keyFromEntry);
                out.writeLength(z.size());
                // tail to head, as Redis does, so a loader appending at the head rebuilds in order
                for (SortedSet.Node n = z.last(); n != null; n = n.prev()) {
                    final byte[] m = n.member();
                    out.writeString(m, 0, m.length);
                    out.writeDouble(n.score());
                }
            }
            default -> throw new IllegalStateException("kind " + db.kind(addr));
        }
    }

    private static void type(final RdbOut out, final int t, final Db db, final long addr, final byte[] key,
                             final boolean keyFromEntry) {
        out.writeByte(t);
        if (keyFromEntry) {
            out.writeString(db.page(addr), db.keyOffset(addr), db.keyLength(addr));
        } else if (key != null) {
            out.writeString(key);
        }
    }
}
