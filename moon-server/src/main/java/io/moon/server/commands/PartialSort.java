package io.moon.server.commands;

/**
 * The partial quicksort Redis uses when GEORADIUS / GEOSEARCH return fewer members than they
 * found, and when SORT ... BY ... LIMIT returns part of its elements (its {@code pqsort}): the
 * engineered quicksort of Bentley and McIlroy ("Engineering a Sort Function", 1993, the BSD C
 * library's qsort) that only descends into partitions overlapping the wanted range. Elements that
 * compare equal (members at exactly the same distance, elements whose BY values are equal or
 * missing under ALPHA) end up in an order that depends on every swap the algorithm makes, so Moon
 * runs the same algorithm, step for step, to answer in Redis's order.
 *
 * <p>Sorts {@code idx} (element numbers) with a C-style comparison of two element numbers so that
 * positions {@code lo..hi} hold what a full sort would put there.
 */
final class PartialSort {
    /** A C comparison of two elements (by their numbers): negative, 0 or positive. */
    @FunctionalInterface
    interface Order {
        int compare(int a, int b);
    }

    private final int[] idx;
    private final Order order;
    private final int lo;
    private final int hi;

    private PartialSort(final int[] idx, final Order order, final int lo, final int hi) {
        this.idx = idx;
        this.order = order;
        this.lo = lo;
        this.hi = hi;
    }

    /** Sorts enough of {@code idx[0..n)} that positions {@code lo..hi} are final. */
    static void sort(final int[] idx, final int n, final Order order, final int lo, final int hi) {
        new PartialSort(idx, order, lo, hi).sort(0, n);
    }

    /** Element numbers 0..n-1, partially sorted so that positions lo..hi are final. */
    static int[] sorted(final int n, final Order order, final int lo, final int hi) {
        final int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        sort(idx, n, order, lo, hi);
        return idx;
    }

    private int cmp(final int i, final int j) {
        return order.compare(idx[i], idx[j]);
    }

    private void swap(final int i, final int j) {
        final int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }

    /** Swaps the n elements from i with the n from j, pairwise in order. */
    private void vecswap(final int i, final int j, final int n) {
        for (int k = 0; k < n; k++) {
            swap(i + k, j + k);
        }
    }

    /** The median of three positions, by the same comparisons the C code makes. */
    private int med3(final int a, final int b, final int c) {
        return cmp(a, b) < 0
                ? (cmp(b, c) < 0 ? b : (cmp(a, c) < 0 ? c : a))
                : (cmp(b, c) > 0 ? b : (cmp(a, c) < 0 ? a : c));
    }

    private void insertion(final int a, final int n) {
        for (int m = a + 1; m < a + n; m++) {
            for (int l = m; l > a && cmp(l - 1, l) > 0; l--) {
                swap(l, l - 1);
            }
        }
    }

    /** Whether the positions [from, from + n) hold some of the wanted range. */
    private boolean wanted(final int from, final int n) {
        final int last = from + n - 1;
        return !((lo < from && hi < from) || (lo > last && hi > last));
    }

    private void sort(int a, int n) {
        while (true) {
            if (n < 7) {
                insertion(a, n);
                return;
            }
            int m = a + n / 2;
            if (n > 7) {
                int l = a;
                int r = a + n - 1;
                if (n > 40) {
                    final int d = n / 8;
                    l = med3(l, l + d, l + 2 * d);
                    m = med3(m - d, m, m + d);
                    r = med3(r - 2 * d, r - d, r);
                }
                m = med3(l, m, r);
            }
            swap(a, m);
            int pa = a + 1;
            int pb = pa;
            int pc = a + n - 1;
            int pd = pc;
            boolean swapped = false;
            while (true) {
                int c;
                while (pb <= pc && (c = cmp(pb, a)) <= 0) {
                    if (c == 0) {
                        swapped = true;
                        swap(pa, pb);
                        pa++;
                    }
                    pb++;
                }
                while (pb <= pc && (c = cmp(pc, a)) >= 0) {
                    if (c == 0) {
                        swapped = true;
                        swap(pc, pd);
                        pd--;
                    }
                    pc--;
                }
                if (pb > pc) {
                    break;
                }
                swap(pb, pc);
                swapped = true;
                pb++;
                pc--;
            }
            if (!swapped) {
                // no element moved: the C code finishes this part with an insertion sort
                insertion(a, n);
                return;
            }
            final int pn = a + n;
            int r = Math.min(pa - a, pb - pa);
            vecswap(a, pb - r, r);
            r = Math.min(pd - pc, pn - pd - 1);
            vecswap(pb, pn - r, r);
            r = pb - pa;
            if (r > 1 && wanted(a, r)) {
                sort(a, r);
            }
            r = pd - pc;
            if (r > 1) {
                a = pn - r;
                n = r;
                if (wanted(a, n)) {
                    continue;
                }
            }
            return;
        }
    }
}
