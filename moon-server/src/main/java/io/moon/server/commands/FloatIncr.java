package io.moon.server.commands;

import io.moon.protocol.LongDouble;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.storage.Db;
import io.moon.storage.Strings;

/**
 * INCRBYFLOAT with Redis's arithmetic: x86-64 {@code long double} (80-bit extended precision),
 * printed as "%.17Lf" with trailing zeros removed, so results match Redis digit for digit (a
 * Java double would print 10.5 + 0.1 as 10.59999999999999964). Cold path: allocates.
 */
final class FloatIncr {
    private FloatIncr() {
    }

    // INCRBYFLOAT key increment
    static void incrbyfloat(final Ctx c) {
        final Request r = c.req;
        final Db db = c.db;
        final long h = c.keyHash(1);
        final long a = c.find(1, h);
        final LongDouble.IncrResult res;
        if (a == 0) {
            res = LongDouble.incrBy(null, 0, 0, r.buf(), r.off(2), r.len(2));
        } else if (!Strings.isString(db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        } else if (Strings.isInt(db, a)) {
            res = LongDouble.incrBy(db.intValue(a), r.buf(), r.off(2), r.len(2));
        } else {
            res = LongDouble.incrBy(db.page(a), db.valueOffset(a), db.valueLength(a), r.buf(), r.off(2), r.len(2));
        }
        switch (res.status()) {
            case OK -> {
                final byte[] v = res.value();
                // Stored as the printed text (embstr/raw, never int), keeping the TTL, as Redis does.
                final long e = Strings.prepare(db, r.buf(), r.off(1), r.len(1), h, a,
                        io.moon.storage.Entry.KIND_STR_BYTES, v.length, true, false);
                System.arraycopy(v, 0, db.page(e), db.valueOffset(e), v.length);
                c.out.bulk(v);
                io.moon.server.pubsub.Notify.event(c, io.moon.server.pubsub.Notify.STRING, "incrbyfloat", 1);
            }
            case NAN_OR_INFINITY -> c.out.raw(Errors.NAN_OR_INFINITY);
            default -> c.out.raw(Errors.NOT_FLOAT);
        }
    }
}
