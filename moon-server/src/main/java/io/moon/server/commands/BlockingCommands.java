package io.moon.server.commands;

import io.moon.server.Ctx;
import io.moon.server.blocking.BlockedPop;
import io.moon.server.blocking.Blocking;
import io.moon.server.blocking.BlockingOp;
import io.moon.server.xshard.Coordinated;
import io.moon.storage.ListValues;
import io.moon.storage.ValueType;

/**
 * The blocking pops: BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH, BZPOPMIN, BZPOPMAX, BZMPOP. Each
 * first does what its
 * non-blocking twin does (the pop logic is the list or sorted-set family's); when every key is missing it
 * blocks (see {@link Blocking} and docs/architecture.md, "Blocking commands"), unless it runs
 * inside MULTI/EXEC or a script, where it answers as on a timeout.
 *
 * <p>{@code arg} of a waiter: {@code count << 1 | left} for the pops (count -1: BLPOP's single
 * element), {@code fromLeft << 1 | toLeft} for the moves.
 */
public final class BlockingCommands {
    private BlockingCommands() {
    }

    /** A served BLPOP/BRPOP/BLMPOP: [key, element] or [key, [elements]]. */
    static final BlockedPop LIST_POP = (c, arg, i, a, h) -> {
        c.out.arrayHeader(2);
        c.out.bulk(c.buf(), c.off(i), c.len(i));
        ListCommands.popAndReply(c, a, h, (arg & 1) != 0, arg >> 1);
        ListCommands.popped(c, i, h, (arg & 1) != 0);
    };

    /** A served BLMOVE/BRPOPLPUSH with both keys on the serving shard: LMOVE's work and reply. */
    static final BlockedPop LIST_MOVE = (c, arg, i, a, h) -> ListMoves.move(c, 1, 2, (arg & 2) != 0, (arg & 1) != 0);

    // BLPOP key [key ...] timeout
    public static void blpop(final Ctx c) {
        bpop(c, true);
    }

    // BRPOP key [key ...] timeout
    public static void brpop(final Ctx c) {
        bpop(c, false);
    }

    private static void bpop(final Ctx c, final boolean left) {
        final long deadline = Blocking.deadline(c, c.argc() - 1);
        if (deadline < 0) {
            return;
        }
        popOrBlock(c, LIST_POP, ValueType.LIST, 1, c.argc() - 2, -1L << 1 | (left ? 1 : 0), deadline);
    }

    /**
     * The first existing key of firstKey..lastKey (all on this shard) is popped by {@code pop};
     * none: block on them all. A key of another type than {@code type} is WRONGTYPE.
     */
    private static void popOrBlock(final Ctx c, final BlockedPop pop, final int type, final int firstKey,
                                   final int lastKey, final long arg, final long deadline) {
        for (int i = firstKey; i <= lastKey; i++) {
            final long h = c.keyHash(i);
            // lists are looked up as LPOP does (touching the key); sorted sets as ZPOPMIN does
            final long a = type == ValueType.LIST ? ListCommands.findWrite(c, i, h) : c.find(i, h);
            if (a == 0) {
                continue;
            }
            if (ValueType.of(c.db, a) != type) {
                c.out.raw(Errors.WRONGTYPE);
                return;
            }
            pop.serve(c, arg, i, a, h);
            return;
        }
        if (!Blocking.mayBlock(c)) {
            c.out.nullArray();
            return;
        }
        Blocking.block(c, pop, type, arg, deadline, firstKey, lastKey);
    }

    // BLPOP / BRPOP with keys on several shards
    public static Coordinated bpopAcross(final Ctx c) {
        return popAcross(c, LIST_POP, ValueType.LIST, c.cmd.name().equals("blpop"));
    }

    /** key [key ...] timeout, with the keys on several shards; {@code flag} is left (lists) or max (zsets). */
    private static Coordinated popAcross(final Ctx c, final BlockedPop pop, final int type, final boolean flag) {
        final long deadline = Blocking.deadline(c, c.argc() - 1);
        if (deadline < 0) {
            return CrossShard.finished(c);
        }
        final BlockingOp op = new BlockingOp(c, pop, type, -1L << 1 | (flag ? 1 : 0), deadline, 1, c.argc() - 2);
        op.start();
        return op;
    }

    // BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
    public static void blmpop(final Ctx c) {
        final long args = ListMoves.mpopArgs(c, 2);
        if (args < 0) {
            return;
        }
        final long deadline = Blocking.deadline(c, 1);
        if (deadline < 0) {
            return;
        }
        c.req.parseLong(2);
        popOrBlock(c, LIST_POP, ValueType.LIST, 3, 2 + (int) c.req.longValue, args, deadline);
    }

    // BLMPOP with keys on several shards
    public static Coordinated blmpopAcross(final Ctx c) {
        final long args = ListMoves.mpopArgs(c, 2);
        if (args < 0) {
            return CrossShard.finished(c);
        }
        final long deadline = Blocking.deadline(c, 1);
        if (deadline < 0) {
            return CrossShard.finished(c);
        }
        c.req.parseLong(2);
        final BlockingOp op = new BlockingOp(c, LIST_POP, ValueType.LIST, args, deadline, 3,
                2 + (int) c.req.longValue);
        op.start();
        return op;
    }

    // BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
    public static void blmove(final Ctx c) {
        final long arg = moveSides(c);
        if (arg < 0) {
            return;
        }
        final long deadline = Blocking.deadline(c, c.argc() - 1);
        if (deadline < 0) {
            return;
        }
        moveOrBlock(c, arg, deadline);
    }

    // BRPOPLPUSH source destination timeout
    public static void brpoplpush(final Ctx c) {
        final long deadline = Blocking.deadline(c, 3);
        if (deadline < 0) {
            return;
        }
        moveOrBlock(c, 1, deadline);
    }

    /** fromLeft << 1 | toLeft, or -1 after replying a syntax error; BRPOPLPUSH is RIGHT, LEFT. */
    static long moveSides(final Ctx c) {
        if (!c.cmd.name().equals("blmove")) {
            return 1;
        }
        final int from = ListMoves.side(c, 3);
        if (from < 0) {
            return -1;
        }
        final int to = ListMoves.side(c, 4);
        if (to < 0) {
            return -1;
        }
        return from << 1 | to;
    }

    private static void moveOrBlock(final Ctx c, final long arg, final long deadline) {
        final long h = c.keyHash(1);
        final long a = ListCommands.findWrite(c, 1, h);
        if (a != 0) {
            if (!ListValues.isList(c.db, a)) {
                c.out.raw(Errors.WRONGTYPE);
                return;
            }
            LIST_MOVE.serve(c, arg, 1, a, h);
            return;
        }
        if (!Blocking.mayBlock(c)) {
            c.out.nullBulk();
            return;
        }
        Blocking.block(c, LIST_MOVE, ValueType.LIST, arg, deadline, 1, 1, 2);
    }

    // BLMOVE / BRPOPLPUSH with the keys on two shards
    public static Coordinated bmoveAcross(final Ctx c) {
        final long arg = moveSides(c);
        if (arg < 0) {
            return CrossShard.finished(c);
        }
        final long deadline = Blocking.deadline(c, c.argc() - 1);
        if (deadline < 0) {
            return CrossShard.finished(c);
        }
        final Coordinated op = new BlockingMove(c, arg, deadline);
        op.start();
        return op;
    }

    // ---- sorted sets ---------------------------------------------------------------------------

    private static final byte[] MIN = {'M', 'I', 'N'};
    private static final byte[] MAX = {'M', 'A', 'X'};
    private static final byte[] COUNT = {'C', 'O', 'U', 'N', 'T'};
    private static final byte[] NUMKEYS = io.moon.protocol.Reply.err("ERR numkeys should be greater than 0");
    private static final byte[] COUNT_POSITIVE = io.moon.protocol.Reply.err("ERR count should be greater than 0");

    /** A served BZPOPMIN/BZPOPMAX ([key, member, score]) or BZMPOP ([key, [[member, score]...]]). */
    static final BlockedPop ZSET_POP = (c, arg, i, a, h) -> {
        final long count = arg >> 1;
        ZsetPopCommands.pop(c, i, a, h, (arg & 1) != 0, count, count != -1, true);
    };

    // BZPOPMIN key [key ...] timeout
    public static void bzpopmin(final Ctx c) {
        bzpop(c, false);
    }

    // BZPOPMAX key [key ...] timeout
    public static void bzpopmax(final Ctx c) {
        bzpop(c, true);
    }

    private static void bzpop(final Ctx c, final boolean max) {
        final long deadline = Blocking.deadline(c, c.argc() - 1);
        if (deadline < 0) {
            return;
        }
        popOrBlock(c, ZSET_POP, ValueType.ZSET, 1, c.argc() - 2, -1L << 1 | (max ? 1 : 0), deadline);
    }


    // BZPOPMIN / BZPOPMAX with keys on several shards
    public static Coordinated bzpopAcross(final Ctx c) {
        return popAcross(c, ZSET_POP, ValueType.ZSET, c.cmd.name().equals("bzpopmax"));
    }

    /**
     * BZMPOP's arguments after the timeout: numkeys, MIN|MAX, COUNT. Returns {@code count << 1 | max},
     * or -1 after replying Redis's error (checked before the timeout, as Redis does).
     */
    private static long zmpopArgs(final Ctx c) {
        final io.moon.protocol.Request r = c.req;
        if (!r.parseLong(2) || r.longValue < 1) {
            c.out.raw(NUMKEYS);
            return -1;
        }
        final long whereArg = 3 + r.longValue;
        if (whereArg >= r.argc()) {
            c.out.raw(Errors.SYNTAX);
            return -1;
        }
        final int w = (int) whereArg;
        final boolean max;
        if (r.argIs(w, MIN)) {
            max = false;
        } else if (r.argIs(w, MAX)) {
            max = true;
        } else {
            c.out.raw(Errors.SYNTAX);
            return -1;
        }
        long count = -1;
        for (int j = w + 1; j < r.argc(); j++) {
            if (count == -1 && r.argIs(j, COUNT) && j + 1 < r.argc()) {
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
        return (count == -1 ? 1 : count) << 1 | (max ? 1 : 0);
    }

    // BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
    public static void bzmpop(final Ctx c) {
        final long args = zmpopArgs(c);
        if (args < 0) {
            return;
        }
        final long deadline = Blocking.deadline(c, 1);
        if (deadline < 0) {
            return;
        }
        c.req.parseLong(2);
        popOrBlock(c, ZSET_POP, ValueType.ZSET, 3, 2 + (int) c.req.longValue, args, deadline);
    }

    // BZMPOP with keys on several shards
    public static Coordinated bzmpopAcross(final Ctx c) {
        final long args = zmpopArgs(c);
        if (args < 0) {
            return CrossShard.finished(c);
        }
        final long deadline = Blocking.deadline(c, 1);
        if (deadline < 0) {
            return CrossShard.finished(c);
        }
        c.req.parseLong(2);
        final BlockingOp op = new BlockingOp(c, ZSET_POP, ValueType.ZSET, args, deadline, 3,
                2 + (int) c.req.longValue);
        op.start();
        return op;
    }
}
