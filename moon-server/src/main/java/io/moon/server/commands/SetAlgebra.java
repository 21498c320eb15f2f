package io.moon.server.commands;

import io.moon.protocol.Numbers;
import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.storage.Db;
import io.moon.storage.Entry;
import io.moon.storage.SetBuilder;
import io.moon.storage.SetIter;
import io.moon.storage.SetLimits;
import io.moon.storage.SetValues;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.Arrays;

/**
 * Commands over several sets: SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF,
 * SDIFFSTORE. Handlers see every key as local: with keys on several shards they run inside the
 * cross-shard runner, which has gathered the keys onto one shard.
 *
 * <p>Results follow t_set.c step by step where it shows: an intersection walks the smallest set
 * (ties keep argument order) and replies in its order; a union or difference is built as a new
 * set starting from an empty intset, member by member, so its reply order (ascending integers, or
 * insertion order) and the encoding a STORE gives it are Redis 7.2's; SDIFF picks between
 * Redis's two algorithms by the same estimate, because which one runs changes the stored
 * encoding. Allocates per call (the key list, the result): these are not single-key fast paths.
 */
public final class SetAlgebra {
    private SetAlgebra() {
    }

    private static final byte[] LIMIT = {'L', 'I', 'M', 'I', 'T'};
    private static final byte[] NUMKEYS = Reply.err("ERR numkeys should be greater than 0");
    private static final byte[] TOO_MANY_KEYS = Reply.err("ERR Number of keys can't be greater than number of args");
    private static final byte[] NEGATIVE_LIMIT = Reply.err("ERR LIMIT can't be negative");

    // SINTER key [key ...]
    public static void sinter(final Ctx c) {
        inter(c, 1, c.argc() - 1, -1, false, 0);
    }

    // SINTERSTORE destination key [key ...]
    public static void sinterstore(final Ctx c) {
        inter(c, 2, c.argc() - 2, 1, false, 0);
    }

    // SINTERCARD numkeys key [key ...] [LIMIT limit]
    public static void sintercard(final Ctx c) {
        final Request r = c.req;
        if (!r.parseLong(1) || r.longValue < 1) {
            c.out.raw(NUMKEYS);
            return;
        }
        final long numkeys = r.longValue;
        if (numkeys > r.argc() - 2) {
            c.out.raw(TOO_MANY_KEYS);
            return;
        }
        long limit = 0;
        for (int j = 2 + (int) numkeys; j < r.argc(); j++) {
            if (r.argIs(j, LIMIT) && j + 1 < r.argc()) {
                j++;
                if (!r.parseLong(j) || r.longValue < 0) {
                    c.out.raw(NEGATIVE_LIMIT);
                    return;
                }
                limit = r.longValue;
            } else {
                c.out.raw(Errors.SYNTAX);
                return;
            }
        }
        inter(c, 2, (int) numkeys, -1, true, limit);
    }

    // SUNION key [key ...]
    public static void sunion(final Ctx c) {
        unionOrDiff(c, 1, c.argc() - 1, -1, false);
    }

    // SUNIONSTORE destination key [key ...]
    public static void sunionstore(final Ctx c) {
        unionOrDiff(c, 2, c.argc() - 2, 1, false);
    }

    // SDIFF key [key ...]
    public static void sdiff(final Ctx c) {
        unionOrDiff(c, 1, c.argc() - 1, -1, true);
    }

    // SDIFFSTORE destination key [key ...]
    public static void sdiffstore(final Ctx c) {
        unionOrDiff(c, 2, c.argc() - 2, 1, true);
    }

    /**
     * The sets under arguments first..first+n-1: their entries, 0 for a missing key. Null after
     * replying WRONGTYPE for the first key (in argument order) that is not a set.
     */
    private static long[] lookup(final Ctx c, final int first, final int n) {
        final long[] sets = new long[n];
        for (int j = 0; j < n; j++) {
            final long a = c.findRead(first + j, c.keyHash(first + j));
            if (a != 0 && !SetValues.isSet(c.db, a)) {
                c.out.raw(Errors.WRONGTYPE);
                return null;
            }
            sets[j] = a;
        }
        return sets;
    }

    /** Orders the sets by size, smallest first; equal sizes keep argument order. */
    private static void sortBySize(final Db db, final long[] sets, final int from) {
        final int n = sets.length - from;
        if (n < 2) {
            return;
        }
        final long[] keyed = new long[n];
        for (int j = 0; j < n; j++) {
            keyed[j] = (long) SetValues.size(db, sets[from + j]) << 32 | j;
        }
        Arrays.sort(keyed);
        final long[] copy = Arrays.copyOfRange(sets, from, sets.length);
        for (int j = 0; j < n; j++) {
            sets[from + j] = copy[(int) keyed[j]];
        }
    }

    /** Replaces the destination (argument dstArg) with the result, or deletes it when empty; replies the size. */
    private static void store(final Ctx c, final int dstArg, final SetBuilder result) {
        final Request r = c.req;
        final long h = c.keyHash(dstArg);
        final int size = result.size();
        final boolean existed = c.db.delete(r.buf(), r.off(dstArg), r.len(dstArg), h, c.now);
        if (size > 0) {
            result.store(c.db, r.buf(), r.off(dstArg), r.len(dstArg), h);
        }
        final String name = c.cmd.name();
        ZsetCommands.stored(c, io.moon.server.pubsub.Notify.SET, name, existed, size);
    }

    // ---- intersection --------------------------------------------------------------------------

    private static void inter(final Ctx c, final int first, final int n, final int dstArg, final boolean cardOnly,
                              final long limit) {
        final long[] sets = lookup(c, first, n);
        if (sets == null) {
            return;
        }
        final Db db = c.db;
        for (final long a : sets) {
            if (a == 0) {
                // an empty set empties the intersection
                if (dstArg >= 0) {
                    store(c, dstArg, new SetBuilder(Entry.KIND_SET_INTSET, SetCommands.limits(c)));
                } else if (cardOnly) {
                    c.out.raw(Reply.ZERO);
                } else {
                    c.out.setHeader(0);
                }
                return;
            }
        }
        sortBySize(db, sets, 0);
        if (n == 1 && dstArg < 0 && !cardOnly) {
            SetCommands.replyAll(c, sets[0]);
            return;
        }
        final SetIter it = new SetIter().reset(db, sets[0]);
        SetBuilder result = null;
        boolean onlyIntegers = true;
        if (dstArg >= 0) {
            // Redis starts the result as an intset after an intset, otherwise as a listpack
            result = new SetBuilder(db.kind(sets[0]) == Entry.KIND_SET_INTSET ? Entry.KIND_SET_INTSET
                    : Entry.KIND_SET_LP, SetCommands.limits(c));
        }
        ByteBuf tmp = null;
        Reply items = null;
        if (dstArg < 0 && !cardOnly) {
            tmp = Unpooled.buffer(256);
            items = new Reply().bind(tmp, c.out.proto());
        }
        long found = 0;
        while (it.next()) {
            it.bytes();
            boolean inAll = true;
            for (int j = 1; j < n && inAll; j++) {
                inAll = sets[j] == sets[0] || SetValues.contains(db, sets[j], it.buf, it.off, it.len);
            }
            if (!inAll) {
                continue;
            }
            found++;
            if (cardOnly) {
                if (limit != 0 && found >= limit) {
                    break;
                }
            } else if (result != null) {
                onlyIntegers &= it.isInt || Numbers.isLong(it.buf, it.off, it.len);
                result.add(it.buf, it.off, it.len);
            } else {
                SetCommands.replyMember(items, it);
            }
        }
        if (cardOnly) {
            c.out.integer(found);
        } else if (result != null) {
            if (onlyIntegers && result.size() > 0) {
                result.toIntsetIfSmall();
            }
            store(c, dstArg, result);
        } else {
            c.out.setHeader(found);
            c.out.raw(tmp);
            tmp.release();
        }
    }

    // ---- union and difference ------------------------------------------------------------------

    /** A one-pass union of the given sets (0 = missing) into a set built from an empty intset. */
    static SetBuilder union(final Ctx c, final long[] sets, final SetLimits lim) {
        final SetBuilder result = new SetBuilder(Entry.KIND_SET_INTSET, lim);
        final SetIter it = new SetIter();
        for (final long a : sets) {
            if (a != 0) {
                it.reset(c.db, a);
                while (it.next()) {
                    result.add(it);
                }
            }
        }
        return result;
    }

    private static void unionOrDiff(final Ctx c, final int first, final int n, final int dstArg, final boolean diff) {
        final long[] sets = lookup(c, first, n);
        if (sets == null) {
            return;
        }
        final Db db = c.db;
        final SetLimits lim = SetCommands.limits(c);
        final SetBuilder result;
        if (!diff) {
            result = union(c, sets, lim);
        } else {
            result = new SetBuilder(Entry.KIND_SET_INTSET, lim);
            boolean sameSet = false;
            for (int j = 1; j < n; j++) {
                sameSet |= sets[j] == sets[0];
            }
            if (sets[0] != 0 && !sameSet) {
                difference(db, sets, result);
            }
        }
        if (dstArg >= 0) {
            store(c, dstArg, result);
            return;
        }
        c.out.setHeader(result.size());
        final SetIter it = result.iter(new SetIter());
        while (it.next()) {
            SetCommands.replyMember(c.out, it);
        }
    }

    /**
     * The first set minus the others, by whichever of Redis's algorithms its estimate picks: (1)
     * keep each member of the first set that no other holds, or (2) add the first set and remove
     * every member of the others. The result is the same; the encoding it reached on the way, and
     * keeps, may not be.
     */
    private static void difference(final Db db, final long[] sets, final SetBuilder result) {
        final int n = sets.length;
        long algoOne = 0;
        long algoTwo = 0;
        for (final long a : sets) {
            if (a != 0) {
                algoOne += SetValues.size(db, sets[0]);
                algoTwo += SetValues.size(db, a);
            }
        }
        algoOne /= 2;
        final SetIter it = new SetIter();
        if (algoOne <= algoTwo) {
            it.reset(db, sets[0]);
            while (it.next()) {
                it.bytes();
                boolean elsewhere = false;
                for (int j = 1; j < n && !elsewhere; j++) {
                    elsewhere = sets[j] != 0 && SetValues.contains(db, sets[j], it.buf, it.off, it.len);
                }
                if (!elsewhere) {
                    result.add(it);
                }
            }
            return;
        }
        for (int j = 0; j < n; j++) {
            if (sets[j] == 0) {
                continue;
            }
            it.reset(db, sets[j]);
            while (it.next()) {
                if (j == 0) {
                    result.add(it);
                } else {
                    result.remove(it);
                }
            }
            if (result.size() == 0) {
                break;
            }
        }
    }
}
