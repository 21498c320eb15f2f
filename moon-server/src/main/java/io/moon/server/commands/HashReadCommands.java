package io.moon.server.commands;

import io.moon.protocol.Numbers;
import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.storage.Db;
import io.moon.storage.Glob;
import io.moon.storage.HashTable;
import io.moon.storage.HashValues;
import io.moon.storage.Listpack;

import java.util.Arrays;
import java.util.SplittableRandom;

import static io.moon.server.commands.HashCommands.WRONG_TYPE;
import static io.moon.server.commands.HashCommands.lookup;
import static io.moon.server.commands.HashCommands.replyElement;

/**
 * Hash commands that read many fields: HGETALL, HKEYS, HVALS, HRANDFIELD and HSCAN, with Redis
 * 7.2's replies (RESP3: HGETALL is a map, HRANDFIELD ... WITHVALUES an array of pairs). A packed
 * hash is walked in its listpack order, a table in slot order; HSCAN over a table uses Redis's
 * reverse-binary bucket cursor, and answers a packed hash whole with cursor 0, as Redis does.
 */
public final class HashReadCommands {
    private HashReadCommands() {
    }

    private static final byte[] WITHVALUES = {'W', 'I', 'T', 'H', 'V', 'A', 'L', 'U', 'E', 'S'};
    private static final byte[] MATCH = {'M', 'A', 'T', 'C', 'H'};
    private static final byte[] COUNT = {'C', 'O', 'U', 'N', 'T'};
    private static final byte[] EMPTY_SCAN = Reply.ascii("*2\r\n$1\r\n0\r\n*0\r\n");
    /** HRANDFIELD's "sub" strategy threshold (HRANDFIELD_SUB_STRATEGY_MUL). */
    private static final int SUB_STRATEGY_MUL = 3;

    private static final int KEYS = 1;
    private static final int VALUES = 2;

    // HGETALL key
    public static void hgetall(final Ctx c) {
        all(c, KEYS | VALUES);
    }

    // HKEYS key
    public static void hkeys(final Ctx c) {
        all(c, KEYS);
    }

    // HVALS key
    public static void hvals(final Ctx c) {
        all(c, VALUES);
    }

    private static void all(final Ctx c, final int what) {
        final long a = lookup(c, 1, c.keyHash(1), true);
        if (a == WRONG_TYPE) {
            return;
        }
        final int n = a == 0 ? 0 : HashValues.length(c.db, a);
        if (what == (KEYS | VALUES)) {
            c.out.mapHeader(n);
        } else {
            c.out.arrayHeader(n);
        }
        if (a == 0) {
            return;
        }
        final Db db = c.db;
        if (HashValues.isPacked(db, a)) {
            final byte[] p = db.page(a);
            for (int f = Listpack.first(p, db.valueOffset(a)); f >= 0; ) {
                final int v = Listpack.next(p, f);
                if ((what & KEYS) != 0) {
                    replyElement(c.out, p, f);
                }
                if ((what & VALUES) != 0) {
                    replyElement(c.out, p, v);
                }
                f = Listpack.next(p, v);
            }
            return;
        }
        final HashTable t = HashValues.table(db, a);
        for (int s = t.nextSlot(0); s >= 0; s = t.nextSlot(s + 1)) {
            replySlot(c.out, t, s, what);
        }
    }

    private static void replySlot(final Reply out, final HashTable t, final int s, final int what) {
        if ((what & KEYS) != 0) {
            out.bulk(t.data(s), t.fieldOffset(s), t.fieldLength(s));
        }
        if ((what & VALUES) != 0) {
            out.bulk(t.data(s), t.valueOffset(s), t.valueLength(s));
        }
    }

    // ---- HRANDFIELD ----------------------------------------------------------------------------

    // HRANDFIELD key [count [WITHVALUES]]
    public static void hrandfield(final Ctx c) {
        final Request r = c.req;
        if (r.argc() == 2) {
            final long a = lookup(c, 1, c.keyHash(1), true);
            if (a == WRONG_TYPE) {
                return;
            }
            if (a == 0) {
                c.out.nullBulk();
                return;
            }
            replyPair(c, a, randomRef(c.db, a, c.keyspace.random()), false, false);
            return;
        }
        if (!r.parseLong(2)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        final long l = r.longValue;
        if (l < -Long.MAX_VALUE) {
            c.out.error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
            return;
        }
        boolean withValues = false;
        if (r.argc() > 4 || (r.argc() == 4 && !r.argIs(3, WITHVALUES))) {
            c.out.raw(Errors.SYNTAX);
            return;
        } else if (r.argc() == 4) {
            withValues = true;
            if (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2) {
                c.out.error("ERR value is out of range");
                return;
            }
        }
        withCount(c, l, withValues);
    }

    /** A reference (see {@link HashValues#find}) to a uniformly chosen field of a non-empty hash. */
    private static int randomRef(final Db db, final long a, final SplittableRandom rnd) {
        if (HashValues.isPacked(db, a)) {
            final byte[] p = db.page(a);
            final int base = db.valueOffset(a);
            final int n = Listpack.count(p, base) >>> 1;
            return Listpack.seek(p, base, 2L * rnd.nextInt(n)) - base;
        }
        return HashValues.table(db, a).randomSlot(rnd);
    }

    /** Writes one field (and its value), as a pair array in RESP3 when {@code pairArray}. */
    private static void replyPair(final Ctx c, final long a, final int ref, final boolean withValues,
                                  final boolean pairArray) {
        if (pairArray) {
            c.out.arrayHeader(2);
        }
        final Db db = c.db;
        if (HashValues.isPacked(db, a)) {
            final byte[] p = db.page(a);
            final int f = db.valueOffset(a) + ref;
            replyElement(c.out, p, f);
            if (withValues) {
                replyElement(c.out, p, Listpack.next(p, f));
            }
        } else {
            replySlot(c.out, HashValues.table(db, a), ref, withValues ? KEYS | VALUES : KEYS);
        }
    }

    private static void withCount(final Ctx c, final long l, final boolean withValues) {
        final long a = lookup(c, 1, c.keyHash(1), true);
        if (a == WRONG_TYPE) {
            return;
        }
        if (a == 0 || l == 0) {
            c.out.raw(Reply.EMPTY_ARRAY);
            return;
        }
        final Db db = c.db;
        final SplittableRandom rnd = c.keyspace.random();
        final int size = HashValues.length(db, a);
        final boolean pairs = withValues && c.proto > 2;
        final long count = l < 0 ? -l : l;
        // CASE 1: a negative count (repeats allowed) or a single field
        if (l < 0 || count == 1) {
            c.out.arrayHeader(withValues && !pairs ? count * 2 : count);
            if (HashValues.isPacked(db, a)) {
                final int[] refs = packedRefs(db, a);
                for (long k = 0; k < count; k++) {
                    replyPair(c, a, refs[rnd.nextInt(refs.length)], withValues, pairs);
                }
            } else {
                final HashTable t = HashValues.table(db, a);
                for (long k = 0; k < count; k++) {
                    replyPair(c, a, t.randomSlot(rnd), withValues, pairs);
                }
            }
            return;
        }
        final long replySize = Math.min(count, size);
        c.out.arrayHeader(withValues && !pairs ? replySize * 2 : replySize);
        // CASE 2: as many or more than the hash holds: all of it
        if (count >= size) {
            final int[] refs = allRefs(db, a, size);
            for (final int ref : refs) {
                replyPair(c, a, ref, withValues, pairs);
            }
            return;
        }
        final int want = (int) count;
        if (HashValues.isPacked(db, a) || count * SUB_STRATEGY_MUL > size) {
            // CASE 2.5 / 3: pick `want` distinct fields, each subset equally likely (selection
            // sampling over the listpack order, as lpRandomPairsUnique)
            final int[] refs = allRefs(db, a, size);
            int needed = want;
            for (int i = 0; i < size && needed > 0; i++) {
                if (rnd.nextInt(size - i) < needed) {
                    replyPair(c, a, refs[i], withValues, pairs);
                    needed--;
                }
            }
            return;
        }
        // CASE 4: a big table, few fields wanted: draw until enough distinct ones
        final IntSet seen = new IntSet(want);
        final HashTable t = HashValues.table(db, a);
        int added = 0;
        while (added < want) {
            final int s = t.randomSlot(rnd);
            if (seen.add(s)) {
                replyPair(c, a, s, withValues, pairs);
                added++;
            }
        }
    }

    /** Field references of a packed hash, in listpack order. */
    private static int[] packedRefs(final Db db, final long a) {
        return allRefs(db, a, HashValues.length(db, a));
    }

    /** References of every field; allocates (HRANDFIELD with a count is not a hot command). */
    private static int[] allRefs(final Db db, final long a, final int size) {
        final int[] refs = new int[size];
        int n = 0;
        if (HashValues.isPacked(db, a)) {
            final byte[] p = db.page(a);
            final int base = db.valueOffset(a);
            for (int f = Listpack.first(p, base); f >= 0; f = Listpack.next(p, Listpack.next(p, f))) {
                refs[n++] = f - base;
            }
        } else {
            final HashTable t = HashValues.table(db, a);
            for (int s = t.nextSlot(0); s >= 0; s = t.nextSlot(s + 1)) {
                refs[n++] = s;
            }
        }
        return refs;
    }

    /** A small open-addressing set of slot numbers (non-negative ints). */
    private static final class IntSet {
        private final int[] cells;

        IntSet(final int expected) {
            int n = 16;
            while (n < expected * 2L) {
                n <<= 1;
            }
            cells = new int[n];
        }

        /** Adds v; false when it was there. */
        boolean add(final int v) {
            final int mask = cells.length - 1;
            int i = (v * 0x9E3779B9) >>> 7 & mask;
            while (cells[i] != 0) {
                if (cells[i] == v + 1) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            cells[i] = v + 1;
            return true;
        }
    }

    // ---- HSCAN ---------------------------------------------------------------------------------

    // HSCAN key cursor [MATCH pattern] [COUNT count]
    public static void hscan(final Ctx c) {
        final Request r = c.req;
        final long[] cur = new long[1];
        if (!KeyspaceCommands.parseCursor(r, 2, cur)) {
            c.out.raw(Errors.INVALID_CURSOR);
            return;
        }
        final long a = lookup(c, 1, c.keyHash(1), true);
        if (a == WRONG_TYPE) {
            return;
        }
        if (a == 0) {
            c.out.raw(EMPTY_SCAN);
            return;
        }
        long count = 10;
        int pat = -1;
        for (int i = 3; i < r.argc(); i += 2) {
            final boolean hasValue = r.argc() - i >= 2;
            if (hasValue && r.argIs(i, COUNT)) {
                if (!r.parseLong(i + 1)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return;
                }
                count = r.longValue;
                if (count < 1) {
                    c.out.raw(Errors.SYNTAX);
                    return;
                }
            } else if (hasValue && r.argIs(i, MATCH)) {
                pat = Glob.isMatchAll(r.buf(), r.off(i + 1), r.len(i + 1)) ? -1 : i + 1;
            } else {
                c.out.raw(Errors.SYNTAX);
                return;
            }
        }
        final Db db = c.db;
        if (HashValues.isPacked(db, a)) {
            scanPacked(c, a, pat);
            return;
        }
        final HashTable t = HashValues.table(db, a);
        final int[] refs;
        final int n;
        long next = 0;
        if (t.listpackEx()) {
            // what Redis 7.4 keeps as a listpackex is answered whole, like a listpack
            refs = allRefs(db, a, t.size());
            n = refs.length;
        } else {
            final Collector col = new Collector((int) Math.min(count, 1024));
            long maxIterations = KeyspaceCommands.scanBound(count);
            long v = cur[0];
            do {
                v = t.scan(v, col);
            } while (v != 0 && maxIterations-- > 0 && col.n < count);
            refs = col.slots;
            n = col.n;
            next = v;
        }
        int kept = n;
        if (pat >= 0) {
            kept = 0;
            for (int k = 0; k < n; k++) {
                final int s = refs[k];
                if (Glob.matches(r.buf(), r.off(pat), r.len(pat), t.data(s), t.fieldOffset(s), t.fieldLength(s),
                        false)) {
                    refs[kept++] = s;
                }
            }
        }
        c.out.arrayHeader(2);
        c.out.bulk(Long.toUnsignedString(next));
        c.out.arrayHeader(kept * 2L);
        for (int k = 0; k < kept; k++) {
            replySlot(c.out, t, refs[k], KEYS | VALUES);
        }
    }

    private static void scanPacked(final Ctx c, final long a, final int pat) {
        final Request r = c.req;
        final Db db = c.db;
        final byte[] p = db.page(a);
        final int base = db.valueOffset(a);
        final int size = Listpack.count(p, base) >>> 1;
        final int[] keep = new int[size];
        final byte[] digits = new byte[Numbers.MAX_LONG_CHARS];
        int kept = 0;
        for (int f = Listpack.first(p, base); f >= 0; f = Listpack.next(p, Listpack.next(p, f))) {
            if (pat >= 0) {
                final boolean match;
                if (Listpack.isInt(p, f)) {
                    final int len = Numbers.formatLong(Listpack.intValue(p, f), digits, 0);
                    match = Glob.matches(r.buf(), r.off(pat), r.len(pat), digits, 0, len, false);
                } else {
                    match = Glob.matches(r.buf(), r.off(pat), r.len(pat), p, Listpack.strOffset(p, f),
                            Listpack.strLength(p, f), false);
                }
                if (!match) {
                    continue;
                }
            }
            keep[kept++] = f;
        }
        c.out.arrayHeader(2);
        c.out.bulk(new byte[] {'0'});
        c.out.arrayHeader(kept * 2L);
        for (int k = 0; k < kept; k++) {
            replyElement(c.out, p, keep[k]);
            replyElement(c.out, p, Listpack.next(p, keep[k]));
        }
    }

    /** Collects the slots one scan step visits. */
    private static final class Collector implements HashTable.SlotVisitor {
        int[] slots;
        int n;

        Collector(final int capacity) {
            slots = new int[Math.max(16, capacity)];
        }

        @Override
        public void visit(final int slot) {
            if (n == slots.length) {
                slots = Arrays.copyOf(slots, n << 1);
            }
            slots[n++] = slot;
        }
    }
}
