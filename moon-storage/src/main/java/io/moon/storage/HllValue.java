package io.moon.storage;

import java.util.Arrays;

import static io.moon.storage.HyperLogLog.DENSE;
import static io.moon.storage.HyperLogLog.DENSE_BYTES;
import static io.moon.storage.HyperLogLog.HEADER_BYTES;
import static io.moon.storage.HyperLogLog.REGISTERS;
import static io.moon.storage.HyperLogLog.SPARSE;
import static io.moon.storage.HyperLogLog.SPARSE_VAL_MAX;

/**
 * A HyperLogLog value being changed (PFADD to a sparse value, PFMERGE, PFDEBUG TODENSE): a copy
 * that can grow, since setting one register of the sparse encoding may split one opcode into
 * three. Every step makes the same bytes as Redis's (see {@link HyperLogLog} for the format): an
 * opcode is split in place, adjacent equal VAL opcodes are joined over the same window Redis
 * looks at, and the value turns dense exactly when Redis's would, so the stored strings agree.
 *
 * <p>Not thread-safe; the caller copies it into the keyspace when done.
 */
public final class HllValue {
    private static final int MAX_VAL_RUN = 4;
    private static final int MAX_ZERO_RUN = 64;
    /** Opcodes looked at, from the one before the change, when joining equal VALs. */
    private static final int JOIN_WINDOW = 5;

    private byte[] b;
    private int len;

    private HllValue(final byte[] b, final int len) {
        this.b = b;
        this.len = len;
    }

    /** An empty HLL as Redis creates it: sparse, one XZERO opcode for all 16384 registers, count 0. */
    public static HllValue empty() {
        final byte[] v = new byte[64];
        v[0] = 'H';
        v[1] = 'Y';
        v[2] = 'L';
        v[3] = 'L';
        v[HyperLogLog.ENCODING_AT] = SPARSE;
        putXzero(v, HEADER_BYTES, REGISTERS);
        return new HllValue(v, HEADER_BYTES + 2);
    }

    /** A working copy of a value that {@link HyperLogLog#isValid} accepted. */
    public static HllValue copyOf(final byte[] p, final int off, final int len) {
        // room to grow, and at least one zero byte past the value (what Redis's string has there)
        final byte[] v = new byte[len + 64];
        System.arraycopy(p, off, v, 0, len);
        return new HllValue(v, len);
    }

    public byte[] bytes() {
        return b;
    }

    public int length() {
        return len;
    }

    public int encoding() {
        return HyperLogLog.encoding(b, 0);
    }

    public void invalidateCache() {
        HyperLogLog.invalidateCache(b, 0);
    }

    /** A copy of exactly the value's bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOf(b, len);
    }

    /**
     * PFADD of one element: 1 when a register rose, 0 when none did, -1 when the sparse opcodes
     * turned out corrupted.
     */
    public int add(final byte[] e, final int eo, final int el, final long sparseMaxBytes) {
        final int rc = HyperLogLog.registerAndCount(e, eo, el);
        return set(rc >>> 8, rc & 0xff, sparseMaxBytes);
    }

    /**
     * Raises register {@code index} to {@code count}: 1 when it rose, 0 when it was at least that
     * already, -1 when the sparse opcodes are corrupted. A sparse value turns dense when count does
     * not fit a VAL opcode or the value would grow past {@code sparseMaxBytes}.
     */
    public int set(final int index, final int count, final long sparseMaxBytes) {
        if (encoding() == DENSE) {
            return HyperLogLog.denseSet(b, 0, index, count) ? 1 : 0;
        }
        if (count > SPARSE_VAL_MAX) {
            return promoteAndSet(index, count);
        }
        // find the opcode covering the register, and the one before it
        int at = HEADER_BYTES;
        int prev = -1;
        long first = 0; // long: a corrupted value's runs may add up past int
        int span = 0;
        while (at < len) {
            final int op = b[at] & 0xff;
            int size = 1;
            if ((op & 0xc0) == 0) {
                span = (op & 0x3f) + 1;
            } else if ((op & 0x80) != 0) {
                span = (op & 3) + 1;
            } else {
                span = xzeroRun(at);
                size = 2;
            }
            if (index <= first + span - 1) {
                break;
            }
            prev = at;
            at += size;
            first += span;
        }
        if (span == 0 || at >= len) {
            return -1;
        }
        final int op = b[at] & 0xff;
        final boolean val = (op & 0x80) != 0;
        final boolean xzero = (op & 0xc0) == 0x40;
        final int oldSize = xzero ? 2 : 1;
        final int next = at + oldSize;
        if (val) {
            final int old = (op >>> 2 & 0x1f) + 1;
            if (old >= count) {
                return 0;
            }
            if (span == 1) {
                b[at] = valOp(count, 1);
                return joined(prev);
            }
        } else if (!xzero && span == 1) {
            b[at] = valOp(count, 1);
            return joined(prev);
        }
        // split the opcode: what precedes the register, the register, what follows, each in the
        // opcode the run needs
        final byte[] seq = new byte[5];
        int n = 0;
        // here the opcode covers the register, so first <= index < REGISTERS
        final int start = (int) first;
        final int last = start + span - 1;
        if (!val) {
            if (index != start) {
                n = putZeros(seq, n, index - start);
            }
            seq[n++] = valOp(count, 1);
            if (index != last) {
                n = putZeros(seq, n, last - index);
            }
        } else {
            final int current = (op >>> 2 & 0x1f) + 1;
            if (index != start) {
                seq[n++] = valOp(current, index - start);
            }
            seq[n++] = valOp(count, 1);
            if (index != last) {
                seq[n++] = valOp(current, last - index);
            }
        }
        final int delta = n - oldSize;
        if (delta > 0 && len + delta > sparseMaxBytes) {
            return promoteAndSet(index, count);
        }
        ensure(Math.max(len + delta, at + n) + 1);
        if (delta != 0 && next < len) {
            System.arraycopy(b, next, b, next + delta, len - next);
        }
        len += delta;
        b[len] = 0;
        // a truncated last XZERO (corrupted) makes the sequence end past the new length: Redis
        // writes it all the same, and a later XZERO read at the end sees that byte
        System.arraycopy(seq, 0, b, at, n);
        return joined(prev);
    }

    /**
     * After a change: joins adjacent VAL opcodes of the same value whose runs fit one opcode,
     * looking at up to {@value #JOIN_WINDOW} opcodes from the one before the change (Redis's
     * window, so the bytes agree), then marks the cached count stale.
     */
    private int joined(final int prev) {
        int at = prev >= 0 ? prev : HEADER_BYTES;
        int window = JOIN_WINDOW;
        while (at < len && window-- > 0) {
            final int op = b[at] & 0xff;
            if ((op & 0xc0) == 0x40) {
                at += 2;
                continue;
            }
            if ((op & 0xc0) == 0) {
                at++;
                continue;
            }
            if (at + 1 < len && (b[at + 1] & 0x80) != 0) {
                final int v1 = (op >>> 2 & 0x1f) + 1;
                final int op2 = b[at + 1] & 0xff;
                final int v2 = (op2 >>> 2 & 0x1f) + 1;
                final int run = (op & 3) + 1 + (op2 & 3) + 1;
                if (v1 == v2 && run <= MAX_VAL_RUN) {
                    b[at + 1] = valOp(v1, run);
                    System.arraycopy(b, at + 1, b, at, len - at - 1);
                    len--;
                    b[len] = 0;
                    continue; // the joined opcode may join the next one too
                }
            }
            at++;
        }
        invalidateCache();
        return 1;
    }

    private int promoteAndSet(final int index, final int count) {
        if (!toDense()) {
            return -1;
        }
        HyperLogLog.denseSet(b, 0, index, count);
        return 1;
    }

    /**
     * Makes a sparse value dense (a dense one stays as it is). The header, cached count included,
     * is kept. False, and no change, when the sparse opcodes do not cover exactly
     * {@value #REGISTERS} registers.
     */
    public boolean toDense() {
        if (encoding() == DENSE) {
            return true;
        }
        final byte[] dense = new byte[DENSE_BYTES];
        System.arraycopy(b, 0, dense, 0, HEADER_BYTES);
        dense[HyperLogLog.ENCODING_AT] = DENSE;
        int i = 0;
        int at = HEADER_BYTES;
        while (at < len && i <= REGISTERS) {
            final int op = b[at] & 0xff;
            if ((op & 0xc0) == 0) {
                i += (op & 0x3f) + 1;
                at++;
            } else if ((op & 0xc0) == 0x40) {
                i += xzeroRun(at);
                at += 2;
            } else {
                final int run = (op & 3) + 1;
                final int v = (op >>> 2 & 0x1f) + 1;
                if (i + run > REGISTERS) {
                    return false; // a run past the last register: corrupted
                }
                for (final int end = i + run; i < end; i++) {
                    HyperLogLog.setRegister(dense, HEADER_BYTES, i, v);
                }
                at++;
            }
        }
        if (i != REGISTERS) {
            return false;
        }
        b = dense;
        len = DENSE_BYTES;
        return true;
    }

    /**
     * The run of the XZERO opcode at {@code at}. When it is the last byte (a corrupted value), its
     * second byte is the one just past the value, as Redis reads it: 0 (its string's terminator),
     * or what a split of that truncated opcode wrote there earlier in the same command.
     */
    private int xzeroRun(final int at) {
        final int second = at + 1 < b.length ? b[at + 1] & 0xff : 0;
        return ((b[at] & 0x3f) << 8 | second) + 1;
    }

    private void ensure(final int need) {
        if (need > b.length) {
            b = Arrays.copyOf(b, Math.max(need, b.length * 2));
        }
    }

    private static byte valOp(final int value, final int run) {
        return (byte) (0x80 | (value - 1) << 2 | (run - 1));
    }

    /** Writes a run of zero registers as ZERO (up to 64) or XZERO; returns the next position. */
    private static int putZeros(final byte[] dst, final int at, final int run) {
        if (run > MAX_ZERO_RUN) {
            putXzero(dst, at, run);
            return at + 2;
        }
        dst[at] = (byte) (run - 1);
        return at + 1;
    }

    private static void putXzero(final byte[] dst, final int at, final int run) {
        dst[at] = (byte) (0x40 | (run - 1) >>> 8);
        dst[at + 1] = (byte) (run - 1);
    }
}
