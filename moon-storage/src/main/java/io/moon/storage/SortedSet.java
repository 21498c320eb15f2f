package io.moon.storage;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A sorted set past the listpack thresholds: Redis's "skiplist" encoding, a skip list ordered by
 * (score, member bytes) plus a hash table from member to node.
 *
 * <p><b>Skip list.</b> Each node has a random level (1 with probability 3/4, each further level
 * with 1/4, at most 32) and, at every level above the first, a forward link and the number of
 * nodes that link jumps over (its span). Summing spans along a search gives a node's rank, and
 * following them finds the node of a rank, both in O(log N); score and member ranges start with
 * the same O(log N) descent and then walk level 0, forwards or backwards. Level-0 spans are always
 * 1 and not stored; levels 1 and 2 are fields of the node, so most steps of a search read one
 * object, and only a node of level 4 or more (one in 64) carries arrays for the rest. A node stays
 * about the size of Redis's.
 *
 * <p><b>Dict.</b> Nodes are also chained into a hash table by member ({@link SortedSetDict}), so a
 * member's score is O(1); ZSCAN walks it with Redis's reverse-binary cursor.
 *
 * <p>Member arrays are never changed once in a set, so {@link #copy()} shares them. The set keeps
 * a running estimate of its heap bytes for MEMORY USAGE. Owned by its shard thread; not thread-safe.
 */
public final class SortedSet implements ValueObject {
    public static final int MAX_LEVEL = 32;
    /** Levels whose links live in the node's own fields; higher ones in arrays. */
    static final int INLINE_LEVELS = 3;
    /** Object header, fields and padding of a node (compressed references). */
    private static final int NODE_BYTES = 72;
    /** The set, its dict object and the two search scratch arrays. */
    private static final int SET_BYTES = 64 + 16 + 2 * (16 + 4 * MAX_LEVEL);

    /** One member and its score; a node of the skip list and of a dict chain. */
    public static final class Node {
        final byte[] member;
        double score;
        Node backward;
        /** Forward link at level 0 (whose span is always 1). */
        Node next;
        /** Forward links and spans at levels 1 and 2, inline: most steps of a search are there. */
        Node next1;
        int span1;
        Node next2;
        int span2;
        /** Forward links at levels 3..level-1, or null for a node of level 3 or less. */
        Node[] up;
        /** Spans of the links in {@link #up}. */
        int[] upSpan;
        final int hash;
        Node chain;
        private final byte level;

        Node(final byte[] member, final double score, final int level, final int hash) {
            this.member = member;
            this.score = score;
            this.hash = hash;
            this.level = (byte) level;
            if (level > INLINE_LEVELS) {
                up = new Node[level - INLINE_LEVELS];
                upSpan = new int[level - INLINE_LEVELS];
            }
        }

        /** The member's bytes; the caller must not change them. */
        public byte[] member() {
            return member;
        }

        public double score() {
            return score;
        }

        /** The next node in (score, member) order, or null after the last. */
        public Node next() {
            return next;
        }

        /** The previous node, or null before the first. */
        public Node prev() {
            return backward;
        }

        int level() {
            return level;
        }

        Node forward(final int i) {
            return switch (i) {
                case 0 -> next;
                case 1 -> next1;
                case 2 -> next2;
                default -> up[i - INLINE_LEVELS];
            };
        }

        void forward(final int i, final Node n) {
            switch (i) {
                case 0 -> next = n;
                case 1 -> next1 = n;
                case 2 -> next2 = n;
                default -> up[i - INLINE_LEVELS] = n;
            }
        }

        int span(final int i) {
            return switch (i) {
                case 0 -> 1;
                case 1 -> span1;
                case 2 -> span2;
                default -> upSpan[i - INLINE_LEVELS];
            };
        }

        void span(final int i, final int s) {
            switch (i) {
                case 0 -> {
                }
                case 1 -> span1 = s;
                case 2 -> span2 = s;
                default -> upSpan[i - INLINE_LEVELS] = s;
            }
        }
    }

    private final Node head = new Node(null, 0, MAX_LEVEL, 0);
    private Node tail;
    private int level = 1;
    private int size;
    private final SortedSetDict dict;
    private long memberBytes;
    /** Scratch for searches: the last node before the target at each level, and its rank. */
    private final Node[] update = new Node[MAX_LEVEL];
    private final int[] rank = new int[MAX_LEVEL];

    public SortedSet() {
        this(4);
    }

    /** An empty set whose dict is sized for about {@code expected} members. */
    public SortedSet(final int expected) {
        dict = new SortedSetDict(expected);
    }

    public int size() {
        return size;
    }

    /** The node with the lowest (score, member), or null when empty. */
    public Node first() {
        return head.next;
    }

    /** The node with the highest (score, member), or null when empty. */
    public Node last() {
        return tail;
    }

    static int hashOf(final byte[] b, final int off, final int len) {
        final long h = Hashing.hash(b, off, len);
        return (int) (h ^ (h >>> 32));
    }

    /** Compares (score, member) of node x with (s, b[off, off+len)) in set order. */
    private static int compare(final Node x, final double s, final byte[] b, final int off, final int len) {
        if (x.score < s) {
            return -1;
        }
        if (x.score > s) {
            return 1;
        }
        return Arrays.compareUnsigned(x.member, 0, x.member.length, b, off, off + len);
    }

    // ---- skip list -----------------------------------------------------------------------------

    /** Redis's zslRandomLevel: each level above the first with probability 1/4, at most 32. */
    private static int randomLevel() {
        final long r = ThreadLocalRandom.current().nextLong();
        return Math.min(MAX_LEVEL, 1 + (Long.numberOfTrailingZeros(r) >>> 1));
    }

    /**
     * Adds member b[off, off+len) (a copy) with the given score; the member must not be in the set.
     * Returns its node. O(log N).
     */
    public Node add(final byte[] b, final int off, final int len, final double score) {
        final Node x = new Node(Arrays.copyOfRange(b, off, off + len), score, randomLevel(), hashOf(b, off, len));
        link(x);
        dict.add(x, size);
        size++;
        memberBytes += nodeBytes(x);
        return x;
    }

    /** Adds a member whose array the set may keep (the caller gives it up). */
    public Node addOwned(final byte[] member, final double score) {
        final Node x = new Node(member, score, randomLevel(), hashOf(member, 0, member.length));
        link(x);
        dict.add(x, size);
        size++;
        memberBytes += nodeBytes(x);
        return x;
    }

    /** Fills {@link #update} and {@link #rank} with the last nodes before (s, member) at each level. */
    private void search(final double s, final byte[] b, final int off, final int len) {
        // One loop per kind of level, not Node.forward(i)/span(i) per step: the search is the
        // whole cost of ZADD and ZREM on a big set, and the per-step switch showed in profiles.
        Node x = head;
        int r = 0;
        for (int i = level - 1; i >= INLINE_LEVELS; i--) {
            final int k = i - INLINE_LEVELS;
            Node f;
            while ((f = x.up[k]) != null && compare(f, s, b, off, len) < 0) {
                r += x.upSpan[k];
                x = f;
            }
            rank[i] = r;
            update[i] = x;
        }
        if (level > 2) {
            Node f;
            while ((f = x.next2) != null && compare(f, s, b, off, len) < 0) {
                r += x.span2;
                x = f;
            }
            rank[2] = r;
            update[2] = x;
        }
        if (level > 1) {
            Node f;
            while ((f = x.next1) != null && compare(f, s, b, off, len) < 0) {
                r += x.span1;
                x = f;
            }
            rank[1] = r;
            update[1] = x;
        }
        Node f;
        while ((f = x.next) != null && compare(f, s, b, off, len) < 0) {
            r++;
            x = f;
        }
        rank[0] = r;
        update[0] = x;
    }

    /** Links node x (not in the list) at its place; x's level arrays are reused. */
    private void link(final Node x) {
        search(x.score, x.member, 0, x.member.length);
        final int lvl = x.level();
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = head;
                head.span(i, size);
            }
            level = lvl;
        }
        for (int i = 0; i < lvl; i++) {
            final Node u = update[i];
            x.forward(i, u.forward(i));
            u.forward(i, x);
            if (i > 0) {
                x.span(i, u.span(i) - (rank[0] - rank[i]));
                u.span(i, rank[0] - rank[i] + 1);
            }
        }
        for (int i = lvl; i < level; i++) {
            update[i].span(i, update[i].span(i) + 1);
        }
        x.backward = update[0] == head ? null : update[0];
        if (x.next != null) {
            x.next.backward = x;
        } else {
            tail = x;
        }
    }

    /** Unlinks x given {@link #update} filled for it (Redis's zslDeleteNode). */
    private void unlink(final Node x) {
        for (int i = 0; i < level; i++) {
            final Node u = update[i];
            if (u.forward(i) == x) {
                if (i > 0) {
                    u.span(i, u.span(i) + x.span(i) - 1);
                }
                u.forward(i, x.forward(i));
            } else if (i > 0) {
                u.span(i, u.span(i) - 1);
            }
        }
        if (x.next != null) {
            x.next.backward = x.backward;
        } else {
            tail = x.backward;
        }
        while (level > 1 && head.forward(level - 1) == null) {
            level--;
        }
    }

    /** Removes node x (which must be in this set). O(log N). */
    public void remove(final Node x) {
        search(x.score, x.member, 0, x.member.length);
        unlink(x);
        dropNode(x);
        dict.maybeShrink(size);
    }

    private void dropNode(final Node x) {
        dict.remove(x);
        size--;
        memberBytes -= nodeBytes(x);
    }

    /** Removes member b[off, off+len); false when it is not in the set. */
    public boolean remove(final byte[] b, final int off, final int len) {
        final Node x = get(b, off, len);
        if (x == null) {
            return false;
        }
        remove(x);
        return true;
    }

    /**
     * Gives node x a new score and moves it to its new place: in place when the order does not
     * change (Redis's zslUpdateScore), else unlinked and linked again. O(log N).
     */
    public void setScore(final Node x, final double score) {
        final Node prev = x.backward;
        final Node next = x.next;
        if ((prev == null || prev.score < score) && (next == null || next.score > score)) {
            x.score = score;
            return;
        }
        search(x.score, x.member, 0, x.member.length);
        unlink(x);
        x.score = score;
        x.backward = null;
        link(x);
    }

    /** 0-based rank of node x in ascending order. O(log N). */
    public long rank(final Node x) {
        long r = 0;
        Node n = head;
        final byte[] m = x.member;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = n.forward(i)) != null && compare(f, x.score, m, 0, m.length) <= 0) {
                r += n.span(i);
                n = f;
            }
            if (n == x) {
                return r - 1;
            }
        }
        throw new IllegalStateException("node not in set");
    }

    /** The node of 0-based rank r (0 <= r < size), ascending. O(log N). */
    public Node byRank(final long r) {
        final long target = r + 1;
        long traversed = 0;
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = x.forward(i)) != null && traversed + x.span(i) <= target) {
                traversed += x.span(i);
                x = f;
            }
            if (traversed == target) {
                return x;
            }
        }
        return null;
    }

    // ---- ranges --------------------------------------------------------------------------------

    /** The lowest node whose score is in the range, or null. O(log N). */
    public Node firstInRange(final ScoreRange range) {
        if (range.isEmpty() || tail == null || !range.aboveMin(tail.score) || !range.belowMax(head.next.score)) {
            return null;
        }
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = x.forward(i)) != null && !range.aboveMin(f.score)) {
                x = f;
            }
        }
        x = x.next;
        return x != null && range.belowMax(x.score) ? x : null;
    }

    /** The highest node whose score is in the range, or null. O(log N). */
    public Node lastInRange(final ScoreRange range) {
        if (range.isEmpty() || tail == null || !range.aboveMin(tail.score) || !range.belowMax(head.next.score)) {
            return null;
        }
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = x.forward(i)) != null && range.belowMax(f.score)) {
                x = f;
            }
        }
        return x != head && range.aboveMin(x.score) ? x : null;
    }

    /** The lowest node whose member is in the range, or null. O(log N). */
    public Node firstInRange(final LexRange range) {
        if (!lexOverlaps(range)) {
            return null;
        }
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = x.forward(i)) != null && !range.aboveMin(f.member, 0, f.member.length)) {
                x = f;
            }
        }
        x = x.next;
        return x != null && range.belowMax(x.member, 0, x.member.length) ? x : null;
    }

    /** The highest node whose member is in the range, or null. O(log N). */
    public Node lastInRange(final LexRange range) {
        if (!lexOverlaps(range)) {
            return null;
        }
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = x.forward(i)) != null && range.belowMax(f.member, 0, f.member.length)) {
                x = f;
            }
        }
        return x != head && range.aboveMin(x.member, 0, x.member.length) ? x : null;
    }

    private boolean lexOverlaps(final LexRange range) {
        return !range.isEmpty() && tail != null && range.aboveMin(tail.member, 0, tail.member.length)
                && range.belowMax(head.next.member, 0, head.next.member.length);
    }

    /** Removes the nodes of 0-based ranks start..end (inclusive, within bounds); returns how many. */
    public long removeRangeByRank(final long start, final long end) {
        long traversed = 0;
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = x.forward(i)) != null && traversed + x.span(i) < start + 1) {
                traversed += x.span(i);
                x = f;
            }
            update[i] = x;
        }
        traversed++;
        x = x.next;
        long removed = 0;
        while (x != null && traversed <= end + 1) {
            final Node next = x.next;
            unlink(x);
            dropNode(x);
            removed++;
            traversed++;
            x = next;
        }
        dict.maybeShrink(size);
        return removed;
    }

    /** Removes every node whose score is in the range; returns how many. */
    public long removeRange(final ScoreRange range) {
        if (range.isEmpty()) {
            return 0;
        }
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = x.forward(i)) != null && !range.aboveMin(f.score)) {
                x = f;
            }
            update[i] = x;
        }
        x = x.next;
        long removed = 0;
        while (x != null && range.belowMax(x.score)) {
            final Node next = x.next;
            unlink(x);
            dropNode(x);
            removed++;
            x = next;
        }
        dict.maybeShrink(size);
        return removed;
    }

    /** Removes every node whose member is in the range; returns how many. */
    public long removeRange(final LexRange range) {
        if (range.isEmpty()) {
            return 0;
        }
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = x.forward(i)) != null && !range.aboveMin(f.member, 0, f.member.length)) {
                x = f;
            }
            update[i] = x;
        }
        x = x.next;
        long removed = 0;
        while (x != null && range.belowMax(x.member, 0, x.member.length)) {
            final Node next = x.next;
            unlink(x);
            dropNode(x);
            removed++;
            x = next;
        }
        dict.maybeShrink(size);
        return removed;
    }

    /** A uniformly random node of a non-empty set. O(log N). */
    public Node random(final SplittableRandom rnd) {
        return byRank(rnd.nextInt(size));
    }

    // ---- dict -------------------------------------------------------------------------------

    /** The node of member b[off, off+len), or null. O(1). */
    public Node get(final byte[] b, final int off, final int len) {
        return dict.get(b, off, len);
    }

    /** Receives nodes during a scan. */
    @FunctionalInterface
    public interface Visitor {
        void visit(Node n);
    }

    /**
     * One ZSCAN step from cursor v: visits one bucket's nodes and returns the next cursor (0 when
     * done), with Redis's reverse-binary cursor (see {@link SortedSetDict#scan}).
     */
    public long scan(final long v, final Visitor fn) {
        return dict.scan(v, fn);
    }

    // ---- ValueObject ---------------------------------------------------------------------------

    @Override
    public SortedSet copy() {
        final SortedSet c = new SortedSet(size);
        for (Node n = head.next; n != null; n = n.next) {
            c.appendOwned(n.member, n.score, n.hash);
        }
        return c;
    }

    /**
     * Appends a member (the set keeps the array) that sorts after every member already here, when
     * building a set from sorted input: O(1) per member instead of a search. Only while building:
     * no other change may come between the first append and the last.
     */
    void append(final byte[] member, final double score) {
        appendOwned(member, score, hashOf(member, 0, member.length));
    }

    private void appendOwned(final byte[] member, final double score, final int hash) {
        final Node x = new Node(member, score, randomLevel(), hash);
        final int lvl = x.level();
        if (size == 0) {
            for (int i = 0; i < MAX_LEVEL; i++) {
                update[i] = head;
                rank[i] = 0;
            }
        }
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                head.span(i, size);
            }
            level = lvl;
        }
        // update[i] holds the last node reaching level i, rank[i] its rank (kept across appends).
        for (int i = 0; i < lvl; i++) {
            final Node u = update[i];
            u.forward(i, x);
            u.span(i, size + 1 - rank[i]);
            update[i] = x;
            rank[i] = size + 1;
        }
        x.backward = tail;
        tail = x;
        dict.add(x, size);
        size++;
        memberBytes += nodeBytes(x);
        for (int i = lvl; i < level; i++) {
            update[i].span(i, size - rank[i]);
        }
    }

    /**
     * Builds a set from members already in ascending (score, member) order, keeping the arrays.
     * O(N).
     */
    public static SortedSet ofSorted(final byte[][] members, final double[] scores, final int n) {
        final SortedSet s = new SortedSet(n);
        for (int i = 0; i < n; i++) {
            s.appendOwned(members[i], scores[i], hashOf(members[i], 0, members[i].length));
        }
        return s;
    }

    private static long arrayBytes(final long payload) {
        return (16 + payload + 7) & ~7L;
    }

    private static long nodeBytes(final Node x) {
        final int lvl = x.level();
        final long levels = lvl > INLINE_LEVELS ? 2 * arrayBytes(4L * (lvl - INLINE_LEVELS)) : 0;
        return NODE_BYTES + arrayBytes(x.member.length) + levels;
    }

    @Override
    public long memoryBytes() {
        return SET_BYTES + arrayBytes(4L * dict.buckets()) + memberBytes;
    }

    /** Checks every invariant (order, spans, backward links, dict); for tests. O(N log N). */
    void check() {
        long n = 0;
        Node prev = null;
        for (Node x = head.next; x != null; x = x.next) {
            if (x.backward != prev) {
                throw new IllegalStateException("backward link at " + n);
            }
            if (prev != null && compare(prev, x.score, x.member, 0, x.member.length) >= 0) {
                throw new IllegalStateException("order at " + n);
            }
            if (get(x.member, 0, x.member.length) != x) {
                throw new IllegalStateException("dict at " + n);
            }
            if (rank(x) != n || byRank(n) != x) {
                throw new IllegalStateException("rank at " + n);
            }
            prev = x;
            n++;
        }
        if (n != size || tail != prev) {
            throw new IllegalStateException("size " + size + " vs " + n);
        }
        for (int i = 1; i < level; i++) {
            long pos = 0;
            Node x = head;
            while (x != null) {
                final Node f = x.forward(i);
                if (f == null) {
                    break;
                }
                long steps = 0;
                Node y = x;
                while (y != f) {
                    y = y.next;
                    steps++;
                }
                if (steps != x.span(i)) {
                    throw new IllegalStateException("span at level " + i + " pos " + pos);
                }
                pos += steps;
                x = f;
            }
        }
    }
}
