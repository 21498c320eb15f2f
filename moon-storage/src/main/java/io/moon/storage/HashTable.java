package io.moon.storage;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A hash that outgrew its listpack (Redis's "hashtable" encoding), and every hash whose fields
 * carry TTLs: a chained hash table over byte-array fields and values.
 *
 * <p><b>Layout.</b> Each field lives in a <i>slot</i>; slots are parallel arrays: one
 * {@code byte[]} holding the field and its value back to back ({@code varint fieldLength, field,
 * value}), the field's 32-bit hash, and the next slot of its bucket chain. One array per field
 * instead of two objects and an entry (Redis: a dictEntry and two sds strings) keeps a field's
 * overhead near Redis's 56 bytes without a Java object per field. Freed slots are reused first;
 * when fewer than a quarter of the slots are live, the slots are compacted (amortized against
 * the deletes that emptied them), which also keeps a random slot draw dense enough for
 * HRANDFIELD.
 *
 * <p><b>Buckets</b> hold slot numbers plus one (0 is an empty bucket, and a chain's end). They
 * double when the table holds as many fields as buckets and shrink below 10% fill, moving one
 * bucket per operation as Redis's dict does, so no command pays for a whole resize. While
 * resizing there are two bucket arrays; lookups try both. HSCAN walks buckets with Redis's
 * reverse-binary cursor, so every field present for a whole scan is returned across resizes.
 *
 * <p><b>Field TTLs</b> (Redis 7.4's hash field expiration) live in a {@link FieldTtls}, created
 * on the first TTL: an expiry per slot and a min-heap, so the soonest expiry is known in O(1).
 *
 * <p>Memory is kept as a running count ({@link #memoryBytes()} does not walk). Owned by its
 * shard thread, like the entry that names it; not thread-safe.
 */
public final class HashTable implements ValueObject {
    private static final int MIN_SLOTS = 8;
    private static final int MIN_BUCKETS = 4;
    /** Shrink the buckets below this fill (Redis's HT_MIN_FILL). */
    private static final int MIN_FILL_PERCENT = 10;
    /** Rough heap cost of a byte[]: 16-byte header, then the bytes rounded to 8. */
    private static final int ARRAY_HEADER = 16;
    /** This object, its arrays' headers and references. */
    private static final int FIXED_BYTES = 128;

    private byte[][] kv;
    private int[] hashes;
    private int[] next;
    private int top;
    private int freeHead;
    private int size;
    private int[] t0;
    private int[] t1;
    private int rehashIdx = -1;
    /** Heap bytes of the live slots' arrays. */
    private long dataBytes;
    private FieldTtls ttls;
    /**
     * True while the hash is what Redis 7.4 keeps as a "listpackex": it gained field TTLs while
     * small and has not grown past the listpack limits since. Only OBJECT ENCODING and HSCAN's
     * one-call answer look at it; the structure is the same.
     */
    private boolean listpackEx;

    /** An empty table with room for {@code expected} fields before it resizes. */
    public HashTable(final int expected) {
        final int slots = Math.max(MIN_SLOTS, Integer.highestOneBit(Math.max(1, expected) - 1) << 1);
        kv = new byte[slots][];
        hashes = new int[slots];
        next = new int[slots];
        int b = MIN_BUCKETS;
        while (b < expected) {
            b <<= 1;
        }
        t0 = new int[b];
    }

    public int size() {
        return size;
    }

    public boolean listpackEx() {
        return listpackEx;
    }

    public void listpackEx(final boolean on) {
        listpackEx = on;
    }

    /** The field hash this table uses (the keyspace's keyed hash, folded to 32 bits). */
    static int hash32(final byte[] b, final int off, final int len) {
        final long h = Hashing.hash(b, off, len);
        return (int) (h ^ (h >>> 32));
    }

    // ---- slot contents -------------------------------------------------------------------------

    /** The array holding the slot's field and value; read with the offsets below. */
    public byte[] data(final int slot) {
        return kv[slot];
    }

    public int fieldOffset(final int slot) {
        return Entry.varintSize(Entry.getVarint(kv[slot], 0));
    }

    public int fieldLength(final int slot) {
        return Entry.getVarint(kv[slot], 0);
    }

    public int valueOffset(final int slot) {
        final int fl = Entry.getVarint(kv[slot], 0);
        return Entry.varintSize(fl) + fl;
    }

    public int valueLength(final int slot) {
        return kv[slot].length - valueOffset(slot);
    }

    private static byte[] pack(final byte[] f, final int fo, final int fl, final byte[] v, final int vo, final int vl) {
        final int head = Entry.varintSize(fl);
        final byte[] b = new byte[head + fl + vl];
        Entry.putVarint(b, 0, fl);
        System.arraycopy(f, fo, b, head, fl);
        System.arraycopy(v, vo, b, head + fl, vl);
        return b;
    }

    private static long heapBytes(final byte[] b) {
        return ARRAY_HEADER + ((b.length + 7L) & ~7L);
    }

    // ---- lookup --------------------------------------------------------------------------------

    /** The slot holding the field, or -1. Moves one bucket first while resizing. */
    public int find(final byte[] f, final int fo, final int fl) {
        if (size == 0) {
            return -1;
        }
        if (rehashIdx >= 0) {
            rehash(1);
        }
        final int h = hash32(f, fo, fl);
        int s = chainFind(t0, h & (t0.length - 1), h, f, fo, fl);
        if (s < 0 && t1 != null) {
            s = chainFind(t1, h & (t1.length - 1), h, f, fo, fl);
        }
        return s;
    }

    private int chainFind(final int[] t, final int b, final int h, final byte[] f, final int fo, final int fl) {
        for (int s = t[b] - 1; s >= 0; s = next[s] - 1) {
            if (hashes[s] == h) {
                final byte[] d = kv[s];
                final int dfl = Entry.getVarint(d, 0);
                final int o = Entry.varintSize(dfl);
                if (dfl == fl && Arrays.equals(d, o, o + fl, f, fo, fo + fl)) {
                    return s;
                }
            }
        }
        return -1;
    }

    // ---- writes --------------------------------------------------------------------------------

    /** Adds a field that is not in the table; returns its slot. */
    public int add(final byte[] f, final int fo, final int fl, final byte[] v, final int vo, final int vl) {
        if (rehashIdx < 0 && size >= t0.length) {
            startRehash(t0.length << 1);
        } else if (rehashIdx >= 0) {
            rehash(1);
        }
        final int s = takeSlot();
        final byte[] d = pack(f, fo, fl, v, vo, vl);
        kv[s] = d;
        dataBytes += heapBytes(d);
        final int h = hash32(f, fo, fl);
        hashes[s] = h;
        final int[] t = t1 != null ? t1 : t0;
        final int b = h & (t.length - 1);
        next[s] = t[b];
        t[b] = s + 1;
        size++;
        return s;
    }

    /** Replaces the slot's value, keeping its field and TTL. */
    public void setValue(final int slot, final byte[] v, final int vo, final int vl) {
        final byte[] d = kv[slot];
        final int vOff = valueOffset(slot);
        if (d.length - vOff == vl) {
            System.arraycopy(v, vo, d, vOff, vl);
            return;
        }
        final byte[] n = new byte[vOff + vl];
        System.arraycopy(d, 0, n, 0, vOff);
        System.arraycopy(v, vo, n, vOff, vl);
        dataBytes += heapBytes(n) - heapBytes(d);
        kv[slot] = n;
    }

    /** Removes the field if present; returns whether it was. */
    public boolean remove(final byte[] f, final int fo, final int fl) {
        final int s = find(f, fo, fl);
        if (s < 0) {
            return false;
        }
        removeSlot(s);
        return true;
    }

    /** Removes the field in a live slot. Slot numbers may change afterwards (compaction). */
    public void removeSlot(final int s) {
        unlink(s);
        if (ttls != null) {
            ttls.clear(s);
        }
        dataBytes -= heapBytes(kv[s]);
        kv[s] = null;
        next[s] = freeHead;
        freeHead = s + 1;
        size--;
        if (top > 64 && size < top >>> 2) {
            compact();
        } else if (rehashIdx < 0 && t0.length > MIN_BUCKETS && (long) size * 100 / t0.length < MIN_FILL_PERCENT) {
            startRehash(bucketsFor(size));
        }
    }

    private void unlink(final int s) {
        if (!relink(t0, hashes[s] & (t0.length - 1), s) && (t1 == null || !relink(t1, hashes[s] & (t1.length - 1), s))) {
            throw new IllegalStateException("slot " + s + " not in its bucket");
        }
    }

    private boolean relink(final int[] t, final int b, final int s) {
        int cur = t[b] - 1;
        if (cur == s) {
            t[b] = next[s];
            return true;
        }
        while (cur >= 0) {
            final int n = next[cur] - 1;
            if (n == s) {
                next[cur] = next[s];
                return true;
            }
            cur = n;
        }
        return false;
    }

    private int takeSlot() {
        if (freeHead != 0) {
            final int s = freeHead - 1;
            freeHead = next[s];
            return s;
        }
        if (top == kv.length) {
            grow(kv.length << 1);
        }
        return top++;
    }

    private void grow(final int slots) {
        kv = Arrays.copyOf(kv, slots);
        hashes = Arrays.copyOf(hashes, slots);
        next = Arrays.copyOf(next, slots);
        if (ttls != null) {
            ttls.capacity(slots);
        }
    }

    private static int bucketsFor(final int n) {
        int b = MIN_BUCKETS;
        while (b < n) {
            b <<= 1;
        }
        return b;
    }

    /**
     * Moves the live slots to the front (in slot order) and rebuilds the buckets at the size the
     * count needs. O(slots), paid once per three quarters of the slots freed.
     */
    private void compact() {
        final int slots = Math.max(MIN_SLOTS, Integer.highestOneBit(Math.max(1, size) - 1) << 2);
        final byte[][] nkv = new byte[slots][];
        final int[] nh = new int[slots];
        final int[] moved = ttls != null ? new int[top] : null;
        int j = 0;
        for (int i = 0; i < top; i++) {
            if (kv[i] != null) {
                nkv[j] = kv[i];
                nh[j] = hashes[i];
                if (moved != null) {
                    moved[i] = j;
                }
                j++;
            }
        }
        kv = nkv;
        hashes = nh;
        next = new int[slots];
        top = j;
        freeHead = 0;
        if (ttls != null) {
            ttls.remap(moved, slots);
        }
        t0 = new int[bucketsFor(size)];
        t1 = null;
        rehashIdx = -1;
        final int mask = t0.length - 1;
        for (int s = 0; s < top; s++) {
            final int b = hashes[s] & mask;
            next[s] = t0[b];
            t0[b] = s + 1;
        }
    }

    // ---- resizing ------------------------------------------------------------------------------

    private void startRehash(final int buckets) {
        t1 = new int[buckets];
        rehashIdx = 0;
    }

    public boolean isRehashing() {
        return rehashIdx >= 0;
    }

    public int buckets() {
        return t0.length + (t1 == null ? 0 : t1.length);
    }

    /** Moves up to {@code steps} non-empty buckets to the new array; true while more remains. */
    public boolean rehash(int steps) {
        if (rehashIdx < 0) {
            return false;
        }
        int emptyVisits = steps * 10;
        final int[] from = t0;
        final int[] to = t1;
        final int mask = to.length - 1;
        while (steps-- > 0 && rehashIdx < from.length) {
            while (rehashIdx < from.length && from[rehashIdx] == 0) {
                rehashIdx++;
                if (--emptyVisits == 0) {
                    return finishIfDone();
                }
            }
            if (rehashIdx == from.length) {
                break;
            }
            int s = from[rehashIdx] - 1;
            while (s >= 0) {
                final int n = next[s] - 1;
                final int b = hashes[s] & mask;
                next[s] = to[b];
                to[b] = s + 1;
                s = n;
            }
            from[rehashIdx++] = 0;
        }
        return finishIfDone();
    }

    private boolean finishIfDone() {
        if (rehashIdx >= t0.length) {
            t0 = t1;
            t1 = null;
            rehashIdx = -1;
            return false;
        }
        return true;
    }

    // ---- iteration -----------------------------------------------------------------------------

    /** The first live slot at or after {@code from}, or -1; {@code slot = nextSlot(slot + 1)} walks all. */
    public int nextSlot(int from) {
        while (from < top) {
            if (kv[from] != null) {
                return from;
            }
            from++;
        }
        return -1;
    }

    /** Receives slots during {@link #scan}. */
    @FunctionalInterface
    public interface SlotVisitor {
        void visit(int slot);
    }

    /**
     * One step of Redis's reverse-binary-cursor scan (dictScan): visits the fields of the
     * bucket(s) the cursor names and returns the next cursor, 0 at the end. The visitor must not
     * change the table.
     */
    public long scan(long v, final SlotVisitor fn) {
        if (size == 0) {
            return 0;
        }
        if (t1 == null) {
            final int m0 = t0.length - 1;
            visitChain(t0[(int) (v & m0)], fn);
            v |= ~(long) m0;
            return Long.reverse(Long.reverse(v) + 1);
        }
        int[] small = t0;
        int[] large = t1;
        if (small.length > large.length) {
            small = t1;
            large = t0;
        }
        final long m0 = small.length - 1;
        final long m1 = large.length - 1;
        visitChain(small[(int) (v & m0)], fn);
        do {
            visitChain(large[(int) (v & m1)], fn);
            v |= ~m1;
            v = Long.reverse(Long.reverse(v) + 1);
        } while ((v & (m0 ^ m1)) != 0);
        return v;
    }

    private void visitChain(final int head, final SlotVisitor fn) {
        for (int s = head - 1; s >= 0; s = next[s] - 1) {
            fn.visit(s);
        }
    }

    /** A uniformly chosen live slot of a non-empty table. */
    public int randomSlot(final SplittableRandom rnd) {
        // compaction keeps at least a quarter of the slots below top live: ~4 draws at worst
        while (true) {
            final int s = rnd.nextInt(top);
            if (kv[s] != null) {
                return s;
            }
        }
    }

    // ---- field TTLs ----------------------------------------------------------------------------

    /** The TTL side of the table, created on first use. */
    FieldTtls ttls() {
        if (ttls == null) {
            ttls = new FieldTtls(kv.length);
        }
        return ttls;
    }

    /** Fields that carry a TTL. */
    public int ttlCount() {
        return ttls == null ? 0 : ttls.count();
    }

    /** The slot's absolute expiry in ms, or 0 when it has none. */
    public long expireAt(final int slot) {
        return ttls == null ? 0 : ttls.at(slot);
    }

    /** Sets the slot's absolute expiry (ms, > 0). */
    public void expireAt(final int slot, final long atMillis) {
        ttls().set(slot, atMillis);
    }

    /** Removes the slot's TTL; returns whether it had one. */
    public boolean persist(final int slot) {
        return ttls != null && ttls.clear(slot);
    }

    /** The soonest field expiry, or {@link Long#MAX_VALUE} when no field has a TTL. */
    public long minExpireAt() {
        return ttls == null ? Long.MAX_VALUE : ttls.min();
    }

    /**
     * Deletes up to {@code max} fields whose expiry is at or before {@code nowMillis}, soonest
     * first; returns how many went.
     */
    public int expireDue(final long nowMillis, final int max) {
        int n = 0;
        while (n < max && ttls != null && ttls.count() > 0 && ttls.min() <= nowMillis) {
            removeSlot(ttls.minSlot());
            n++;
        }
        return n;
    }

    // ---- ValueObject ---------------------------------------------------------------------------

    @Override
    public HashTable copy() {
        final HashTable c = new HashTable(0);
        c.kv = new byte[kv.length][];
        for (int i = 0; i < top; i++) {
            if (kv[i] != null) {
                c.kv[i] = kv[i].clone();
            }
        }
        c.hashes = hashes.clone();
        c.next = next.clone();
        c.top = top;
        c.freeHead = freeHead;
        c.size = size;
        c.t0 = t0.clone();
        c.t1 = t1 == null ? null : t1.clone();
        c.rehashIdx = rehashIdx;
        c.dataBytes = dataBytes;
        c.ttls = ttls == null ? null : ttls.copy();
        c.listpackEx = listpackEx;
        return c;
    }

    @Override
    public long memoryBytes() {
        long n = FIXED_BYTES + dataBytes + 12L * kv.length + 4L * buckets();
        if (ttls != null) {
            n += ttls.memoryBytes();
        }
        return n;
    }
}
