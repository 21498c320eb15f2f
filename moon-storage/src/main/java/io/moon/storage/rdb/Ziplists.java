package io.moon.storage.rdb;

import io.moon.storage.IntSet;
import io.moon.storage.Listpack;
import java.nio.charset.StandardCharsets;

/**
 * Decoders, with full bounds checking, for the blobs older RDB versions embed: ziplists (lists,
 * hashes and sorted sets before Redis 7.0, quicklist nodes before RDB 10), zipmaps (hashes before
 * Redis 2.6), intsets, and listpacks (checked by ListpackValidation before walking). Each returns
 * the elements as byte arrays; anything malformed is an {@link RdbException} at the blob's offset.
 */
final class Ziplists {
    private Ziplists() {
    }

    private static RdbException bad(final String what, final long at) {
        return new RdbException("corrupt " + what, at);
    }

    private static int u32(final byte[] b, final int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
    }

    /** Elements of a ziplist, in order. */
    static byte[][] ziplist(final byte[] b, final long at) {
        if (b.length < 11 || u32(b, 0) != b.length || (b[b.length - 1] & 0xff) != 0xFF) {
            throw bad("ziplist header", at);
        }
        final int declared = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        final java.util.ArrayList<byte[]> out = new java.util.ArrayList<>(Math.min(declared, b.length));
        int p = 10;
        final int end = b.length - 1;
        while (p < end) {
            // previous entry length: 1 byte, or 0xFE and 4 bytes
            p += (b[p] & 0xff) == 0xFE ? 5 : 1;
            if (p >= end) {
                throw bad("ziplist entry", at);
            }
            final int enc = b[p] & 0xff;
            final byte[] e;
            switch (enc >>> 6) {
                case 0, 1, 2 -> {
                    final int len;
                    final int hdr;
                    if (enc >>> 6 == 0) {
                        len = enc & 0x3f;
                        hdr = 1;
                    } else if (enc >>> 6 == 1) {
                        if (p + 1 >= end) {
                            throw bad("ziplist entry", at);
                        }
                        len = (enc & 0x3f) << 8 | (b[p + 1] & 0xff);
                        hdr = 2;
                    } else {
                        if (p + 4 >= end) {
                            throw bad("ziplist entry", at);
                        }
                        final long l = (long) (b[p + 1] & 0xff) << 24 | (b[p + 2] & 0xff) << 16
                                | (b[p + 3] & 0xff) << 8 | (b[p + 4] & 0xff);
                        if (l > end) {
                            throw bad("ziplist entry", at);
                        }
                        len = (int) l;
                        hdr = 5;
                    }
                    if ((long) p + hdr + len > end) {
                        throw bad("ziplist entry", at);
                    }
                    e = java.util.Arrays.copyOfRange(b, p + hdr, p + hdr + len);
                    p += hdr + len;
                }
                default -> {
                    final int size;
                    final long v;
                    switch (enc) {
                        case 0xC0 -> size = 2;
                        case 0xD0 -> size = 4;
                        case 0xE0 -> size = 8;
                        case 0xF0 -> size = 3;
                        case 0xFE -> size = 1;
                        default -> size = (enc >= 0xF1 && enc <= 0xFD) ? 0 : -1;
                    }
                    if (size < 0 || p + 1 + size > end) {
                        throw bad("ziplist entry encoding", at);
                    }
                    if (size == 0) {
                        v = (enc & 0x0f) - 1;
                    } else {
                        long x = 0;
                        for (int i = size - 1; i >= 0; i--) {
                            x = x << 8 | (b[p + 1 + i] & 0xff);
                        }
                        final int shift = 64 - size * 8;
                        v = x << shift >> shift;
                    }
                    e = Long.toString(v).getBytes(StandardCharsets.US_ASCII);
                    p += 1 + size;
                }
            }
            out.add(e);
        }
        if (declared != 0xFFFF && declared != out.size()) {
            throw bad("ziplist count", at);
        }
        return out.toArray(new byte[0][]);
    }

    /** Field, value, field, value... of a zipmap. */
    static byte[][] zipmap(final byte[] b, final long at) {
        if (b.length < 2 || (b[b.length - 1] & 0xff) != 0xFF) {
            throw bad("zipmap", at);
        }
        final java.util.ArrayList<byte[]> out = new java.util.ArrayList<>();
        int p = 1;
        final int end = b.length - 1;
        while (p < end) {
            for (int half = 0; half < 2; half++) {
                if (p >= end) {
                    throw bad("zipmap entry", at);
                }
                long len = b[p] & 0xff;
                p++;
                if (len == 254) {
                    if (p + 4 > end) {
                        throw bad("zipmap entry", at);
                    }
                    len = u32(b, p) & 0xFFFFFFFFL;
                    p += 4;
                } else if (len == 255) {
                    throw bad("zipmap entry", at);
                }
                int free = 0;
                if (half == 1) {
                    if (p >= end) {
                        throw bad("zipmap entry", at);
                    }
                    free = b[p++] & 0xff;
                }
                if (p + len + free > end) {
                    throw bad("zipmap entry", at);
                }
                out.add(java.util.Arrays.copyOfRange(b, p, (int) (p + len)));
                p += (int) len + free;
            }
        }
        return out.toArray(new byte[0][]);
    }

    /** Members of an intset, as decimal strings. */
    static byte[][] intset(final byte[] b, final long at) {
        if (!IntSet.validate(b, 0, b.length, true)) {
            throw bad("intset", at);
        }
        final int n = IntSet.length(b, 0);
        final byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            out[i] = Long.toString(IntSet.get(b, 0, i)).getBytes(StandardCharsets.US_ASCII);
        }
        return out;
    }

    /** Elements of a listpack, after a deep validation. */
    static byte[][] listpack(final byte[] b, final long at) {
        if (!Listpack.validate(b, 0, b.length, true)) {
            throw bad("listpack", at);
        }
        final java.util.ArrayList<byte[]> out = new java.util.ArrayList<>();
        for (int e = Listpack.first(b, 0); e >= 0; e = Listpack.next(b, e)) {
            out.add(Listpack.toBytes(b, e));
        }
        return out.toArray(new byte[0][]);
    }
}
