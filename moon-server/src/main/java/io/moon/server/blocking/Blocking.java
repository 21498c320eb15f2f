package io.moon.server.blocking;

import io.moon.protocol.LongDouble;
import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;

/**
 * What the blocking commands share: their timeout argument, whether they may block, and
 * blocking on keys that all live on the shard the command runs on (the cheap, common case; keys
 * on several shards go through {@link BlockingOp}).
 */
public final class Blocking {
    private Blocking() {
    }

    public static final byte[] NOT_FLOAT = Reply.err("ERR timeout is not a float or out of range");
    public static final byte[] NEGATIVE = Reply.err("ERR timeout is negative");
    public static final byte[] OUT_OF_RANGE = Reply.err("ERR timeout is out of range");
    public static final byte[] UNBLOCKED = Reply.err("UNBLOCKED client unblocked via CLIENT UNBLOCK");
    private static final byte[] NULL_ARRAY2 = Reply.ascii("*-1\r\n");
    private static final byte[] NULL3 = Reply.ascii("_\r\n");

    /**
     * The timeout in seconds at argument {@code i} (decimals allowed, 0 = forever) as an absolute
     * deadline in ms, 0 for none; or -1 after replying Redis 7.2's error.
     */
    public static long deadline(final Ctx c, final int i) {
        final Request r = c.req;
        final long ms;
        if (r.parseLong(i)) {
            final long s = r.longValue;
            if (s < 0) {
                c.out.raw(NEGATIVE);
                return -1;
            }
            if (s > Long.MAX_VALUE / 1000) {
                c.out.raw(OUT_OF_RANGE);
                return -1;
            }
            ms = s * 1000;
        } else {
            final LongDouble d = LongDouble.parse(r.buf(), r.off(i), r.len(i));
            if (d == null) {
                c.out.raw(NOT_FLOAT);
                return -1;
            }
            ms = d.secondsToMillis();
            if (ms == LongDouble.OUT_OF_RANGE) {
                c.out.raw(OUT_OF_RANGE);
                return -1;
            }
            if (ms < 0) {
                c.out.raw(NEGATIVE);
                return -1;
            }
        }
        if (ms == 0) {
            return 0;
        }
        if (ms > Long.MAX_VALUE - c.now) {
            c.out.raw(OUT_OF_RANGE);
            return -1;
        }
        return c.now + ms;
    }

    /**
     * Whether the command may block: there is a client to block and it does not run inside
     * MULTI/EXEC, a script or a cross-shard step ({@link Ctx#inTransaction}). When it may not, a
     * blocking command answers at once as on a timeout.
     */
    public static boolean mayBlock(final Ctx c) {
        return c.blockFor != null && !c.inTransaction;
    }

    /** The reply of a wait that timed out (or CLIENT UNBLOCK ... TIMEOUT): a null array, or a keyless wait's own. */
    public static void timeoutReply(final SharedWaiter w) {
        if (w.onTimeout != null) {
            w.onTimeout.accept(w.reply);
            return;
        }
        w.reply.writeBytes(w.proto >= 3 ? NULL3 : NULL_ARRAY2);
    }

    /**
     * Blocks the client on the keys at arguments {@code firstKey..lastKey}, all owned by this
     * shard: registers it here in one step (so no push can slip between the check that found
     * them empty and the registration) and leaves the waiter in {@link Ctx#waiter} for whoever
     * ran the handler. Allocates the waiter and a copy of the arguments: what blocking needs.
     */
    public static void block(final Ctx c, final BlockedPop pop, final int type, final long arg, final long deadline,
                             final int firstKey, final int lastKey) {
        block(c, pop, type, arg, deadline, firstKey, lastKey, 0);
    }

    /**
     * As above; {@code alsoWrites} (when not 0) is the argument of another key of this shard the
     * pop writes (BLMOVE's destination): should a cross-shard operation hold it locked when the
     * client is served, the home runs the command again instead.
     */
    public static void block(final Ctx c, final BlockedPop pop, final int type, final long arg, final long deadline,
                             final int firstKey, final int lastKey, final int alsoWrites) {
        final SharedWaiter w = new SharedWaiter(c.blockFor, copy(c.req), c.cmd, c.dbIndex, c.proto, c.noTouch, pop,
                type, arg, deadline, 1);
        w.alsoWrites = alsoWrites;
        final Registration r = w.registration(c.shard);
        for (int i = firstKey; i <= lastKey; i++) {
            addKey(r, w.req, i);
        }
        c.shard.blocked.add(r);
        c.waiter = w;
    }

    /**
     * XREAD / XREADGROUP BLOCK with every key on this shard and nothing to serve: blocks on the
     * keys at {@code firstKey..lastKey}. {@code args} is the command as it runs when a key is
     * signalled ({@code $} replaced by the ID it stood for): on this shard by {@code serve}, in
     * FIFO order, once its {@link BlockedPop#ready} says it would answer; {@code group}:
     * XREADGROUP, which also wakes when its stream goes or changes type.
     */
    public static void blockStream(final Ctx c, final BlockedPop serve, final Request args, final long deadline,
                                   final int firstKey, final int lastKey, final boolean group) {
        final SharedWaiter w = new SharedWaiter(c.blockFor, copy(args), c.cmd, c.dbIndex, c.proto, c.noTouch, serve,
                io.moon.storage.ValueType.STREAM, 0, deadline, 1);
        w.unblockOnNoKey = group;
        w.rerunsOwnArgs = true;
        final Registration r = w.registration(c.shard);
        for (int i = firstKey; i <= lastKey; i++) {
            addKey(r, w.req, i);
        }
        c.shard.blocked.add(r);
        c.waiter = w;
    }

    /**
     * As {@link #blockStream} for keys on several shards: the waiter, with a registration per
     * shard of {@code shards} (each made live by {@link #activate} on its shard).
     */
    public static SharedWaiter streamWaiter(final io.moon.server.net.Connection conn, final Request args,
                                            final io.moon.server.command.CommandSpec cmd, final int db,
                                            final int proto, final boolean noTouch, final long deadline,
                                            final int shards, final boolean group) {
        final SharedWaiter w = new SharedWaiter(conn, copy(args), cmd, db, proto, noTouch, null,
                io.moon.storage.ValueType.STREAM, 0, deadline, shards);
        w.unblockOnNoKey = group;
        w.rerunsOwnArgs = true;
        return w;
    }

    /**
     * For cross-shard operations of blocking commands: a waiter for the operation's client, with
     * its registrations to be filled by {@link #registerKey} (on the coordinator, before the
     * steps) and made live by {@link #activate} (on each shard, while its locks hold).
     */
    public static SharedWaiter waiter(final io.moon.server.net.Connection conn, final Request req,
                                      final io.moon.server.command.CommandSpec cmd, final int db, final int proto,
                                      final boolean noTouch, final BlockedPop pop, final int type, final long arg,
                                      final long deadline, final int shards) {
        return new SharedWaiter(conn, copy(req), cmd, db, proto, noTouch, pop, type, arg, deadline, shards);
    }

    /** Adds the key at argument i (of the waiter's request) to its registration on shard s. */
    public static void registerKey(final SharedWaiter w, final io.moon.server.Shard s, final int i) {
        addKey(w.registration(s), w.req, i);
    }

    /** On shard s: links the waiter's registration there into the key FIFOs. */
    public static void activate(final SharedWaiter w, final io.moon.server.Shard s) {
        s.blocked.add(w.registration(s));
    }

    /** Adds argument i to the registration unless the same key is already there (BLPOP k k 0). */
    static void addKey(final Registration r, final Request req, final int i) {
        for (int k = 0; k < r.keyCount; k++) {
            final int j = r.keyArgs[k];
            if (java.util.Arrays.equals(req.buf(), req.off(i), req.off(i) + req.len(i),
                    req.buf(), req.off(j), req.off(j) + req.len(j))) {
                return;
            }
        }
        r.addKey(i);
    }

    static Request copy(final Request req) {
        final Request r = new Request();
        for (int i = 0; i < req.argc(); i++) {
            r.add(req.buf(), req.off(i), req.len(i));
        }
        return r;
    }
}
