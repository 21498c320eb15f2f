package io.moon.storage.rdb;

import io.moon.storage.Db;
import io.moon.storage.Entry;
import io.moon.storage.HashTable;
import io.moon.storage.IntSet;
import io.moon.storage.Listpack;
import io.moon.storage.MemberSet;
import io.moon.storage.QuickList;
import io.moon.storage.SortedSet;
import io.moon.storage.StreamValue;

/**
 * Encodes the value of a Moon entry as Redis 7.0 saves it in RDB version 10 (rdbSaveObjectType +
 * rdbSaveObject): the type byte, then the value. Packed blobs go out verbatim, since Moon's
 * listpacks and intsets are byte for byte Redis's. A packed set has no RDB 10 type of its own
 * (SET_LISTPACK arrived with RDB 11) and is written as a plain SET.
 *
 * <p><b>Hashes with field TTLs</b> (Redis 7.4's hash field expiration) have no RDB 10 form at
 * all, so they are written with Redis 7.4's types, and whatever holds one (a snapshot file, a
 * DUMP payload) says RDB version 12 ({@link #needsFieldTtlTypes}); everything else stays byte
 * for byte RDB 10, which Redis 7.0 loads. The layouts, as third-party parsers of Redis 7.4 files
 * document them (RedisShake's hash reader, MIT licensed, and a C# RDBParser agree) and as Redis
 * 7.4's rdb.c writes them (checked for the facts only; nothing of it is copied), and exchanged
 * both ways with a real Redis that has field TTLs (HashFieldTtlInteropTest, opt-in):
 * <ul>
 *   <li>{@code RDB_TYPE_HASH_LISTPACK_EX} (25), for a hash Moon reports as "listpackex": the
 *       soonest field expiry as 8 bytes little-endian (as EXPIRETIME_MS is written), then one
 *       string holding a listpack of field, value, expiry triplets, the expiry an integer entry
 *       of absolute milliseconds, 0 for a field without TTL. Fields go soonest expiry first and
 *       those without TTL last, the order Redis 7.4 keeps such a listpack in.</li>
 *   <li>{@code RDB_TYPE_HASH_METADATA} (24), for a "hashtable" with TTLs: the soonest expiry as
 *       8 bytes little-endian, the field count (length-encoded), then per field its TTL
 *       (length-encoded: 0 for none, else {@code expiry - soonest + 1}), the field and the
 *       value.</li>
 * </ul>
 * A hash whose TTLs were all removed (HPERSIST) is written as a plain hash (Redis 7.4 writes a
 * listpackex without TTLs as type 25 with a soonest expiry of 0; Moon reads that too). Fields
 * whose expiry has passed but that no command or sweep has deleted yet are written, as Redis 7.4
 * writes them; Moon drops them when it loads ({@link RdbObject#withoutExpiredFields}), where
 * Redis loads them and lets its field expiry delete them.
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
                if (t.ttlCount() > 0) {
                    type(out, t.listpackEx() ? Rdb.T_HASH_LISTPACK_EX : Rdb.T_HASH_METADATA, db, addr, key,
                            keyFromEntry);
                    writeVolatileHash(out, t);
                    return;
                }
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
            case Entry.KIND_STREAM -> {
                type(out, Rdb.T_STREAM_LISTPACKS_2, db, addr, key, keyFromEntry);
                RdbStream.write(out, (StreamValue) db.object(addr));
            }
            default -> throw new IllegalStateException("kind " + db.kind(addr));
        }
    }

    /**
     * True when the entry's value needs a Redis 7.4 type (a hash with field TTLs), so whatever
     * holds it must say RDB version {@link Rdb#VERSION_FIELD_TTLS}.
     */
    public static boolean needsFieldTtlTypes(final Db db, final long addr) {
        return db.kind(addr) == Entry.KIND_HASH_EX && ((HashTable) db.object(addr)).ttlCount() > 0;
    }

    /** The value of a hash with field TTLs, after its type byte (24 or 25, see the class comment). */
    static void writeVolatileHash(final RdbOut out, final HashTable t) {
        out.writeLongLE(t.minExpireAt());
        if (!t.listpackEx()) {
            final long min = t.minExpireAt();
            out.writeLength(t.size());
            for (int s = t.nextSlot(0); s >= 0; s = t.nextSlot(s + 1)) {
                final long at = t.expireAt(s);
                out.writeLength(at == 0 ? 0 : at - min + 1);
                final byte[] d = t.data(s);
                out.writeString(d, t.fieldOffset(s), t.fieldLength(s));
                out.writeString(d, t.valueOffset(s), t.valueLength(s));
            }
            return;
        }
        final Integer[] slots = new Integer[t.size()];
        long size = Listpack.of().length;
        int i = 0;
        for (int s = t.nextSlot(0); s >= 0; s = t.nextSlot(s + 1)) {
            slots[i++] = s;
            final byte[] d = t.data(s);
            size += Listpack.encodedSize(d, t.fieldOffset(s), t.fieldLength(s))
                    + Listpack.encodedSize(d, t.valueOffset(s), t.valueLength(s))
                    + Listpack.encodedSizeLong(t.expireAt(s));
        }
        // soonest first, fields without TTL (0) last; a listpackex is small (hash-max-listpack-entries)
        java.util.Arrays.sort(slots, (x, y) -> Long.compareUnsigned(t.expireAt(x) - 1, t.expireAt(y) - 1));
        final byte[] lp = new byte[Math.toIntExact(size)];
        Listpack.init(lp, 0);
        for (final int s : slots) {
            final byte[] d = t.data(s);
            Listpack.insert(lp, 0, Listpack.eofOffset(lp, 0), d, t.fieldOffset(s), t.fieldLength(s));
            Listpack.insert(lp, 0, Listpack.eofOffset(lp, 0), d, t.valueOffset(s), t.valueLength(s));
            Listpack.insertLong(lp, 0, Listpack.eofOffset(lp, 0), t.expireAt(s));
        }
        out.writeString(lp, 0, lp.length);
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
