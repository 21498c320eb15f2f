package io.moon.server.commands;

import io.moon.protocol.Numbers;
import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.pubsub.Notify;
import io.moon.storage.Db;
import io.moon.storage.Strings;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Bitmap commands: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP (BITFIELD is in {@link Bitfield}).
 * A bitmap is an ordinary string value: bit 0 is the most significant bit of the first byte, and
 * bits past the end read as 0. Writes grow the string with zero bytes ({@link Strings#growZeroed})
 * and leave it "raw", as Redis does, so GET, SETRANGE, APPEND and OBJECT ENCODING agree.
 *
 * <p>Argument checks come in Redis 7.2's order (bitops.c): BITCOUNT and BITPOS look the key up
 * before parsing their range, so a missing key answers 0 (or BITPOS's -1/0) whatever the range
 * says. An int-encoded value is read as its decimal digits (a copy of at most 20 bytes). BITOP
 * runs over all its keys at once; keys on several shards go through {@link CrossShard#gather}.
 */
public final class BitmapCommands {
    private BitmapCommands() {
    }

    static final byte[] BIT_OFFSET = Reply.err("ERR bit offset is not an integer or out of range");
    private static final byte[] BIT_VALUE = Reply.err("ERR bit is not an integer or out of range");
    private static final byte[] BIT_ARGUMENT = Reply.err("ERR The bit argument must be 1 or 0.");
    private static final byte[] NOT_ONE_KEY = Reply.err("ERR BITOP NOT must be called with a single source key.");
    private static final byte[] BIT = {'B', 'I', 'T'};
    private static final byte[] BYTE = {'B', 'Y', 'T', 'E'};
    private static final byte[] AND = {'A', 'N', 'D'};
    private static final byte[] OR = {'O', 'R'};
    private static final byte[] XOR = {'X', 'O', 'R'};
    private static final byte[] NOT = {'N', 'O', 'T'};

    /** Eight bytes at a time, for counting and skipping runs of whole bytes. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Returned by {@link #bitOffset} after it replied the error. */
    static final long BAD_OFFSET = -1;

    /**
     * Redis's getBitOffsetFromArgument: argument {@code i} as a bit offset, or {@link #BAD_OFFSET}
     * after replying the error. With {@code bits > 0}, "#n" means n * bits (BITFIELD's form; the
     * product wraps as Redis's does). The offset's byte must be below proto-max-bulk-len, and the
     * bytes up to it must fit a Java array.
     */
    static long bitOffset(final Ctx c, final int i, final int bits) {
        final Request r = c.req;
        final byte[] b = r.buf();
        final int off = r.off(i);
        final int len = r.len(i);
        final int hash = bits > 0 && len > 0 && b[off] == '#' ? 1 : 0;
        final long v = Numbers.parseLong(b, off + hash, len - hash, Long.MIN_VALUE);
        if (v == Long.MIN_VALUE && !Numbers.isLongMin(b, off + hash, len - hash)) {
            c.out.raw(BIT_OFFSET);
            return BAD_OFFSET;
        }
        final long offset = hash == 1 ? v * bits : v;
        final long maxBytes = Math.min(c.server.config.protoMaxBulkLen, Integer.MAX_VALUE - 64L);
        if (offset < 0 || (offset >>> 3) >= maxBytes) {
            c.out.raw(BIT_OFFSET);
            return BAD_OFFSET;
        }
        return offset;
    }

    /** The bytes of a string value: its page, or a copy of an int-encoded value's digits. */
    static byte[] bytes(final Db db, final long a) {
        return Strings.isInt(db, a) ? Strings.valueBytes(db, a) : db.page(a);
    }

    /** Where the value starts in {@link #bytes}. */
    static int start(final Db db, final long a) {
        return Strings.isInt(db, a) ? 0 : db.valueOffset(a);
    }

    // SETBIT key offset value
    public static void setbit(final Ctx c) {
        final long offset = bitOffset(c, 2, 0);
        if (offset == BAD_OFFSET) {
            return;
        }
        final Request r = c.req;
        if (!r.parseLong(3) || (r.longValue & ~1L) != 0) {
            c.out.raw(BIT_VALUE);
            return;
        }
        final int on = (int) r.longValue;
        final Db db = c.db;
        final long h = c.keyHash(1);
        final long existing = c.find(1, h);
        if (existing != 0 && !Strings.isString(db, existing)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        final int byteIndex = (int) (offset >>> 3);
        final int oldLen = existing == 0 ? -1 : Strings.length(db, existing);
        final long a = Strings.growZeroed(db, r.buf(), r.off(1), r.len(1), h, existing, byteIndex + 1);
        final byte[] p = db.page(a);
        final int at = db.valueOffset(a) + byteIndex;
        final int mask = 0x80 >>> (int) (offset & 7);
        final int old = (p[at] & mask) != 0 ? 1 : 0;
        // Redis 7.2 counts a change (event, dirty) only when the key was created or grew, or the bit flipped
        if (oldLen != db.valueLength(a) || old != on) {
            p[at] = (byte) (on == 1 ? p[at] | mask : p[at] & ~mask);
            Notify.event(c, Notify.STRING, "setbit", 1);
        } else {
            c.keysUnchanged();
        }
        c.out.raw(old == 1 ? Reply.ONE : Reply.ZERO);
    }

    // GETBIT key offset
    public static void getbit(final Ctx c) {
        final long offset = bitOffset(c, 2, 0);
        if (offset == BAD_OFFSET) {
            return;
        }
        final Db db = c.db;
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.raw(Reply.ZERO);
            return;
        }
        if (!Strings.isString(db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        final long byteIndex = offset >>> 3;
        if (byteIndex >= Strings.length(db, a)) {
            c.out.raw(Reply.ZERO);
            return;
        }
        final byte b = bytes(db, a)[start(db, a) + (int) byteIndex];
        c.out.raw((b & (0x80 >>> (int) (offset & 7))) != 0 ? Reply.ONE : Reply.ZERO);
    }

    /**
     * Parses BITCOUNT's/BITPOS's index unit at argument i: 1 for BIT, 0 for BYTE; replies the
     * syntax error and returns -1 otherwise.
     */
    private static int unit(final Ctx c, final int i) {
        if (c.req.argIs(i, BIT)) {
            return 1;
        }
        if (c.req.argIs(i, BYTE)) {
            return 0;
        }
        c.out.raw(Errors.SYNTAX);
        return -1;
    }

    // BITCOUNT key [start end [BYTE | BIT]]
    public static void bitcount(final Ctx c) {
        final Db db = c.db;
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            c.out.raw(Reply.ZERO);
            return;
        }
        if (!Strings.isString(db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        final Request r = c.req;
        final long len = Strings.length(db, a);
        long startBit;
        long endBit;
        if (r.argc() == 4 || r.argc() == 5) {
            if (!r.parseLong(2)) {
                c.out.raw(Errors.NOT_INTEGER);
                return;
            }
            final long start = r.longValue;
            if (!r.parseLong(3)) {
                c.out.raw(Errors.NOT_INTEGER);
                return;
            }
            final long end = r.longValue;
            // before the unit is looked at: BITCOUNT k -1 -2 FOO counts 0 (Redis 7.0 and 7.2)
            if (start < 0 && end < 0 && start > end) {
                c.out.raw(Reply.ZERO);
                return;
            }
            boolean isBit = false;
            if (r.argc() == 5) {
                final int u = unit(c, 4);
                if (u < 0) {
                    return;
                }
                isBit = u == 1;
            }
            final long[] bits = bitRange(start, end, len, isBit);
            startBit = bits[0];
            endBit = bits[1];
        } else if (r.argc() == 2) {
            startBit = 0;
            endBit = (len << 3) - 1;
        } else {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        c.out.integer(startBit > endBit ? 0 : countBits(bytes(db, a), start(db, a), startBit, endBit));
    }

    /**
     * Redis's range rule of BITCOUNT and BITPOS: negative indexes count from the end, both clamp
     * to the value (of {@code len} bytes), an inverted range is empty. Byte indexes unless
     * {@code isBit}. Returns {first bit, last bit}, the first past the last when empty.
     */
    private static long[] bitRange(final long from, final long to, final long len, final boolean isBit) {
        final long total = isBit ? len << 3 : len;
        long start = from;
        long end = to;
        if (start < 0) {
            start = total + start;
        }
        if (end < 0) {
            end = total + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (end < 0) {
            end = 0;
        }
        if (end >= total) {
            end = total - 1;
        }
        if (start > end) {
            start = 1; // an empty range (a start past the end would overflow as a bit index)
            end = 0;
        }
        return new long[] {isBit ? start : start << 3, isBit ? end : (end << 3) + 7};
    }

    // BITPOS key bit [start [end [BYTE | BIT]]]
    public static void bitpos(final Ctx c) {
        final Request r = c.req;
        if (!r.parseLong(2)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        if (r.longValue != 0 && r.longValue != 1) {
            c.out.raw(BIT_ARGUMENT);
            return;
        }
        final int bit = (int) r.longValue;
        final Db db = c.db;
        final long a = c.findRead(1, c.keyHash(1));
        if (a == 0) {
            // a missing key is an endless run of zeros
            c.out.raw(bit == 1 ? Reply.MINUS_ONE : Reply.ZERO);
            return;
        }
        if (!Strings.isString(db, a)) {
            c.out.raw(Errors.WRONGTYPE);
            return;
        }
        final long len = Strings.length(db, a);
        boolean endGiven = false;
        long startBit;
        long endBit;
        if (r.argc() >= 4 && r.argc() <= 6) {
            if (!r.parseLong(3)) {
                c.out.raw(Errors.NOT_INTEGER);
                return;
            }
            final long start = r.longValue;
            boolean isBit = false;
            if (r.argc() == 6) {
                final int u = unit(c, 5);
                if (u < 0) {
                    return;
                }
                isBit = u == 1;
            }
            long end;
            if (r.argc() >= 5) {
                if (!r.parseLong(4)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return;
                }
                end = r.longValue;
                endGiven = true;
            } else {
                end = len - 1;
            }
            final long[] bits = bitRange(start, end, len, isBit);
            startBit = bits[0];
            endBit = bits[1];
        } else if (r.argc() == 3) {
            startBit = 0;
            endBit = (len << 3) - 1;
        } else {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        if (startBit > endBit) {
            c.out.raw(Reply.MINUS_ONE); // an empty range holds neither a 0 nor a 1
            return;
        }
        final long pos = findBit(bytes(db, a), start(db, a), startBit, endBit, bit);
        if (pos >= 0) {
            c.out.integer(pos);
        } else if (bit == 0 && !endGiven) {
            // no clear bit up to the end of the string: the string goes on with zeros
            c.out.integer(endBit + 1);
        } else {
            c.out.raw(Reply.MINUS_ONE);
        }
    }

    /** Set bits of p (value at {@code base}) from bit {@code from} to bit {@code to}, both included. */
    static long countBits(final byte[] p, final int base, final long from, final long to) {
        final int first = (int) (from >>> 3);
        final int last = (int) (to >>> 3);
        final int headMask = 0xff >>> (int) (from & 7);
        final int tailMask = (0xff << (7 - (int) (to & 7))) & 0xff;
        if (first == last) {
            return Integer.bitCount(p[base + first] & headMask & tailMask);
        }
        long n = Integer.bitCount(p[base + first] & headMask) + Integer.bitCount(p[base + last] & tailMask);
        int i = base + first + 1;
        final int stop = base + last;
        for (; i + 8 <= stop; i += 8) {
            n += Long.bitCount((long) LONGS.get(p, i));
        }
        for (; i < stop; i++) {
            n += Integer.bitCount(p[i] & 0xff);
        }
        return n;
    }

    /** The first bit equal to {@code bit} from bit {@code from} to bit {@code to} (included), or -1. */
    static long findBit(final byte[] p, final int base, final long from, final long to, final int bit) {
        final int first = (int) (from >>> 3);
        final int last = (int) (to >>> 3);
        final int flip = bit == 1 ? 0 : 0xff; // look for a set bit in the bytes as they are, or inverted
        final long skip = bit == 1 ? 0 : -1L;
        for (int i = first; i <= last; i++) {
            if (i != first && i + 8 <= last && (long) LONGS.get(p, base + i) == skip) {
                i += 7;
                continue;
            }
            int b = (p[base + i] & 0xff) ^ flip;
            if (i == first) {
                b &= 0xff >>> (int) (from & 7);
            }
            if (i == last) {
                b &= 0xff << (7 - (int) (to & 7));
            }
            if (b != 0) {
                return ((long) i << 3) + Integer.numberOfLeadingZeros(b) - 24;
            }
        }
        return -1;
    }

    // BITOP AND | OR | XOR | NOT destkey key [key ...]
    public static void bitop(final Ctx c) {
        final Request r = c.req;
        final int op;
        if (r.argIs(1, AND)) {
            op = 0;
        } else if (r.argIs(1, OR)) {
            op = 1;
        } else if (r.argIs(1, XOR)) {
            op = 2;
        } else if (r.argIs(1, NOT)) {
            op = 3;
        } else {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        if (op == 3 && r.argc() != 4) {
            c.out.raw(NOT_ONE_KEY);
            return;
        }
        final Db db = c.db;
        final int n = r.argc() - 3;
        // Slow command: one array per source (pages of byte-valued entries are referenced, not
        // copied; the lookups below free nothing but expired keys, which moves no other entry).
        final byte[][] src = new byte[n][];
        final int[] from = new int[n];
        final int[] len = new int[n];
        int maxLen = 0;
        for (int j = 0; j < n; j++) {
            final long a = c.findRead(3 + j, c.keyHash(3 + j));
            if (a == 0) {
                continue;
            }
            if (!Strings.isString(db, a)) {
                c.out.raw(Errors.WRONGTYPE);
                return;
            }
            src[j] = bytes(db, a);
            from[j] = start(db, a);
            len[j] = Strings.length(db, a);
            maxLen = Math.max(maxLen, len[j]);
        }
        final long h = c.keyHash(2);
        if (maxLen == 0) {
            if (db.delete(r.buf(), r.off(2), r.len(2), h, c.now)) {
                Notify.event(c, Notify.GENERIC, "del", 2);
            }
            c.out.integer(0);
            return;
        }
        final byte[] out = new byte[maxLen];
        for (int i = 0; i < maxLen; i++) {
            int v = i < len[0] ? src[0][from[0] + i] & 0xff : 0;
            if (op == 3) {
                v = ~v & 0xff;
            }
            for (int j = 1; j < n; j++) {
                final int b = i < len[j] ? src[j][from[j] + i] & 0xff : 0;
                v = op == 0 ? v & b : op == 1 ? v | b : v ^ b;
            }
            out[i] = (byte) v;
        }
        Strings.setRaw(db, r.buf(), r.off(2), r.len(2), h, c.find(2, h), out, 0, maxLen);
        Notify.event(c, Notify.STRING, "set", 2);
        c.out.integer(maxLen);
    }
}
