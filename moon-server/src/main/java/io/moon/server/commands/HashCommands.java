package io.moon.server.commands;

import io.moon.server.pubsub.Notify;

import io.moon.protocol.LongDouble;
import io.moon.protocol.Numbers;
import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.config.Config;
import io.moon.storage.Db;
import io.moon.storage.HashTable;
import io.moon.storage.HashValues;
import io.moon.storage.Listpack;

import static io.moon.protocol.Reply.err;

/**
 * Hash commands that read or write single fields: HSET, HMSET, HSETNX, HGET, HMGET, HDEL, HLEN,
 * HSTRLEN, HEXISTS, HINCRBY, HINCRBYFLOAT. Whole-hash reads (HGETALL, HRANDFIELD, HSCAN...) are in
 * {@link HashReadCommands}, field TTLs (Redis 7.4) in {@link HashExpireCommands}. The encodings and
 * their conversions are {@link HashValues}'s; handlers parse, look up and reply.
 *
 * <p>Each handler runs on the shard owning its key. Every lookup of a hash first drops the fields
 * whose TTL has passed (and the key, when none is left), so no command sees an expired field.
 * HSET, HGET and HINCRBY on a packed hash allocate nothing.
 */
public final class HashCommands {
    private HashCommands() {
    }

    static final byte[] HASH_NOT_INTEGER = err("ERR hash value is not an integer");
    static final byte[] HASH_NOT_FLOAT = err("ERR hash value is not a float");
    static final byte[] NAN_OR_INFINITE_INCREMENT = err("ERR value is NaN or Infinity");
    /** Returned by {@link #lookup} after it replied WRONGTYPE (no entry address is negative). */
    static final long WRONG_TYPE = -1;

    /** The last limits seen; an immutable pair, so any shard thread may read or replace it. */
    private static HashValues.Limits limits = new HashValues.Limits(-1, -1);

    /** hash-max-listpack-entries and -value as configured now (a new pair only after CONFIG SET). */
    static HashValues.Limits limits(final Ctx c) {
        final Config cfg = c.server.config;
        HashValues.Limits l = limits;
        if (l.maxEntries() != cfg.hashMaxListpackEntries || l.maxValue() != cfg.hashMaxListpackValue) {
            l = new HashValues.Limits(cfg.hashMaxListpackEntries, cfg.hashMaxListpackValue);
            limits = l;
        }
        return l;
    }

    /**
     * The live hash named by argument i: 0 when there is none (or its fields all expired), or
     * {@link #WRONG_TYPE} after replying WRONGTYPE. Reads count a keyspace hit or miss and touch
     * the key, as Redis's lookupKeyRead does; writes do not.
     */
    static long lookup(final Ctx c, final int i, final long h, final boolean read) {
        final long a = read ? c.findRead(i, h) : c.find(i, h);
        if (a == 0) {
            return 0;
        }
        if (!HashValues.isHash(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return WRONG_TYPE;
        }
        return HashValues.purgeExpired(c.db, a, h, c.now);
    }

    /** Writes the value of a found field (see {@link HashValues#find}) as a bulk string. */
    static void replyValue(final Ctx c, final long a, final int ref) {
        final Db db = c.db;
        if (HashValues.isPacked(db, a)) {
            final byte[] p = db.page(a);
            replyElement(c.out, p, Listpack.next(p, db.valueOffset(a) + ref));
        } else {
            final HashTable t = HashValues.table(db, a);
            c.out.bulk(t.data(ref), t.valueOffset(ref), t.valueLength(ref));
        }
    }

    /** Writes a listpack element as a bulk string (an integer printed in place). */
    static void replyElement(final Reply out, final byte[] p, final int pos) {
        if (Listpack.isInt(p, pos)) {
            out.bulkLong(Listpack.intValue(p, pos));
        } else {
            out.bulk(p, Listpack.strOffset(p, pos), Listpack.strLength(p, pos));
        }
    }

    // ---- writes --------------------------------------------------------------------------------

    // HSET key field value [field value ...]
    public static void hset(final Ctx c) {
        setFields(c, false);
    }

    // HMSET key field value [field value ...]
    public static void hmset(final Ctx c) {
        setFields(c, true);
    }

    private static void setFields(final Ctx c, final boolean okReply) {
        final Request r = c.req;
        final int argc = r.argc();
        if ((argc & 1) == 1) {
            c.out.error("ERR wrong number of arguments for '" + c.cmd.fullName() + "' command");
            return;
        }
        final long h = c.keyHash(1);
        long a = lookup(c, 1, h, false);
        if (a == WRONG_TYPE) {
            return;
        }
        final Db db = c.db;
        final HashValues.Limits lim = limits(c);
        final long pairs = (argc - 2) >>> 1;
        final int before;
        if (a == 0) {
            a = HashValues.create(db, r.buf(), r.off(1), r.len(1), h, pairs, HashValues.packedSize(r, 2), lim);
            before = 0;
        } else {
            before = HashValues.length(db, a);
        }
        long longest = 0;
        long sum = 0;
        for (int i = 2; i < argc; i++) {
            longest = Math.max(longest, r.len(i));
            sum += r.len(i);
        }
        a = HashValues.beforeWrite(db, a, h, pairs, longest, sum, lim);
        a = HashValues.setAll(db, a, h, r, 2, lim);
        Notify.event(c, Notify.HASH, "hset", 1);
        final int created = HashValues.length(db, a) - before;
        if (okReply) {
            c.out.ok();
        } else {
            c.out.integer(created);
        }
    }

    // HSETNX key field value
    public static void hsetnx(final Ctx c) {
        final Request r = c.req;
        final long h = c.keyHash(1);
        long a = lookup(c, 1, h, false);
        if (a == WRONG_TYPE) {
            return;
        }
        final Db db = c.db;
        final HashValues.Limits lim = limits(c);
        if (a != 0 && HashValues.find(db, a, r.buf(), r.off(2), r.len(2)) >= 0) {
            c.out.raw(Reply.ZERO);
            return;
        }
        if (a == 0) {
            a = HashValues.create(db, r.buf(), r.off(1), r.len(1), h, 1, lim);
        }
        a = HashValues.beforeWrite(db, a, h, 1, Math.max(r.len(2), r.len(3)), (long) r.len(2) + r.len(3), lim);
        HashValues.set(db, a, h, -1, r.buf(), r.off(2), r.len(2), r.buf(), r.off(3), r.len(3), false, lim);
        Notify.event(c, Notify.HASH, "hset", 1);
        c.out.raw(Reply.ONE);
    }

    // HDEL key field [field ...]
    public static void hdel(final Ctx c) {
        final Request r = c.req;
        final long h = c.keyHash(1);
        long a = lookup(c, 1, h, false);
        if (a == WRONG_TYPE) {
            return;
        }
        int deleted = 0;
        for (int i = 2; i < r.argc() && a != 0; i++) {
            final int ref = HashValues.find(c.db, a, r.buf(), r.off(i), r.len(i));
            if (ref >= 0) {
                a = HashValues.delete(c.db, a, h, ref);
                deleted++;
            }
        }
        if (deleted > 0) {
            Notify.event(c, Notify.HASH, "hdel", 1);
            if (a == 0) {
                Notify.event(c, Notify.GENERIC, "del", 1);
            }
        }
        c.out.integer(deleted);
    }

    // HINCRBY key field increment
    public static void hincrby(final Ctx c) {
        final Request r = c.req;
        if (!r.parseLong(3)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        final long incr = r.longValue;
        final long h = c.keyHash(1);
        long a = lookup(c, 1, h, false);
        if (a == WRONG_TYPE) {
            return;
        }
        final Db db = c.db;
        final HashValues.Limits lim = limits(c);
        int ref = -1;
        long value = 0;
        if (a != 0) {
            ref = HashValues.find(db, a, r.buf(), r.off(2), r.len(2));
            if (ref >= 0) {
                final byte[] p;
                final int off;
                final int len;
                if (HashValues.isPacked(db, a)) {
                    p = db.page(a);
                    final int v = valuePos(db, a, ref);
                    if (Listpack.isInt(p, v)) {
                        value = Listpack.intValue(p, v);
                        off = -1;
                        len = 0;
                    } else {
                        off = Listpack.strOffset(p, v);
                        len = Listpack.strLength(p, v);
                    }
                } else {
                    final HashTable t = HashValues.table(db, a);
                    p = t.data(ref);
                    off = t.valueOffset(ref);
                    len = t.valueLength(ref);
                }
                if (off >= 0) {
                    if (!Numbers.isLong(p, off, len)) {
                        c.out.raw(HASH_NOT_INTEGER);
                        return;
                    }
                    value = Numbers.parseLong(p, off, len, 0);
                }
            }
        }
        if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
                || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
            c.out.raw(Errors.OVERFLOW);
            return;
        }
        value += incr;
        if (a == 0) {
            a = HashValues.create(db, r.buf(), r.off(1), r.len(1), h, 0, lim);
        }
        HashValues.setLong(db, a, h, ref, r.buf(), r.off(2), r.len(2), value, lim);
        c.out.integer(value);
        Notify.event(c, Notify.HASH, "hincrby", 1);
    }

    private static int valuePos(final Db db, final long a, final int ref) {
        return Listpack.next(db.page(a), db.valueOffset(a) + ref);
    }

    // HINCRBYFLOAT key field increment
    public static void hincrbyfloat(final Ctx c) {
        final Request r = c.req;
        final LongDouble inc = LongDouble.parse(r.buf(), r.off(3), r.len(3));
        if (inc == null) {
            c.out.raw(Errors.NOT_FLOAT);
            return;
        }
        if (inc.isNaN() || inc.isInfinite()) {
            c.out.raw(NAN_OR_INFINITE_INCREMENT);
            return;
        }
        final long h = c.keyHash(1);
        long a = lookup(c, 1, h, false);
        if (a == WRONG_TYPE) {
            return;
        }
        final Db db = c.db;
        final HashValues.Limits lim = limits(c);
        final int ref = a == 0 ? -1 : HashValues.find(db, a, r.buf(), r.off(2), r.len(2));
        final LongDouble.IncrResult res;
        if (ref < 0) {
            res = LongDouble.incrBy(null, 0, 0, r.buf(), r.off(3), r.len(3));
        } else if (HashValues.isPacked(db, a)) {
            final byte[] p = db.page(a);
            final int v = valuePos(db, a, ref);
            res = Listpack.isInt(p, v) ? LongDouble.incrBy(Listpack.intValue(p, v), r.buf(), r.off(3), r.len(3))
                    : LongDouble.incrBy(p, Listpack.strOffset(p, v), Listpack.strLength(p, v),
                    r.buf(), r.off(3), r.len(3));
        } else {
            final HashTable t = HashValues.table(db, a);
            res = LongDouble.incrBy(t.data(ref), t.valueOffset(ref), t.valueLength(ref), r.buf(), r.off(3), r.len(3));
        }
        switch (res.status()) {
            case OK -> {
                final byte[] v = res.value();
                if (a == 0) {
                    a = HashValues.create(db, r.buf(), r.off(1), r.len(1), h, 0, lim);
                }
                HashValues.set(db, a, h, ref, r.buf(), r.off(2), r.len(2), v, 0, v.length, true, lim);
                c.out.bulk(v);
                Notify.event(c, Notify.HASH, "hincrbyfloat", 1);
            }
            case NAN_OR_INFINITY -> c.out.raw(Errors.NAN_OR_INFINITY);
            case CURRENT_NOT_FLOAT -> c.out.raw(HASH_NOT_FLOAT);
            default -> c.out.raw(Errors.NOT_FLOAT);
        }
    }

    // ---- reads ---------------------------------------------------------------------------------

    // HGET key field
    public static void hget(final Ctx c) {
        final Request r = c.req;
        final long h = c.keyHash(1);
        final long a = lookup(c, 1, h, true);
        if (a == WRONG_TYPE) {
            return;
        }
        final int ref = a == 0 ? -1 : HashValues.find(c.db, a, r.buf(), r.off(2), r.len(2));
        if (ref < 0) {
            c.out.nullBulk();
        } else {
            replyValue(c, a, ref);
        }
    }

    // HMGET key field [field ...]
    public static void hmget(final Ctx c) {
        final Request r = c.req;
        final long h = c.keyHash(1);
        final long a = lookup(c, 1, h, true);
        if (a == WRONG_TYPE) {
            return;
        }
        c.out.arrayHeader(r.argc() - 2);
        for (int i = 2; i < r.argc(); i++) {
            final int ref = a == 0 ? -1 : HashValues.find(c.db, a, r.buf(), r.off(i), r.len(i));
            if (ref < 0) {
                c.out.nullBulk();
            } else {
                replyValue(c, a, ref);
            }
        }
    }

    // HLEN key
    public static void hlen(final Ctx c) {
        final long h = c.keyHash(1);
        final long a = lookup(c, 1, h, true);
        if (a != WRONG_TYPE) {
            c.out.integer(a == 0 ? 0 : HashValues.length(c.db, a));
        }
    }

    // HSTRLEN key field
    public static void hstrlen(final Ctx c) {
        final Request r = c.req;
        final long h = c.keyHash(1);
        final long a = lookup(c, 1, h, true);
        if (a == WRONG_TYPE) {
            return;
        }
        final int ref = a == 0 ? -1 : HashValues.find(c.db, a, r.buf(), r.off(2), r.len(2));
        c.out.integer(ref < 0 ? 0 : HashValues.valueLength(c.db, a, ref));
    }

    // HEXISTS key field
    public static void hexists(final Ctx c) {
        final Request r = c.req;
        final long h = c.keyHash(1);
        final long a = lookup(c, 1, h, true);
        if (a != WRONG_TYPE) {
            c.out.raw(a != 0 && HashValues.find(c.db, a, r.buf(), r.off(2), r.len(2)) >= 0 ? Reply.ONE : Reply.ZERO);
        }
    }
}
