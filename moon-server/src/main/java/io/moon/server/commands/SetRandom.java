package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.storage.Db;
import io.moon.storage.Entry;
import io.moon.storage.SetBuilder;
import io.moon.storage.SetIter;
import io.moon.storage.SetLimits;
import io.moon.storage.SetValues;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * SPOP and SRANDMEMBER. The members drawn are our own random choices, but the shape of every
 * reply is Redis 7.2's: how many members, whether they repeat, which order is kept (a listpack's
 * order for unique samples of a listpack; a whole set in its walking order), and the encoding
 * of what SPOP leaves behind (t_set.c's spopWithCountCommand rebuilds the rest of a set when it
 * pops most of it: a listpack or intset stays one, a hash table becomes a listpack if the rest
 * fits one).
 *
 * <p>Draws are uniform: a hash-table set keeps its members dense ({@link io.moon.storage.MemberSet}),
 * so any member is one index away; a packed set is indexed directly or walked once.
 */
public final class SetRandom {
    private SetRandom() {
    }

    /** SPOP's reply when the rest is small: pop one by one while it leaves more than count/5 members. */
    private static final int SPOP_MOVE_STRATEGY_MUL = 5;
    private static final byte[] MUST_BE_POSITIVE = Reply.err("ERR value is out of range, must be positive");
    private static final byte[] COUNT_RANGE =
            Reply.err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");

    // SPOP key [count]
    public static void spop(final Ctx c) {
        final Request r = c.req;
        if (r.argc() == 3) {
            spopCount(c);
            return;
        }
        if (r.argc() > 3) {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        final Db db = c.db;
        final long h = c.keyHash(1);
        long a = c.find(1, h);
        if (a == 0) {
            c.out.nullBulk();
            return;
        }
        if (!SetValues.isSet(db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        final int i = c.keyspace.random().nextInt(SetValues.size(db, a));
        final SetIter it = new SetIter().reset(db, a);
        it.seek(i);
        SetCommands.replyMember(c.out, it);
        a = SetValues.removeAt(db, a, h, i);
        io.moon.server.pubsub.Notify.event(c, io.moon.server.pubsub.Notify.SET, "spop", 1);
        if (SetValues.size(db, a) == 0) {
            db.unlinkAndFree(a, h);
            io.moon.server.pubsub.Notify.event(c, io.moon.server.pubsub.Notify.GENERIC, "del", 1);
        }
    }

    private static void spopCount(final Ctx c) {
        final Request r = c.req;
        if (!r.parseLong(2) || r.longValue < 0) {
            c.out.raw(MUST_BE_POSITIVE);
            return;
        }
        final long count = r.longValue;
        final Db db = c.db;
        final long h = c.keyHash(1);
        long a = c.find(1, h);
        if (a == 0) {
            c.out.setHeader(0);
            return;
        }
        if (!SetValues.isSet(db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        if (count == 0) {
            c.keysUnchanged();
            c.out.setHeader(0);
            return;
        }
        final SetLimits lim = SetCommands.limits(c);
        final int size = SetValues.size(db, a);
        final SetIter it = new SetIter();
        if (count >= size) {
            // Redis replies with a one-set SUNION (so in the order a union built from an intset
            // walks), then deletes the key
            final SetBuilder all = SetAlgebra.union(c, new long[] {a}, lim);
            c.out.setHeader(all.size());
            all.iter(it);
            while (it.next()) {
                SetCommands.replyMember(c.out, it);
            }
            db.unlinkAndFree(a, h);
            io.moon.server.pubsub.Notify.event(c, io.moon.server.pubsub.Notify.SET, "spop", 1);
            io.moon.server.pubsub.Notify.event(c, io.moon.server.pubsub.Notify.GENERIC, "del", 1);
            return;
        }
        final int n = (int) count;
        final int remaining = size - n;
        final SplittableRandom rnd = c.keyspace.random();
        final int kind = db.kind(a);
        c.out.setHeader(n);
        io.moon.server.pubsub.Notify.event(c, io.moon.server.pubsub.Notify.SET, "spop", 1);
        if ((long) remaining * SPOP_MOVE_STRATEGY_MUL > n) {
            if (kind == Entry.KIND_SET_LP) {
                // one walk: draw n positions in order, reply them, then delete them back to front
                final int[] picked = inOrder(rnd, size, n);
                final int[] removeAt = new int[n];
                it.reset(db, a);
                for (int k = 0, i = 0; k < n; i++) {
                    it.next();
                    if (i == picked[k]) {
                        SetCommands.replyMember(c.out, it);
                        removeAt[k++] = i;
                    }
                }
                for (int k = n - 1; k >= 0; k--) {
                    a = SetValues.removeAt(db, a, h, removeAt[k]);
                }
                return;
            }
            for (int k = 0; k < n; k++) {
                final int i = rnd.nextInt(size - k);
                it.reset(db, a).seek(i);
                SetCommands.replyMember(c.out, it);
                a = SetValues.removeAt(db, a, h, i);
            }
            return;
        }
        // Most of the set goes: draw the members that stay into a new set, reply the others in the
        // set's order, and the new set replaces the old. Redis starts it as a listpack unless the
        // old one is an intset, and fills it as any set fills.
        final int[] keep = distinct(rnd, size, remaining);
        Arrays.sort(keep);
        final SetBuilder rest = new SetBuilder(kind == Entry.KIND_SET_INTSET ? Entry.KIND_SET_INTSET : Entry.KIND_SET_LP,
                lim);
        it.reset(db, a);
        for (int i = 0, k = 0; it.next(); i++) {
            if (k < keep.length && keep[k] == i) {
                rest.add(it);
                k++;
            } else {
                SetCommands.replyMember(c.out, it);
            }
        }
        rest.replace(db, a, h);
    }

    // SRANDMEMBER key [count]
    public static void srandmember(final Ctx c) {
        final Request r = c.req;
        if (r.argc() == 3) {
            srandmemberCount(c);
            return;
        }
        if (r.argc() > 3) {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.nullBulk();
            return;
        }
        if (!SetValues.isSet(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        final SetIter it = new SetIter().reset(c.db, a);
        it.seek(c.keyspace.random().nextInt(SetValues.size(c.db, a)));
        SetCommands.replyMember(c.out, it);
    }

    private static void srandmemberCount(final Ctx c) {
        final Request r = c.req;
        if (!r.parseLong(2)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        if (r.longValue == Long.MIN_VALUE) {
            c.out.raw(COUNT_RANGE);
            return;
        }
        final boolean unique = r.longValue >= 0;
        final long count = Math.abs(r.longValue);
        final Db db = c.db;
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.raw(Reply.EMPTY_ARRAY);
            return;
        }
        if (!SetValues.isSet(db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        if (count == 0) {
            c.out.raw(Reply.EMPTY_ARRAY);
            return;
        }
        final int size = SetValues.size(db, a);
        final SplittableRandom rnd = c.keyspace.random();
        final SetIter it = new SetIter().reset(db, a);
        if (!unique || count == 1) {
            // with repeats, in random order
            c.out.arrayHeader(count);
            for (long k = 0; k < count; k++) {
                it.seek(rnd.nextInt(size));
                SetCommands.replyMember(c.out, it);
            }
            return;
        }
        if (count >= size) {
            c.out.arrayHeader(size);
            while (it.next()) {
                SetCommands.replyMember(c.out, it);
            }
            return;
        }
        final int n = (int) count;
        c.out.arrayHeader(n);
        if (db.kind(a) == Entry.KIND_SET_LP) {
            // Redis samples a listpack in one walk, so the members come in the listpack's order
            final int[] picked = inOrder(rnd, size, n);
            for (int i = 0, k = 0; k < n; i++) {
                it.next();
                if (i == picked[k]) {
                    SetCommands.replyMember(c.out, it);
                    k++;
                }
            }
            return;
        }
        for (final int i : distinct(rnd, size, n)) {
            it.seek(i);
            SetCommands.replyMember(c.out, it);
        }
    }

    // ---- sampling ------------------------------------------------------------------------------

    /** k distinct positions of [0, n), ascending, each k-subset equally likely (selection sampling). */
    static int[] inOrder(final SplittableRandom rnd, final int n, final int k) {
        final int[] out = new int[k];
        int need = k;
        for (int i = 0; i < n && need > 0; i++) {
            if (rnd.nextInt(n - i) < need) {
                out[k - need] = i;
                need--;
            }
        }
        return out;
    }

    /**
     * k distinct positions of [0, n), each k-subset equally likely (Floyd's algorithm), in no
     * particular order. Costs O(k) time and memory, whatever n.
     */
    static int[] distinct(final SplittableRandom rnd, final int n, final int k) {
        final int[] out = new int[k];
        // open addressing over positions + 1 (0 = empty), at most half full
        final int cap = Integer.highestOneBit(Math.max(4, k) * 2 - 1) << 1;
        final int[] seen = new int[cap];
        final int mask = cap - 1;
        int m = 0;
        for (int j = n - k; j < n; j++) {
            final int t = rnd.nextInt(j + 1);
            final int pick = insert(seen, mask, t) ? t : j;
            if (pick == j) {
                insert(seen, mask, j);
            }
            out[m++] = pick;
        }
        return out;
    }

    /** Adds v to the table; false when it was there. */
    private static boolean insert(final int[] table, final int mask, final int v) {
        int i = (v * 0x9E3779B9) & mask;
        while (table[i] != 0) {
            if (table[i] == v + 1) {
                return false;
            }
            i = (i + 1) & mask;
        }
        table[i] = v + 1;
        return true;
    }
}
