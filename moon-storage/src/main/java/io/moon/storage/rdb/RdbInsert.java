package io.moon.storage.rdb;

import io.moon.storage.Db;
import io.moon.storage.Entry;
import io.moon.storage.HashTable;
import io.moon.storage.HashValues;
import io.moon.storage.ListValues;
import io.moon.storage.SetBuilder;
import io.moon.storage.Strings;
import io.moon.storage.ValueType;
import io.moon.storage.ZsetScratch;
import io.moon.storage.Zsets;

/**
 * Stores a decoded value under a key through the same paths commands use, so it gets the kind
 * Moon's thresholds choose (a ziplist from an old file becomes a listpack or a full encoding as
 * the current limits say). A hash's field TTLs go in as they are, expired or not: callers that
 * load as a primary drop expired fields first ({@link RdbObject#withoutExpiredFields}). For the
 * owning shard's thread only.
 */
public final class RdbInsert {
    private RdbInsert() {
    }

    /**
     * Gives the just-stored hash at addr the value's field TTLs: it becomes the TTL-aware kind,
     * "listpackex" while Moon's listpack limits hold it (it was stored packed), "hashtable"
     * otherwise, whichever of the two types it came as: Redis 7.4 loads both types so too.
     */
    private static long fieldTtls(final Db db, long a, final long h, final RdbObject v) {
        a = HashValues.makeVolatile(db, a, h);
        final HashTable t = HashValues.table(db, a);
        final byte[][] fv = v.elements();
        for (int i = 0; i < v.n(); i++) {
            final long at = v.fieldTtls()[i];
            if (at != 0) {
                final byte[] f = fv[2 * i];
                t.expireAt(t.find(f, 0, f.length), at);
            }
        }
        db.fieldTtlChanged(a);
        return a;
    }

    /**
     * Inserts the value under k (which must not exist in db) with its expiry (-1 for none) and
     * returns the entry's address. Duplicate hash fields, set members or sorted set members and
     * empty collections are a corrupt payload: {@link RdbException} (offset -1: the value was
     * decoded already), with nothing left behind.
     */
    public static long insert(final Db db, final byte[] k, final RdbObject v, final long expireAtMillis,
                              final RdbLimits lim) {
        if (v.type() != ValueType.STRING && v.type() != ValueType.STREAM && v.n() == 0) {
            throw new RdbException("empty collection", -1);
        }
        final int kl = k.length;
        final long h = Db.hash(k, 0, kl);
        long a;
        switch (v.type()) {
            case ValueType.STRING -> a = Strings.set(db, k, 0, kl, h, 0, v.string(), 0, v.string().length, false);
            case ValueType.LIST -> a = ListValues.store(db, k, 0, kl, h, v.elements(), v.n(), lim.listFill());
            case ValueType.SET -> {
                final SetBuilder b = new SetBuilder(Entry.KIND_SET_INTSET, lim.set());
                for (int i = 0; i < v.n(); i++) {
                    final byte[] m = v.elements()[i];
                    if (!b.add(m, 0, m.length)) {
                        throw new RdbException("duplicate set member", -1);
                    }
                }
                a = b.store(db, k, 0, kl, h);
            }
            case ValueType.HASH -> {
                a = HashValues.create(db, k, 0, kl, h, v.n(), lim.hash());
                final byte[][] fv = v.elements();
                for (int i = 0; i < v.n(); i++) {
                    final byte[] f = fv[2 * i];
                    final byte[] val = fv[2 * i + 1];
                    if (HashValues.find(db, a, f, 0, f.length) >= 0) {
                        db.delete(k, 0, kl, h, Long.MIN_VALUE);
                        throw new RdbException("duplicate hash field", -1);
                    }
                    a = HashValues.set(db, a, h, -1, f, 0, f.length, val, 0, val.length, false, lim.hash());
                }
                if (v.hasFieldTtls()) {
                    a = fieldTtls(db, a, h, v);
                }
            }
            case ValueType.ZSET -> {
                long longest = 0;
                for (int i = 0; i < v.n(); i++) {
                    longest = Math.max(longest, v.elements()[i].length);
                }
                a = Zsets.create(db, k, 0, kl, h, v.n(), longest, lim.zsetEntries(), lim.zsetValue());
                final ZsetScratch s = ZsetScratch.get();
                for (int i = 0; i < v.n(); i++) {
                    final byte[] m = v.elements()[i];
                    final int r = Zsets.add(db, a, h, m, 0, m.length, v.scores()[i], 0, lim.zsetEntries(),
                            lim.zsetValue(), s);
                    a = s.addr;
                    if (r != Zsets.ADDED) {
                        db.delete(k, 0, kl, h, Long.MIN_VALUE);
                        throw new RdbException("duplicate sorted set member", -1);
                    }
                }
            }
            case ValueType.STREAM -> a = db.insertObject(k, 0, kl, h, Entry.KIND_STREAM, v.stream());
            default -> throw new IllegalStateException("type " + v.type());
        }
        if (expireAtMillis >= 0) {
            a = db.setExpire(a, h, expireAtMillis);
        }
        return a;
    }
}
