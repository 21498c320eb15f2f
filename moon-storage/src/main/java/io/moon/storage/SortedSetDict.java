package io.moon.storage;

import io.moon.storage.SortedSet.Node;

import java.util.Arrays;

/**
 * The member-to-node hash table of a {@link SortedSet}: nodes chain through their own
 * {@code chain} field into a power-of-two bucket array keyed by the member's hash, so finding a
 * member's score is O(1) and the table costs one reference per bucket. It doubles when it holds
 * as many members as buckets and halves below one in ten, at once (Redis spreads a resize over
 * later operations). Owned by the set's shard thread.
 */
final class SortedSetDict {
    private static final int MIN_BUCKETS = 4;

    private Node[] buckets;

    SortedSetDict(final int expected) {
        buckets = new Node[bucketsFor(expected)];
    }

    private static int bucketsFor(final int n) {
        return Math.max(MIN_BUCKETS, Integer.highestOneBit(Math.max(1, n) - 1) << 1);
    }

    int buckets() {
        return buckets.length;
    }

    /** The node of member b[off, off+len), or null. */
    Node get(final byte[] b, final int off, final int len) {
        final int h = SortedSet.hashOf(b, off, len);
        for (Node n = buckets[h & (buckets.length - 1)]; n != null; n = n.chain) {
            if (n.hash == h && Arrays.equals(n.member, 0, n.member.length, b, off, off + len)) {
                return n;
            }
        }
        return null;
    }

    /** Adds node x; {@code size} is the number of members before it. */
    void add(final Node x, final int size) {
        if (size >= buckets.length) {
            rehash(buckets.length << 1);
        }
        final int i = x.hash & (buckets.length - 1);
        x.chain = buckets[i];
        buckets[i] = x;
    }

    /** Removes node x, which must be in the table. */
    void remove(final Node x) {
        final int i = x.hash & (buckets.length - 1);
        Node n = buckets[i];
        if (n == x) {
            buckets[i] = x.chain;
        } else {
            while (n.chain != x) {
                n = n.chain;
            }
            n.chain = x.chain;
        }
        x.chain = null;
    }

    /** Halves the table while it is below one member in ten buckets (after removals). */
    void maybeShrink(final int size) {
        if (buckets.length > MIN_BUCKETS && size * 10L < buckets.length) {
            rehash(bucketsFor(size));
        }
    }

    private void rehash(final int n) {
        final Node[] nb = new Node[n];
        final int mask = n - 1;
        for (Node b : buckets) {
            while (b != null) {
                final Node next = b.chain;
                final int i = b.hash & mask;
                b.chain = nb[i];
                nb[i] = b;
                b = next;
            }
        }
        buckets = nb;
    }

    /**
     * One scan step from cursor v: visits one bucket's nodes and returns the next cursor (0 when
     * done). The reverse-binary cursor is Redis's: every member present for the whole scan is
     * visited at least once, even if the table is resized between calls.
     */
    long scan(long v, final SortedSet.Visitor fn) {
        final long mask = buckets.length - 1;
        for (Node n = buckets[(int) (v & mask)]; n != null; n = n.chain) {
            fn.visit(n);
        }
        v |= ~mask;
        v = Long.reverse(v);
        v++;
        return Long.reverse(v);
    }
}
