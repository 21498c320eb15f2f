package io.moon.storage;

import io.moon.protocol.Numbers;

/**
 * Sets stored in a database entry, in Redis 7.2's three encodings, and the rules that move a set
 * from one to the next:
 * <ul>
 *   <li>{@link Entry#KIND_SET_INTSET}: every member an integer (string2ll's canonical form) and at
 *       most set-max-intset-entries of them; packed inline, ascending.</li>
 *   <li>{@link Entry#KIND_SET_LP}: at most set-max-listpack-entries members of at most
 *       set-max-listpack-value bytes; packed inline, in insertion order.</li>
 *   <li>{@link Entry#KIND_SET_HT}: a {@link MemberSet} object.</li>
 * </ul>
 * An intset that receives a non-integer becomes a listpack when the listpack limits allow (the
 * integers' digits counted as their length), otherwise a hash table; an intset that grows past
 * its limit becomes a hash table directly, and so does a listpack past its limits. Sets never
 * convert back on shrinking. These are t_set.c's rules (setTypeCreate, setTypeMaybeConvert,
 * setTypeAddAux), which the encodings OBJECT ENCODING reports depend on.
 *
 * <p>Methods that change a packed set may move its entry and return the new address. Adding or
 * removing reports nothing: callers compare {@link #size} before and after (O(1) in every
 * encoding). Static helpers only; called on the owning shard's thread.
 */
public final class SetValues {
    private static final byte[] EMPTY_INTSET = new byte[IntSet.EMPTY_BYTES];
    private static final byte[] EMPTY_LISTPACK = new byte[Listpack.EMPTY_BYTES];

    static {
        IntSet.init(EMPTY_INTSET, 0);
        Listpack.init(EMPTY_LISTPACK, 0);
    }

    /** What adding a member to a packed set takes (see {@link #planAdd}). */
    static final int PRESENT = 0;
    static final int ADD = 1;
    static final int TO_LISTPACK = 2;
    static final int TO_HT = 3;

    private SetValues() {
    }

    public static boolean isSetKind(final int kind) {
        return kind == Entry.KIND_SET_INTSET || kind == Entry.KIND_SET_LP || kind == Entry.KIND_SET_HT;
    }

    public static boolean isSet(final Db db, final long addr) {
        return isSetKind(db.kind(addr));
    }

    /** Number of members; O(1). */
    public static int size(final Db db, final long addr) {
        final int kind = db.kind(addr);
        if (kind == Entry.KIND_SET_HT) {
            return ((MemberSet) db.object(addr)).size();
        }
        return packedSize(kind, db.page(addr), db.valueOffset(addr));
    }

    static int packedSize(final int kind, final byte[] p, final int base) {
        return kind == Entry.KIND_SET_INTSET ? IntSet.length(p, base) : Listpack.count(p, base);
    }

    /** True when b[off, off+len) is a member of the set at addr. */
    public static boolean contains(final Db db, final long addr, final byte[] b, final int off, final int len) {
        final int kind = db.kind(addr);
        if (kind == Entry.KIND_SET_HT) {
            return ((MemberSet) db.object(addr)).contains(b, off, len);
        }
        return packedContains(kind, db.page(addr), db.valueOffset(addr), b, off, len);
    }

    static boolean packedContains(final int kind, final byte[] p, final int base, final byte[] b, final int off,
                                  final int len) {
        if (kind == Entry.KIND_SET_INTSET) {
            final long v = Numbers.parseLong(b, off, len, Long.MIN_VALUE);
            return (v != Long.MIN_VALUE || Numbers.isLongMin(b, off, len)) && IntSet.contains(p, base, v);
        }
        return Listpack.find(p, Listpack.first(p, base), b, off, len, 0) >= 0;
    }

    // ---- creating --------------------------------------------------------------------------------

    /**
     * Inserts an empty set under the key (which must not exist), in the encoding Redis's
     * setTypeCreate picks for a first member m and about {@code sizeHint} members to come: an intset
     * when m is an integer and the hint fits one, a listpack when the hint fits one, a hash table
     * otherwise. The caller adds the members at once (an empty set must not stay).
     */
    public static long create(final Db db, final byte[] k, final int ko, final int kl, final long h, final byte[] m,
                              final int mo, final int ml, final long sizeHint, final SetLimits lim) {
        if (Numbers.isLong(m, mo, ml) && sizeHint <= lim.intsetEntries()) {
            return db.insertPacked(k, ko, kl, h, Entry.KIND_SET_INTSET, EMPTY_INTSET, 0, EMPTY_INTSET.length);
        }
        if (sizeHint <= lim.listpackEntries()) {
            return db.insertPacked(k, ko, kl, h, Entry.KIND_SET_LP, EMPTY_LISTPACK, 0, EMPTY_LISTPACK.length);
        }
        return db.insertObject(k, ko, kl, h, Entry.KIND_SET_HT, new MemberSet(capacity(sizeHint)));
    }

    /**
     * Redis's setTypeMaybeConvert: before adding about {@code sizeHint} members, a packed set whose
     * limit the hint exceeds becomes a hash table (even if most of them turn out to be there
     * already). Returns the entry's address.
     */
    public static long maybeConvert(final Db db, final long addr, final long h, final long sizeHint,
                                    final SetLimits lim) {
        final int kind = db.kind(addr);
        if ((kind == Entry.KIND_SET_LP && sizeHint > lim.listpackEntries())
                || (kind == Entry.KIND_SET_INTSET && sizeHint > lim.intsetEntries())) {
            final MemberSet s = toMemberSet(kind, db.page(addr), db.valueOffset(addr), sizeHint);
            return db.convert(addr, h, Entry.KIND_SET_HT, s, null, 0, 0);
        }
        return addr;
    }

    private static int capacity(final long hint) {
        return (int) Math.min(hint, 1 << 30);
    }

    // ---- adding and removing -------------------------------------------------------------------

    /**
     * Decides what adding m to a packed set takes, as setTypeAddAux does: nothing when it is a
     * member, an in-place add while the encoding's limits hold, otherwise a conversion first.
     */
    static int planAdd(final int kind, final byte[] p, final int base, final byte[] m, final int mo, final int ml,
                       final SetLimits lim) {
        if (kind == Entry.KIND_SET_INTSET) {
            final int n = IntSet.length(p, base);
            final long v = Numbers.parseLong(m, mo, ml, Long.MIN_VALUE);
            if (v != Long.MIN_VALUE || Numbers.isLongMin(m, mo, ml)) {
                if (IntSet.contains(p, base, v)) {
                    return PRESENT;
                }
                return n + 1L > lim.intsetEntries() ? TO_HT : ADD;
            }
            // would a listpack hold every integer (printed) and m? Redis bounds them by the widest end
            final int widest = n == 0 ? 0
                    : Math.max(Numbers.digits(IntSet.min(p, base)), Numbers.digits(IntSet.max(p, base)));
            return n < lim.listpackEntries() && ml <= lim.listpackValue() && widest <= lim.listpackValue()
                    ? TO_LISTPACK : TO_HT;
        }
        if (Listpack.find(p, Listpack.first(p, base), m, mo, ml, 0) >= 0) {
            return PRESENT;
        }
        return Listpack.count(p, base) < lim.listpackEntries() && ml <= lim.listpackValue() ? ADD : TO_HT;
    }

    /**
     * Adds b[off, off+len) to the set at addr (converting it as Redis would) and returns the
     * entry's address. Nothing changes when it is a member already.
     */
    public static long add(final Db db, final long addr, final long h, final byte[] b, final int off, final int len,
                           final SetLimits lim) {
        final int kind = db.kind(addr);
        if (kind == Entry.KIND_SET_HT) {
            ((MemberSet) db.object(addr)).add(b, off, len);
            return addr;
        }
        final byte[] p = db.page(addr);
        final int base = db.valueOffset(addr);
        switch (planAdd(kind, p, base, b, off, len, lim)) {
            case PRESENT -> {
                return addr;
            }
            case ADD -> {
                if (kind == Entry.KIND_SET_INTSET) {
                    final long v = Numbers.parseLong(b, off, len, 0);
                    final long a = db.resizePacked(addr, h, IntSet.bytesAfterAdd(p, base, v));
                    IntSet.add(db.page(a), db.valueOffset(a), v);
                    return a;
                }
                final long a = db.resizePacked(addr, h, Listpack.totalBytes(p, base) + Listpack.encodedSize(b, off, len));
                final byte[] np = db.page(a);
                final int nb = db.valueOffset(a);
                Listpack.insert(np, nb, Listpack.eofOffset(np, nb), b, off, len);
                return a;
            }
            case TO_LISTPACK -> {
                final byte[] lp = intsetToListpack(p, base, Listpack.encodedSize(b, off, len));
                Listpack.insert(lp, 0, Listpack.eofOffset(lp, 0), b, off, len);
                return db.convert(addr, h, Entry.KIND_SET_LP, null, lp, 0, lp.length);
            }
            default -> {
                final MemberSet s = toMemberSet(kind, p, base, packedSize(kind, p, base) + 1L);
                s.add(b, off, len);
                return db.convert(addr, h, Entry.KIND_SET_HT, s, null, 0, 0);
            }
        }
    }

    /**
     * Removes b[off, off+len) from the set at addr and returns the entry's address; nothing
     * changes when it is not a member. A set left empty stays: the caller deletes the key.
     */
    public static long remove(final Db db, final long addr, final long h, final byte[] b, final int off,
                              final int len) {
        final int kind = db.kind(addr);
        if (kind == Entry.KIND_SET_HT) {
            ((MemberSet) db.object(addr)).remove(b, off, len);
            return addr;
        }
        final byte[] p = db.page(addr);
        final int base = db.valueOffset(addr);
        if (kind == Entry.KIND_SET_INTSET) {
            final long v = Numbers.parseLong(b, off, len, Long.MIN_VALUE);
            if ((v != Long.MIN_VALUE || Numbers.isLongMin(b, off, len)) && IntSet.remove(p, base, v)) {
                return db.resizePacked(addr, h, IntSet.totalBytes(p, base));
            }
            return addr;
        }
        final int at = Listpack.find(p, Listpack.first(p, base), b, off, len, 0);
        if (at < 0) {
            return addr;
        }
        Listpack.delete(p, base, at);
        return db.resizePacked(addr, h, Listpack.totalBytes(p, base));
    }

    /**
     * Removes the member at position i (in {@link SetIter} order) and returns the entry's address.
     * In a hash table the last member moves to position i.
     */
    public static long removeAt(final Db db, final long addr, final long h, final int i) {
        final int kind = db.kind(addr);
        if (kind == Entry.KIND_SET_HT) {
            ((MemberSet) db.object(addr)).removeAt(i);
            return addr;
        }
        final byte[] p = db.page(addr);
        final int base = db.valueOffset(addr);
        if (kind == Entry.KIND_SET_INTSET) {
            IntSet.remove(p, base, IntSet.get(p, base, i));
            return db.resizePacked(addr, h, IntSet.totalBytes(p, base));
        }
        Listpack.delete(p, base, Listpack.seek(p, base, i));
        return db.resizePacked(addr, h, Listpack.totalBytes(p, base));
    }

    // ---- conversions ---------------------------------------------------------------------------

    /** A hash table holding the members of a packed set, sized for {@code capacity} members. */
    static MemberSet toMemberSet(final int kind, final byte[] p, final int base, final long capacity) {
        final MemberSet s = new MemberSet(capacity(Math.max(capacity, packedSize(kind, p, base))));
        final SetIter it = new SetIter().reset(kind, p, base, null);
        while (it.next()) {
            s.addOwned(it.copy());
        }
        return s;
    }

    /** A listpack of an intset's members, in an array with {@code extra} bytes of room after it. */
    static byte[] intsetToListpack(final byte[] p, final int base, final int extra) {
        final int n = IntSet.length(p, base);
        int size = Listpack.EMPTY_BYTES;
        for (int i = 0; i < n; i++) {
            size += Listpack.encodedSizeLong(IntSet.get(p, base, i));
        }
        final byte[] lp = new byte[size + extra];
        Listpack.init(lp, 0);
        for (int i = 0; i < n; i++) {
            Listpack.insertLong(lp, 0, Listpack.eofOffset(lp, 0), IntSet.get(p, base, i));
        }
        return lp;
    }
}
