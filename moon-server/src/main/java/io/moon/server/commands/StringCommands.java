package io.moon.server.commands;

import io.moon.server.pubsub.Notify;

import io.moon.protocol.Numbers;
import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.storage.Db;
import io.moon.storage.Strings;

/**
 * String commands. Each handler runs on the shard that owns its key(s), with the request and the
 * selected database in {@link Ctx}. GET, SET and INCR are the hot path: no allocation, replies
 * written straight into the output buffer.
 */
public final class StringCommands {
    private StringCommands() {
    }

    static final byte[] NX = {'N', 'X'};
    static final byte[] XX = {'X', 'X'};
    static final byte[] GET = {'G', 'E', 'T'};
    static final byte[] EX = {'E', 'X'};
    static final byte[] PX = {'P', 'X'};
    static final byte[] EXAT = {'E', 'X', 'A', 'T'};
    static final byte[] PXAT = {'P', 'X', 'A', 'T'};
    static final byte[] KEEPTTL = {'K', 'E', 'E', 'P', 'T', 'T', 'L'};
    static final byte[] PERSIST = {'P', 'E', 'R', 'S', 'I', 'S', 'T'};

    // option bits of SET / GETEX (Redis's OBJ_* flags)
    static final int F_NX = 1;
    static final int F_XX = 2;
    static final int F_GET = 4;
    static final int F_KEEPTTL = 8;
    static final int F_PERSIST = 16;
    static final int F_EX = 32;
    static final int F_PX = 64;
    static final int F_EXAT = 128;
    static final int F_PXAT = 256;
    static final int F_ANY_EXPIRE = F_EX | F_PX | F_EXAT | F_PXAT;
    /** Returned by the option parser when it already replied an error. */
    static final int PARSE_ERROR = -1;

    /**
     * Redis shares the integer objects 0 to 9999 between keys, unless maxmemory evicts by LRU or
     * LFU (a shared object has no access stamp of its own); OBJECT REFCOUNT shows which. Whether a
     * value is shared is decided when it is stored, so a value stored while sharing is off stays
     * an own copy. Call after every store of a value that may be int-encoded; returns {@code a}.
     */
    static long stored(final Ctx c, final long a) {
        if (c.server.config.maxmemory != 0) {
            final String policy = c.server.config.maxmemoryPolicy;
            if (policy.endsWith("lru") || policy.endsWith("lfu")) {
                Strings.unshare(c.db, a);
            }
        }
        return a;
    }

    /** Writes a string entry's value as a bulk reply (an int-encoded value is printed in place). */
    static void replyValue(final Ctx c, final long a) {
        final Db db = c.db;
        if (Strings.isInt(db, a)) {
            c.out.bulkLong(db.intValue(a));
        } else {
            c.out.bulk(db.page(a), db.valueOffset(a), db.valueLength(a));
        }
    }

    // GET key
    public static void get(final Ctx c) {
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.nullBulk();
        } else if (!Strings.isString(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
        } else {
            replyValue(c, a);
        }
    }

    /**
     * Parses SET/GETEX options from argument {@code from}, with Redis's rules for which options
     * exclude which (parseExtendedStringArgumentsOrReply). Returns the flags, with the index of
     * the expire argument in the bits above 16, or {@link #PARSE_ERROR} after replying.
     */
    static int parseOptions(final Ctx c, final int from, final boolean isSet) {
        final Request r = c.req;
        int flags = 0;
        int expireArg = 0;
        for (int j = from; j < r.argc(); j++) {
            final boolean hasNext = j + 1 < r.argc();
            if (isSet && r.argIs(j, NX) && (flags & F_XX) == 0) {
                flags |= F_NX;
            } else if (isSet && r.argIs(j, XX) && (flags & F_NX) == 0) {
                flags |= F_XX;
            } else if (isSet && r.argIs(j, GET)) {
                flags |= F_GET;
            } else if (isSet && r.argIs(j, KEEPTTL) && (flags & (F_PERSIST | F_ANY_EXPIRE)) == 0) {
                flags |= F_KEEPTTL;
            } else if (!isSet && r.argIs(j, PERSIST) && (flags & (F_KEEPTTL | F_ANY_EXPIRE)) == 0) {
                flags |= F_PERSIST;
            } else if (r.argIs(j, EX) && (flags & (F_KEEPTTL | F_PERSIST | F_EXAT | F_PX | F_PXAT)) == 0 && hasNext) {
                flags |= F_EX;
                expireArg = ++j;
            } else if (r.argIs(j, PX) && (flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PXAT)) == 0 && hasNext) {
                flags |= F_PX;
                expireArg = ++j;
            } else if (r.argIs(j, EXAT) && (flags & (F_KEEPTTL | F_PERSIST | F_EX | F_PX | F_PXAT)) == 0 && hasNext) {
                flags |= F_EXAT;
                expireArg = ++j;
            } else if (r.argIs(j, PXAT) && (flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PX)) == 0 && hasNext) {
                flags |= F_PXAT;
                expireArg = ++j;
            } else {
                c.out.raw(Errors.SYNTAX);
                return PARSE_ERROR;
            }
        }
        return flags | (expireArg << 16);
    }

    /**
     * The absolute expiry in ms for the expire argument (getExpireMillisecondsOrReply), or -1
     * after replying the error. Relative forms (EX/PX) add the command's time.
     */
    static long expireAtMillis(final Ctx c, final int arg, final int flags) {
        final Request r = c.req;
        if (!r.parseLong(arg)) {
            c.out.raw(Errors.NOT_INTEGER);
            return -1;
        }
        long ms = r.longValue;
        final boolean seconds = (flags & (F_EX | F_EXAT)) != 0;
        if (ms <= 0 || (seconds && ms > Long.MAX_VALUE / 1000)) {
            invalidExpire(c);
            return -1;
        }
        if (seconds) {
            ms *= 1000;
        }
        if ((flags & (F_EX | F_PX)) != 0) {
            ms += c.now;
        }
        if (ms <= 0) {
            invalidExpire(c);
            return -1;
        }
        return ms;
    }

    static void invalidExpire(final Ctx c) {
        c.out.error("ERR invalid expire time in '" + c.cmd.fullName() + "' command");
    }

    // SET key value [NX | XX] [GET] [EX s | PX ms | EXAT ts | PXAT ms-ts | KEEPTTL]
    public static void set(final Ctx c) {
        int flags = 0;
        long when = 0;
        if (c.req.argc() > 3) {
            flags = parseOptions(c, 3, true);
            if (flags == PARSE_ERROR) {
                return;
            }
            if ((flags & F_ANY_EXPIRE) != 0) {
                when = expireAtMillis(c, flags >>> 16, flags);
                if (when < 0) {
                    return;
                }
            }
        }
        setGeneric(c, flags, 1, 2, when, null, null);
    }

    /**
     * Redis's setGenericCommand: GET first (the old value, or a WRONGTYPE abort), then NX/XX, then
     * the write, then the expiry. {@code okReply} / {@code abortReply} replace +OK / null (SETNX).
     */
    static void setGeneric(final Ctx c, final int flags, final int keyArg, final int valArg, final long when,
                           final byte[] okReply, final byte[] abortReply) {
        final Request r = c.req;
        final Db db = c.db;
        final long h = c.keyHash(keyArg);
        // GET reads the old value as Redis's lookupKeyRead does: a keyspace hit or miss, touched
        long a = (flags & F_GET) != 0 ? c.findRead(keyArg, h) : c.find(keyArg, h);
        if ((flags & F_GET) != 0) {
            if (a == 0) {
                c.out.nullBulk();
            } else if (!Strings.isString(db, a)) {
                c.out.raw(Errors.WRONGTYPE);
                return;
            } else {
                replyValue(c, a);
            }
        }
        if (((flags & F_NX) != 0 && a != 0) || ((flags & F_XX) != 0 && a == 0)) {
            c.keysUnchanged();
            if ((flags & F_GET) == 0) {
                if (abortReply != null) {
                    c.out.raw(abortReply);
                } else {
                    c.out.nullBulk();
                }
            }
            return;
        }
        final byte[] b = r.buf();
        a = stored(c, Strings.set(db, b, r.off(keyArg), r.len(keyArg), h, a, b, r.off(valArg), r.len(valArg),
                (flags & F_KEEPTTL) != 0));
        if ((flags & F_ANY_EXPIRE) != 0) {
            db.setExpire(a, h, when);
        }
        Notify.event(c, Notify.STRING, "set", keyArg);
        if ((flags & F_ANY_EXPIRE) != 0) {
            Notify.event(c, Notify.GENERIC, "expire", keyArg);
        }
        if ((flags & F_GET) == 0) {
            c.out.raw(okReply != null ? okReply : Reply.OK);
        }
    }

    // SETNX key value
    public static void setnx(final Ctx c) {
        setGeneric(c, F_NX, 1, 2, 0, Reply.ONE, Reply.ZERO);
    }

    // SETEX key seconds value
    public static void setex(final Ctx c) {
        final long when = expireAtMillis(c, 2, F_EX);
        if (when >= 0) {
            setGeneric(c, F_EX, 1, 3, when, null, null);
        }
    }

    // PSETEX key milliseconds value
    public static void psetex(final Ctx c) {
        final long when = expireAtMillis(c, 2, F_PX);
        if (when >= 0) {
            setGeneric(c, F_PX, 1, 3, when, null, null);
        }
    }

    // GETEX key [EX s | PX ms | EXAT ts | PXAT ms-ts | PERSIST]
    public static void getex(final Ctx c) {
        final int flags = parseOptions(c, 2, false);
        if (flags == PARSE_ERROR) {
            return;
        }
        final long h = c.keyHash(1);
        final long a = c.findRead(1, h);
        if (a == 0) {
            c.out.nullBulk();
            return;
        }
        if (!Strings.isString(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        long when = 0;
        if ((flags & F_ANY_EXPIRE) != 0) {
            when = expireAtMillis(c, flags >>> 16, flags);
            if (when < 0) {
                return;
            }
        }
        replyValue(c, a);
        if ((flags & (F_EXAT | F_PXAT)) != 0 && when <= c.now) {
            c.db.unlinkAndFree(a, h);
            Notify.event(c, Notify.GENERIC, "del", 1);
        } else if ((flags & F_ANY_EXPIRE) != 0) {
            c.db.setExpire(a, h, when);
            Notify.event(c, Notify.GENERIC, "expire", 1);
        } else if ((flags & F_PERSIST) != 0 && c.db.persist(a)) {
            Notify.event(c, Notify.GENERIC, "persist", 1);
        } else {
            c.keysUnchanged(); // no option, or PERSIST of a key without a TTL
        }
    }

    // GETDEL key
    public static void getdel(final Ctx c) {
        final long h = c.keyHash(1);
        final long a = c.findRead(1, h);
        if (a == 0) {
            c.out.nullBulk();
        } else if (!Strings.isString(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
        } else {
            replyValue(c, a);
            c.db.unlinkAndFree(a, h);
            Notify.event(c, Notify.GENERIC, "del", 1);
        }
    }

    // GETSET key value
    public static void getset(final Ctx c) {
        setGeneric(c, F_GET, 1, 2, 0, null, null);
    }

    // MGET key [key ...] (all keys on this shard; CrossShard.mget otherwise)
    public static void mget(final Ctx c) {
        final int n = c.req.argc() - 1;
        c.out.arrayHeader(n);
        for (int i = 1; i <= n; i++) {
            mgetOne(c, i);
        }
    }

    /** One MGET element: the value, or null for a missing key or a non-string. */
    static void mgetOne(final Ctx c, final int i) {
        final long a = c.findRead(i, c.keyHash(i));
        if (a == 0 || !Strings.isString(c.db, a)) {
            c.out.nullBulk();
        } else {
            replyValue(c, a);
        }
    }

    /** MSET/MSETNX need an odd argument count. Replies the arity error and returns false otherwise. */
    static boolean pairsOk(final Ctx c) {
        if (c.req.argc() % 2 == 0) {
            c.out.error("ERR wrong number of arguments for '" + c.cmd.fullName() + "' command");
            return false;
        }
        return true;
    }

    // MSET key value [key value ...]
    public static void mset(final Ctx c) {
        if (!pairsOk(c)) {
            return;
        }
        for (int i = 1; i < c.req.argc(); i += 2) {
            setPair(c, i);
        }
        c.out.ok();
    }

    /** Stores argument i's value (argument i + 1), dropping any TTL, as MSET does. */
    static void setPair(final Ctx c, final int i) {
        final Request r = c.req;
        final long h = c.keyHash(i);
        final long a = c.find(i, h);
        stored(c, Strings.set(c.db, r.buf(), r.off(i), r.len(i), h, a, r.buf(), r.off(i + 1), r.len(i + 1), false));
        Notify.event(c, Notify.STRING, "set", i);
    }

    // MSETNX key value [key value ...]
    public static void msetnx(final Ctx c) {
        if (!pairsOk(c)) {
            return;
        }
        for (int i = 1; i < c.req.argc(); i += 2) {
            if (c.find(i, c.keyHash(i)) != 0) {
                c.out.integer(0);
                return;
            }
        }
        for (int i = 1; i < c.req.argc(); i += 2) {
            setPair(c, i);
        }
        c.out.integer(1);
    }

    // APPEND key value
    public static void append(final Ctx c) {
        final Request r = c.req;
        final long h = c.keyHash(1);
        final long a = c.find(1, h);
        if (a != 0 && !Strings.isString(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        final long oldLen = a == 0 ? 0 : Strings.length(c.db, a);
        if (!lengthOk(c, oldLen, r.len(2))) {
            return;
        }
        if (a == 0) {
            // a new key is stored as SET stores it (Redis's tryObjectEncoding): int, embstr or raw
            stored(c, Strings.set(c.db, r.buf(), r.off(1), r.len(1), h, 0, r.buf(), r.off(2), r.len(2), false));
            Notify.event(c, Notify.STRING, "append", 1);
            c.out.integer(r.len(2));
            return;
        }
        c.out.integer(Strings.append(c.db, r.buf(), r.off(1), r.len(1), h, a, r.buf(), r.off(2), r.len(2)));
        Notify.event(c, Notify.STRING, "append", 1);
    }

    /** Redis's checkStringLength: the result must fit proto-max-bulk-len (and a Java array). */
    static boolean lengthOk(final Ctx c, final long size, final long append) {
        final long total = size + append;
        final long max = Math.min(c.server.config.protoMaxBulkLen, Integer.MAX_VALUE - 64);
        if (total > max || total < size) {
            c.out.raw(Errors.STRING_TOO_LONG);
            return false;
        }
        return true;
    }

    // STRLEN key
    public static void strlen(final Ctx c) {
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.integer(0);
        } else if (!Strings.isString(c.db, a)) {
            c.out.raw(Errors.WRONGTYPE);
        } else {
            c.out.integer(Strings.length(c.db, a));
        }
    }

    // GETRANGE key start end (and SUBSTR)
    public static void getrange(final Ctx c) {
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
            c.out.raw(Reply.EMPTY_BULK);
            return;
        }
        final Db db = c.db;
        if (!Strings.isString(db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        final long len = Strings.length(db, a);
        if (start < 0 && end < 0 && start > end) {
            c.out.raw(Reply.EMPTY_BULK);
            return;
        }
        if (start < 0) {
            start = len + start;
        }
        if (end < 0) {
            end = len + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (end < 0) {
            end = 0;
        }
        if (end >= len) {
            end = len - 1;
        }
        if (start > end || len == 0) {
            c.out.raw(Reply.EMPTY_BULK);
            return;
        }
        if (Strings.isInt(db, a)) {
            final byte[] digits = new byte[Numbers.MAX_LONG_CHARS];
            Numbers.formatLong(db.intValue(a), digits, 0);
            c.out.bulk(digits, (int) start, (int) (end - start + 1));
        } else {
            c.out.bulk(db.page(a), db.valueOffset(a) + (int) start, (int) (end - start + 1));
        }
    }

    // SETRANGE key offset value
    public static void setrange(final Ctx c) {
        final Request r = c.req;
        if (!r.parseLong(2)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        final long offset = r.longValue;
        if (offset < 0) {
            c.out.raw(Errors.OFFSET_OUT_OF_RANGE);
            return;
        }
        final long h = c.keyHash(1);
        final long a = c.find(1, h);
        final int vl = r.len(3);
        if (a == 0) {
            if (vl == 0) {
                c.out.integer(0);
                return;
            }
        } else {
            if (!Strings.isString(c.db, a)) {
                c.out.raw(Errors.WRONGTYPE);
                return;
            }
            if (vl == 0) {
                c.keysUnchanged();
                c.out.integer(Strings.length(c.db, a));
                return;
            }
        }
        if (!lengthOk(c, offset, vl)) {
            return;
        }
        c.out.integer(Strings.setRange(c.db, r.buf(), r.off(1), r.len(1), h, a, (int) offset, r.buf(), r.off(3), vl));
        Notify.event(c, Notify.STRING, "setrange", 1);
    }

    // INCR key
    public static void incr(final Ctx c) {
        incrBy(c, 1);
    }

    // DECR key
    public static void decr(final Ctx c) {
        incrBy(c, -1);
    }

    // INCRBY key increment
    public static void incrby(final Ctx c) {
        if (!c.req.parseLong(2)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        incrBy(c, c.req.longValue);
    }

    // DECRBY key decrement
    public static void decrby(final Ctx c) {
        if (!c.req.parseLong(2)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        if (c.req.longValue == Long.MIN_VALUE) {
            c.out.raw(Errors.DECREMENT_OVERFLOW);
            return;
        }
        incrBy(c, -c.req.longValue);
    }

    /** Redis's incrDecrCommand: the value must be a 64-bit integer; overflow is refused; TTL is kept. */
    static void incrBy(final Ctx c, final long incr) {
        final Request r = c.req;
        final Db db = c.db;
        final long h = c.keyHash(1);
        final long a = c.find(1, h);
        long value = 0;
        if (a != 0) {
            if (Strings.isInt(db, a)) {
                value = db.intValue(a);
            } else if (!Strings.isString(db, a)) {
                c.out.raw(Errors.WRONGTYPE);
                return;
            } else {
                final int len = db.valueLength(a);
                final byte[] p = db.page(a);
                final int off = db.valueOffset(a);
                if (!Numbers.isLong(p, off, len)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return;
                }
                value = Numbers.parseLong(p, off, len, 0);
            }
        }
        if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
                || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
            c.out.raw(Errors.OVERFLOW);
            return;
        }
        value += incr;
        stored(c, Strings.setLong(db, r.buf(), r.off(1), r.len(1), h, a, value, true));
        Notify.event(c, Notify.STRING, "incrby", 1);
        c.out.integer(value);
    }

    // INCRBYFLOAT key increment
    public static void incrbyfloat(final Ctx c) {
        FloatIncr.incrbyfloat(c);
    }

    // LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
    public static void lcs(final Ctx c) {
        final long a1 = c.findRead(1, c.keyHash(1));
        final long a2 = c.findRead(2, c.keyHash(2));
        if ((a1 != 0 && !Strings.isString(c.db, a1)) || (a2 != 0 && !Strings.isString(c.db, a2))) {
            c.out.raw(Lcs.NOT_STRINGS);
            return;
        }
        final byte[] x = a1 == 0 ? new byte[0] : Strings.valueBytes(c.db, a1);
        final byte[] y = a2 == 0 ? new byte[0] : Strings.valueBytes(c.db, a2);
        Lcs.reply(c.out, c.req, x, y, c.server.config.protoMaxBulkLen);
    }
}
