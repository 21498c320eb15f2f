package io.moon.storage;

import io.moon.protocol.Numbers;

import java.util.Arrays;

/**
 * Redis's listpack, byte for byte: the packed sequence every small list, hash, set and sorted set
 * is stored in, so an RDB file can carry our blobs verbatim and theirs can be loaded without a
 * rewrite.
 *
 * <pre>
 *  +0  uint32 LE  total bytes of the blob, terminator included
 *  +4  uint16 LE  element count; 65535 means "at least 65535, walk to count"
 *  +6  entries, each: encoding, data, backlen
 *  ... 0xFF       terminator
 * </pre>
 *
 * An entry opens with its encoding, which says what follows:
 * <pre>
 *  0xxxxxxx                     integer 0..127 in the byte itself
 *  10xxxxxx  then xxxxxx bytes  string shorter than 64 bytes
 *  110xxxxx yyyyyyyy            integer -4096..4095, 13 bits two's complement, high bits first
 *  1110xxxx yyyyyyyy then bytes string shorter than 4096, 12-bit length, high bits first
 *  0xF0 uint32 LE then bytes    any longer string
 *  0xF1 / 0xF2 / 0xF3 / 0xF4    integer in 2 / 3 / 4 / 8 bytes, little-endian two's complement
 * </pre>
 * The backlen repeats the size of encoding plus data so the list can be walked backwards. It is
 * written 7 bits a byte, high bits first: the byte right before the next entry holds the lowest
 * 7 bits, and every byte but the first (the one farthest from the next entry) has its top bit
 * set, so a reader going right to left knows when to stop. One byte holds up to 127; two, three
 * and four bytes hold what is below 16383, 2097151 and 268435455, one less than the powers of 128
 * a reader would expect (16383 takes three bytes though two would hold it). Redis draws the lines
 * there, so we do, which is what makes whole blobs compare equal.
 *
 * <p>A byte string that is the canonical decimal of a 64-bit integer ({@link Numbers#parseLong}'s
 * rules: no '+', no leading zero, no "-0", at most 20 characters) is stored as the smallest
 * integer encoding that holds it, as Redis does; readers get the same bytes back, printed.
 *
 * <p>Every method takes the page and absolute offsets: {@code base} is where the blob starts and
 * {@code p} where an entry starts, so a listpack can live inside a slab page beside its key.
 * Mutations work in place and never allocate: the caller has made room beforehand (the blob
 * grows by at most {@link #encodedSize} on insert, {@link #replaceGrowth} on replace), and the
 * bytes to store must not lie inside the listpack being changed. The header's count saturates at
 * 65535 like Redis's: once unknown it stays unknown through deletes, until {@link #recount}.
 * Reads assume a valid blob; blobs from outside (RDB, RESTORE) go through {@link #validate}
 * first. Static helpers only; no state.
 */
public final class Listpack {
    public static final int HEADER_BYTES = 6;
    public static final int EOF = 0xFF;
    /** An empty listpack: header and terminator. */
    public static final int EMPTY_BYTES = HEADER_BYTES + 1;
    /** The header's count when the real count is 65535 or more (or not known). */
    public static final int COUNT_UNKNOWN = 0xFFFF;

    private static final int STR_6BIT_MAX = 63;
    private static final int STR_12BIT_MAX = 4095;
    static final int ENC_STR32 = 0xF0;
    static final int ENC_INT16 = 0xF1;
    private static final int ENC_INT24 = 0xF2;
    private static final int ENC_INT32 = 0xF3;
    static final int ENC_INT64 = 0xF4;
    /** Powers of ten to 10^18, to print an integer digit by digit without a buffer. */
    private static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private Listpack() {
    }

    // ---- header --------------------------------------------------------------------------------

    /** Writes an empty listpack ({@link #EMPTY_BYTES} bytes) at base. */
    public static void init(final byte[] b, final int base) {
        Entry.putInt(b, base, EMPTY_BYTES);
        b[base + 4] = 0;
        b[base + 5] = 0;
        b[base + HEADER_BYTES] = (byte) EOF;
    }

    public static int totalBytes(final byte[] b, final int base) {
        return Entry.getInt(b, base);
    }

    /** Offset of the terminator: where {@link #insert} appends. */
    public static int eofOffset(final byte[] b, final int base) {
        return base + Entry.getInt(b, base) - 1;
    }

    static int headerCount(final byte[] b, final int base) {
        return (b[base + 4] & 0xff) | (b[base + 5] & 0xff) << 8;
    }

    private static void headerCount(final byte[] b, final int base, final int n) {
        b[base + 4] = (byte) n;
        b[base + 5] = (byte) (n >>> 8);
    }

    /**
     * Number of elements. O(1) unless the header says {@link #COUNT_UNKNOWN}; then the entries are
     * walked and nothing is written, so concurrent readers of a page (a snapshot) stay readers.
     */
    public static int count(final byte[] b, final int base) {
        final int n = headerCount(b, base);
        return n != COUNT_UNKNOWN ? n : walkCount(b, base);
    }

    /**
     * {@link #count}, and when a walk finds fewer than 65535 elements the header learns the count
     * again, as Redis's lpLength does: after deletes from a big listpack Redis's header holds the
     * number again, and a DUMP of ours should too. For the owning shard only.
     */
    public static int recount(final byte[] b, final int base) {
        final int n = headerCount(b, base);
        if (n != COUNT_UNKNOWN) {
            return n;
        }
        final int walked = walkCount(b, base);
        if (walked < COUNT_UNKNOWN) {
            headerCount(b, base, walked);
        }
        return walked;
    }

    private static int walkCount(final byte[] b, final int base) {
        int n = 0;
        for (int p = base + HEADER_BYTES; (b[p] & 0xff) != EOF; p += entrySize(b, p)) {
            n++;
        }
        return n;
    }

    // ---- navigation ----------------------------------------------------------------------------

    /** Offset of the first entry, or -1 when empty. */
    public static int first(final byte[] b, final int base) {
        final int p = base + HEADER_BYTES;
        return (b[p] & 0xff) == EOF ? -1 : p;
    }

    /** Offset of the last entry, or -1 when empty. */
    public static int last(final byte[] b, final int base) {
        final int eof = eofOffset(b, base);
        return eof == base + HEADER_BYTES ? -1 : eof - backEntrySize(b, eof - 1);
    }

    /** Offset of the entry after the one at p, or -1 when p is the last. */
    public static int next(final byte[] b, final int p) {
        final int q = p + entrySize(b, p);
        return (b[q] & 0xff) == EOF ? -1 : q;
    }

    /** Offset of the entry before the one at p (p may be the terminator), or -1 when p is the first. */
    public static int prev(final byte[] b, final int base, final int p) {
        return p == base + HEADER_BYTES ? -1 : p - backEntrySize(b, p - 1);
    }

    /**
     * Offset of the element at {@code index} (negative counts from the tail, -1 the last), or -1
     * when out of range. Like lpSeek, walks from the nearer end when the count is known, and from
     * the end the sign of the index names when it is not.
     */
    public static int seek(final byte[] b, final int base, final long index) {
        final int n = headerCount(b, base);
        // from the head: how many steps; from the tail: -1 is the last entry
        long target = index;
        if (n != COUNT_UNKNOWN) {
            target = index < 0 ? index + n : index;
            if (target < 0 || target >= n) {
                return -1;
            }
            if (target > n / 2) {
                target -= n;
            }
        }
        int p;
        if (target >= 0) {
            p = first(b, base);
            for (long i = 0; i < target && p >= 0; i++) {
                p = next(b, p);
            }
        } else {
            p = last(b, base);
            for (long i = -1; i > target && p >= 0; i--) {
                p = prev(b, base, p);
            }
        }
        return p;
    }

    /**
     * First entry equal to k[ko, ko+kl) among the entry at {@code from} (-1 finds nothing) and
     * every {@code skip + 1}-th after it (skip 1 visits a hash's fields only), or -1. The bytes
     * are parsed as an integer once, not per entry, as lpFind does.
     */
    public static int find(final byte[] b, final int from, final byte[] k, final int ko, final int kl,
                           final int skip) {
        final long kv = Numbers.parseLong(k, ko, kl, 0);
        final boolean kInt = isCanonicalLong(kv, k, ko, kl);
        int p = from;
        while (p >= 0) {
            if (isInt(b, p) ? kInt && intValue(b, p) == kv : strEquals(b, p, k, ko, kl)) {
                return p;
            }
            for (int i = 0; i <= skip && p >= 0; i++) {
                p = next(b, p);
            }
        }
        return -1;
    }

    // ---- reading an entry ----------------------------------------------------------------------

    /** True when the entry holds an integer; otherwise it holds a string. */
    public static boolean isInt(final byte[] b, final int p) {
        final int c = b[p] & 0xff;
        return c < 0x80 || (c & 0xE0) == 0xC0 || (c >= ENC_INT16 && c <= ENC_INT64);
    }

    /** The value of an integer entry ({@link #isInt}). */
    public static long intValue(final byte[] b, final int p) {
        final int c = b[p] & 0xff;
        if (c < 0x80) {
            return c;
        }
        if ((c & 0xE0) == 0xC0) {
            return ((long) ((c & 0x1F) << 8 | (b[p + 1] & 0xff)) << 51) >> 51;
        }
        return switch (c) {
            case ENC_INT16 -> (short) ((b[p + 1] & 0xff) | b[p + 2] << 8);
            case ENC_INT24 -> (b[p + 1] & 0xff) | (b[p + 2] & 0xff) << 8 | b[p + 3] << 16;
            case ENC_INT32 -> Entry.getInt(b, p + 1);
            case ENC_INT64 -> Entry.getLong(b, p + 1);
            default -> throw corrupt(c, p);
        };
    }

    /** Where the bytes of a string entry start. */
    public static int strOffset(final byte[] b, final int p) {
        final int c = b[p] & 0xff;
        if ((c & 0xC0) == 0x80) {
            return p + 1;
        }
        return (c & 0xF0) == 0xE0 ? p + 2 : p + 5;
    }

    /** Length of a string entry's bytes. */
    public static int strLength(final byte[] b, final int p) {
        final int c = b[p] & 0xff;
        if ((c & 0xC0) == 0x80) {
            return c & 0x3F;
        }
        return (c & 0xF0) == 0xE0 ? (c & 0x0F) << 8 | (b[p + 1] & 0xff) : Entry.getInt(b, p + 1);
    }

    /** Length of the element as a client sees it: the string's bytes, or the integer's digits. */
    public static int elementLength(final byte[] b, final int p) {
        return isInt(b, p) ? Numbers.digits(intValue(b, p)) : strLength(b, p);
    }

    /** Bytes the entry at p takes: encoding, data and backlen. */
    public static int entrySize(final byte[] b, final int p) {
        final int l = encodedLength(b, p);
        return l + backlenSize(l);
    }

    /** Bytes of encoding plus data: the number the backlen holds. */
    static int encodedLength(final byte[] b, final int p) {
        final int c = b[p] & 0xff;
        if (c < 0x80) {
            return 1;
        }
        if (c < 0xC0) {
            return 1 + (c & 0x3F);
        }
        if (c < 0xE0) {
            return 2;
        }
        if (c < 0xF0) {
            return 2 + ((c & 0x0F) << 8 | (b[p + 1] & 0xff));
        }
        return switch (c) {
            case ENC_STR32 -> 5 + Entry.getInt(b, p + 1);
            case ENC_INT16 -> 3;
            case ENC_INT24 -> 4;
            case ENC_INT32 -> 5;
            case ENC_INT64 -> 9;
            default -> throw corrupt(c, p);
        };
    }

    /**
     * True when the element equals k[ko, ko+kl). An integer entry equals exactly its canonical
     * decimal: the bytes are parsed instead of the integer printed, so nothing is allocated.
     */
    public static boolean equalsBytes(final byte[] b, final int p, final byte[] k, final int ko, final int kl) {
        if (isInt(b, p)) {
            final long v = intValue(b, p);
            // ~v is returned when k is not a number, and it is never v
            return Numbers.parseLong(k, ko, kl, ~v) == v;
        }
        return strEquals(b, p, k, ko, kl);
    }

    private static boolean strEquals(final byte[] b, final int p, final byte[] k, final int ko, final int kl) {
        final int so = strOffset(b, p);
        return strLength(b, p) == kl && Arrays.equals(b, so, so + kl, k, ko, ko + kl);
    }

    /**
     * Orders the element against k[ko, ko+kl) as Redis orders members by lex: unsigned bytes,
     * then the shorter first. An integer entry compares as its decimal digits, produced one at a
     * time. Negative, zero or positive.
     */
    public static int compare(final byte[] b, final int p, final byte[] k, final int ko, final int kl) {
        if (!isInt(b, p)) {
            final int so = strOffset(b, p);
            return Arrays.compareUnsigned(b, so, so + strLength(b, p), k, ko, ko + kl);
        }
        final long v = intValue(b, p);
        final int n = Numbers.digits(v);
        final int sign = v < 0 ? 1 : 0;
        // -Long.MIN_VALUE is itself, and read unsigned it is the right magnitude
        final long magnitude = v < 0 ? -v : v;
        final int m = Math.min(n, kl);
        for (int i = 0; i < m; i++) {
            final int c = i < sign ? '-'
                    : '0' + (int) Long.remainderUnsigned(Long.divideUnsigned(magnitude, POW10[n - 1 - i]), 10);
            final int d = c - (k[ko + i] & 0xff);
            if (d != 0) {
                return d;
            }
        }
        return n - kl;
    }

    /** Writes the element's bytes (an integer in decimal) at dst[dstOff..]; returns the length. */
    public static int copyTo(final byte[] b, final int p, final byte[] dst, final int dstOff) {
        if (isInt(b, p)) {
            return Numbers.formatLong(intValue(b, p), dst, dstOff);
        }
        final int n = strLength(b, p);
        System.arraycopy(b, strOffset(b, p), dst, dstOff, n);
        return n;
    }

    /** The element's bytes; allocates, for cold paths and tests. */
    public static byte[] toBytes(final byte[] b, final int p) {
        final byte[] out = new byte[elementLength(b, p)];
        copyTo(b, p, out, 0);
        return out;
    }

    // ---- sizes ---------------------------------------------------------------------------------

    /** Bytes the element k[ko, ko+kl) takes as an entry, backlen included. */
    public static int encodedSize(final byte[] k, final int ko, final int kl) {
        final long v = Numbers.parseLong(k, ko, kl, 0);
        if (isCanonicalLong(v, k, ko, kl)) {
            return encodedSizeLong(v);
        }
        final int l = strHeaderSize(kl) + kl;
        return l + backlenSize(l);
    }

    /** Bytes the integer v takes as an entry, backlen included. */
    public static int encodedSizeLong(final long v) {
        final int l = intEncodedLength(v);
        return l + 1;
    }

    /** How much the blob grows (or, negative, shrinks) when the entry at p is replaced by k. */
    public static int replaceGrowth(final byte[] b, final int p, final byte[] k, final int ko, final int kl) {
        return encodedSize(k, ko, kl) - entrySize(b, p);
    }

    public static int replaceGrowthLong(final byte[] b, final int p, final long v) {
        return encodedSizeLong(v) - entrySize(b, p);
    }

    /**
     * True when parseLong's answer {@code v} (asked with 0 as the failure value) is a real
     * parse: only "0" itself parses to 0.
     */
    private static boolean isCanonicalLong(final long v, final byte[] k, final int ko, final int kl) {
        return v != 0 || (kl == 1 && k[ko] == '0');
    }

    private static int intEncodedLength(final long v) {
        if (v >= 0 && v <= 127) {
            return 1;
        }
        if (v >= -4096 && v <= 4095) {
            return 2;
        }
        if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            return 3;
        }
        if (v >= -(1 << 23) && v < (1 << 23)) {
            return 4;
        }
        return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? 5 : 9;
    }

    private static int strHeaderSize(final int len) {
        if (len <= STR_6BIT_MAX) {
            return 1;
        }
        return len <= STR_12BIT_MAX ? 2 : 5;
    }

    /** Bytes of the backlen for an entry whose encoding and data take l bytes (Redis's widths). */
    static int backlenSize(final long l) {
        if (l <= 127) {
            return 1;
        }
        if (l < 16383) {
            return 2;
        }
        if (l < 2097151) {
            return 3;
        }
        return l < 268435455 ? 4 : 5;
    }

    /** Size of the whole entry whose backlen's last byte is at {@code end}, read right to left. */
    private static int backEntrySize(final byte[] b, final int end) {
        int e = end;
        int l = 0;
        int shift = 0;
        int c;
        do {
            c = b[e--] & 0xff;
            l |= (c & 0x7F) << shift;
            shift += 7;
        } while ((c & 0x80) != 0);
        return l + backlenSize(l);
    }

    // ---- writing -------------------------------------------------------------------------------

    private static int writeInt(final byte[] b, final int p, final long v) {
        final int l = intEncodedLength(v);
        if (l == 1) {
            b[p] = (byte) v;
        } else if (l == 2) {
            b[p] = (byte) (0xC0 | (v >> 8) & 0x1F);
            b[p + 1] = (byte) v;
        } else {
            b[p] = (byte) (l == 9 ? ENC_INT64 : ENC_INT16 + l - 3); // 2, 3 or 4 bytes follow
            for (int i = 1; i < l; i++) {
                b[p + i] = (byte) (v >> 8 * (i - 1));
            }
        }
        b[p + l] = (byte) l; // integer entries are at most 9 bytes: a one-byte backlen
        return l + 1;
    }

    private static int writeStr(final byte[] b, final int p, final byte[] k, final int ko, final int kl) {
        int q = p;
        if (kl <= STR_6BIT_MAX) {
            b[q++] = (byte) (0x80 | kl);
        } else if (kl <= STR_12BIT_MAX) {
            b[q++] = (byte) (0xE0 | kl >> 8);
            b[q++] = (byte) kl;
        } else {
            b[q++] = (byte) ENC_STR32;
            Entry.putInt(b, q, kl);
            q += 4;
        }
        System.arraycopy(k, ko, b, q, kl);
        q += kl;
        return q - p + writeBacklen(b, q, q - p);
    }

    /** Writes the backlen for l at q, high bits first; returns its size. */
    private static int writeBacklen(final byte[] b, final int q, final int l) {
        final int n = backlenSize(l);
        b[q] = (byte) (l >>> 7 * (n - 1));
        for (int i = 1; i < n; i++) {
            b[q + i] = (byte) (l >>> 7 * (n - 1 - i) & 0x7F | 0x80);
        }
        return n;
    }

    /** Opens {@code size} bytes at p, moving the rest of the blob (terminator included) right. */
    private static void open(final byte[] b, final int base, final int p, final int size) {
        final int end = base + totalBytes(b, base);
        System.arraycopy(b, p, b, p + size, end - p);
        Entry.putInt(b, base, end - base + size);
    }

    private static void added(final byte[] b, final int base) {
        final int n = headerCount(b, base);
        if (n != COUNT_UNKNOWN) {
            headerCount(b, base, n + 1); // reaching 65535 is reaching "unknown", as in Redis
        }
    }

    // ---- mutations -----------------------------------------------------------------------------

    /**
     * Inserts k[ko, ko+kl) before the entry at p (the terminator's offset appends) and returns p,
     * now the new entry's offset. The page must have {@link #encodedSize} bytes free after the
     * blob.
     */
    public static int insert(final byte[] b, final int base, final int p, final byte[] k, final int ko,
                             final int kl) {
        final long v = Numbers.parseLong(k, ko, kl, 0);
        if (isCanonicalLong(v, k, ko, kl)) {
            return insertLong(b, base, p, v);
        }
        final int l = strHeaderSize(kl) + kl;
        open(b, base, p, l + backlenSize(l));
        writeStr(b, p, k, ko, kl);
        added(b, base);
        return p;
    }

    /** {@link #insert} of an integer. */
    public static int insertLong(final byte[] b, final int base, final int p, final long v) {
        open(b, base, p, encodedSizeLong(v));
        writeInt(b, p, v);
        added(b, base);
        return p;
    }

    /** Removes the entry at p; returns p, now the offset of the entry that followed (or the terminator). */
    public static int delete(final byte[] b, final int base, final int p) {
        deleteRange(b, base, p, 1);
        return p;
    }

    /**
     * Removes up to n entries from p on (fewer when the terminator comes first); returns how many
     * went. The entry that followed them is now at p.
     */
    public static int deleteRange(final byte[] b, final int base, final int p, final int n) {
        int q = p;
        int removed = 0;
        while (removed < n && (b[q] & 0xff) != EOF) {
            q += entrySize(b, q);
            removed++;
        }
        final int end = base + totalBytes(b, base);
        System.arraycopy(b, q, b, p, end - q);
        Entry.putInt(b, base, end - base - (q - p));
        final int count = headerCount(b, base);
        if (count != COUNT_UNKNOWN) {
            headerCount(b, base, count - removed);
        }
        return removed;
    }

    /**
     * Replaces the element at p with k[ko, ko+kl) and returns p. When the new entry is larger the
     * page must have {@link #replaceGrowth} bytes free after the blob.
     */
    public static int replace(final byte[] b, final int base, final int p, final byte[] k, final int ko,
                              final int kl) {
        final long v = Numbers.parseLong(k, ko, kl, 0);
        if (isCanonicalLong(v, k, ko, kl)) {
            return replaceLong(b, base, p, v);
        }
        final int l = strHeaderSize(kl) + kl;
        resize(b, base, p, l + backlenSize(l));
        writeStr(b, p, k, ko, kl);
        return p;
    }

    /** {@link #replace} with an integer (HINCRBY, for one). */
    public static int replaceLong(final byte[] b, final int base, final int p, final long v) {
        resize(b, base, p, encodedSizeLong(v));
        writeInt(b, p, v);
        return p;
    }

    /** Makes the entry at p take {@code size} bytes, moving what follows it. */
    private static void resize(final byte[] b, final int base, final int p, final int size) {
        final int old = entrySize(b, p);
        if (old != size) {
            final int end = base + totalBytes(b, base);
            System.arraycopy(b, p + old, b, p + size, end - p - old);
            Entry.putInt(b, base, end - base - old + size);
        }
    }

    // ---- checking ------------------------------------------------------------------------------

    /**
     * True when b[base, base+len) is a listpack we can read safely, as Redis's loader decides: the
     * header's total is len and the last byte is the terminator; when {@code deep}, also every
     * entry's encoding is known and inside the blob, every backlen is the one Redis would write
     * for its entry, the entries end exactly at the terminator and a known count matches. Never
     * throws, whatever the bytes.
     */
    public static boolean validate(final byte[] b, final int base, final int len, final boolean deep) {
        return ListpackValidation.validate(b, base, len, deep);
    }

    private static IllegalStateException corrupt(final int c, final int p) {
        return new IllegalStateException("corrupt listpack: encoding 0x" + Integer.toHexString(c) + " at " + p);
    }

    // ---- building (cold paths, tests) ----------------------------------------------------------

    /** A new listpack holding the given elements in order, in an array of exactly its size. */
    public static byte[] of(final byte[]... elements) {
        long size = EMPTY_BYTES;
        for (final byte[] e : elements) {
            size += encodedSize(e, 0, e.length);
        }
        final byte[] b = new byte[Math.toIntExact(size)];
        init(b, 0);
        for (final byte[] e : elements) {
            insert(b, 0, eofOffset(b, 0), e, 0, e.length);
        }
        return b;
    }
}
