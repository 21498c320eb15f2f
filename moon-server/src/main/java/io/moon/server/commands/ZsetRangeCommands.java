package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.storage.Db;
import io.moon.storage.LexRange;
import io.moon.storage.Ranks;
import io.moon.storage.ScoreRange;
import io.moon.storage.ZCursor;
import io.moon.storage.ZsetBuilder;
import io.moon.storage.ZsetScratch;
import io.moon.storage.Zsets;

import static io.moon.protocol.Reply.ascii;
import static io.moon.protocol.Reply.err;

/**
 * ZRANGE and ZRANGESTORE (BYSCORE, BYLEX, REV, LIMIT, WITHSCORES) and the older forms they
 * subsume: ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX. One parser
 * and one range walk serve them all, as Redis's zrangeGenericCommand does, so options and error
 * texts agree across the family.
 *
 * <p>The reply's length is known before the first member is written: a rank range's from the
 * bounds, a score or lex range's from the ranks of its ends (O(log N) on a skiplist), so the
 * walk starts at the first member returned, past any LIMIT offset, in O(log N) and then costs
 * O(M) for M members.
 */
public final class ZsetRangeCommands {
    private ZsetRangeCommands() {
    }

    private static final byte[] LIMIT = ascii("LIMIT");
    private static final byte[] REV = ascii("REV");
    private static final byte[] BYSCORE = ascii("BYSCORE");
    private static final byte[] BYLEX = ascii("BYLEX");
    private static final byte[] ERR_LIMIT = err(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    private static final byte[] ERR_WITHSCORES = err("ERR syntax error, WITHSCORES not supported in combination with BYLEX");

    private static final int AUTO = 0;
    private static final int RANK = 1;
    private static final int SCORE = 2;
    private static final int LEX = 3;

    // ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
    public static void zrange(final Ctx c) {
        range(c, 1, false, AUTO, false, false);
    }

    // ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
    public static void zrangestore(final Ctx c) {
        range(c, 2, true, AUTO, false, false);
    }

    // ZREVRANGE key start stop [WITHSCORES]
    public static void zrevrange(final Ctx c) {
        range(c, 1, false, RANK, true, true);
    }

    // ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
    public static void zrangebyscore(final Ctx c) {
        range(c, 1, false, SCORE, true, false);
    }

    // ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
    public static void zrevrangebyscore(final Ctx c) {
        range(c, 1, false, SCORE, true, true);
    }

    // ZRANGEBYLEX key min max [LIMIT offset count]
    public static void zrangebylex(final Ctx c) {
        range(c, 1, false, LEX, true, false);
    }

    // ZREVRANGEBYLEX key max min [LIMIT offset count]
    public static void zrevrangebylex(final Ctx c) {
        range(c, 1, false, LEX, true, true);
    }

    /**
     * The shared body. {@code src} is the source key's argument; {@code fixedDirection} when the
     * command's name says the direction (then REV is not an option), and a {@code type} other
     * than AUTO when it says the kind of range (then BYSCORE and BYLEX are not options).
     */
    private static void range(final Ctx c, final int src, final boolean store, int type,
                              final boolean fixedDirection, boolean reverse) {
        final Request r = c.req;
        final int argc = r.argc();
        boolean withScores = false;
        long offset = 0;
        long limit = -1;
        for (int j = src + 3; j < argc; j++) {
            final int left = argc - j - 1;
            if (!store && r.argIs(j, ZsetCommands.WITHSCORES)) {
                withScores = true;
            } else if (r.argIs(j, LIMIT) && left >= 2) {
                if (!r.parseLong(j + 1)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return;
                }
                offset = r.longValue;
                if (!r.parseLong(j + 2)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return;
                }
                limit = r.longValue;
                j += 2;
            } else if (!fixedDirection && !reverse && r.argIs(j, REV)) {
                reverse = true;
            } else if (type == AUTO && r.argIs(j, BYLEX)) {
                type = LEX;
            } else if (type == AUTO && r.argIs(j, BYSCORE)) {
                type = SCORE;
            } else {
                c.out.raw(Errors.SYNTAX);
                return;
            }
        }
        if (type == AUTO) {
            type = RANK;
        }
        if (limit != -1 && type == RANK) {
            c.out.raw(ERR_LIMIT);
            return;
        }
        if (withScores && type == LEX) {
            c.out.raw(ERR_WITHSCORES);
            return;
        }
        // BYSCORE and BYLEX ranges are given high end first when reversed
        final int minArg = reverse && type != RANK ? src + 2 : src + 1;
        final int maxArg = reverse && type != RANK ? src + 1 : src + 2;
        final ZsetScratch s = ZsetScratch.get();
        long start = 0;
        long end = 0;
        if (type == RANK) {
            if (!r.parseLong(minArg)) {
                c.out.raw(Errors.NOT_INTEGER);
                return;
            }
            start = r.longValue;
            if (!r.parseLong(maxArg)) {
                c.out.raw(Errors.NOT_INTEGER);
                return;
            }
            end = r.longValue;
        } else if (type == SCORE) {
            if (!s.range.parse(r.buf(), r.off(minArg), r.len(minArg), r.off(maxArg), r.len(maxArg))) {
                c.out.raw(ZsetCommands.ERR_SCORE_RANGE);
                return;
            }
        } else if (!s.lex.parse(r.buf(), r.off(minArg), r.len(minArg), r.off(maxArg), r.len(maxArg))) {
            c.out.raw(ZsetCommands.ERR_LEX_RANGE);
            return;
        }
        final long a = c.findRead(src, c.keyHash(src));
        if (a != 0 && ZsetCommands.wrongType(c, a)) {
            return;
        }
        final ZCursor cur = s.cursor;
        final long n;
        if (a == 0) {
            n = 0;
        } else if (type == RANK) {
            n = seekRank(c.db, a, start, end, reverse, cur);
        } else if (type == SCORE) {
            n = seekScore(c.db, a, s.range, offset, limit, reverse, cur);
        } else {
            n = seekLex(c.db, a, s.lex, offset, limit, reverse, cur);
        }
        if (store) {
            storeRange(c, cur, n, reverse);
            return;
        }
        final Reply out = c.out;
        out.arrayHeader(withScores && !out.resp3() ? 2 * n : n);
        for (long i = 0; i < n; i++, cur.next()) {
            ZsetCommands.member(out, cur.buf(), cur.off(), cur.len(), withScores, withScores ? cur.score() : 0);
        }
    }

    /** Positions the cursor for ranks start..end (Redis's sanitizing); returns how many to take. */
    private static long seekRank(final Db db, final long a, final long start, final long end, final boolean reverse,
                                 final ZCursor cur) {
        final long size = Zsets.card(db, a);
        final long n = Ranks.count(start, end, size);
        if (n != 0) {
            Zsets.seekRank(db, a, Ranks.first(start, size), reverse, cur);
        }
        return n;
    }

    /**
     * How many members a score range holds after LIMIT, with the cursor on the first to return.
     * A negative offset returns nothing and a negative count means all, as Redis's loops make it.
     */
    private static long seekScore(final Db db, final long a, final ScoreRange range, final long offset,
                                  final long limit, final boolean reverse, final ZCursor cur) {
        if (offset < 0 || limit == 0 || (offset > 0 && offset >= Zsets.card(db, a))) {
            return 0;
        }
        Zsets.seek(db, a, range, reverse, cur);
        if (!cur.valid()) {
            return 0;
        }
        final long inRange = Zsets.count(db, a, range);
        return skipAndCount(db, a, cur, inRange, offset, limit);
    }

    private static long seekLex(final Db db, final long a, final LexRange range, final long offset,
                                final long limit, final boolean reverse, final ZCursor cur) {
        if (offset < 0 || limit == 0) {
            return 0;
        }
        Zsets.seek(db, a, range, reverse, cur);
        if (!cur.valid()) {
            return 0;
        }
        final long inRange = Zsets.count(db, a, range);
        return skipAndCount(db, a, cur, inRange, offset, limit);
    }

    private static long skipAndCount(final Db db, final long a, final ZCursor cur, final long inRange,
                                     final long offset, final long limit) {
        if (offset >= inRange) {
            cur.clear();
            return 0;
        }
        if (offset > 0) {
            Zsets.advance(db, a, cur, offset);
        }
        final long left = inRange - offset;
        return limit < 0 ? left : Math.min(left, limit);
    }

    /** ZRANGESTORE's end: the n members at the cursor become the destination (or it goes). */
    private static void storeRange(final Ctx c, final ZCursor cur, final long n, final boolean reverse) {
        final Request r = c.req;
        final ZsetBuilder b = new ZsetBuilder(false);
        for (long i = 0; i < n; i++, cur.next()) {
            b.add(cur.buf(), cur.off(), cur.len(), cur.score());
        }
        final boolean existed = ZsetCommands.destinationExists(c);
        final int stored = Zsets.store(c.db, r.buf(), r.off(1), r.len(1), c.keyHash(1), b, b.addedOrder(reverse),
                ZsetCommands.maxEntries(c), ZsetCommands.maxValue(c), c.now);
        ZsetCommands.stored(c, io.moon.server.pubsub.Notify.ZSET, "zrangestore", existed, stored);
    }
}
