package io.moon.storage;

import io.moon.protocol.Numbers;

/**
 * Walks the members of a set in any of its three encodings, without copying them: an intset in
 * ascending order, a listpack in its order, a {@link MemberSet} in its dense order. After each
 * {@link #next()} the member is either an integer ({@link #isInt}, {@link #intValue}: intset
 * members and listpack entries stored as integers) or bytes ({@link #buf}, {@link #off},
 * {@link #len}); {@link #bytes()} turns an integer into its decimal digits when bytes are needed.
 *
 * <p>The set must not change while it is walked. One walker can be reset and reused; it holds
 * references into the page only until the next reset.
 */
public final class SetIter {
    private int kind;
    private byte[] page;
    private int base;
    private MemberSet set;
    private int index;
    private int count;
    private int pos;
    private final byte[] digits = new byte[Numbers.MAX_LONG_CHARS];

    /** The current member is an integer: {@link #intValue} holds it. */
    public boolean isInt;
    public long intValue;
    /** The current member's bytes, when not {@link #isInt} (or after {@link #bytes()}). */
    public byte[] buf;
    public int off;
    public int len;

    /** Walks the set stored at the entry {@code addr}. */
    public SetIter reset(final Db db, final long addr) {
        final int k = db.kind(addr);
        if (k == Entry.KIND_SET_HT) {
            return reset(k, null, 0, (MemberSet) db.object(addr));
        }
        return reset(k, db.page(addr), db.valueOffset(addr), null);
    }

    /** Walks a set given by its kind and either its packed blob (page, base) or its object. */
    public SetIter reset(final int kind, final byte[] page, final int base, final MemberSet set) {
        this.kind = kind;
        this.page = page;
        this.base = base;
        this.set = set;
        this.index = -1;
        this.pos = -1;
        this.count = switch (kind) {
            case Entry.KIND_SET_INTSET -> IntSet.length(page, base);
            case Entry.KIND_SET_LP -> Integer.MAX_VALUE; // walked to the end, the count may be unknown
            case Entry.KIND_SET_HT -> set.size();
            default -> throw new IllegalArgumentException("not a set kind: " + kind);
        };
        return this;
    }

    /** Moves to the next member; false at the end. */
    public boolean next() {
        index++;
        switch (kind) {
            case Entry.KIND_SET_INTSET -> {
                if (index >= count) {
                    return false;
                }
                isInt = true;
                intValue = IntSet.get(page, base, index);
            }
            case Entry.KIND_SET_LP -> {
                pos = pos < 0 ? Listpack.first(page, base) : Listpack.next(page, pos);
                if (pos < 0) {
                    return false;
                }
                loadListpackEntry();
            }
            default -> {
                if (index >= count) {
                    return false;
                }
                isInt = false;
                buf = set.member(index);
                off = 0;
                len = buf.length;
            }
        }
        return true;
    }

    /**
     * Positions on the member at {@code i} (0-based, in walking order) of the set; {@link #next()}
     * then goes on from there. O(1) for an intset or a MemberSet, a walk for a listpack.
     */
    public void seek(final int i) {
        switch (kind) {
            case Entry.KIND_SET_INTSET -> {
                index = i;
                isInt = true;
                intValue = IntSet.get(page, base, i);
            }
            case Entry.KIND_SET_LP -> {
                index = i;
                pos = Listpack.seek(page, base, i);
                loadListpackEntry();
            }
            default -> {
                index = i;
                isInt = false;
                buf = set.member(i);
                off = 0;
                len = buf.length;
            }
        }
    }

    private void loadListpackEntry() {
        isInt = Listpack.isInt(page, pos);
        if (isInt) {
            intValue = Listpack.intValue(page, pos);
        } else {
            buf = page;
            off = Listpack.strOffset(page, pos);
            len = Listpack.strLength(page, pos);
        }
    }

    /** Makes the current member available as bytes (an integer is printed into a scratch buffer). */
    public SetIter bytes() {
        if (isInt) {
            buf = digits;
            off = 0;
            len = Numbers.formatLong(intValue, digits, 0);
        }
        return this;
    }

    /** Length of the current member as a client sees it. */
    public int memberLength() {
        return isInt ? Numbers.digits(intValue) : len;
    }

    /** A copy of the current member's bytes; allocates. */
    public byte[] copy() {
        bytes();
        return java.util.Arrays.copyOfRange(buf, off, off + len);
    }

    /** Offset of the current listpack entry (listpack sets only): what {@link Listpack#delete} takes. */
    int listpackPos() {
        return pos;
    }
}
