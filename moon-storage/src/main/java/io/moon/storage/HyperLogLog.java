package io.moon.storage;

/**
 * Redis's HyperLogLog, as the string value Redis stores, byte for byte, so that DUMP/RESTORE and
 * GET/SET carry HLLs between Moon and Redis unchanged. This class reads and updates such values
 * in place (a {@code byte[]}, an offset and a length: a page of a {@link Db} or a plain array);
 * {@link HllValue} is the growable working copy the sparse encoding needs.
 *
 * <p>The value: a 16-byte header, "HYLL", one encoding byte (0 dense, 1 sparse), three zero
 * bytes, then the cached cardinality as 8 bytes little endian whose top bit set means "stale,
 * recount". Then the 16384 registers (P = 14), each the longest run of zeros plus one seen in the
 * 50 hash bits left after the register index:
 * <ul>
 *   <li>dense: 6 bits per register, packed from the least significant bit of each byte up,
 *       12288 bytes, so a dense value is exactly {@value #DENSE_BYTES} bytes;</li>
 *   <li>sparse: run-length opcodes, ZERO {@code 00llllll} (1 to 64 zero registers), XZERO
 *       {@code 01llllll llllllll} (1 to 16384 zero registers) and VAL {@code 1vvvvvll} (1 to 4
 *       registers of value 1 to 32); it becomes dense when it would outgrow
 *       hll-sparse-max-bytes or must hold a value above 32.</li>
 * </ul>
 * Elements are hashed with 64-bit MurmurHash2 (MurmurHash64A, read little endian) and Redis's
 * seed, and the count is Ertl's improved raw estimator over the register histogram (the one Redis
 * has used since 5.0), so counts are Redis's to the unit.
 *
 * <p>Static helpers; no state. Callers on a {@link Db} page run on its shard thread.
 */
public final class HyperLogLog {
    public static final int HEADER_BYTES = 16;
    static final int P = 14;
    /** Hash bits left for the run of zeros. */
    static final int Q = 64 - P;
    public static final int REGISTERS = 1 << P;
    static final int REGISTER_MAX = 63;
    public static final int DENSE_REGISTER_BYTES = REGISTERS * 6 / 8;
    public static final int DENSE_BYTES = HEADER_BYTES + DENSE_REGISTER_BYTES;
    public static final int DENSE = 0;
    public static final int SPARSE = 1;
    /** The largest register value a sparse VAL opcode holds. */
    public static final int SPARSE_VAL_MAX = 32;
    static final int ENCODING_AT = 4;
    static final int CARD_AT = 8;
    private static final long SEED = 0xadc83b19L;
    private static final long M = 0xc6a4a7935bd1e995L;
    private static final double ALPHA_INF = 0.721347520444481703680;

    private HyperLogLog() {
    }

    // ---- validation and the header --------------------------------------------------------------

    /**
     * True when the string is an HLL value as Redis accepts one: at least a header, "HYLL", a known
     * encoding, and a dense value of exactly {@value #DENSE_BYTES} bytes. Sparse opcodes are
     * checked later, where they are walked.
     */
    public static boolean isValid(final byte[] p, final int off, final int len) {
        if (len < HEADER_BYTES || p[off] != 'H' || p[off + 1] != 'Y' || p[off + 2] != 'L' || p[off + 3] != 'L') {
            return false;
        }
        final int enc = p[off + ENCODING_AT] & 0xff;
        return enc == SPARSE || enc == DENSE && len == DENSE_BYTES;
    }

    public static int encoding(final byte[] p, final int off) {
        return p[off + ENCODING_AT] & 0xff;
    }

    /** Whether the cached cardinality may be used (its stale bit is clear). */
    public static boolean cacheValid(final byte[] p, final int off) {
        return (p[off + CARD_AT + 7] & 0x80) == 0;
    }

    public static long cachedCount(final byte[] p, final int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (p[off + CARD_AT + i] & 0xff);
        }
        return v;
    }

    public static void storeCount(final byte[] p, final int off, final long count) {
        for (int i = 0; i < 8; i++) {
            p[off + CARD_AT + i] = (byte) (count >>> (8 * i));
        }
    }

    /** Marks the cached cardinality stale: only the top bit changes, as in Redis. */
    public static void invalidateCache(final byte[] p, final int off) {
        p[off + CARD_AT + 7] |= (byte) 0x80;
    }

    // ---- hashing ------------------------------------------------------------------------------

    /** MurmurHash64A of the bytes with Redis's HLL seed, words read little endian. */
    public static long hash(final byte[] b, final int off, final int len) {
        long h = SEED ^ (len * M);
        final int words = len & ~7;
        int i = off;
        for (final int end = off + words; i < end; i += 8) {
            long k = (b[i] & 0xffL) | (b[i + 1] & 0xffL) << 8 | (b[i + 2] & 0xffL) << 16 | (b[i + 3] & 0xffL) << 24
                    | (b[i + 4] & 0xffL) << 32 | (b[i + 5] & 0xffL) << 40 | (b[i + 6] & 0xffL) << 48
                    | (b[i + 7] & 0xffL) << 56;
            k *= M;
            k ^= k >>> 47;
            k *= M;
            h ^= k;
            h *= M;
        }
        final int rest = len & 7;
        if (rest > 0) {
            for (int j = rest - 1; j >= 0; j--) {
                h ^= (b[i + j] & 0xffL) << (8 * j);
            }
            h *= M;
        }
        h ^= h >>> 47;
        h *= M;
        h ^= h >>> 47;
        return h;
    }

    /**
     * The register an element updates and the value it offers, packed as
     * {@code index << 8 | count}: count is the position of the first set bit in the hash bits
     * above the index (1 when the lowest is set), at most Q + 1.
     */
    public static int registerAndCount(final byte[] b, final int off, final int len) {
        final long h = hash(b, off, len);
        final int index = (int) (h & (REGISTERS - 1));
        final long rest = h >>> P | 1L << Q;
        return index << 8 | (Long.numberOfTrailingZeros(rest) + 1);
    }

    // ---- dense registers ----------------------------------------------------------------------

    /** Register i of dense registers starting at {@code regs}. */
    public static int getRegister(final byte[] p, final int regs, final int i) {
        final int bit = i * 6;
        final int at = bit >>> 3;
        final int shift = bit & 7;
        final int lo = p[regs + at] & 0xff;
        // the last register ends inside its first byte, so a byte past the registers is never needed
        final int hi = shift > 2 ? p[regs + at + 1] & 0xff : 0;
        return (lo >>> shift | hi << (8 - shift)) & REGISTER_MAX;
    }

    public static void setRegister(final byte[] p, final int regs, final int i, final int v) {
        final int bit = i * 6;
        final int at = bit >>> 3;
        final int shift = bit & 7;
        p[regs + at] = (byte) (p[regs + at] & ~(REGISTER_MAX << shift) | v << shift);
        if (shift > 2) {
            final int down = 8 - shift;
            p[regs + at + 1] = (byte) (p[regs + at + 1] & ~(REGISTER_MAX >>> down) | v >>> down);
        }
    }

    /** Raises dense register i to v if lower; true when it changed. */
    public static boolean denseSet(final byte[] p, final int off, final int i, final int v) {
        final int regs = off + HEADER_BYTES;
        if (getRegister(p, regs, i) >= v) {
            return false;
        }
        setRegister(p, regs, i, v);
        return true;
    }

    /** PFADD of one element to a dense value, in place; true when a register rose. */
    public static boolean denseAdd(final byte[] p, final int off, final byte[] e, final int eo, final int el) {
        final int rc = registerAndCount(e, eo, el);
        return denseSet(p, off, rc >>> 8, rc & 0xff);
    }

    // ---- reading every register -----------------------------------------------------------------

    /**
     * Raises {@code max[i]} to each register of the value (dense or sparse). False when a sparse
     * value does not describe exactly {@value #REGISTERS} registers (corrupted); then max may
     * have been raised by the registers read before the fault.
     */
    public static boolean mergeInto(final byte[] max, final byte[] p, final int off, final int len) {
        if (encoding(p, off) == DENSE) {
            final int regs = off + HEADER_BYTES;
            for (int i = 0; i < REGISTERS; i++) {
                final int v = getRegister(p, regs, i);
                if (v > max[i]) {
                    max[i] = (byte) v;
                }
            }
            return true;
        }
        int i = 0;
        final int end = off + len;
        int at = off + HEADER_BYTES;
        while (at < end && i <= REGISTERS) {
            final int op = p[at] & 0xff;
            if ((op & 0xc0) == 0) {
                i += (op & 0x3f) + 1;
                at++;
            } else if ((op & 0xc0) == 0x40) {
                i += xzeroLength(p, at, end);
                at += 2;
            } else {
                final int run = (op & 3) + 1;
                final int v = (op >>> 2 & 0x1f) + 1;
                if (i + run > REGISTERS) {
                    return false; // a run past the last register: corrupted (as patched Redis 7.0 says)
                }
                for (final int last = i + run; i < last; i++) {
                    if (v > max[i]) {
                        max[i] = (byte) v;
                    }
                }
                at++;
            }
        }
        return i == REGISTERS;
    }

    /** An XZERO opcode's run; a truncated one (its second byte past the end) reads that byte as 0. */
    static int xzeroLength(final byte[] p, final int at, final int end) {
        final int second = at + 1 < end ? p[at + 1] & 0xff : 0;
        return ((p[at] & 0x3f) << 8 | second) + 1;
    }

    /**
     * The estimated cardinality of the value, or -1 when it is a sparse value whose opcodes do
     * not cover exactly {@value #REGISTERS} registers.
     */
    public static long count(final byte[] p, final int off, final int len) {
        final int[] histogram = new int[64];
        if (encoding(p, off) == DENSE) {
            final int regs = off + HEADER_BYTES;
            // four 6-bit registers in every three bytes
            for (int at = regs, end = regs + DENSE_REGISTER_BYTES; at < end; at += 3) {
                final int b0 = p[at] & 0xff;
                final int b1 = p[at + 1] & 0xff;
                final int b2 = p[at + 2] & 0xff;
                histogram[b0 & 63]++;
                histogram[(b0 >>> 6 | b1 << 2) & 63]++;
                histogram[(b1 >>> 4 | b2 << 4) & 63]++;
                histogram[b2 >>> 2]++;
            }
        } else {
            int i = 0;
            final int end = off + len;
            int at = off + HEADER_BYTES;
            while (at < end && i <= REGISTERS) {
                final int op = p[at] & 0xff;
                if ((op & 0xc0) == 0) {
                    final int run = (op & 0x3f) + 1;
                    i += run;
                    histogram[0] += run;
                    at++;
                } else if ((op & 0xc0) == 0x40) {
                    final int run = xzeroLength(p, at, end);
                    i += run;
                    histogram[0] += run;
                    at += 2;
                } else {
                    final int run = (op & 3) + 1;
                    i += run;
                    histogram[(op >>> 2 & 0x1f) + 1] += run;
                    at++;
                }
            }
            if (i != REGISTERS) {
                return -1;
            }
        }
        return estimate(histogram);
    }

    /** The estimated cardinality of plain registers, one byte each (PFCOUNT of several keys). */
    public static long countRegisters(final byte[] registers) {
        final int[] histogram = new int[64];
        for (int i = 0; i < REGISTERS; i++) {
            histogram[registers[i] & 63]++;
        }
        return estimate(histogram);
    }

    /**
     * Ertl's estimator ("New cardinality estimation algorithms for HyperLogLog sketches",
     * arXiv:1702.01284), computed in the same order as Redis so the rounding agrees.
     */
    static long estimate(final int[] histogram) {
        final double m = REGISTERS;
        double z = m * tau((m - histogram[Q + 1]) / m);
        for (int j = Q; j >= 1; j--) {
            z += histogram[j];
            z *= 0.5;
        }
        z += m * sigma(histogram[0] / m);
        return Math.round(ALPHA_INF * m * m / z);
    }

    private static double sigma(final double x0) {
        if (x0 == 1.0) {
            return Double.POSITIVE_INFINITY;
        }
        double x = x0;
        double y = 1;
        double z = x;
        double before;
        do {
            x *= x;
            before = z;
            z += x * y;
            y += y;
        } while (before != z);
        return z;
    }

    private static double tau(final double x0) {
        if (x0 == 0.0 || x0 == 1.0) {
            return 0.0;
        }
        double x = x0;
        double y = 1.0;
        double z = 1 - x;
        double before;
        do {
            x = Math.sqrt(x);
            before = z;
            y *= 0.5;
            final double d = 1 - x;
            z -= d * d * y;
        } while (before != z);
        return z / 3;
    }

    // ---- PFDEBUG DECODE ---------------------------------------------------------------------------

    /** The sparse opcodes as text: "z:len" (ZERO), "Z:len" (XZERO), "v:value,len" (VAL), space-separated. */
    public static String decode(final byte[] p, final int off, final int len) {
        final StringBuilder sb = new StringBuilder();
        final int end = off + len;
        int at = off + HEADER_BYTES;
        while (at < end) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            final int op = p[at] & 0xff;
            if ((op & 0xc0) == 0) {
                sb.append("z:").append((op & 0x3f) + 1);
                at++;
            } else if ((op & 0xc0) == 0x40) {
                sb.append("Z:").append(xzeroLength(p, at, end));
                at += 2;
            } else {
                sb.append("v:").append((op >>> 2 & 0x1f) + 1).append(',').append((op & 3) + 1);
                at++;
            }
        }
        return sb.toString();
    }
}
