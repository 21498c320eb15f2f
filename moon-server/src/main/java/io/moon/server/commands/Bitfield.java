package io.moon.server.commands;

import io.moon.protocol.Numbers;
import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.pubsub.Notify;
import io.moon.storage.Db;
import io.moon.storage.Strings;

/**
 * BITFIELD and BITFIELD_RO: integers of 1 to 64 bits (signed i1..i64, unsigned u1..u63) at any
 * bit offset of a string, read, set or incremented with Redis 7.2's overflow rules (WRAP, SAT,
 * FAIL) and replies.
 *
 * <p>As in Redis, every subcommand is checked before anything runs, so a bad argument anywhere
 * leaves the key untouched. A command with a SET or INCRBY first grows the string to the farthest
 * bit it writes (creating the key, even when every write then fails its OVERFLOW FAIL); one with
 * only GETs never writes. The run re-parses the arguments the check accepted instead of keeping a
 * list of operations. Fields are read and written most significant bit first; bits past the end
 * of the string read as 0.
 */
public final class Bitfield {
    private Bitfield() {
    }

    private static final byte[] BAD_TYPE = Reply.err(
            "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.");
    private static final byte[] BAD_OVERFLOW = Reply.err("ERR Invalid OVERFLOW type specified");
    private static final byte[] RO_ONLY_GET = Reply.err("ERR BITFIELD_RO only supports the GET subcommand");
    private static final byte[] GET = {'G', 'E', 'T'};
    private static final byte[] SET = {'S', 'E', 'T'};
    private static final byte[] INCRBY = {'I', 'N', 'C', 'R', 'B', 'Y'};
    private static final byte[] OVERFLOW = {'O', 'V', 'E', 'R', 'F', 'L', 'O', 'W'};
    private static final byte[] WRAP = {'W', 'R', 'A', 'P'};
    private static final byte[] SAT = {'S', 'A', 'T'};
    private static final byte[] FAIL = {'F', 'A', 'I', 'L'};

    private static final int OP_GET = 0;
    private static final int OP_SET = 1;
    private static final int OP_INCRBY = 2;
    private static final int OW_WRAP = 0;
    private static final int OW_SAT = 1;
    private static final int OW_FAIL = 2;
    private static final int ERROR = -1;

    // BITFIELD key [GET encoding offset | [OVERFLOW WRAP | SAT | FAIL] SET encoding offset value |
    //   INCRBY encoding offset increment ...]
    public static void bitfield(final Ctx c) {
        run(c, false);
    }

    // BITFIELD_RO key [GET encoding offset ...]
    public static void bitfieldRo(final Ctx c) {
        run(c, true);
    }

    /** The subcommand at argument j with enough arguments after it, or {@link #ERROR}. */
    private static int opcode(final Request r, final int j) {
        final int remaining = r.argc() - j - 1;
        if (r.argIs(j, GET) && remaining >= 2) {
            return OP_GET;
        }
        if (r.argIs(j, SET) && remaining >= 3) {
            return OP_SET;
        }
        if (r.argIs(j, INCRBY) && remaining >= 3) {
            return OP_INCRBY;
        }
        return ERROR;
    }

    /**
     * The type at argument i as bits, negative for signed (i8 is -8, u8 is 8), or 0 after
     * replying the error. The width is read up to the first zero byte, as Redis reads it.
     */
    private static int type(final Ctx c, final int i) {
        final Request r = c.req;
        final byte[] b = r.buf();
        final int off = r.off(i);
        int len = r.len(i);
        final boolean signed = len > 0 && b[off] == 'i';
        if (len == 0 || (!signed && b[off] != 'u')) {
            c.out.raw(BAD_TYPE);
            return 0;
        }
        for (int k = 1; k < len; k++) {
            if (b[off + k] == 0) {
                len = k;
                break;
            }
        }
        final long bits = Numbers.parseLong(b, off + 1, len - 1, -1);
        if (bits < 1 || bits > (signed ? 64 : 63)) {
            c.out.raw(BAD_TYPE);
            return 0;
        }
        return signed ? (int) -bits : (int) bits;
    }

    private static void run(final Ctx c, final boolean readOnly) {
        final Request r = c.req;
        // first pass: check everything, find the farthest bit written
        int ops = 0;
        boolean writes = false;
        long highestBit = 0;
        for (int j = 2; j < r.argc(); j++) {
            if (r.argIs(j, OVERFLOW) && j + 1 < r.argc()) {
                j++;
                if (!r.argIs(j, WRAP) && !r.argIs(j, SAT) && !r.argIs(j, FAIL)) {
                    c.out.raw(BAD_OVERFLOW);
                    return;
                }
                continue;
            }
            final int op = opcode(r, j);
            if (op == ERROR) {
                c.out.raw(Errors.SYNTAX);
                return;
            }
            final int type = type(c, j + 1);
            if (type == 0) {
                return;
            }
            final int bits = Math.abs(type);
            final long offset = BitmapCommands.bitOffset(c, j + 2, bits);
            if (offset == BitmapCommands.BAD_OFFSET) {
                return;
            }
            if (op != OP_GET) {
                writes = true;
                highestBit = Math.max(highestBit, offset + bits - 1);
                if (!r.parseLong(j + 3)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return;
                }
            }
            ops++;
            j += op == OP_GET ? 2 : 3;
        }
        final Db db = c.db;
        final long h = c.keyHash(1);
        long a;
        boolean grew = false;
        if (!writes) {
            a = c.findRead(1, h);
            if (a != 0 && !Strings.isString(db, a)) {
                c.out.raw(Errors.WRONGTYPE);
                return;
            }
        } else {
            if (readOnly) {
                c.out.raw(RO_ONLY_GET);
                return;
            }
            final long existing = c.find(1, h);
            if (existing != 0 && !Strings.isString(db, existing)) {
                c.out.raw(Errors.WRONGTYPE);
                return;
            }
            final int oldLen = existing == 0 ? -1 : Strings.length(db, existing);
            // the farthest byte is below proto-max-bulk-len and Integer.MAX_VALUE - 64 (bitOffset),
            // but a field may reach up to 63 bits, hence 8 bytes, past its offset's byte
            final long need = (highestBit >>> 3) + 1;
            if (need > Integer.MAX_VALUE - 64) {
                c.out.raw(Errors.STRING_TOO_LONG);
                return;
            }
            a = Strings.growZeroed(db, r.buf(), r.off(1), r.len(1), h, existing, (int) need);
            grew = oldLen != db.valueLength(a);
        }
        c.out.arrayHeader(ops);
        // second pass: run them
        int overflow = OW_WRAP;
        int changes = 0;
        final long[] limit = new long[1];
        for (int j = 2; j < r.argc(); j++) {
            if (r.argIs(j, OVERFLOW)) {
                j++;
                overflow = r.argIs(j, WRAP) ? OW_WRAP : r.argIs(j, SAT) ? OW_SAT : OW_FAIL;
                continue;
            }
            final int op = opcode(r, j);
            final int type = type(c, j + 1);
            final int bits = Math.abs(type);
            final boolean signed = type < 0;
            final long offset = BitmapCommands.bitOffset(c, j + 2, bits);
            if (op == OP_GET) {
                j += 2;
                if (a == 0) {
                    c.out.integer(0);
                    continue;
                }
                final long v = get(BitmapCommands.bytes(db, a), BitmapCommands.start(db, a), Strings.length(db, a),
                        offset, bits);
                c.out.integer(signed ? extend(v, bits) : v);
                continue;
            }
            r.parseLong(j + 3);
            final long arg = r.longValue;
            j += 3;
            final byte[] p = db.page(a);
            final int base = db.valueOffset(a);
            final int len = db.valueLength(a);
            final long old = signed ? extend(get(p, base, len, offset, bits), bits) : get(p, base, len, offset, bits);
            final long value;
            final long reply;
            final int over;
            if (op == OP_INCRBY) {
                over = signed ? signedOverflow(old, arg, bits, overflow, limit)
                        : unsignedOverflow(old, arg, bits, overflow, limit);
                value = over != 0 ? limit[0] : old + arg;
                reply = value;
            } else {
                over = signed ? signedOverflow(arg, 0, bits, overflow, limit)
                        : unsignedOverflow(arg, 0, bits, overflow, limit);
                value = over != 0 ? limit[0] : arg;
                reply = old;
            }
            if (over != 0 && overflow == OW_FAIL) {
                c.out.nullBulk();
                continue;
            }
            c.out.integer(reply);
            set(p, base, offset, bits, value);
            if (grew || old != value) {
                changes++;
            }
        }
        if (changes > 0) {
            Notify.event(c, Notify.STRING, "setbit", 1);
        } else {
            c.keysUnchanged(); // only GETs, or SETs of the bits already there
        }
    }

    /** The unsigned field of {@code bits} bits at bit {@code offset}; bits past {@code len} bytes read 0. */
    static long get(final byte[] p, final int base, final int len, final long offset, final int bits) {
        long v = 0;
        long at = offset;
        for (int k = 0; k < bits; k++, at++) {
            final long byteIndex = at >>> 3;
            final int bit = byteIndex < len ? (p[base + (int) byteIndex] >>> (7 - (int) (at & 7))) & 1 : 0;
            v = (v << 1) | bit;
        }
        return v;
    }

    /** The field read as a signed integer of {@code bits} bits (two's complement). */
    static long extend(final long v, final int bits) {
        return bits < 64 && (v & (1L << (bits - 1))) != 0 ? v | (-1L << bits) : v;
    }

    /** Writes the low {@code bits} bits of {@code value} at bit {@code offset}, most significant first. */
    static void set(final byte[] p, final int base, final long offset, final int bits, final long value) {
        long at = offset;
        for (int k = bits - 1; k >= 0; k--, at++) {
            final int i = base + (int) (at >>> 3);
            final int mask = 0x80 >>> (int) (at & 7);
            p[i] = (byte) (((value >>> k) & 1) != 0 ? p[i] | mask : p[i] & ~mask);
        }
    }

    /**
     * Redis's checkSignedBitfieldOverflow: whether {@code value + incr} leaves the range of a
     * signed field of {@code bits} bits (1 above, -1 below, 0 inside), and in {@code limit[0]}
     * the value to store for WRAP (the sum, wrapped) or SAT (the bound). Long arithmetic wraps
     * exactly as Redis's does, including its classification of out-of-range SET values.
     */
    static int signedOverflow(final long value, final long incr, final int bits, final int overflow,
                              final long[] limit) {
        final long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        final long min = -max - 1;
        final long maxIncr = max - value;
        final long minIncr = min - value;
        final int side;
        if (value > max || (bits != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr)) {
            side = 1;
        } else if (value < min || (bits != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr)) {
            side = -1;
        } else {
            return 0;
        }
        if (overflow == OW_WRAP) {
            long sum = value + incr;
            if (bits < 64) {
                final long mask = -1L << bits;
                sum = (sum & (1L << (bits - 1))) != 0 ? sum | mask : sum & ~mask;
            }
            limit[0] = sum;
        } else if (overflow == OW_SAT) {
            limit[0] = side > 0 ? max : min;
        }
        return side;
    }

    /**
     * Redis's checkUnsignedBitfieldOverflow, {@code value} being unsigned (a negative SET value is
     * a huge one): as {@link #signedOverflow} for a field of {@code bits} (at most 63) bits.
     */
    static int unsignedOverflow(final long value, final long incr, final int bits, final int overflow,
                                final long[] limit) {
        final long max = (1L << bits) - 1;
        final long maxIncr = max - value;
        final long minIncr = -value;
        final int side;
        if (Long.compareUnsigned(value, max) > 0 || (incr > 0 && incr > maxIncr)) {
            side = 1;
        } else if (incr < 0 && incr < minIncr) {
            side = -1;
        } else {
            return 0;
        }
        if (overflow == OW_WRAP) {
            limit[0] = (value + incr) & max;
        } else if (overflow == OW_SAT) {
            limit[0] = side > 0 ? max : 0;
        }
        return side;
    }
}
