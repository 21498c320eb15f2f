package io.moon.storage.rdb;

/**
 * LZF, the compression RDB strings use: a stream of literal runs (control byte below 32: that
 * many plus one bytes follow) and back references (3-bit length, 13-bit offset, an extra length
 * byte when the length field is 7). The compressor is a small greedy one with a hash of three-byte
 * prefixes; any valid LZF stream decodes, whoever wrote it.
 */
public final class Lzf {
    private static final int HASH_BITS = 14;
    private static final int MAX_OFF = 1 << 13;
    private static final int MAX_REF = (1 << 8) + (1 << 3);
    private static final int MAX_LIT = 1 << 5;

    private Lzf() {
    }

    /**
     * Compresses in[0, n) into out, using at most {@code max} bytes of it. Returns the compressed
     * length, or 0 when it would not fit (the caller then stores the bytes as they are).
     */
    public static int compress(final byte[] in, final int n, final byte[] out, final int max) {
        if (n < 4 || max < 2) {
            return 0;
        }
        final int[] table = new int[1 << HASH_BITS];
        int ip = 0;
        int op = 1;
        int lit = 0;
        while (ip < n - 2) {
            final int v = (in[ip] & 0xff) << 16 | (in[ip + 1] & 0xff) << 8 | (in[ip + 2] & 0xff);
            final int h = (v * 0x9E3779B1) >>> (32 - HASH_BITS);
            final int ref = table[h] - 1;
            table[h] = ip + 1;
            final int off = ip - ref - 1;
            if (ref >= 0 && off < MAX_OFF && in[ref] == in[ip] && in[ref + 1] == in[ip + 1]
                    && in[ref + 2] == in[ip + 2]) {
                int len = 3;
                final int maxLen = Math.min(n - ip, MAX_REF);
                while (len < maxLen && in[ref + len] == in[ip + len]) {
                    len++;
                }
                if (op + 3 + 1 > max) {
                    return 0;
                }
                if (lit > 0) {
                    out[op - lit - 1] = (byte) (lit - 1);
                } else {
                    op--;
                }
                final int l = len - 2;
                if (l < 7) {
                    out[op++] = (byte) ((off >>> 8) + (l << 5));
                } else {
                    out[op++] = (byte) ((off >>> 8) + (7 << 5));
                    out[op++] = (byte) (l - 7);
                }
                out[op++] = (byte) off;
                ip += len;
                lit = 0;
                op++;
            } else {
                if (op + 1 > max) {
                    return 0;
                }
                out[op++] = in[ip++];
                if (++lit == MAX_LIT) {
                    out[op - lit - 1] = (byte) (MAX_LIT - 1);
                    lit = 0;
                    op++;
                }
            }
        }
        while (ip < n) {
            if (op + 1 > max) {
                return 0;
            }
            out[op++] = in[ip++];
            if (++lit == MAX_LIT) {
                out[op - lit - 1] = (byte) (MAX_LIT - 1);
                lit = 0;
                op++;
            }
        }
        if (lit > 0) {
            out[op - lit - 1] = (byte) (lit - 1);
        } else {
            op--;
        }
        return op <= max ? op : 0;
    }

    /**
     * Decompresses in[off, off+len) into out, which must be exactly the expected length. Throws
     * {@link RdbException} when the stream is malformed or does not fill out exactly.
     */
    public static void decompress(final byte[] in, final int off, final int len, final byte[] out, final long where) {
        int ip = off;
        final int end = off + len;
        int op = 0;
        while (ip < end) {
            final int ctrl = in[ip++] & 0xff;
            if (ctrl < MAX_LIT) {
                final int run = ctrl + 1;
                if (op + run > out.length || ip + run > end) {
                    throw new RdbException("LZF literal run out of bounds", where);
                }
                System.arraycopy(in, ip, out, op, run);
                ip += run;
                op += run;
            } else {
                int l = ctrl >>> 5;
                if (ip >= end) {
                    throw new RdbException("LZF reference truncated", where);
                }
                if (l == 7) {
                    l += in[ip++] & 0xff;
                    if (ip >= end) {
                        throw new RdbException("LZF reference truncated", where);
                    }
                }
                final int ref = op - ((ctrl & 0x1f) << 8) - 1 - (in[ip++] & 0xff);
                final int n = l + 2;
                if (ref < 0 || op + n > out.length) {
                    throw new RdbException("LZF back reference out of bounds", where);
                }
                for (int i = 0; i < n; i++) {
                    out[op++] = out[ref + i];
                }
            }
        }
        if (op != out.length) {
            throw new RdbException("LZF data decompresses to " + op + " bytes, expected " + out.length, where);
        }
    }
}
