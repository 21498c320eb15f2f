package io.moon.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;

/**
 * The keyed 64-bit hash used by the hash tables: a multiply-fold ("mum") construction in the
 * style of wyhash, reading 8 bytes at a time. The secret comes from SecureRandom once per
 * process, so clients cannot pick keys that all land in one bucket (Redis seeds SipHash for the
 * same reason).
 */
public final class Hashing {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long P0 = 0xa0761d6478bd642fL;
    private static final long P1 = 0xe7037ed1a0b428dbL;
    private static final long P2 = 0x8ebc6af09c88c6e3L;
    private static final long SEED;

    static {
        final SecureRandom r = new SecureRandom();
        SEED = r.nextLong();
    }

    private Hashing() {
    }

    private static long mum(final long a, final long b) {
        return Math.unsignedMultiplyHigh(a, b) ^ (a * b);
    }

    private static long r8(final byte[] b, final int i) {
        return (long) LONG.get(b, i);
    }

    private static long r4(final byte[] b, final int i) {
        return (int) INT.get(b, i) & 0xffffffffL;
    }

    /** Hash of b[off, off+len). */
    public static long hash(final byte[] b, final int off, final int len) {
        long seed = SEED ^ P0;
        long a;
        long c;
        if (len <= 16) {
            if (len >= 4) {
                final int shift = (len >>> 3) << 2;
                a = (r4(b, off) << 32) | r4(b, off + shift);
                c = (r4(b, off + len - 4) << 32) | r4(b, off + len - 4 - shift);
            } else if (len > 0) {
                a = ((long) (b[off] & 0xff) << 16) | ((long) (b[off + (len >>> 1)] & 0xff) << 8) | (b[off + len - 1] & 0xff);
                c = 0;
            } else {
                a = 0;
                c = 0;
            }
        } else {
            int i = off;
            int left = len;
            if (left > 48) {
                long s1 = seed;
                long s2 = seed;
                do {
                    seed = mum(r8(b, i) ^ P1, r8(b, i + 8) ^ seed);
                    s1 = mum(r8(b, i + 16) ^ P2, r8(b, i + 24) ^ s1);
                    s2 = mum(r8(b, i + 32) ^ P0, r8(b, i + 40) ^ s2);
                    i += 48;
                    left -= 48;
                } while (left > 48);
                seed ^= s1 ^ s2;
            }
            while (left > 16) {
                seed = mum(r8(b, i) ^ P1, r8(b, i + 8) ^ seed);
                i += 16;
                left -= 16;
            }
            a = r8(b, off + len - 16);
            c = r8(b, off + len - 8);
        }
        return mum(P1 ^ len, mum(a ^ P1, c ^ seed));
    }
}
