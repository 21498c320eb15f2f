package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.storage.Db;
import io.moon.storage.Entry;
import io.moon.storage.SetIter;
import io.moon.storage.SetValues;
import io.moon.storage.ZCursor;
import io.moon.storage.ZsetBuilder;
import io.moon.storage.ZsetScratch;
import io.moon.storage.Zsets;

import static io.moon.protocol.Reply.ascii;
import static io.moon.protocol.Reply.err;

/**
 * ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD: Redis's zunionInterDiffGenericCommand.
 * Inputs may be sorted sets or sets (a set's members score 1), weighted, aggregated by SUM, MIN
 * or MAX. Inputs are visited as Redis visits them (smallest first for union and intersection,
 * each sorted set from its highest member down), so sums of floats round the same way.
 *
 * <p>Keys may live on several shards: the table runs these through the cross-shard gather, and
 * the handlers see every key locally.
 */
public final class ZsetSetCommands {
    private ZsetSetCommands() {
    }

    private static final byte[] WEIGHTS = ascii("WEIGHTS");
    private static final byte[] AGGREGATE = ascii("AGGREGATE");
    private static final byte[] SUM = ascii("SUM");
    private static final byte[] MIN = ascii("MIN");
    private static final byte[] MAX = ascii("MAX");
    private static final byte[] LIMIT = ascii("LIMIT");
    private static final byte[] ERR_WEIGHT = err("ERR weight value is not a float");
    private static final byte[] ERR_LIMIT = err("ERR LIMIT can't be negative");

    private static final int UNION = 0;
    private static final int INTER = 1;
    private static final int DIFF = 2;
    private static final int AGG_SUM = 0;
    private static final int AGG_MIN = 1;
    private static final int AGG_MAX = 2;

    // ZUNION numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
    public static void zunion(final Ctx c) {
        run(c, false, 1, UNION, false);
    }

    // ZINTER numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
    public static void zinter(final Ctx c) {
        run(c, false, 1, INTER, false);
    }

    // ZDIFF numkeys key [key ...] [WITHSCORES]
    public static void zdiff(final Ctx c) {
        run(c, false, 1, DIFF, false);
    }

    // ZINTERCARD numkeys key [key ...] [LIMIT limit]
    public static void zintercard(final Ctx c) {
        run(c, false, 1, INTER, true);
    }

    // ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]
    public static void zunionstore(final Ctx c) {
        run(c, true, 2, UNION, false);
    }

    // ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]
    public static void zinterstore(final Ctx c) {
        run(c, true, 2, INTER, false);
    }

    // ZDIFFSTORE destination numkeys key [key ...]
    public static void zdiffstore(final Ctx c) {
        run(c, true, 2, DIFF, false);
    }

    /** One input: its key's entry (0 when missing), weight and size. */
    private static final class Source {
        long addr;
        int kind;
        long size;
        double weight = 1;
    }

    private static void run(final Ctx c, final boolean store, final int numkeysArg, final int op,
                            final boolean cardOnly) {
        final Request r = c.req;
        final Db db = c.db;
        if (!r.parseLong(numkeysArg)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        final long setnum = r.longValue;
        if (setnum < 1) {
            c.out.error("ERR at least 1 input key is needed for '" + c.cmd.fullName() + "' command");
            return;
        }
        if (setnum > r.argc() - (numkeysArg + 1)) {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        final int n = (int) setnum;
        final Source[] src = new Source[n];
        int j = numkeysArg + 1;
        for (int i = 0; i < n; i++, j++) {
            final Source s = new Source();
            s.addr = c.findRead(j, c.keyHash(j));
            if (s.addr != 0) {
                s.kind = db.kind(s.addr);
                if (!Zsets.isZset(db, s.addr) && !SetValues.isSetKind(s.kind)) {
                    c.out.raw(Errors.WRONGTYPE);
                    return;
                }
                s.size = s.kind == Entry.KIND_ZSET_LP || s.kind == Entry.KIND_ZSET_SL ? Zsets.card(db, s.addr)
                        : SetValues.size(db, s.addr);
            }
            src[i] = s;
        }
        int aggregate = AGG_SUM;
        boolean withScores = false;
        long limit = 0;
        while (j < r.argc()) {
            final int remaining = r.argc() - j;
            if (op != DIFF && !cardOnly && remaining >= n + 1 && r.argIs(j, WEIGHTS)) {
                j++;
                for (int i = 0; i < n; i++, j++) {
                    if (!r.parseDouble(j)) {
                        c.out.raw(ERR_WEIGHT);
                        return;
                    }
                    src[i].weight = r.doubleValue;
                }
            } else if (op != DIFF && !cardOnly && remaining >= 2 && r.argIs(j, AGGREGATE)) {
                if (r.argIs(j + 1, SUM)) {
                    aggregate = AGG_SUM;
                } else if (r.argIs(j + 1, MIN)) {
                    aggregate = AGG_MIN;
                } else if (r.argIs(j + 1, MAX)) {
                    aggregate = AGG_MAX;
                } else {
                    c.out.raw(Errors.SYNTAX);
                    return;
                }
                j += 2;
            } else if (!store && !cardOnly && r.argIs(j, ZsetCommands.WITHSCORES)) {
                withScores = true;
                j++;
            } else if (cardOnly && remaining >= 2 && r.argIs(j, LIMIT)) {
                if (!r.parseLong(j + 1) || r.longValue < 0) {
                    c.out.raw(ERR_LIMIT);
                    return;
                }
                limit = r.longValue;
                j += 2;
            } else {
                c.out.raw(Errors.SYNTAX);
                return;
            }
        }
        if (op != DIFF) {
            // smallest first (a stable sort, as glibc's qsort of Redis behaves on small arrays)
            java.util.Arrays.sort(src, (x, y) -> Long.compare(x.size, y.size));
        }
        final ZsetBuilder out = new ZsetBuilder(op != INTER);
        if (op == INTER) {
            final long card = inter(c, src, aggregate, out, cardOnly, limit);
            if (cardOnly) {
                c.out.integer(card);
                return;
            }
        } else if (op == UNION) {
            union(c, src, aggregate, out);
        } else {
            diff(c, src, out);
        }
        final int[] order = out.sortedOrder();
        if (store) {
            final boolean existed = ZsetCommands.destinationExists(c);
            final int stored = Zsets.store(db, r.buf(), r.off(1), r.len(1), c.keyHash(1), out, order,
                    ZsetCommands.maxEntries(c), ZsetCommands.maxValue(c), c.now);
            ZsetCommands.stored(c, io.moon.server.pubsub.Notify.ZSET,
                    op == UNION ? "zunionstore" : op == INTER ? "zinterstore" : "zdiffstore", existed, stored);
            return;
        }
        final Reply rep = c.out;
        rep.arrayHeader(withScores && !rep.resp3() ? 2L * order.length : order.length);
        for (final int i : order) {
            ZsetCommands.member(rep, out.arena(), out.off(i), out.len(i), withScores, out.score(i));
        }
    }

    private static double aggregate(final double target, final double val, final int how) {
        return switch (how) {
            case AGG_SUM -> {
                final double s = target + val;
                yield Double.isNaN(s) ? 0 : s; // inf + -inf counts as 0, as in Redis
            }
            case AGG_MIN -> val < target ? val : target;
            default -> val > target ? val : target;
        };
    }

    /** Visits every member of a source (sorted sets from the highest member down). */
    private interface MemberVisitor {
        void visit(byte[] b, int off, int len, double score);
    }

    private static void forEach(final Db db, final Source s, final MemberVisitor v) {
        if (s.addr == 0) {
            return;
        }
        if (s.kind == Entry.KIND_ZSET_LP || s.kind == Entry.KIND_ZSET_SL) {
            final ZCursor cur = new ZCursor();
            for (Zsets.seekRank(db, s.addr, 0, true, cur); cur.valid(); cur.next()) {
                v.visit(cur.buf(), cur.off(), cur.len(), cur.score());
            }
            return;
        }
        final SetIter it = new SetIter().reset(db, s.addr);
        while (it.next()) {
            it.bytes();
            v.visit(it.buf, it.off, it.len, 1);
        }
    }

    /** The member's score in a source (1 in a set), or NaN when absent. */
    private static double find(final Db db, final Source s, final byte[] m, final int mo, final int ml) {
        if (s.addr == 0) {
            return Double.NaN;
        }
        if (s.kind == Entry.KIND_ZSET_LP || s.kind == Entry.KIND_ZSET_SL) {
            return Zsets.score(db, s.addr, m, mo, ml);
        }
        return SetValues.contains(db, s.addr, m, mo, ml) ? 1 : Double.NaN;
    }

    private static void union(final Ctx c, final Source[] src, final int how, final ZsetBuilder out) {
        for (final Source s : src) {
            if (s.size == 0) {
                continue;
            }
            forEach(c.db, s, (b, o, l, score) -> {
                double v = s.weight * score;
                if (Double.isNaN(v)) {
                    v = 0;
                }
                final int i = out.find(b, o, l);
                if (i < 0) {
                    out.add(b, o, l, v);
                } else {
                    out.score(i, aggregate(out.score(i), v, how));
                }
            });
        }
    }

    /** Intersection into {@code out}, or only its size when {@code cardOnly} (stopping at limit). */
    private static long inter(final Ctx c, final Source[] src, final int how, final ZsetBuilder out,
                              final boolean cardOnly, final long limit) {
        if (src[0].size == 0) {
            return 0;
        }
        final Db db = c.db;
        final long[] card = {0};
        final Source first = src[0];
        final boolean[] done = {false};
        forEach(db, first, (b, o, l, score) -> {
            if (done[0]) {
                return;
            }
            double total = first.weight * score;
            if (Double.isNaN(total)) {
                total = 0;
            }
            for (int j = 1; j < src.length; j++) {
                final double v;
                if (src[j].addr == first.addr) {
                    v = score * src[j].weight;
                } else {
                    final double found = find(db, src[j], b, o, l);
                    if (Double.isNaN(found)) {
                        return;
                    }
                    v = found * src[j].weight;
                }
                total = aggregate(total, v, how);
            }
            if (cardOnly) {
                card[0]++;
                done[0] = limit > 0 && card[0] >= limit;
            } else {
                out.add(b, o, l, total);
            }
        });
        return card[0];
    }

    /** Members of the first input found in none of the others, with their first scores. */
    private static void diff(final Ctx c, final Source[] src, final ZsetBuilder out) {
        final Db db = c.db;
        final Source first = src[0];
        if (first.size == 0) {
            return;
        }
        long algo1 = 0;
        long algo2 = 0;
        for (int j = 0; j < src.length; j++) {
            if (j > 0 && src[j].addr == first.addr) {
                return; // a set minus itself
            }
            algo1 += first.size;
            algo2 += src[j].size;
        }
        if (algo1 / 2 <= algo2) {
            forEach(db, first, (b, o, l, score) -> {
                for (int j = 1; j < src.length; j++) {
                    if (!Double.isNaN(find(db, src[j], b, o, l))) {
                        return;
                    }
                }
                out.add(b, o, l, score);
            });
            return;
        }
        forEach(db, first, out::add);
        for (int j = 1; j < src.length && out.size() > 0; j++) {
            forEach(db, src[j], (b, o, l, score) -> {
                final int i = out.find(b, o, l);
                if (i >= 0) {
                    out.remove(i);
                }
            });
        }
    }
}
