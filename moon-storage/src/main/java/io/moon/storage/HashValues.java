package io.moon.storage;

import io.moon.protocol.Numbers;

/**
 * A hash entry's fields and values, whichever way it is stored: a listpack of field, value pairs
 * inside the entry ({@link Entry#KIND_HASH_LP}), or a {@link HashTable} object
 * ({@link Entry#KIND_HASH_HT}, and {@link Entry#KIND_HASH_EX} once fields carry TTLs). The
 * encoding rules are Redis 7.2's (t_hash.c): a hash starts packed; it becomes a table, never to go
 * back, when a field or value longer than {@code hash-max-listpack-value} arrives, when it holds
 * more than {@code hash-max-listpack-entries} fields, or when one HSET brings more pairs than that.
 *
 * <p><b>Field references.</b> {@link #find} answers an int that names the field until the next
 * write: in a listpack, the field entry's offset from the blob's start; in a table, its slot.
 * Writes return the entry's address, which may move (a listpack grows in its slot, or a
 * conversion replaces it), or 0 when the write emptied the hash and its key went with it: Redis
 * keeps no empty hashes.
 *
 * <p>Static helpers only; the caller owns the {@link Db} (its shard thread).
 */
public final class HashValues {
    /** Redis's LISTPACK_MAX_SAFETY_SIZE: a listpack never grows past 1 GB. */
    static final long LISTPACK_MAX_SAFETY_SIZE = 1L << 30;
    private static final byte[] EMPTY_LISTPACK = Listpack.of();

    private HashValues() {
    }

    /** The listpack limits in force: {@code hash-max-listpack-entries} and {@code -value}. */
    public record Limits(long maxEntries, long maxValue) {
    }

    public static boolean isHash(final Db db, final long a) {
        return ValueType.of(db, a) == ValueType.HASH;
    }

    public static boolean isPacked(final Db db, final long a) {
        return db.kind(a) == Entry.KIND_HASH_LP;
    }

    /** The table of a hash stored as an object. */
    public static HashTable table(final Db db, final long a) {
        return (HashTable) db.object(a);
    }

    /** Number of fields. */
    public static int length(final Db db, final long a) {
        if (isPacked(db, a)) {
            return Listpack.count(db.page(a), db.valueOffset(a)) >>> 1;
        }
        return table(db, a).size();
    }

    /** A reference to the field (see the class comment), or -1 when absent. */
    public static int find(final Db db, final long a, final byte[] f, final int fo, final int fl) {
        if (isPacked(db, a)) {
            final byte[] p = db.page(a);
            final int base = db.valueOffset(a);
            final int pos = Listpack.find(p, Listpack.first(p, base), f, fo, fl, 1);
            return pos < 0 ? -1 : pos - base;
        }
        return table(db, a).find(f, fo, fl);
    }

    /** Length of the referenced field's value as a client sees it (an integer's digits). */
    public static int valueLength(final Db db, final long a, final int ref) {
        if (isPacked(db, a)) {
            final byte[] p = db.page(a);
            return Listpack.elementLength(p, Listpack.next(p, db.valueOffset(a) + ref));
        }
        return table(db, a).valueLength(ref);
    }

    /** The referenced field's value; allocates, for cold paths and tests. */
    public static byte[] valueBytes(final Db db, final long a, final int ref) {
        if (isPacked(db, a)) {
            final byte[] p = db.page(a);
            return Listpack.toBytes(p, Listpack.next(p, db.valueOffset(a) + ref));
        }
        final HashTable t = table(db, a);
        final int o = t.valueOffset(ref);
        return java.util.Arrays.copyOfRange(t.data(ref), o, o + t.valueLength(ref));
    }

    /** The referenced field's name; allocates, for cold paths and tests. */
    public static byte[] fieldBytes(final Db db, final long a, final int ref) {
        if (isPacked(db, a)) {
            return Listpack.toBytes(db.page(a), db.valueOffset(a) + ref);
        }
        final HashTable t = table(db, a);
        final int o = t.fieldOffset(ref);
        return java.util.Arrays.copyOfRange(t.data(ref), o, o + t.fieldLength(ref));
    }

    // ---- creating and converting ---------------------------------------------------------------

    /**
     * Creates an empty hash under a key that does not exist, packed unless {@code pairs} (what the
     * creating command brings) already exceeds the entry limit, as hashTypeTryConversion decides
     * for HSET. The caller must add at least one field before replying.
     */
    public static long create(final Db db, final byte[] k, final int ko, final int kl, final long h, final long pairs,
                              final Limits lim) {
        return create(db, k, ko, kl, h, pairs, 0, lim);
    }

    /**
     * {@link #create}, with the packed hash's slot sized for {@code reserveBytes} more bytes of
     * listpack, so that filling it (see {@link #setAll}) does not move the entry from slot to
     * slot, leaving a freed slot of every size on the way.
     */
    public static long create(final Db db, final byte[] k, final int ko, final int kl, final long h, final long pairs,
                              final long reserveBytes, final Limits lim) {
        if (pairs > lim.maxEntries()) {
            return db.insertObject(k, ko, kl, h, Entry.KIND_HASH_HT, new HashTable((int) Math.min(pairs, 1 << 20)));
        }
        if (reserveBytes <= 0 || reserveBytes > LISTPACK_MAX_SAFETY_SIZE) {
            return db.insertPacked(k, ko, kl, h, Entry.KIND_HASH_LP, EMPTY_LISTPACK, 0, EMPTY_LISTPACK.length);
        }
        final long a = db.insert(k, ko, kl, h,
                Entry.sizeFor(kl, Entry.KIND_HASH_LP, Math.toIntExact(Listpack.EMPTY_BYTES + reserveBytes), false),
                Entry.KIND_HASH_LP);
        Listpack.init(db.page(a), db.valueOffset(a));
        return a;
    }

    /** Listpack bytes the pairs in arguments [from, argc) of r would add at most (no field repeated). */
    public static long packedSize(final io.moon.protocol.Request r, final int from) {
        long n = 0;
        for (int i = from; i < r.argc(); i++) {
            n += Listpack.encodedSize(r.buf(), r.off(i), r.len(i));
        }
        return n;
    }

    /**
     * HSET's loop over the field, value pairs in arguments [from, argc) of r, after
     * {@link #beforeWrite}: each pair replaces its field's value (and TTL) or adds it. A packed
     * hash grows its slot once for the whole batch and converts at the end if it then holds too
     * many fields (the same hash as converting after the pair that crossed the limit). Returns the
     * entry's address.
     */
    public static long setAll(final Db db, long a, final long h, final io.moon.protocol.Request r, final int from,
                              final Limits lim) {
        final byte[] b = r.buf();
        if (db.kind(a) == Entry.KIND_HASH_LP) {
            final int total = Listpack.totalBytes(db.page(a), db.valueOffset(a));
            a = db.resizePacked(a, h, Math.toIntExact(total + packedSize(r, from)));
            final byte[] p = db.page(a);
            final int base = db.valueOffset(a);
            for (int i = from; i + 1 < r.argc(); i += 2) {
                final int f = Listpack.find(p, Listpack.first(p, base), b, r.off(i), r.len(i), 1);
                if (f >= 0) {
                    Listpack.replace(p, base, Listpack.next(p, f), b, r.off(i + 1), r.len(i + 1));
                } else {
                    Listpack.insert(p, base, Listpack.eofOffset(p, base), b, r.off(i), r.len(i));
                    Listpack.insert(p, base, Listpack.eofOffset(p, base), b, r.off(i + 1), r.len(i + 1));
                }
            }
            a = db.resizePacked(a, h, Listpack.totalBytes(p, base));
            if (length(db, a) > lim.maxEntries()) {
                a = convert(db, a, h, 0);
            }
            return a;
        }
        for (int i = from; i + 1 < r.argc(); i += 2) {
            final int ref = find(db, a, b, r.off(i), r.len(i));
            a = set(db, a, h, ref, b, r.off(i), r.len(i), b, r.off(i + 1), r.len(i + 1), false, lim);
        }
        return a;
    }

    /**
     * Redis's hashTypeTryConversion before a write of {@code pairs} field, value pairs whose
     * bytes total {@code sum} and whose longest argument is {@code longest}: a packed hash (or a
     * small one with TTLs) becomes a table when the pairs are too many, an argument too long, or
     * the listpack would pass 1 GB. Returns the entry's (possibly new) address.
     */
    public static long beforeWrite(final Db db, final long a, final long h, final long pairs, final long longest,
                                   final long sum, final Limits lim) {
        final int kind = db.kind(a);
        if (kind == Entry.KIND_HASH_LP) {
            if (pairs > lim.maxEntries() || longest > lim.maxValue()
                    || Listpack.totalBytes(db.page(a), db.valueOffset(a)) + sum > LISTPACK_MAX_SAFETY_SIZE) {
                return convert(db, a, h, pairs);
            }
        } else if (kind == Entry.KIND_HASH_EX && (pairs > lim.maxEntries() || longest > lim.maxValue())) {
            table(db, a).listpackEx(false);
        }
        return a;
    }

    /** Turns a packed hash into a table with room for {@code extra} more fields; returns the address. */
    public static long convert(final Db db, final long a, final long h, final long extra) {
        final byte[] p = db.page(a);
        final int base = db.valueOffset(a);
        final HashTable t = toTable(p, base, extra);
        return db.convert(a, h, Entry.KIND_HASH_HT, t, null, 0, 0);
    }

    /** A table holding the listpack's pairs, sized for {@code extra} more. */
    static HashTable toTable(final byte[] p, final int base, final long extra) {
        final int n = Listpack.count(p, base) >>> 1;
        final HashTable t = new HashTable((int) Math.min(n + extra, 1 << 20));
        final byte[] fs = new byte[Numbers.MAX_LONG_CHARS];
        final byte[] vs = new byte[Numbers.MAX_LONG_CHARS];
        for (int f = Listpack.first(p, base); f >= 0; ) {
            final int v = Listpack.next(p, f);
            final byte[] fb;
            final int fo;
            final int fl;
            if (Listpack.isInt(p, f)) {
                fb = fs;
                fo = 0;
                fl = Numbers.formatLong(Listpack.intValue(p, f), fs, 0);
            } else {
                fb = p;
                fo = Listpack.strOffset(p, f);
                fl = Listpack.strLength(p, f);
            }
            if (Listpack.isInt(p, v)) {
                t.add(fb, fo, fl, vs, 0, Numbers.formatLong(Listpack.intValue(p, v), vs, 0));
            } else {
                t.add(fb, fo, fl, p, Listpack.strOffset(p, v), Listpack.strLength(p, v));
            }
            f = Listpack.next(p, v);
        }
        return t;
    }

    /**
     * Makes a hash able to carry field TTLs: a packed one becomes a table that reports itself as
     * Redis 7.4's "listpackex", a table keeps its encoding; both take the TTL-aware kind.
     */
    public static long makeVolatile(final Db db, final long a, final long h) {
        final int kind = db.kind(a);
        if (kind == Entry.KIND_HASH_EX) {
            return a;
        }
        if (kind == Entry.KIND_HASH_LP) {
            final HashTable t = toTable(db.page(a), db.valueOffset(a), 0);
            t.listpackEx(true);
            return db.convert(a, h, Entry.KIND_HASH_EX, t, null, 0, 0);
        }
        return db.convert(a, h, Entry.KIND_HASH_EX, table(db, a), null, 0, 0);
    }

    // ---- writing -------------------------------------------------------------------------------

    /**
     * Sets a field (hashTypeSet): replaces the value of {@code ref} when it is a found field
     * (dropping its TTL unless {@code keepTtl}, which HINCRBY and HINCRBYFLOAT ask for), or adds
     * the pair when {@code ref} is -1. Applies the listpack limits. Returns the entry's address.
     */
    public static long set(final Db db, long a, final long h, int ref, final byte[] f, final int fo, final int fl,
                           final byte[] v, final int vo, final int vl, final boolean keepTtl, final Limits lim) {
        if (db.kind(a) == Entry.KIND_HASH_LP && (fl > lim.maxValue() || vl > lim.maxValue())) {
            a = convert(db, a, h, ref < 0 ? 1 : 0);
            if (ref >= 0) {
                ref = table(db, a).find(f, fo, fl);
            }
        }
        if (db.kind(a) == Entry.KIND_HASH_LP) {
            a = ref >= 0 ? replacePacked(db, a, h, ref, v, vo, vl) : appendPacked(db, a, h, f, fo, fl, v, vo, vl);
            if (ref < 0 && length(db, a) > lim.maxEntries()) {
                a = convert(db, a, h, 0);
            }
            return a;
        }
        final HashTable t = table(db, a);
        if (ref >= 0) {
            t.setValue(ref, v, vo, vl);
            if (!keepTtl) {
                t.persist(ref);
            }
        } else {
            t.add(f, fo, fl, v, vo, vl);
        }
        if (t.listpackEx() && (fl > lim.maxValue() || vl > lim.maxValue() || t.size() > lim.maxEntries())) {
            t.listpackEx(false);
        }
        return a;
    }

    /** {@link #set} of an integer value (HINCRBY): a packed hash stores it in integer form. */
    public static long setLong(final Db db, final long a, final long h, final int ref, final byte[] f, final int fo,
                               final int fl, final long v, final Limits lim) {
        if (db.kind(a) == Entry.KIND_HASH_LP && ref >= 0 && fl <= lim.maxValue()
                && Numbers.digits(v) <= lim.maxValue()) {
            final byte[] p = db.page(a);
            final int base = db.valueOffset(a);
            final int vrel = Listpack.next(p, base + ref) - base;
            final int growth = Listpack.replaceGrowthLong(p, base + vrel, v);
            final int total = Listpack.totalBytes(p, base);
            if (growth > 0) {
                final long n = db.resizePacked(a, h, total + growth);
                final int nb = db.valueOffset(n);
                Listpack.replaceLong(db.page(n), nb, nb + vrel, v);
                return n;
            }
            Listpack.replaceLong(p, base, base + vrel, v);
            return growth < 0 ? db.resizePacked(a, h, total + growth) : a;
        }
        final byte[] digits = Numbers.longBytes(v);
        return set(db, a, h, ref, f, fo, fl, digits, 0, digits.length, true, lim);
    }

    private static long appendPacked(final Db db, final long a, final long h, final byte[] f, final int fo,
                                     final int fl, final byte[] v, final int vo, final int vl) {
        final int total = Listpack.totalBytes(db.page(a), db.valueOffset(a));
        final long n = db.resizePacked(a, h, total + Listpack.encodedSize(f, fo, fl) + Listpack.encodedSize(v, vo, vl));
        final byte[] p = db.page(n);
        final int base = db.valueOffset(n);
        Listpack.insert(p, base, Listpack.eofOffset(p, base), f, fo, fl);
        Listpack.insert(p, base, Listpack.eofOffset(p, base), v, vo, vl);
        return n;
    }

    private static long replacePacked(final Db db, final long a, final long h, final int ref, final byte[] v,
                                      final int vo, final int vl) {
        final byte[] p = db.page(a);
        final int base = db.valueOffset(a);
        final int vrel = Listpack.next(p, base + ref) - base;
        final int growth = Listpack.replaceGrowth(p, base + vrel, v, vo, vl);
        final int total = Listpack.totalBytes(p, base);
        if (growth > 0) {
            final long n = db.resizePacked(a, h, total + growth);
            final int nb = db.valueOffset(n);
            Listpack.replace(db.page(n), nb, nb + vrel, v, vo, vl);
            return n;
        }
        Listpack.replace(p, base, base + vrel, v, vo, vl);
        return growth < 0 ? db.resizePacked(a, h, total + growth) : a;
    }

    /**
     * Deletes the referenced field. Returns the entry's address, or 0 when that was the last
     * field and the key is gone.
     */
    public static long delete(final Db db, final long a, final long h, final int ref) {
        if (isPacked(db, a)) {
            final byte[] p = db.page(a);
            final int base = db.valueOffset(a);
            Listpack.deleteRange(p, base, base + ref, 2);
            if (Listpack.count(p, base) == 0) {
                db.unlinkAndFree(a, h);
                return 0;
            }
            return db.resizePacked(a, h, Listpack.totalBytes(p, base));
        }
        final HashTable t = table(db, a);
        t.removeSlot(ref);
        if (t.size() == 0) {
            db.unlinkAndFree(a, h);
            return 0;
        }
        return a;
    }

    // ---- field TTLs ----------------------------------------------------------------------------

    /**
     * True when some hash of the database has a field TTL, so a snapshot of it needs RDB 12's
     * types. Cheap: stops at the first such hash (see {@link FieldExpiry#anyFieldTtl}).
     */
    public static boolean anyFieldTtl(final Db db) {
        return db.fieldExpiry.anyFieldTtl();
    }

    /**
     * Lazy field expiry: deletes every field of the hash at addr whose TTL has passed. Returns the
     * address, or 0 when no field was left and the key went too. Amortized O(log n) per expired
     * field; a hash without TTLs costs one kind check.
     */
    public static long purgeExpired(final Db db, final long a, final long h, final long nowMillis) {
        if (db.kind(a) != Entry.KIND_HASH_EX) {
            return a;
        }
        final HashTable t = table(db, a);
        if (t.minExpireAt() > nowMillis) {
            return a;
        }
        db.beforeWrite(h); // a read may expire fields in place: a snapshot being written keeps them
        final int n = t.expireDue(nowMillis, Integer.MAX_VALUE);
        final Keyspace.KeyEvents events = db.keyspace().keyEvents;
        if (n > 0 && events != null) {
            final byte[] k = db.keyBytes(a);
            events.fieldsExpired(db.index(), k, 0, k.length, t.size() == 0);
        }
        if (t.size() == 0) {
            db.unlinkAndFree(a, h);
            return 0;
        }
        return a;
    }
}
