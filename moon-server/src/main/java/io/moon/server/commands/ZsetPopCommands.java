package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.storage.Db;
import io.moon.storage.Glob;
import io.moon.storage.SortedSet;
import io.moon.storage.ZCursor;
import io.moon.storage.ZsetScratch;
import io.moon.storage.Zsets;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.moon.protocol.Reply.ascii;
import static io.moon.protocol.Reply.err;

/**
 * Sorted-set commands that take members out or pick them: ZPOPMIN, ZPOPMAX, ZMPOP, ZRANDMEMBER,
 * and ZSCAN. {@link #popFor} is the pop a blocked BZPOPMIN, BZPOPMAX or BZMPOP client is served
 * with when a push wakes it.
 *
 * <p>A pop writes the members it takes from the cheap end (a walk from the first or last member)
 * and then removes them in one range removal: O(log N + M) on a skiplist, one move of the
 * listpack's tail.
 */
public final class ZsetPopCommands {
    private ZsetPopCommands() {
    }

    private static final byte[] MIN = ascii("MIN");
    private static final byte[] MAX = ascii("MAX");
    private static final byte[] COUNT = ascii("COUNT");
    private static final byte[] MATCH = ascii("MATCH");
    private static final byte[] ERR_NUMKEYS = err("ERR numkeys should be greater than 0");
    private static final byte[] ERR_COUNT = err("ERR count should be greater than 0");
    private static final byte[] ERR_OUT_OF_RANGE = err("ERR value is out of range");
    private static final byte[] ERR_COUNT_RANGE = err(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
    private static final byte[] EMPTY_SCAN = ascii("*2\r\n$1\r\n0\r\n*0\r\n");

    // ---- pops ----------------------------------------------------------------------------------

    // ZPOPMIN key [count]
    public static void zpopmin(final Ctx c) {
        popMinMax(c, false);
    }

    // ZPOPMAX key [count]
    public static void zpopmax(final Ctx c) {
        popMinMax(c, true);
    }

    private static void popMinMax(final Ctx c, final boolean max) {
        final Request r = c.req;
        if (r.argc() > 3) {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        long count = -1;
        if (r.argc() == 3) {
            if (!r.parseLong(2) || r.longValue < 0) {
                c.out.raw(ZsetCommands.ERR_NOT_POSITIVE);
                return;
            }
            count = r.longValue;
        }
        final long h = c.keyHash(1);
        final long a = c.find(1, h);
        if (a == 0) {
            c.out.raw(Reply.EMPTY_ARRAY);
            return;
        }
        if (ZsetCommands.wrongType(c, a)) {
            return;
        }
        if (count == 0) {
            c.out.raw(Reply.EMPTY_ARRAY);
            return;
        }
        // RESP3 nests member and score in pairs when a count was given
        pop(c, 1, a, h, max, count, c.out.resp3() && count != -1, false);
    }

    // ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
    public static void zmpop(final Ctx c) {
        final Request r = c.req;
        if (!r.parseLong(1) || r.longValue < 1) {
            c.out.raw(ERR_NUMKEYS);
            return;
        }
        final long numkeys = r.longValue;
        if (numkeys >= r.argc() - 2) {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        final int w = (int) (2 + numkeys);
        final boolean max;
        if (r.argIs(w, MIN)) {
            max = false;
        } else if (r.argIs(w, MAX)) {
            max = true;
        } else {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        long count = -1;
        for (int j = w + 1; j < r.argc(); j++) {
            if (count == -1 && r.argIs(j, COUNT) && j + 1 < r.argc()) {
                j++;
                if (!r.parseLong(j) || r.longValue < 1) {
                    c.out.raw(ERR_COUNT);
                    return;
                }
                count = r.longValue;
            } else {
                c.out.raw(Errors.SYNTAX);
                return;
            }
        }
        if (count == -1) {
            count = 1;
        }
        for (int k = 2; k < w; k++) {
            final long h = c.keyHash(k);
            final long a = c.find(k, h);
            if (a == 0) {
                continue;
            }
            if (ZsetCommands.wrongType(c, a)) {
                return;
            }
            pop(c, k, a, h, max, count, true, true);
            c.onlyKeyChanged(k - 2);
            return;
        }
        c.out.nullArray();
    }

    /**
     * Serves a blocked BZPOPMIN/BZPOPMAX ({@code count} -1) or BZMPOP ({@code count} at least 1)
     * client from the key at argument {@code keyArg} of {@code c.req}, in {@code c.db}. Replies
     * as Redis does: [key, member, score] for the former, [key, [[member, score] ...]] for the
     * latter, and pops what it replied. Returns 1 when it popped, 0 when the key does not exist
     * (nothing written: keep waiting or try the next key), -1 when the key holds another type
     * (WRONGTYPE written).
     */
    public static int popFor(final Ctx c, final int keyArg, final boolean max, final long count) {
        final long h = c.keyHash(keyArg);
        final long a = c.find(keyArg, h);
        if (a == 0) {
            return 0;
        }
        if (ZsetCommands.wrongType(c, a)) {
            return -1;
        }
        pop(c, keyArg, a, h, max, count, count != -1, true);
        return 1;
    }

    /**
     * Redis's genericZpopCommand for one sorted set: replies up to {@code count} members (-1: one,
     * unnested) from the low or high end, with the key when {@code emitKey}, and removes them.
     */
    static void pop(final Ctx c, final int keyArg, final long a, final long h, final boolean max, long count,
                    final boolean nested, final boolean emitKey) {
        final Reply out = c.out;
        final Request r = c.req;
        if (count == -1) {
            count = 1;
        }
        final Db db = c.db;
        final long n = Math.min(count, Zsets.card(db, a));
        if (!nested && !emitKey) {
            out.arrayHeader(n * 2);
        } else if (nested && !emitKey) {
            out.arrayHeader(n);
        } else if (!nested) {
            out.arrayHeader(n * 2 + 1);
            out.bulk(r.buf(), r.off(keyArg), r.len(keyArg));
        } else {
            out.arrayHeader(2);
            out.bulk(r.buf(), r.off(keyArg), r.len(keyArg));
            out.arrayHeader(n);
        }
        final ZsetScratch s = ZsetScratch.get();
        final ZCursor cur = s.cursor;
        Zsets.seekRank(db, a, 0, max, cur);
        for (long i = 0; i < n; i++, cur.next()) {
            if (nested) {
                out.arrayHeader(2);
            }
            out.bulk(cur.buf(), cur.off(), cur.len());
            out.doubleValue(cur.score());
        }
        Zsets.removeEnd(db, a, h, n, max, s);
        io.moon.server.pubsub.Notify.event(c, io.moon.server.pubsub.Notify.ZSET, max ? "zpopmax" : "zpopmin", keyArg);
        if (db.lookup(r.buf(), r.off(keyArg), r.len(keyArg), h) == 0) {
            io.moon.server.pubsub.Notify.event(c, io.moon.server.pubsub.Notify.GENERIC, "del", keyArg);
        }
    }

    // ---- ZRANDMEMBER ---------------------------------------------------------------------------

    // ZRANDMEMBER key [count [WITHSCORES]]
    public static void zrandmember(final Ctx c) {
        final Request r = c.req;
        if (r.argc() >= 3) {
            if (!r.parseLong(2)) {
                c.out.raw(Errors.NOT_INTEGER);
                return;
            }
            final long l = r.longValue;
            if (l == Long.MIN_VALUE) {
                c.out.raw(ERR_COUNT_RANGE);
                return;
            }
            if (r.argc() > 4 || (r.argc() == 4 && !r.argIs(3, ZsetCommands.WITHSCORES))) {
                c.out.raw(Errors.SYNTAX);
                return;
            }
            final boolean withScores = r.argc() == 4;
            if (withScores && (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2)) {
                c.out.raw(ERR_OUT_OF_RANGE);
                return;
            }
            withCount(c, l, withScores);
            return;
        }
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.nullBulk();
            return;
        }
        if (ZsetCommands.wrongType(c, a)) {
            return;
        }
        final ZCursor cur = ZsetScratch.get().cursor;
        Zsets.seekRank(c.db, a, Zsets.randomRank(c.db, a, c.keyspace.random()), false, cur);
        c.out.bulk(cur.buf(), cur.off(), cur.len());
    }

    /**
     * Redis's zrandmemberWithCountCommand: a negative count picks with repeats, in pick order; a
     * count at least the size returns every member (from the highest, as Redis walks); otherwise
     * {@code count} distinct members.
     */
    private static void withCount(final Ctx c, final long l, final boolean withScores) {
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.raw(Reply.EMPTY_ARRAY);
            return;
        }
        if (ZsetCommands.wrongType(c, a)) {
            return;
        }
        final Db db = c.db;
        final Reply out = c.out;
        final long size = Zsets.card(db, a);
        final boolean unique = l >= 0;
        final long count = Math.abs(l);
        if (count == 0) {
            out.raw(Reply.EMPTY_ARRAY);
            return;
        }
        final boolean flat = withScores && !out.resp3();
        final ZCursor cur = ZsetScratch.get().cursor;
        final SplittableRandom rnd = c.keyspace.random();
        if (!unique || count == 1) {
            out.arrayHeader(flat ? count * 2 : count);
            for (long i = 0; i < count; i++) {
                Zsets.seekRank(db, a, rnd.nextLong(size), false, cur);
                ZsetCommands.member(out, cur.buf(), cur.off(), cur.len(), withScores, withScores ? cur.score() : 0);
            }
            return;
        }
        final long n = Math.min(count, size);
        out.arrayHeader(flat ? n * 2 : n);
        if (count >= size) {
            Zsets.seekRank(db, a, 0, true, cur);
            for (; cur.valid(); cur.next()) {
                ZsetCommands.member(out, cur.buf(), cur.off(), cur.len(), withScores, withScores ? cur.score() : 0);
            }
            return;
        }
        for (final long rank : distinctRanks(rnd, size, (int) count)) {
            Zsets.seekRank(db, a, rank, false, cur);
            ZsetCommands.member(out, cur.buf(), cur.off(), cur.len(), withScores, withScores ? cur.score() : 0);
        }
    }

    /**
     * {@code k} distinct ranks below {@code size} (k < size), in random order: a partial shuffle
     * when k is a good part of the set, else random draws with rejection (Redis's cases 3 and 4).
     */
    private static long[] distinctRanks(final SplittableRandom rnd, final long size, final int k) {
        final long[] out = new long[k];
        if (size <= 3L * k) {
            final int[] all = new int[(int) size];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            for (int i = 0; i < k; i++) {
                final int j = i + rnd.nextInt(all.length - i);
                final int t = all[i];
                all[i] = all[j];
                all[j] = t;
                out[i] = all[i];
            }
            return out;
        }
        final long[] seen = new long[Integer.highestOneBit(k * 4 - 1) << 1];
        java.util.Arrays.fill(seen, -1);
        final int mask = seen.length - 1;
        int n = 0;
        while (n < k) {
            final long r = rnd.nextLong(size);
            int slot = (int) (r * 0x9E3779B97F4A7C15L >>> 40) & mask;
            while (seen[slot] != -1 && seen[slot] != r) {
                slot = (slot + 1) & mask;
            }
            if (seen[slot] == -1) {
                seen[slot] = r;
                out[n++] = r;
            }
        }
        return out;
    }

    // ---- ZSCAN ---------------------------------------------------------------------------------

    // ZSCAN key cursor [MATCH pattern] [COUNT count]
    public static void zscan(final Ctx c) {
        final Request r = c.req;
        final long[] cursor = new long[1];
        if (!KeyspaceCommands.parseCursor(r, 2, cursor)) {
            c.out.raw(Errors.INVALID_CURSOR);
            return;
        }
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.raw(EMPTY_SCAN);
            return;
        }
        if (ZsetCommands.wrongType(c, a)) {
            return;
        }
        long count = 10;
        int pat = -1;
        for (int i = 3; i < r.argc(); ) {
            final int left = r.argc() - i;
            if (r.argIs(i, COUNT) && left >= 2) {
                if (!r.parseLong(i + 1)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return;
                }
                count = r.longValue;
                if (count < 1) {
                    c.out.raw(Errors.SYNTAX);
                    return;
                }
                i += 2;
            } else if (r.argIs(i, MATCH) && left >= 2) {
                pat = Glob.isMatchAll(r.buf(), r.off(i + 1), r.len(i + 1)) ? -1 : i + 1;
                i += 2;
            } else {
                c.out.raw(Errors.SYNTAX);
                return;
            }
        }
        final Db db = c.db;
        final Reply out = c.out;
        final byte[] text = new byte[32];
        if (db.kind(a) == io.moon.storage.Entry.KIND_ZSET_LP) {
            // a listpack is small: all of it in one reply, and the cursor ends
            final ZCursor cur = ZsetScratch.get().cursor;
            final List<byte[]> found = new ArrayList<>();
            for (Zsets.seekRank(db, a, 0, false, cur); cur.valid(); cur.next()) {
                if (pat < 0 || Glob.matches(r.buf(), r.off(pat), r.len(pat), cur.buf(), cur.off(), cur.len(), false)) {
                    found.add(java.util.Arrays.copyOfRange(cur.buf(), cur.off(), cur.off() + cur.len()));
                    found.add(java.util.Arrays.copyOf(text, cur.scoreText(text)));
                }
            }
            replyScan(out, 0, found);
            return;
        }
        final SortedSet z = (SortedSet) db.object(a);
        final List<byte[]> found = new ArrayList<>();
        final int[] sampled = {0};
        final int patArg = pat;
        final SortedSet.Visitor visit = node -> {
            sampled[0]++;
            final byte[] m = node.member();
            if (patArg < 0 || Glob.matches(r.buf(), r.off(patArg), r.len(patArg), m, 0, m.length, false)) {
                found.add(m);
                found.add(java.util.Arrays.copyOf(text, io.moon.protocol.DoubleFormat.formatG17(node.score(), text, 0)));
            }
        };
        long v = cursor[0];
        long maxIterations = KeyspaceCommands.scanBound(count);
        do {
            v = z.scan(v, visit);
        } while (v != 0 && maxIterations-- > 0 && sampled[0] < count);
        replyScan(out, v, found);
    }

    private static void replyScan(final Reply out, final long cursor, final List<byte[]> items) {
        out.arrayHeader(2);
        out.bulk(Long.toUnsignedString(cursor));
        out.arrayHeader(items.size());
        for (final byte[] b : items) {
            out.bulk(b);
        }
    }
}
