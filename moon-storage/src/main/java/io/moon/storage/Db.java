package io.moon.storage;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One numbered database of one shard: a chained hash table of {@link Entry entries} on its own
 * {@link Slabs}, plus the index of entries that carry an expiry.
 *
 * <p><b>Table.</b> Buckets are a {@code long[]} of entry addresses; each entry links to the next
 * in its bucket through its own {@code next} field, so a key costs one bucket slot (at most 16
 * bytes at the lowest fill) on top of its entry. The table doubles when it holds as many keys as
 * buckets and halves below 10% fill; like Redis, it moves to the new size incrementally (one
 * bucket per operation plus time-boxed steps from the shard's cron), so no command pays for a
 * whole resize. SCAN uses Redis's reverse-binary cursor, which returns every key present for the
 * whole scan at least once across resizes and rehashing.
 *
 * <p><b>Expiry.</b> Entries with a TTL are also listed in a dense array; each such entry stores its
 * index there, so adding, removing and uniform sampling (the active expire cycle) are O(1).
 *
 * <p>Owned by its shard thread; not thread-safe.
 */
public final class Db {
    private static final int INITIAL_BUCKETS = 4;
    /** Shrink when fewer than one key per 10 buckets (Redis's HT_MIN_FILL). */
    private static final int MIN_FILL_PERCENT = 10;

    private final Keyspace keyspace;
    private final int index;
    private Slabs slabs = new Slabs();
    private long[] t0 = new long[INITIAL_BUCKETS];
    private long[] t1;
    private int rehashIdx = -1;
    private long size;
    private long[] expAddr = new long[16];
    private int expCount;
    /** Running estimate of the TTL of keys with an expiry, as Redis keeps for INFO keyspace. */
    long avgTtlMillis;

    Db(final Keyspace keyspace, final int index) {
        this.keyspace = keyspace;
        this.index = index;
    }

    public int index() {
        return index;
    }

    public long size() {
        return size;
    }

    public int expiresCount() {
        return expCount;
    }

    public long avgTtlMillis() {
        return avgTtlMillis;
    }

    Keyspace keyspace() {
        return keyspace;
    }

    public static long hash(final byte[] k, final int off, final int len) {
        return Hashing.hash(k, off, len);
    }

    /** Drops every key; the pages go to the collector in one piece. */
    public void clear() {
        slabs = new Slabs();
        t0 = new long[INITIAL_BUCKETS];
        t1 = null;
        rehashIdx = -1;
        size = 0;
        expAddr = new long[16];
        expCount = 0;
        avgTtlMillis = 0;
    }

    // ---- entry access --------------------------------------------------------------------------

    public byte[] page(final long addr) {
        return slabs.page(addr);
    }

    public int kind(final long addr) {
        return Entry.kind(slabs.page(addr), (int) addr);
    }

    public int meta(final long addr) {
        return Entry.meta(slabs.page(addr), (int) addr);
    }

    public boolean hasExpire(final long addr) {
        return Entry.hasExpire(slabs.page(addr), (int) addr);
    }

    /** Absolute expiry in ms, or -1 when the key has none. */
    public long expireAt(final long addr) {
        final byte[] p = slabs.page(addr);
        final int off = (int) addr;
        return Entry.hasExpire(p, off) ? Entry.getLong(p, off + Entry.HEADER) : -1;
    }

    public int keyOffset(final long addr) {
        final byte[] p = slabs.page(addr);
        final int klo = Entry.keyLenOffset(p, (int) addr);
        return klo + Entry.varintSize(Entry.getVarint(p, klo));
    }

    public int keyLength(final long addr) {
        final byte[] p = slabs.page(addr);
        return Entry.getVarint(p, Entry.keyLenOffset(p, (int) addr));
    }

    /** Offset of the value's representation (after the key). */
    private int valuePos(final byte[] p, final int off) {
        final int klo = Entry.keyLenOffset(p, off);
        final int kl = Entry.getVarint(p, klo);
        return klo + Entry.varintSize(kl) + kl;
    }

    /** Start of the value bytes (for byte-valued kinds). */
    public int valueOffset(final long addr) {
        final byte[] p = slabs.page(addr);
        final int vp = valuePos(p, (int) addr);
        if (Entry.kind(p, (int) addr) == Entry.KIND_STR_INT) {
            return vp;
        }
        return vp + Entry.varintSize(Entry.getVarint(p, vp));
    }

    /** Length of the value bytes (8 for an int-encoded string). */
    public int valueLength(final long addr) {
        final byte[] p = slabs.page(addr);
        if (Entry.kind(p, (int) addr) == Entry.KIND_STR_INT) {
            return 8;
        }
        return Entry.getVarint(p, valuePos(p, (int) addr));
    }

    /** The long held by an int-encoded string. */
    public long intValue(final long addr) {
        final byte[] p = slabs.page(addr);
        return Entry.getLong(p, valuePos(p, (int) addr));
    }

    void intValue(final long addr, final long v) {
        final byte[] p = slabs.page(addr);
        Entry.putLong(p, valuePos(p, (int) addr), v);
    }

    /** Bytes the entry occupies (not its slot). */
    public int entryLength(final long addr) {
        final byte[] p = slabs.page(addr);
        final int off = (int) addr;
        final int vp = valuePos(p, off);
        if (Entry.kind(p, off) == Entry.KIND_STR_INT) {
            return vp + 8 - off;
        }
        final int vl = Entry.getVarint(p, vp);
        return vp + Entry.varintSize(vl) + vl - off;
    }

    /** Bytes the entry costs: its slot plus its share of the bucket array. */
    public int memoryUsage(final long addr) {
        return slabs.slotSize(addr) + 8 + (hasExpire(addr) ? 8 : 0);
    }

    public boolean keyEquals(final long addr, final byte[] k, final int ko, final int kl) {
        final byte[] p = slabs.page(addr);
        final int klo = Entry.keyLenOffset(p, (int) addr);
        if (Entry.getVarint(p, klo) != kl) {
            return false;
        }
        final int ks = klo + Entry.varintSize(kl);
        return Arrays.equals(p, ks, ks + kl, k, ko, ko + kl);
    }

    /** Copy of the key; allocates, for cold paths (KEYS, SCAN, RANDOMKEY replies use the page). */
    public byte[] keyBytes(final long addr) {
        final int ko = keyOffset(addr);
        return Arrays.copyOfRange(page(addr), ko, ko + keyLength(addr));
    }

    long hashOf(final long addr) {
        return Hashing.hash(page(addr), keyOffset(addr), keyLength(addr));
    }

    // ---- LRU / LFU -----------------------------------------------------------------------------

    public int lru(final long addr) {
        return Entry.lru(slabs.page(addr), (int) addr);
    }

    /** Records an access (LRU clock or LFU counter, per the keyspace's policy). */
    public void touch(final long addr) {
        final byte[] p = slabs.page(addr);
        final int off = (int) addr;
        Entry.lru(p, off, keyspace.accessStamp(Entry.lru(p, off)));
    }

    // ---- lookup --------------------------------------------------------------------------------

    /** The entry for the key, expired or not, or 0. */
    public long lookup(final byte[] k, final int ko, final int kl, final long h) {
        if (rehashIdx >= 0) {
            rehash(1);
        }
        long a = chainFind(t0, (int) h & (t0.length - 1), k, ko, kl);
        if (a == 0 && t1 != null) {
            a = chainFind(t1, (int) h & (t1.length - 1), k, ko, kl);
        }
        return a;
    }

    private long chainFind(final long[] t, final int b, final byte[] k, final int ko, final int kl) {
        long a = t[b];
        while (a != 0) {
            if (keyEquals(a, k, ko, kl)) {
                return a;
            }
            a = Entry.getLong(slabs.page(a), (int) a + Entry.NEXT);
        }
        return 0;
    }

    /**
     * The live entry for the key, or 0. An expired entry is deleted on the way (lazy expiry) and
     * counted in expired_keys.
     */
    public long find(final byte[] k, final int ko, final int kl, final long h, final long nowMillis) {
        final long a = lookup(k, ko, kl, h);
        if (a != 0 && isExpired(a, nowMillis)) {
            expireNow(a, h);
            return 0;
        }
        return a;
    }

    public boolean isExpired(final long addr, final long nowMillis) {
        final byte[] p = slabs.page(addr);
        final int off = (int) addr;
        return Entry.hasExpire(p, off) && Entry.getLong(p, off + Entry.HEADER) <= nowMillis;
    }

    /** Deletes an entry that has expired and counts it. */
    void expireNow(final long addr, final long h) {
        unlinkAndFree(addr, h);
        keyspace.stats.expiredKeys++;
    }

    // ---- insert / delete -----------------------------------------------------------------------

    /**
     * Inserts a new entry (the key must not exist) with room for {@code size} bytes, writes its
     * header and key, and returns its address; the caller writes the value.
     */
    long insert(final byte[] k, final int ko, final int kl, final long h, final int size, final int meta) {
        if (rehashIdx < 0 && this.size >= t0.length) {
            startRehash(t0.length << 1);
        } else if (rehashIdx >= 0) {
            rehash(1);
        }
        final long a = slabs.alloc(size);
        final byte[] p = slabs.page(a);
        final int off = (int) a;
        p[off + Entry.META] = (byte) meta;
        Entry.lru(p, off, keyspace.newStamp());
        int pos = off + Entry.HEADER + ((meta & Entry.HAS_EXPIRE) != 0 ? Entry.EXPIRE_BYTES : 0);
        pos = Entry.putVarint(p, pos, kl);
        System.arraycopy(k, ko, p, pos, kl);
        final long[] t = t1 != null ? t1 : t0;
        final int b = (int) h & (t.length - 1);
        Entry.putLong(p, off + Entry.NEXT, t[b]);
        t[b] = a;
        this.size++;
        return a;
    }

    /** Deletes the key if present (expired or not); returns whether a live key was removed. */
    public boolean delete(final byte[] k, final int ko, final int kl, final long h, final long nowMillis) {
        final long a = lookup(k, ko, kl, h);
        if (a == 0) {
            return false;
        }
        if (isExpired(a, nowMillis)) {
            expireNow(a, h);
            return false;
        }
        unlinkAndFree(a, h);
        return true;
    }

    /** Removes the entry at addr (whose key hashes to h) from the table and frees its slot. */
    public void unlinkAndFree(final long addr, final long h) {
        if (Entry.hasExpire(slabs.page(addr), (int) addr)) {
            removeFromExpires(addr);
        }
        final long next = Entry.getLong(slabs.page(addr), (int) addr + Entry.NEXT);
        replaceLink(addr, next, h);
        slabs.free(addr);
        size--;
    }

    /** Makes whatever linked to {@code from} (bucket head or predecessor) link to {@code to}. */
    private void replaceLink(final long from, final long to, final long h) {
        if (relink(t0, (int) h & (t0.length - 1), from, to)) {
            return;
        }
        if (t1 != null && relink(t1, (int) h & (t1.length - 1), from, to)) {
            return;
        }
        throw new IllegalStateException("entry not in its bucket");
    }

    private boolean relink(final long[] t, final int b, final long from, final long to) {
        long a = t[b];
        if (a == from) {
            t[b] = to;
            return true;
        }
        while (a != 0) {
            final byte[] p = slabs.page(a);
            final long next = Entry.getLong(p, (int) a + Entry.NEXT);
            if (next == from) {
                Entry.putLong(p, (int) a + Entry.NEXT, to);
                return true;
            }
            a = next;
        }
        return false;
    }

    /**
     * Moves the entry to a slot of at least {@code newSize} bytes, copying its first
     * {@code keepBytes}; returns the new address (the same one when the slot is big enough).
     */
    long ensureSlot(final long addr, final long h, final int newSize, final int keepBytes) {
        return ensureSlot(addr, h, newSize, keepBytes, newSize);
    }

    /**
     * As above; when the entry must move, its new slot has room for {@code allocSize} bytes (at
     * least {@code newSize}), so a value that keeps growing (APPEND) is not copied every time.
     */
    long ensureSlot(final long addr, final long h, final int newSize, final int keepBytes, final int allocSize) {
        final int slot = slabs.slotSize(addr);
        // Stay when it fits, unless a value shrank so much that most of a big slot would be idle.
        if (newSize <= slot && (slot <= 64 || newSize >= slot >>> 1)) {
            return addr;
        }
        final long n = slabs.alloc(Math.max(newSize, allocSize));
        System.arraycopy(slabs.page(addr), (int) addr, slabs.page(n), (int) n, keepBytes);
        replaceLink(addr, n, h);
        final byte[] np = slabs.page(n);
        if (Entry.hasExpire(np, (int) n)) {
            expAddr[Entry.getInt(np, (int) n + Entry.HEADER + 8)] = n;
        }
        slabs.free(addr);
        return n;
    }

    /**
     * Rewrites the value representation of an existing entry: sets its kind, makes room for
     * {@code valueLen} bytes (8 for ints) and writes the length header. Returns the entry's
     * (possibly new) address; the caller writes the value at {@link #valueOffset}.
     */
    long prepareValue(final long addr, final long h, final int kind, final int valueLen, final boolean raw) {
        final byte[] p0 = slabs.page(addr);
        final int off0 = (int) addr;
        final int vp0 = valuePos(p0, off0);
        final int headBytes = vp0 - off0;
        final int need = headBytes + (kind == Entry.KIND_STR_INT ? 8 : Entry.varintSize(valueLen) + valueLen);
        final long a = ensureSlot(addr, h, need, headBytes);
        final byte[] p = slabs.page(a);
        final int off = (int) a;
        int meta = (p[off + Entry.META] & ~(Entry.KIND_MASK | Entry.RAW)) | kind;
        if (raw) {
            meta |= Entry.RAW;
        }
        p[off + Entry.META] = (byte) meta;
        if (kind != Entry.KIND_STR_INT) {
            Entry.putVarint(p, off + headBytes, valueLen);
        }
        return a;
    }

    // ---- expiry --------------------------------------------------------------------------------

    /** Sets the absolute expiry; returns the entry's (possibly new) address. */
    public long setExpire(final long addr, final long h, final long atMillis) {
        byte[] p = slabs.page(addr);
        int off = (int) addr;
        if (Entry.hasExpire(p, off)) {
            Entry.putLong(p, off + Entry.HEADER, atMillis);
            return addr;
        }
        final int len = entryLength(addr);
        final long a = ensureSlot(addr, h, len + Entry.EXPIRE_BYTES, len);
        p = slabs.page(a);
        off = (int) a;
        final int tail = off + Entry.HEADER;
        System.arraycopy(p, tail, p, tail + Entry.EXPIRE_BYTES, len - Entry.HEADER);
        p[off + Entry.META] |= Entry.HAS_EXPIRE;
        Entry.putLong(p, tail, atMillis);
        addToExpires(a);
        return a;
    }

    /** Removes the expiry; returns whether there was one. The entry stays in its slot. */
    public boolean persist(final long addr) {
        final byte[] p = slabs.page(addr);
        final int off = (int) addr;
        if (!Entry.hasExpire(p, off)) {
            return false;
        }
        final int len = entryLength(addr);
        removeFromExpires(addr);
        final int tail = off + Entry.HEADER;
        System.arraycopy(p, tail + Entry.EXPIRE_BYTES, p, tail, len - Entry.HEADER - Entry.EXPIRE_BYTES);
        p[off + Entry.META] &= ~Entry.HAS_EXPIRE;
        return true;
    }

    private void addToExpires(final long addr) {
        if (expCount == expAddr.length) {
            expAddr = Arrays.copyOf(expAddr, expAddr.length << 1);
        }
        expAddr[expCount] = addr;
        Entry.putInt(slabs.page(addr), (int) addr + Entry.HEADER + 8, expCount);
        expCount++;
    }

    private void removeFromExpires(final long addr) {
        final int i = Entry.getInt(slabs.page(addr), (int) addr + Entry.HEADER + 8);
        final long last = expAddr[--expCount];
        expAddr[i] = last;
        expAddr[expCount] = 0;
        if (last != addr) {
            Entry.putInt(slabs.page(last), (int) last + Entry.HEADER + 8, i);
        }
        if (expCount == 0) {
            avgTtlMillis = 0;
        }
    }

    /** The i-th entry with an expiry (0 <= i < expiresCount), for sampling. */
    long expiresAt(final int i) {
        return expAddr[i];
    }

    // ---- rehashing -----------------------------------------------------------------------------

    public boolean isRehashing() {
        return rehashIdx >= 0;
    }

    public int buckets() {
        return t0.length + (t1 == null ? 0 : t1.length);
    }

    private void startRehash(final int buckets) {
        t1 = new long[buckets];
        rehashIdx = 0;
    }

    /** Shrinks the table when it is mostly empty; called from the shard's cron. */
    public void maybeShrink() {
        if (rehashIdx >= 0 || t0.length <= INITIAL_BUCKETS) {
            return;
        }
        if (size * 100 / t0.length < MIN_FILL_PERCENT) {
            int n = INITIAL_BUCKETS;
            while (n < size) {
                n <<= 1;
            }
            if (n < t0.length) {
                startRehash(n);
            }
        }
    }

    /**
     * Moves up to {@code steps} non-empty buckets (visiting at most 10 empty ones per step) from
     * the old table to the new. Returns true while more remains.
     */
    public boolean rehash(int steps) {
        if (rehashIdx < 0) {
            return false;
        }
        int emptyVisits = steps * 10;
        final long[] from = t0;
        final long[] to = t1;
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
            long a = from[rehashIdx];
            while (a != 0) {
                final byte[] p = slabs.page(a);
                final long next = Entry.getLong(p, (int) a + Entry.NEXT);
                final int b = (int) hashOf(a) & mask;
                Entry.putLong(p, (int) a + Entry.NEXT, to[b]);
                to[b] = a;
                a = next;
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

    /** Receives entry addresses during scans. */
    @FunctionalInterface
    public interface Visitor {
        void visit(long addr);
    }

    /**
     * One step of Redis's reverse-binary-cursor scan: visits the entries of the bucket(s) the
     * cursor names and returns the next cursor (0 when the scan is complete). The visitor must not
     * change the table; collect addresses and act after.
     */
    public long scan(long v, final Visitor fn) {
        if (size == 0) {
            return 0;
        }
        if (t1 == null) {
            final int m0 = t0.length - 1;
            visitChain(t0[(int) (v & m0)], fn);
            v |= ~(long) m0;
            v = Long.reverse(Long.reverse(v) + 1);
            return v;
        }
        long[] small = t0;
        long[] large = t1;
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

    private void visitChain(long a, final Visitor fn) {
        while (a != 0) {
            final long next = Entry.getLong(slabs.page(a), (int) a + Entry.NEXT);
            fn.visit(a);
            a = next;
        }
    }

    /** Visits every entry; the visitor must not change the table. */
    public void forEach(final Visitor fn) {
        for (final long a : t0) {
            visitChain(a, fn);
        }
        if (t1 != null) {
            for (final long a : t1) {
                visitChain(a, fn);
            }
        }
    }

    /** A uniformly chosen bucket's random entry, or 0 when empty (Redis's dictGetFairRandomKey). */
    public long randomEntry(final SplittableRandom rnd) {
        if (size == 0) {
            return 0;
        }
        long head = 0;
        for (int tries = 0; head == 0 && tries < 10_000; tries++) {
            head = randomBucket(rnd);
        }
        if (head == 0) {
            // a very sparse table between shrinks: fall back to a walk from a random point
            final int start = rnd.nextInt(t0.length);
            for (int i = 0; i < t0.length && head == 0; i++) {
                head = t0[(start + i) & (t0.length - 1)];
            }
            if (head == 0 && t1 != null) {
                for (int i = 0; i < t1.length && head == 0; i++) {
                    head = t1[i];
                }
            }
        }
        int n = 0;
        for (long a = head; a != 0; a = Entry.getLong(slabs.page(a), (int) a + Entry.NEXT)) {
            n++;
        }
        int pick = rnd.nextInt(n);
        long a = head;
        while (pick-- > 0) {
            a = Entry.getLong(slabs.page(a), (int) a + Entry.NEXT);
        }
        return a;
    }

    private long randomBucket(final SplittableRandom rnd) {
        if (t1 == null) {
            return t0[rnd.nextInt(t0.length)];
        }
        final int span = t0.length - rehashIdx + t1.length;
        final int i = rnd.nextInt(span);
        return i < t1.length ? t1[i] : t0[rehashIdx + i - t1.length];
    }

    // ---- moving values between keys ------------------------------------------------------------

    /** Copies the entry's value (with its expiry and access stamp) out of the table. */
    public Dump dump(final long addr) {
        final byte[] p = slabs.page(addr);
        final int off = (int) addr;
        final int vp = valuePos(p, off);
        final int end = off + entryLength(addr);
        return new Dump(Entry.meta(p, off) & ~Entry.HAS_EXPIRE, Arrays.copyOfRange(p, vp, end), expireAt(addr),
                Entry.lru(p, off));
    }

    /**
     * Stores a dumped value under a key that must not exist here; keeps the dump's expiry, and its
     * access stamp when {@code keepStamp} (RENAME and MOVE keep the object, COPY makes a new one).
     */
    public long restore(final byte[] k, final int ko, final int kl, final long h, final Dump d, final boolean keepStamp) {
        final boolean expire = d.expireAtMillis() >= 0;
        final int size = Entry.HEADER + (expire ? Entry.EXPIRE_BYTES : 0) + Entry.varintSize(kl) + kl + d.repr().length;
        final long a = insert(k, ko, kl, h, size, d.meta());
        final byte[] p = slabs.page(a);
        System.arraycopy(d.repr(), 0, p, valuePos(p, (int) a), d.repr().length);
        if (keepStamp) {
            Entry.lru(p, (int) a, d.stamp());
        }
        return expire ? setExpire(a, h, d.expireAtMillis()) : a;
    }

    // ---- memory --------------------------------------------------------------------------------

    /** Bytes this database holds: pages, bucket arrays and the expires index. */
    public long memoryBytes() {
        return slabs.pageBytes() + slabs.overheadBytes() + 8L * buckets() + 8L * expAddr.length;
    }

    Slabs slabs() {
        return slabs;
    }
}
