package io.moon.storage;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One numbered database of one shard: its {@link Entry entries} on its own {@link Slabs}, the
 * {@link KeyTable} that finds them by key (chained buckets, incremental resizing, Redis's SCAN
 * cursor), and the index of entries that carry an expiry.
 *
 * <p><b>Expiry.</b> Entries with a TTL are also listed in a dense array; each such entry stores its
 * index there, so adding, removing and uniform sampling (the active expire cycle) are O(1).
 *
 * <p>Owned by its shard thread; not thread-safe.
 */
public final class Db {

    private final Keyspace keyspace;
    /** This database's number; SWAPDB exchanges the numbers with the contents (see Keyspace.swap). */
    private int index;
    private Slabs slabs = new Slabs();
    private final KeyTable table = new KeyTable(this);
    private long size;
    private ExpiresIndex expires = new ExpiresIndex();
    /** Values of full-encoded collections; entries hold their index. */
    private ObjectTable objects = new ObjectTable();
    /** Hashes with field TTLs, by soonest expiry, for the active expire cycle. */
    final FieldExpiry fieldExpiry = new FieldExpiry(this);
    /** Running estimate of the TTL of keys with an expiry, as Redis keeps for INFO keyspace. */
    long avgTtlMillis;
    /** Told before any change while a snapshot of this database is being written; null otherwise. */
    private WriteBarrier barrier;

    Db(final Keyspace keyspace, final int index) {
        this.keyspace = keyspace;
        this.index = index;
    }

    public int index() {
        return index;
    }

    void index(final int i) {
        index = i;
    }

    public long size() {
        return size;
    }

    public int expiresCount() {
        return expires.count();
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
        final WriteBarrier b = barrier;
        if (b != null) {
            b.beforeClear();
            barrier = null;
        }
        slabs = new Slabs();
        table.clear();
        size = 0;
        expires = new ExpiresIndex();
        avgTtlMillis = 0;
        objects = new ObjectTable();
        fieldExpiry.clear();
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
    int valuePos(final byte[] p, final int off) {
        final int klo = Entry.keyLenOffset(p, off);
        final int kl = Entry.getVarint(p, klo);
        return klo + Entry.varintSize(kl) + kl;
    }

    /** Bytes of the value's representation that starts at vp (after the key): its length prefix included. */
    private static int reprLength(final byte[] p, final int off, final int vp) {
        final int vl = valueLength(p, off, vp);
        return Entry.kind(p, off) == Entry.KIND_STR_BYTES ? Entry.varintSize(vl) + vl : vl;
    }

    /**
     * Start of the value: the bytes of a string, the 8 bytes of an int, the blob of a packed
     * collection.
     */
    public int valueOffset(final long addr) {
        final byte[] p = slabs.page(addr);
        final int vp = valuePos(p, (int) addr);
        if (Entry.kind(p, (int) addr) != Entry.KIND_STR_BYTES) {
            return vp;
        }
        return vp + Entry.varintSize(Entry.getVarint(p, vp));
    }

    /** Length of the value bytes (8 for an int-encoded string, the blob's size for a packed collection). */
    public int valueLength(final long addr) {
        final byte[] p = slabs.page(addr);
        final int off = (int) addr;
        return valueLength(p, off, valuePos(p, off));
    }

    private static int valueLength(final byte[] p, final int off, final int vp) {
        final int kind = Entry.kind(p, off);
        if (kind == Entry.KIND_STR_INT) {
            return 8;
        }
        if (Entry.isPackedKind(kind)) {
            return Entry.packedLength(p, vp, kind);
        }
        if (Entry.isObjectKind(kind)) {
            return 4;
        }
        return Entry.getVarint(p, vp);
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
        return vp + reprLength(p, off, vp) - off;
    }

    /** Bytes the entry costs: its slot plus its share of the bucket array, plus its object if any. */
    public long memoryUsage(final long addr) {
        final long own = slabs.slotSize(addr) + 8 + (hasExpire(addr) ? 8 : 0);
        return Entry.isObjectKind(kind(addr)) ? own + 4 + object(addr).memoryBytes() : own;
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
        return table.find(k, ko, kl, h);
    }

    /** Reads ahead the buckets and first entries of keys about to be looked up; see {@link KeyTable#warm}. */
    public long warm(final long[] hashes, final long[] heads, final int n) {
        return table.warm(hashes, heads, n);
    }

    /**
     * The live entry for the key, or 0. An expired entry is deleted on the way (lazy expiry) and
     * counted in expired_keys.
     */
    public long find(final byte[] k, final int ko, final int kl, final long h, final long nowMillis) {
        final long a = lookup(k, ko, kl, h);
        if (a != 0 && isExpired(a, nowMillis)) {
            if (!keyspace.keepsExpired(nowMillis)) {
                expireNow(a, h);
            }
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
        final Keyspace.KeyEvents events = keyspace.keyEvents;
        if (events != null) {
            events.expired(index, page(addr), keyOffset(addr), keyLength(addr));
        }
        unlinkAndFree(addr, h);
        keyspace.deletedDb = -1; // a key created after its expiry is new
        keyspace.stats.expiredKeys++;
    }

    // ---- insert / delete -----------------------------------------------------------------------

    /**
     * Inserts a new entry (the key must not exist) with room for {@code size} bytes, writes its
     * header and key, and returns its address; the caller writes the value.
     */
    long insert(final byte[] k, final int ko, final int kl, final long h, final int size, final int meta) {
        beforeWrite(h);
        table.beforeInsert(this.size);
        final long a = slabs.alloc(size);
        final byte[] p = slabs.page(a);
        final int off = (int) a;
        p[off + Entry.META] = (byte) meta;
        Entry.lru(p, off, keyspace.newStamp());
        int pos = off + Entry.HEADER + ((meta & Entry.HAS_EXPIRE) != 0 ? Entry.EXPIRE_BYTES : 0);
        pos = Entry.putVarint(p, pos, kl);
        System.arraycopy(k, ko, p, pos, kl);
        table.link(a, h);
        this.size++;
        final Keyspace.Creations watcher = keyspace.creations;
        if (watcher != null && Keyspace.awaitable(meta & Entry.KIND_MASK)) {
            watcher.created(index, k, ko, kl);
        }
        final Keyspace.KeyEvents events = keyspace.keyEvents;
        if (events != null && (keyspace.deletedDb != index || keyspace.deletedHash != h)) {
            events.created(index, k, ko, kl);
        }
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
        beforeWrite(h);
        keyspace.deletedDb = index;
        keyspace.deletedHash = h;
        final byte[] p = slabs.page(addr);
        if (Entry.hasExpire(p, (int) addr)) {
            removeFromExpires(addr);
        }
        if (Entry.isObjectKind(Entry.kind(p, (int) addr))) {
            final int i = Entry.getInt(p, valuePos(p, (int) addr));
            objectBytesSeen -= objects.get(i).memoryBytes();
            freeObject(addr, i, -1);
        }
        final long next = Entry.getLong(slabs.page(addr), (int) addr + Entry.NEXT);
        table.replace(addr, next, h);
        slabs.free(addr);
        size--;
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
        // Stay when it fits, unless a value shrank so much that most of a big slot would be idle;
        // a caller growing greedily (allocSize > newSize) keeps the room it asked for last time,
        // which size-class rounding may have made more than twice what it needs now.
        if (newSize <= slot && (slot <= 64 || newSize >= slot >>> 1 || allocSize > newSize)) {
            return addr;
        }
        final long n = slabs.alloc(Math.max(newSize, allocSize));
        System.arraycopy(slabs.page(addr), (int) addr, slabs.page(n), (int) n, keepBytes);
        table.replace(addr, n, h);
        final byte[] np = slabs.page(n);
        if (Entry.hasExpire(np, (int) n)) {
            expires.moved(np, n);
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
        beforeWrite(h);
        final byte[] p0 = slabs.page(addr);
        final int off0 = (int) addr;
        final int vp0 = valuePos(p0, off0);
        if (Entry.isObjectKind(Entry.kind(p0, off0))) {
            freeObject(addr, Entry.getInt(p0, vp0), kind);
        }
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
        beforeWrite(h);
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
        if (barrier != null) {
            barrier.beforeWrite(hashOf(addr));
        }
        final int len = entryLength(addr);
        removeFromExpires(addr);
        final int tail = off + Entry.HEADER;
        System.arraycopy(p, tail + Entry.EXPIRE_BYTES, p, tail, len - Entry.HEADER - Entry.EXPIRE_BYTES);
        p[off + Entry.META] &= ~Entry.HAS_EXPIRE;
        return true;
    }

    private void addToExpires(final long addr) {
        expires.add(slabs, addr);
    }

    private void removeFromExpires(final long addr) {
        expires.remove(slabs, addr);
        if (expires.count() == 0) {
            avgTtlMillis = 0;
        }
    }

    /** A uniformly chosen entry among those with an expiry, or 0 when none (volatile-* eviction). */
    public long randomExpiring(final SplittableRandom rnd) {
        return expires.count() == 0 ? 0 : expires.at(rnd.nextInt(expires.count()));
    }

    /** The i-th entry with an expiry (0 <= i < expiresCount), for sampling. */
    long expiresAt(final int i) {
        return expires.at(i);
    }

    // ---- table maintenance and iteration (see KeyTable) ----------------------------------------

    /** Buckets of the table (both arrays while a resize is under way, as snapshots number them). */
    public int buckets() {
        return table.buckets();
    }

    /** Sizes the table for about {@code keys} keys at once (loading a file that announces its size). */
    public void reserve(final long keys) {
        table.reserve(keys);
    }

    /** Shrinks the table when it is mostly empty; called from the shard's cron. */
    public void maybeShrink() {
        table.maybeShrink(size);
    }

    /** Moves up to {@code steps} buckets to the resized table; true while more remains. */
    public boolean rehash(final int steps) {
        return table.rehash(steps);
    }

    /** Receives entry addresses during scans. */
    @FunctionalInterface
    public interface Visitor {
        void visit(long addr);
    }

    /** One SCAN step from cursor v; see {@link KeyTable#scan}. */
    public long scan(final long v, final Visitor fn) {
        return size == 0 ? 0 : table.scan(v, fn);
    }

    /** Sets (or, with null, removes) the {@link WriteBarrier}; while one is set the table does not resize. */
    public void writeBarrier(final WriteBarrier b) {
        barrier = b;
    }

    public WriteBarrier writeBarrier() {
        return barrier;
    }

    boolean frozen() {
        return barrier != null;
    }

    /** Calls the write barrier, if any, for the key hashing to h, which is about to change. */
    public void beforeWrite(final long h) {
        if (barrier != null) {
            barrier.beforeWrite(h);
        }
    }

    /**
     * The snapshot-numbered bucket that holds (or would hold) the key hashing to h in the first
     * ({@code which} 0) or second (1) array, or -1 when there is no second array.
     */
    public int snapshotBucket(final long h, final int which) {
        return table.bucketIndex(h, which);
    }

    /** Visits the entries of a snapshot-numbered bucket; the visitor must not change the table. */
    public void visitSnapshotBucket(final int bucket, final Visitor fn) {
        table.visitBucket(bucket, fn);
    }

    /** Visits every entry; the visitor must not change the table. */
    public void forEach(final Visitor fn) {
        table.forEach(fn);
    }

    /** A uniformly chosen bucket's random entry, or 0 when empty (Redis's dictGetFairRandomKey). */
    public long randomEntry(final SplittableRandom rnd) {
        return size == 0 ? 0 : table.randomEntry(rnd);
    }

    // ---- moving values between keys (see DbDumps) -----------------------------------------------

    /** The entry's value with its expiry and stamp: the object itself when {@code moveObject}, else a deep copy. */
    public Dump dump(final long addr, final boolean moveObject) {
        return DbDumps.dump(this, addr, moveObject);
    }

    public Dump dump(final long addr) {
        return DbDumps.dump(this, addr, false);
    }

    /** Stores a dump under a key that must not exist here (a dump carrying an object: once). */
    public long restore(final byte[] k, final int ko, final int kl, final long h, final Dump d, final boolean keepStamp) {
        return DbDumps.restore(this, k, ko, kl, h, d, keepStamp);
    }

    // ---- collections: packed blobs inline, objects in a side table ------------------------------

    /**
     * Inserts a new entry (the key must not exist) holding a packed collection of the given kind:
     * a copy of the {@code len} bytes of the blob at {@code src[so]}. Returns its address; the blob
     * is at {@link #valueOffset}.
     */
    public long insertPacked(final byte[] k, final int ko, final int kl, final long h, final int kind,
                             final byte[] src, final int so, final int len) {
        final long a = insert(k, ko, kl, h, Entry.sizeFor(kl, kind, len, false), kind);
        final byte[] p = slabs.page(a);
        System.arraycopy(src, so, p, valuePos(p, (int) a), len);
        return a;
    }

    /**
     * Makes room for the packed value of the entry to become {@code newLen} bytes, keeping its
     * current bytes (up to {@code newLen}). Returns the (possibly new) address; the caller then
     * edits the blob in place at {@link #valueOffset} and must leave it {@code newLen} bytes long.
     * A blob that shrinks to under half its slot moves to a smaller one.
     */
    public long resizePacked(final long addr, final long h, final int newLen) {
        beforeWrite(h);
        final byte[] p = slabs.page(addr);
        final int off = (int) addr;
        final int vp = valuePos(p, off);
        final int head = vp - off;
        final int keep = head + Math.min(newLen, reprLength(p, off, vp));
        return ensureSlot(addr, h, head + newLen, keep);
    }

    /** Inserts a new entry (the key must not exist) whose value is the object {@code o} of kind {@code kind}. */
    public long insertObject(final byte[] k, final int ko, final int kl, final long h, final int kind,
                             final ValueObject o) {
        final long a = insert(k, ko, kl, h, Entry.sizeFor(kl, kind, 0, false), kind);
        final byte[] p = slabs.page(a);
        Entry.putInt(p, valuePos(p, (int) a), objects.add(o));
        adopt(a);
        return a;
    }

    /**
     * Changes an entry's representation to another kind in place of its current value: to a packed
     * blob (a copy of {@code len} bytes of {@code src}) or, when {@code o} is not null, to an
     * object. Keeps the key, expiry and access stamp. Returns the (possibly new) address.
     */
    public long convert(final long addr, final long h, final int kind, final ValueObject o,
                        final byte[] src, final int so, final int len) {
        beforeWrite(h);
        byte[] p = slabs.page(addr);
        int off = (int) addr;
        final int vp0 = valuePos(p, off);
        if (Entry.isObjectKind(Entry.kind(p, off))) {
            freeObject(addr, Entry.getInt(p, vp0), kind);
        }
        final int head = vp0 - off;
        final long a = ensureSlot(addr, h, head + (o != null ? 4 : len), head);
        p = slabs.page(a);
        off = (int) a;
        p[off + Entry.META] = (byte) ((p[off + Entry.META] & ~(Entry.KIND_MASK | Entry.RAW)) | kind);
        if (o != null) {
            Entry.putInt(p, off + head, objects.add(o));
            adopt(a);
        } else {
            System.arraycopy(src, so, p, off + head, len);
        }
        return a;
    }

    /** The object value of an entry of an object kind. */
    public ValueObject object(final long addr) {
        final byte[] p = slabs.page(addr);
        return objects.get(Entry.getInt(p, valuePos(p, (int) addr)));
    }

    /** Index in the object table of an object-kind entry's value. */
    int objectIndex(final long addr) {
        final byte[] p = slabs.page(addr);
        return Entry.getInt(p, valuePos(p, (int) addr));
    }

    /** The object at an object-table index. */
    ValueObject objectAt(final int i) {
        return objects.get(i);
    }

    /** Starts sweeping the new object of the entry at addr when it is a hash with field TTLs. */
    void adopt(final long addr) {
        if (object(addr) instanceof HashTable t && t.ttlCount() > 0) {
            fieldExpiry.track(objectIndex(addr), keyBytes(addr), t.minExpireAt());
        }
    }

    /**
     * Call after setting field TTLs on the hash at addr (a {@link HashTable} value): the active
     * expire cycle learns its new soonest expiry. Lowering is all it needs to hear about; a hash
     * whose TTLs went away is dropped when the cycle next looks at it.
     */
    public void fieldTtlChanged(final long addr) {
        final HashTable t = (HashTable) object(addr);
        if (t.ttlCount() > 0) {
            fieldExpiry.track(objectIndex(addr), fieldExpiry.tracked(objectIndex(addr)) ? null : keyBytes(addr),
                    t.minExpireAt());
        }
    }

    int addObject(final ValueObject o) {
        return objects.add(o);
    }

    private void freeObject(final long addr, final int i, final int newKind) {
        fieldExpiry.forget(i);
        keyspace.streamGone(this, addr, objects.remove(i), newKind); // XREADGROUP waiters hear it
    }

    // ---- memory --------------------------------------------------------------------------------

    /** Bytes this database holds: pages, bucket arrays and the expires index. */
    public long memoryBytes() {
        return slabs.pageBytes() + slabs.overheadBytes() + 8L * buckets() + expires.bytes() + objectBytes()
                + fieldExpiry.memoryBytes();
    }

    /** {@link #objectBytes()} as of the last {@link #refreshObjectBytes()}, less what was deleted since. */
    private long objectBytesSeen;

    /** Walks the objects again (the shard's cron does, so the eviction check stays O(1)). */
    public void refreshObjectBytes() {
        objectBytesSeen = objectBytes();
    }

    /**
     * Bytes the data holds, for maxmemory: live slots (not the free room on their pages), bucket
     * arrays, the expires index, and objects as of the last refresh. O(1): it runs before commands
     * while a memory limit is set.
     */
    public long usedBytes() {
        return slabs.slotBytes() + 8L * buckets() + expires.bytes() + Math.max(0, objectBytesSeen)
                + fieldExpiry.memoryBytes();
    }

    /** Bytes held by object values and their table (walks the objects). */
    public long objectBytes() {
        return objects.bytes();
    }

    Slabs slabs() {
        return slabs;
    }
}
