package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.storage.Db;
import io.moon.storage.Entry;
import io.moon.storage.HashTable;
import io.moon.storage.HashValues;

import static io.moon.protocol.Reply.err;
import static io.moon.server.commands.HashCommands.WRONG_TYPE;
import static io.moon.server.commands.HashCommands.lookup;

/**
 * Hash field expiration, as Redis 7.4 has it: HEXPIRE, HPEXPIRE, HEXPIREAT, HPEXPIREAT set a TTL
 * on fields (NX | XX | GT | LT conditions), HTTL, HPTTL, HEXPIRETIME, HPEXPIRETIME read it, and
 * HPERSIST removes it. Every form ends in {@code FIELDS numfields field...} and answers one code
 * per field: -2 no such field (or no such key), and then per command: 0 condition not met, 1 set,
 * 2 deleted because the time is not in the future; -1 no TTL; 1 TTL removed.
 *
 * <p>A hash that gets its first TTL becomes {@link Entry#KIND_HASH_EX}: a table
 * that still reports "listpackex" while small (7.4's name) and "hashtable" once large. Expired
 * fields are deleted by every command that looks the hash up, and by the shard's active expire
 * cycle; a hash whose last field expires is deleted. Checks run in Redis's order: the key's type,
 * the time, the condition, FIELDS, numfields, then the field count.
 */
public final class HashExpireCommands {
    private HashExpireCommands() {
    }

    /** Redis's HFE_MAX_ABS_TIME_MSEC: field TTLs are absolute milliseconds below 2^46. */
    static final long MAX_ABS_TIME_MILLIS = (1L << 46) - 1;

    static final byte[] FIELDS_MISSING = err("ERR Mandatory argument FIELDS is missing or not at the right position");
    static final byte[] NUMFIELDS_NOT_POSITIVE = err("ERR Parameter `numFields` should be greater than 0");
    static final byte[] NUMBER_OF_FIELDS = err("ERR Number of fields must be a positive integer");
    static final byte[] NUMFIELDS_MISMATCH = err("ERR The `numfields` parameter must match the number of arguments");
    static final byte[] NEGATIVE_TIME = err("ERR invalid expire time, must be >= 0");

    private static final byte[] NX = {'N', 'X'};
    private static final byte[] XX = {'X', 'X'};
    private static final byte[] GT = {'G', 'T'};
    private static final byte[] LT = {'L', 'T'};
    private static final byte[] FIELDS = {'F', 'I', 'E', 'L', 'D', 'S'};

    private static final int COND_NONE = 0;
    private static final int COND_NX = 1;
    private static final int COND_XX = 2;
    private static final int COND_GT = 3;
    private static final int COND_LT = 4;

    /** Per-field answers of the setters. */
    static final int NO_FIELD = -2;
    static final int NOT_MET = 0;
    static final int SET = 1;
    static final int DELETED = 2;

    // HEXPIRE key seconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
    public static void hexpire(final Ctx c) {
        expireGeneric(c, c.now, true);
    }

    // HPEXPIRE key milliseconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
    public static void hpexpire(final Ctx c) {
        expireGeneric(c, c.now, false);
    }

    // HEXPIREAT key unix-time-seconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
    public static void hexpireat(final Ctx c) {
        expireGeneric(c, 0, true);
    }

    // HPEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
    public static void hpexpireat(final Ctx c) {
        expireGeneric(c, 0, false);
    }

    private static void expireGeneric(final Ctx c, final long basetime, final boolean seconds) {
        final Request r = c.req;
        final long h = c.keyHash(1);
        long a = lookup(c, 1, h, false);
        if (a == WRONG_TYPE) {
            return;
        }
        if (!r.parseLong(2)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        long at = r.longValue;
        if (at < 0) {
            c.out.raw(NEGATIVE_TIME);
            return;
        }
        if (seconds) {
            if (at > MAX_ABS_TIME_MILLIS / 1000) {
                invalidTime(c);
                return;
            }
            at *= 1000;
        }
        if (at > MAX_ABS_TIME_MILLIS - basetime) {
            invalidTime(c);
            return;
        }
        at += basetime;
        int fieldsAt = 4;
        final int cond;
        if (r.argIs(3, NX)) {
            cond = COND_NX;
        } else if (r.argIs(3, XX)) {
            cond = COND_XX;
        } else if (r.argIs(3, GT)) {
            cond = COND_GT;
        } else if (r.argIs(3, LT)) {
            cond = COND_LT;
        } else {
            cond = COND_NONE;
            fieldsAt = 3;
        }
        final int n = fieldCount(c, fieldsAt, NUMFIELDS_NOT_POSITIVE);
        if (n < 0) {
            return;
        }
        final int first = fieldsAt + 2;
        c.out.arrayHeader(n);
        final Db db = c.db;
        boolean ttlSet = false;
        boolean deleted = false;
        for (int i = first; i < first + n; i++) {
            if (a == 0) {
                c.out.integer(NO_FIELD);
                continue;
            }
            int ref = HashValues.find(db, a, r.buf(), r.off(i), r.len(i));
            if (ref < 0) {
                c.out.integer(NO_FIELD);
                continue;
            }
            final long prev = db.kind(a) == Entry.KIND_HASH_EX ? HashValues.table(db, a).expireAt(ref) : 0;
            if (prev == 0 ? cond == COND_XX || cond == COND_GT
                    : cond == COND_NX || (cond == COND_GT && prev >= at) || (cond == COND_LT && prev <= at)) {
                c.out.integer(NOT_MET);
                continue;
            }
            if (at <= c.now) {
                a = HashValues.delete(db, a, h, ref);
                c.out.integer(DELETED);
                deleted = true;
                continue;
            }
            if (db.kind(a) != Entry.KIND_HASH_EX) {
                a = HashValues.makeVolatile(db, a, h);
                ref = HashValues.find(db, a, r.buf(), r.off(i), r.len(i));
            }
            HashValues.table(db, a).expireAt(ref, at);
            ttlSet = true;
            c.out.integer(SET);
        }
        if (ttlSet && a != 0) {
            db.fieldTtlChanged(a);
        }
        // Redis 7.4: "hexpire" when TTLs were set, "hexpired" for fields deleted at once (a time
        // not in the future), then "del" when that emptied the hash
        if (!ttlSet && !deleted) {
            c.keysUnchanged(); // no field met the condition, or none exists
        }
        if (ttlSet) {
            io.moon.server.pubsub.Notify.event(c, io.moon.server.pubsub.Notify.HASH, "hexpire", 1);
        }
        if (deleted) {
            io.moon.server.pubsub.Notify.event(c, io.moon.server.pubsub.Notify.HASH, "hexpired", 1);
            if (a == 0) {
                io.moon.server.pubsub.Notify.event(c, io.moon.server.pubsub.Notify.GENERIC, "del", 1);
            }
        }
    }

    private static void invalidTime(final Ctx c) {
        c.out.error("ERR invalid expire time in '" + c.cmd.fullName() + "' command");
    }

    /**
     * Parses {@code FIELDS numfields} at {@code fieldsAt} and checks the count against the
     * arguments left; returns the count, or -1 after replying the error.
     */
    private static int fieldCount(final Ctx c, final int fieldsAt, final byte[] badCount) {
        final Request r = c.req;
        if (!r.argIs(fieldsAt, FIELDS)) {
            c.out.raw(FIELDS_MISSING);
            return -1;
        }
        if (!r.parseLong(fieldsAt + 1) || r.longValue < 1) {
            c.out.raw(badCount);
            return -1;
        }
        if (r.longValue != r.argc() - fieldsAt - 2) {
            c.out.raw(NUMFIELDS_MISMATCH);
            return -1;
        }
        return (int) r.longValue;
    }

    // ---- reading and removing TTLs -------------------------------------------------------------

    private static final int TTL_SECONDS = 0;
    private static final int TTL_MILLIS = 1;
    private static final int AT_SECONDS = 2;
    private static final int AT_MILLIS = 3;

    // HTTL key FIELDS numfields field [field ...]
    public static void httl(final Ctx c) {
        ttlGeneric(c, TTL_SECONDS);
    }

    // HPTTL key FIELDS numfields field [field ...]
    public static void hpttl(final Ctx c) {
        ttlGeneric(c, TTL_MILLIS);
    }

    // HEXPIRETIME key FIELDS numfields field [field ...]
    public static void hexpiretime(final Ctx c) {
        ttlGeneric(c, AT_SECONDS);
    }

    // HPEXPIRETIME key FIELDS numfields field [field ...]
    public static void hpexpiretime(final Ctx c) {
        ttlGeneric(c, AT_MILLIS);
    }

    private static void ttlGeneric(final Ctx c, final int unit) {
        final Request r = c.req;
        final long a = lookup(c, 1, c.keyHash(1), true);
        if (a == WRONG_TYPE) {
            return;
        }
        final int n = fieldCount(c, 2, NUMBER_OF_FIELDS);
        if (n < 0) {
            return;
        }
        final Db db = c.db;
        c.out.arrayHeader(n);
        for (int i = 4; i < 4 + n; i++) {
            final int ref = a == 0 ? -1 : HashValues.find(db, a, r.buf(), r.off(i), r.len(i));
            if (ref < 0) {
                c.out.integer(NO_FIELD);
                continue;
            }
            final long at = db.kind(a) == Entry.KIND_HASH_EX ? HashValues.table(db, a).expireAt(ref) : 0;
            if (at == 0) {
                c.out.raw(Reply.MINUS_ONE);
                continue;
            }
            switch (unit) {
                case TTL_SECONDS -> c.out.integer((at + 999 - c.now) / 1000);
                case TTL_MILLIS -> c.out.integer(at - c.now);
                case AT_SECONDS -> c.out.integer((at + 999) / 1000);
                default -> c.out.integer(at);
            }
        }
    }

    // HPERSIST key FIELDS numfields field [field ...]
    public static void hpersist(final Ctx c) {
        final Request r = c.req;
        final long a = lookup(c, 1, c.keyHash(1), false);
        if (a == WRONG_TYPE) {
            return;
        }
        final int n = fieldCount(c, 2, NUMBER_OF_FIELDS);
        if (n < 0) {
            return;
        }
        final Db db = c.db;
        c.out.arrayHeader(n);
        final HashTable t = a != 0 && db.kind(a) == Entry.KIND_HASH_EX ? HashValues.table(db, a) : null;
        boolean persisted = false;
        for (int i = 4; i < 4 + n; i++) {
            final int ref = a == 0 ? -1 : HashValues.find(db, a, r.buf(), r.off(i), r.len(i));
            if (ref < 0) {
                c.out.integer(NO_FIELD);
            } else if (t != null && t.persist(ref)) {
                c.out.raw(Reply.ONE);
                persisted = true;
            } else {
                c.out.raw(Reply.MINUS_ONE);
            }
        }
        if (persisted) {
            io.moon.server.pubsub.Notify.event(c, io.moon.server.pubsub.Notify.HASH, "hpersist", 1);
        } else {
            c.keysUnchanged();
        }
    }
}
