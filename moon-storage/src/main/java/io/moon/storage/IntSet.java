package io.moon.storage;

import java.util.Arrays;

/**
 * Redis's intset, byte for byte: the encoding of a small set whose members are all integers, so
 * an RDB file can carry our blobs verbatim.
 *
 * <pre>
 *  +0  uint32 LE  encoding: bytes per element, 2, 4 or 8
 *  +4  uint32 LE  length: number of elements
 *  +8  elements, signed little-endian, strictly ascending
 * </pre>
 *
 * Every element has the width of the widest one: the set starts at 2 bytes, and adding a value
 * that does not fit widens all of them at once ("upgrade"). Such a value lies outside the range
 * of every current element, so it goes first (negative) or last (positive) and the old elements
 * keep their order; widening runs from the back so it works in place. Removing never narrows the
 * set again, as in Redis, so our bytes stay Redis's after any sequence of SADD and SREM.
 *
 * <p>Every method takes the page and {@code base}, where the blob starts, so an intset can live
 * inside a slab page beside its key. {@link #add} works in place and never allocates: the caller
 * has made room for {@link #bytesAfterAdd} beforehand. Reads assume a valid blob; blobs from
 * outside (RDB, RESTORE) go through {@link #validate} first. Static helpers only; no state.
 */
public final class IntSet {
    public static final int HEADER_BYTES = 8;
    /** An empty intset: the header alone, 2-byte encoding. */
    public static final int EMPTY_BYTES = HEADER_BYTES;
    public static final int ENC_INT16 = 2;
    public static final int ENC_INT32 = 4;
    public static final int ENC_INT64 = 8;

    private IntSet() {
    }

    /** Writes an empty intset ({@link #EMPTY_BYTES} bytes, 2-byte encoding) at base. */
    public static void init(final byte[] b, final int base) {
        Entry.putInt(b, base, ENC_INT16);
        Entry.putInt(b, base + 4, 0);
    }

    /** Bytes per element: 2, 4 or 8. */
    public static int encoding(final byte[] b, final int base) {
        return Entry.getInt(b, base);
    }

    public static int length(final byte[] b, final int base) {
        return Entry.getInt(b, base + 4);
    }

    public static int totalBytes(final byte[] b, final int base) {
        return HEADER_BYTES + encoding(b, base) * length(b, base);
    }

    /** The narrowest encoding that holds v. */
    public static int encodingFor(final long v) {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            return ENC_INT64;
        }
        return v < Short.MIN_VALUE || v > Short.MAX_VALUE ? ENC_INT32 : ENC_INT16;
    }

    /** The element at index i, 0 the smallest. */
    public static long get(final byte[] b, final int base, final int i) {
        final int enc = encoding(b, base);
        return read(b, base + HEADER_BYTES + i * enc, enc);
    }

    public static long min(final byte[] b, final int base) {
        return get(b, base, 0);
    }

    public static long max(final byte[] b, final int base) {
        return get(b, base, length(b, base) - 1);
    }

    private static long read(final byte[] b, final int off, final int enc) {
        return switch (enc) {
            case ENC_INT16 -> (short) ((b[off] & 0xff) | b[off + 1] << 8);
            case ENC_INT32 -> Entry.getInt(b, off);
            default -> Entry.getLong(b, off);
        };
    }

    private static void write(final byte[] b, final int off, final int enc, final long v) {
        switch (enc) {
            case ENC_INT16 -> {
                b[off] = (byte) v;
                b[off + 1] = (byte) (v >> 8);
            }
            case ENC_INT32 -> Entry.putInt(b, off, (int) v);
            default -> Entry.putLong(b, off, v);
        }
    }

    /**
     * Index of v, or {@code -(insertion point) - 1} when absent, as
     * {@link Arrays#binarySearch(long[], long)} answers. A value wider than the encoding is
     * absent without a search: it belongs before every element or after every element.
     */
    public static int search(final byte[] b, final int base, final long v) {
        final int enc = encoding(b, base);
        final int n = length(b, base);
        if (encodingFor(v) > enc) {
            return v < 0 ? -1 : -n - 1;
        }
        final int data = base + HEADER_BYTES;
        int lo = 0;
        int hi = n - 1;
        while (lo <= hi) {
            final int mid = (lo + hi) >>> 1;
            final long x = read(b, data + mid * enc, enc);
            if (x < v) {
                lo = mid + 1;
            } else if (x > v) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    public static boolean contains(final byte[] b, final int base, final long v) {
        return search(b, base, v) >= 0;
    }

    /**
     * The size of the blob once v is added: the same when v is there already, one element more,
     * or, when v needs a wider encoding, every element at the new width.
     */
    public static int bytesAfterAdd(final byte[] b, final int base, final long v) {
        final int enc = encoding(b, base);
        final int need = encodingFor(v);
        if (need > enc) {
            return HEADER_BYTES + need * (length(b, base) + 1);
        }
        final int total = totalBytes(b, base);
        return contains(b, base, v) ? total : total + enc;
    }

    /**
     * Adds v in place; false when it was there already. The page must have room up to
     * base + {@link #bytesAfterAdd}.
     */
    public static boolean add(final byte[] b, final int base, final long v) {
        final int enc = encoding(b, base);
        final int n = length(b, base);
        final int data = base + HEADER_BYTES;
        final int need = encodingFor(v);
        if (need > enc) {
            final int shift = v < 0 ? 1 : 0;
            for (int i = n - 1; i >= 0; i--) {
                write(b, data + (i + shift) * need, need, read(b, data + i * enc, enc));
            }
            write(b, data + (v < 0 ? 0 : n * need), need, v);
            Entry.putInt(b, base, need);
            Entry.putInt(b, base + 4, n + 1);
            return true;
        }
        final int i = search(b, base, v);
        if (i >= 0) {
            return false;
        }
        final int at = data + (-i - 1) * enc;
        System.arraycopy(b, at, b, at + enc, data + n * enc - at);
        write(b, at, enc, v);
        Entry.putInt(b, base + 4, n + 1);
        return true;
    }

    /** Removes v in place; false when it was not there. The encoding stays as wide as it was. */
    public static boolean remove(final byte[] b, final int base, final long v) {
        final int i = search(b, base, v);
        if (i < 0) {
            return false;
        }
        final int enc = encoding(b, base);
        final int n = length(b, base);
        final int at = base + HEADER_BYTES + i * enc;
        System.arraycopy(b, at + enc, b, at, (n - 1 - i) * enc);
        Entry.putInt(b, base + 4, n - 1);
        return true;
    }

    /**
     * True when b[base, base+len) is an intset Redis's loader would accept: a known encoding, a
     * length that accounts for exactly len bytes, at least one element (an empty set is never
     * stored, so an empty blob is corrupt), and, when {@code deep}, elements strictly ascending.
     * Never throws, whatever the bytes.
     */
    public static boolean validate(final byte[] b, final int base, final int len, final boolean deep) {
        if (b == null || base < 0 || len < HEADER_BYTES || base > b.length - len) {
            return false;
        }
        final int enc = encoding(b, base);
        if (enc != ENC_INT16 && enc != ENC_INT32 && enc != ENC_INT64) {
            return false;
        }
        final long n = Entry.getInt(b, base + 4) & 0xFFFF_FFFFL;
        if (n == 0 || HEADER_BYTES + n * enc != len) {
            return false;
        }
        if (!deep) {
            return true;
        }
        final int data = base + HEADER_BYTES;
        long prev = read(b, data, enc);
        for (int i = 1; i < n; i++) {
            final long x = read(b, data + i * enc, enc);
            if (x <= prev) {
                return false;
            }
            prev = x;
        }
        return true;
    }

    // ---- building (cold paths, tests) ----------------------------------------------------------

    /** A new intset holding the given values (any order, duplicates ignored), in an array of exactly its size. */
    public static byte[] of(final long... values) {
        byte[] b = new byte[EMPTY_BYTES];
        init(b, 0);
        for (final long v : values) {
            final int need = bytesAfterAdd(b, 0, v);
            if (need > b.length) {
                b = Arrays.copyOf(b, need);
            }
            add(b, 0, v);
        }
        return b;
    }
}
