package io.moon.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small seeded property runner: edge cases first, then {@code tries} generated inputs, each
 * checked by plain assertions. A failure names the property, the seed, the try and the input.
 * Seeds are fixed so the build is deterministic; {@code -Dmoon.props.seed=N} moves every property
 * to another stream, and the same flag replays a failure found that way.
 *
 * <p>There is no shrinking: generators should keep inputs small, and a failing input is printed
 * whole (long byte strings are cut, the seed and try number still replay them exactly).
 *
 * <p>Written instead of using jqwik: jqwik 1.10 carries an "Anti-AI Usage Clause" asking AI
 * coding agents not to use it, and Moon's tests are written by them. Generators are plain static
 * methods over a {@link SplittableRandom}, so a property reads as ordinary code. Shared with the
 * other modules through moon-protocol's test-jar.
 */
public final class Props {
    /** The base seed when {@code moon.props.seed} is not set. */
    public static final long DEFAULT_SEED = 0x4D6F6F6EL;
    public static final String SEED_PROP = "moon.props.seed";

    private static final long BASE_SEED = Long.getLong(SEED_PROP, DEFAULT_SEED);
    /** Byte strings longer than this are cut in failure messages. */
    private static final int DESCRIBE_MAX_BYTES = 512;

    private Props() {
    }

    /** Generates one input from the property's random stream. */
    @FunctionalInterface
    public interface Gen<T> {
        T next(SplittableRandom r);
    }

    /** Generates one byte; unboxed, for byte-string generators. */
    @FunctionalInterface
    public interface ByteGen {
        byte next(SplittableRandom r);
    }

    /** Checks one input with plain assertions; any throwable falsifies the property. */
    @FunctionalInterface
    public interface Check<T> {
        void check(T value) throws Exception;
    }

    // ---- running -------------------------------------------------------------------------------

    /** Runs {@code check} on every edge case, then on {@code tries} inputs seeded from the name. */
    public static <T> void forAll(final String name, final int tries, final List<T> edges, final Gen<T> gen,
                                  final Check<T> check) {
        run(name, BASE_SEED ^ name.hashCode(), tries, edges, gen, check);
    }

    public static <T> void forAll(final String name, final int tries, final Gen<T> gen, final Check<T> check) {
        forAll(name, tries, List.of(), gen, check);
    }

    /**
     * Runs {@code check} on every edge case, then on {@code tries} inputs from exactly
     * {@code seed}, unless {@code moon.props.seed} is set, which moves it to another stream.
     */
    public static <T> void forAll(final String name, final long seed, final int tries, final List<T> edges,
                                  final Gen<T> gen, final Check<T> check) {
        run(name, seed ^ BASE_SEED ^ DEFAULT_SEED, tries, edges, gen, check);
    }

    public static <T> void forAll(final String name, final long seed, final int tries, final Gen<T> gen,
                                  final Check<T> check) {
        forAll(name, seed, tries, List.of(), gen, check);
    }

    private static <T> void run(final String name, final long seed, final int tries, final List<T> edges,
                                final Gen<T> gen, final Check<T> check) {
        for (final T edge : edges) {
            check(name, seed, -1, edge, check);
        }
        final SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < tries; i++) {
            check(name, seed, i, gen.next(r), check);
        }
    }

    private static <T> void check(final String name, final long seed, final int attempt, final T value,
                                  final Check<T> check) {
        try {
            check.check(value);
        } catch (final Throwable t) {
            throw new AssertionError(name + " falsified " + (attempt < 0 ? "by an edge case" : "at try " + attempt)
                    + " (seed " + seed + ", rerun with -D" + SEED_PROP + "=" + BASE_SEED + ") for input "
                    + describe(value) + ": " + t.getMessage(), t);
        }
    }

    /** A readable form of an input: byte strings escaped, arrays and collections element by element. */
    public static String describe(final Object v) {
        if (v instanceof byte[] b) {
            return describeBytes(b);
        }
        if (v instanceof Object[] a) {
            return describeAll(Arrays.asList(a));
        }
        if (v instanceof Collection<?> c) {
            return describeAll(c);
        }
        if (v instanceof long[] a) {
            return Arrays.toString(a);
        }
        if (v instanceof int[] a) {
            return Arrays.toString(a);
        }
        if (v instanceof double[] a) {
            return Arrays.toString(a);
        }
        return String.valueOf(v);
    }

    private static String describeAll(final Collection<?> c) {
        final StringBuilder sb = new StringBuilder("[");
        for (final Object o : c) {
            sb.append(sb.length() > 1 ? ", " : "").append(describe(o));
        }
        return sb.append(']').toString();
    }

    /** Bytes 0x21..0x7e as is (but '\'), every other byte as \xHH. */
    private static String describeBytes(final byte[] b) {
        final int n = Math.min(b.length, DESCRIBE_MAX_BYTES);
        final StringBuilder sb = new StringBuilder(n + 2).append('"');
        for (int i = 0; i < n; i++) {
            final int c = b[i] & 0xff;
            if (c >= 0x21 && c <= 0x7e && c != '\\') {
                sb.append((char) c);
            } else {
                sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            }
        }
        sb.append('"');
        return n == b.length ? sb.toString() : sb.append("... (").append(b.length).append(" bytes)").toString();
    }

    // ---- choices -------------------------------------------------------------------------------

    /**
     * An index into {@code weights}, each chosen with probability weight / sum: the frequency
     * choice, to switch on. {@code weighted(r, 5, 4, 1)} is 0 half the time.
     */
    public static int weighted(final SplittableRandom r, final int... weights) {
        int total = 0;
        for (final int w : weights) {
            if (w < 0) {
                throw new IllegalArgumentException("negative weight " + w);
            }
            total += w;
        }
        if (total <= 0) {
            throw new IllegalArgumentException("no positive weight");
        }
        int pick = r.nextInt(total);
        for (int i = 0; ; i++) {
            pick -= weights[i];
            if (pick < 0) {
                return i;
            }
        }
    }

    /** One of {@code values}, uniformly; repeat a value to weight it. */
    @SafeVarargs
    public static <T> T choose(final SplittableRandom r, final T... values) {
        return values[r.nextInt(values.length)];
    }

    public static <T> T choose(final SplittableRandom r, final List<T> values) {
        return values.get(r.nextInt(values.size()));
    }

    /** One byte of {@code values}, uniformly. */
    public static byte chooseByte(final SplittableRandom r, final byte[] values) {
        return values[r.nextInt(values.length)];
    }

    /** Any byte, uniformly. */
    public static byte anyByte(final SplittableRandom r) {
        return (byte) r.nextInt(256);
    }

    // ---- collections ---------------------------------------------------------------------------

    /** A list of {@code minSize..maxSize} elements (size uniform), each from {@code element}. */
    public static <T> List<T> listOf(final SplittableRandom r, final int minSize, final int maxSize,
                                     final Gen<? extends T> element) {
        final int n = r.nextInt(minSize, maxSize + 1);
        final List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(element.next(r));
        }
        return out;
    }

    /** A byte string of {@code minLen..maxLen} bytes (length uniform), each from {@code element}. */
    public static byte[] bytes(final SplittableRandom r, final int minLen, final int maxLen, final ByteGen element) {
        final byte[] b = new byte[r.nextInt(minLen, maxLen + 1)];
        for (int i = 0; i < b.length; i++) {
            b[i] = element.next(r);
        }
        return b;
    }

    /** A byte string of {@code 0..maxLen} bytes (length uniform), every byte uniform. */
    public static byte[] bytes(final SplittableRandom r, final int maxLen) {
        final byte[] b = new byte[r.nextInt(maxLen + 1)];
        r.nextBytes(b);
        return b;
    }

    // ---- numbers and text ----------------------------------------------------------------------

    /** A long biased toward boundaries: powers of ten and two, their neighbours, the extremes. */
    public static long interestingLong(final SplittableRandom r) {
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
    public static byte[] bytesOver(final SplittableRandom r, final String alphabet, final int maxLen) {
        final byte[] b = new byte[r.nextInt(maxLen + 1)];
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextInt(20) == 0 ? (byte) r.nextInt(256) : (byte) alphabet.charAt(r.nextInt(alphabet.length()));
        }
        return b;
    }
}
