package io.moon.storage;

import io.moon.protocol.Numbers;

/**
 * String values and their encodings, as Redis chooses them:
 * <ul>
 *   <li>"int": the value is the canonical decimal of a 64-bit integer (at most 20 characters). It
 *       is kept as 8 binary bytes, so INCR adds in place and GET prints it.</li>
 *   <li>"embstr": up to {@value #EMBSTR_MAX_BYTES} bytes, written whole by SET and friends.</li>
 *   <li>"raw": longer values, and any value APPEND or SETRANGE has built.</li>
 * </ul>
 * Static helpers over a {@link Db}; called on the owning shard thread only.
 */
public final class Strings {
    public static final int EMBSTR_MAX_BYTES = 44;
    /** Above this size a growing string gains 1 MB at a time instead of doubling (as sds does). */
    static final int GREEDY_LIMIT_BYTES = 1024 * 1024;
    /** Redis's OBJ_SHARED_INTEGERS. */
    public static final int SHARED_INTEGERS = 10000;

    private Strings() {
    }

    public static boolean isString(final Db db, final long addr) {
        final int k = db.kind(addr);
        return k == Entry.KIND_STR_BYTES || k == Entry.KIND_STR_INT;
    }

    public static boolean isInt(final Db db, final long addr) {
        return db.kind(addr) == Entry.KIND_STR_INT;
    }

    /**
     * True when Redis would hold this value as one of its shared integer objects (0 to
     * {@value #SHARED_INTEGERS} - 1, OBJECT REFCOUNT INT_MAX): an int-encoded value in that range
     * that is not an own copy. COPY, and any store while maxmemory evicts by LRU or LFU, make own
     * copies ({@link #unshare}); storing a value again (SET, INCR...) makes it shared again.
     */
    public static boolean isSharedInt(final Db db, final long addr) {
        if (db.kind(addr) != Entry.KIND_STR_INT || (db.meta(addr) & Entry.RAW) != 0) {
            return false;
        }
        final long v = db.intValue(addr);
        return v >= 0 && v < SHARED_INTEGERS;
    }

    /** Marks an int-encoded value as an own copy (Redis's COPY duplicates the object, for one). */
    public static void unshare(final Db db, final long addr) {
        if (db.kind(addr) == Entry.KIND_STR_INT) {
            db.page(addr)[(int) addr + Entry.META] |= Entry.RAW;
        }
    }

    /**
     * Marks a byte string "raw" (OBJECT ENCODING), as Redis's commands that change a string in
     * place make it first (the HLL commands, even when they end up changing nothing).
     */
    public static void markRaw(final Db db, final long addr) {
        if (db.kind(addr) == Entry.KIND_STR_BYTES) {
            db.page(addr)[(int) addr + Entry.META] |= Entry.RAW;
        }
    }

    /** OBJECT ENCODING of a string entry. */
    public static String encoding(final Db db, final long addr) {
        if (db.kind(addr) == Entry.KIND_STR_INT) {
            return "int";
        }
        if ((db.meta(addr) & Entry.RAW) != 0 || db.valueLength(addr) > EMBSTR_MAX_BYTES) {
            return "raw";
        }
        return "embstr";
    }

    /** Length of the string value (STRLEN). */
    public static int length(final Db db, final long addr) {
        if (db.kind(addr) == Entry.KIND_STR_INT) {
            return Numbers.digits(db.intValue(addr));
        }
        return db.valueLength(addr);
    }

    /**
     * Copies the value's bytes into dst at dstOff (an int is printed in decimal); dst must hold
     * {@link #length} bytes. Returns the length.
     */
    public static int copyValue(final Db db, final long addr, final byte[] dst, final int dstOff) {
        if (db.kind(addr) == Entry.KIND_STR_INT) {
            return Numbers.formatLong(db.intValue(addr), dst, dstOff);
        }
        final int n = db.valueLength(addr);
        System.arraycopy(db.page(addr), db.valueOffset(addr), dst, dstOff, n);
        return n;
    }

    /** Copy of the value; allocates, for cold paths. */
    public static byte[] valueBytes(final Db db, final long addr) {
        final byte[] b = new byte[length(db, addr)];
        copyValue(db, addr, b, 0);
        return b;
    }

    /**
     * Stores a string under the key, creating the entry or overwriting {@code existing} (the live
     * entry for this key, or 0). The expiry is dropped unless {@code keepTtl}. Returns the entry.
     */
    public static long set(final Db db, final byte[] k, final int ko, final int kl, final long h, final long existing,
                           final byte[] v, final int vo, final int vl, final boolean keepTtl) {
        if (vl <= Numbers.MAX_LONG_CHARS && Numbers.isLong(v, vo, vl)) {
            return setLong(db, k, ko, kl, h, existing, Numbers.parseLong(v, vo, vl, 0), keepTtl);
        }
        final long a = prepare(db, k, ko, kl, h, existing, Entry.KIND_STR_BYTES, vl, keepTtl, false);
        System.arraycopy(v, vo, db.page(a), db.valueOffset(a), vl);
        return a;
    }

    /** Stores an int-encoded string (INCR and friends, and SET of an integer). */
    public static long setLong(final Db db, final byte[] k, final int ko, final int kl, final long h,
                               final long existing, final long value, final boolean keepTtl) {
        if (existing != 0 && db.kind(existing) == Entry.KIND_STR_INT) {
            // The common INCR case: same shape, update the 8 bytes in place (a new value is a
            // new object in Redis, so an own copy from COPY is shared again).
            if (!keepTtl) {
                db.persist(existing);
            }
            db.page(existing)[(int) existing + Entry.META] &= (byte) ~Entry.RAW;
            db.intValue(existing, value);
            db.touch(existing);
            return existing;
        }
        final long a = prepare(db, k, ko, kl, h, existing, Entry.KIND_STR_INT, 8, keepTtl, false);
        db.intValue(a, value);
        return a;
    }

    /**
     * Makes an entry of the given kind with room for a value of {@code vl} bytes, new or in place
     * of {@code existing}; the caller writes the value at {@link Db#valueOffset}.
     */
    public static long prepare(final Db db, final byte[] k, final int ko, final int kl, final long h,
                               final long existing, final int kind, final int vl, final boolean keepTtl,
                               final boolean raw) {
        if (existing == 0) {
            final int size = Entry.sizeFor(kl, kind, vl, false);
            final long a = db.insert(k, ko, kl, h, size, kind | (raw ? Entry.RAW : 0));
            if (kind != Entry.KIND_STR_INT) {
                fixLength(db, a, vl);
            }
            return a;
        }
        if (!keepTtl) {
            db.persist(existing);
        }
        final long a = db.prepareValue(existing, h, kind, vl, raw);
        db.touch(a);
        return a;
    }

    /** Writes the value-length varint of a freshly inserted byte-valued entry. */
    private static void fixLength(final Db db, final long a, final int vl) {
        final byte[] p = db.page(a);
        final int off = (int) a;
        final int klo = Entry.keyLenOffset(p, off);
        final int kl = Entry.getVarint(p, klo);
        Entry.putVarint(p, klo + Entry.varintSize(kl) + kl, vl);
    }

    /**
     * APPEND: adds bytes at the end of the string and returns the new length. An existing value
     * becomes "raw"; a new key is stored as {@link #set} stores it (int, embstr or raw), as Redis
     * does.
     */
    public static long append(final Db db, final byte[] k, final int ko, final int kl, final long h,
                              final long existing, final byte[] v, final int vo, final int vl) {
        if (existing == 0) {
            set(db, k, ko, kl, h, 0, v, vo, vl, false);
            return vl;
        }
        final int oldLen = length(db, existing);
        final int newLen = oldLen + vl;
        if (db.kind(existing) == Entry.KIND_STR_INT) {
            // print the integer, then append: at most 20 + vl bytes
            final byte[] digits = new byte[Numbers.MAX_LONG_CHARS];
            final int n = Numbers.formatLong(db.intValue(existing), digits, 0);
            final long a = db.prepareValue(existing, h, Entry.KIND_STR_BYTES, newLen, true);
            final int vo2 = db.valueOffset(a);
            System.arraycopy(digits, 0, db.page(a), vo2, n);
            System.arraycopy(v, vo, db.page(a), vo2 + n, vl);
            db.touch(a);
            return newLen;
        }
        final long a = resizeBytes(db, existing, h, newLen, oldLen);
        System.arraycopy(v, vo, db.page(a), db.valueOffset(a) + oldLen, vl);
        db.touch(a);
        return newLen;
    }

    /**
     * Grows or shrinks a byte-valued entry to {@code newLen}, keeping the first {@code keep}
     * value bytes (moving them when the length header changes width). Marks it raw.
     */
    static long resizeBytes(final Db db, final long addr, final long h, final int newLen, final int keep) {
        final int oldOff = db.valueOffset(addr) - (int) addr;
        final int oldLen = db.valueLength(addr);
        final int oldHdr = Entry.varintSize(oldLen);
        final int newHdr = Entry.varintSize(newLen);
        final int need = oldOff - oldHdr + newHdr + newLen;
        final int total = oldOff + oldLen;
        // Grow like Redis's sds for strings built piece by piece: double while small, then add
        // 1 MB, so n APPENDs copy O(n) bytes in total instead of O(n^2).
        final int greedy = need < GREEDY_LIMIT_BYTES ? need * 2 : (int) Math.min(Integer.MAX_VALUE - 64L, need + (long) GREEDY_LIMIT_BYTES);
        final long a = db.ensureSlot(addr, h, need, total, greedy);
        final byte[] p = db.page(a);
        final int off = (int) a;
        if (newHdr != oldHdr) {
            System.arraycopy(p, off + oldOff, p, off + oldOff - oldHdr + newHdr, keep);
        }
        Entry.putVarint(p, off + oldOff - oldHdr, newLen);
        p[off + Entry.META] = (byte) ((p[off + Entry.META] & ~Entry.KIND_MASK) | Entry.KIND_STR_BYTES | Entry.RAW);
        return a;
    }

    /**
     * SETRANGE: overwrites bytes from {@code offset}, zero-padding as needed; creates the key when
     * {@code existing} is 0. Returns the new length.
     */
    public static long setRange(final Db db, final byte[] k, final int ko, final int kl, final long h,
                                final long existing, final int offset, final byte[] v, final int vo, final int vl) {
        if (existing == 0) {
            final int len = offset + vl;
            final long a = prepare(db, k, ko, kl, h, 0, Entry.KIND_STR_BYTES, len, false, true);
            final byte[] p = db.page(a);
            final int o = db.valueOffset(a);
            java.util.Arrays.fill(p, o, o + offset, (byte) 0);
            System.arraycopy(v, vo, p, o + offset, vl);
            return len;
        }
        long a = existing;
        if (db.kind(a) == Entry.KIND_STR_INT) {
            final byte[] digits = new byte[Numbers.MAX_LONG_CHARS];
            final int n = Numbers.formatLong(db.intValue(a), digits, 0);
            a = db.prepareValue(a, h, Entry.KIND_STR_BYTES, n, true);
            System.arraycopy(digits, 0, db.page(a), db.valueOffset(a), n);
        }
        final int oldLen = db.valueLength(a);
        final int newLen = Math.max(oldLen, offset + vl);
        if (vl == 0) {
            return oldLen;
        }
        a = resizeBytes(db, a, h, newLen, oldLen);
        final byte[] p = db.page(a);
        final int o = db.valueOffset(a);
        if (offset > oldLen) {
            java.util.Arrays.fill(p, o + oldLen, o + offset, (byte) 0);
        }
        System.arraycopy(v, vo, p, o + offset, vl);
        db.touch(a);
        return newLen;
    }

    /**
     * SETBIT and BITFIELD's writes: makes the key's value a "raw" byte string of at least
     * {@code minLen} bytes, padding with zero bytes, and returns the entry; the caller then edits
     * the bytes in place at {@link Db#valueOffset}. A missing key ({@code existing} 0) is created
     * with {@code minLen} zero bytes; an int-encoded value is first spelled out in decimal, and
     * any existing value becomes raw even when it is long enough (Redis's dbUnshareStringValue).
     * The expiry is kept.
     */
    public static long growZeroed(final Db db, final byte[] k, final int ko, final int kl, final long h,
                                  final long existing, final int minLen) {
        if (existing == 0) {
            final long a = prepare(db, k, ko, kl, h, 0, Entry.KIND_STR_BYTES, minLen, false, true);
            final int o = db.valueOffset(a);
            java.util.Arrays.fill(db.page(a), o, o + minLen, (byte) 0);
            return a;
        }
        long a = existing;
        db.beforeWrite(h);
        if (db.kind(a) == Entry.KIND_STR_INT) {
            final byte[] digits = new byte[Numbers.MAX_LONG_CHARS];
            final int n = Numbers.formatLong(db.intValue(a), digits, 0);
            a = db.prepareValue(a, h, Entry.KIND_STR_BYTES, n, true);
            System.arraycopy(digits, 0, db.page(a), db.valueOffset(a), n);
        }
        final int oldLen = db.valueLength(a);
        if (oldLen < minLen) {
            a = resizeBytes(db, a, h, minLen, oldLen);
            final int o = db.valueOffset(a);
            java.util.Arrays.fill(db.page(a), o + oldLen, o + minLen, (byte) 0);
        } else {
            db.page(a)[(int) a + Entry.META] |= Entry.RAW;
        }
        db.touch(a);
        return a;
    }

    /**
     * Stores {@code vl} bytes of {@code v} under the key as a "raw" string whatever they hold (no
     * int or embstr encoding), in place of {@code existing} (any type, or 0), dropping its expiry:
     * BITOP's destination, which Redis stores as the string object it built.
     */
    public static long setRaw(final Db db, final byte[] k, final int ko, final int kl, final long h,
                              final long existing, final byte[] v, final int vo, final int vl) {
        final long a = prepare(db, k, ko, kl, h, existing, Entry.KIND_STR_BYTES, vl, false, true);
        System.arraycopy(v, vo, db.page(a), db.valueOffset(a), vl);
        return a;
    }
}
