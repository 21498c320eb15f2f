package io.moon.storage;

import java.util.Arrays;

/**
 * A position on one element of a list, in either encoding, for reading: the element is the
 * listpack entry at {@link #offset()} of {@link #bytes()} (the slab page for a packed list, a node
 * for a quicklist), so readers use {@link Listpack}'s entry accessors on it.
 *
 * <p>A cursor is valid until the list changes. One is reused for every command its thread runs,
 * so reading a list allocates nothing. Owned by one thread; not thread-safe.
 */
public final class ListCursor {
    /** Elements longer than this are copied into an array of their own, not kept in the scratch. */
    private static final int SCRATCH_KEEP_BYTES = 64 * 1024;

    private byte[] b;
    private int p = -1;
    private int base;
    private QuickList ql;
    private int node;
    private byte[] scratch = new byte[64];

    /** Positions the cursor on element {@code index} (0 &lt;= index &lt; length) of the list at a. */
    public ListCursor seek(final Db db, final long a, final long index) {
        if (db.kind(a) == Entry.KIND_LIST_LP) {
            ql = null;
            b = db.page(a);
            base = db.valueOffset(a);
            p = Listpack.seek(b, base, index);
        } else {
            ql = (QuickList) db.object(a);
            final long loc = ql.locate(index);
            node = (int) (loc >>> 32);
            b = ql.node(node);
            base = 0;
            p = Listpack.seek(b, 0, (int) loc);
        }
        return this;
    }

    /** Whether the cursor is on an element (false once it moved past either end). */
    public boolean valid() {
        return p >= 0;
    }

    /** The array holding the current element's listpack entry. */
    public byte[] bytes() {
        return b;
    }

    /** The offset of the current element's entry in {@link #bytes()}. */
    public int offset() {
        return p;
    }

    /** Moves towards the tail; false when there is no next element. */
    public boolean next() {
        p = Listpack.next(b, p);
        if (p < 0 && ql != null && node + 1 < ql.nodeCount()) {
            b = ql.node(++node);
            p = Listpack.first(b, 0);
        }
        return p >= 0;
    }

    /** Moves towards the head; false when there is no previous element. */
    public boolean prev() {
        p = Listpack.prev(b, base, p);
        if (p < 0 && ql != null && node > 0) {
            b = ql.node(--node);
            p = Listpack.last(b, 0);
        }
        return p >= 0;
    }

    /** Moves one step in the given direction. */
    public boolean step(final boolean forward) {
        return forward ? next() : prev();
    }

    /** Whether the current element equals k[ko, ko+kl). */
    public boolean equalsBytes(final byte[] k, final int ko, final int kl) {
        return Listpack.equalsBytes(b, p, k, ko, kl);
    }

    /** Whether the current element is stored as an integer. */
    public boolean isInt() {
        return Listpack.isInt(b, p);
    }

    /** Whether the list the cursor is on is a quicklist (as opposed to a packed listpack). */
    public boolean inQuickList() {
        return ql != null;
    }

    /**
     * Copies the current element's bytes (an integer as its decimal) into an array this cursor
     * owns and returns it; the element is its first {@link Listpack#elementLength} bytes. The
     * copy survives changes to the list but not the next call. An element longer than 64 KB gets
     * an array of its own, so one huge element does not stay referenced.
     */
    public byte[] copy() {
        final int n = Listpack.elementLength(b, p);
        final byte[] dst;
        if (n > SCRATCH_KEEP_BYTES) {
            dst = new byte[n];
        } else {
            if (n > scratch.length) {
                scratch = new byte[Math.max(n, scratch.length * 2)];
            }
            dst = scratch;
        }
        Listpack.copyTo(b, p, dst, 0);
        return dst;
    }

    /** The current element's bytes in an array of their own (allocates; cross-shard moves, tests). */
    public byte[] toBytes() {
        final byte[] c = copy();
        return Arrays.copyOf(c, Listpack.elementLength(b, p));
    }

    /** Length of the current element as a client sees it. */
    public int length() {
        return Listpack.elementLength(b, p);
    }
}
