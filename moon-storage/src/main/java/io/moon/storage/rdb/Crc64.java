package io.moon.storage.rdb;

/**
 * The CRC-64 Redis appends to RDB files and DUMP payloads: the Jones polynomial
 * (0xad93d23594c935a9), reflected, initial value 0, no final xor.
 *
 * <p>Every byte of a snapshot goes through it on save and on load (a tenth of a 3M-key load's
 * profile was the one-byte-a-step loop), so long runs take eight bytes a step ("slicing by 8":
 * table k gives the CRC of a byte followed by k zero bytes, and the eight lookups of a step are
 * independent); what is left over, and short inputs, go one byte a step.
 */
public final class Crc64 {
    private static final long POLY_REFLECTED = 0x95ac9329ac4bc9b5L;
    private static final long[] TABLE = new long[256];
    /** SLICE[k][n]: the CRC contribution of byte n followed by k zero bytes; SLICE[0] is TABLE. */
    private static final long[][] SLICE = new long[8][];
    private static final java.lang.invoke.VarHandle LONG = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    static {
        for (int i = 0; i < 256; i++) {
            long c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
            }
            TABLE[i] = c;
        }
        SLICE[0] = TABLE;
        for (int k = 1; k < 8; k++) {
            SLICE[k] = new long[256];
            for (int i = 0; i < 256; i++) {
                final long prev = SLICE[k - 1][i];
                SLICE[k][i] = (prev >>> 8) ^ TABLE[(int) prev & 0xff];
            }
        }
    }

    private Crc64() {
    }

    /** The CRC of b[off, off+len) continued from {@code crc} (0 to start). */
    public static long update(long crc, final byte[] b, final int off, final int len) {
        int i = off;
        final int end = off + len;
        if (len >= 16) {
            final long[] t0 = SLICE[0];
            final long[] t1 = SLICE[1];
            final long[] t2 = SLICE[2];
            final long[] t3 = SLICE[3];
            final long[] t4 = SLICE[4];
            final long[] t5 = SLICE[5];
            final long[] t6 = SLICE[6];
            final long[] t7 = SLICE[7];
            for (final int last = end - 8; i <= last; i += 8) {
                final long x = crc ^ (long) LONG.get(b, i);
                crc = t7[(int) x & 0xff] ^ t6[(int) (x >>> 8) & 0xff] ^ t5[(int) (x >>> 16) & 0xff]
                        ^ t4[(int) (x >>> 24) & 0xff] ^ t3[(int) (x >>> 32) & 0xff] ^ t2[(int) (x >>> 40) & 0xff]
                        ^ t1[(int) (x >>> 48) & 0xff] ^ t0[(int) (x >>> 56) & 0xff];
            }
        }
        for (; i < end; i++) {
            crc = TABLE[(int) (crc ^ b[i]) & 0xff] ^ (crc >>> 8);
        }
        return crc;
    }

    public static long update(final long crc, final int b) {
        return TABLE[(int) (crc ^ b) & 0xff] ^ (crc >>> 8);
    }
}
