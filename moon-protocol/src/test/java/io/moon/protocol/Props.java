package io.moon.protocol;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A small seeded property runner: edge cases first, then {@code tries} generated inputs, each
 * checked by plain assertions. A failure names the property, the seed and the input; the seed is
 * fixed so the build is deterministic, and {@code -Dmoon.props.seed=N} explores other streams.
 *
 * <p>Written instead of using jqwik: jqwik 1.10 carries an "Anti-AI Usage Clause" asking coding
 * agents not to use it, and these tests were written by one. The properties are ordinary
 * methods, so moving them to {@code @Property} later is mechanical.
 */
final class Props {
    private static final long BASE_SEED = Long.getLong("moon.props.seed", 0x4D6F6F6EL);

    private Props() {
    }

    interface Gen<T> {
        T next(SplittableRandom r);
    }

    interface Check<T> {
        void check(T value) throws Exception;
    }

    static <T> void forAll(final String name, final int tries, final List<T> edges, final Gen<T> gen,
                           final Check<T> check) {
        final long seed = BASE_SEED ^ name.hashCode();
        for (final T edge : edges) {
            run(name, seed, -1, edge, check);
        }
        final SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < tries; i++) {
            run(name, seed, i, gen.next(r), check);
        }
    }

    static <T> void forAll(final String name, final int tries, final Gen<T> gen, final Check<T> check) {
        forAll(name, tries, List.of(), gen, check);
    }

    private static <T> void run(final String name, final long seed, final int attempt, final T value,
                                final Check<T> check) {
        try {
            check.check(value);
        } catch (final Throwable t) {
            throw new AssertionError(name + " falsified " + (attempt < 0 ? "by an edge case" : "at try " + attempt)
                    + " (seed " + seed + ", rerun with -Dmoon.props.seed=" + BASE_SEED + ") for input "
                    + describe(value) + ": " + t.getMessage(), t);
        }
    }

    static String describe(final Object v) {
        if (v instanceof byte[] b) {
            return '"' + Vectors.escape(b) + '"';
        }
        if (v instanceof Object[] a) {
            final StringBuilder sb = new StringBuilder("[");
            for (final Object o : a) {
                sb.append(sb.length() > 1 ? ", " : "").append(describe(o));
            }
            return sb.append(']').toString();
        }
        return String.valueOf(v);
    }

    // ---- generators ----------------------------------------------------------------------------

    /** A long biased toward boundaries: powers of ten and two, their neighbours, the extremes. */
    static long interestingLong(final SplittableRandom r) {
        final int kind = r.nextInt(6);
        switch (kind) {
            case 0:
                return r.nextLong();
            case 1: {
                long p = 1;
                for (int i = r.nextInt(19); i > 0; i--) {
                    p *= 10;
                }
                final long v = p + r.nextInt(3) - 1;
                return r.nextBoolean() ? v : -v;
            }
            case 2: {
                final long v = (1L << r.nextInt(64)) + r.nextInt(3) - 1;
                return r.nextBoolean() ? v : -v;
            }
            case 3:
                return r.nextBoolean() ? Long.MAX_VALUE - r.nextInt(3) : Long.MIN_VALUE + r.nextInt(3);
            case 4:
                return r.nextLong(-1000, 1000);
            default:
                return r.nextLong() >> r.nextInt(64);
        }
    }

    /** A byte string over {@code alphabet} (plus any byte, rarely), length 0..maxLen. */
    static byte[] bytesOver(final SplittableRandom r, final String alphabet, final int maxLen) {
        final byte[] b = new byte[r.nextInt(maxLen + 1)];
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextInt(20) == 0 ? (byte) r.nextInt(256) : (byte) alphabet.charAt(r.nextInt(alphabet.length()));
        }
        return b;
    }
}
