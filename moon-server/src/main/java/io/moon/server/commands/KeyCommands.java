package io.moon.server.commands;

import io.moon.server.pubsub.Notify;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.storage.Db;
import io.moon.storage.Dump;
import io.moon.storage.Strings;
import io.moon.storage.ValueType;

/**
 * Generic key commands on the shard owning the key(s): DEL/UNLINK, EXISTS, TOUCH, TYPE, RENAME,
 * RENAMENX, COPY, MOVE, OBJECT and MEMORY USAGE. When keys span shards, {@link CrossShard} runs
 * the same logic per shard and merges.
 */
public final class KeyCommands {
    private KeyCommands() {
    }

    static final byte[] REPLACE = "REPLACE".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final byte[] DB = {'D', 'B'};
    static final byte[] SAMPLES = "SAMPLES".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** Redis's getIntFromObjectOrReply for an integer outside int's range (MOVE's and COPY's DB). */
    static final byte[] INT_OUT_OF_RANGE = Reply.err(
            "ERR value is out of range, value must between -2147483648 and 2147483647");
    private static final byte[] TYPE_NONE = Reply.ascii("+none\r\n");
    /** TYPE's replies, indexed by {@link ValueType}. */
    private static final byte[][] TYPE_REPLIES = {Reply.ascii("+string\r\n"), Reply.ascii("+list\r\n"),
        Reply.ascii("+hash\r\n"), Reply.ascii("+set\r\n"), Reply.ascii("+zset\r\n"), Reply.ascii("+stream\r\n")};

    // DEL key [key ...] (and UNLINK: memory goes back at once either way)
    public static void del(final Ctx c) {
        final Request r = c.req;
        long n = 0;
        for (int i = 1; i < r.argc(); i++) {
            if (c.db.delete(r.buf(), r.off(i), r.len(i), c.keyHash(i), c.now)) {
                n++;
                Notify.event(c, Notify.GENERIC, "del", i);
            }
        }
        c.out.integer(n);
    }

    // EXISTS key [key ...]
    public static void exists(final Ctx c) {
        long n = 0;
        for (int i = 1; i < c.req.argc(); i++) {
            final long a = c.find(i, c.keyHash(i));
            if (a != 0) {
                n++;
                c.keyspace.stats.keyspaceHits++;
            } else {
                c.keyspace.stats.keyspaceMisses++;
            }
        }
        c.out.integer(n);
    }

    // TOUCH key [key ...]
    public static void touch(final Ctx c) {
        // Redis 7.2: CLIENT NO-TOUCH spares keys' access times, except from TOUCH itself when the
        // client sent it (not queued in MULTI, nor called by a script: the client's command then
        // is EXEC or the script)
        final boolean noTouch = c.noTouch;
        if (!c.inTransaction && !c.inScript) {
            c.noTouch = false;
        }
        try {
            long n = 0;
            for (int i = 1; i < c.req.argc(); i++) {
                if (c.findRead(i, c.keyHash(i)) != 0) {
                    n++;
                }
            }
            c.out.integer(n);
        } finally {
            c.noTouch = noTouch;
        }
    }

    // TYPE key
    public static void type(final Ctx c) {
        final long a = c.findCounted(1, c.keyHash(1), true);
        if (a == 0) {
            c.out.raw(TYPE_NONE);
        } else {
            c.out.raw(typeReply(c.db, a));
        }
    }

    static byte[] typeReply(final Db db, final long a) {
        return TYPE_REPLIES[ValueType.of(db, a)];
    }

    /** The type name SCAN TYPE compares with. */
    static String typeName(final Db db, final long a) {
        return ValueType.name(ValueType.of(db, a));
    }

    // RENAME key newkey (both keys on this shard)
    public static void rename(final Ctx c) {
        renameGeneric(c, false);
    }

    // RENAMENX key newkey
    public static void renamenx(final Ctx c) {
        renameGeneric(c, true);
    }

    private static void renameGeneric(final Ctx c, final boolean nx) {
        final Request r = c.req;
        final long hs = c.keyHash(1);
        final long src = c.find(1, hs);
        if (src == 0) {
            c.out.raw(Errors.NO_SUCH_KEY);
            return;
        }
        if (java.util.Arrays.equals(r.buf(), r.off(1), r.off(1) + r.len(1), r.buf(), r.off(2), r.off(2) + r.len(2))) {
            c.keysUnchanged();
            c.out.raw(nx ? Reply.ZERO : Reply.OK);
            return;
        }
        final long hd = c.keyHash(2);
        final long dst = c.find(2, hd);
        if (dst != 0) {
            if (nx) {
                c.out.integer(0);
                return;
            }
            c.db.unlinkAndFree(dst, hd);
        }
        final Dump d = c.db.dump(src, true);
        c.db.unlinkAndFree(src, hs);
        c.db.restore(r.buf(), r.off(2), r.len(2), hd, d, true);
        c.out.raw(nx ? Reply.ONE : Reply.OK);
        Notify.event(c, Notify.GENERIC, "rename_from", 1);
        Notify.event(c, Notify.GENERIC, "rename_to", 2);
    }

    /** Parsed COPY options: destination db (or -1 after an error reply) and REPLACE. */
    static long copyOptions(final Ctx c) {
        final Request r = c.req;
        int db = c.dbIndex;
        boolean replace = false;
        for (int j = 3; j < r.argc(); j++) {
            if (r.argIs(j, REPLACE)) {
                replace = true;
            } else if (r.argIs(j, DB) && j + 1 < r.argc()) {
                if (!parseDbIndex(c, j + 1)) {
                    return -1;
                }
                db = (int) r.longValue;
                j++;
            } else {
                c.out.raw(Errors.SYNTAX);
                return -1;
            }
        }
        return ((long) db << 1) | (replace ? 1 : 0);
    }

    // COPY source destination [DB destination-db] [REPLACE]
    public static void copy(final Ctx c) {
        final long opts = copyOptions(c);
        if (opts < 0) {
            return;
        }
        final Request r = c.req;
        final int dstDb = (int) (opts >>> 1);
        final boolean replace = (opts & 1) != 0;
        if (dstDb == c.dbIndex && sameKeys(r)) {
            c.out.raw(Errors.SAME_OBJECT);
            return;
        }
        final long src = c.findRead(1, c.keyHash(1));
        if (src == 0) {
            c.out.integer(0);
            return;
        }
        final Db to = c.keyspace.db(dstDb);
        final long hd = c.keyHash(2);
        final long dst = to.find(r.buf(), r.off(2), r.len(2), hd, c.now);
        if (dst != 0) {
            if (!replace) {
                c.out.integer(0);
                return;
            }
            to.unlinkAndFree(dst, hd);
            c.keyspace.commandStarts(); // Redis deletes and adds the key again: a "new" event
        }
        final Dump d = c.db.dump(src);
        Strings.unshare(to, to.restore(r.buf(), r.off(2), r.len(2), hd, d, false));
        c.out.integer(1);
        Notify.event(c.server, c.shard.id, Notify.GENERIC, "copy_to", dstDb, r.buf(), r.off(2), r.len(2));
    }

    static boolean sameKeys(final Request r) {
        return java.util.Arrays.equals(r.buf(), r.off(1), r.off(1) + r.len(1), r.buf(), r.off(2), r.off(2) + r.len(2));
    }

    /**
     * A database index argument as MOVE and COPY read it (getIntFromObjectOrReply, then
     * selectDb): leaves it in {@code c.req.longValue}, or replies the error and returns false.
     */
    static boolean parseDbIndex(final Ctx c, final int arg) {
        final Request r = c.req;
        if (!r.parseLong(arg)) {
            c.out.raw(Errors.NOT_INTEGER);
            return false;
        }
        if (r.longValue < Integer.MIN_VALUE || r.longValue > Integer.MAX_VALUE) {
            c.out.raw(INT_OUT_OF_RANGE);
            return false;
        }
        if (r.longValue < 0 || r.longValue >= c.keyspace.databases()) {
            c.out.raw(Errors.DB_OUT_OF_RANGE);
            return false;
        }
        return true;
    }

    // MOVE key db (the key stays on its shard: only the database changes)
    public static void move(final Ctx c) {
        final Request r = c.req;
        if (!parseDbIndex(c, 2)) {
            return;
        }
        final int dstDb = (int) r.longValue;
        if (dstDb == c.dbIndex) {
            c.out.raw(Errors.SAME_OBJECT);
            return;
        }
        final long h = c.keyHash(1);
        final long src = c.find(1, h);
        if (src == 0) {
            c.out.integer(0);
            return;
        }
        final Db to = c.keyspace.db(dstDb);
        if (to.find(r.buf(), r.off(1), r.len(1), h, c.now) != 0) {
            c.out.integer(0);
            return;
        }
        final Dump d = c.db.dump(src, true);
        c.db.unlinkAndFree(src, h);
        to.restore(r.buf(), r.off(1), r.len(1), h, d, true);
        c.out.integer(1);
        Notify.event(c, Notify.GENERIC, "move_from", 1);
        Notify.event(c.server, c.shard.id, Notify.GENERIC, "move_to", dstDb, r.buf(), r.off(1), r.len(1));
    }

    // ---- OBJECT --------------------------------------------------------------------------------

    private static final byte[] LFU_SELECTED = Reply.err("ERR An LFU maxmemory policy is selected, idle time not tracked."
            + " Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
    private static final byte[] LFU_NOT_SELECTED = Reply.err("ERR An LFU maxmemory policy is not selected, access frequency"
            + " not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some"
            + " time to adjust.");
    /** Redis shares the integers 0..9999 and reports them with INT_MAX references. */
    private static final long SHARED_REFCOUNT = Integer.MAX_VALUE;

    // OBJECT ENCODING key
    public static void objectEncoding(final Ctx c) {
        final long a = c.findCounted(2, c.keyHash(2), false);
        if (a == 0) {
            c.out.nullBulk();
        } else {
            c.out.bulk(ValueType.encoding(c.db, a));
        }
    }

    // OBJECT REFCOUNT key
    public static void objectRefcount(final Ctx c) {
        final long a = c.findCounted(2, c.keyHash(2), false);
        if (a == 0) {
            c.out.nullBulk();
            return;
        }
        c.out.integer(Strings.isSharedInt(c.db, a) ? SHARED_REFCOUNT : 1);
    }

    // OBJECT IDLETIME key
    public static void objectIdletime(final Ctx c) {
        final long a = c.findCounted(2, c.keyHash(2), false);
        if (a == 0) {
            c.out.nullBulk();
        } else if (c.server.config.maxmemoryPolicy.endsWith("lfu")) {
            c.out.raw(LFU_SELECTED);
        } else {
            c.out.integer(c.keyspace.idleMillis(c.db.lru(a)) / 1000);
        }
    }

    // OBJECT FREQ key
    public static void objectFreq(final Ctx c) {
        final long a = c.findCounted(2, c.keyHash(2), false);
        if (a == 0) {
            c.out.nullBulk();
        } else if (!c.server.config.maxmemoryPolicy.endsWith("lfu")) {
            c.out.raw(LFU_NOT_SELECTED);
        } else {
            c.out.integer(c.keyspace.lfuDecayed(c.db.lru(a)));
        }
    }

    // OBJECT HELP
    public static void objectHelp(final Ctx c) {
        Help.reply(c.out, "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "ENCODING <key>",
                "    Reply with how the value of <key> is stored (int, embstr, raw...).",
                "FREQ <key>",
                "    Reply with the logarithmic access counter of <key> (needs an LFU maxmemory-policy).",
                "IDLETIME <key>",
                "    Reply with the seconds since <key> was last read or written (not under LFU).",
                "REFCOUNT <key>",
                "    Reply with how many references the value of <key> has (shared small integers",
                "    report a very large count).");
    }

    // MEMORY USAGE key [SAMPLES count]
    public static void memoryUsage(final Ctx c) {
        final Request r = c.req;
        for (int j = 3; j < r.argc(); j++) {
            if (r.argIs(j, SAMPLES) && j + 1 < r.argc()) {
                if (!r.parseLong(j + 1)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return;
                }
                if (r.longValue < 0) {
                    c.out.raw(Errors.SYNTAX);
                    return;
                }
                j++;
            } else {
                c.out.raw(Errors.SYNTAX);
                return;
            }
        }
        // Redis looks in the table directly: a key past its expiry is still measured, not deleted
        final Request q = c.req;
        final long a = c.db.lookup(q.buf(), q.off(2), q.len(2), c.keyHash(2));
        if (a == 0) {
            c.out.nullBulk();
        } else {
            c.out.integer(c.db.memoryUsage(a));
        }
    }
}
