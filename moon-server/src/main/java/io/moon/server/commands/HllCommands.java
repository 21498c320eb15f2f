package io.moon.server.commands;

import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.pubsub.Notify;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;
import io.moon.storage.Db;
import io.moon.storage.Entry;
import io.moon.storage.HllValue;
import io.moon.storage.HyperLogLog;
import io.moon.storage.Strings;

import static io.moon.protocol.Reply.ascii;
import static io.moon.protocol.Reply.err;

/**
 * The HyperLogLog commands. An HLL is an ordinary string holding Redis's encoding
 * ({@link HyperLogLog}), so GET, SET, DUMP and RESTORE carry it unchanged between Moon and Redis.
 *
 * <p>PFADD changes a dense value in place (a register is 6 bits at a fixed place) and rewrites a
 * sparse one, whose length changes. PFCOUNT of one key stores the count it computed in the
 * value's header as Redis does; being a read-only command that changed a value, it sets
 * {@link Ctx#readOnlyChanged}, so that run is logged (replay recomputes the same header) and
 * touches watchers like Redis's signalModifiedKey. PFCOUNT of keys on several shards merges the
 * registers on each owner and the per-shard maxima on the coordinator, changing no key; PFMERGE
 * across shards goes through the generic gather form.
 */
public final class HllCommands {
    static final byte[] NOT_HLL = err("WRONGTYPE Key is not a valid HyperLogLog string value.");
    static final byte[] CORRUPTED = err("INVALIDOBJ Corrupted HLL object detected");
    private static final byte[] NO_KEY = err("ERR The specified key does not exist");
    private static final byte[] NOT_SPARSE = err("ERR HLL encoding is not sparse");
    private static final byte[] DENSE = ascii("+dense\r\n");
    private static final byte[] SPARSE = ascii("+sparse\r\n");
    private static final byte[] GETREG = ascii("GETREG");
    private static final byte[] DECODE = ascii("DECODE");
    private static final byte[] ENCODING = ascii("ENCODING");
    private static final byte[] TODENSE = ascii("TODENSE");

    /** Why a key cannot be read as an HLL, in the order Redis checks (0: it can). */
    private static final int OK = 0;
    private static final int WRONG_KIND = 1;
    private static final int NOT_AN_HLL = 2;
    private static final int CORRUPT = 3;

    private HllCommands() {
    }

    /** 0 when the live entry is a valid HLL string, else WRONG_KIND or NOT_AN_HLL. */
    private static int check(final Db db, final long a) {
        if (!Strings.isString(db, a)) {
            return WRONG_KIND;
        }
        if (Strings.isInt(db, a) || !HyperLogLog.isValid(db.page(a), db.valueOffset(a), db.valueLength(a))) {
            return NOT_AN_HLL;
        }
        return OK;
    }

    private static void replyProblem(final Ctx c, final int problem) {
        c.out.raw(problemError(problem));
    }

    /** Stores a working value under the key of argument {@code arg} (created, or replacing {@code a}), keeping its TTL. */
    private static void store(final Ctx c, final int arg, final long h, final long a, final HllValue v) {
        final Request r = c.req;
        final long e = Strings.prepare(c.db, r.buf(), r.off(arg), r.len(arg), h, a, Entry.KIND_STR_BYTES, v.length(),
                true, true);
        System.arraycopy(v.bytes(), 0, c.db.page(e), c.db.valueOffset(e), v.length());
    }

    // PFADD key [element [element ...]]
    public static void pfadd(final Ctx c) {
        final Request r = c.req;
        final Db db = c.db;
        final long h = c.keyHash(1);
        final long a = c.find(1, h);
        final long sparseMax = c.server.config.hllSparseMaxBytes;
        int updated = 0;
        if (a != 0) {
            final int problem = check(db, a);
            if (problem != OK) {
                replyProblem(c, problem);
                return;
            }
            Strings.markRaw(db, a);
            final byte[] p = db.page(a);
            final int off = db.valueOffset(a);
            if (HyperLogLog.encoding(p, off) == HyperLogLog.DENSE) {
                // registers have fixed places: change them where they are
                for (int i = 2; i < r.argc(); i++) {
                    if (HyperLogLog.denseAdd(p, off, r.buf(), r.off(i), r.len(i))) {
                        updated++;
                    }
                }
                if (updated > 0) {
                    HyperLogLog.invalidateCache(p, off);
                    db.touch(a);
                }
                added(c, updated);
                return;
            }
        }
        final HllValue v = a == 0 ? HllValue.empty() : HllValue.copyOf(db.page(a), db.valueOffset(a), db.valueLength(a));
        if (a == 0) {
            updated++;
        }
        for (int i = 2; i < r.argc(); i++) {
            final int res = v.add(r.buf(), r.off(i), r.len(i), sparseMax);
            if (res < 0) {
                // what the earlier elements changed stays, as in Redis
                if (updated > 0) {
                    store(c, 1, h, a, v);
                }
                c.out.raw(CORRUPTED);
                return;
            }
            updated += res;
        }
        if (updated > 0) {
            v.invalidateCache();
            store(c, 1, h, a, v);
        }
        added(c, updated);
    }

    private static void added(final Ctx c, final int updated) {
        if (updated > 0) {
            Notify.event(c, Notify.STRING, "pfadd", 1);
        }
        c.out.integer(updated > 0 ? 1 : 0);
    }

    // PFCOUNT key [key ...]
    public static void pfcount(final Ctx c) {
        final Request r = c.req;
        if (r.argc() > 2) {
            final byte[] max = new byte[HyperLogLog.REGISTERS];
            for (int i = 1; i < r.argc(); i++) {
                final int problem = mergeKey(c, i, max);
                if (problem != OK) {
                    replyProblem(c, problem);
                    return;
                }
            }
            c.out.integer(HyperLogLog.countRegisters(max));
            return;
        }
        final Db db = c.db;
        final long h = c.keyHash(1);
        final long a = c.findRead(1, h);
        if (a == 0) {
            c.out.integer(0);
            return;
        }
        final int problem = check(db, a);
        if (problem != OK) {
            replyProblem(c, problem);
            return;
        }
        Strings.markRaw(db, a);
        final byte[] p = db.page(a);
        final int off = db.valueOffset(a);
        if (HyperLogLog.cacheValid(p, off)) {
            c.out.integer(HyperLogLog.cachedCount(p, off));
            return;
        }
        final long count = HyperLogLog.count(p, off, db.valueLength(a));
        if (count < 0) {
            c.out.raw(CORRUPTED);
            return;
        }
        db.beforeWrite(h); // a snapshot in progress keeps the value as it was
        HyperLogLog.storeCount(p, off, count);
        c.readOnlyChanged = true;
        if (c.keyspace == c.shard.keyspace && !c.shard.watches.isEmpty()) {
            c.shard.watches.touch(c.dbIndex, r.buf(), r.off(1), r.len(1));
        }
        if (c.keyspace == c.shard.keyspace && c.shard.tracking.active()) {
            c.shard.tracking.modified(r.buf(), r.off(1), r.len(1), c.trackFor);
        }
        c.out.integer(count);
    }

    /** Raises max to the registers of the key in argument i (a missing key has none): OK or the problem. */
    private static int mergeKey(final Ctx c, final int i, final byte[] max) {
        final Db db = c.db;
        final long a = c.findRead(i, c.keyHash(i));
        if (a == 0) {
            return OK;
        }
        final int problem = check(db, a);
        if (problem != OK) {
            return problem;
        }
        return HyperLogLog.mergeInto(max, db.page(a), db.valueOffset(a), db.valueLength(a)) ? OK : CORRUPT;
    }

    /**
     * PFCOUNT of keys on several shards: each owner merges its keys' registers and notes its first
     * bad key; the coordinator reports the bad key that comes first in the arguments, as Redis's
     * loop would, or counts the union of the owners' maxima. No key changes.
     */
    public static Coordinated pfcountAcross(final Ctx c) {
        final Coordinated op = new Coordinated(c) {
            {
                for (int i = 1; i < c.req.argc(); i++) {
                    keyPart(i, c.dbIndex, false).addArg(i);
                }
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                final byte[] max = new byte[HyperLogLog.REGISTERS];
                p.data = max;
                p.n = 0;
                for (int k = 0; k < p.argCount; k++) {
                    final int problem = mergeKey(x, p.args[k], max);
                    if (problem != OK) {
                        p.n = (long) p.args[k] << 8 | problem;
                        return;
                    }
                }
            }

            @Override
            protected void onAllLocked() {
                releaseAll();
                long firstBad = Long.MAX_VALUE;
                final byte[] max = new byte[HyperLogLog.REGISTERS];
                for (int k = 0; k < partCount(); k++) {
                    final Part p = partAt(k);
                    if (p.n != 0) {
                        firstBad = Math.min(firstBad, p.n);
                    }
                    final byte[] m = (byte[]) p.data;
                    for (int i = 0; i < max.length; i++) {
                        if (m[i] > max[i]) {
                            max[i] = m[i];
                        }
                    }
                }
                if (firstBad != Long.MAX_VALUE) {
                    reply.raw(problemError((int) (firstBad & 0xff)));
                } else {
                    reply.integer(HyperLogLog.countRegisters(max));
                }
                finish();
            }
        };
        op.start();
        return op;
    }

    private static byte[] problemError(final int problem) {
        return problem == WRONG_KIND ? Errors.WRONGTYPE : problem == NOT_AN_HLL ? NOT_HLL : CORRUPTED;
    }

    // PFMERGE destkey [sourcekey [sourcekey ...]]
    public static void pfmerge(final Ctx c) {
        final Request r = c.req;
        final Db db = c.db;
        final byte[] max = new byte[HyperLogLog.REGISTERS];
        boolean dense = false;
        // the destination is a source too
        for (int i = 1; i < r.argc(); i++) {
            final long a = c.findRead(i, c.keyHash(i));
            if (a == 0) {
                continue;
            }
            final int problem = check(db, a);
            if (problem != OK) {
                replyProblem(c, problem);
                return;
            }
            final byte[] p = db.page(a);
            final int off = db.valueOffset(a);
            dense |= HyperLogLog.encoding(p, off) == HyperLogLog.DENSE;
            if (!HyperLogLog.mergeInto(max, p, off, db.valueLength(a))) {
                c.out.raw(CORRUPTED);
                return;
            }
        }
        final long h = c.keyHash(1);
        final long a = c.find(1, h);
        final HllValue v = a == 0 ? HllValue.empty() : HllValue.copyOf(db.page(a), db.valueOffset(a), db.valueLength(a));
        if (dense && !v.toDense()) {
            c.out.raw(CORRUPTED);
            return;
        }
        final long sparseMax = c.server.config.hllSparseMaxBytes;
        for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
            if (max[i] != 0) {
                v.set(i, max[i], sparseMax);
            }
        }
        v.invalidateCache();
        store(c, 1, h, a, v);
        // Redis reports a merge as a mass add
        Notify.event(c, Notify.STRING, "pfadd", 1);
        c.out.ok();
    }

    // PFDEBUG GETREG|DECODE|ENCODING|TODENSE key
    public static void pfdebug(final Ctx c) {
        final Request r = c.req;
        final Db db = c.db;
        final long h = c.keyHash(2);
        final long a = c.find(2, h);
        if (a == 0) {
            c.out.raw(NO_KEY);
            return;
        }
        final int problem = check(db, a);
        if (problem != OK) {
            replyProblem(c, problem);
            return;
        }
        Strings.markRaw(db, a);
        final byte[] p = db.page(a);
        final int off = db.valueOffset(a);
        final int len = db.valueLength(a);
        final boolean sparse = HyperLogLog.encoding(p, off) == HyperLogLog.SPARSE;
        if (r.argIs(1, GETREG)) {
            if (sparse) {
                final HllValue v = HllValue.copyOf(p, off, len);
                if (!v.toDense()) {
                    c.out.raw(CORRUPTED);
                    return;
                }
                store(c, 2, h, a, v);
                getreg(c, v.bytes(), 0);
            } else {
                getreg(c, p, off);
            }
        } else if (r.argIs(1, DECODE)) {
            if (!sparse) {
                c.out.raw(NOT_SPARSE);
                return;
            }
            c.out.bulk(HyperLogLog.decode(p, off, len));
        } else if (r.argIs(1, ENCODING)) {
            c.out.raw(sparse ? SPARSE : DENSE);
        } else if (r.argIs(1, TODENSE)) {
            if (!sparse) {
                c.out.integer(0);
                return;
            }
            final HllValue v = HllValue.copyOf(p, off, len);
            if (!v.toDense()) {
                c.out.raw(CORRUPTED);
                return;
            }
            store(c, 2, h, a, v);
            c.out.integer(1);
        } else {
            c.out.error("ERR Unknown PFDEBUG subcommand '" + r.argString(1) + "'");
        }
    }

    private static void getreg(final Ctx c, final byte[] p, final int off) {
        c.out.arrayHeader(HyperLogLog.REGISTERS);
        for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
            c.out.integer(HyperLogLog.getRegister(p, off + HyperLogLog.HEADER_BYTES, i));
        }
    }

    // PFSELFTEST
    public static void pfselftest(final Ctx c) {
        final String failed = HllSelfTest.run(c.server.config.hllSparseMaxBytes);
        if (failed == null) {
            c.out.ok();
        } else {
            c.out.error(failed);
        }
    }
}
