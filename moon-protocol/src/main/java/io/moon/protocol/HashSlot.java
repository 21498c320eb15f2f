package io.moon.protocol;

/**
 * Redis Cluster's key-to-slot mapping: CRC16 (XMODEM: polynomial 0x1021, initial value 0) of the
 * key, or of its hash tag when the key contains "{...}" with a non-empty inside, modulo 16384.
 * Keys that share a hash tag share a slot, and therefore a shard.
 */
public final class HashSlot {
    public static final int SLOTS = 16384;
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            TABLE[i] = crc & 0xffff;
        }
    }

    private HashSlot() {
    }

    public static int crc16(final byte[] b, final int off, final int len) {
        int crc = 0;
        for (int i = off, end = off + len; i < end; i++) {
            crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >>> 8) ^ b[i]) & 0xff];
        }
        return crc;
    }

    /** The slot of key b[off, off+len), honouring the first {hash tag} as Redis does. */
    public static int slot(final byte[] b, final int off, final int len) {
        final int end = off + len;
        int open = -1;
        for (int i = off; i < end; i++) {
            if (b[i] == '{') {
                open = i;
                break;
            }
        }
        if (open >= 0) {
            for (int i = open + 1; i < end; i++) {
                if (b[i] == '}') {
                    if (i > open + 1) {
                        return crc16(b, open + 1, i - open - 1) & (SLOTS - 1);
                    }
                    break; // "{}" : the whole key is hashed
                }
            }
        }
        return crc16(b, off, len) & (SLOTS - 1);
    }
}
