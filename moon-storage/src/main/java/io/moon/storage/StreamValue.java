package io.moon.storage;

import java.util.Arrays;

/**
 * A stream: entries in ID order, packed in nodes the way Redis packs them (one listpack per node
 * of its radix tree), so an RDB file or DUMP payload carries the nodes byte for byte and the
 * approximate trims ({@code MAXLEN ~}), which only drop whole nodes, drop what Redis's would.
 *
 * <p>A node is a listpack that opens with a master entry (live count, deleted count, the number
 * of master fields, the master fields, a 0 terminator), then one listpack run per entry: flags
 * ({@link #FLAG_DELETED}, {@link #FLAG_SAMEFIELDS}), the ID as differences from the node's master
 * ID (ms, seq), then either the values alone (same fields as the master entry) or the field
 * count and field, value pairs, and last the number of listpack elements the entry took after
 * its flags and before this count ({@code lp-count}). Deleting an entry only sets its flag;
 * a node whose live count drops to 0 goes. Nodes are kept in arrays sorted by master ID, the
 * first live one at {@link #head}, so trimming from the front costs no copy.
 *
 * <p>No object per entry: the IDs live in the listpacks as small integers. Owned by its shard
 * thread; not thread-safe.
 */
public final class StreamValue implements ValueObject {
    public static final int FLAG_DELETED = 1;
    public static final int FLAG_SAMEFIELDS = 2;
    /** The largest a node's listpack may grow (Redis's STREAM_LISTPACK_MAX_SIZE). */
    public static final long LISTPACK_MAX_BYTES = 1L << 30;

    byte[][] nodes = new byte[4][];
    long[] masterMs = new long[4];
    long[] masterSeq = new long[4];
    int head;
    int end;

    public long length;
    public long lastMs;
    public long lastSeq;
    public long firstMs;
    public long firstSeq;
    public long maxDeletedMs;
    public long maxDeletedSeq;
    public long entriesAdded;
    /** The consumer groups by name, or null when there are none. */
    public java.util.TreeMap<StreamGroup.Name, StreamGroup> groups;

    public StreamGroup group(final byte[] name) {
        return groups == null ? null : groups.get(new StreamGroup.Name(name));
    }

    /** Creates a group; null when one of that name exists. */
    public StreamGroup createGroup(final byte[] name, final long ms, final long seq, final long entriesRead) {
        if (groups == null) {
            groups = new java.util.TreeMap<>();
        }
        final StreamGroup.Name k = new StreamGroup.Name(name);
        if (groups.containsKey(k)) {
            return null;
        }
        final StreamGroup g = new StreamGroup(name, ms, seq, entriesRead);
        groups.put(k, g);
        return g;
    }

    public int groupCount() {
        return groups == null ? 0 : groups.size();
    }

    /** Unsigned comparison of two IDs: negative, 0 or positive. */
    public static int compare(final long ms1, final long seq1, final long ms2, final long seq2) {
        final int c = Long.compareUnsigned(ms1, ms2);
        return c != 0 ? c : Long.compareUnsigned(seq1, seq2);
    }

    public int nodeCount() {
        return end - head;
    }

    /** The listpack of node i (0 is the first), exactly as long as its header says. */
    public byte[] node(final int i) {
        final byte[] n = nodes[head + i];
        final int len = Listpack.totalBytes(n, 0);
        return n.length == len ? n : Arrays.copyOf(n, len);
    }

    /** The listpack buffer of node i; it may have room past the listpack's end. */
    byte[] nodeBuffer(final int i) {
        return nodes[head + i];
    }

    public long nodeMasterMs(final int i) {
        return masterMs[head + i];
    }

    public long nodeMasterSeq(final int i) {
        return masterSeq[head + i];
    }

    /** Appends a node as read from an RDB file (its listpack already validated), after the others. */
    public void addNode(final long ms, final long seq, final byte[] lp) {
        if (end == nodes.length) {
            grow();
        }
        nodes[end] = lp;
        masterMs[end] = ms;
        masterSeq[end] = seq;
        end++;
    }

    private void grow() {
        if (head > 0) {
            final int n = end - head;
            System.arraycopy(nodes, head, nodes, 0, n);
            System.arraycopy(masterMs, head, masterMs, 0, n);
            System.arraycopy(masterSeq, head, masterSeq, 0, n);
            Arrays.fill(nodes, n, end, null);
            head = 0;
            end = n;
            if (end < nodes.length) {
                return;
            }
        }
        final int cap = nodes.length << 1;
        nodes = Arrays.copyOf(nodes, cap);
        masterMs = Arrays.copyOf(masterMs, cap);
        masterSeq = Arrays.copyOf(masterSeq, cap);
    }

    void removeNode(final int abs) {
        if (abs == head) {
            nodes[head++] = null;
        } else {
            System.arraycopy(nodes, abs + 1, nodes, abs, end - abs - 1);
            System.arraycopy(masterMs, abs + 1, masterMs, abs, end - abs - 1);
            System.arraycopy(masterSeq, abs + 1, masterSeq, abs, end - abs - 1);
            nodes[--end] = null;
        }
        if (head == end) {
            head = 0;
            end = 0;
        }
    }

    /** The absolute index of the last node whose master ID is at most the given ID, or head-1 when none. */
    int nodeFor(final long ms, final long seq) {
        int lo = head;
        int hi = end - 1;
        int found = head - 1;
        while (lo <= hi) {
            final int mid = (lo + hi) >>> 1;
            if (compare(masterMs[mid], masterSeq[mid], ms, seq) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /**
     * The nodes of Redis's radix tree over this stream's node keys (each master ID as 16 bytes,
     * big-endian ms then seq), as XINFO STREAM's radix-tree-nodes reports: the tree a rax holds
     * for these keys, fully compressed (a chain of single children is one node, every key ends
     * in a node of its own, an empty tree is its root). Walks the sorted keys once per level.
     */
    public long radixTreeNodes() {
        return raxCount(head, end, 0);
    }

    /** Byte i (0..15) of node abs's 16-byte key. */
    private int keyByte(final int abs, final int i) {
        final long v = i < 8 ? masterMs[abs] : masterSeq[abs];
        return (int) (v >>> (56 - 8 * (i & 7))) & 0xff;
    }

    /** Nodes of the subtree over keys [lo, hi), which share their first {@code depth} bytes. */
    private long raxCount(final int lo, final int hi, final int depth) {
        if (lo == hi || depth == 16) {
            return 1;
        }
        int d = depth;
        while (d < 16 && keyByte(lo, d) == keyByte(hi - 1, d)) {
            d++; // sorted keys: the first and the last share what all share
        }
        if (d > depth) {
            return 1 + raxCount(lo, hi, d); // a compressed node, then what follows it
        }
        long n = 1; // a branching node, one child per distinct byte
        int from = lo;
        while (from < hi) {
            final int b = keyByte(from, depth);
            int to = from + 1;
            while (to < hi && keyByte(to, depth) == b) {
                to++;
            }
            n += raxCount(from, to, depth + 1);
            from = to;
        }
        return n;
    }

    // ---- node layout -----------------------------------------------------------------------------

    /** Offset just past the element at p: the next element's, or the terminator's. */
    static int nx(final byte[] lp, final int p) {
        return p + Listpack.entrySize(lp, p);
    }

    /** Offset of the first entry's flags in a node (past the master entry), or its terminator. */
    static int firstEntry(final byte[] lp) {
        int p = Listpack.first(lp, 0); // count
        p = nx(lp, p); // deleted
        p = nx(lp, p); // master field count
        final long mf = Listpack.intValue(lp, p);
        p = nx(lp, p);
        for (long j = 0; j < mf; j++) {
            p = nx(lp, p);
        }
        return nx(lp, p); // past the 0 terminator
    }

    static long liveCount(final byte[] lp) {
        return Listpack.intValue(lp, Listpack.first(lp, 0));
    }

    static long deletedCount(final byte[] lp) {
        return Listpack.intValue(lp, nx(lp, Listpack.first(lp, 0)));
    }

    static int masterFieldCount(final byte[] lp) {
        final int p = nx(lp, nx(lp, Listpack.first(lp, 0)));
        return (int) Listpack.intValue(lp, p);
    }

    /** Offset of the entry after the one whose flags are at p (or the terminator). */
    static int skipEntry(final byte[] lp, int p, final int masterFields) {
        final long flags = Listpack.intValue(lp, p);
        p = nx(lp, p);
        p = nx(lp, p);
        p = nx(lp, p);
        long skip;
        if ((flags & FLAG_SAMEFIELDS) != 0) {
            skip = masterFields;
        } else {
            skip = 2 * Listpack.intValue(lp, p);
            p = nx(lp, p);
        }
        while (skip-- > 0) {
            p = nx(lp, p);
        }
        return nx(lp, p); // lp-count
    }

    /** Makes node abs able to grow by {@code extra} bytes in place; returns its buffer. */
    private byte[] room(final int abs, final int extra) {
        final byte[] n = nodes[abs];
        final int len = Listpack.totalBytes(n, 0);
        if (len + extra <= n.length) {
            return n;
        }
        final byte[] g = Arrays.copyOf(n, Math.max(len + extra, len + (len >>> 1)));
        nodes[abs] = g;
        return g;
    }

    /** Sets the integer element at p of node abs (a count or flags), moving what follows if its size changes. */
    private byte[] setInt(final int abs, final int p, final long v) {
        final byte[] n = room(abs, 16);
        Listpack.replaceLong(n, 0, p, v);
        return n;
    }

    /** Changes the master entry's live and deleted counts of node abs by the given amounts. */
    private void counts(final int abs, final long liveDelta, final long deletedDelta) {
        byte[] n = nodes[abs];
        final int p = Listpack.first(n, 0);
        final long live = Listpack.intValue(n, p);
        n = setInt(abs, p, live + liveDelta);
        final int q = nx(n, Listpack.first(n, 0));
        setInt(abs, q, Listpack.intValue(n, q) + deletedDelta);
    }

    // ---- appending -------------------------------------------------------------------------------

    /**
     * Appends an entry with the given ID (the caller checked it is above {@link #lastMs}-{@link
     * #lastSeq}) and {@code pairs} field, value pairs: element i is {@code b[off[i], off[i]+len[i])}.
     * A new node starts when the last one would reach {@code nodeMaxBytes} (0: no limit but
     * {@link #LISTPACK_MAX_BYTES}) or holds {@code nodeMaxEntries} entries, live or deleted (0: no
     * limit), as Redis decides.
     */
    public void append(final long ms, final long seq, final byte[] b, final int[] off, final int[] len,
                       final int pairs, final long nodeMaxBytes, final long nodeMaxEntries) {
        long elementBytes = 0;
        for (int i = 0; i < 2 * pairs; i++) {
            elementBytes += len[i];
        }
        int abs = end - 1;
        if (abs >= head) {
            final byte[] lp = nodes[abs];
            final long maxBytes = nodeMaxBytes == 0 || nodeMaxBytes > LISTPACK_MAX_BYTES ? LISTPACK_MAX_BYTES
                    : nodeMaxBytes;
            if (Listpack.totalBytes(lp, 0) + elementBytes >= maxBytes) {
                abs = head - 1;
            } else if (nodeMaxEntries != 0 && liveCount(lp) + deletedCount(lp) >= nodeMaxEntries) {
                abs = head - 1;
            }
        }
        final boolean fresh = abs < head;
        if (fresh) {
            long size = Listpack.EMPTY_BYTES + 4 * 2 + Listpack.encodedSizeLong(pairs);
            for (int i = 0; i < pairs; i++) {
                size += Listpack.encodedSize(b, off[2 * i], len[2 * i]);
            }
            final byte[] lp = new byte[Math.toIntExact(size + entrySize(0, 0, b, off, len, pairs) + 16)];
            Listpack.init(lp, 0);
            Listpack.insertLong(lp, 0, Listpack.eofOffset(lp, 0), 1);
            Listpack.insertLong(lp, 0, Listpack.eofOffset(lp, 0), 0);
            Listpack.insertLong(lp, 0, Listpack.eofOffset(lp, 0), pairs);
            for (int i = 0; i < pairs; i++) {
                Listpack.insert(lp, 0, Listpack.eofOffset(lp, 0), b, off[2 * i], len[2 * i]);
            }
            Listpack.insertLong(lp, 0, Listpack.eofOffset(lp, 0), 0);
            addNode(ms, seq, lp);
            abs = end - 1;
        } else {
            counts(abs, 1, 0);
        }
        final long msDiff = ms - masterMs[abs];
        final long seqDiff = seq - masterSeq[abs];
        final boolean same = sameFields(nodes[abs], b, off, len, pairs);
        final byte[] lp = room(abs, Math.toIntExact(entrySize(msDiff, seqDiff, b, off, len, pairs)));
        Listpack.insertLong(lp, 0, Listpack.eofOffset(lp, 0), same ? FLAG_SAMEFIELDS : 0);
        Listpack.insertLong(lp, 0, Listpack.eofOffset(lp, 0), msDiff);
        Listpack.insertLong(lp, 0, Listpack.eofOffset(lp, 0), seqDiff);
        if (!same) {
            Listpack.insertLong(lp, 0, Listpack.eofOffset(lp, 0), pairs);
        }
        for (int i = 0; i < pairs; i++) {
            if (!same) {
                Listpack.insert(lp, 0, Listpack.eofOffset(lp, 0), b, off[2 * i], len[2 * i]);
            }
            Listpack.insert(lp, 0, Listpack.eofOffset(lp, 0), b, off[2 * i + 1], len[2 * i + 1]);
        }
        Listpack.insertLong(lp, 0, Listpack.eofOffset(lp, 0), same ? pairs + 3L : 2L * pairs + 4);
        length++;
        entriesAdded++;
        lastMs = ms;
        lastSeq = seq;
        if (length == 1) {
            firstMs = ms;
            firstSeq = seq;
        }
    }

    /** An upper bound of the bytes an entry takes in a node. */
    private static long entrySize(final long msDiff, final long seqDiff, final byte[] b, final int[] off,
                                  final int[] len, final int pairs) {
        long n = 4 * 10 + Listpack.encodedSizeLong(msDiff) + Listpack.encodedSizeLong(seqDiff);
        for (int i = 0; i < 2 * pairs; i++) {
            n += Listpack.encodedSize(b, off[i], len[i]);
        }
        return n;
    }

    private static boolean sameFields(final byte[] lp, final byte[] b, final int[] off, final int[] len,
                                      final int pairs) {
        int p = nx(lp, nx(lp, Listpack.first(lp, 0)));
        if (Listpack.intValue(lp, p) != pairs) {
            return false;
        }
        for (int i = 0; i < pairs; i++) {
            p = nx(lp, p);
            if (!Listpack.equalsBytes(lp, p, b, off[2 * i], len[2 * i])) {
                return false;
            }
        }
        return true;
    }

    // ---- deleting --------------------------------------------------------------------------------

    /** XDEL of one ID: true when a live entry had it (it is now marked deleted). */
    public boolean delete(final long ms, final long seq) {
        final int abs = nodeFor(ms, seq);
        if (abs < head) {
            return false;
        }
        byte[] lp = nodes[abs];
        final int mf = masterFieldCount(lp);
        final long mMs = masterMs[abs];
        final long mSeq = masterSeq[abs];
        for (int p = firstEntry(lp); (lp[p] & 0xff) != Listpack.EOF; p = skipEntry(lp, p, mf)) {
            final int q = nx(lp, p);
            final long ems = mMs + Listpack.intValue(lp, q);
            final long eseq = mSeq + Listpack.intValue(lp, nx(lp, q));
            final int c = compare(ems, eseq, ms, seq);
            if (c > 0) {
                return false;
            }
            if (c == 0) {
                final long flags = Listpack.intValue(lp, p);
                if ((flags & FLAG_DELETED) != 0) {
                    return false;
                }
                if (liveCount(lp) == 1) {
                    removeNode(abs);
                } else {
                    lp = setInt(abs, p, flags | FLAG_DELETED);
                    counts(abs, -1, 1);
                }
                length--;
                return true;
            }
        }
        return false;
    }

    /** The ID of the first (or last) live entry into {@code id} ([ms, seq]); false when the stream is empty. */
    public boolean edge(final boolean first, final long[] id) {
        final StreamIter it = new StreamIter(this);
        if (first) {
            it.forward(0, 0, -1, -1);
        } else {
            it.backward(0, 0, -1, -1);
        }
        if (!it.next()) {
            return false;
        }
        id[0] = it.ms;
        id[1] = it.seq;
        return true;
    }

    /** After deletions: the first ID is the first live entry's, or 0-0 in an empty stream. */
    public void refreshFirst() {
        final long[] id = new long[2];
        if (length > 0 && edge(true, id)) {
            firstMs = id[0];
            firstSeq = id[1];
        } else {
            firstMs = 0;
            firstSeq = 0;
        }
    }

    // ---- trimming --------------------------------------------------------------------------------

    /**
     * XTRIM's and XADD's trim: MAXLEN (entries beyond {@code maxLen} go, oldest first) when
     * {@code byMaxLen}, else MINID (entries below minMs-minSeq go). Approximate trimming removes
     * whole nodes only; {@code limit} (0: none) bounds the entries removed, counting whole nodes.
     * Returns how many entries went.
     */
    public long trim(final boolean byMaxLen, final long maxLen, final long minMs, final long minSeq,
                     final boolean approx, final long limit) {
        long deleted = 0;
        while (head < end) {
            if (byMaxLen && length <= maxLen) {
                break;
            }
            final int abs = head;
            byte[] lp = nodes[abs];
            final long entries = liveCount(lp);
            if (limit != 0 && deleted + entries > limit) {
                break;
            }
            final boolean removeNode;
            final int mf = masterFieldCount(lp);
            if (byMaxLen) {
                removeNode = length - entries >= maxLen;
            } else {
                long lastEms = 0;
                long lastEseq = 0;
                for (int p = firstEntry(lp); (lp[p] & 0xff) != Listpack.EOF; p = skipEntry(lp, p, mf)) {
                    final int q = nx(lp, p);
                    lastEms = masterMs[abs] + Listpack.intValue(lp, q);
                    lastEseq = masterSeq[abs] + Listpack.intValue(lp, nx(lp, q));
                }
                removeNode = compare(lastEms, lastEseq, minMs, minSeq) < 0;
            }
            if (removeNode) {
                removeNode(abs);
                length -= entries;
                deleted += entries;
                continue;
            }
            if (approx) {
                break;
            }
            long fromNode = 0;
            int p = firstEntry(lp);
            while ((lp[p] & 0xff) != Listpack.EOF) {
                final int q = nx(lp, p);
                final long ems = masterMs[abs] + Listpack.intValue(lp, q);
                final long eseq = masterSeq[abs] + Listpack.intValue(lp, nx(lp, q));
                final boolean stop = byMaxLen ? length <= maxLen : compare(ems, eseq, minMs, minSeq) >= 0;
                if (stop) {
                    break;
                }
                final long flags = Listpack.intValue(lp, p);
                final int next = skipEntry(lp, p, mf);
                if ((flags & FLAG_DELETED) == 0) {
                    // the flags keep their one-byte size, so offsets after it stay put
                    lp = setInt(abs, p, flags | FLAG_DELETED);
                    fromNode++;
                    length--;
                }
                p = next;
            }
            deleted += fromNode;
            counts(abs, -fromNode, fromNode);
            break;
        }
        if (length > 0) {
            refreshFirst();
        } else {
            firstMs = 0;
            firstSeq = 0;
        }
        return deleted;
    }

    /** Whether the last live entry's ID is above ms-seq (XREAD's "is there anything new"). */
    public boolean hasAfter(final long ms, final long seq) {
        if (length == 0) {
            return false;
        }
        final long[] id = new long[2];
        return edge(false, id) && compare(id[0], id[1], ms, seq) > 0;
    }

    // ---- ValueObject -------------------------------------------------------------------------------

    @Override
    public StreamValue copy() {
        final StreamValue s = new StreamValue();
        final int n = end - head;
        s.nodes = new byte[Math.max(4, n)][];
        s.masterMs = new long[s.nodes.length];
        s.masterSeq = new long[s.nodes.length];
        for (int i = 0; i < n; i++) {
            s.nodes[i] = nodes[head + i].clone();
            s.masterMs[i] = masterMs[head + i];
            s.masterSeq[i] = masterSeq[head + i];
        }
        s.end = n;
        s.copyMeta(this);
        if (groups != null) {
            s.groups = new java.util.TreeMap<>();
            for (final StreamGroup g : groups.values()) {
                s.groups.put(new StreamGroup.Name(g.name.clone()), g.copy());
            }
        }
        return s;
    }

    /** Copies the counters and edge IDs (not the entries) of another stream. */
    public void copyMeta(final StreamValue o) {
        length = o.length;
        lastMs = o.lastMs;
        lastSeq = o.lastSeq;
        firstMs = o.firstMs;
        firstSeq = o.firstSeq;
        maxDeletedMs = o.maxDeletedMs;
        maxDeletedSeq = o.maxDeletedSeq;
        entriesAdded = o.entriesAdded;
    }

    @Override
    public long memoryBytes() {
        // the object and its arrays, then each node's buffer with a header (and a rax key's worth)
        long n = 96 + 24L * nodes.length;
        for (int i = head; i < end; i++) {
            n += 16 + 16 + nodes[i].length;
        }
        if (groups != null) {
            for (final StreamGroup g : groups.values()) {
                n += g.memoryBytes();
            }
        }
        return n;
    }
}
