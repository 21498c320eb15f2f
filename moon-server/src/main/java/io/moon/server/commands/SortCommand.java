package io.moon.server.commands;

import io.moon.protocol.HashSlot;
import io.moon.protocol.Numbers;
import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.command.KeyFinder;
import io.moon.storage.Db;
import io.moon.storage.Entry;
import io.moon.storage.HashValues;
import io.moon.storage.ListCursor;
import io.moon.storage.ListValues;
import io.moon.storage.Listpack;
import io.moon.storage.SetIter;
import io.moon.storage.SetValues;
import io.moon.storage.ZCursor;
import io.moon.storage.Zsets;
import io.moon.storage.Strings;
import io.moon.storage.ValueType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SORT and SORT_RO, as sort.c does them: parse the options, load the elements of a set, list or
 * sorted set, weigh each by itself or by the key a BY pattern names (a string, or a hash field
 * with "->"), sort numerically or by bytes (ALPHA), cut to LIMIT, and reply each element or the
 * values GET patterns name ("#" is the element), or STORE them as a list.
 *
 * <p>Sources: sets, lists and sorted sets in every encoding; "->field" lookups read hashes in
 * every encoding. When a BY/GET pattern may name keys on another shard, or a pattern meets a
 * STORE destination elsewhere, the dispatcher runs {@link SortAcross} instead (see
 * {@link #reachesOtherKeys}); this handler then only sees patterns in the sorted key's slot, and
 * refuses a key elsewhere with an error as a safety net rather than reading it as missing.
 */
public final class SortCommand {
    private SortCommand() {
    }

    static final byte[] ASC = {'A', 'S', 'C'};
    static final byte[] DESC = {'D', 'E', 'S', 'C'};
    static final byte[] ALPHA = {'A', 'L', 'P', 'H', 'A'};
    static final byte[] LIMIT = {'L', 'I', 'M', 'I', 'T'};
    static final byte[] STORE = {'S', 'T', 'O', 'R', 'E'};
    static final byte[] BY = {'B', 'Y'};
    static final byte[] GET = {'G', 'E', 'T'};
    static final byte[] NOT_DOUBLE = Reply.err("ERR One or more scores can't be converted into double");
    private static final byte[] OTHER_SHARD = Reply.err("ERR SORT BY/GET pattern names a key on another shard;"
            + " give the pattern the sorted key's hash tag");
    private static final byte[] UNREADABLE = Reply.err("ERR SORT of this encoding is not supported yet");
    /** Thrown (cold path) when a pattern key lives on another shard. */
    private static final RuntimeException ELSEWHERE = new RuntimeException("pattern key on another shard", null,
            false, false) {
    };

    /** SORT's keys: the sorted key, and the last STORE's destination (Redis's sortGetKeys). */
    public static final KeyFinder KEYS = new KeyFinder() {
        @Override
        public int keyCount(final Request r) {
            return store(r) > 0 ? 2 : 1;
        }

        @Override
        public int keyArg(final Request r, final int n) {
            return n == 0 ? 1 : store(r);
        }

        @Override
        public boolean reachesOtherKeys(final Request r) {
            return SortCommand.reachesOtherKeys(r);
        }
    };

    /** SORT_RO's keys: the sorted key only; its patterns may still reach other shards. */
    public static final KeyFinder KEYS_RO = new KeyFinder() {
        @Override
        public int keyCount(final Request r) {
            return 1;
        }

        @Override
        public int keyArg(final Request r, final int n) {
            return 1;
        }

        @Override
        public boolean reachesOtherKeys(final Request r) {
            return SortCommand.reachesOtherKeys(r);
        }
    };

    /**
     * Whether some BY or GET pattern looks keys up (BY with a '*', GET other than "#" with a
     * '*'); the cross-shard form runs those lookups wherever the keys live.
     */
    static boolean hasLookups(final Request r) {
        for (int i = 2; i < r.argc(); i++) {
            if (r.argIs(i, LIMIT)) {
                i += 2;
            } else if ((r.argIs(i, GET) || r.argIs(i, BY)) && i + 1 < r.argc()) {
                i++;
                if (looksUp(r, i)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True unless every looking-up pattern provably names keys in the sorted key's hash slot. */
    static boolean reachesOtherKeys(final Request r) {
        if (r.argc() < 2) {
            return false;
        }
        final int slot = HashSlot.slot(r.buf(), r.off(1), r.len(1));
        for (int i = 2; i < r.argc(); i++) {
            if (r.argIs(i, LIMIT)) {
                i += 2;
            } else if ((r.argIs(i, GET) || r.argIs(i, BY)) && i + 1 < r.argc()) {
                i++;
                if (looksUp(r, i) && !fixedSlot(r, i, slot)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean looksUp(final Request r, final int i) {
        final byte[] b = r.buf();
        final int po = r.off(i);
        final int pl = r.len(i);
        return !(pl == 1 && b[po] == '#') && indexOf(b, po, pl, (byte) '*') >= 0;
    }

    /** The pattern's hash tag closes before its '*', so every key it names is in that tag's slot. */
    private static boolean fixedSlot(final Request r, final int i, final int slot) {
        final byte[] b = r.buf();
        final int po = r.off(i);
        final int star = indexOf(b, po, r.len(i), (byte) '*');
        final int open = indexOf(b, po, star - po, (byte) '{');
        if (open < 0) {
            return false;
        }
        final int close = indexOf(b, open + 1, star - open - 1, (byte) '}');
        return close > open + 1 && HashSlot.slot(b, po, star - po) == slot;
    }

    /** Argument index of the last STORE destination, skipping LIMIT/GET/BY arguments; 0 when none. */
    static int store(final Request r) {
        int at = 0;
        for (int i = 2; i < r.argc(); i++) {
            if (r.argIs(i, LIMIT)) {
                i += 2;
            } else if (r.argIs(i, GET) || r.argIs(i, BY)) {
                i += 1;
            } else if (r.argIs(i, STORE) && i + 1 < r.argc()) {
                at = ++i;
            }
        }
        return at;
    }

    /** One element to sort: its bytes, its weight, or what ALPHA BY compares. */
    static final class Item {
        final byte[] obj;
        double score;
        byte[] by;

        Item(final byte[] obj) {
            this.obj = obj;
        }
    }

    // SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE destination]
    public static void sort(final Ctx c) {
        run(c, false);
    }

    // SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]
    public static void sortRo(final Ctx c) {
        run(c, true);
    }

    /** SORT's parsed options. */
    static final class Opts {
        boolean desc;
        boolean alpha;
        boolean dontsort;
        long limitStart;
        long limitCount = -1;
        int by;
        int storeArg;
        final List<Integer> gets = new ArrayList<>();

        /** Parses the options; on an error replies it to out and returns null. */
        static Opts parse(final Request r, final boolean readonly, final Reply out) {
            final Opts o = new Opts();
            for (int j = 2; j < r.argc(); j++) {
                final int left = r.argc() - j - 1;
                if (r.argIs(j, ASC)) {
                    o.desc = false;
                } else if (r.argIs(j, DESC)) {
                    o.desc = true;
                } else if (r.argIs(j, ALPHA)) {
                    o.alpha = true;
                } else if (r.argIs(j, LIMIT) && left >= 2) {
                    if (!r.parseLong(j + 1)) {
                        out.raw(Errors.NOT_INTEGER);
                        return null;
                    }
                    o.limitStart = r.longValue;
                    if (!r.parseLong(j + 2)) {
                        out.raw(Errors.NOT_INTEGER);
                        return null;
                    }
                    o.limitCount = r.longValue;
                    j += 2;
                } else if (!readonly && r.argIs(j, STORE) && left >= 1) {
                    o.storeArg = ++j;
                } else if (r.argIs(j, BY) && left >= 1) {
                    o.by = ++j;
                    o.dontsort = indexOf(r.buf(), r.off(o.by), r.len(o.by), (byte) '*') < 0;
                } else if (r.argIs(j, GET) && left >= 1) {
                    o.gets.add(++j);
                } else {
                    out.raw(Errors.SYNTAX);
                    return null;
                }
            }
            return o;
        }

        /** LIMIT clamped to n elements as sort.c does: {start, end} inclusive (end < start: nothing). */
        int[] range(final int n) {
            int start = (int) Math.min(Math.max(limitStart, 0), n);
            final long count = Math.min(Math.max(limitCount, -1), n);
            int end = count < 0 ? n - 1 : (int) (start + count - 1);
            if (start >= n) {
                start = n - 1;
                end = n - 2;
            }
            if (end >= n) {
                end = n - 1;
            }
            return new int[] {start, end};
        }
    }

    private static void run(final Ctx c, final boolean readonly) {
        final Request r = c.req;
        final Opts o = Opts.parse(r, readonly, c.out);
        if (o == null) {
            return;
        }
        boolean desc = o.desc;
        boolean alpha = o.alpha;
        boolean dontsort = o.dontsort;
        int by = o.by;
        final int storeArg = o.storeArg;
        final List<Integer> gets = o.gets;
        final Db db = c.db;
        final long a = c.findRead(1, c.keyHash(1));
        final int type = a == 0 ? ValueType.LIST : ValueType.of(db, a);
        if (type != ValueType.SET && type != ValueType.LIST && type != ValueType.ZSET) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        if (dontsort && type == ValueType.SET && (storeArg != 0 || c.inScript)) {
            // a set has no order of its own: a stored result, or one a script sees (Redis's rule,
            // so scripts act the same everywhere), must not depend on its layout
            dontsort = false;
            alpha = true;
            by = 0;
        }
        final byte[][] elements = a == 0 ? new byte[0][] : load(db, a, type);
        if (elements == null) {
            c.out.raw(UNREADABLE);
            return;
        }
        final int n = elements.length;
        final int[] range = o.range(n);
        final int start = range[0];
        final int end = range[1];
        final Item[] items = new Item[n];
        for (int i = 0; i < n; i++) {
            // a list or sorted set left unsorted keeps its order, reversed by DESC
            items[i] = new Item(elements[dontsort && desc && type != ValueType.SET ? n - 1 - i : i]);
        }
        try {
            if (!dontsort && !weigh(c, items, by, alpha)) {
                c.out.raw(NOT_DOUBLE);
                return;
            }
            if (!dontsort) {
                sortItems(items, alpha, by != 0, storeArg != 0, desc, start, end);
            }
            output(c, items, start, end, gets, storeArg);
        } catch (final RuntimeException e) {
            if (e != ELSEWHERE) {
                throw e;
            }
            c.out.raw(OTHER_SHARD);
        }
    }

    /** Weights: numbers (false when one does not parse), or with ALPHA BY the bytes to compare. */
    private static boolean weigh(final Ctx c, final Item[] items, final int by, final boolean alpha) {
        boolean ok = true;
        for (final Item it : items) {
            final byte[] w = by != 0 ? lookup(c, by, it.obj) : it.obj;
            if (w == null) {
                continue;
            }
            if (alpha) {
                if (by != 0) {
                    it.by = w;
                }
            } else {
                it.score = strtod(w);
                ok &= !Double.isNaN(it.score);
            }
        }
        return ok;
    }

    /**
     * C's strtod over a whole string: leading spaces allowed, "" is 0; NaN when invalid, NaN or out
     * of range. SORT rejects any value strtod flags with ERANGE, and glibc flags a result that
     * underflows into the subnormals (1e-310) too, where other commands accept it.
     */
    static double strtod(final byte[] w) {
        if (w.length == 0) {
            return 0;
        }
        int p = 0;
        while (p < w.length && (w[p] == ' ' || (w[p] >= '\t' && w[p] <= '\r'))) {
            p++;
        }
        final double v = p == w.length ? Double.NaN : Numbers.parseDouble(w, p, w.length - p);
        return v != 0 && Math.abs(v) < Double.MIN_NORMAL ? Double.NaN : v;
    }

    /**
     * Sorts as sort.c does: everything with a stable sort (what glibc's qsort is), or, with a BY
     * pattern and a LIMIT that leaves elements out ({@code start..end} not all of them), Redis's
     * partial quicksort, whose order among equal elements (ALPHA BY values equal or missing) Moon
     * reproduces ({@link PartialSort}).
     */
    static void sortItems(final Item[] items, final boolean alpha, final boolean byPattern,
                          final boolean store, final boolean desc, final int start, final int end) {
        final java.util.Comparator<Item> order = (x, y) -> compare(x, y, alpha, byPattern, desc);
        if (byPattern && (start != 0 || end != items.length - 1) && items.length > 1) {
            final Item[] was = items.clone();
            final int[] idx = PartialSort.sorted(items.length, (a, b) -> order.compare(was[a], was[b]), start, end);
            for (int i = 0; i < idx.length; i++) {
                items[i] = was[idx[i]];
            }
            return;
        }
        Arrays.sort(items, order);
    }

    private static int compare(final Item x, final Item y, final boolean alpha, final boolean byPattern,
                               final boolean desc) {
        int cmp;
        if (!alpha) {
            cmp = Double.compare(x.score, y.score) == 0 || x.score == y.score
                    ? Arrays.compareUnsigned(x.obj, y.obj) : x.score > y.score ? 1 : -1;
        } else if (byPattern) {
            if (x.by == null || y.by == null) {
                cmp = x.by == y.by ? 0 : x.by == null ? -1 : 1;
            } else {
                cmp = Arrays.compareUnsigned(x.by, y.by);
            }
        } else {
            cmp = Arrays.compareUnsigned(x.obj, y.obj);
        }
        return desc ? -cmp : cmp;
    }

    private static void output(final Ctx c, final Item[] items, final int start, final int end,
                               final List<Integer> gets, final int storeArg) {
        // every lookup first: a refused pattern key must not leave half a reply written
        final List<byte[]> out = new ArrayList<>();
        for (int j = start; j <= end; j++) {
            if (gets.isEmpty()) {
                out.add(items[j].obj);
            }
            for (final int g : gets) {
                final byte[] v = lookup(c, g, items[j].obj);
                out.add(v == null && storeArg != 0 ? new byte[0] : v);
            }
        }
        if (storeArg == 0) {
            c.out.arrayHeader(out.size());
            for (final byte[] v : out) {
                if (v == null) {
                    c.out.nullBulk();
                } else {
                    c.out.bulk(v);
                }
            }
            return;
        }
        final Request r = c.req;
        final long h = c.keyHash(storeArg);
        final boolean existed = c.db.delete(r.buf(), r.off(storeArg), r.len(storeArg), h, c.now);
        if (!out.isEmpty()) {
            storeList(c, r.buf(), r.off(storeArg), r.len(storeArg), h, out);
        }
        c.out.integer(out.size());
        if (!out.isEmpty()) {
            io.moon.server.pubsub.Notify.event(c, io.moon.server.pubsub.Notify.LIST, "sortstore", storeArg);
        } else if (existed) {
            io.moon.server.pubsub.Notify.event(c, io.moon.server.pubsub.Notify.GENERIC, "del", storeArg);
        }
    }

    /** Stores the elements as a list, packed when one listpack holds them (Redis's LIST_CONV_AUTO). */
    private static void storeList(final Ctx c, final byte[] k, final int ko, final int kl, final long h,
                                  final List<byte[]> elements) {
        ListValues.store(c.db, k, ko, kl, h, elements.toArray(new byte[0][]), elements.size(),
                c.server.config.listMaxListpackSize);
    }

    // ---- reading values ------------------------------------------------------------------------

    /** The elements of the value at a: a set in walking order, a list in order, a sorted set by score; null if unreadable. */
    static byte[][] load(final Db db, final long a, final int type) {
        if (type == ValueType.SET) {
            final byte[][] out = new byte[SetValues.size(db, a)][];
            final SetIter it = new SetIter().reset(db, a);
            for (int i = 0; it.next(); i++) {
                out[i] = it.copy();
            }
            return out;
        }
        if (type == ValueType.LIST) {
            final long n = ListValues.length(db, a);
            final byte[][] out = new byte[(int) n][];
            if (n > 0) {
                final ListCursor cur = new ListCursor().seek(db, a, 0);
                for (int i = 0; i < n; i++) {
                    out[i] = cur.toBytes();
                    cur.next();
                }
            }
            return out;
        }
        // a sorted set, either encoding, in (score, member) order
        final byte[][] out = new byte[(int) Zsets.card(db, a)][];
        final ZCursor cur = new ZCursor();
        Zsets.seekRank(db, a, 0, false, cur);
        for (int i = 0; cur.valid(); i++, cur.next()) {
            out[i] = java.util.Arrays.copyOfRange(cur.buf(), cur.off(), cur.off() + cur.len());
        }
        return out;
    }

    /**
     * Redis's lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced
     * by the element, and "->field" (when something follows the arrow) reads a hash field instead
     * of a string. Null when there is no '*', no such key, or a key of another type.
     */
    private static byte[] lookup(final Ctx c, final int patArg, final byte[] subst) {
        final Request r = c.req;
        final byte[] b = r.buf();
        final int po = r.off(patArg);
        final int pl = r.len(patArg);
        if (pl == 1 && b[po] == '#') {
            return subst;
        }
        final byte[][] kf = patternKey(b, po, pl, subst);
        if (kf == null) {
            return null;
        }
        final byte[] key = kf[0];
        // a scratch keyspace (keys gathered from several shards) holds only the command's own keys
        if (c.keyspace != c.shard.keyspace
                || c.server.shardCount() > 1 && c.server.shardOf(key, 0, key.length) != c.shard.id) {
            throw ELSEWHERE;
        }
        return read(c, key, kf[1]);
    }

    /** A string's value, or with a field that hash field's value; null when missing or of another type. */
    static byte[] read(final Ctx c, final byte[] key, final byte[] field) {
        final Db db = c.db;
        final long h = Db.hash(key, 0, key.length);
        final long a = db.find(key, 0, key.length, h, c.now);
        if (a == 0) {
            c.keyspace.stats.keyspaceMisses++;
            return null;
        }
        c.keyspace.stats.keyspaceHits++;
        if (field == null) {
            return Strings.isString(db, a) ? Strings.valueBytes(db, a) : null;
        }
        if (!HashValues.isHash(db, a)) {
            return null;
        }
        // any encoding; fields past their TTL are dropped first, as every hash read does
        final long live = HashValues.purgeExpired(db, a, h, c.now);
        final int ref = live == 0 ? -1 : HashValues.find(db, live, field, 0, field.length);
        return ref < 0 ? null : HashValues.valueBytes(db, live, ref);
    }

    /**
     * The key and field (null for a string) a looking-up pattern names for an element: the first
     * '*' replaced by it, "->field" when something follows the arrow. Null when there is no '*'.
     */
    static byte[][] patternKey(final byte[] b, final int po, final int pl, final byte[] subst) {
        final int star = indexOf(b, po, pl, (byte) '*');
        if (star < 0) {
            return null;
        }
        int arrow = -1;
        for (int i = star + 1; i + 1 < po + pl; i++) {
            if (b[i] == '-' && b[i + 1] == '>') {
                arrow = i;
                break;
            }
        }
        if (arrow >= 0 && arrow + 2 == po + pl) {
            arrow = -1;
        }
        final int keyEnd = arrow >= 0 ? arrow : po + pl;
        final byte[] key = new byte[star - po + subst.length + keyEnd - star - 1];
        System.arraycopy(b, po, key, 0, star - po);
        System.arraycopy(subst, 0, key, star - po, subst.length);
        System.arraycopy(b, star + 1, key, star - po + subst.length, keyEnd - star - 1);
        return new byte[][] {key, arrow < 0 ? null : Arrays.copyOfRange(b, arrow + 2, po + pl)};
    }

    static int indexOf(final byte[] b, final int off, final int len, final byte x) {
        for (int i = off; i < off + len; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }
}
