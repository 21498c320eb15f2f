package io.moon.server.persist;

/**
 * Redis's CRC-64 (Jones polynomial, reflected, no final xor): the checksum at the end of an RDB
 * file and of a DUMP payload. Table-driven, one byte at a time; the file writer feeds it every
 * byte it writes so the checksum costs no second pass.
 */
public final class Crc64 {
    private static final long POLY = 0x95ac9329ac4bc9b5L; // 0xad93d23594c935a9 bit-reflected
    private static final long[] TABLE = new long[256];

    static {
        for (int i = 0; i < 256; i++) {
            long c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ POLY : c >>> 1;
            }
            TABLE[i] = c;
        }
    }

    private Crc64() {
    }

    /** The checksum continued by one byte. */
    static long update(final long crc, final int b) {
        return TABLE[(int) ((crc ^ b) & 0xff)] ^ (crc >>> 8);
    }

    /** The checksum of {@code len} bytes continuing from {@code crc} (0 to start). */
    public static long update(long crc, final byte[] b, final int off, final int len) {
        for (int i = off, end = off + len; i < end; i++) {
            crc = TABLE[(int) ((crc ^ b[i]) & 0xff)] ^ (crc >>> 8);
        }
        return crc;
    }
}
