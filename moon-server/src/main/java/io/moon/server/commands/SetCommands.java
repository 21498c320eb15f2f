package io.moon.server.commands;

import io.moon.server.pubsub.Notify;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.config.Config;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;
import io.moon.storage.Db;
import io.moon.storage.Glob;
import io.moon.storage.MemberSet;
import io.moon.storage.SetIter;
import io.moon.storage.SetLimits;
import io.moon.storage.SetValues;

/**
 * The set family's single-key commands: SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS,
 * SSCAN, and SMOVE when both keys live on one shard. The random ones (SPOP, SRANDMEMBER) are in
 * {@link SetRandom}, the multi-set algebra (SINTER, SUNION, SDIFF and their STORE and CARD forms)
 * in {@link SetAlgebra}. Encodings and their conversions are storage's ({@link SetValues}).
 *
 * <p>Writes look keys up without counting keyspace hits, reads count them, as Redis's
 * lookupKeyWrite and lookupKeyRead do. SADD, SREM, SISMEMBER and SCARD allocate nothing.
 */
public final class SetCommands {
    private SetCommands() {
    }

    static final byte[] MATCH = {'M', 'A', 'T', 'C', 'H'};
    static final byte[] COUNT = {'C', 'O', 'U', 'N', 'T'};
    private static final byte[] EMPTY_SCAN = Reply.ascii("*2\r\n$1\r\n0\r\n*0\r\n");

    /** The config's set thresholds, as one value; rebuilt only when CONFIG SET changed them. */
    private static LimitsCache limitsCache = new LimitsCache(512, 128, 64);

    /**
     * Immutable, so a shard that sees another shard's cache sees it whole (final fields); a stale
     * one is only rebuilt again.
     */
    private static final class LimitsCache {
        final long intset;
        final long entries;
        final long value;
        final SetLimits limits;

        LimitsCache(final long intset, final long entries, final long value) {
            this.intset = intset;
            this.entries = entries;
            this.value = value;
            this.limits = new SetLimits(intset, entries, value);
        }
    }

    /** The set thresholds in force (set-max-intset-entries, set-max-listpack-entries/-value). */
    static SetLimits limits(final Ctx c) {
        final Config cfg = c.server.config;
        final long i = cfg.setMaxIntsetEntries;
        final long e = cfg.setMaxListpackEntries;
        final long v = cfg.setMaxListpackValue;
        LimitsCache lc = limitsCache;
        if (lc.intset != i || lc.entries != e || lc.value != v) {
            lc = new LimitsCache(i, e, v);
            limitsCache = lc;
        }
        return lc.limits;
    }

    /** Writes the walker's current member as a bulk string (an integer printed in place). */
    static void replyMember(final Reply out, final SetIter it) {
        if (it.isInt) {
            out.bulkLong(it.intValue);
        } else {
            out.bulk(it.buf, it.off, it.len);
        }
    }

    /** True when arguments i and j are the same bytes (the same key). */
    static boolean sameArg(final Request r, final int i, final int j) {
        return r.len(i) == r.len(j)
                && java.util.Arrays.equals(r.buf(), r.off(i), r.off(i) + r.len(i), r.buf(), r.off(j), r.off(j) + r.len(j));
    }

    // SADD key member [member ...]
    public static void sadd(final Ctx c) {
        final Request r = c.req;
        final Db db = c.db;
        final long h = c.keyHash(1);
        final SetLimits lim = limits(c);
        final int members = r.argc() - 2;
        long a = c.find(1, h);
        if (a == 0) {
            a = SetValues.create(db, r.buf(), r.off(1), r.len(1), h, r.buf(), r.off(2), r.len(2), members, lim);
        } else if (!SetValues.isSet(db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        } else {
            a = SetValues.maybeConvert(db, a, h, members, lim);
        }
        final int before = SetValues.size(db, a);
        for (int i = 2; i < r.argc(); i++) {
            a = SetValues.add(db, a, h, r.buf(), r.off(i), r.len(i), lim);
        }
        if (SetValues.size(db, a) > before) {
            Notify.event(c, Notify.SET, "sadd", 1);
        }
        c.out.integer(SetValues.size(db, a) - before);
    }

    // SREM key member [member ...]
    public static void srem(final Ctx c) {
        final Request r = c.req;
        final Db db = c.db;
        final long h = c.keyHash(1);
        long a = c.find(1, h);
        if (a == 0) {
            c.out.raw(Reply.ZERO);
            return;
        }
        if (!SetValues.isSet(db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        final int before = SetValues.size(db, a);
        int size = before;
        for (int i = 2; i < r.argc() && size > 0; i++) {
            a = SetValues.remove(db, a, h, r.buf(), r.off(i), r.len(i));
            size = SetValues.size(db, a);
        }
        if (size == 0) {
            db.unlinkAndFree(a, h);
        }
        if (size < before) {
            Notify.event(c, Notify.SET, "srem", 1);
            if (size == 0) {
                Notify.event(c, Notify.GENERIC, "del", 1);
            }
        }
        c.out.integer(before - size);
    }

    // SCARD key
    public static void scard(final Ctx c) {
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.raw(Reply.ZERO);
        } else if (!SetValues.isSet(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
        } else {
            c.out.integer(SetValues.size(c.db, a));
        }
    }

    // SISMEMBER key member
    public static void sismember(final Ctx c) {
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.raw(Reply.ZERO);
        } else if (!SetValues.isSet(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
        } else {
            c.out.raw(SetValues.contains(c.db, a, c.buf(), c.off(2), c.len(2)) ? Reply.ONE : Reply.ZERO);
        }
    }

    // SMISMEMBER key member [member ...]: a missing key is an empty set, so all zeros
    public static void smismember(final Ctx c) {
        final Request r = c.req;
        final long a = c.findRead(1, c.keyHash(1));
        if (a != 0 && !SetValues.isSet(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        c.out.arrayHeader(r.argc() - 2);
        for (int i = 2; i < r.argc(); i++) {
            c.out.raw(a != 0 && SetValues.contains(c.db, a, r.buf(), r.off(i), r.len(i)) ? Reply.ONE : Reply.ZERO);
        }
    }

    // SMEMBERS key: Redis runs it as a one-set SINTER, so it replies a set (RESP3 "~")
    public static void smembers(final Ctx c) {
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.setHeader(0);
            return;
        }
        if (!SetValues.isSet(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        replyAll(c, a);
    }

    /** Replies every member of the set at a, as a set, in walking order. */
    static void replyAll(final Ctx c, final long a) {
        c.out.setHeader(SetValues.size(c.db, a));
        final SetIter it = new SetIter().reset(c.db, a);
        while (it.next()) {
            replyMember(c.out, it);
        }
    }

    // SMOVE source destination member (both keys on this shard; see CrossShard.smove otherwise)
    public static void smove(final Ctx c) {
        final Request r = c.req;
        final Db db = c.db;
        final long hs = c.keyHash(1);
        final long hd = c.keyHash(2);
        long src = c.find(1, hs);
        final long dst = c.find(2, hd);
        if (src == 0) {
            c.out.raw(Reply.ZERO);
            return;
        }
        if (!SetValues.isSet(db, src) || (dst != 0 && !SetValues.isSet(db, dst))) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        final byte[] b = r.buf();
        if (src == dst) {
            c.keysUnchanged();
            c.out.raw(SetValues.contains(db, src, b, r.off(3), r.len(3)) ? Reply.ONE : Reply.ZERO);
            return;
        }
        final int before = SetValues.size(db, src);
        src = SetValues.remove(db, src, hs, b, r.off(3), r.len(3));
        final int after = SetValues.size(db, src);
        if (after == before) {
            c.out.raw(Reply.ZERO);
            return;
        }
        Notify.event(c, Notify.SET, "srem", 1);
        if (after == 0) {
            db.unlinkAndFree(src, hs);
            Notify.event(c, Notify.GENERIC, "del", 1);
        }
        final boolean had = dst != 0 && SetValues.contains(db, dst, b, r.off(3), r.len(3));
        addOne(c, 2, hd, dst, b, r.off(3), r.len(3));
        if (!had) {
            Notify.event(c, Notify.SET, "sadd", 2);
        } else {
            c.keyUnchanged(1); // the destination held the member: only the source changed
        }
        c.out.raw(Reply.ONE);
    }

    /**
     * SMOVE with its two keys on different shards: a dedicated operation rather than the generic
     * gather, so only the member travels, not the sets. With both keys locked, each shard checks
     * its key (the source's type and whether it holds the member, the destination's type); then
     * the source shard removes the member and the destination shard adds it, in parallel.
     */
    public static Coordinated smoveAcrossShards(final Ctx c) {
        final Coordinated op = new Coordinated(c) {
            private static final int MISSING = 0;
            private static final int WRONG_TYPE = 1;
            private static final int ABSENT = 2;
            private static final int PRESENT = 3;
            private final Part src = keyPart(1, c.dbIndex, true);
            private final Part dst = keyPart(2, c.dbIndex, true);

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                final Request r = x.req;
                if (p == src) {
                    final long a = x.find(1, x.keyHash(1));
                    p.n = a == 0 ? MISSING : !SetValues.isSet(x.db, a) ? WRONG_TYPE
                            : SetValues.contains(x.db, a, r.buf(), r.off(3), r.len(3)) ? PRESENT : ABSENT;
                } else {
                    final long a = x.find(2, x.keyHash(2));
                    p.n = a == 0 ? MISSING : !SetValues.isSet(x.db, a) ? WRONG_TYPE : ABSENT;
                }
            }

            @Override
            protected void onAllLocked() {
                if (src.n == MISSING) {
                    reply.raw(Reply.ZERO);
                } else if (src.n == WRONG_TYPE || dst.n == WRONG_TYPE) {
                    reply.raw(Errors.WRONGTYPE);
                } else if (src.n == ABSENT) {
                    reply.raw(Reply.ZERO);
                } else {
                    stepAllAndRelease();
                    return;
                }
                finish();
            }

            @Override
            protected void onStep(final Part p, final Ctx x) {
                final Request r = x.req;
                if (p == src) {
                    final long h = x.keyHash(1);
                    final long a = SetValues.remove(x.db, x.find(1, h), h, r.buf(), r.off(3), r.len(3));
                    Notify.event(x, Notify.SET, "srem", 1);
                    if (SetValues.size(x.db, a) == 0) {
                        x.db.unlinkAndFree(a, h);
                        Notify.event(x, Notify.GENERIC, "del", 1);
                    }
                } else {
                    final long h = x.keyHash(2);
                    final long a = x.find(2, h);
                    if (a != 0 && SetValues.contains(x.db, a, r.buf(), r.off(3), r.len(3))) {
                        p.keysUnchanged = true; // it held the member: Redis signals only the source
                    } else {
                        addOne(x, 2, h, a, r.buf(), r.off(3), r.len(3));
                        Notify.event(x, Notify.SET, "sadd", 2);
                    }
                }
            }

            @Override
            protected boolean writesWhenLocked() {
                return false; // the locked phase only checks the keys
            }

            @Override
            protected void onStepsDone() {
                reply.raw(Reply.ONE);
                finish();
            }
        };
        op.start();
        return op;
    }

    /**
     * Adds one member to the set under argument {@code keyArg} (entry {@code a}, or 0 to create
     * it as Redis's setTypeCreate does for one member). The shard step of a cross-shard SMOVE too.
     */
    static void addOne(final Ctx c, final int keyArg, final long h, final long a, final byte[] m, final int mo,
                       final int ml) {
        final Request r = c.req;
        final SetLimits lim = limits(c);
        final long at = a != 0 ? a
                : SetValues.create(c.db, r.buf(), r.off(keyArg), r.len(keyArg), h, m, mo, ml, 1, lim);
        SetValues.add(c.db, at, h, m, mo, ml, lim);
    }

    // SSCAN key cursor [MATCH pattern] [COUNT count]
    public static void sscan(final Ctx c) {
        final Request r = c.req;
        final long[] cur = new long[1];
        if (!KeyspaceCommands.parseCursor(r, 2, cur)) {
            c.out.raw(Errors.INVALID_CURSOR);
            return;
        }
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.raw(EMPTY_SCAN);
            return;
        }
        if (!SetValues.isSet(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        long count = 10;
        int pat = -1;
        for (int i = 3; i < r.argc(); i += 2) {
            final boolean hasValue = i + 1 < r.argc();
            if (r.argIs(i, COUNT) && hasValue) {
                if (!r.parseLong(i + 1)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return;
                }
                count = r.longValue;
                if (count < 1) {
                    c.out.raw(Errors.SYNTAX);
                    return;
                }
            } else if (r.argIs(i, MATCH) && hasValue) {
                pat = Glob.isMatchAll(r.buf(), r.off(i + 1), r.len(i + 1)) ? -1 : i + 1;
            } else {
                c.out.raw(Errors.SYNTAX);
                return;
            }
        }
        final io.netty.buffer.ByteBuf tmp = io.netty.buffer.Unpooled.buffer(256);
        final Reply items = new Reply().bind(tmp, c.out.proto());
        final int[] n = {0};
        final SetIter it = new SetIter();
        long next = 0;
        if (c.db.kind(a) == io.moon.storage.Entry.KIND_SET_HT) {
            final MemberSet set = (MemberSet) c.db.object(a);
            final int patArg = pat;
            final int[] sampled = {0};
            long v = cur[0];
            long maxIterations = KeyspaceCommands.scanBound(count);
            do {
                v = set.scan(v, i -> {
                    sampled[0]++;
                    final byte[] m = set.member(i);
                    if (patArg < 0 || Glob.matches(r.buf(), r.off(patArg), r.len(patArg), m, 0, m.length, false)) {
                        items.bulk(m, 0, m.length);
                        n[0]++;
                    }
                });
            } while (v != 0 && maxIterations-- > 0 && sampled[0] < count);
            next = v;
        } else {
            it.reset(c.db, a);
            while (it.next()) {
                it.bytes();
                if (pat < 0 || Glob.matches(r.buf(), r.off(pat), r.len(pat), it.buf, it.off, it.len, false)) {
                    items.bulk(it.buf, it.off, it.len);
                    n[0]++;
                }
            }
        }
        c.out.arrayHeader(2);
        c.out.bulkLong(next); // reverse-binary cursors stay below the bucket count
        c.out.arrayHeader(n[0]);
        c.out.raw(tmp);
        tmp.release();
    }
}
