package io.moon.storage;

/**
 * Walks a sorted set's members in order or in reverse, whatever its encoding, so range replies
 * and stores are written once. {@link Zsets}'s seek methods position it; then {@link #valid()},
 * the current member as ({@link #buf()}, {@link #off()}, {@link #len()}) and its {@link #score()},
 * and {@link #next()} in the seek's direction.
 *
 * <p>The member bytes are a view into the set (a listpack's page or a node's array) or into the
 * cursor's own buffer for an integer listpack entry: valid until the next step. The set must not
 * change while a cursor walks it. A listpack score is parsed only when asked for.
 *
 * <p>Reusable; one per thread is enough (see {@link ZsetScratch}).
 */
public final class ZCursor {
    private final byte[] num = new byte[24];
    private boolean packed;
    private boolean reverse;
    private byte[] page;
    private int base;
    /** The current member's entry in the listpack, -1 at the end. */
    private int p = -1;
    private SortedSet.Node node;
    private byte[] mbuf;
    private int moff;
    private int mlen;
    private boolean scoreKnown;
    private double score;

    void startPacked(final byte[] page, final int base, final int p, final boolean reverse) {
        this.packed = true;
        this.page = page;
        this.base = base;
        this.reverse = reverse;
        this.node = null;
        moveTo(p);
    }

    void startNode(final SortedSet.Node n, final boolean reverse) {
        this.packed = false;
        this.page = null;
        this.reverse = reverse;
        this.p = -1;
        moveTo(n);
    }

    /** Positions nowhere: {@link #valid()} is false. */
    public void clear() {
        packed = false;
        node = null;
        p = -1;
        page = null;
    }

    private void moveTo(final int q) {
        p = q;
        scoreKnown = false;
        if (q < 0) {
            return;
        }
        if (Listpack.isInt(page, q)) {
            mbuf = num;
            moff = 0;
            mlen = io.moon.protocol.Numbers.formatLong(Listpack.intValue(page, q), num, 0);
        } else {
            mbuf = page;
            moff = Listpack.strOffset(page, q);
            mlen = Listpack.strLength(page, q);
        }
    }

    private void moveTo(final SortedSet.Node n) {
        node = n;
        if (n != null) {
            mbuf = n.member;
            moff = 0;
            mlen = n.member.length;
            score = n.score;
            scoreKnown = true;
        }
    }

    boolean packed() {
        return packed;
    }

    boolean reverse() {
        return reverse;
    }

    SortedSet.Node node() {
        return node;
    }

    public boolean valid() {
        return packed ? p >= 0 : node != null;
    }

    public byte[] buf() {
        return mbuf;
    }

    public int off() {
        return moff;
    }

    public int len() {
        return mlen;
    }

    public double score() {
        if (!scoreKnown) {
            score = ZsetPacked.scoreOf(page, p);
            scoreKnown = true;
        }
        return score;
    }

    /**
     * The score as ZSCAN prints it, at dst[0..] (32 bytes of room); returns the length. A listpack
     * gives its stored form (an integer's digits or the text Redis wrote), a skiplist %.17g, as
     * Redis's scan does.
     */
    public int scoreText(final byte[] dst) {
        if (packed) {
            return Listpack.copyTo(page, p + Listpack.entrySize(page, p), dst, 0);
        }
        return io.moon.protocol.DoubleFormat.formatG17(node.score, dst, 0);
    }

    /** Steps to the next member in the walk's direction. */
    public void next() {
        if (packed) {
            moveTo(reverse ? ZsetPacked.prevMember(page, base, p) : ZsetPacked.nextMember(page, p));
        } else {
            moveTo(reverse ? node.backward : node.next);
        }
    }

    /** Skips up to n members (ZRANGEBYSCORE's LIMIT offset); stops at the end. */
    public void skip(long n) {
        while (n-- > 0 && valid()) {
            next();
        }
    }
}
