package io.moon.server.commands;

import io.moon.server.pubsub.Notify;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.storage.Db;
import io.moon.storage.ListCursor;
import io.moon.storage.ListValues;
import io.moon.storage.Listpack;
import io.moon.storage.Ranks;

import static io.moon.protocol.Reply.err;

/**
 * List commands on one key: pushes, pops, reads by index and range, LSET, LINSERT, LREM, LTRIM
 * and LPOS. The moves between keys (LMOVE, RPOPLPUSH, LMPOP) are in {@link ListMoves}. The
 * storage and its two encodings are {@link ListValues}'s; handlers parse, check types, reply.
 *
 * <p>Arguments are checked in Redis's order, which decides which error a client sees when
 * several apply: LRANGE, LTRIM and LREM parse their numbers before looking at the key, LINDEX and
 * LSET after; LPOP's count comes before the key. Elements are read through the context's
 * {@link ListCursor}, so replying allocates nothing.
 *
 * <p>For the blocking commands, {@link #popAndReply} is the pop a served client runs.
 */
public final class ListCommands {
    private ListCommands() {
    }

    static final byte[] LEFT = {'L', 'E', 'F', 'T'};
    static final byte[] RIGHT = {'R', 'I', 'G', 'H', 'T'};
    private static final byte[] BEFORE = {'B', 'E', 'F', 'O', 'R', 'E'};
    private static final byte[] AFTER = {'A', 'F', 'T', 'E', 'R'};
    private static final byte[] RANK = {'R', 'A', 'N', 'K'};
    static final byte[] COUNT = {'C', 'O', 'U', 'N', 'T'};
    private static final byte[] MAXLEN = {'M', 'A', 'X', 'L', 'E', 'N'};

    static final byte[] MUST_BE_POSITIVE = err("ERR value is out of range, must be positive");
    private static final byte[] INDEX_OUT_OF_RANGE = err("ERR index out of range");
    private static final byte[] RANK_ZERO = err("ERR RANK can't be zero: use 1 to start from the first match, 2 from"
            + " the second ... or use negative to start from the end of the list");
    /** Redis 7.2 bounds RANK to ±LONG_MAX, so that negating it cannot overflow. */
    private static final byte[] RANK_RANGE = err("ERR value is out of range, value must between -9223372036854775807"
            + " and 9223372036854775807");
    private static final byte[] COUNT_NEGATIVE = err("ERR COUNT can't be negative");
    private static final byte[] MAXLEN_NEGATIVE = err("ERR MAXLEN can't be negative");

    /** list-max-listpack-size, read per command so CONFIG SET applies to the next one. */
    static int fill(final Ctx c) {
        return c.server.config.listMaxListpackSize;
    }

    /**
     * Redis's lookupKeyWrite: the live entry (lazy expiry), its access stamp updated unless the
     * client set CLIENT NO-TOUCH, and not counted as a keyspace hit or miss.
     */
    static long findWrite(final Ctx c, final int arg, final long h) {
        final long a = c.find(arg, h);
        if (a != 0 && !c.noTouch) {
            c.db.touch(a);
        }
        return a;
    }

    /** Writes the cursor's element as a bulk string (an integer entry printed in place). */
    static void element(final Reply out, final ListCursor cur) {
        final byte[] b = cur.bytes();
        final int p = cur.offset();
        if (Listpack.isInt(b, p)) {
            out.bulkLong(Listpack.intValue(b, p));
        } else {
            out.bulk(b, Listpack.strOffset(b, p), Listpack.strLength(b, p));
        }
    }

    /** An array of the n elements from index {@code from} on, towards the tail or (reverse) the head. */
    static void range(final Ctx c, final long a, final long from, final long n, final boolean reverse) {
        c.out.arrayHeader(n);
        if (n == 0) {
            return;
        }
        final ListCursor cur = c.listCursor.seek(c.db, a, from);
        for (long i = 0; i < n; i++) {
            element(c.out, cur);
            cur.step(!reverse);
        }
    }

    /**
     * Pops from the head ({@code left}) or tail of the non-empty list at {@code a} and replies:
     * one element as a bulk string when {@code count} is negative, otherwise up to {@code count}
     * (&gt;= 1) elements as an array, in pop order. Deletes the key when it empties. This is the
     * pop of LPOP/RPOP and LMPOP, and the one a blocked BLPOP/BRPOP/BLMPOP client runs when
     * served (it writes the key first when it needs the [key, ...] form).
     */
    public static void popAndReply(final Ctx c, final long a, final long h, final boolean left, final long count) {
        final Db db = c.db;
        final long len = ListValues.length(db, a);
        if (count < 0) {
            element(c.out, c.listCursor.seek(db, a, left ? 0 : len - 1));
            ListValues.deleteRange(db, a, left ? 0 : len - 1, 1);
        } else {
            final long n = Math.min(count, len);
            range(c, a, left ? 0 : len - 1, n, !left);
            ListValues.deleteRange(db, a, left ? 0 : len - n, n);
        }
        ListValues.afterRemoval(db, a, h, fill(c));
    }

    // ---- pushing -------------------------------------------------------------------------------

    // LPUSH key element [element ...]
    public static void lpush(final Ctx c) {
        push(c, true, false);
    }

    // RPUSH key element [element ...]
    public static void rpush(final Ctx c) {
        push(c, false, false);
    }

    // LPUSHX key element [element ...]
    public static void lpushx(final Ctx c) {
        push(c, true, true);
    }

    // RPUSHX key element [element ...]
    public static void rpushx(final Ctx c) {
        push(c, false, true);
    }

    private static void push(final Ctx c, final boolean left, final boolean onlyExisting) {
        final long h = c.keyHash(1);
        long a = findWrite(c, 1, h);
        if (a != 0 && !ListValues.isList(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        if (a == 0 && onlyExisting) {
            c.out.raw(Reply.ZERO);
            return;
        }
        a = ListValues.push(c.db, a, c.buf(), c.off(1), c.len(1), h, left, c.req, 2, c.argc() - 1, fill(c));
        Notify.event(c, Notify.LIST, left ? "lpush" : "rpush", 1);
        c.out.integer(ListValues.length(c.db, a));
    }

    // ---- popping -------------------------------------------------------------------------------

    // LPOP key [count]
    public static void lpop(final Ctx c) {
        pop(c, true);
    }

    // RPOP key [count]
    public static void rpop(final Ctx c) {
        pop(c, false);
    }

    private static void pop(final Ctx c, final boolean left) {
        if (c.argc() > 3) {
            c.out.error("ERR wrong number of arguments for '" + c.cmd.fullName() + "' command");
            return;
        }
        final boolean hasCount = c.argc() == 3;
        long count = -1;
        if (hasCount) {
            if (!c.req.parseLong(2) || c.req.longValue < 0) {
                c.out.raw(MUST_BE_POSITIVE);
                return;
            }
            count = c.req.longValue;
        }
        final long h = c.keyHash(1);
        final long a = findWrite(c, 1, h);
        if (a == 0) {
            if (hasCount) {
                c.out.nullArray();
            } else {
                c.out.nullBulk();
            }
            return;
        }
        if (!ListValues.isList(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        if (count == 0) {
            c.keysUnchanged();
            c.out.raw(Reply.EMPTY_ARRAY);
            return;
        }
        popAndReply(c, a, h, left, count);
        popped(c, 1, h, left);
    }

    /** Redis's events after elements were popped from the list in argument keyArg: the pop, then del if emptied. */
    /** Notifies the push of LMOVE's (and BLMOVE's) element onto the list at {@code keyArg}. */
    static void pushed(final Ctx c, final int keyArg, final boolean left) {
        Notify.event(c, Notify.LIST, left ? "lpush" : "rpush", keyArg);
    }

    static void popped(final Ctx c, final int keyArg, final long h, final boolean left) {
        Notify.event(c, Notify.LIST, left ? "lpop" : "rpop", keyArg);
        if (c.db.lookup(c.buf(), c.off(keyArg), c.len(keyArg), h) == 0) {
            Notify.event(c, Notify.GENERIC, "del", keyArg);
        }
    }

    // ---- reading -------------------------------------------------------------------------------

    // LLEN key
    public static void llen(final Ctx c) {
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.raw(Reply.ZERO);
        } else if (!ListValues.isList(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
        } else {
            c.out.integer(ListValues.length(c.db, a));
        }
    }

    // LINDEX key index
    public static void lindex(final Ctx c) {
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.nullBulk();
            return;
        }
        if (!ListValues.isList(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        if (!c.req.parseLong(2)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        final long len = ListValues.length(c.db, a);
        final long index = c.req.longValue < 0 ? c.req.longValue + len : c.req.longValue;
        if (index < 0 || index >= len) {
            c.out.nullBulk();
            return;
        }
        element(c.out, c.listCursor.seek(c.db, a, index));
    }

    // LRANGE key start stop
    public static void lrange(final Ctx c) {
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
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.raw(Reply.EMPTY_ARRAY);
            return;
        }
        if (!ListValues.isList(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        final long len = ListValues.length(c.db, a);
        final long n = Ranks.count(start, end, len);
        if (n == 0) {
            c.out.raw(Reply.EMPTY_ARRAY);
            return;
        }
        range(c, a, Ranks.first(start, len), n, false);
    }

    // LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
    public static void lpos(final Ctx c) {
        final Request r = c.req;
        long rank = 1;
        long count = -1;
        long maxlen = 0;
        for (int j = 3; j < r.argc(); j++) {
            final boolean more = j + 1 < r.argc();
            if (more && r.argIs(j, RANK)) {
                j++;
                if (!r.parseLong(j)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return;
                }
                if (r.longValue == Long.MIN_VALUE) {
                    c.out.raw(RANK_RANGE);
                    return;
                }
                rank = r.longValue;
                if (rank == 0) {
                    c.out.raw(RANK_ZERO);
                    return;
                }
            } else if (more && r.argIs(j, COUNT)) {
                j++;
                if (!r.parseLong(j) || r.longValue < 0) {
                    c.out.raw(COUNT_NEGATIVE);
                    return;
                }
                count = r.longValue;
            } else if (more && r.argIs(j, MAXLEN)) {
                j++;
                if (!r.parseLong(j) || r.longValue < 0) {
                    c.out.raw(MAXLEN_NEGATIVE);
                    return;
                }
                maxlen = r.longValue;
            } else {
                c.out.raw(Errors.SYNTAX);
                return;
            }
        }
        final boolean fromTail = rank < 0;
        if (fromTail) {
            rank = -rank;
        }
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            if (count != -1) {
                c.out.raw(Reply.EMPTY_ARRAY);
            } else {
                c.out.nullBulk();
            }
            return;
        }
        if (!ListValues.isList(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        lposSearch(c, a, rank, count, maxlen, fromTail);
    }

    /** LPOS's scan, as Redis's lposCommand loop: matches counted from rank on, up to count (0: all). */
    private static void lposSearch(final Ctx c, final long a, final long rank, final long count, final long maxlen,
                                   final boolean fromTail) {
        final long len = ListValues.length(c.db, a);
        final ListCursor cur = c.listCursor.seek(c.db, a, fromTail ? len - 1 : 0);
        final byte[] e = c.buf();
        final int eo = c.off(2);
        final int el = c.len(2);
        // COUNT's positions are collected first: the reply's length is known only at the end
        long[] found = count != -1 ? new long[(int) Math.min(16, Math.max(count, 1))] : null;
        int nFound = 0;
        long matches = 0;
        long matchIndex = -1;
        for (long index = 0; index < len && (maxlen == 0 || index < maxlen); index++) {
            if (cur.equalsBytes(e, eo, el)) {
                matches++;
                matchIndex = fromTail ? len - index - 1 : index;
                if (matches >= rank) {
                    if (found == null) {
                        break;
                    }
                    if (nFound == found.length) {
                        found = java.util.Arrays.copyOf(found, nFound * 2);
                    }
                    found[nFound++] = matchIndex;
                    if (count != 0 && matches - rank + 1 >= count) {
                        break;
                    }
                }
            }
            matchIndex = -1;
            cur.step(!fromTail);
        }
        if (found != null) {
            c.out.arrayHeader(nFound);
            for (int i = 0; i < nFound; i++) {
                c.out.integer(found[i]);
            }
        } else if (matchIndex != -1) {
            c.out.integer(matchIndex);
        } else {
            c.out.nullBulk();
        }
    }

    // ---- changing ------------------------------------------------------------------------------

    // LSET key index element
    public static void lset(final Ctx c) {
        final long h = c.keyHash(1);
        final long a = findWrite(c, 1, h);
        if (a == 0) {
            c.out.raw(Errors.NO_SUCH_KEY);
            return;
        }
        if (!ListValues.isList(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        if (!c.req.parseLong(2)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        if (ListValues.set(c.db, a, h, c.req.longValue, c.buf(), c.off(3), c.len(3), fill(c)) == 0) {
            c.out.raw(INDEX_OUT_OF_RANGE);
        } else {
            Notify.event(c, Notify.LIST, "lset", 1);
            c.out.ok();
        }
    }

    // LINSERT key BEFORE|AFTER pivot element
    public static void linsert(final Ctx c) {
        final boolean after;
        if (c.req.argIs(2, AFTER)) {
            after = true;
        } else if (c.req.argIs(2, BEFORE)) {
            after = false;
        } else {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        final long h = c.keyHash(1);
        long a = findWrite(c, 1, h);
        if (a == 0) {
            c.out.raw(Reply.ZERO);
            return;
        }
        if (!ListValues.isList(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        a = ListValues.insert(c.db, a, h, after, c.buf(), c.off(3), c.len(3), c.buf(), c.off(4), c.len(4), fill(c));
        if (a == 0) {
            c.keysUnchanged(); // no pivot
            c.out.raw(Reply.MINUS_ONE);
        } else {
            Notify.event(c, Notify.LIST, "linsert", 1);
            c.out.integer(ListValues.length(c.db, a));
        }
    }

    // LREM key count element
    public static void lrem(final Ctx c) {
        if (!c.req.parseLong(2)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        final long count = c.req.longValue;
        final long h = c.keyHash(1);
        final long a = findWrite(c, 1, h);
        if (a == 0) {
            c.out.raw(Reply.ZERO);
            return;
        }
        if (!ListValues.isList(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        final long removed = ListValues.remove(c.db, a, h, count, c.buf(), c.off(3), c.len(3), fill(c));
        if (removed > 0) {
            Notify.event(c, Notify.LIST, "lrem", 1);
            if (c.find(1, h) == 0) {
                Notify.event(c, Notify.GENERIC, "del", 1);
            }
        }
        c.out.integer(removed);
    }

    // LTRIM key start stop
    public static void ltrim(final Ctx c) {
        final Request r = c.req;
        if (!r.parseLong(2)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        final long start = r.longValue;
        if (!r.parseLong(3)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        final long stop = r.longValue;
        final long h = c.keyHash(1);
        final long a = findWrite(c, 1, h);
        if (a == 0) {
            c.out.ok();
            return;
        }
        if (!ListValues.isList(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        ListValues.trim(c.db, a, h, start, stop, fill(c));
        Notify.event(c, Notify.LIST, "ltrim", 1);
        if (c.find(1, h) == 0) {
            Notify.event(c, Notify.GENERIC, "del", 1);
        }
        c.out.ok();
    }
}
