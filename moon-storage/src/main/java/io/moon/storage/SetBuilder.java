package io.moon.storage;

import java.util.Arrays;

/**
 * A set being built outside any database: the result of SUNION/SDIFF/SINTER...STORE, or what SPOP
 * keeps when it pops most of a set. It starts in the encoding Redis starts such a set in and
 * follows the same conversion rules as a stored set ({@link SetValues}), member by member, so
 * the set it finally stores has the encoding Redis 7.2 would give it, and replies that walk it
 * come out in Redis's order (ascending for an intset, insertion order for a listpack).
 *
 * <p>A packed set lives in a private array with room to grow (doubling); a hash-table set is a
 * {@link MemberSet}. {@link #store} copies the packed bytes into the entry, or hands the object
 * over (the builder is then spent). Allocates: for multi-key commands, not for the hot path.
 */
public final class SetBuilder {
    private final SetLimits lim;
    private int kind;
    private byte[] blob;
    private MemberSet set;

    /** An empty set of the given kind (an intset, a listpack or a hash table). */
    public SetBuilder(final int kind, final SetLimits lim) {
        this.lim = lim;
        this.kind = kind;
        switch (kind) {
            case Entry.KIND_SET_INTSET -> {
                blob = new byte[64];
                IntSet.init(blob, 0);
            }
            case Entry.KIND_SET_LP -> {
                blob = new byte[64];
                Listpack.init(blob, 0);
            }
            case Entry.KIND_SET_HT -> set = new MemberSet();
            default -> throw new IllegalArgumentException("not a set kind: " + kind);
        }
    }

    public int kind() {
        return kind;
    }

    public int size() {
        return set != null ? set.size() : SetValues.packedSize(kind, blob, 0);
    }

    private int packedBytes() {
        return kind == Entry.KIND_SET_INTSET ? IntSet.totalBytes(blob, 0) : Listpack.totalBytes(blob, 0);
    }

    private void room(final int bytes) {
        if (bytes > blob.length) {
            blob = Arrays.copyOf(blob, Math.max(bytes, blob.length * 2));
        }
    }

    public boolean contains(final byte[] b, final int off, final int len) {
        return set != null ? set.contains(b, off, len) : SetValues.packedContains(kind, blob, 0, b, off, len);
    }

    /** Adds b[off, off+len) as setTypeAddAux would; false when it was a member already. */
    public boolean add(final byte[] b, final int off, final int len) {
        if (set != null) {
            return set.add(b, off, len);
        }
        switch (SetValues.planAdd(kind, blob, 0, b, off, len, lim)) {
            case SetValues.PRESENT -> {
                return false;
            }
            case SetValues.ADD -> {
                if (kind == Entry.KIND_SET_INTSET) {
                    final long v = io.moon.protocol.Numbers.parseLong(b, off, len, 0);
                    room(IntSet.bytesAfterAdd(blob, 0, v));
                    IntSet.add(blob, 0, v);
                } else {
                    room(Listpack.totalBytes(blob, 0) + Listpack.encodedSize(b, off, len));
                    Listpack.insert(blob, 0, Listpack.eofOffset(blob, 0), b, off, len);
                }
                return true;
            }
            case SetValues.TO_LISTPACK -> {
                final int extra = Listpack.encodedSize(b, off, len);
                blob = SetValues.intsetToListpack(blob, 0, Math.max(extra, 64));
                kind = Entry.KIND_SET_LP;
                Listpack.insert(blob, 0, Listpack.eofOffset(blob, 0), b, off, len);
                return true;
            }
            default -> {
                set = SetValues.toMemberSet(kind, blob, 0, size() + 1L);
                blob = null;
                kind = Entry.KIND_SET_HT;
                return set.add(b, off, len);
            }
        }
    }

    /** Adds the walker's current member. */
    public boolean add(final SetIter it) {
        it.bytes();
        return add(it.buf, it.off, it.len);
    }

    /** Removes b[off, off+len); false when it was not a member. The encoding never changes back. */
    public boolean remove(final byte[] b, final int off, final int len) {
        if (set != null) {
            return set.remove(b, off, len);
        }
        if (kind == Entry.KIND_SET_INTSET) {
            final long v = io.moon.protocol.Numbers.parseLong(b, off, len, Long.MIN_VALUE);
            return (v != Long.MIN_VALUE || io.moon.protocol.Numbers.isLongMin(b, off, len)) && IntSet.remove(blob, 0, v);
        }
        final int at = Listpack.find(blob, Listpack.first(blob, 0), b, off, len, 0);
        if (at < 0) {
            return false;
        }
        Listpack.delete(blob, 0, at);
        return true;
    }

    public boolean remove(final SetIter it) {
        it.bytes();
        return remove(it.buf, it.off, it.len);
    }

    /**
     * Redis's maybeConvertToIntset, for a set known to hold only integers: becomes an intset when
     * it is not one and has at most set-max-intset-entries members.
     */
    public void toIntsetIfSmall() {
        if (kind == Entry.KIND_SET_INTSET || size() > lim.intsetEntries()) {
            return;
        }
        final SetIter it = iter(new SetIter());
        byte[] is = new byte[IntSet.EMPTY_BYTES + 8 * size()];
        IntSet.init(is, 0);
        while (it.next()) {
            final long v = it.isInt ? it.intValue
                    : io.moon.protocol.Numbers.parseLong(it.buf, it.off, it.len, 0);
            IntSet.add(is, 0, v);
        }
        is = Arrays.copyOf(is, IntSet.totalBytes(is, 0));
        blob = is;
        set = null;
        kind = Entry.KIND_SET_INTSET;
    }

    /** Walks the members being built. */
    public SetIter iter(final SetIter it) {
        return it.reset(kind, blob, 0, set);
    }

    /**
     * Makes the set the value of the existing entry at addr in place of what it holds (keeping
     * the key's expiry) and returns the entry's address; the builder is spent.
     */
    public long replace(final Db db, final long addr, final long h) {
        if (set != null) {
            final MemberSet s = set;
            set = null;
            return db.convert(addr, h, Entry.KIND_SET_HT, s, null, 0, 0);
        }
        return db.convert(addr, h, kind, null, blob, 0, packedBytes());
    }

    /** Inserts the set under the key (which must not exist) and returns its address; the builder is spent. */
    public long store(final Db db, final byte[] k, final int ko, final int kl, final long h) {
        if (set != null) {
            final MemberSet s = set;
            set = null;
            return db.insertObject(k, ko, kl, h, Entry.KIND_SET_HT, s);
        }
        return db.insertPacked(k, ko, kl, h, kind, blob, 0, packedBytes());
    }
}
