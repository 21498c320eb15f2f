package io.moon.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The "struct" table Redis ships (Roberto Ierusalimschy's struct library): pack, unpack and size
 * of binary records described by a format string, with the sizes of Redis's 64-bit Linux build
 * (short 2, int 4, long and size_t 8, native order little-endian, maximum alignment 8).
 *
 * <p>Format letters: {@code > <} byte order, {@code !n} alignment, {@code x} a zero byte,
 * {@code b B h H l L T i I in In} integers (lower case signed), {@code f d} floats, {@code cn}
 * n bytes (c0: the whole string when packing, the previous number's count when unpacking),
 * {@code s} a zero-terminated string, space ignored. Stateless.
 */
final class StructLib {
    private static final int MAXINTSIZE = 32;
    private static final int MAXALIGN = 8;

    private StructLib() {
    }

    static LuaTable table() {
        final LuaTable t = new LuaTable();
        t.rawset("pack", CjsonLib.fn(StructLib::pack));
        t.rawset("unpack", CjsonLib.fn(StructLib::unpack));
        t.rawset("size", CjsonLib.fn(StructLib::size));
        return t;
    }

    /** A format being read: position, byte order and alignment. */
    private static final class Format {
        final byte[] f;
        int p;
        final int end;
        boolean little = true;
        int align = 1;

        Format(final LuaString s) {
            f = s.m_bytes;
            p = s.m_offset;
            int e = s.m_offset;
            while (e < s.m_offset + s.m_length && f[e] != 0) {
                e++;
            }
            end = e;
        }

        boolean more() {
            return p < end;
        }

        int opt() {
            return f[p++] & 0xff;
        }

        int num(final int df) {
            if (p >= end || !Character.isDigit(f[p])) {
                return df;
            }
            int a = 0;
            while (p < end && f[p] >= '0' && f[p] <= '9') {
                a = a * 10 + (f[p++] - '0');
            }
            return a;
        }

        long size(final int opt) {
            return switch (opt) {
                case 'B', 'b' -> 1;
                case 'H', 'h' -> 2;
                case 'L', 'l', 'T', 'd' -> 8;
                case 'f' -> 4;
                case 'x' -> 1;
                case 'c' -> num(1);
                case 'i', 'I' -> {
                    final int sz = num(4);
                    if (sz > MAXINTSIZE) {
                        throw new LuaError("integral size " + sz + " is larger than limit of " + MAXINTSIZE);
                    }
                    yield sz;
                }
                default -> 0;
            };
        }

        long toAlign(final long len, final int opt, final long size) {
            if (size == 0 || opt == 'c') {
                return 0;
            }
            final long s = Math.min(size, align);
            return (s - (len & (s - 1))) & (s - 1);
        }

        void control(final int opt, final String fn) {
            switch (opt) {
                case ' ' -> {
                }
                case '>' -> little = false;
                case '<' -> little = true;
                case '!' -> {
                    final int a = num(MAXALIGN);
                    if (a <= 0 || (a & (a - 1)) != 0) {
                        throw new LuaError("alignment " + a + " is not a power of 2");
                    }
                    align = a;
                }
                default -> throw LuaNumbers.argError(1, fn, "invalid format option '" + (char) opt + "'");
            }
        }
    }

    private static void putBytes(final ByteArrayOutputStream out, final long value, final int size, final boolean little) {
        final byte[] buf = new byte[size];
        long v = value;
        for (int i = 0; i < size; i++) {
            buf[little ? i : size - 1 - i] = (byte) v;
            v >>>= 8;
        }
        out.write(buf, 0, size);
    }

    private static Varargs pack(final Varargs a) {
        final Format fmt = new Format(LuaNumbers.checkString(a, 1, "pack"));
        // C pushes a nil after the arguments, so a missing one reads "got nil", not "no value"
        final LuaValue[] marked = new LuaValue[a.narg() + 1];
        for (int i = 0; i < a.narg(); i++) {
            marked[i] = a.arg(i + 1);
        }
        marked[a.narg()] = LuaValue.NIL;
        final Varargs withMark = LuaValue.varargsOf(marked);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int arg = 2;
        long total = 0;
        while (fmt.more()) {
            final int opt = fmt.opt();
            long size = fmt.size(opt);
            final long pad = fmt.toAlign(total, opt, size);
            total += pad;
            for (long i = 0; i < pad; i++) {
                out.write(0);
            }
            switch (opt) {
                case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> {
                    final double n = LuaNumbers.checkNumber(withMark, arg++, "pack");
                    putBytes(out, n < 0 ? LuaNumbers.toInt64(n) : LuaNumbers.toUint64(n), (int) size, fmt.little);
                }
                case 'x' -> out.write(0);
                case 'f' -> putBytes(out, Float.floatToRawIntBits((float) LuaNumbers.checkNumber(withMark, arg++, "pack")),
                        4, fmt.little);
                case 'd' -> putBytes(out, Double.doubleToRawLongBits(LuaNumbers.checkNumber(withMark, arg++, "pack")),
                        8, fmt.little);
                case 'c', 's' -> {
                    final LuaString s = LuaNumbers.checkString(withMark, arg++, "pack");
                    if (size == 0) {
                        size = s.m_length;
                    }
                    if (s.m_length < size) {
                        throw LuaNumbers.argError(arg, "pack", "string too short");
                    }
                    out.write(s.m_bytes, s.m_offset, (int) size);
                    if (opt == 's') {
                        out.write(0);
                        size++;
                    }
                }
                default -> fmt.control(opt, "pack");
            }
            total += size;
        }
        return LuaValue.valueOf(out.toByteArray());
    }

    private static long getInteger(final byte[] b, final int at, final boolean little, final boolean signed, final int size) {
        long l = 0;
        for (int i = 0; i < size; i++) {
            l <<= 8;
            l |= b[at + (little ? size - 1 - i : i)] & 0xff;
        }
        if (signed) {
            final long mask = -1L << (size * 8 - 1);
            if ((l & mask) != 0) {
                l |= mask;
            }
        }
        return l;
    }

    private static Varargs unpack(final Varargs a) {
        final Format fmt = new Format(LuaNumbers.checkString(a, 1, "unpack"));
        final LuaString data = LuaNumbers.checkString(a, 2, "unpack");
        final long ld = data.m_length;
        long pos = (a.arg(3).isnil() ? 1 : LuaNumbers.checkInteger(a, 3, "unpack")) - 1;
        if (pos == -1) { // C's offset is unsigned: only 0 is refused here, a negative one is too short below
            throw LuaNumbers.argError(3, "unpack", "offset must be 1 or greater");
        }
        final List<LuaValue> out = new ArrayList<>();
        final byte[] b = data.m_bytes;
        final int base = data.m_offset;
        while (fmt.more()) {
            final int opt = fmt.opt();
            long size = fmt.size(opt);
            pos += fmt.toAlign(pos, opt, size);
            if (pos < 0 || size > ld - pos) { // (C compares unsigned: a start wrapped past the end is too short too)
                throw LuaNumbers.argError(2, "unpack", "data string too short");
            }
            final int at = base + (int) pos;
            switch (opt) {
                case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> {
                    final boolean signed = Character.isLowerCase(opt);
                    final long l = getInteger(b, at, fmt.little, signed, (int) size);
                    out.add(LuaValue.valueOf(signed ? (double) l : LuaNumbers.fromUint64(l)));
                }
                case 'x' -> {
                }
                case 'f' -> out.add(LuaValue.valueOf(Float.intBitsToFloat((int) getInteger(b, at, fmt.little, false, 4))));
                case 'd' -> out.add(LuaValue.valueOf(Double.longBitsToDouble(getInteger(b, at, fmt.little, false, 8))));
                case 'c' -> {
                    if (size == 0) {
                        final LuaValue last = out.isEmpty() ? data : out.get(out.size() - 1);
                        if (!last.isnumber()) {
                            throw new LuaError("format 'c0' needs a previous size");
                        }
                        size = LuaNumbers.toInt64(last.todouble());
                        if (!out.isEmpty()) {
                            out.remove(out.size() - 1);
                        }
                        if (size < 0 || pos + size > ld) {
                            throw LuaNumbers.argError(2, "unpack", "data string too short");
                        }
                    }
                    out.add(LuaString.valueOf(java.util.Arrays.copyOfRange(b, at, at + (int) size)));
                }
                case 's' -> {
                    int e = at;
                    while (e < base + ld && b[e] != 0) {
                        e++;
                    }
                    if (e == base + ld) {
                        throw new LuaError("unfinished string in data");
                    }
                    size = e - at + 1;
                    out.add(LuaString.valueOf(java.util.Arrays.copyOfRange(b, at, e)));
                }
                default -> fmt.control(opt, "unpack");
            }
            pos += size;
        }
        out.add(LuaValue.valueOf((double) (pos + 1)));
        return LuaValue.varargsOf(out.toArray(LuaValue[]::new));
    }

    private static Varargs size(final Varargs a) {
        final Format fmt = new Format(LuaNumbers.checkString(a, 1, "size"));
        long pos = 0;
        while (fmt.more()) {
            final int opt = fmt.opt();
            final long size = fmt.size(opt);
            pos += fmt.toAlign(pos, opt, size);
            if (opt == 's') {
                throw LuaNumbers.argError(1, "size", "option 's' has no fixed size");
            } else if (opt == 'c' && size == 0) {
                throw LuaNumbers.argError(1, "size", "option 'c0' has no fixed size");
            }
            if (!(opt >= '0' && opt <= '9' || (opt | 0x20) >= 'a' && (opt | 0x20) <= 'z')) {
                fmt.control(opt, "size");
            }
            pos += size;
        }
        return LuaValue.valueOf((double) pos);
    }
}
