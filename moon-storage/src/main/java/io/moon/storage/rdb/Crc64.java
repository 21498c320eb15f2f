package io.moon.storage.rdb;

/**
 * The CRC-64 Redis appends to RDB files and DUMP payloads: the Jones polynomial
 * (0xad93d23594c935a9), reflected, initial value 0, no final xor. Table-driven, one byte a step.
 */
public final class Crc64 {
    private static final long POLY_REFLECTED = 0x95ac9329ac4bc9b5L;
    private static final long[] TABLE = new long[256];

    static {
        for (int i = 0; i < 256; i++) {
            long c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
            }
            TABLE[i] = c;
        }
    }

    private Crc64() {
    }

    /** The CRC of b[off, off+len) continued from {@code crc} (0 to start). */
    public static long update(long crc, final byte[] b, final int off, final int len) {
        for (int i = off, end = off + len; i < end; i++) {
            crc = TABLE[(int) (crc ^ b[i]) & 0xff] ^ (crc >>> 8);
        }
        return crc;
    }

    public static long update(final long crc, final int b) {
        return TABLE[(int) (crc ^ b) & 0xff] ^ (crc >>> 8);
    }
}
