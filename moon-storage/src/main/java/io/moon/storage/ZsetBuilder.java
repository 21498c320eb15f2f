package io.moon.storage;

import java.util.Arrays;

/**
 * Members and scores collected for a sorted set that does not exist yet: the result of a
 * ZRANGESTORE range, or of ZUNION/ZINTER/ZDIFF while it is being computed. Members are copied
 * into one arena; with an index, a member is found again in O(1) (to aggregate its scores). The
 * result is then read in (score, member) order ({@link #sortedOrder()}) to reply or to store
 * ({@link Zsets#store}).
 *
 * <p>Allocates as it grows: it serves the multi-key and store commands, not the hot path.
 */
public final class ZsetBuilder {
    private byte[] arena = new byte[256];
    private int used;
    private int[] off = new int[16];
    private int[] len = new int[16];
    private double[] score = new double[16];
    private boolean[] removed = new boolean[16];
    private int n;
    private int live;
    /** Open addressing over member hashes: index + 1, 0 for a free slot; null without an index. */
    private int[] table;

    /** A builder; {@code indexed} when members must be found again by value. */
    public ZsetBuilder(final boolean indexed) {
        if (indexed) {
            table = new int[32];
        }
    }

    /** Number of members added and not removed. */
    public int size() {
        return live;
    }

    /** Number of slots used, removed ones included: indexes run below this. */
    public int slots() {
        return n;
    }

    public byte[] arena() {
        return arena;
    }

    public int off(final int i) {
        return off[i];
    }

    public int len(final int i) {
        return len[i];
    }

    public double score(final int i) {
        return score[i];
    }

    public void score(final int i, final double s) {
        score[i] = s;
    }

    public boolean isRemoved(final int i) {
        return removed[i];
    }

    /** Adds a member (a copy of b[o, o+l)) that is not here yet; returns its index. */
    public int add(final byte[] b, final int o, final int l, final double s) {
        if (n == off.length) {
            final int cap = n << 1;
            off = Arrays.copyOf(off, cap);
            len = Arrays.copyOf(len, cap);
            score = Arrays.copyOf(score, cap);
            removed = Arrays.copyOf(removed, cap);
        }
        if (used + l > arena.length) {
            arena = Arrays.copyOf(arena, Math.max(arena.length << 1, used + l));
        }
        System.arraycopy(b, o, arena, used, l);
        off[n] = used;
        len[n] = l;
        score[n] = s;
        used += l;
        final int i = n++;
        live++;
        if (table != null) {
            if (n * 2 > table.length) {
                reindex(table.length << 1);
            } else {
                place(i);
            }
        }
        return i;
    }

    /** Index of member b[o, o+l), or -1 (needs an index; removed members are not found). */
    public int find(final byte[] b, final int o, final int l) {
        final int mask = table.length - 1;
        int s = SortedSet.hashOf(b, o, l) & mask;
        int e;
        while ((e = table[s]) != 0) {
            final int i = e - 1;
            if (len[i] == l && !removed[i] && Arrays.equals(arena, off[i], off[i] + l, b, o, o + l)) {
                return i;
            }
            s = (s + 1) & mask;
        }
        return -1;
    }

    /** Marks member i removed (ZDIFF's subtraction); it stays in its slot, unseen. */
    public void remove(final int i) {
        if (!removed[i]) {
            removed[i] = true;
            live--;
        }
    }

    private void place(final int i) {
        final int mask = table.length - 1;
        int s = SortedSet.hashOf(arena, off[i], len[i]) & mask;
        while (table[s] != 0) {
            s = (s + 1) & mask;
        }
        table[s] = i + 1;
    }

    private void reindex(final int size) {
        table = new int[size];
        for (int i = 0; i < n; i++) {
            place(i);
        }
    }

    /** Live indexes in the order they were added, or the reverse. */
    public int[] addedOrder(final boolean reverse) {
        final int[] out = new int[live];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (!removed[i]) {
                out[k++] = i;
            }
        }
        if (reverse) {
            for (int a = 0, b = k - 1; a < b; a++, b--) {
                final int t = out[a];
                out[a] = out[b];
                out[b] = t;
            }
        }
        return out;
    }

    /** Live indexes in ascending (score, member) order. O(N log N). */
    public int[] sortedOrder() {
        int[] a = addedOrder(false);
        int[] tmp = new int[a.length];
        for (int width = 1; width < a.length; width <<= 1) {
            for (int lo = 0; lo < a.length; lo += width << 1) {
                final int mid = Math.min(lo + width, a.length);
                final int hi = Math.min(lo + (width << 1), a.length);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    tmp[k++] = compare(a[i], a[j]) <= 0 ? a[i++] : a[j++];
                }
                while (i < mid) {
                    tmp[k++] = a[i++];
                }
                while (j < hi) {
                    tmp[k++] = a[j++];
                }
            }
            final int[] t = a;
            a = tmp;
            tmp = t;
        }
        return a;
    }

    private int compare(final int x, final int y) {
        if (score[x] < score[y]) {
            return -1;
        }
        if (score[x] > score[y]) {
            return 1;
        }
        return Arrays.compareUnsigned(arena, off[x], off[x] + len[x], arena, off[y], off[y] + len[y]);
    }
}
