package io.moon.server.persist;

import java.io.IOException;

/** LZF decompression (liblzf's format), for the compressed strings Redis writes in RDB files. */
final class Lzf {
    private Lzf() {
    }

    static byte[] decompress(final byte[] in, final int outLen) throws IOException {
        final byte[] out = new byte[outLen];
        int ip = 0;
        int op = 0;
        while (ip < in.length) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < 32) {
                final int run = ctrl + 1;
                if (op + run > outLen || ip + run > in.length) {
                    throw new IOException("Invalid LZF compressed string");
                }
                System.arraycopy(in, ip, out, op, run);
                ip += run;
                op += run;
            } else {
                int len = ctrl >>> 5;
                if (ip >= in.length) {
                    throw new IOException("Invalid LZF compressed string");
                }
                if (len == 7) {
                    len += in[ip++] & 0xff;
                    if (ip >= in.length) {
                        throw new IOException("Invalid LZF compressed string");
                    }
                }
                int ref = op - ((ctrl & 0x1f) << 8) - 1 - (in[ip++] & 0xff);
                len += 2;
                if (ref < 0 || op + len > outLen) {
                    throw new IOException("Invalid LZF compressed string");
                }
                for (int i = 0; i < len; i++) {
                    out[op++] = out[ref++];
                }
            }
        }
        if (op != outLen) {
            throw new IOException("Invalid LZF compressed string");
        }
        return out;
    }
}
