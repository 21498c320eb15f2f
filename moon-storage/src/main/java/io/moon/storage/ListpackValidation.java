package io.moon.storage;

/**
 * The checks a listpack from outside (an RDB file, RESTORE) passes before any other
 * {@link Listpack} method reads it: those trust their input, this trusts nothing, reads only
 * inside b[base, base+len) and never throws. Split from {@link Listpack} because it is its own
 * subject, the loader's, and keeps both classes short.
 */
final class ListpackValidation {
    private ListpackValidation() {
    }

    /** See {@link Listpack#validate}. */
    static boolean validate(final byte[] b, final int base, final int len, final boolean deep) {
        if (b == null || base < 0 || len < Listpack.EMPTY_BYTES || base > b.length - len) {
            return false;
        }
        if (Listpack.totalBytes(b, base) != len || (b[base + len - 1] & 0xff) != Listpack.EOF) {
            return false;
        }
        if (!deep) {
            return true;
        }
        final int eof = base + len - 1;
        int p = base + Listpack.HEADER_BYTES;
        int n = 0;
        while (p < eof) {
            final long l = checkedEncodedLength(b, p, eof);
            if (l < 0) {
                return false;
            }
            final int bl = Listpack.backlenSize(l);
            if (l + bl > eof - p || !backlenIs(b, p + (int) l, (int) l, bl)) {
                return false;
            }
            p += (int) l + bl;
            n++;
        }
        final int header = Listpack.headerCount(b, base);
        return header == Listpack.COUNT_UNKNOWN || header == n;
    }

    /** Encoding plus data of the entry at p, or -1 when the encoding is unknown or runs past eof. */
    private static long checkedEncodedLength(final byte[] b, final int p, final int eof) {
        final int c = b[p] & 0xff;
        if (c < 0xC0 || (c >= Listpack.ENC_INT16 && c <= Listpack.ENC_INT64)) {
            return Listpack.encodedLength(b, p);
        }
        if (c < 0xE0) {
            return p + 1 < eof ? 2 : -1;
        }
        if (c < 0xF0) {
            return p + 1 < eof ? Listpack.encodedLength(b, p) : -1;
        }
        if (c == Listpack.ENC_STR32) {
            return p + 4 < eof ? 5 + (Entry.getInt(b, p + 1) & 0xFFFF_FFFFL) : -1;
        }
        return -1;
    }

    /** True when the bl bytes at q are exactly the backlen Redis writes for l. */
    private static boolean backlenIs(final byte[] b, final int q, final int l, final int bl) {
        if ((b[q] & 0xff) != l >>> 7 * (bl - 1)) {
            return false;
        }
        for (int i = 1; i < bl; i++) {
            if ((b[q + i] & 0xff) != (l >>> 7 * (bl - 1 - i) & 0x7F | 0x80)) {
                return false;
            }
        }
        return true;
    }
}
