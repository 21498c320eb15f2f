package io.moon.server.commands;

import io.moon.server.pubsub.Notify;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.storage.Db;
import io.moon.storage.LexRange;
import io.moon.storage.Ranks;
import io.moon.storage.ScoreRange;
import io.moon.storage.ZsetScratch;
import io.moon.storage.Zsets;

import static io.moon.protocol.Reply.ascii;
import static io.moon.protocol.Reply.err;

/**
 * Sorted-set commands on one key: ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK,
 * ZCOUNT, ZLEXCOUNT and the ZREMRANGEBY* family, with Redis 7.2's options, replies and error
 * texts. The storage work is {@link Zsets}'s; ranges are in {@link ZsetRangeCommands}, pops and
 * random picks in {@link ZsetPopCommands}, multi-key set algebra in {@link ZsetSetCommands}.
 *
 * <p>Scores parse as Redis's getDoubleFromObject (strtod over the whole argument, no NaN, no
 * overflow) and print as %.17g (RESP3: a double). ZADD and ZSCORE with integer scores allocate
 * nothing.
 */
public final class ZsetCommands {
    private ZsetCommands() {
    }

    static final byte[] NX = ascii("NX");
    static final byte[] XX = ascii("XX");
    static final byte[] CH = ascii("CH");
    static final byte[] INCR = ascii("INCR");
    static final byte[] GT = ascii("GT");
    static final byte[] LT = ascii("LT");
    static final byte[] WITHSCORE = ascii("WITHSCORE");
    static final byte[] WITHSCORES = ascii("WITHSCORES");

    static final byte[] ERR_XX_NX = err("ERR XX and NX options at the same time are not compatible");
    static final byte[] ERR_GT_LT_NX = err("ERR GT, LT, and/or NX options at the same time are not compatible");
    static final byte[] ERR_INCR_PAIRS = err("ERR INCR option supports a single increment-element pair");
    static final byte[] ERR_NAN = err("ERR resulting score is not a number (NaN)");
    static final byte[] ERR_SCORE_RANGE = err("ERR min or max is not a float");
    static final byte[] ERR_LEX_RANGE = err("ERR min or max not valid string range item");
    static final byte[] ERR_NOT_POSITIVE = err("ERR value is out of range, must be positive");

    /** True when the entry at a (non-zero) is not a sorted set; replies WRONGTYPE then. */
    static boolean wrongType(final Ctx c, final long a) {
        if (!Zsets.isZset(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return true;
        }
        return false;
    }

    static long maxEntries(final Ctx c) {
        return c.server.config.zsetMaxListpackEntries;
    }

    static long maxValue(final Ctx c) {
        return c.server.config.zsetMaxListpackValue;
    }

    /**
     * One member of a range reply: the member, and its score when asked; in RESP3 a member with
     * its score is a two-element array (Redis's zrange result handler).
     */
    static void member(final Reply out, final byte[] b, final int off, final int len, final boolean withScores,
                       final double score) {
        if (withScores && out.resp3()) {
            out.arrayHeader(2);
        }
        out.bulk(b, off, len);
        if (withScores) {
            out.doubleValue(score);
        }
    }

    // ---- ZADD / ZINCRBY ------------------------------------------------------------------------

    // ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
    public static void zadd(final Ctx c) {
        add(c, 0);
    }

    // ZINCRBY key increment member
    public static void zincrby(final Ctx c) {
        add(c, Zsets.INCR);
    }

    /** Redis's zaddGenericCommand: options, then every score checked before anything changes. */
    private static void add(final Ctx c, int flags) {
        final Request r = c.req;
        final int argc = r.argc();
        boolean ch = false;
        int first = 2;
        for (; first < argc; first++) {
            if (r.argIs(first, NX)) {
                flags |= Zsets.NX;
            } else if (r.argIs(first, XX)) {
                flags |= Zsets.XX;
            } else if (r.argIs(first, CH)) {
                ch = true;
            } else if (r.argIs(first, INCR)) {
                flags |= Zsets.INCR;
            } else if (r.argIs(first, GT)) {
                flags |= Zsets.GT;
            } else if (r.argIs(first, LT)) {
                flags |= Zsets.LT;
            } else {
                break;
            }
        }
        final int args = argc - first;
        if (args == 0 || args % 2 != 0) {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        final int pairs = args / 2;
        final boolean nx = (flags & Zsets.NX) != 0;
        final boolean gt = (flags & Zsets.GT) != 0;
        final boolean lt = (flags & Zsets.LT) != 0;
        final boolean incr = (flags & Zsets.INCR) != 0;
        if (nx && (flags & Zsets.XX) != 0) {
            c.out.raw(ERR_XX_NX);
            return;
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            c.out.raw(ERR_GT_LT_NX);
            return;
        }
        if (incr && pairs > 1) {
            c.out.raw(ERR_INCR_PAIRS);
            return;
        }
        // All or nothing: every score is checked first (and parsed again below, to allocate nothing).
        for (int j = 0; j < pairs; j++) {
            if (!r.parseDouble(first + 2 * j)) {
                c.out.raw(Errors.NOT_FLOAT);
                return;
            }
        }
        final Db db = c.db;
        final long h = c.keyHash(1);
        long a = c.find(1, h);
        if (a != 0 && wrongType(c, a)) {
            return;
        }
        final long maxEntries = maxEntries(c);
        final long maxValue = maxValue(c);
        if (a == 0) {
            if ((flags & Zsets.XX) != 0) {
                c.keysUnchanged();
                if (incr) {
                    c.out.nullBulk();
                } else {
                    c.out.raw(Reply.ZERO);
                }
                return;
            }
            a = Zsets.create(db, r.buf(), r.off(1), r.len(1), h, pairs, r.len(first + 1), maxEntries, maxValue);
        } else {
            a = Zsets.maybeConvert(db, a, h, pairs, maxEntries);
        }
        final ZsetScratch s = ZsetScratch.get();
        long added = 0;
        long updated = 0;
        long processed = 0;
        double score = 0;
        for (int j = 0; j < pairs; j++) {
            final int si = first + 2 * j;
            r.parseDouble(si);
            final int out = Zsets.add(db, a, h, r.buf(), r.off(si + 1), r.len(si + 1), r.doubleValue, flags,
                    maxEntries, maxValue, s);
            a = s.addr;
            if (out == Zsets.NAN) {
                c.out.raw(ERR_NAN);
                deleteIfEmpty(db, a, h);
                return;
            }
            if (out == Zsets.ADDED) {
                added++;
            } else if (out == Zsets.UPDATED) {
                updated++;
            }
            if (out != Zsets.NOP) {
                processed++;
                score = s.score;
            }
        }
        deleteIfEmpty(db, a, h);
        if (added + updated > 0) {
            Notify.event(c, Notify.ZSET, incr ? "zincr" : "zadd", 1);
        } else {
            c.keysUnchanged(); // scores as they were, or NX/XX/GT/LT said no
        }
        if (incr) {
            if (processed > 0) {
                c.out.doubleValue(score);
            } else {
                c.out.nullBulk();
            }
        } else {
            c.out.integer(ch ? added + updated : added);
        }
    }

    /** Redis has no empty collections: a set created for a command that added nothing goes. */
    private static void deleteIfEmpty(final Db db, final long a, final long h) {
        if (a != 0 && Zsets.card(db, a) == 0) {
            db.unlinkAndFree(a, h);
        }
    }

    // ---- ZREM, ZCARD, ZSCORE, ZMSCORE ----------------------------------------------------------

    // ZREM key member [member ...]
    public static void zrem(final Ctx c) {
        final Request r = c.req;
        final long h = c.keyHash(1);
        long a = c.find(1, h);
        if (a == 0) {
            c.out.raw(Reply.ZERO);
            return;
        }
        if (wrongType(c, a)) {
            return;
        }
        final ZsetScratch s = ZsetScratch.get();
        long deleted = 0;
        for (int i = 2; i < r.argc() && a != 0; i++) {
            if (Zsets.remove(c.db, a, h, r.buf(), r.off(i), r.len(i), s)) {
                deleted++;
            }
            a = s.addr;
        }
        if (deleted > 0) {
            Notify.event(c, Notify.ZSET, "zrem", 1);
            if (a == 0) {
                Notify.event(c, Notify.GENERIC, "del", 1);
            }
        }
        c.out.integer(deleted);
    }

    // ZCARD key
    public static void zcard(final Ctx c) {
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.raw(Reply.ZERO);
        } else if (!wrongType(c, a)) {
            c.out.integer(Zsets.card(c.db, a));
        }
    }

    // ZSCORE key member
    public static void zscore(final Ctx c) {
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.nullBulk();
            return;
        }
        if (wrongType(c, a)) {
            return;
        }
        final double s = Zsets.score(c.db, a, c.buf(), c.off(2), c.len(2));
        if (Double.isNaN(s)) {
            c.out.nullBulk();
        } else {
            c.out.doubleValue(s);
        }
    }

    // ZMSCORE key member [member ...]
    public static void zmscore(final Ctx c) {
        final Request r = c.req;
        final long a = c.findRead(1, c.keyHash(1));
        if (a != 0 && wrongType(c, a)) {
            return;
        }
        c.out.arrayHeader(r.argc() - 2);
        for (int i = 2; i < r.argc(); i++) {
            final double s = a == 0 ? Double.NaN : Zsets.score(c.db, a, r.buf(), r.off(i), r.len(i));
            if (Double.isNaN(s)) {
                c.out.nullBulk();
            } else {
                c.out.doubleValue(s);
            }
        }
    }

    // ---- ZRANK, ZREVRANK -----------------------------------------------------------------------

    // ZRANK key member [WITHSCORE]
    public static void zrank(final Ctx c) {
        rank(c, false);
    }

    // ZREVRANK key member [WITHSCORE]
    public static void zrevrank(final Ctx c) {
        rank(c, true);
    }

    private static void rank(final Ctx c, final boolean reverse) {
        final Request r = c.req;
        if (r.argc() > 4) {
            c.out.error("ERR wrong number of arguments for '" + c.cmd.fullName() + "' command");
            return;
        }
        final boolean withScore = r.argc() == 4;
        if (withScore && !r.argIs(3, WITHSCORE)) {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        final long a = c.findRead(1, c.keyHash(1));
        if (a != 0 && wrongType(c, a)) {
            return;
        }
        final ZsetScratch s = ZsetScratch.get();
        final long rank = a == 0 ? -1 : Zsets.rank(c.db, a, r.buf(), r.off(2), r.len(2), reverse, s);
        if (rank < 0) {
            if (withScore) {
                c.out.nullArray();
            } else {
                c.out.nullBulk();
            }
            return;
        }
        if (withScore) {
            c.out.arrayHeader(2);
            c.out.integer(rank);
            c.out.doubleValue(s.score);
        } else {
            c.out.integer(rank);
        }
    }

    // ---- ZCOUNT, ZLEXCOUNT ---------------------------------------------------------------------

    // ZCOUNT key min max
    public static void zcount(final Ctx c) {
        final ScoreRange range = ZsetScratch.get().range;
        if (!range.parse(c.buf(), c.off(2), c.len(2), c.off(3), c.len(3))) {
            c.out.raw(ERR_SCORE_RANGE);
            return;
        }
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.raw(Reply.ZERO);
        } else if (!wrongType(c, a)) {
            c.out.integer(Zsets.count(c.db, a, range));
        }
    }

    // ZLEXCOUNT key min max
    public static void zlexcount(final Ctx c) {
        final LexRange range = ZsetScratch.get().lex;
        if (!range.parse(c.buf(), c.off(2), c.len(2), c.off(3), c.len(3))) {
            c.out.raw(ERR_LEX_RANGE);
            return;
        }
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.raw(Reply.ZERO);
        } else if (!wrongType(c, a)) {
            c.out.integer(Zsets.count(c.db, a, range));
        }
    }

    // ---- ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX -------------------------------------

    // ZREMRANGEBYRANK key start stop
    public static void zremrangebyrank(final Ctx c) {
        final Request r = c.req;
        if (!r.parseLong(2)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        long start = r.longValue;
        if (!r.parseLong(3)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        long end = r.longValue;
        final long h = c.keyHash(1);
        final long a = c.find(1, h);
        if (a == 0) {
            c.out.raw(Reply.ZERO);
            return;
        }
        if (wrongType(c, a)) {
            return;
        }
        final long card = Zsets.card(c.db, a);
        final long n = Ranks.count(start, end, card);
        if (n == 0) {
            c.out.raw(Reply.ZERO);
            return;
        }
        final long first = Ranks.first(start, card);
        c.out.integer(Zsets.removeRangeByRank(c.db, a, h, first, first + n - 1, ZsetScratch.get()));
        removedRange(c, "zremrangebyrank", h);
    }

    /**
     * Replies a *STORE command's result size and notifies as Redis does: the command's event on the
     * destination (argument 1) when it holds members, else "del" when an existing key was removed.
     */
    static void stored(final Ctx c, final int type, final String event, final boolean existed, final long n) {
        c.out.integer(n);
        if (n > 0) {
            Notify.event(c, type, event, 1);
        } else if (existed) {
            Notify.event(c, Notify.GENERIC, "del", 1);
        }
    }

    /** Whether the key in argument 1 exists now (before a *STORE replaces it). */
    static boolean destinationExists(final Ctx c) {
        return c.find(1, c.keyHash(1)) != 0;
    }

    /** Redis's events after a ZREMRANGEBY* that removed members: the command, then del if emptied. */
    private static void removedRange(final Ctx c, final String event, final long h) {
        Notify.event(c, Notify.ZSET, event, 1);
        if (c.db.lookup(c.buf(), c.off(1), c.len(1), h) == 0) {
            Notify.event(c, Notify.GENERIC, "del", 1);
        }
    }

    private static void removedRange(final Ctx c, final String event, final long h, final long removed) {
        c.out.integer(removed);
        if (removed > 0) {
            removedRange(c, event, h);
        }
    }

    // ZREMRANGEBYSCORE key min max
    public static void zremrangebyscore(final Ctx c) {
        final ZsetScratch s = ZsetScratch.get();
        if (!s.range.parse(c.buf(), c.off(2), c.len(2), c.off(3), c.len(3))) {
            c.out.raw(ERR_SCORE_RANGE);
            return;
        }
        final long h = c.keyHash(1);
        final long a = c.find(1, h);
        if (a == 0) {
            c.out.raw(Reply.ZERO);
        } else if (!wrongType(c, a)) {
            removedRange(c, "zremrangebyscore", h, Zsets.removeRange(c.db, a, h, s.range, s));
        }
    }

    // ZREMRANGEBYLEX key min max
    public static void zremrangebylex(final Ctx c) {
        final ZsetScratch s = ZsetScratch.get();
        if (!s.lex.parse(c.buf(), c.off(2), c.len(2), c.off(3), c.len(3))) {
            c.out.raw(ERR_LEX_RANGE);
            return;
        }
        final long h = c.keyHash(1);
        final long a = c.find(1, h);
        if (a == 0) {
            c.out.raw(Reply.ZERO);
        } else if (!wrongType(c, a)) {
            removedRange(c, "zremrangebylex", h, Zsets.removeRange(c.db, a, h, s.lex, s));
        }
    }
}
