package io.moon.storage;

import io.moon.testkit.Props;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two encodings answer every operation identically (but for the sign of a zero score: a
 * listpack stores -0 as the integer 0, as Redis's does, while a skiplist keeps -0): the same random operations run on a
 * key kept as a listpack and on a key kept as a skiplist, and every answer and the final
 * contents must agree; conversions in either direction keep every member and score; and the
 * listpack blob is byte for byte what Redis 7.0 writes for the same commands (its DUMP).
 */
class ZsetsTest {
    private static final long BIG = 1L << 40;
    /** RDB_TYPE_ZSET_LISTPACK. */
    private static final int RDB_ZSET_LISTPACK = 17;

    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] member(final SplittableRandom r) {
        return switch (r.nextInt(4)) {
            case 0 -> b(Long.toString(r.nextInt(-300, 300)));
            case 1 -> b(Long.toString(Props.interestingLong(r)));
            default -> Props.bytesOver(r, "abc", 3);
        };
    }

    private static double score(final SplittableRandom r) {
        return switch (r.nextInt(8)) {
            case 0 -> Double.POSITIVE_INFINITY;
            case 1 -> Double.NEGATIVE_INFINITY;
            case 2 -> r.nextDouble() * 100 - 50;
            case 3 -> -0.0;
            case 4 -> (double) Props.interestingLong(r);
            case 5 -> r.nextDouble() * 1e300;
            default -> r.nextInt(-3, 4);
        };
    }

    /** One key in its own database, of a fixed encoding. */
    private static final class Key {
        final Db db;
        final byte[] k = b("z");
        final long h = Db.hash(k, 0, 1);
        final boolean packed;
        final ZsetScratch s = ZsetScratch.get();

        Key(final boolean packed) {
            this.db = new Keyspace(1, 1).db(0);
            this.packed = packed;
        }

        long addr() {
            return db.lookup(k, 0, 1, h);
        }

        long maxEntries() {
            return packed ? BIG : 0;
        }

        String add(final byte[] m, final double sc, final int flags) {
            long a = addr();
            if (a == 0) {
                if ((flags & Zsets.XX) != 0) {
                    return "nokey";
                }
                a = Zsets.create(db, k, 0, 1, h, 1, m.length, maxEntries(), BIG);
            }
            final int out = Zsets.add(db, a, h, m, 0, m.length, sc, flags, maxEntries(), BIG, s);
            final String res = out + "/" + (out == Zsets.NOP || out == Zsets.NAN ? "" : s.score + 0.0);
            if (Zsets.card(db, s.addr) == 0) {
                db.unlinkAndFree(s.addr, h);
            }
            return res;
        }

        /** Members and scores in order, as text. */
        List<String> dump() {
            final List<String> out = new ArrayList<>();
            final long a = addr();
            if (a == 0) {
                return out;
            }
            assertEquals(packed ? Entry.KIND_ZSET_LP : Entry.KIND_ZSET_SL, db.kind(a));
            final ZCursor c = new ZCursor();
            Zsets.seekRank(db, a, 0, false, c);
            for (; c.valid(); c.next()) {
                out.add(new String(c.buf(), c.off(), c.len(), StandardCharsets.ISO_8859_1) + "=" + (c.score() + 0.0));
            }
            assertEquals(Zsets.card(db, a), out.size());
            return out;
        }

        List<String> walk(final int kind, final boolean reverse, final ScoreRange sr, final LexRange lr,
                          final long start) {
            final List<String> out = new ArrayList<>();
            final long a = addr();
            if (a == 0) {
                return out;
            }
            final ZCursor c = new ZCursor();
            if (kind == 0) {
                if (start >= Zsets.card(db, a)) {
                    return out;
                }
                Zsets.seekRank(db, a, start, reverse, c);
            } else if (kind == 1) {
                Zsets.seek(db, a, sr, reverse, c);
            } else {
                Zsets.seek(db, a, lr, reverse, c);
            }
            for (int i = 0; c.valid() && i < 5; c.next(), i++) {
                out.add(new String(c.buf(), c.off(), c.len(), StandardCharsets.ISO_8859_1) + "=" + (c.score() + 0.0));
            }
            return out;
        }
    }

    @Test
    void shouldAnswerTheSameInBothEncodings() {
        Props.forAll("listpack vs skiplist", 400, r -> r.nextLong(), seed -> {
            final SplittableRandom r = new SplittableRandom(seed);
            final Key lp = new Key(true);
            final Key sl = new Key(false);
            final List<byte[]> members = Props.listOf(r, 1, 12, ZsetsTest::member);
            // lex ranges are defined only when every score is the same (as in Redis)
            final boolean lexMode = r.nextInt(3) == 0;
            for (int op = 0; op < 60; op++) {
                final byte[] m = Props.choose(r, members);
                final int kind = r.nextInt(9);
                final String what = "op " + op + " kind " + kind + " " + lp.dump();
                switch (kind) {
                    case 0, 1, 2 -> {
                        final int flags = Props.choose(r, 0, 0, Zsets.NX, Zsets.XX, Zsets.GT, Zsets.LT,
                                Zsets.INCR, Zsets.XX | Zsets.GT, Zsets.INCR | Zsets.LT);
                        final double sc = lexMode ? 0 : score(r);
                        assertEquals(lp.add(m, sc, flags), sl.add(m, sc, flags), what);
                    }
                    case 3 -> {
                        final long a1 = lp.addr();
                        final long a2 = sl.addr();
                        if (a1 != 0) {
                            assertEquals(Zsets.remove(lp.db, a1, lp.h, m, 0, m.length, lp.s),
                                    Zsets.remove(sl.db, a2, sl.h, m, 0, m.length, sl.s), what);
                        }
                    }
                    case 4 -> {
                        final long a1 = lp.addr();
                        final long a2 = sl.addr();
                        if (a1 != 0) {
                            assertEquals(Zsets.score(lp.db, a1, m, 0, m.length) + 0.0,
                                    Zsets.score(sl.db, a2, m, 0, m.length) + 0.0);
                            final boolean rev = r.nextBoolean();
                            final long r1 = Zsets.rank(lp.db, a1, m, 0, m.length, rev, lp.s);
                            final long r2 = Zsets.rank(sl.db, a2, m, 0, m.length, rev, sl.s);
                            assertEquals(r1, r2, what);
                            if (r1 >= 0) {
                                assertEquals(lp.s.score + 0.0, sl.s.score + 0.0);
                            }
                        }
                    }
                    case 5 -> {
                        final ScoreRange sr = new ScoreRange().set(score(r), r.nextBoolean(), score(r), r.nextBoolean());
                        final LexRange lr = lexRange(r);
                        final int walk = r.nextInt(lexMode ? 3 : 2);
                        final boolean rev = r.nextBoolean();
                        final long start = r.nextInt(6);
                        assertEquals(lp.walk(walk, rev, sr, lr, start), sl.walk(walk, rev, sr, lr, start), what);
                        final long a1 = lp.addr();
                        if (a1 != 0) {
                            assertEquals(Zsets.count(lp.db, a1, sr), Zsets.count(sl.db, sl.addr(), sr), what);
                            if (lexMode) {
                                assertEquals(Zsets.count(lp.db, a1, lr), Zsets.count(sl.db, sl.addr(), lr), what);
                            }
                        }
                    }
                    case 6 -> {
                        final long a1 = lp.addr();
                        if (a1 != 0) {
                            final int which = lexMode ? r.nextInt(4) : Props.choose(r, 0, 2, 3);
                            final ScoreRange sr = new ScoreRange().set(score(r), r.nextBoolean(), score(r), r.nextBoolean());
                            final LexRange lr = lexRange(r);
                            final long n = Zsets.card(lp.db, a1);
                            final long start = r.nextLong(n);
                            final long end = Math.min(n - 1, start + r.nextInt(3));
                            final long x1 = removeSome(lp, which, sr, lr, start, end);
                            final long x2 = removeSome(sl, which, sr, lr, start, end);
                            assertEquals(x1, x2, what + " which " + which);
                        }
                    }
                    default -> {
                    }
                }
                assertEquals(lp.dump(), sl.dump(), what);
            }
            // conversions keep everything, and a stored copy takes the encoding its size calls for
            final long a = lp.addr();
            if (a != 0) {
                final List<String> before = lp.dump();
                final long c = Zsets.toSkiplist(lp.db, a, lp.h, 0);
                assertEquals(Entry.KIND_ZSET_SL, lp.db.kind(c));
                final ZCursor cur = new ZCursor();
                Zsets.seekRank(lp.db, c, 0, false, cur);
                final ZsetBuilder bld = new ZsetBuilder(false);
                final List<String> after = new ArrayList<>();
                for (; cur.valid(); cur.next()) {
                    after.add(new String(cur.buf(), cur.off(), cur.len(), StandardCharsets.ISO_8859_1) + "=" + (cur.score() + 0.0));
                    bld.add(cur.buf(), cur.off(), cur.len(), cur.score());
                }
                assertEquals(before, after);
                ((SortedSet) lp.db.object(c)).check();
                final byte[] k2 = b("copy");
                final long h2 = Db.hash(k2, 0, k2.length);
                assertEquals(before.size(), Zsets.store(lp.db, k2, 0, k2.length, h2, bld, bld.addedOrder(false),
                        128, 64, 0));
                final long a2 = lp.db.lookup(k2, 0, k2.length, h2);
                final boolean small = before.size() <= 128;
                assertEquals(small ? Entry.KIND_ZSET_LP : Entry.KIND_ZSET_SL, lp.db.kind(a2));
                final ZCursor c2 = new ZCursor();
                Zsets.seekRank(lp.db, a2, 0, false, c2);
                final List<String> stored = new ArrayList<>();
                for (; c2.valid(); c2.next()) {
                    stored.add(new String(c2.buf(), c2.off(), c2.len(), StandardCharsets.ISO_8859_1) + "=" + (c2.score() + 0.0));
                }
                assertEquals(before, stored);
            }
        });
    }

    private static long removeSome(final Key k, final int which, final ScoreRange sr, final LexRange lr,
                                   final long start, final long end) {
        final long a = k.addr();
        return switch (which) {
            case 0 -> Zsets.removeRange(k.db, a, k.h, sr, k.s);
            case 1 -> Zsets.removeRange(k.db, a, k.h, lr, k.s);
            case 2 -> Zsets.removeRangeByRank(k.db, a, k.h, start, end, k.s);
            default -> {
                Zsets.removeEnd(k.db, a, k.h, end - start + 1, start % 2 == 0, k.s);
                yield end - start + 1;
            }
        };
    }

    private static LexRange lexRange(final SplittableRandom r) {
        final byte[] min = b(Props.choose(r, "-", "+", "[", "(", "[", "(") + "ab".charAt(r.nextInt(2)));
        final byte[] max = b(Props.choose(r, "-", "+", "[", "(", "[", "(") + "bc".charAt(r.nextInt(2)));
        final byte[] args = new byte[min.length + max.length];
        System.arraycopy(min, 0, args, 0, min.length);
        System.arraycopy(max, 0, args, min.length, max.length);
        final LexRange lr = new LexRange();
        assertTrue(lr.parse(args, 0, min[0] == '-' || min[0] == '+' ? 1 : min.length, min.length,
                max[0] == '-' || max[0] == '+' ? 1 : max.length));
        return lr;
    }

    /**
     * ZADD (with INCR, GT/LT...), ZREM and ZREMRANGEBYSCORE on a real Redis 7.0 and the same on a
     * listpack key here: the whole blob must be the one Redis DUMPs after every step.
     */
    @Test
    void shouldWriteTheListpackRedisWrites() {
        try (RedisOracle redis = RedisOracle.start()) {
            assertEquals("OK", redis.call("CONFIG", "SET", "rdbcompression", "no"));
            assertEquals("OK", redis.call("CONFIG", "SET", "zset-max-listpack-entries", "100000"));
            assertEquals("OK", redis.call("CONFIG", "SET", "zset-max-listpack-value", "100000"));
            Props.forAll("zset listpack vs redis", 40, r -> r.nextLong(), seed -> {
                final SplittableRandom r = new SplittableRandom(seed);
                redis.call("DEL", "z");
                final Key lp = new Key(true);
                final List<byte[]> members = Props.listOf(r, 1, 10, ZsetsTest::member);
                for (int op = 0; op < 30; op++) {
                    final byte[] m = Props.choose(r, members);
                    if (r.nextInt(5) == 0) {
                        redis.call(b("ZREM"), b("z"), m);
                        final long a = lp.addr();
                        if (a != 0) {
                            Zsets.remove(lp.db, a, lp.h, m, 0, m.length, lp.s);
                        }
                    } else {
                        final double sc = score(r);
                        final String text = io.moon.protocol.DoubleFormat.g17(sc);
                        final boolean incr = r.nextInt(4) == 0;
                        redis.call(incr ? b("ZINCRBY") : b("ZADD"), b("z"), b(text), m);
                        lp.add(m, sc, incr ? Zsets.INCR : 0);
                    }
                    final byte[] theirs = redis.dumpedBlob("z", RDB_ZSET_LISTPACK);
                    final long a = lp.addr();
                    if (theirs == null) {
                        assertEquals(0, a, "Redis deleted the emptied set");
                    } else {
                        final byte[] page = lp.db.page(a);
                        final int base = lp.db.valueOffset(a);
                        final byte[] ours = Arrays.copyOfRange(page, base, base + Listpack.totalBytes(page, base));
                        assertEquals(java.util.HexFormat.of().formatHex(theirs), java.util.HexFormat.of().formatHex(ours), "after op " + op);
                    }
                }
            });
        }
    }
}
