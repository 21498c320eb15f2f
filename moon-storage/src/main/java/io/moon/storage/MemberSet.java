package io.moon.storage;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A set of byte strings: the full ("hashtable") encoding of a Redis set, for sets past the intset
 * and listpack thresholds.
 *
 * <p><b>Layout.</b> Members sit in a dense array, {@code [0, size)}, each with its cached 32-bit
 * hash and a link to the next member of its bucket; buckets hold the index (plus one) of their
 * first member. Removing a member moves the last one into its place, so the array never has
 * holes. That buys what a set needs beyond lookups: a uniformly random member in O(1) (SPOP,
 * SRANDMEMBER), where Redis samples buckets, and iteration without walking empty buckets.
 *
 * <p><b>Buckets are Redis's.</b> A member's bucket is its hash masked by the bucket count, a
 * power of two, and the table doubles when it holds as many members as buckets and halves below
 * one member per ten buckets, as Redis's dict does. So SSCAN can use Redis's reverse-binary
 * cursor over the buckets and keeps its guarantee (every member present for the whole scan is
 * returned at least once) across resizes. Unlike Redis, resizing is done at once, not
 * incrementally: it touches only int arrays (the hashes are cached), about 5 ns per member.
 *
 * <p><b>Memory.</b> A member costs its byte[] (16-byte header, length rounded up to 8) plus three
 * array slots (reference, hash, link) and its share of the buckets, about 24 bytes at the average
 * fill; {@link #memoryBytes} is a running count, O(1).
 *
 * <p>Owned by its shard thread like the entry that names it; not thread-safe.
 */
public final class MemberSet implements ValueObject {
    private static final int MIN_BUCKETS = 4;
    /** Shrink when fewer than one member per this many buckets (Redis's HT_MIN_FILL, 10%). */
    private static final int MIN_FILL_RATIO = 10;
    private static final long SHALLOW_BYTES = 64;

    private byte[][] members;
    private int[] hashes;
    /** Next member (index + 1) in the same bucket, 0 at the end. */
    private int[] next;
    /** First member (index + 1) of each bucket, 0 when empty. */
    private int[] buckets;
    private int size;
    /** Bytes of the member arrays themselves, kept as members come and go. */
    private long memberBytes;

    public MemberSet() {
        this(MIN_BUCKETS);
    }

    /** An empty set sized for about {@code expected} members. */
    public MemberSet(final int expected) {
        final int n = bucketsFor(expected);
        buckets = new int[n];
        members = new byte[n][];
        hashes = new int[n];
        next = new int[n];
    }

    private static int bucketsFor(final long count) {
        int n = MIN_BUCKETS;
        while (n < count && n < (1 << 30)) {
            n <<= 1;
        }
        return n;
    }

    /** Heap bytes of a byte[] of the given length (header plus data rounded up to 8). */
    static long arrayBytes(final int len) {
        return 16 + ((len + 7L) & ~7L);
    }

    private static int hash(final byte[] b, final int off, final int len) {
        return (int) Hashing.hash(b, off, len);
    }

    public int size() {
        return size;
    }

    /** The member at dense index i (0 <= i < size); the caller must not change it. */
    public byte[] member(final int i) {
        return members[i];
    }

    /** Number of buckets: the SSCAN cursor space. */
    public int bucketCount() {
        return buckets.length;
    }

    // ---- lookup --------------------------------------------------------------------------------

    /** Dense index of the member equal to b[off, off+len), or -1. */
    public int indexOf(final byte[] b, final int off, final int len) {
        return indexOf(b, off, len, hash(b, off, len));
    }

    private int indexOf(final byte[] b, final int off, final int len, final int h) {
        for (int e = buckets[h & (buckets.length - 1)]; e != 0; e = next[e - 1]) {
            final int i = e - 1;
            if (hashes[i] == h) {
                final byte[] m = members[i];
                if (m.length == len && Arrays.equals(m, 0, len, b, off, off + len)) {
                    return i;
                }
            }
        }
        return -1;
    }

    public boolean contains(final byte[] b, final int off, final int len) {
        return indexOf(b, off, len) >= 0;
    }

    public boolean contains(final byte[] m) {
        return indexOf(m, 0, m.length) >= 0;
    }

    // ---- changes -------------------------------------------------------------------------------

    /** Adds a copy of b[off, off+len); false when it is a member already. */
    public boolean add(final byte[] b, final int off, final int len) {
        final int h = hash(b, off, len);
        if (indexOf(b, off, len, h) >= 0) {
            return false;
        }
        append(Arrays.copyOfRange(b, off, off + len), h);
        return true;
    }

    /** Adds {@code m} itself (the set keeps it: the caller must not change it); false when present. */
    public boolean addOwned(final byte[] m) {
        final int h = hash(m, 0, m.length);
        if (indexOf(m, 0, m.length, h) >= 0) {
            return false;
        }
        append(m, h);
        return true;
    }

    private void append(final byte[] m, final int h) {
        if (size >= buckets.length) {
            rehash(buckets.length << 1);
        }
        if (size == members.length) {
            final int cap = members.length << 1;
            members = Arrays.copyOf(members, cap);
            hashes = Arrays.copyOf(hashes, cap);
            next = Arrays.copyOf(next, cap);
        }
        final int i = size++;
        members[i] = m;
        hashes[i] = h;
        final int b = h & (buckets.length - 1);
        next[i] = buckets[b];
        buckets[b] = i + 1;
        memberBytes += arrayBytes(m.length);
    }

    /** Removes the member equal to b[off, off+len); false when it was not one. */
    public boolean remove(final byte[] b, final int off, final int len) {
        final int i = indexOf(b, off, len);
        if (i < 0) {
            return false;
        }
        removeAt(i);
        return true;
    }

    /**
     * Removes the member at dense index i and returns it. The last member moves to index i, so a
     * caller walking the array while removing must look at i again.
     */
    public byte[] removeAt(final int i) {
        final byte[] m = members[i];
        unlink(i);
        final int last = size - 1;
        if (i != last) {
            unlink(last);
            members[i] = members[last];
            hashes[i] = hashes[last];
            final int b = hashes[i] & (buckets.length - 1);
            next[i] = buckets[b];
            buckets[b] = i + 1;
        }
        members[last] = null;
        size = last;
        memberBytes -= arrayBytes(m.length);
        if (buckets.length > MIN_BUCKETS && (long) size * MIN_FILL_RATIO < buckets.length) {
            rehash(bucketsFor(size));
        }
        return m;
    }

    /** Takes index i out of its bucket's chain. */
    private void unlink(final int i) {
        final int b = hashes[i] & (buckets.length - 1);
        int e = buckets[b];
        if (e == i + 1) {
            buckets[b] = next[i];
            return;
        }
        while (next[e - 1] != i + 1) {
            e = next[e - 1];
        }
        next[e - 1] = next[i];
    }

    /** Rebuilds the chains over {@code n} buckets; the dense arrays shrink with them. */
    private void rehash(final int n) {
        buckets = new int[n];
        if (members.length > n && size <= n) {
            members = Arrays.copyOf(members, n);
            hashes = Arrays.copyOf(hashes, n);
            next = Arrays.copyOf(next, n);
        }
        final int mask = n - 1;
        for (int i = 0; i < size; i++) {
            final int b = hashes[i] & mask;
            next[i] = buckets[b];
            buckets[b] = i + 1;
        }
    }

    // ---- random members, iteration -------------------------------------------------------------

    /** A uniformly random dense index of a non-empty set. */
    public int randomIndex(final SplittableRandom rnd) {
        return rnd.nextInt(size);
    }

    /** Receives the dense indexes of members during a scan. */
    @FunctionalInterface
    public interface IndexVisitor {
        void visit(int index);
    }

    /**
     * One SSCAN step from cursor v: visits the members of the bucket the cursor names and returns
     * the next cursor, 0 when the scan is complete (Redis's reverse-binary cursor, so a scan
     * survives resizes between calls). The visitor must not change the set.
     */
    public long scan(long v, final IndexVisitor fn) {
        final int mask = buckets.length - 1;
        for (int e = buckets[(int) (v & mask)]; e != 0; e = next[e - 1]) {
            fn.visit(e - 1);
        }
        v |= ~(long) mask;
        return Long.reverse(Long.reverse(v) + 1);
    }

    // ---- ValueObject ---------------------------------------------------------------------------

    @Override
    public MemberSet copy() {
        final MemberSet c = new MemberSet(size);
        for (int i = 0; i < size; i++) {
            c.append(members[i].clone(), hashes[i]);
        }
        return c;
    }

    @Override
    public long memoryBytes() {
        return SHALLOW_BYTES + 4L * buckets.length + 12L * members.length + memberBytes;
    }
}
