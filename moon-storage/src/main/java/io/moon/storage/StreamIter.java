package io.moon.storage;

import java.util.Arrays;

/**
 * Walks the live entries of a {@link StreamValue} between two IDs (both inclusive, compared
 * unsigned), forward or backward. After {@link #next} returns true, {@link #ms}/{@link #seq} are
 * the entry's ID and field i is at {@link #fieldAt}(i), its value at {@link #valueAt}(i), offsets
 * of listpack elements in {@link #node}. The stream must not change while this walks it.
 */
public final class StreamIter {
    private final StreamValue s;
    private boolean reverse;
    private long startMs;
    private long startSeq;
    private long endMs;
    private long endSeq;
    /** Absolute index of the node being walked. */
    private int abs;
    /** Forward: offset of the next entry's flags; -1 before the node is opened. */
    private int pos;
    /** Backward: offsets of the node's entries, and how many are left to visit. */
    private int[] starts = new int[16];
    private int left;
    private int masterFields;

    public byte[] node;
    public long ms;
    public long seq;
    public int fields;
    private int[] fieldPos = new int[8];
    private int[] valuePos = new int[8];
    private boolean done;

    public StreamIter(final StreamValue s) {
        this.s = s;
    }

    /** Starts a forward walk over [start, end]. */
    public StreamIter forward(final long startMs, final long startSeq, final long endMs, final long endSeq) {
        init(false, startMs, startSeq, endMs, endSeq);
        abs = Math.max(s.head, s.nodeFor(startMs, startSeq));
        pos = -1;
        return this;
    }

    /** Starts a backward walk over [start, end], from end down. */
    public StreamIter backward(final long startMs, final long startSeq, final long endMs, final long endSeq) {
        init(true, startMs, startSeq, endMs, endSeq);
        abs = s.nodeFor(endMs, endSeq);
        left = -1;
        return this;
    }

    private void init(final boolean rev, final long sMs, final long sSeq, final long eMs, final long eSeq) {
        reverse = rev;
        startMs = sMs;
        startSeq = sSeq;
        endMs = eMs;
        endSeq = eSeq;
        done = StreamValue.compare(sMs, sSeq, eMs, eSeq) > 0;
    }

    public int fieldAt(final int i) {
        return fieldPos[i];
    }

    public int valueAt(final int i) {
        return valuePos[i];
    }

    /** Moves to the next live entry in range; false at the end. */
    public boolean next() {
        if (done) {
            return false;
        }
        return reverse ? prevEntry() : nextEntry();
    }

    private boolean nextEntry() {
        while (abs < s.end) {
            if (pos < 0) {
                node = s.nodes[abs];
                masterFields = StreamValue.masterFieldCount(node);
                pos = StreamValue.firstEntry(node);
            }
            while ((node[pos] & 0xff) != Listpack.EOF) {
                final int at = pos;
                pos = StreamValue.skipEntry(node, at, masterFields);
                if (!read(at)) {
                    continue;
                }
                if (StreamValue.compare(ms, seq, endMs, endSeq) > 0) {
                    done = true;
                    return false;
                }
                if (StreamValue.compare(ms, seq, startMs, startSeq) >= 0) {
                    return true;
                }
            }
            abs++;
            pos = -1;
        }
        done = true;
        return false;
    }

    private boolean prevEntry() {
        while (abs >= s.head) {
            if (left < 0) {
                node = s.nodes[abs];
                masterFields = StreamValue.masterFieldCount(node);
                left = 0;
                for (int p = StreamValue.firstEntry(node); (node[p] & 0xff) != Listpack.EOF;
                     p = StreamValue.skipEntry(node, p, masterFields)) {
                    if (left == starts.length) {
                        starts = Arrays.copyOf(starts, left << 1);
                    }
                    starts[left++] = p;
                }
            }
            while (left > 0) {
                if (!read(starts[--left])) {
                    continue;
                }
                if (StreamValue.compare(ms, seq, startMs, startSeq) < 0) {
                    done = true;
                    return false;
                }
                if (StreamValue.compare(ms, seq, endMs, endSeq) <= 0) {
                    return true;
                }
            }
            abs--;
            left = -1;
        }
        done = true;
        return false;
    }

    /** Reads the entry whose flags are at p; false when it is deleted. */
    private boolean read(final int p) {
        final long flags = Listpack.intValue(node, p);
        if ((flags & StreamValue.FLAG_DELETED) != 0) {
            return false;
        }
        int q = StreamValue.nx(node, p);
        ms = s.masterMs[abs] + Listpack.intValue(node, q);
        q = StreamValue.nx(node, q);
        seq = s.masterSeq[abs] + Listpack.intValue(node, q);
        q = StreamValue.nx(node, q);
        if ((flags & StreamValue.FLAG_SAMEFIELDS) != 0) {
            fields = masterFields;
            ensure(fields);
            int f = StreamValue.nx(node, StreamValue.nx(node, StreamValue.nx(node, Listpack.first(node, 0))));
            for (int i = 0; i < fields; i++) {
                fieldPos[i] = f;
                f = StreamValue.nx(node, f);
                valuePos[i] = q;
                q = StreamValue.nx(node, q);
            }
        } else {
            fields = (int) Listpack.intValue(node, q);
            ensure(fields);
            q = StreamValue.nx(node, q);
            for (int i = 0; i < fields; i++) {
                fieldPos[i] = q;
                q = StreamValue.nx(node, q);
                valuePos[i] = q;
                q = StreamValue.nx(node, q);
            }
        }
        return true;
    }

    private void ensure(final int n) {
        if (fieldPos.length < n) {
            fieldPos = new int[n];
            valuePos = new int[n];
        }
    }
}
