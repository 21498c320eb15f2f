package io.moon.storage;

import io.moon.protocol.DoubleFormat;
import io.moon.protocol.Numbers;

/**
 * A small sorted set as Redis 7 stores it: one {@link Listpack} of member, score, member, score...
 * in ascending (score, member) order. A score is stored as Redis 7 stores it (see
 * {@link #scoreText}) and read back exactly.
 *
 * <p>Every operation walks the pairs, O(N), as Redis's zzl* functions do; the thresholds keep N
 * small (128 by default). Static helpers over (page, base) like {@link Listpack}; an offset
 * {@code p} names a member's entry, whose score is the entry after it.
 */
public final class ZsetPacked {
    /** Integral scores within this bound are stored as integers (Redis's double2ll: LLONG_MAX/2). */
    private static final double LONG_BOUND = 4611686018427387904.0; // 2^62
    private static final byte[] INF = {'i', 'n', 'f'};
    private static final byte[] NEG_INF = {'-', 'i', 'n', 'f'};
    /** Longest score text: "-" + 17 digits + "." + "e-308" and change. */
    public static final int MAX_SCORE_CHARS = 32;

    private ZsetPacked() {
    }

    /** Number of members. */
    public static int count(final byte[] b, final int base) {
        return Listpack.count(b, base) >>> 1;
    }

    /** The score held by the entry at sp (a member's next entry). */
    public static double scoreAt(final byte[] b, final int sp) {
        if (Listpack.isInt(b, sp)) {
            return Listpack.intValue(b, sp);
        }
        return Numbers.parseDouble(b, Listpack.strOffset(b, sp), Listpack.strLength(b, sp));
    }

    /** The score of the member whose entry is at p. */
    public static double scoreOf(final byte[] b, final int p) {
        return scoreAt(b, p + Listpack.entrySize(b, p));
    }

    /** The next member's entry after the member at p, or -1. */
    public static int nextMember(final byte[] b, final int p) {
        final int sp = p + Listpack.entrySize(b, p);
        return Listpack.next(b, sp);
    }

    /** The member's entry before the member at p, or -1. */
    public static int prevMember(final byte[] b, final int base, final int p) {
        final int sp = Listpack.prev(b, base, p);
        return sp < 0 ? -1 : Listpack.prev(b, base, sp);
    }

    /** The last member's entry, or -1 when empty. */
    public static int lastMember(final byte[] b, final int base) {
        final int sp = Listpack.last(b, base);
        return sp < 0 ? -1 : Listpack.prev(b, base, sp);
    }

    /** The entry of member m[mo, mo+ml), or -1. */
    public static int find(final byte[] b, final int base, final byte[] m, final int mo, final int ml) {
        return Listpack.find(b, Listpack.first(b, base), m, mo, ml, 1);
    }

    /**
     * How Redis stores a score (zzlInsertAt): an integral score within 2^62 as an integer entry
     * (so -0 is stored as 0), anything else as text, "inf", "-inf" or %.17g. Returns -1 for an
     * integer, else writes the text at t[0..] ({@link #MAX_SCORE_CHARS} bytes of room) and returns
     * its length. Text allocates (see {@link DoubleFormat}).
     */
    public static int scoreText(final double s, final byte[] t) {
        if (s >= -LONG_BOUND && s <= LONG_BOUND && (long) s == s) {
            return -1;
        }
        if (Double.isInfinite(s)) {
            return s > 0 ? put(t, INF) : put(t, NEG_INF);
        }
        return DoubleFormat.formatG17(s, t, 0);
    }

    private static int put(final byte[] t, final byte[] text) {
        System.arraycopy(text, 0, t, 0, text.length);
        return text.length;
    }

    /** Where a new member (m, s) goes: the entry of the first member after it, or the terminator. */
    public static int insertPosition(final byte[] b, final int base, final double s, final byte[] m,
                                     final int mo, final int ml) {
        int p = Listpack.first(b, base);
        while (p >= 0) {
            final int sp = p + Listpack.entrySize(b, p);
            final double ps = scoreAt(b, sp);
            if (ps > s || (ps == s && Listpack.compare(b, p, m, mo, ml) > 0)) {
                return p;
            }
            p = Listpack.next(b, sp);
        }
        return Listpack.eofOffset(b, base);
    }

    /**
     * Inserts member m with score s (whose {@link #scoreText} is t[0, tl), or tl -1) before the
     * entry at p (or at the terminator). The page must have room for {@link #pairSize} more bytes.
     */
    public static void insertAt(final byte[] b, final int base, final int p, final byte[] m, final int mo,
                                final int ml, final double s, final byte[] t, final int tl) {
        Listpack.insert(b, base, p, m, mo, ml);
        final int sp = p + Listpack.entrySize(b, p);
        if (tl < 0) {
            Listpack.insertLong(b, base, sp, (long) s);
        } else {
            Listpack.insert(b, base, sp, t, 0, tl);
        }
    }

    /** Bytes member m and score s (text t[0, tl) or tl -1, from {@link #scoreText}) take as two entries. */
    public static int pairSize(final byte[] m, final int mo, final int ml, final double s, final byte[] t,
                               final int tl) {
        return Listpack.encodedSize(m, mo, ml)
                + (tl < 0 ? Listpack.encodedSizeLong((long) s) : Listpack.encodedSize(t, 0, tl));
    }

    /** Removes the member at p and its score. */
    public static void delete(final byte[] b, final int base, final int p) {
        Listpack.deleteRange(b, base, p, 2);
    }

    /** 0-based rank of the member at p, counted from the head. O(N). */
    public static int rankOf(final byte[] b, final int base, final int p) {
        int r = 0;
        for (int q = Listpack.first(b, base); q != p; q = nextMember(b, q)) {
            r++;
        }
        return r;
    }

    /** The member's entry of 0-based rank r (from the head), or -1. */
    public static int seekRank(final byte[] b, final int base, final long r) {
        return Listpack.seek(b, base, 2 * r);
    }

    /** The member's entry of 0-based rank r counted from the tail, or -1. */
    public static int seekRankFromTail(final byte[] b, final int base, final long r) {
        return Listpack.seek(b, base, -2 - 2 * r);
    }

    // ---- ranges (Redis's zzlFirstInRange and friends) -----------------------------------------

    public static int firstInRange(final byte[] b, final int base, final ScoreRange r) {
        if (r.isEmpty()) {
            return -1;
        }
        for (int p = Listpack.first(b, base); p >= 0; p = nextMember(b, p)) {
            final double s = scoreOf(b, p);
            if (r.aboveMin(s)) {
                return r.belowMax(s) ? p : -1;
            }
        }
        return -1;
    }

    public static int lastInRange(final byte[] b, final int base, final ScoreRange r) {
        if (r.isEmpty()) {
            return -1;
        }
        for (int p = lastMember(b, base); p >= 0; p = prevMember(b, base, p)) {
            final double s = scoreOf(b, p);
            if (r.belowMax(s)) {
                return r.aboveMin(s) ? p : -1;
            }
        }
        return -1;
    }

    /**
     * Redis's zzlIsInLexRange, as the skiplist's lexOverlaps: the range is not empty, the last
     * member is at or above its min and the first at or below its max. With members of different
     * scores (lex order undefined) this decides, as in Redis, that a range finds nothing.
     */
    private static boolean lexOverlaps(final byte[] b, final int base, final LexRange r) {
        if (r.isEmpty()) {
            return false;
        }
        final int first = Listpack.first(b, base);
        return first >= 0 && r.aboveMin(b, lastMember(b, base)) && r.belowMax(b, first);
    }

    public static int firstInRange(final byte[] b, final int base, final LexRange r) {
        if (!lexOverlaps(b, base, r)) {
            return -1;
        }
        for (int p = Listpack.first(b, base); p >= 0; p = nextMember(b, p)) {
            if (r.aboveMin(b, p)) {
                return r.belowMax(b, p) ? p : -1;
            }
        }
        return -1;
    }

    public static int lastInRange(final byte[] b, final int base, final LexRange r) {
        if (!lexOverlaps(b, base, r)) {
            return -1;
        }
        for (int p = lastMember(b, base); p >= 0; p = prevMember(b, base, p)) {
            if (r.belowMax(b, p)) {
                return r.aboveMin(b, p) ? p : -1;
            }
        }
        return -1;
    }
}
