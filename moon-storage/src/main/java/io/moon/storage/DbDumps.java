package io.moon.storage;

import java.util.Arrays;

/**
 * Moving a value between keys of a {@link Db} or between databases and shards: a {@link Dump}
 * taken out of one entry and restored under another key (RENAME, MOVE, COPY, cross-shard
 * operations). Reached through {@link Db#dump} and {@link Db#restore}.
 */
final class DbDumps {
    private DbDumps() {
    }

    /**
     * Copies the entry's value (with its expiry and access stamp) out of the table. An object
     * value travels as the object itself when {@code moveObject} (the source key is about to be
     * deleted: RENAME, MOVE), or as a deep copy (COPY).
     */
    static Dump dump(final Db db, final long addr, final boolean moveObject) {
        final byte[] p = db.slabs().page(addr);
        final int off = (int) addr;
        final int vp = db.valuePos(p, off);
        final int meta = Entry.meta(p, off) & ~Entry.HAS_EXPIRE;
        if (Entry.isObjectKind(Entry.kind(p, off))) {
            final ValueObject o = db.objectAt(Entry.getInt(p, vp));
            if (moveObject) {
                // the object is leaving (maybe for another shard's thread): stop sweeping it here
                db.fieldExpiry.forget(Entry.getInt(p, vp));
            }
            return new Dump(meta, null, moveObject ? o : o.copy(), db.expireAt(addr), Entry.lru(p, off));
        }
        final int end = off + db.entryLength(addr);
        return new Dump(meta, Arrays.copyOfRange(p, vp, end), null, db.expireAt(addr), Entry.lru(p, off));
    }

    /**
     * Stores a dumped value under a key that must not exist here; keeps the dump's expiry, and its
     * access stamp when {@code keepStamp} (RENAME and MOVE keep the object, COPY makes a new one).
     * A dump carrying an object is consumed: restore it once.
     */
    static long restore(final Db db, final byte[] k, final int ko, final int kl, final long h, final Dump d,
                        final boolean keepStamp) {
        final boolean expire = d.expireAtMillis() >= 0;
        final int reprLen = d.object() != null ? 4 : d.repr().length;
        final int size = Entry.HEADER + (expire ? Entry.EXPIRE_BYTES : 0) + Entry.varintSize(kl) + kl + reprLen;
        final long a = db.insert(k, ko, kl, h, size, d.meta());
        final byte[] p = db.slabs().page(a);
        if (d.object() != null) {
            Entry.putInt(p, db.valuePos(p, (int) a), db.addObject(d.object()));
        } else {
            System.arraycopy(d.repr(), 0, p, db.valuePos(p, (int) a), reprLen);
        }
        if (keepStamp) {
            Entry.lru(p, (int) a, d.stamp());
        }
        if (d.object() != null) {
            db.adopt(a);
        }
        return expire ? db.setExpire(a, h, d.expireAtMillis()) : a;
    }
}
