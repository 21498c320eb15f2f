package io.moon.storage;

import io.moon.protocol.Request;

import java.util.Arrays;

/**
 * List values in both of Redis 7.2's encodings, and the moments a list changes encoding:
 * <ul>
 *   <li><b>listpack</b> ({@link Entry#KIND_LIST_LP}): the whole list is one listpack inside the
 *       entry, right after the key. Small lists cost their elements and a few bytes.</li>
 *   <li><b>quicklist</b> ({@link Entry#KIND_LIST_QL}): a {@link QuickList} object of listpack
 *       nodes, once the list outgrows list-max-listpack-size.</li>
 * </ul>
 * Conversions follow t_list.c of Redis 7.2 (listTypeTryConvertListpack and
 * listTypeTryConvertQuicklist):
 * <ul>
 *   <li>Before elements are added (push, LINSERT, LSET, the push half of LMOVE), a packed list
 *       becomes a quicklist when its bytes plus the new elements' raw lengths, or its count plus
 *       theirs, would be over the limit: the check is made on the way in, for the whole batch,
 *       even if the element then is not added (LINSERT with a missing pivot, LSET out of range).</li>
 *   <li>After elements are removed (pops, LREM, LTRIM, a successful LSET), a quicklist left with a
 *       single node goes back to a packed list when that node is within half the limit (half
 *       the bytes and half the count), so a list near the threshold does not flip at every
 *       change.</li>
 *   <li>A list built whole (SORT ... STORE) takes the packed form when one node of full limit
 *       holds it ({@link #store}).</li>
 * </ul>
 * An emptied list is deleted: Redis has no empty lists.
 *
 * <p>Static helpers over a {@link Db}, on the owning shard thread. Mutators may move the entry and
 * return its new address; after one returns 0 (deleted) or says it may have deleted the key, the
 * old address must not be used.
 */
public final class ListValues {
    private ListValues() {
    }

    /** Whether the entry at a holds a list. */
    public static boolean isList(final Db db, final long a) {
        final int k = db.kind(a);
        return k == Entry.KIND_LIST_LP || k == Entry.KIND_LIST_QL;
    }

    /** Number of elements of the list at a. */
    public static long length(final Db db, final long a) {
        if (db.kind(a) == Entry.KIND_LIST_LP) {
            return Listpack.count(db.page(a), db.valueOffset(a));
        }
        return ((QuickList) db.object(a)).count();
    }

    // ---- adding --------------------------------------------------------------------------------

    /**
     * LPUSH / RPUSH: pushes the request's arguments {@code from..to} one after the other at the
     * head ({@code left}) or the tail of the list at {@code a}, creating the list under the key
     * when {@code a} is 0. Returns the list's address.
     */
    public static long push(final Db db, long a, final byte[] k, final int ko, final int kl, final long h,
                            final boolean left, final Request r, final int from, final int to, final int fill) {
        final byte[] src = r.buf();
        long rawBytes = 0;
        long growth = 0;
        for (int i = from; i <= to; i++) {
            rawBytes += r.len(i);
            growth += Listpack.encodedSize(src, r.off(i), r.len(i));
        }
        final int n = to - from + 1;
        if (a == 0) {
            a = create(db, k, ko, kl, h, rawBytes, n, growth, fill);
        } else {
            a = convertForGrowth(db, a, h, rawBytes, n, fill);
        }
        if (db.kind(a) == Entry.KIND_LIST_QL) {
            final QuickList ql = (QuickList) db.object(a);
            for (int i = from; i <= to; i++) {
                if (left) {
                    ql.pushHead(src, r.off(i), r.len(i));
                } else {
                    ql.pushTail(src, r.off(i), r.len(i));
                }
            }
            return a;
        }
        a = db.resizePacked(a, h, Math.toIntExact(db.valueLength(a) + growth));
        final byte[] b = db.page(a);
        final int base = db.valueOffset(a);
        for (int i = from; i <= to; i++) {
            Listpack.insert(b, base, left ? base + Listpack.HEADER_BYTES : Listpack.eofOffset(b, base),
                    src, r.off(i), r.len(i));
        }
        return a;
    }

    /**
     * Pushes one element e[eo, eo+el) (the push half of LMOVE), creating the list when a is 0.
     * {@code rawBytes} is what the conversion check counts for it: its length, except that Redis
     * counts 0 for an integer just popped from a quicklist (it travels as an integer object, whose
     * length the check does not look at). Returns the list's address.
     */
    public static long pushOne(final Db db, long a, final byte[] k, final int ko, final int kl, final long h,
                               final boolean left, final byte[] e, final int eo, final int el, final long rawBytes,
                               final int fill) {
        final int size = Listpack.encodedSize(e, eo, el);
        if (a == 0) {
            a = create(db, k, ko, kl, h, rawBytes, 1, size, fill);
        } else {
            a = convertForGrowth(db, a, h, rawBytes, 1, fill);
        }
        if (db.kind(a) == Entry.KIND_LIST_QL) {
            final QuickList ql = (QuickList) db.object(a);
            if (left) {
                ql.pushHead(e, eo, el);
            } else {
                ql.pushTail(e, eo, el);
            }
            return a;
        }
        a = db.resizePacked(a, h, db.valueLength(a) + size);
        final byte[] b = db.page(a);
        final int base = db.valueOffset(a);
        Listpack.insert(b, base, left ? base + Listpack.HEADER_BYTES : Listpack.eofOffset(b, base), e, eo, el);
        return a;
    }

    /**
     * A new, empty list under the key, in the encoding it needs to take {@code n} elements of
     * {@code rawBytes} in all: Redis creates a listpack and converts it before the push when the
     * batch is already too big. A packed one gets a slot with room for the batch's
     * {@code packedGrowth} bytes, so filling it does not move the entry.
     */
    private static long create(final Db db, final byte[] k, final int ko, final int kl, final long h,
                               final long rawBytes, final int n, final long packedGrowth, final int fill) {
        if (QuickList.exceedsLimit(fill, Listpack.EMPTY_BYTES + rawBytes, n)) {
            return db.insertObject(k, ko, kl, h, Entry.KIND_LIST_QL, new QuickList(fill));
        }
        final long a = db.insert(k, ko, kl, h,
                Entry.sizeFor(kl, Entry.KIND_LIST_LP, Math.toIntExact(Listpack.EMPTY_BYTES + packedGrowth), false),
                Entry.KIND_LIST_LP);
        Listpack.init(db.page(a), db.valueOffset(a));
        return a;
    }

    /**
     * listTypeTryConvertListpack: turns the packed list at a into a quicklist when adding n
     * elements of {@code rawBytes} in all would take it over the limit. Returns the address.
     */
    static long convertForGrowth(final Db db, final long a, final long h, final long rawBytes, final long n,
                                 final int fill) {
        if (db.kind(a) != Entry.KIND_LIST_LP) {
            return a;
        }
        final byte[] b = db.page(a);
        final int base = db.valueOffset(a);
        final int total = Listpack.totalBytes(b, base);
        final int count = Listpack.count(b, base);
        if (!QuickList.exceedsLimit(fill, total + rawBytes, count + n)) {
            return a;
        }
        final QuickList ql = new QuickList(fill);
        if (count > 0) {
            ql.appendListpack(Arrays.copyOfRange(b, base, base + total), count);
        }
        return db.convert(a, h, Entry.KIND_LIST_QL, ql, null, 0, 0);
    }

    /**
     * listTypeTryConvertQuicklist: a quicklist of one node becomes a packed list again when the
     * node is within the limit, or within half of it when {@code shrinking}. Returns the address.
     */
    static long convertBack(final Db db, final long a, final long h, final boolean shrinking, final int fill) {
        if (db.kind(a) != Entry.KIND_LIST_QL) {
            return a;
        }
        final QuickList ql = (QuickList) db.object(a);
        if (ql.nodeCount() != 1) {
            return a;
        }
        long sizeLimit = QuickList.sizeLimit(fill);
        long countLimit = QuickList.countLimit(fill);
        if (shrinking) {
            sizeLimit /= 2;
            countLimit /= 2;
        }
        final byte[] node = ql.node(0);
        final int bytes = Listpack.totalBytes(node, 0);
        if (bytes > sizeLimit || ql.count() > countLimit) {
            return a;
        }
        return db.convert(a, h, Entry.KIND_LIST_LP, null, node, 0, bytes);
    }

    /**
     * LINSERT: inserts e before or after the first element equal to the pivot, scanning from the
     * head. Returns the list's address, or 0 when no element equals the pivot (the list is then
     * unchanged, though it may have become a quicklist: Redis converts before it looks).
     */
    public static long insert(final Db db, long a, final long h, final boolean after, final byte[] pv, final int po,
                              final int pl, final byte[] e, final int eo, final int el, final int fill) {
        a = convertForGrowth(db, a, h, el, 1, fill);
        if (db.kind(a) == Entry.KIND_LIST_QL) {
            final QuickList ql = (QuickList) db.object(a);
            for (int i = 0; i < ql.nodeCount(); i++) {
                final byte[] b = ql.node(i);
                int at = 0;
                for (int p = Listpack.first(b, 0); p >= 0; p = Listpack.next(b, p), at++) {
                    if (Listpack.equalsBytes(b, p, pv, po, pl)) {
                        ql.insert(i, at, after, e, eo, el);
                        return a;
                    }
                }
            }
            return 0;
        }
        byte[] b = db.page(a);
        int base = db.valueOffset(a);
        final int p = Listpack.find(b, Listpack.first(b, base), pv, po, pl, 0);
        if (p < 0) {
            return 0;
        }
        final int rel = (after ? p + Listpack.entrySize(b, p) : p) - base;
        a = db.resizePacked(a, h, Listpack.totalBytes(b, base) + Listpack.encodedSize(e, eo, el));
        b = db.page(a);
        base = db.valueOffset(a);
        Listpack.insert(b, base, base + rel, e, eo, el);
        return a;
    }

    /**
     * LSET: replaces element {@code index} (negative counts from the tail). Returns the list's
     * address, or 0 when the index is out of range (the list is unchanged, though it may have
     * become a quicklist, as in Redis).
     */
    public static long set(final Db db, long a, final long h, long index, final byte[] e, final int eo, final int el,
                           final int fill) {
        a = convertForGrowth(db, a, h, el, 1, fill);
        final long len = length(db, a);
        if (index < 0) {
            index += len;
        }
        if (index < 0 || index >= len) {
            return 0;
        }
        if (db.kind(a) == Entry.KIND_LIST_QL) {
            ((QuickList) db.object(a)).replace(index, e, eo, el);
            return convertBack(db, a, h, true, fill);
        }
        byte[] b = db.page(a);
        int base = db.valueOffset(a);
        final int rel = Listpack.seek(b, base, index) - base;
        final int total = Listpack.totalBytes(b, base);
        final int growth = Listpack.replaceGrowth(b, base + rel, e, eo, el);
        if (growth > 0) {
            a = db.resizePacked(a, h, total + growth);
            b = db.page(a);
            base = db.valueOffset(a);
        }
        Listpack.replace(b, base, base + rel, e, eo, el);
        return growth < 0 ? db.resizePacked(a, h, total + growth) : a;
    }

    // ---- removing ------------------------------------------------------------------------------

    /**
     * Deletes n elements from {@code start} on (0 &lt;= start &lt; length, n &gt;= 1, cut at the
     * end). Leaves the list possibly empty and in its encoding: follow with
     * {@link #afterRemoval}. Returns the address (unchanged).
     */
    public static long deleteRange(final Db db, final long a, final long start, final long n) {
        if (db.kind(a) == Entry.KIND_LIST_QL) {
            ((QuickList) db.object(a)).deleteRange(start, n);
            return a;
        }
        final byte[] b = db.page(a);
        final int base = db.valueOffset(a);
        Listpack.deleteRange(b, base, Listpack.seek(b, base, start), (int) Math.min(n, Integer.MAX_VALUE));
        return a;
    }

    /**
     * After elements were removed: deletes the key if the list is empty (returns 0), otherwise
     * lets a small quicklist become packed again and a packed one give back slot room. Returns
     * the address.
     */
    public static long afterRemoval(final Db db, final long a, final long h, final int fill) {
        if (length(db, a) == 0) {
            db.unlinkAndFree(a, h);
            return 0;
        }
        if (db.kind(a) == Entry.KIND_LIST_QL) {
            return convertBack(db, a, h, true, fill);
        }
        return db.resizePacked(a, h, db.valueLength(a));
    }

    /**
     * LREM: removes up to |count| elements equal to e, from the head (count &gt; 0), from the tail
     * (count &lt; 0), or all (0). Returns how many went; the key may have been deleted or moved.
     */
    public static long remove(final Db db, final long a, final long h, final long count, final byte[] e, final int eo,
                              final int el, final int fill) {
        final long limit = count == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(count);
        final long removed;
        if (db.kind(a) == Entry.KIND_LIST_QL) {
            removed = ((QuickList) db.object(a)).removeMatches(e, eo, el, limit, count < 0);
        } else {
            removed = removePacked(db.page(a), db.valueOffset(a), e, eo, el, limit, count < 0);
        }
        if (removed > 0) {
            afterRemoval(db, a, h, fill);
        }
        return removed;
    }

    private static long removePacked(final byte[] b, final int base, final byte[] e, final int eo, final int el,
                                     final long limit, final boolean fromTail) {
        long removed = 0;
        if (fromTail) {
            int p = Listpack.last(b, base);
            while (p >= 0 && (limit == 0 || removed < limit)) {
                final int prev = Listpack.prev(b, base, p);
                if (Listpack.equalsBytes(b, p, e, eo, el)) {
                    Listpack.delete(b, base, p);
                    removed++;
                }
                p = prev;
            }
            return removed;
        }
        int p = Listpack.first(b, base);
        while (p >= 0 && (limit == 0 || removed < limit)) {
            p = Listpack.find(b, p, e, eo, el, 0);
            if (p < 0) {
                break;
            }
            p = Listpack.delete(b, base, p);
            removed++;
            if ((b[p] & 0xff) == Listpack.EOF) {
                p = -1;
            }
        }
        return removed;
    }

    /**
     * LTRIM: keeps elements start..stop (inclusive; negative counts from the tail), deleting the
     * key when nothing is left. Returns the address, or 0 when the key was deleted.
     */
    public static long trim(final Db db, long a, final long h, final long start, final long stop, final int fill) {
        final long len = length(db, a);
        final long keep = Ranks.count(start, stop, len);
        final long left = keep == 0 ? len : Ranks.first(start, len);
        final long right = keep == 0 ? 0 : len - left - keep;
        if (left > 0) {
            a = deleteRange(db, a, 0, left);
        }
        if (right > 0) {
            a = deleteRange(db, a, len - left - right, right);
        }
        return afterRemoval(db, a, h, fill);
    }

    // ---- building ------------------------------------------------------------------------------

    /**
     * Stores a list built whole (SORT ... STORE) under a key that must not exist: elements pushed
     * at the tail of a quicklist, which becomes packed when a single node of full limit holds
     * them (LIST_CONV_AUTO). {@code n} &gt;= 1. Returns the address.
     */
    public static long store(final Db db, final byte[] k, final int ko, final int kl, final long h,
                             final byte[][] elements, final int n, final int fill) {
        final QuickList ql = new QuickList(fill);
        for (int i = 0; i < n; i++) {
            ql.pushTail(elements[i], 0, elements[i].length);
        }
        final long a = db.insertObject(k, ko, kl, h, Entry.KIND_LIST_QL, ql);
        return convertBack(db, a, h, false, fill);
    }
}
