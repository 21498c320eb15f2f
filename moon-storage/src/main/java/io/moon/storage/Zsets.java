package io.moon.storage;

import java.util.SplittableRandom;

/**
 * Sorted-set operations over a database entry, whatever its encoding: a listpack inline in the
 * entry ({@link Entry#KIND_ZSET_LP}, see {@link ZsetPacked}) or a {@link SortedSet} object
 * ({@link Entry#KIND_ZSET_SL}). Each operation branches on the kind, as Redis's zset* functions
 * do, and converts a listpack to a skiplist when it grows past zset-max-listpack-entries or
 * receives a member longer than zset-max-listpack-value. A skiplist never goes back (Redis 7.2
 * neither), except that a stored result is created with the encoding its size calls for.
 *
 * <p>Mutations may move the entry (a listpack grows or shrinks in its slot): they leave its new
 * address in {@link ZsetScratch#addr}, 0 when the set became empty and the key was deleted.
 * Callers have checked the type. Static helpers; owned by the shard thread like the database.
 */
public final class Zsets {
    /** ZADD options. */
    public static final int NX = 1;
    public static final int XX = 2;
    public static final int GT = 4;
    public static final int LT = 8;
    public static final int INCR = 16;
    /** What {@link #add} did. */
    public static final int ADDED = 1;
    public static final int UPDATED = 2;
    public static final int NOP = 4;
    public static final int NAN = 8;
    /** Redis's lpSafeToAdd: a listpack stays below 1 GB. */
    private static final long LISTPACK_SAFETY_BYTES = 1L << 30;
    private static final byte[] EMPTY_LISTPACK = Listpack.of();

    private Zsets() {
    }

    public static boolean isZset(final Db db, final long a) {
        final int k = db.kind(a);
        return k == Entry.KIND_ZSET_LP || k == Entry.KIND_ZSET_SL;
    }

    static boolean packed(final Db db, final long a) {
        return db.kind(a) == Entry.KIND_ZSET_LP;
    }

    static SortedSet object(final Db db, final long a) {
        return (SortedSet) db.object(a);
    }

    /** Number of members. */
    public static long card(final Db db, final long a) {
        return packed(db, a) ? ZsetPacked.count(db.page(a), db.valueOffset(a)) : object(db, a).size();
    }

    /** The member's score, or NaN when it is not in the set (scores are never NaN). */
    public static double score(final Db db, final long a, final byte[] m, final int mo, final int ml) {
        if (packed(db, a)) {
            final byte[] b = db.page(a);
            final int p = ZsetPacked.find(b, db.valueOffset(a), m, mo, ml);
            return p < 0 ? Double.NaN : ZsetPacked.scoreOf(b, p);
        }
        final SortedSet.Node n = object(db, a).get(m, mo, ml);
        return n == null ? Double.NaN : n.score;
    }

    /**
     * 0-based rank of the member (from the highest when {@code reverse}), or -1; its score goes to
     * {@link ZsetScratch#score}. O(log N) on a skiplist.
     */
    public static long rank(final Db db, final long a, final byte[] m, final int mo, final int ml,
                            final boolean reverse, final ZsetScratch s) {
        final long n;
        final long r;
        if (packed(db, a)) {
            final byte[] b = db.page(a);
            final int base = db.valueOffset(a);
            final int p = ZsetPacked.find(b, base, m, mo, ml);
            if (p < 0) {
                return -1;
            }
            s.score = ZsetPacked.scoreOf(b, p);
            r = ZsetPacked.rankOf(b, base, p);
            n = ZsetPacked.count(b, base);
        } else {
            final SortedSet z = object(db, a);
            final SortedSet.Node x = z.get(m, mo, ml);
            if (x == null) {
                return -1;
            }
            s.score = x.score;
            r = z.rank(x);
            n = z.size();
        }
        return reverse ? n - 1 - r : r;
    }

    // ---- creating and converting ---------------------------------------------------------------

    /**
     * Creates an empty sorted set under a key that does not exist, as Redis's zsetTypeCreate
     * chooses: a listpack when {@code sizeHint} members of about {@code lenHint} bytes fit the
     * thresholds, else a skiplist sized for them. Returns the entry's address.
     */
    public static long create(final Db db, final byte[] k, final int ko, final int kl, final long h,
                              final long sizeHint, final long lenHint, final long maxEntries, final long maxValue) {
        if (sizeHint <= maxEntries && lenHint <= maxValue) {
            return db.insertPacked(k, ko, kl, h, Entry.KIND_ZSET_LP, EMPTY_LISTPACK, 0, EMPTY_LISTPACK.length);
        }
        return db.insertObject(k, ko, kl, h, Entry.KIND_ZSET_SL, new SortedSet((int) Math.min(sizeHint, 1 << 20)));
    }

    /** A listpack about to receive {@code sizeHint} members beyond the threshold becomes a skiplist. */
    public static long maybeConvert(final Db db, final long a, final long h, final long sizeHint,
                                    final long maxEntries) {
        if (packed(db, a) && sizeHint > maxEntries) {
            return toSkiplist(db, a, h, sizeHint);
        }
        return a;
    }

    /** Converts a listpack entry to a skiplist; returns the entry's address. */
    static long toSkiplist(final Db db, final long a, final long h, final long capacityHint) {
        final byte[] b = db.page(a);
        final int base = db.valueOffset(a);
        final int n = ZsetPacked.count(b, base);
        final SortedSet z = new SortedSet((int) Math.min(Math.max(n, capacityHint), 1 << 20));
        for (int p = Listpack.first(b, base); p >= 0; p = ZsetPacked.nextMember(b, p)) {
            z.append(Listpack.toBytes(b, p), ZsetPacked.scoreOf(b, p));
        }
        return db.convert(a, h, Entry.KIND_ZSET_SL, z, null, 0, 0);
    }

    // ---- adding and removing -------------------------------------------------------------------

    /**
     * Redis's zsetAdd: adds the member or updates its score under the options (NX XX GT LT INCR).
     * Returns {@link #ADDED}, {@link #UPDATED}, {@link #NOP}, {@link #NAN} (INCR made NaN; nothing
     * changed) or 0 (present with that score already). The new score goes to
     * {@link ZsetScratch#score} and the entry's address to {@link ZsetScratch#addr}.
     */
    public static int add(final Db db, long a, final long h, final byte[] m, final int mo, final int ml,
                          double score, final int flags, final long maxEntries, final long maxValue,
                          final ZsetScratch s) {
        s.addr = a;
        if (packed(db, a)) {
            byte[] b = db.page(a);
            int base = db.valueOffset(a);
            final int p = ZsetPacked.find(b, base, m, mo, ml);
            if (p >= 0) {
                if ((flags & NX) != 0) {
                    return NOP;
                }
                final double cur = ZsetPacked.scoreOf(b, p);
                if ((flags & INCR) != 0) {
                    score += cur;
                    if (Double.isNaN(score)) {
                        return NAN;
                    }
                }
                if (((flags & LT) != 0 && score >= cur) || ((flags & GT) != 0 && score <= cur)) {
                    return NOP;
                }
                s.score = score;
                if (score == cur) {
                    return 0;
                }
                final int len = Listpack.totalBytes(b, base);
                final int oldPair = Listpack.entrySize(b, p) + Listpack.entrySize(b, p + Listpack.entrySize(b, p));
                ZsetPacked.delete(b, base, p);
                s.addr = insertPacked(db, a, h, len - oldPair, m, mo, ml, score, s);
                return UPDATED;
            }
            if ((flags & XX) != 0) {
                return NOP;
            }
            final int len = Listpack.totalBytes(b, base);
            if (ZsetPacked.count(b, base) + 1L > maxEntries || ml > maxValue
                    || len + (long) ml + 64 > LISTPACK_SAFETY_BYTES) {
                a = toSkiplist(db, a, h, ZsetPacked.count(b, base) + 1L);
                s.addr = a;
            } else {
                s.score = score;
                s.addr = insertPacked(db, a, h, len, m, mo, ml, score, s);
                return ADDED;
            }
        }
        final SortedSet z = object(db, a);
        final SortedSet.Node x = z.get(m, mo, ml);
        if (x != null) {
            if ((flags & NX) != 0) {
                return NOP;
            }
            final double cur = x.score;
            if ((flags & INCR) != 0) {
                score += cur;
                if (Double.isNaN(score)) {
                    return NAN;
                }
            }
            if (((flags & LT) != 0 && score >= cur) || ((flags & GT) != 0 && score <= cur)) {
                return NOP;
            }
            s.score = score;
            if (score == cur) {
                return 0;
            }
            z.setScore(x, score);
            return UPDATED;
        }
        if ((flags & XX) != 0) {
            return NOP;
        }
        z.add(m, mo, ml, score);
        s.score = score;
        return ADDED;
    }

    /** Grows a listpack of {@code len} bytes by the pair (m, score) at its place; returns the address. */
    private static long insertPacked(final Db db, final long a0, final long h, final int len, final byte[] m,
                                     final int mo, final int ml, final double score, final ZsetScratch s) {
        final byte[] t = s.text;
        final int tl = ZsetPacked.scoreText(score, t);
        final int pair = ZsetPacked.pairSize(m, mo, ml, score, t, tl);
        final long a = db.resizePacked(a0, h, len + pair);
        final byte[] b = db.page(a);
        final int base = db.valueOffset(a);
        ZsetPacked.insertAt(b, base, ZsetPacked.insertPosition(b, base, score, m, mo, ml), m, mo, ml, score, t, tl);
        return a;
    }

    /** Removes the member; false when it was not there. Deletes an emptied key (addr 0). */
    public static boolean remove(final Db db, final long a, final long h, final byte[] m, final int mo,
                                 final int ml, final ZsetScratch s) {
        s.addr = a;
        if (packed(db, a)) {
            final byte[] b = db.page(a);
            final int base = db.valueOffset(a);
            final int p = ZsetPacked.find(b, base, m, mo, ml);
            if (p < 0) {
                return false;
            }
            ZsetPacked.delete(b, base, p);
            afterPackedDelete(db, a, h, s);
            return true;
        }
        final SortedSet z = object(db, a);
        if (!z.remove(m, mo, ml)) {
            return false;
        }
        if (z.size() == 0) {
            db.unlinkAndFree(a, h);
            s.addr = 0;
        }
        return true;
    }

    private static void afterPackedDelete(final Db db, final long a, final long h, final ZsetScratch s) {
        final byte[] b = db.page(a);
        final int base = db.valueOffset(a);
        if (Listpack.count(b, base) == 0) {
            db.unlinkAndFree(a, h);
            s.addr = 0;
        } else {
            s.addr = db.resizePacked(a, h, Listpack.totalBytes(b, base));
        }
    }

    private static void afterObjectDelete(final Db db, final long a, final long h, final ZsetScratch s) {
        if (object(db, a).size() == 0) {
            db.unlinkAndFree(a, h);
            s.addr = 0;
        } else {
            s.addr = a;
        }
    }

    /** Removes the members of 0-based ranks start..end (within bounds); returns how many. */
    public static long removeRangeByRank(final Db db, final long a, final long h, final long start, final long end,
                                         final ZsetScratch s) {
        final long removed;
        if (packed(db, a)) {
            final byte[] b = db.page(a);
            final int base = db.valueOffset(a);
            removed = Listpack.deleteRange(b, base, ZsetPacked.seekRank(b, base, start),
                    (int) (2 * (end - start + 1))) / 2;
            afterPackedDelete(db, a, h, s);
        } else {
            removed = object(db, a).removeRangeByRank(start, end);
            afterObjectDelete(db, a, h, s);
        }
        return removed;
    }

    /** Removes the members whose score is in the range; returns how many. */
    public static long removeRange(final Db db, final long a, final long h, final ScoreRange r, final ZsetScratch s) {
        if (packed(db, a)) {
            final byte[] b = db.page(a);
            final int base = db.valueOffset(a);
            final int p = ZsetPacked.firstInRange(b, base, r);
            s.addr = a;
            if (p < 0) {
                return 0;
            }
            int n = 0;
            for (int q = p; q >= 0 && r.belowMax(ZsetPacked.scoreOf(b, q)); q = ZsetPacked.nextMember(b, q)) {
                n++;
            }
            Listpack.deleteRange(b, base, p, 2 * n);
            afterPackedDelete(db, a, h, s);
            return n;
        }
        final long removed = object(db, a).removeRange(r);
        afterObjectDelete(db, a, h, s);
        return removed;
    }

    /** Removes the members that are in the lex range; returns how many. */
    public static long removeRange(final Db db, final long a, final long h, final LexRange r, final ZsetScratch s) {
        if (packed(db, a)) {
            final byte[] b = db.page(a);
            final int base = db.valueOffset(a);
            final int p = ZsetPacked.firstInRange(b, base, r);
            s.addr = a;
            if (p < 0) {
                return 0;
            }
            int n = 0;
            for (int q = p; q >= 0 && r.belowMax(b, q); q = ZsetPacked.nextMember(b, q)) {
                n++;
            }
            Listpack.deleteRange(b, base, p, 2 * n);
            afterPackedDelete(db, a, h, s);
            return n;
        }
        final long removed = object(db, a).removeRange(r);
        afterObjectDelete(db, a, h, s);
        return removed;
    }

    /** Removes the n lowest (or highest) members, n at most the size (what ZPOPMIN/ZPOPMAX took). */
    public static void removeEnd(final Db db, final long a, final long h, final long n, final boolean highest,
                                 final ZsetScratch s) {
        final long size = card(db, a);
        if (highest) {
            removeRangeByRank(db, a, h, size - n, size - 1, s);
        } else {
            removeRangeByRank(db, a, h, 0, n - 1, s);
        }
    }

    // ---- counting and walking ------------------------------------------------------------------

    /** Members whose score is in the range: O(log N) on a skiplist (two ranks). */
    public static long count(final Db db, final long a, final ScoreRange r) {
        if (packed(db, a)) {
            final byte[] b = db.page(a);
            long n = 0;
            for (int p = ZsetPacked.firstInRange(b, db.valueOffset(a), r); p >= 0 && r.belowMax(ZsetPacked.scoreOf(b, p));
                 p = ZsetPacked.nextMember(b, p)) {
                n++;
            }
            return n;
        }
        final SortedSet z = object(db, a);
        final SortedSet.Node first = z.firstInRange(r);
        return first == null ? 0 : z.rank(z.lastInRange(r)) - z.rank(first) + 1;
    }

    /** Members in the lex range: O(log N) on a skiplist. */
    public static long count(final Db db, final long a, final LexRange r) {
        if (packed(db, a)) {
            final byte[] b = db.page(a);
            long n = 0;
            for (int p = ZsetPacked.firstInRange(b, db.valueOffset(a), r); p >= 0 && r.belowMax(b, p);
                 p = ZsetPacked.nextMember(b, p)) {
                n++;
            }
            return n;
        }
        final SortedSet z = object(db, a);
        final SortedSet.Node first = z.firstInRange(r);
        return first == null ? 0 : z.rank(z.lastInRange(r)) - z.rank(first) + 1;
    }

    /**
     * Positions the cursor on the member of 0-based rank {@code start} counted from the lowest,
     * or from the highest when {@code reverse}, to walk in that direction. O(log N) on a skiplist.
     */
    public static void seekRank(final Db db, final long a, final long start, final boolean reverse, final ZCursor c) {
        if (packed(db, a)) {
            final byte[] b = db.page(a);
            final int base = db.valueOffset(a);
            c.startPacked(b, base, reverse ? ZsetPacked.seekRankFromTail(b, base, start)
                    : ZsetPacked.seekRank(b, base, start), reverse);
            return;
        }
        final SortedSet z = object(db, a);
        final SortedSet.Node n;
        if (reverse) {
            n = start == 0 ? z.last() : z.byRank(z.size() - 1 - start);
        } else {
            n = start == 0 ? z.first() : z.byRank(start);
        }
        c.startNode(n, reverse);
    }

    /** Positions the cursor on the first member in the score range (the last when {@code reverse}). */
    public static void seek(final Db db, final long a, final ScoreRange r, final boolean reverse, final ZCursor c) {
        if (packed(db, a)) {
            final byte[] b = db.page(a);
            final int base = db.valueOffset(a);
            c.startPacked(b, base, reverse ? ZsetPacked.lastInRange(b, base, r) : ZsetPacked.firstInRange(b, base, r),
                    reverse);
            return;
        }
        final SortedSet z = object(db, a);
        c.startNode(reverse ? z.lastInRange(r) : z.firstInRange(r), reverse);
    }

    /** Positions the cursor on the first member in the lex range (the last when {@code reverse}). */
    public static void seek(final Db db, final long a, final LexRange r, final boolean reverse, final ZCursor c) {
        if (packed(db, a)) {
            final byte[] b = db.page(a);
            final int base = db.valueOffset(a);
            c.startPacked(b, base, reverse ? ZsetPacked.lastInRange(b, base, r) : ZsetPacked.firstInRange(b, base, r),
                    reverse);
            return;
        }
        final SortedSet z = object(db, a);
        c.startNode(reverse ? z.lastInRange(r) : z.firstInRange(r), reverse);
    }

    /**
     * Moves a positioned cursor n members on in its direction: O(log N) on a skiplist (through
     * ranks), a walk on a listpack. Past the end it is no longer valid.
     */
    public static void advance(final Db db, final long a, final ZCursor c, final long n) {
        if (c.packed()) {
            c.skip(n);
            return;
        }
        final SortedSet z = object(db, a);
        final long r = z.rank(c.node()) + (c.reverse() ? -n : n);
        c.startNode(r >= 0 && r < z.size() ? z.byRank(r) : null, c.reverse());
    }

    /** A uniformly random 0-based rank of a non-empty set. */
    public static long randomRank(final Db db, final long a, final SplittableRandom rnd) {
        return rnd.nextLong(card(db, a));
    }

    // ---- storing a computed set ----------------------------------------------------------------

    /**
     * Stores the builder's members {@code order} (ascending (score, member), no duplicates) under
     * the key, replacing whatever it held (its TTL goes too), as Redis's setKey; with the encoding
     * Redis would give a set of that size and longest member. An empty order only deletes the
     * key. Returns the number of members stored.
     */
    public static int store(final Db db, final byte[] k, final int ko, final int kl, final long h,
                            final ZsetBuilder src, final int[] order, final long maxEntries, final long maxValue,
                            final long nowMillis) {
        db.delete(k, ko, kl, h, nowMillis);
        final int n = order.length;
        if (n == 0) {
            return 0;
        }
        final byte[] arena = src.arena();
        long maxLen = 0;
        long total = 0;
        for (final int i : order) {
            maxLen = Math.max(maxLen, src.len(i));
            total += src.len(i);
        }
        if (n <= maxEntries && maxLen <= maxValue && total + 24L * n < LISTPACK_SAFETY_BYTES) {
            final byte[] t = new byte[ZsetPacked.MAX_SCORE_CHARS];
            long size = Listpack.EMPTY_BYTES;
            for (final int i : order) {
                final double sc = src.score(i);
                size += ZsetPacked.pairSize(arena, src.off(i), src.len(i), sc, t, ZsetPacked.scoreText(sc, t));
            }
            final byte[] blob = new byte[(int) size];
            Listpack.init(blob, 0);
            for (final int i : order) {
                final double sc = src.score(i);
                final int tl = ZsetPacked.scoreText(sc, t);
                ZsetPacked.insertAt(blob, 0, Listpack.eofOffset(blob, 0), arena, src.off(i), src.len(i), sc, t, tl);
            }
            db.insertPacked(k, ko, kl, h, Entry.KIND_ZSET_LP, blob, 0, blob.length);
            return n;
        }
        final SortedSet z = new SortedSet(n);
        for (final int i : order) {
            z.append(java.util.Arrays.copyOfRange(arena, src.off(i), src.off(i) + src.len(i)), src.score(i));
        }
        db.insertObject(k, ko, kl, h, Entry.KIND_ZSET_SL, z);
        return n;
    }
}
