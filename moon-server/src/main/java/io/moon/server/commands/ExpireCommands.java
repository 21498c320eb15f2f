package io.moon.server.commands;

import io.moon.server.pubsub.Notify;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;

/**
 * Expiry commands: EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT (with NX XX GT LT), TTL/PTTL,
 * EXPIRETIME/PEXPIRETIME and PERSIST. Times are absolute milliseconds inside; a time already
 * past deletes the key, as Redis does.
 */
public final class ExpireCommands {
    private ExpireCommands() {
    }

    private static final byte[] NX = {'N', 'X'};
    private static final byte[] XX = {'X', 'X'};
    private static final byte[] GT = {'G', 'T'};
    private static final byte[] LT = {'L', 'T'};
    private static final int E_NX = 1;
    private static final int E_XX = 2;
    private static final int E_GT = 4;
    private static final int E_LT = 8;
    private static final byte[] NX_CONFLICT = Reply.err("ERR NX and XX, GT or LT options at the same time are not compatible");
    private static final byte[] GT_LT_CONFLICT = Reply.err("ERR GT and LT options at the same time are not compatible");

    // EXPIRE key seconds [NX | XX | GT | LT]
    public static void expire(final Ctx c) {
        expireGeneric(c, c.now, true);
    }

    // PEXPIRE key milliseconds [NX | XX | GT | LT]
    public static void pexpire(final Ctx c) {
        expireGeneric(c, c.now, false);
    }

    // EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
    public static void expireat(final Ctx c) {
        expireGeneric(c, 0, true);
    }

    // PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
    public static void pexpireat(final Ctx c) {
        expireGeneric(c, 0, false);
    }

    /** Redis's expireGenericCommand: options, overflow checks, then the conditional update. */
    private static void expireGeneric(final Ctx c, final long base, final boolean seconds) {
        final Request r = c.req;
        int flags = 0;
        for (int j = 3; j < r.argc(); j++) {
            if (r.argIs(j, NX)) {
                flags |= E_NX;
            } else if (r.argIs(j, XX)) {
                flags |= E_XX;
            } else if (r.argIs(j, GT)) {
                flags |= E_GT;
            } else if (r.argIs(j, LT)) {
                flags |= E_LT;
            } else {
                c.out.error("ERR Unsupported option " + io.moon.server.net.Dispatcher.cString(r, j, Integer.MAX_VALUE));
                return;
            }
        }
        if ((flags & E_NX) != 0 && (flags & (E_XX | E_GT | E_LT)) != 0) {
            c.out.raw(NX_CONFLICT);
            return;
        }
        if ((flags & E_GT) != 0 && (flags & E_LT) != 0) {
            c.out.raw(GT_LT_CONFLICT);
            return;
        }
        if (!r.parseLong(2)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        long when = r.longValue;
        if (seconds) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
                StringCommands.invalidExpire(c);
                return;
            }
            when *= 1000;
        }
        if (when > Long.MAX_VALUE - base) {
            StringCommands.invalidExpire(c);
            return;
        }
        when += base;
        final long h = c.keyHash(1);
        final long a = c.find(1, h);
        if (a == 0) {
            c.out.integer(0);
            return;
        }
        if (flags != 0) {
            final long current = c.db.expireAt(a);
            if ((flags & E_NX) != 0 && current != -1
                    || (flags & E_XX) != 0 && current == -1
                    || (flags & E_GT) != 0 && (when <= current || current == -1)
                    || (flags & E_LT) != 0 && current != -1 && when >= current) {
                c.out.integer(0);
                return;
            }
        }
        if (when <= c.now) {
            c.db.unlinkAndFree(a, h);
            Notify.event(c, Notify.GENERIC, "del", 1);
        } else {
            c.db.setExpire(a, h, when);
            Notify.event(c, Notify.GENERIC, "expire", 1);
        }
        c.out.integer(1);
    }

    // TTL key
    public static void ttl(final Ctx c) {
        ttlGeneric(c, false, false);
    }

    // PTTL key
    public static void pttl(final Ctx c) {
        ttlGeneric(c, true, false);
    }

    // EXPIRETIME key
    public static void expiretime(final Ctx c) {
        ttlGeneric(c, false, true);
    }

    // PEXPIRETIME key
    public static void pexpiretime(final Ctx c) {
        ttlGeneric(c, true, true);
    }

    private static void ttlGeneric(final Ctx c, final boolean ms, final boolean absolute) {
        final long a = c.find(1, c.keyHash(1));
        if (a == 0) {
            c.keyspace.stats.keyspaceMisses++;
            c.out.raw(Reply.MINUS_TWO);
            return;
        }
        c.keyspace.stats.keyspaceHits++;
        final long at = c.db.expireAt(a);
        if (at == -1) {
            c.out.raw(Reply.MINUS_ONE);
            return;
        }
        long t = absolute ? at : at - c.now;
        if (t < 0) {
            t = 0;
        }
        // Rounded to the nearest second; unsigned, as Redis's reply for a time near 2^63 ms shows
        c.out.integer(ms ? t : Long.divideUnsigned(t + 500, 1000));
    }

    // PERSIST key
    public static void persist(final Ctx c) {
        final long a = c.find(1, c.keyHash(1));
        final boolean done = a != 0 && c.db.persist(a);
        if (done) {
            Notify.event(c, Notify.GENERIC, "persist", 1);
        }
        c.out.integer(done ? 1 : 0);
    }
}
