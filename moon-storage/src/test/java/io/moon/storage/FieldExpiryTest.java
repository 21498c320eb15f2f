package io.moon.storage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The active side of hash field expiration: the database tracks hashes with field TTLs, the
 * expire cycle deletes due fields soonest first and the key with the last one, and tracking
 * follows a hash through RENAME-style moves, COPY, FLUSHDB and deletion.
 */
class FieldExpiryTest {
    private static final HashValues.Limits LIM = new HashValues.Limits(512, 64);
    private final Keyspace ks = new Keyspace(2, 1);
    private final Db db = ks.db(0);

    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private long addr(final String key) {
        final byte[] k = b(key);
        return db.lookup(k, 0, k.length, Db.hash(k, 0, k.length));
    }

    /** A hash of n fields "f0".."f(n-1)"; fields below {@code withTtl} expire at at + i. */
    private void hash(final String key, final int n, final int withTtl, final long at) {
        final byte[] k = b(key);
        final long h = Db.hash(k, 0, k.length);
        long a = HashValues.create(db, k, 0, k.length, h, n, LIM);
        for (int i = 0; i < n; i++) {
            final byte[] f = b("f" + i);
            a = HashValues.set(db, a, h, -1, f, 0, f.length, f, 0, f.length, false, LIM);
        }
        if (withTtl > 0) {
            a = HashValues.makeVolatile(db, a, h);
            final HashTable t = HashValues.table(db, a);
            for (int i = 0; i < withTtl; i++) {
                final byte[] f = b("f" + i);
                t.expireAt(t.find(f, 0, f.length), at + i);
            }
            db.fieldTtlChanged(a);
        }
    }

    @Test
    void shouldSweepDueFieldsAndDeleteEmptiedKeys() {
        hash("a", 10, 4, 1000);
        hash("b", 3, 3, 2000);
        hash("c", 5, 0, 0);
        assertEquals(2, db.fieldExpiry.count());
        assertEquals("listpackex", ValueType.encoding(db, addr("a")));
        ks.activeExpireCycle(500, 1_000_000_000L);
        assertEquals(10, HashValues.length(db, addr("a")));
        ks.activeExpireCycle(1001, 1_000_000_000L);
        assertEquals(8, HashValues.length(db, addr("a")));
        ks.activeExpireCycle(5000, 1_000_000_000L);
        assertEquals(6, HashValues.length(db, addr("a")));
        assertEquals(0, addr("b"), "a hash whose last field expired is deleted");
        assertEquals(5, HashValues.length(db, addr("c")));
        assertEquals(0, db.fieldExpiry.count());
        assertEquals(7, db.fieldExpiry.expiredFields);
    }

    @Test
    void shouldForgetHashesWhoseTtlsWentAway() {
        hash("a", 3, 2, 1000);
        final HashTable t = HashValues.table(db, addr("a"));
        t.persist(t.find(b("f0"), 0, 2));
        t.persist(t.find(b("f1"), 0, 2));
        assertEquals(1, db.fieldExpiry.count());
        ks.activeExpireCycle(5000, 1_000_000_000L);
        assertEquals(0, db.fieldExpiry.count());
        assertEquals(3, HashValues.length(db, addr("a")));
    }

    @Test
    void shouldFollowTheHashThroughMovesCopiesAndDeletes() {
        hash("src", 4, 2, 1000);
        // RENAME: dump to move, delete the source, restore under the new name
        final long a = addr("src");
        final Dump d = db.dump(a, true);
        db.unlinkAndFree(a, Db.hash(b("src"), 0, 3));
        assertEquals(0, db.fieldExpiry.count());
        db.restore(b("dst"), 0, 3, Db.hash(b("dst"), 0, 3), d, true);
        assertEquals(1, db.fieldExpiry.count());
        // COPY into another database keeps its own tracking
        final Db other = ks.db(1);
        other.restore(b("cp"), 0, 2, Db.hash(b("cp"), 0, 2), db.dump(addr("dst")), false);
        assertEquals(1, other.fieldExpiry.count());
        ks.activeExpireCycle(1000, 1_000_000_000L);
        assertEquals(3, HashValues.length(db, addr("dst")));
        final long cp = other.lookup(b("cp"), 0, 2, Db.hash(b("cp"), 0, 2));
        assertEquals(3, HashValues.length(other, cp));
        // deleting the key stops the tracking; FLUSHDB clears it
        db.delete(b("dst"), 0, 3, Db.hash(b("dst"), 0, 3), 0);
        assertEquals(0, db.fieldExpiry.count());
        other.clear();
        assertEquals(0, other.fieldExpiry.count());
        ks.activeExpireCycle(10_000, 1_000_000_000L);
    }

    @Test
    void shouldPurgeLazilyOnAccess() {
        hash("a", 3, 3, 1000);
        final byte[] k = b("a");
        final long h = Db.hash(k, 0, 1);
        assertEquals(addr("a"), HashValues.purgeExpired(db, addr("a"), h, 999));
        assertTrue(HashValues.purgeExpired(db, addr("a"), h, 1001) != 0);
        assertEquals(1, HashValues.length(db, addr("a")));
        assertEquals(0, HashValues.purgeExpired(db, addr("a"), h, 1002));
        assertEquals(0, addr("a"));
    }
}
