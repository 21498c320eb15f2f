package io.moon.storage;

import java.util.SplittableRandom;

/**
 * The bucket arrays of one {@link Db}: heads of chains of entries linked through the entries' own
 * {@code next} fields, resized incrementally, scanned with Redis's reverse-binary cursor.
 *
 * <p>Buckets are a {@code long[]} of entry addresses, so a key costs one bucket slot (8 to 16
 * bytes at the table's fill) on top of its entry. The table doubles when it holds as many keys as
 * buckets and halves below 10% fill (Redis's HT_MIN_FILL). Like Redis, it moves to the new size
 * incrementally: while rehashing it has two arrays, lookups look in both, inserts go to the new
 * one, and every operation moves one bucket (the shard's cron moves more, for at most 1 ms), so no
 * command pays for a whole resize.
 *
 * <p>Owned by its Db, on the shard's thread; not thread-safe.
 */
final class KeyTable {
    private static final int INITIAL_BUCKETS = 4;
    /** Shrink when fewer than one key per 10 buckets (Redis's HT_MIN_FILL). */
    private static final int MIN_FILL_PERCENT = 10;
    private static final int RANDOM_TRIES = 10_000;
    /** How far past an entry's header {@link #warm} reads: the header, a short key and value span two lines at most. */
    private static final int WARM_SPAN = 48;

    private final Db db;
    private long[] t0 = new long[INITIAL_BUCKETS];
    private long[] t1;
    private int rehashIdx = -1;

    KeyTable(final Db db) {
        this.db = db;
    }

    void clear() {
        t0 = new long[INITIAL_BUCKETS];
        t1 = null;
        rehashIdx = -1;
    }

    private long next(final long a) {
        return Entry.getLong(db.page(a), (int) a + Entry.NEXT);
    }

    private void next(final long a, final long to) {
        Entry.putLong(db.page(a), (int) a + Entry.NEXT, to);
    }

    // ---- lookup and linking --------------------------------------------------------------------

    /** The entry holding the key, or 0. Moves one bucket first while rehashing. */
    long find(final byte[] k, final int ko, final int kl, final long h) {
        if (rehashIdx >= 0 && !db.frozen()) {
            rehash(1);
        }
        long a = chainFind(t0, (int) h & (t0.length - 1), k, ko, kl);
        if (a == 0 && t1 != null) {
            a = chainFind(t1, (int) h & (t1.length - 1), k, ko, kl);
        }
        return a;
    }

    /**
     * Cache warming for groups of lookups (a file being loaded, a client's pipeline), where almost
     * every lookup misses the cache: a large table's buckets and entries are far bigger than the
     * caches, and one key at a time the CPU waits for the bucket, then for the entry it names,
     * then reads or inserts. Given the hashes of a group of keys about to be looked up, this reads
     * their buckets first (loads that do not depend on each other, so the CPU has many in flight
     * at once; {@code heads} receives them), then the first entry of each chain, then the second,
     * and returns a value computed from the reads so the compiler keeps them. The lookups that
     * follow find their lines in the cache. It changes nothing, so the table may change between it
     * and the lookups (a lookup then just misses).
     */
    long warm(final long[] hashes, final long[] heads, final int n) {
        final long[] t = t1 != null ? t1 : t0;
        for (int i = 0; i < n; i++) {
            heads[i] = t[(int) hashes[i] & (t.length - 1)];
        }
        if (t1 != null) {
            // rehashing: a key whose old bucket has not moved yet is still in t0
            for (int i = 0; i < n; i++) {
                final int b = (int) hashes[i] & (t0.length - 1);
                if (b >= rehashIdx && t0[b] != 0) {
                    heads[i] = t0[b];
                }
            }
        }
        long sink = 0;
        for (int i = 0; i < n; i++) {
            sink += touch(heads[i]);
        }
        // a third of the keys sit further down their chain: the second entries too
        for (int i = 0; i < n; i++) {
            if (heads[i] != 0) {
                sink += touch(next(heads[i]));
            }
        }
        return sink;
    }

    /**
     * Reads an entry's header and key, and the next cache line, where a short entry that
     * straddles a line boundary keeps the rest of its key or its value. 0 for no entry.
     */
    private long touch(final long a) {
        if (a == 0) {
            return 0;
        }
        final byte[] p = db.page(a);
        final int o = (int) a + Entry.HEADER;
        return p[o] + p[Math.min(o + WARM_SPAN, p.length - 1)];
    }

    private long chainFind(final long[] t, final int b, final byte[] k, final int ko, final int kl) {
        long a = t[b];
        while (a != 0) {
            if (db.keyEquals(a, k, ko, kl)) {
                return a;
            }
            a = next(a);
        }
        return 0;
    }

    /** Before an insert into a table holding {@code size} keys: grow, or move one bucket. */
    void beforeInsert(final long size) {
        if (db.frozen()) {
            return; // a snapshot is being written: buckets stay where the cut saw them
        }
        if (rehashIdx < 0 && size >= t0.length) {
            startRehash(t0.length << 1);
        } else if (rehashIdx >= 0) {
            rehash(1);
        }
    }

    /** Links a new entry at the head of its bucket (in the new array while rehashing). */
    void link(final long addr, final long h) {
        final long[] t = t1 != null ? t1 : t0;
        final int b = (int) h & (t.length - 1);
        next(addr, t[b]);
        t[b] = addr;
    }

    /** Makes whatever linked to {@code from} (bucket head or predecessor) link to {@code to}. */
    void replace(final long from, final long to, final long h) {
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
            final long n = next(a);
            if (n == from) {
                next(a, to);
                return true;
            }
            a = n;
        }
        return false;
    }

    // ---- resizing ------------------------------------------------------------------------------

    boolean isRehashing() {
        return rehashIdx >= 0;
    }

    /**
     * Grows the table to hold about {@code keys} keys in one step (a file being loaded announces its
     * size): no doubling and incremental rehashing on the way there. Never shrinks.
     */
    void reserve(final long keys) {
        if (t1 != null || db.frozen() || keys <= t0.length) {
            return;
        }
        final int n = (int) Math.min(1L << 30, Long.highestOneBit(keys - 1) << 1);
        if (db.size() == 0) {
            t0 = new long[n];
        } else {
            startRehash(n);
        }
    }

    int buckets() {
        return t0.length + (t1 == null ? 0 : t1.length);
    }

    private void startRehash(final int buckets) {
        t1 = new long[buckets];
        rehashIdx = 0;
    }

    /** Starts shrinking when the table holding {@code size} keys is mostly empty. */
    void maybeShrink(final long size) {
        if (rehashIdx >= 0 || db.frozen() || t0.length <= INITIAL_BUCKETS) {
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
     * the old array to the new. Returns true while more remains.
     */
    boolean rehash(int steps) {
        if (rehashIdx < 0) {
            return false;
        }
        if (db.frozen()) {
            return false; // a snapshot is being written: buckets stay put until it ends
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
                final long n = next(a);
                final int b = (int) db.hashOf(a) & mask;
                next(a, to[b]);
                to[b] = a;
                a = n;
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

    /**
     * One step of Redis's reverse-binary-cursor scan: visits the entries of the bucket(s) the
     * cursor names and returns the next cursor (0 when the scan is complete). Every key present for
     * the whole scan is visited at least once, across resizes and rehashing. The visitor must not
     * change the table; collect addresses and act after.
     */
    long scan(long v, final Db.Visitor fn) {
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

    private void visitChain(long a, final Db.Visitor fn) {
        while (a != 0) {
            final long n = next(a);
            fn.visit(a);
            a = n;
        }
    }

    /** Bucket of h in array t0 ({@code which} 0) or t1 (1, numbered after t0's), or -1 without t1. */
    int bucketIndex(final long h, final int which) {
        if (which == 0) {
            return (int) h & (t0.length - 1);
        }
        return t1 == null ? -1 : t0.length + ((int) h & (t1.length - 1));
    }

    /** Visits the chain of bucket g as {@link #bucketIndex} numbers them. */
    void visitBucket(final int g, final Db.Visitor fn) {
        if (g < t0.length) {
            visitChain(t0[g], fn);
        } else {
            visitChain(t1[g - t0.length], fn);
        }
    }

    /** Visits every entry; the visitor must not change the table. */
    void forEach(final Db.Visitor fn) {
        for (final long a : t0) {
            visitChain(a, fn);
        }
        if (t1 != null) {
            for (final long a : t1) {
                visitChain(a, fn);
            }
        }
    }

    /** A uniformly chosen bucket's random entry of a non-empty table (Redis's dictGetFairRandomKey). */
    long randomEntry(final SplittableRandom rnd) {
        long head = 0;
        for (int tries = 0; head == 0 && tries < RANDOM_TRIES; tries++) {
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
        for (long a = head; a != 0; a = next(a)) {
            n++;
        }
        int pick = rnd.nextInt(n);
        long a = head;
        while (pick-- > 0) {
            a = next(a);
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
}
