package io.moon.server.commands;

import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;
import io.moon.storage.Db;
import io.moon.storage.Glob;
import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * Commands over a whole database, which every shard holds a slice of: KEYS, SCAN, RANDOMKEY,
 * DBSIZE, FLUSHDB, FLUSHALL, SWAPDB. They fan out to the shards and merge. Those that must see
 * or change the database atomically take a database-wide lock on every shard (shared for
 * reading, exclusive for FLUSH and SWAPDB), through the same cross-shard mechanism as MSET.
 *
 * <p>SCAN visits one shard per call: the cursor's remainder modulo the shard count names the
 * shard, the quotient is that shard's table cursor. Each shard keeps Redis's guarantee for its
 * slice, and the shards are walked in order, so the guarantee holds for the whole database.
 */
public final class KeyspaceCommands {
    private KeyspaceCommands() {
    }

    private static final byte[] MATCH = "MATCH".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] COUNT = "COUNT".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] TYPE = "TYPE".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] ASYNC = "ASYNC".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] SYNC = "SYNC".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    // KEYS pattern
    public static Coordinated keys(final Ctx c) {
        final Coordinated op = new Coordinated(c) {
            {
                allShards(c.dbIndex, false);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                final Request r = x.req;
                final byte[] pat = r.buf();
                final int po = r.off(1);
                final int pl = r.len(1);
                final boolean all = Glob.isMatchAll(pat, po, pl);
                final Db db = x.db;
                final long now = x.now;
                final long[] n = {0};
                db.forEach(a -> {
                    if (db.isExpired(a, now)) {
                        return;
                    }
                    final byte[] page = db.page(a);
                    final int ko = db.keyOffset(a);
                    final int kl = db.keyLength(a);
                    if (all || Glob.matches(pat, po, pl, page, ko, kl, false)) {
                        p.out.bulk(page, ko, kl);
                        n[0]++;
                    }
                });
                p.n = n[0];
            }

            @Override
            protected void onAllLocked() {
                releaseAll();
                long total = 0;
                for (int k = 0; k < partCount(); k++) {
                    total += partAt(k).n;
                }
                reply.arrayHeader(total);
                for (int k = 0; k < partCount(); k++) {
                    final ByteBuf b = partAt(k).buf;
                    replyBuf.writeBytes(b, b.readerIndex(), b.readableBytes());
                }
                finish();
            }
        };
        op.start();
        return op;
    }

    // ---- SCAN ----------------------------------------------------------------------------------

    /**
     * How many table steps a SCAN-family call may take to find {@code count} elements: ten per
     * element, as Redis, and no bound when that overflows (Redis's counter wraps and never
     * reaches zero).
     */
    static long scanBound(final long count) {
        return count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : count * 10;
    }

    /**
     * Redis's parseScanCursorOrReply: strtoul over the whole argument (so "" is 0 and "-1" wraps
     * to 2^64-1), no leading space, no overflow. Returns false when the cursor is invalid.
     */
    static boolean parseCursor(final Request r, final int i, final long[] out) {
        final byte[] b = r.buf();
        int p = r.off(i);
        final int end = p + r.len(i);
        if (p < end && isSpace(b[p])) {
            return false;
        }
        boolean neg = false;
        if (p < end && (b[p] == '+' || b[p] == '-')) {
            neg = b[p] == '-';
            p++;
        }
        final int digitsStart = p;
        long v = 0;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            final int d = b[p] - '0';
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
                return false; // ERANGE
            }
            v = v * 10 + d;
            p++;
        }
        if (p != end) {
            return false;
        }
        if (p == digitsStart) {
            v = 0; // strtoul consumed nothing: eptr is the start, which Redis accepts only when empty
            if (r.len(i) != 0) {
                return false;
            }
        }
        out[0] = neg ? -v : v;
        return true;
    }

    private static boolean isSpace(final byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }

    /** Router: the shard a SCAN cursor names, or -1 for an invalid cursor. */
    public static int scanShard(final Request r, final int shards) {
        final long[] cur = new long[1];
        if (!parseCursor(r, 1, cur)) {
            return -1;
        }
        return (int) Long.remainderUnsigned(cur[0], shards);
    }

    // SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
    public static void scan(final Ctx c) {
        final Request r = c.req;
        final long[] cur = new long[1];
        if (!parseCursor(r, 1, cur)) {
            c.out.raw(Errors.INVALID_CURSOR);
            return;
        }
        long count = 10;
        int patArg = -1;
        int typeArg = -1;
        for (int i = 2; i < r.argc(); ) {
            final int left = r.argc() - i;
            if (r.argIs(i, COUNT) && left >= 2) {
                if (!r.parseLong(i + 1)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return;
                }
                count = r.longValue;
                if (count < 1) {
                    c.out.raw(Errors.SYNTAX);
                    return;
                }
                i += 2;
            } else if (r.argIs(i, MATCH) && left >= 2) {
                patArg = i + 1;
                i += 2;
            } else if (r.argIs(i, TYPE) && left >= 2) {
                typeArg = i + 1;
                i += 2;
            } else {
                c.out.raw(Errors.SYNTAX);
                return;
            }
        }
        final int shards = c.server.shardCount();
        final int shard = c.shard.id;
        long tableCursor = Long.divideUnsigned(cur[0], shards);
        final Db db = c.db;
        final long[] found = new long[(int) Math.min(Math.max(count, 16), 4096)];
        final int[] n = {0};
        final long[][] holder = {found};
        long maxIterations = scanBound(count);
        do {
            tableCursor = db.scan(tableCursor, a -> {
                if (n[0] == holder[0].length) {
                    holder[0] = Arrays.copyOf(holder[0], n[0] * 2);
                }
                holder[0][n[0]++] = a;
            });
        } while (tableCursor != 0 && maxIterations-- > 0 && n[0] < count);
        final boolean usePattern = patArg >= 0 && !Glob.isMatchAll(r.buf(), r.off(patArg), r.len(patArg));
        final String type = typeArg >= 0 ? r.argString(typeArg) : null;
        // filter: pattern, type, and expiry (expired keys are deleted here, as Redis does)
        final byte[][] keys = new byte[n[0]][];
        int kept = 0;
        for (int k = 0; k < n[0]; k++) {
            keys[k] = db.keyBytes(holder[0][k]);
        }
        for (int k = 0; k < n[0]; k++) {
            final byte[] key = keys[k];
            if (usePattern && !Glob.matches(r.buf(), r.off(patArg), r.len(patArg), key, 0, key.length, false)) {
                continue;
            }
            final long a = db.find(key, 0, key.length, Db.hash(key, 0, key.length), c.now);
            if (type != null) { // Redis looks each key up to check its type: a keyspace hit or miss
                if (a == 0) {
                    c.keyspace.stats.keyspaceMisses++;
                } else {
                    c.keyspace.stats.keyspaceHits++;
                }
            }
            if (a == 0) {
                continue;
            }
            if (type != null && !type.equalsIgnoreCase(KeyCommands.typeName(db, a))) {
                continue;
            }
            keys[kept++] = key;
        }
        final long next;
        if (tableCursor != 0) {
            next = tableCursor * shards + shard;
        } else {
            next = shard + 1 < shards ? shard + 1 : 0;
        }
        c.out.arrayHeader(2);
        c.out.bulk(Long.toUnsignedString(next));
        c.out.arrayHeader(kept);
        for (int k = 0; k < kept; k++) {
            c.out.bulk(keys[k]);
        }
    }

    // ---- RANDOMKEY, DBSIZE ---------------------------------------------------------------------

    // RANDOMKEY
    public static Coordinated randomkey(final Ctx c) {
        final Coordinated op = new Coordinated(c) {
            {
                allShards(-1, false);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                final Db db = x.db;
                // Like Redis's dbRandomKey: expired keys met on the way are deleted and skipped.
                for (int tries = 0; tries < 100 && db.size() > 0; tries++) {
                    final long a = db.randomEntry(x.keyspace.random());
                    if (db.isExpired(a, x.now)) {
                        final byte[] k = db.keyBytes(a);
                        db.delete(k, 0, k.length, Db.hash(k, 0, k.length), x.now);
                        continue;
                    }
                    p.data = db.keyBytes(a);
                    break;
                }
                p.n = db.size();
            }

            @Override
            protected void onAllLocked() {
                long total = 0;
                for (int k = 0; k < partCount(); k++) {
                    if (partAt(k).data != null) {
                        total += partAt(k).n;
                    }
                }
                if (total == 0) {
                    reply.nullBulk();
                    finish();
                    return;
                }
                long pick = home.keyspace.random().nextLong(total);
                for (int k = 0; k < partCount(); k++) {
                    final Part p = partAt(k);
                    if (p.data == null) {
                        continue;
                    }
                    if (pick < p.n) {
                        reply.bulk((byte[]) p.data);
                        break;
                    }
                    pick -= p.n;
                }
                finish();
            }
        };
        op.start(true);
        return op;
    }

    // DBSIZE
    public static Coordinated dbsize(final Ctx c) {
        final Coordinated op = new Coordinated(c) {
            {
                allShards(c.dbIndex, false);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                p.n = x.db.size();
            }

            @Override
            protected void onAllLocked() {
                releaseAll();
                long total = 0;
                for (int k = 0; k < partCount(); k++) {
                    total += partAt(k).n;
                }
                reply.integer(total);
                finish();
            }
        };
        op.start();
        return op;
    }

    // ---- FLUSHDB, FLUSHALL, SWAPDB -------------------------------------------------------------

    /** Parses FLUSHDB/FLUSHALL's optional ASYNC|SYNC; replies syntax error and returns false otherwise. */
    private static boolean flushArgsOk(final Ctx c) {
        final Request r = c.req;
        if (r.argc() == 1) {
            return true;
        }
        if (r.argc() == 2 && (r.argIs(1, ASYNC) || r.argIs(1, SYNC))) {
            return true;
        }
        c.out.raw(Errors.SYNTAX);
        return false;
    }

    // FLUSHDB [ASYNC | SYNC]
    public static Coordinated flushdb(final Ctx c) {
        if (!flushArgsOk(c)) {
            return null;
        }
        final Coordinated op = new Coordinated(c) {
            {
                allShards(c.dbIndex, true);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                x.db.clear();
                x.shard.tracking.clear();
                x.shard.blocked.flushed(c.dbIndex);
            }

            @Override
            protected void onAllLocked() {
                c.server.tracking.flushed();
                reply.ok();
                finish();
            }
        };
        op.start();
        return op;
    }

    // FLUSHALL [ASYNC | SYNC]
    public static Coordinated flushall(final Ctx c) {
        if (!flushArgsOk(c)) {
            return null;
        }
        final int dbs = c.keyspace.databases();
        final Coordinated op = new Coordinated(c) {
            {
                allDatabases(true);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                for (int d = 0; d < dbs; d++) {
                    x.keyspace.db(d).clear();
                }
                x.shard.tracking.clear();
                x.shard.blocked.flushed(-1);
            }

            @Override
            protected void onAllLocked() {
                c.server.tracking.flushed();
                reply.ok();
                finish();
            }
        };
        op.start();
        return op;
    }

    // SWAPDB index1 index2
    public static Coordinated swapdb(final Ctx c) {
        final Request r = c.req;
        if (!r.parseLong(1) || r.longValue < Integer.MIN_VALUE || r.longValue > Integer.MAX_VALUE) {
            c.out.error("ERR invalid first DB index");
            return null;
        }
        final long a = r.longValue;
        if (!r.parseLong(2) || r.longValue < Integer.MIN_VALUE || r.longValue > Integer.MAX_VALUE) {
            c.out.error("ERR invalid second DB index");
            return null;
        }
        final long b = r.longValue;
        final int dbs = c.keyspace.databases();
        if (a < 0 || a >= dbs || b < 0 || b >= dbs) {
            c.out.raw(Errors.DB_OUT_OF_RANGE);
            return null;
        }
        final Coordinated op = new Coordinated(c) {
            {
                for (int s = 0; s < c.server.shardCount(); s++) {
                    final Part p = part(s);
                    p.lockDb((int) a, true);
                    p.lockDb((int) b, true);
                }
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                if (a != b) {
                    x.keyspace.swap((int) a, (int) b);
                }
            }

            @Override
            protected void onAllLocked() {
                reply.ok();
                finish();
            }
        };
        op.start();
        return op;
    }
}
