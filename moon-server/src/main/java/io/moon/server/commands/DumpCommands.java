package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.config.Config;
import io.moon.storage.Db;
import io.moon.storage.HashValues;
import io.moon.storage.SetLimits;
import io.moon.storage.rdb.RdbException;
import io.moon.storage.rdb.RdbInsert;
import io.moon.storage.rdb.RdbLimits;
import io.moon.storage.rdb.RdbObject;
import io.moon.storage.rdb.RdbValue;

import java.nio.charset.StandardCharsets;

/**
 * DUMP and RESTORE with Redis's payload (RDB value, RDB version, CRC-64): a DUMP from Redis 7.0
 * to 7.2 restores here, and Moon's (RDB version 10) restores into Redis 7.0 and later. The value
 * gets the encoding Moon's current thresholds choose. Cold path: allocates.
 */
public final class DumpCommands {
    private static final byte[] REPLACE = "REPLACE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ABSTTL = "ABSTTL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IDLETIME = "IDLETIME".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FREQ = "FREQ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BUSYKEY = Reply.err("BUSYKEY Target key name already exists.");
    private static final byte[] BAD_TTL = Reply.err("ERR Invalid TTL value, must be >= 0");
    private static final byte[] BAD_IDLE = Reply.err("ERR Invalid IDLETIME value, must be >= 0");
    private static final byte[] BAD_FREQ = Reply.err("ERR Invalid FREQ value, must be >= 0 and <= 255");
    private static final byte[] BAD_PAYLOAD = Reply.err("ERR DUMP payload version or checksum are wrong");
    private static final byte[] BAD_DATA = Reply.err("ERR Bad data format");

    private DumpCommands() {
    }

    // DUMP key
    public static void dump(final Ctx c) {
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.nullBulk();
            return;
        }
        c.out.bulk(RdbValue.dump(c.db, a));
    }

    /** The encoding thresholds in force, for values RESTORE and the RDB loader build. */
    public static RdbLimits limits(final Config cfg) {
        return new RdbLimits(new HashValues.Limits(cfg.hashMaxListpackEntries, cfg.hashMaxListpackValue),
                new SetLimits(cfg.setMaxIntsetEntries, cfg.setMaxListpackEntries, cfg.setMaxListpackValue),
                cfg.zsetMaxListpackEntries, cfg.zsetMaxListpackValue, cfg.listMaxListpackSize);
    }

    // RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
    public static void restore(final Ctx c) {
        final Request r = c.req;
        boolean replace = false;
        boolean absttl = false;
        long idle = -1;
        long freq = -1;
        for (int j = 4; j < r.argc(); j++) {
            final boolean more = j + 1 < r.argc();
            if (r.argIs(j, REPLACE)) {
                replace = true;
            } else if (r.argIs(j, ABSTTL)) {
                absttl = true;
            } else if (r.argIs(j, IDLETIME) && more && freq == -1) {
                if (!r.parseLong(++j)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return;
                }
                idle = r.longValue;
                if (idle < 0) {
                    c.out.raw(BAD_IDLE);
                    return;
                }
            } else if (r.argIs(j, FREQ) && more && idle == -1) {
                if (!r.parseLong(++j)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return;
                }
                freq = r.longValue;
                if (freq < 0 || freq > 255) {
                    c.out.raw(BAD_FREQ);
                    return;
                }
            } else {
                c.out.raw(Errors.SYNTAX);
                return;
            }
        }
        final long h = c.keyHash(1);
        final long existing = c.find(1, h);
        if (!replace && existing != 0) {
            c.out.raw(BUSYKEY);
            return;
        }
        if (!r.parseLong(2)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        long ttl = r.longValue;
        if (ttl < 0) {
            c.out.raw(BAD_TTL);
            return;
        }
        final byte[] payload = java.util.Arrays.copyOfRange(r.buf(), r.off(3), r.off(3) + r.len(3));
        if (!RdbValue.verify(payload)) {
            c.out.raw(BAD_PAYLOAD);
            return;
        }
        RdbObject v;
        try {
            v = RdbValue.parse(payload);
            if (v.type() != io.moon.storage.ValueType.STRING && v.type() != io.moon.storage.ValueType.STREAM && v.n() == 0) {
                c.out.raw(BAD_DATA);
                return;
            }
        } catch (final RdbException e) {
            c.out.raw(BAD_DATA);
            return;
        }
        final Db db = c.db;
        if (existing != 0) {
            db.unlinkAndFree(existing, h);
            c.keyspace.commandStarts(); // Redis deletes and adds the key again: a "new" event
        }
        if (ttl != 0 && !absttl) {
            // Redis's arithmetic: a relative TTL so large that the sum overflows wraps into the
            // past, and the key counts as already expired (OK, nothing created)
            ttl += c.now;
        }
        // hash fields whose TTL passed are dropped, as a primary loading a file does; a hash with
        // none left is restored as an already expired key is: not at all
        v = v.withoutExpiredFields(c.now);
        if (ttl != 0 && ttl <= c.now || v == null) {
            // already expired: the key is gone (deleted if it was replaced), nothing is added
            c.out.ok();
            if (existing != 0) {
                io.moon.server.pubsub.Notify.event(c, io.moon.server.pubsub.Notify.GENERIC, "del", 1);
            }
            return;
        }
        final byte[] key = java.util.Arrays.copyOfRange(r.buf(), r.off(1), r.off(1) + r.len(1));
        try {
            RdbInsert.insert(db, key, v, ttl > 0 ? ttl : -1, limits(c.server.config));
        } catch (final RdbException e) {
            c.out.raw(BAD_DATA);
            return;
        }
        c.out.ok();
        io.moon.server.pubsub.Notify.event(c, io.moon.server.pubsub.Notify.GENERIC, "restore", 1);
    }
}
