package io.moon.server.command;

import io.moon.protocol.Request;

/**
 * Where a command's keys are in its arguments, for commands whose key positions depend on the
 * arguments (Redis's "movablekeys": ZUNIONSTORE's numkeys, SORT's STORE). Commands with a fixed
 * (first, last, step) range need none. Implementations allocate nothing: the dispatcher asks
 * them for every such command.
 */
public interface KeyFinder {
    /** Number of keys in the request (0 when the arguments are malformed: the handler then replies). */
    int keyCount(Request r);

    /** Argument index of the n-th key (0 <= n < keyCount). */
    int keyArg(Request r, int n);

    /**
     * True when the command reads keys its arguments do not name as keys (SORT's BY/GET patterns)
     * and those may live on another shard: it then runs as its cross-shard operation even when
     * its named keys share one shard.
     */
    default boolean reachesOtherKeys(final Request r) {
        return false;
    }

    /**
     * COMMAND GETKEYS's keys when they differ from those routing uses (XREAD: Redis reads its key
     * spec, which takes half of what follows STREAMS, rounded down, even when the handler will
     * refuse the command), or null to use {@link #keyCount} and {@link #keyArg}. Cold path.
     */
    default GetKeys getKeys(final Request r) {
        return null;
    }

    /** Argument positions of the keys; {@code fromSpecs} false when found without key specs (no flags). */
    record GetKeys(int[] positions, boolean fromSpecs) {
    }

    /**
     * Keys found from Redis 7 key specs, as Redis's getKeysUsingKeySpecs does: each spec gives a
     * range or a count read from a numkeys argument; a spec whose numkeys is not a positive number
     * that fits in the arguments contributes nothing.
     */
    final class FromSpecs implements KeyFinder {
        private final KeySpec[] specs;
        /** Each keyword spec's keyword as bytes (null for the others): the search allocates nothing. */
        private final byte[][] words;

        public FromSpecs(final KeySpec[] specs) {
            this.specs = specs;
            this.words = new byte[specs.length][];
            for (int k = 0; k < specs.length; k++) {
                final String w = specs[k].keyword();
                words[k] = w == null ? null : w.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            }
        }

        /**
         * Keys spec k yields for r, packed in 21-bit fields: start, count, step (a request has at
         * most 1M arguments, Redis's multibulk limit, so each fits).
         */
        private long span(final int k, final Request r) {
            final KeySpec s = specs[k];
            final int argc = r.argc();
            final int begin = words[k] != null ? afterKeyword(words[k], s.beginIndex(), r) : s.beginIndex();
            if (begin <= 0 || begin >= argc) {
                return 0;
            }
            final int step = Math.max(1, s.keyStep());
            if (s.keynum()) {
                final int numIdx = begin + s.lastKeyOrKeynumIdx();
                if (numIdx >= argc || !r.parseLong(numIdx)) {
                    return 0;
                }
                final long n = r.longValue;
                final int first = begin + s.limitOrFirstKey();
                if (n <= 0 || n >= argc || first + (n - 1) * step >= argc) {
                    return 0;
                }
                return first | n << 21 | (long) step << 42;
            }
            final int rel = s.lastKeyOrKeynumIdx();
            final int last = rel >= 0 ? Math.min(begin + rel, argc - 1) : argc + rel;
            if (last < begin) {
                return 0;
            }
            return begin | (long) ((last - begin) / step + 1) << 21 | (long) step << 42;
        }

        /**
         * The index after the first argument equal to the spec's keyword, as Redis searches: from
         * its start index up to the one before the last argument (a keyword there would have no
         * key after it), or, for a negative start (MIGRATE's KEYS), from that many arguments
         * before the end back towards the first; 0 when there is none.
         */
        private static int afterKeyword(final byte[] word, final int startFrom, final Request r) {
            if (startFrom < 0) {
                for (int i = r.argc() + startFrom; i >= 1; i--) {
                    if (i < r.argc() - 1 && r.argIs(i, word)) {
                        return i + 1;
                    }
                }
                return 0;
            }
            for (int i = Math.max(1, startFrom); i < r.argc() - 1; i++) {
                if (r.argIs(i, word)) {
                    return i + 1;
                }
            }
            return 0;
        }

        private static final int FIELD = (1 << 21) - 1;

        private static int count(final long span) {
            return (int) (span >>> 21) & FIELD;
        }

        @Override
        public int keyCount(final Request r) {
            int n = 0;
            for (int k = 0; k < specs.length; k++) {
                n += count(span(k, r));
            }
            return n;
        }

        @Override
        public int keyArg(final Request r, int n) {
            for (int k = 0; k < specs.length; k++) {
                final long span = span(k, r);
                final int c = count(span);
                if (n < c) {
                    return ((int) span & FIELD) + n * (int) (span >>> 42);
                }
                n -= c;
            }
            throw new IndexOutOfBoundsException("key " + n);
        }
    }
}
