package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;
import io.moon.storage.Db;
import io.moon.storage.ListCursor;
import io.moon.storage.ListValues;

import static io.moon.protocol.Reply.err;

/**
 * List commands that take elements from one key to another or pick among keys: LMOVE,
 * RPOPLPUSH and LMPOP, each with a single-shard handler and a cross-shard operation.
 *
 * <p>The cross-shard forms are dedicated {@link Coordinated} operations rather than
 * {@link CrossShard#gather}, so they stay O(1) per moved element as in Redis instead of copying
 * whole lists: LMOVE peeks at both keys once locked, pops on the source's shard, then pushes on
 * the destination's; LMPOP peeks at every key and pops only from the first non-empty list, on
 * its own shard. Both hold every lock until their last write, so no client sees the element in
 * neither or both lists.
 *
 * <p>For the blocking commands: {@link #move} is the LMOVE a served BLMOVE runs when both keys
 * are on its shard ({@link #lmoveAcross} otherwise), {@link #mpopArgs} parses BLMPOP's tail, and
 * {@link #mpopFrom} serves it.
 */
public final class ListMoves {
    private ListMoves() {
    }

    private static final byte[] NUMKEYS = err("ERR numkeys should be greater than 0");
    private static final byte[] COUNT_POSITIVE = err("ERR count should be greater than 0");

    /** {@link #move}'s outcomes, for a blocked client deciding whether it was served. */
    public static final int MISSING = 0;
    public static final int MOVED = 1;
    public static final int WRONG_TYPE = -1;

    /** 1 for LEFT, 0 for RIGHT, -1 (after replying a syntax error) for anything else. */
    static int side(final Ctx c, final int arg) {
        if (c.req.argIs(arg, ListCommands.LEFT)) {
            return 1;
        }
        if (c.req.argIs(arg, ListCommands.RIGHT)) {
            return 0;
        }
        c.out.raw(Errors.SYNTAX);
        return -1;
    }

    // LMOVE source destination LEFT|RIGHT LEFT|RIGHT
    public static void lmove(final Ctx c) {
        final int from = side(c, 3);
        if (from < 0) {
            return;
        }
        final int to = side(c, 4);
        if (to < 0) {
            return;
        }
        move(c, 1, 2, from == 1, to == 1);
    }

    // RPOPLPUSH source destination
    public static void rpoplpush(final Ctx c) {
        move(c, 1, 2, false, true);
    }

    /**
     * LMOVE with both keys on this shard: pops from the head ({@code fromLeft}) or tail of the
     * list at argument {@code srcArg}, pushes the element at the head or tail of the list at
     * {@code dstArg} (created if missing; it may be the same key) and replies the element. A
     * missing source replies null; a source or destination of another type replies WRONGTYPE and
     * changes nothing. Returns {@link #MOVED}, {@link #MISSING} or {@link #WRONG_TYPE}.
     */
    public static int move(final Ctx c, final int srcArg, final int dstArg, final boolean fromLeft,
                           final boolean toLeft) {
        final Db db = c.db;
        final long hs = c.keyHash(srcArg);
        long s = ListCommands.findWrite(c, srcArg, hs);
        if (s == 0) {
            c.out.nullBulk();
            return MISSING;
        }
        if (!ListValues.isList(db, s)) {
            c.out.raw(Errors.WRONGTYPE);
            return WRONG_TYPE;
        }
        final long hd = c.keyHash(dstArg);
        long d = ListCommands.findWrite(c, dstArg, hd);
        if (d != 0 && !ListValues.isList(db, d)) {
            c.out.raw(Errors.WRONGTYPE);
            return WRONG_TYPE;
        }
        final Request r = c.req;
        final boolean same = d == s;
        final long len = ListValues.length(db, s);
        final long at = fromLeft ? 0 : len - 1;
        final ListCursor cur = c.listCursor.seek(db, s, at);
        final long rawBytes = pushedRawBytes(cur);
        final int el = cur.length();
        final byte[] e = cur.copy();
        s = ListValues.deleteRange(db, s, at, 1);
        d = ListValues.pushOne(db, same ? s : d, r.buf(), r.off(dstArg), r.len(dstArg), hd, toLeft, e, 0, el,
                rawBytes, ListCommands.fill(c));
        c.out.bulk(e, 0, el);
        ListCommands.pushed(c, dstArg, toLeft);
        ListValues.afterRemoval(db, same ? d : s, hs, ListCommands.fill(c));
        ListCommands.popped(c, srcArg, hs, fromLeft);
        return MOVED;
    }

    /**
     * What Redis's conversion check counts for an element it pops and pushes again: its length,
     * except 0 for an integer popped from a quicklist (it becomes an integer object, and the
     * check only counts string objects).
     */
    private static long pushedRawBytes(final ListCursor cur) {
        return cur.inQuickList() && cur.isInt() ? 0 : cur.length();
    }

    // ---- LMPOP ---------------------------------------------------------------------------------

    // LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
    public static void lmpop(final Ctx c) {
        final long args = mpopArgs(c, 1);
        if (args < 0) {
            return;
        }
        if (!mpopFrom(c, 2, numkeysOf(c, 1), (args & 1) != 0, args >>> 1)) {
            c.out.nullArray();
        }
    }

    private static int numkeysOf(final Ctx c, final int numkeysArg) {
        c.req.parseLong(numkeysArg);
        return (int) c.req.longValue;
    }

    /**
     * Parses LMPOP's (and BLMPOP's) arguments after the numkeys at {@code numkeysArg}: the
     * numkeys, the side and COUNT. Returns {@code count << 1 | left}, or -1 after replying the
     * error Redis would.
     */
    public static long mpopArgs(final Ctx c, final int numkeysArg) {
        final Request r = c.req;
        if (!r.parseLong(numkeysArg) || r.longValue < 1) {
            c.out.raw(NUMKEYS);
            return -1;
        }
        final long whereArg = numkeysArg + r.longValue + 1;
        if (whereArg >= r.argc()) {
            c.out.raw(Errors.SYNTAX);
            return -1;
        }
        final int left = side(c, (int) whereArg);
        if (left < 0) {
            return -1;
        }
        long count = -1;
        for (int j = (int) whereArg + 1; j < r.argc(); j++) {
            if (count == -1 && j + 1 < r.argc() && r.argIs(j, ListCommands.COUNT)) {
                j++;
                if (!r.parseLong(j) || r.longValue < 1) {
                    c.out.raw(COUNT_POSITIVE);
                    return -1;
                }
                // no collection holds 2^62 elements: a larger COUNT pops the same, and the cap
                // keeps count << 1 (the packed result) from overflowing into the error value
                count = Math.min(r.longValue, Long.MAX_VALUE >> 1);
            } else {
                c.out.raw(Errors.SYNTAX);
                return -1;
            }
        }
        return (count == -1 ? 1 : count) << 1 | left;
    }

    /**
     * LMPOP's work over the {@code numkeys} keys from argument {@code firstKey}: pops up to
     * {@code count} elements from the first key holding a non-empty list and replies
     * [key, [elements]]; a key of another type met first replies WRONGTYPE. Returns false, having
     * replied nothing, when every key is missing (a blocking caller then waits).
     */
    public static boolean mpopFrom(final Ctx c, final int firstKey, final int numkeys, final boolean left,
                                   final long count) {
        for (int i = firstKey; i < firstKey + numkeys; i++) {
            final long h = c.keyHash(i);
            final long a = ListCommands.findWrite(c, i, h);
            if (a == 0) {
                continue;
            }
            if (!ListValues.isList(c.db, a)) {
                c.out.raw(Errors.WRONGTYPE);
                return true;
            }
            c.out.arrayHeader(2);
            c.out.bulk(c.buf(), c.off(i), c.len(i));
            ListCommands.popAndReply(c, a, h, left, count);
            ListCommands.popped(c, i, h, left);
            c.onlyKeyChanged(i - firstKey);
            return true;
        }
        return false;
    }

    // ---- across shards -------------------------------------------------------------------------

    /** What a locked shard saw of a key: nothing (or an empty list), a list, another type. */
    private static final int ABSENT = 0;
    private static final int LIST = 1;
    private static final int OTHER = 2;

    /** Peeks at argument i in x's database without expiring or touching it. */
    private static int peek(final Ctx x, final int i) {
        final Request r = x.req;
        final long a = x.db.lookup(r.buf(), r.off(i), r.len(i), x.keyHash(i));
        if (a == 0 || x.db.isExpired(a, x.now)) {
            return ABSENT;
        }
        if (!ListValues.isList(x.db, a)) {
            return OTHER;
        }
        return ListValues.length(x.db, a) > 0 ? LIST : ABSENT;
    }

    // LMOVE / RPOPLPUSH (and BLMOVE / BRPOPLPUSH served) with the keys on two shards
    public static Coordinated lmoveAcross(final Ctx c) {
        final boolean fromLeft;
        final boolean toLeft;
        if (c.req.argc() >= 5 && c.cmd.name().endsWith("lmove")) {
            final int from = side(c, 3);
            if (from < 0) {
                return CrossShard.finished(c);
            }
            final int to = side(c, 4);
            if (to < 0) {
                return CrossShard.finished(c);
            }
            fromLeft = from == 1;
            toLeft = to == 1;
        } else {
            fromLeft = false;
            toLeft = true;
        }
        final Coordinated op = new Move(c, fromLeft, toLeft);
        op.start();
        return op;
    }

    /**
     * LMOVE across two shards: peek at both keys once locked; pop on the source's shard (the
     * element travels in the source part), then push on the destination's, releasing each part
     * after its write.
     */
    private static final class Move extends Coordinated {
        private final boolean fromLeft;
        private final boolean toLeft;
        private final Part src;
        private final Part dst;
        private boolean pushed;

        Move(final Ctx c, final boolean fromLeft, final boolean toLeft) {
            super(c);
            this.fromLeft = fromLeft;
            this.toLeft = toLeft;
            src = keyPart(1, c.dbIndex, true);
            dst = keyPart(2, c.dbIndex, true);
        }

        @Override
        protected void onLocked(final Part p, final Ctx x) {
            if (p == src) {
                // Redis looks the source up first (expiring it, touching it) and stops if it is missing
                final long a = ListCommands.findWrite(x, 1, x.keyHash(1));
                p.n = a == 0 ? ABSENT : ListValues.isList(x.db, a) ? LIST : OTHER;
            } else {
                p.n = peek(x, 2);
            }
        }

        @Override
        protected boolean writesWhenLocked() {
            return false; // the locked phase only peeks; the steps write (and signal watchers)
        }

        @Override
        protected void onAllLocked() {
            if (src.n == ABSENT) {
                reply.nullBulk();
                finish();
            } else if (src.n == OTHER || dst.n == OTHER) {
                reply.raw(Errors.WRONGTYPE);
                finish();
            } else {
                stepAndRelease(src);
            }
        }

        @Override
        protected void onStep(final Part p, final Ctx x) {
            final int fill = ListCommands.fill(x);
            if (p == src) {
                final long h = x.keyHash(1);
                final long a = x.find(1, h);
                final long len = ListValues.length(x.db, a);
                final long at = fromLeft ? 0 : len - 1;
                final ListCursor cur = x.listCursor.seek(x.db, a, at);
                p.n = pushedRawBytes(cur);
                // allocates: the element travels to the destination's shard in its own array
                p.data = cur.toBytes();
                ListValues.afterRemoval(x.db, ListValues.deleteRange(x.db, a, at, 1), h, fill);
                ListCommands.popped(x, 1, h, fromLeft);
            } else {
                final Request r = x.req;
                final long h = x.keyHash(2);
                final byte[] e = (byte[]) src.data;
                ListValues.pushOne(x.db, ListCommands.findWrite(x, 2, h), r.buf(), r.off(2), r.len(2), h, toLeft, e,
                        0, e.length, src.n, fill);
                ListCommands.pushed(x, 2, toLeft);
            }
        }

        @Override
        protected void onStepsDone() {
            if (!pushed) {
                pushed = true;
                stepAndRelease(dst);
                return;
            }
            reply.bulk((byte[]) src.data);
            finish();
        }
    }

    // LMPOP with keys on several shards
    public static Coordinated lmpopAcross(final Ctx c) {
        final long args = mpopArgs(c, 1);
        if (args < 0) {
            return CrossShard.finished(c);
        }
        final Coordinated op = new MultiPop(c, numkeysOf(c, 1), (args & 1) != 0, args >>> 1);
        op.start();
        return op;
    }

    /**
     * LMPOP across shards: every shard reports what each of its keys holds; the first key, in
     * argument order, holding a list or another type decides: WRONGTYPE, or a pop on its shard.
     * Only that shard writes.
     */
    private static final class MultiPop extends Coordinated {
        private final boolean left;
        private final long count;
        /** Per key (argument 2 + k), what its shard saw; written by each key's own shard. */
        private final int[] seen;
        private final Part[] partOfKey;
        private int chosen = -1;

        MultiPop(final Ctx c, final int numkeys, final boolean left, final long count) {
            super(c);
            this.left = left;
            this.count = count;
            this.seen = new int[numkeys];
            this.partOfKey = new Part[numkeys];
            for (int k = 0; k < numkeys; k++) {
                final Part p = keyPart(2 + k, c.dbIndex, true);
                p.addArg(2 + k);
                partOfKey[k] = p;
            }
        }

        @Override
        protected void onLocked(final Part p, final Ctx x) {
            for (int a = 0; a < p.argCount; a++) {
                seen[p.args[a] - 2] = peek(x, p.args[a]);
            }
        }

        @Override
        protected boolean writesWhenLocked() {
            return false; // the locked phase only peeks; the steps write (and signal watchers)
        }

        @Override
        protected void onAllLocked() {
            for (int k = 0; k < seen.length; k++) {
                if (seen[k] != ABSENT) {
                    chosen = k;
                    break;
                }
            }
            if (chosen < 0) {
                reply.nullArray();
                finish();
            } else if (seen[chosen] == OTHER) {
                reply.raw(Errors.WRONGTYPE);
                finish();
            } else {
                final Part target = partOfKey[chosen];
                stepSomeAndReleaseAll(p -> p == target);
            }
        }

        @Override
        protected void onStep(final Part p, final Ctx x) {
            final int i = 2 + chosen;
            x.out.arrayHeader(2);
            x.out.bulk(x.buf(), x.off(i), x.len(i));
            final long h = x.keyHash(i);
            ListCommands.popAndReply(x, ListCommands.findWrite(x, i, h), h, left, count);
            ListCommands.popped(x, i, h, left);
            // only the popped list changed, not the other keys of this shard the command named
            p.touchKey(x.shard, x.dbIndex, x.buf(), x.off(i), x.len(i), conn);
        }

        @Override
        protected void onStepsDone() {
            final Part p = partOfKey[chosen];
            reply.raw(p.buf);
            finish();
        }
    }
}
