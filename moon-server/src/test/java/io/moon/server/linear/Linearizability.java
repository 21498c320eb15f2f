package io.moon.server.linear;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A Wing–Gong linearizability checker (with Lowe's memoisation of visited configurations) over a
 * small state: a {@code long[]} of registers, one per key the test uses.
 *
 * <p>A history is a list of completed operations, each with its invocation and completion times
 * and a {@link Op#apply} that says, for a state, whether the operation's recorded output is what
 * it would have answered there (and the state after it). The search linearizes, one at a time,
 * an operation that no pending one completed before (a "minimal" operation), backtracking on
 * mismatch; a configuration (set of linearized operations, state) seen once is never explored
 * again, which keeps histories of a few dozen concurrent operations fast. Histories are limited
 * to 64 operations (a bit mask); the test checks rounds of that size.
 */
final class Linearizability {
    /** One completed operation of a history. */
    interface Op {
        long invoke();

        long complete();

        /** The state after this operation if its recorded output matches {@code s}; null otherwise. */
        long[] apply(long[] s);
    }

    private record Config(long done, long[] state) {
        @Override
        public boolean equals(final Object o) {
            return o instanceof Config c && c.done == done && Arrays.equals(c.state, state);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(done) * 31 + Arrays.hashCode(state);
        }
    }

    private final List<? extends Op> ops;
    private final Set<Config> seen = new HashSet<>();
    private int explored;
    private final int budget;

    private Linearizability(final List<? extends Op> ops, final int budget) {
        if (ops.size() > 64) {
            throw new IllegalArgumentException("at most 64 operations per history, got " + ops.size());
        }
        this.ops = ops;
        this.budget = budget;
    }

    /** Whether {@code ops}, started from {@code initial}, has a linearization. */
    static boolean check(final List<? extends Op> ops, final long[] initial) {
        return new Linearizability(ops, 5_000_000).search(0L, initial.clone());
    }

    /** A linearization (operation indices in order) or null; for failure messages and tests. */
    static List<Integer> witness(final List<? extends Op> ops, final long[] initial) {
        final Linearizability l = new Linearizability(ops, 5_000_000);
        final List<Integer> order = new ArrayList<>();
        return l.search(0L, initial.clone(), order) ? order : null;
    }

    private boolean search(final long done, final long[] state) {
        return search(done, state, null);
    }

    private boolean search(final long done, final long[] state, final List<Integer> order) {
        final int n = ops.size();
        if (Long.bitCount(done) == n) {
            return true;
        }
        if (!seen.add(new Config(done, state))) {
            return false;
        }
        if (++explored > budget) {
            throw new IllegalStateException("linearizability search exceeded its budget; use smaller rounds");
        }
        // an operation can go next only if it was invoked before every pending one completed
        long firstCompletion = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            if ((done & (1L << i)) == 0) {
                firstCompletion = Math.min(firstCompletion, ops.get(i).complete());
            }
        }
        for (int i = 0; i < n; i++) {
            if ((done & (1L << i)) != 0 || ops.get(i).invoke() > firstCompletion) {
                continue;
            }
            final long[] next = ops.get(i).apply(state);
            if (next == null) {
                continue;
            }
            if (order != null) {
                order.add(i);
            }
            if (search(done | (1L << i), next, order)) {
                return true;
            }
            if (order != null) {
                order.remove(order.size() - 1);
            }
        }
        return false;
    }
}
