package io.moon.storage;

import java.util.Arrays;

/**
 * A list too long for one listpack: Redis's quicklist, a sequence of listpack nodes, each bounded
 * by list-max-listpack-size (the {@code fill}: negative for a byte budget of 4 KB to 64 KB,
 * positive for an element count). Pushing and popping at either end touch one node, so they cost
 * O(1) whatever the length; reaching index i walks the nodes' counts from the nearer end.
 *
 * <p>Node boundaries are not visible to clients, except through one rule: a list that shrinks
 * back to a single small node becomes a plain listpack again (see {@link ListValues}). So nodes
 * are split, filled and merged exactly where Redis 7.2's quicklist.c would split, fill and merge
 * them (the "allow insert" estimate of raw length plus 8 bytes, the split-and-merge of LINSERT
 * into a full node, node deletion when emptied), so that conversion happens at the same moment.
 * Compression (list-compress-depth) and plain nodes for elements of 1 GB or more are not
 * modelled.
 *
 * <p>The nodes are listpacks at offset 0 of their own arrays, which may be longer than the
 * listpack to leave room to grow; they sit in a ring so that adding or dropping a node at either
 * end is O(1). {@link #fill} is fixed at creation, as Redis fixes it when it creates the quicklist
 * (a later CONFIG SET changes only when lists convert, not how existing quicklists split).
 *
 * <p>Owned by its shard thread; not thread-safe.
 */
public final class QuickList implements ValueObject {
    /** With a count limit, a node still may not grow past this many bytes (SIZE_SAFETY_LIMIT). */
    static final int SIZE_SAFETY_LIMIT = 8192;
    /** What Redis adds to an element's raw length to guess its growth of a node. */
    private static final int SIZE_ESTIMATE_OVERHEAD = 8;
    /** Byte budgets of fill -1 .. -5; lower fills use the last. */
    private static final int[] SIZE_LEVELS = {4096, 8192, 16384, 32768, 65536};
    /** Redis's UINT_MAX count limit of byte-limited nodes. */
    private static final long COUNT_UNLIMITED = 0xFFFF_FFFFL;
    private static final int ARRAY_HEADER_BYTES = 16;
    private static final int MIN_NODE_BYTES = 64;
    /** Object header, fields, and the two ring arrays' headers. */
    private static final int FIXED_BYTES = 48 + 2 * ARRAY_HEADER_BYTES;

    private final int fill;
    private byte[][] nodes;
    private int[] counts;
    /** Ring position of node 0. */
    private int head;
    private int len;
    private long count;
    /** Sum of the node arrays' lengths, so {@link #memoryBytes} is O(1). */
    private long nodeBytes;

    public QuickList(final int fill) {
        this.fill = fill;
        this.nodes = new byte[4][];
        this.counts = new int[4];
    }

    // ---- limits (quicklistNodeLimit, quicklistNodeExceedsLimit) --------------------------------

    /** The byte budget of a node or a listpack list under this fill; unlimited for count fills. */
    public static long sizeLimit(final int fill) {
        return fill >= 0 ? Long.MAX_VALUE : SIZE_LEVELS[(int) Math.min(-(long) fill - 1, SIZE_LEVELS.length - 1)];
    }

    /** The element budget under this fill; unlimited for byte fills. */
    public static long countLimit(final int fill) {
        if (fill < 0) {
            return COUNT_UNLIMITED;
        }
        return fill == 0 ? 1 : fill;
    }

    /** True when a listpack of {@code bytes} bytes holding {@code n} elements is over the fill. */
    public static boolean exceedsLimit(final int fill, final long bytes, final long n) {
        if (fill < 0) {
            return bytes > sizeLimit(fill);
        }
        return bytes > SIZE_SAFETY_LIMIT || n > countLimit(fill);
    }

    // ---- shape ---------------------------------------------------------------------------------

    public int fill() {
        return fill;
    }

    /** Number of elements. */
    public long count() {
        return count;
    }

    /** Number of nodes. */
    public int nodeCount() {
        return len;
    }

    /** The listpack of node i (0 is the head), at offset 0 of the returned array. */
    public byte[] node(final int i) {
        return nodes[slot(i)];
    }

    /** Elements in node i. */
    public int countOf(final int i) {
        return counts[slot(i)];
    }

    private int slot(final int i) {
        return (head + i) & (nodes.length - 1);
    }

    private int bytesOf(final int i) {
        return Listpack.totalBytes(node(i), 0);
    }

    /**
     * Where element {@code index} (0 &lt;= index &lt; count) is: its node in the high 32 bits, its
     * position inside that node in the low 32. Walks the node counts from the nearer end.
     */
    public long locate(final long index) {
        if (index < count >>> 1) {
            long rest = index;
            for (int i = 0; ; i++) {
                final int c = countOf(i);
                if (rest < c) {
                    return (long) i << 32 | rest;
                }
                rest -= c;
            }
        }
        long back = count - 1 - index;
        for (int i = len - 1; ; i--) {
            final int c = countOf(i);
            if (back < c) {
                return (long) i << 32 | (c - 1 - back);
            }
            back -= c;
        }
    }

    // ---- nodes ---------------------------------------------------------------------------------

    private void insertNode(final int i, final byte[] lp, final int n) {
        if (len == nodes.length) {
            final byte[][] nn = new byte[len << 1][];
            final int[] nc = new int[len << 1];
            for (int j = 0; j < len; j++) {
                nn[j] = nodes[slot(j)];
                nc[j] = counts[slot(j)];
            }
            nodes = nn;
            counts = nc;
            head = 0;
        }
        if (i == 0) {
            head = (head - 1) & (nodes.length - 1);
        } else {
            for (int j = len; j > i; j--) {
                nodes[slot(j)] = nodes[slot(j - 1)];
                counts[slot(j)] = counts[slot(j - 1)];
            }
        }
        nodes[slot(i)] = lp;
        counts[slot(i)] = n;
        len++;
        count += n;
        nodeBytes += lp.length + ARRAY_HEADER_BYTES;
    }

    private void removeNode(final int i) {
        count -= countOf(i);
        nodeBytes -= node(i).length + ARRAY_HEADER_BYTES;
        if (i == 0) {
            nodes[head] = null;
            head = (head + 1) & (nodes.length - 1);
        } else {
            for (int j = i; j < len - 1; j++) {
                nodes[slot(j)] = nodes[slot(j + 1)];
                counts[slot(j)] = counts[slot(j + 1)];
            }
            nodes[slot(len - 1)] = null;
        }
        len--;
    }

    private void setNode(final int i, final byte[] lp) {
        final int s = slot(i);
        nodeBytes += lp.length - nodes[s].length;
        nodes[s] = lp;
    }

    /** Makes node i's array hold at least {@code extra} more bytes, doubling up to the node budget. */
    private byte[] room(final int i, final int extra) {
        final byte[] b = node(i);
        final int need = Listpack.totalBytes(b, 0) + extra;
        if (need <= b.length) {
            return b;
        }
        final long budget = fill < 0 ? sizeLimit(fill) : SIZE_SAFETY_LIMIT;
        final int grown = (int) Math.min(Math.max(b.length * 2L, MIN_NODE_BYTES), Math.max(budget, need));
        final byte[] nb = Arrays.copyOf(b, Math.max(need, grown));
        setNode(i, nb);
        return nb;
    }

    /** Gives back node i's spare room once most of it is idle (after deletes, or when it is closed). */
    private void fit(final int i, final boolean exact) {
        final byte[] b = node(i);
        final int used = Listpack.totalBytes(b, 0);
        if (b.length > used && (exact || (b.length > MIN_NODE_BYTES && used < b.length >>> 2))) {
            setNode(i, Arrays.copyOf(b, exact ? used : used << 1));
        }
    }

    private static byte[] single(final byte[] k, final int ko, final int kl) {
        final byte[] b = new byte[Math.max(Listpack.EMPTY_BYTES + Listpack.encodedSize(k, ko, kl), MIN_NODE_BYTES)];
        Listpack.init(b, 0);
        Listpack.insert(b, 0, Listpack.HEADER_BYTES, k, ko, kl);
        return b;
    }

    /** _quicklistNodeAllowInsert: whether node i may take an element of raw length sz. */
    private boolean allowInsert(final int i, final int sz) {
        if (i < 0 || i >= len) {
            return false;
        }
        return !exceedsLimit(fill, (long) bytesOf(i) + sz + SIZE_ESTIMATE_OVERHEAD, countOf(i) + 1L);
    }

    /** _quicklistNodeAllowMerge: whether nodes i and i + 1 fit in one. */
    private boolean allowMerge(final int i) {
        if (i < 0 || i + 1 >= len) {
            return false;
        }
        final long merged = (long) bytesOf(i) + bytesOf(i + 1) - Listpack.EMPTY_BYTES;
        return !exceedsLimit(fill, merged, (long) countOf(i) + countOf(i + 1));
    }

    /** Joins node i + 1 onto the end of node i. */
    private void merge(final int i) {
        final byte[] a = node(i);
        final byte[] b = node(i + 1);
        final int na = countOf(i);
        final int nb = countOf(i + 1);
        final int aEntries = Listpack.totalBytes(a, 0) - Listpack.EMPTY_BYTES;
        final int bEntries = Listpack.totalBytes(b, 0) - Listpack.EMPTY_BYTES;
        final byte[] m = new byte[Listpack.EMPTY_BYTES + aEntries + bEntries];
        Listpack.init(m, 0);
        System.arraycopy(a, Listpack.HEADER_BYTES, m, Listpack.HEADER_BYTES, aEntries);
        System.arraycopy(b, Listpack.HEADER_BYTES, m, Listpack.HEADER_BYTES + aEntries, bEntries + 1);
        Entry.putInt(m, 0, m.length);
        writeCount(m, na + nb);
        removeNode(i + 1);
        setNode(i, m);
        counts[slot(i)] = na + nb;
        count += nb;
    }

    /** Sets a listpack's header count (documented in {@link Listpack}), saturating as Redis does. */
    private static void writeCount(final byte[] lp, final int n) {
        final int c = Math.min(n, Listpack.COUNT_UNKNOWN);
        lp[4] = (byte) c;
        lp[5] = (byte) (c >>> 8);
    }

    /**
     * Splits node i at element {@code at}: with {@code after}, a new node i + 1 takes the elements
     * after {@code at}; otherwise a new node i takes those before it (the old one becomes i + 1).
     */
    private void split(final int i, final int at, final boolean after) {
        final byte[] b = node(i);
        final int n = countOf(i);
        final byte[] copy = Arrays.copyOf(b, Listpack.totalBytes(b, 0));
        final int keepFrom = after ? 0 : at;
        final int keepTo = after ? at + 1 : n;
        // the old node keeps [keepFrom, keepTo), the copy the rest
        if (keepTo < n) {
            Listpack.deleteRange(b, 0, Listpack.seek(b, 0, keepTo), n - keepTo);
        }
        if (keepFrom > 0) {
            Listpack.deleteRange(b, 0, Listpack.HEADER_BYTES, keepFrom);
        }
        if (after) {
            Listpack.deleteRange(copy, 0, Listpack.HEADER_BYTES, at + 1);
        } else {
            Listpack.deleteRange(copy, 0, Listpack.seek(copy, 0, at), n - at);
        }
        counts[slot(i)] = keepTo - keepFrom;
        count -= n - (keepTo - keepFrom);
        fit(i, false);
        insertNode(after ? i + 1 : i, copy, n - (keepTo - keepFrom));
    }

    // ---- growing -------------------------------------------------------------------------------

    /** Adds a whole listpack of n elements as the last node (converting a packed list). */
    public void appendListpack(final byte[] lp, final int n) {
        if (len > 0) {
            fit(len - 1, true);
        }
        insertNode(len, lp, n);
    }

    /** LPUSH of one element (quicklistPushHead). */
    public void pushHead(final byte[] k, final int ko, final int kl) {
        if (allowInsert(0, kl)) {
            final byte[] b = room(0, Listpack.encodedSize(k, ko, kl));
            Listpack.insert(b, 0, Listpack.HEADER_BYTES, k, ko, kl);
            counts[head]++;
            count++;
        } else {
            if (len > 0) {
                fit(0, true);
            }
            insertNode(0, single(k, ko, kl), 1);
        }
    }

    /** RPUSH of one element (quicklistPushTail). */
    public void pushTail(final byte[] k, final int ko, final int kl) {
        if (allowInsert(len - 1, kl)) {
            final byte[] b = room(len - 1, Listpack.encodedSize(k, ko, kl));
            Listpack.insert(b, 0, Listpack.eofOffset(b, 0), k, ko, kl);
            counts[slot(len - 1)]++;
            count++;
        } else {
            if (len > 0) {
                fit(len - 1, true);
            }
            insertNode(len, single(k, ko, kl), 1);
        }
    }

    /**
     * Inserts k before or after element {@code at} of node i, as _quicklistInsert places it: in
     * that node when it has room; at the near end of the neighbour when the pivot is the node's
     * edge element and the neighbour has room; in a new node beside it when neither has; and
     * otherwise by splitting the node and merging what fits around it.
     */
    public void insert(final int i, final int at, final boolean after, final byte[] k, final int ko, final int kl) {
        final int n = countOf(i);
        final boolean full = !allowInsert(i, kl);
        final boolean atTail = after && at == n - 1;
        final boolean atHead = !after && at == 0;
        final boolean availNext = atTail && allowInsert(i + 1, kl);
        final boolean availPrev = atHead && allowInsert(i - 1, kl);
        final int size = Listpack.encodedSize(k, ko, kl);
        if (!full) {
            final byte[] b = room(i, size);
            final int p = Listpack.seek(b, 0, at);
            Listpack.insert(b, 0, after ? p + Listpack.entrySize(b, p) : p, k, ko, kl);
            counts[slot(i)]++;
            count++;
        } else if (availNext) {
            final byte[] b = room(i + 1, size);
            Listpack.insert(b, 0, Listpack.HEADER_BYTES, k, ko, kl);
            counts[slot(i + 1)]++;
            count++;
        } else if (availPrev) {
            final byte[] b = room(i - 1, size);
            Listpack.insert(b, 0, Listpack.eofOffset(b, 0), k, ko, kl);
            counts[slot(i - 1)]++;
            count++;
        } else if (atTail || atHead) {
            insertNode(after ? i + 1 : i, single(k, ko, kl), 1);
        } else {
            split(i, at, after);
            // the new part is at i + 1 (after) or i (before); the old node moved to i + 1 then
            final int part = after ? i + 1 : i;
            final int center = after ? i : i + 1;
            final byte[] b = room(part, size);
            Listpack.insert(b, 0, after ? Listpack.HEADER_BYTES : Listpack.eofOffset(b, 0), k, ko, kl);
            counts[slot(part)]++;
            count++;
            mergeAround(center);
        }
    }

    /**
     * _quicklistMergeNodes: merges the two nodes before {@code center}, the two after it, then
     * center with its previous and the result with its next, each when the pair fits one node.
     */
    private void mergeAround(int center) {
        if (allowMerge(center - 2)) {
            merge(center - 2);
            center--;
        }
        if (allowMerge(center + 1)) {
            merge(center + 1);
        }
        int target = center;
        if (allowMerge(center - 1)) {
            merge(center - 1);
            target = center - 1;
        }
        if (allowMerge(target)) {
            merge(target);
        }
    }

    // ---- changing and removing -----------------------------------------------------------------

    /** Replaces element {@code index} (in range) in place; its node may end up over budget, as in Redis. */
    public void replace(final long index, final byte[] k, final int ko, final int kl) {
        final long loc = locate(index);
        final int i = (int) (loc >>> 32);
        byte[] b = node(i);
        final int p = Listpack.seek(b, 0, (int) loc);
        final int growth = Listpack.replaceGrowth(b, p, k, ko, kl);
        if (growth > 0) {
            b = room(i, growth);
        }
        Listpack.replace(b, 0, p, k, ko, kl);
        if (growth < 0) {
            fit(i, false);
        }
    }

    /**
     * Deletes n elements from {@code start} on (0 &lt;= start &lt; count; n is cut at the end), as
     * quicklistDelRange: whole nodes go at once, emptied nodes are dropped, nothing is merged.
     */
    public void deleteRange(final long start, final long n) {
        long extent = Math.min(n, count - start);
        if (extent <= 0) {
            return;
        }
        final long loc = locate(start);
        int i = (int) (loc >>> 32);
        int off = (int) loc;
        while (extent > 0) {
            final int c = countOf(i);
            if (off == 0 && extent >= c) {
                removeNode(i);
                extent -= c;
                continue;
            }
            final int del = (int) Math.min(c - off, extent);
            final byte[] b = node(i);
            Listpack.deleteRange(b, 0, Listpack.seek(b, 0, off), del);
            counts[slot(i)] = c - del;
            count -= del;
            extent -= del;
            fit(i, false);
            i++;
            off = 0;
        }
    }

    /**
     * LREM: removes up to {@code limit} elements equal to k (0 = all), scanning from the head, or
     * from the tail when {@code fromTail}; nodes left empty are dropped. Returns how many went.
     */
    public long removeMatches(final byte[] k, final int ko, final int kl, final long limit, final boolean fromTail) {
        long removed = 0;
        if (!fromTail) {
            int i = 0;
            while (i < len && (limit == 0 || removed < limit)) {
                final byte[] b = node(i);
                int p = Listpack.first(b, 0);
                boolean changed = false;
                while (p >= 0 && (limit == 0 || removed < limit)) {
                    if (Listpack.equalsBytes(b, p, k, ko, kl)) {
                        Listpack.delete(b, 0, p);
                        counts[slot(i)]--;
                        count--;
                        removed++;
                        changed = true;
                        p = (b[p] & 0xff) == Listpack.EOF ? -1 : p;
                    } else {
                        p = Listpack.next(b, p);
                    }
                }
                if (countOf(i) == 0) {
                    removeNode(i);
                } else {
                    if (changed) {
                        fit(i, false);
                    }
                    i++;
                }
            }
            return removed;
        }
        int i = len - 1;
        while (i >= 0 && (limit == 0 || removed < limit)) {
            final byte[] b = node(i);
            int p = Listpack.last(b, 0);
            boolean changed = false;
            while (p >= 0 && (limit == 0 || removed < limit)) {
                final int prev = Listpack.prev(b, 0, p);
                if (Listpack.equalsBytes(b, p, k, ko, kl)) {
                    Listpack.delete(b, 0, p);
                    counts[slot(i)]--;
                    count--;
                    removed++;
                    changed = true;
                }
                p = prev;
            }
            if (countOf(i) == 0) {
                removeNode(i);
            } else if (changed) {
                fit(i, false);
            }
            i--;
        }
        return removed;
    }

    // ---- ValueObject ---------------------------------------------------------------------------

    @Override
    public QuickList copy() {
        final QuickList q = new QuickList(fill);
        for (int i = 0; i < len; i++) {
            final byte[] b = node(i);
            q.insertNode(i, Arrays.copyOf(b, Listpack.totalBytes(b, 0)), countOf(i));
        }
        return q;
    }

    @Override
    public long memoryBytes() {
        return FIXED_BYTES + 4L * nodes.length * 2 + nodeBytes;
    }
}
