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
 * The "cmsgpack" table Redis ships (lua-cmsgpack 0.4.0): pack of any number of values into one
 * MessagePack string, unpack of every value back, unpack_one and unpack_limit with their offsets.
 * Integral numbers take the smallest integer form, others a float when it holds the value exactly,
 * else a double; a table whose keys are exactly 1..n is an array, any other a map; tables nested
 * deeper than 16 and values MessagePack cannot hold (functions...) pack as nil. Stateless.
 */
final class CmsgpackLib {
    private static final int MAX_NESTING = 16;
    private static final int OK = 0;
    private static final int EOF = 1;
    private static final int BADFMT = 2;

    private CmsgpackLib() {
    }

    static LuaTable table() {
        final LuaTable t = new LuaTable();
        t.rawset("pack", CjsonLib.fn(CmsgpackLib::pack));
        t.rawset("unpack", CjsonLib.fn(a -> unpack(a, 0, 0)));
        t.rawset("unpack_one", CjsonLib.fn(a -> {
            final long offset = a.arg(2).isnil() ? 0 : LuaNumbers.checkInteger(a, 2, "unpack_one");
            return unpack(a, 1, offset);
        }));
        t.rawset("unpack_limit", CjsonLib.fn(a -> {
            final long limit = LuaNumbers.checkInteger(a, 2, "unpack_limit");
            final long offset = a.arg(3).isnil() ? 0 : LuaNumbers.checkInteger(a, 3, "unpack_limit");
            return unpack(a, limit, offset);
        }));
        t.rawset("_NAME", LuaValue.valueOf("cmsgpack"));
        t.rawset("_VERSION", LuaValue.valueOf("lua-cmsgpack 0.4.0"));
        t.rawset("_COPYRIGHT", LuaValue.valueOf("Copyright (C) 2012, Salvatore Sanfilippo"));
        t.rawset("_DESCRIPTION", LuaValue.valueOf("MessagePack C implementation for Lua"));
        return t;
    }

    private static Varargs pack(final Varargs a) {
        if (a.narg() == 0) {
            throw LuaNumbers.argError(0, "pack", "MessagePack pack needs input.");
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream(32);
        for (int i = 1; i <= a.narg(); i++) {
            encode(out, a.arg(i), 0);
        }
        return LuaValue.valueOf(out.toByteArray());
    }

    private static void be(final ByteArrayOutputStream out, final long v, final int bytes) {
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }

    private static void encode(final ByteArrayOutputStream out, final LuaValue v, final int level) {
        switch (v.type()) {
            case LuaValue.TSTRING -> {
                final LuaString s = (LuaString) v;
                final int len = s.m_length;
                if (len < 32) {
                    out.write(0xa0 | len);
                } else if (len <= 0xff) {
                    out.write(0xd9);
                    out.write(len);
                } else if (len <= 0xffff) {
                    out.write(0xda);
                    be(out, len, 2);
                } else {
                    out.write(0xdb);
                    be(out, len, 4);
                }
                out.write(s.m_bytes, s.m_offset, len);
            }
            case LuaValue.TBOOLEAN -> out.write(v.toboolean() ? 0xc3 : 0xc2);
            case LuaValue.TNUMBER -> number(out, v.todouble());
            case LuaValue.TTABLE -> {
                if (level == MAX_NESTING) {
                    out.write(0xc0);
                } else if (isArray((LuaTable) v)) {
                    array(out, (LuaTable) v, level);
                } else {
                    map(out, (LuaTable) v, level);
                }
            }
            default -> out.write(0xc0);
        }
    }

    private static void number(final ByteArrayOutputStream out, final double d) {
        if (!Double.isInfinite(d) && LuaNumbers.toInt64(d) == d) {
            integer(out, LuaNumbers.toInt64(d));
        } else if ((double) (float) d == d) {
            out.write(0xca);
            be(out, Float.floatToRawIntBits((float) d) & 0xffffffffL, 4);
        } else {
            out.write(0xcb);
            be(out, Double.doubleToRawLongBits(d), 8);
        }
    }

    private static void integer(final ByteArrayOutputStream out, final long n) {
        if (n >= 0) {
            if (n <= 127) {
                out.write((int) n);
            } else if (n <= 0xff) {
                out.write(0xcc);
                out.write((int) n);
            } else if (n <= 0xffff) {
                out.write(0xcd);
                be(out, n, 2);
            } else if (n <= 0xffffffffL) {
                out.write(0xce);
                be(out, n, 4);
            } else {
                out.write(0xcf);
                be(out, n, 8);
            }
        } else if (n >= -32) {
            out.write((int) n & 0xff);
        } else if (n >= -128) {
            out.write(0xd0);
            out.write((int) n & 0xff);
        } else if (n >= -32768) {
            out.write(0xd1);
            be(out, n, 2);
        } else if (n >= Integer.MIN_VALUE) {
            out.write(0xd2);
            be(out, n, 4);
        } else {
            out.write(0xd3);
            be(out, n, 8);
        }
    }

    /** True when the keys are exactly the integers 1..n (the empty table included). */
    private static boolean isArray(final LuaTable t) {
        long count = 0;
        double max = 0;
        LuaValue k = LuaValue.NIL;
        while (true) {
            final Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                return max == count;
            }
            if (k.type() != LuaValue.TNUMBER) {
                return false;
            }
            final double d = k.todouble();
            if (d <= 0 || d != Math.floor(d)) {
                return false;
            }
            max = Math.max(max, d);
            count++;
        }
    }

    private static void array(final ByteArrayOutputStream out, final LuaTable t, final int level) {
        final int len = t.length();
        if (len < 16) {
            out.write(0x90 | len);
        } else if (len <= 0xffff) {
            out.write(0xdc);
            be(out, len, 2);
        } else {
            out.write(0xdd);
            be(out, len, 4);
        }
        for (int i = 1; i <= len; i++) {
            encode(out, t.rawget(i), level + 1);
        }
    }

    private static void map(final ByteArrayOutputStream out, final LuaTable t, final int level) {
        final List<LuaValue> kv = new ArrayList<>();
        LuaValue k = LuaValue.NIL;
        while (true) {
            final Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            kv.add(k);
            kv.add(n.arg(2));
        }
        final int len = kv.size() / 2;
        if (len < 16) {
            out.write(0x80 | len);
        } else if (len <= 0xffff) {
            out.write(0xde);
            be(out, len, 2);
        } else {
            out.write(0xdf);
            be(out, len, 4);
        }
        for (final LuaValue x : kv) {
            encode(out, x, level + 1);
        }
    }

    /** mp_unpack_full: limit 0 and offset 0 decode everything and return no offset. */
    private static Varargs unpack(final Varargs a, final long limit, final long offset) {
        final LuaString s = LuaNumbers.checkString(a, 1, "unpack");
        final int len = s.m_length;
        if (offset < 0 || limit < 0) {
            throw new LuaError("Invalid request to unpack with offset of " + offset + " and limit of " + len + ".");
        }
        if (offset > len) {
            throw new LuaError("Start offset " + offset + " greater than input length " + len + ".");
        }
        final boolean all = limit == 0 && offset == 0;
        final Cursor c = new Cursor(s.m_bytes, s.m_offset + (int) offset, len - (int) offset);
        final List<LuaValue> values = new ArrayList<>();
        final long max = all ? Integer.MAX_VALUE : limit;
        for (long n = 0; c.left > 0 && n < max; n++) {
            final LuaValue v = c.decode();
            if (c.err == EOF) {
                throw new LuaError("Missing bytes in input.");
            } else if (c.err == BADFMT) {
                throw new LuaError("Bad data format in input.");
            }
            values.add(v);
        }
        if (!all) {
            values.add(0, LuaValue.valueOf(c.left == 0 ? -1 : len - c.left));
        }
        return LuaValue.varargsOf(values.toArray(LuaValue[]::new));
    }

    /** The input being decoded: position, bytes left, and the first error met. */
    private static final class Cursor {
        private final byte[] b;
        private int p;
        int left;
        int err = OK;

        Cursor(final byte[] b, final int p, final int left) {
            this.b = b;
            this.p = p;
            this.left = left;
        }

        private boolean need(final long n) {
            if (left < n) {
                err = EOF;
                return false;
            }
            return true;
        }

        private long be(final int at, final int bytes) {
            long v = 0;
            for (int i = 0; i < bytes; i++) {
                v = v << 8 | (b[p + at + i] & 0xff);
            }
            return v;
        }

        private void skip(final int n) {
            p += n;
            left -= n;
        }

        private LuaValue number(final int header, final double v) {
            skip(header);
            return LuaValue.valueOf(v);
        }

        private LuaValue str(final int header, final long n) {
            if (!need(header + n)) {
                return LuaValue.NIL;
            }
            final LuaString s = LuaString.valueOf(java.util.Arrays.copyOfRange(b, p + header, p + header + (int) n));
            skip(header + (int) n);
            return s;
        }

        LuaValue decode() {
            final int t = b[p] & 0xff;
            switch (t) {
                case 0xcc: return need(2) ? number(2, be(1, 1)) : LuaValue.NIL;
                case 0xd0: return need(2) ? number(2, (byte) be(1, 1)) : LuaValue.NIL;
                case 0xcd: return need(3) ? number(3, be(1, 2)) : LuaValue.NIL;
                case 0xd1: return need(3) ? number(3, (short) be(1, 2)) : LuaValue.NIL;
                case 0xce: return need(5) ? number(5, be(1, 4)) : LuaValue.NIL;
                case 0xd2: return need(5) ? number(5, (int) be(1, 4)) : LuaValue.NIL;
                case 0xcf, 0xd3: return need(9) ? number(9, be(1, 8)) : LuaValue.NIL;
                case 0xc0: skip(1); return LuaValue.NIL;
                case 0xc3: skip(1); return LuaValue.TRUE;
                case 0xc2: skip(1); return LuaValue.FALSE;
                case 0xca: return need(5) ? number(5, Float.intBitsToFloat((int) be(1, 4))) : LuaValue.NIL;
                case 0xcb: return need(9) ? number(9, Double.longBitsToDouble(be(1, 8))) : LuaValue.NIL;
                case 0xd9: return need(2) ? str(2, be(1, 1)) : LuaValue.NIL;
                case 0xda: return need(3) ? str(3, be(1, 2)) : LuaValue.NIL;
                case 0xdb: return need(5) ? str(5, be(1, 4)) : LuaValue.NIL;
                case 0xdc: return need(3) ? array(3, be(1, 2)) : LuaValue.NIL;
                case 0xdd: return need(5) ? array(5, be(1, 4)) : LuaValue.NIL;
                case 0xde: return need(3) ? map(3, be(1, 2)) : LuaValue.NIL;
                case 0xdf: return need(5) ? map(5, be(1, 4)) : LuaValue.NIL;
                default:
                    if ((t & 0x80) == 0) {
                        return number(1, t);
                    } else if ((t & 0xe0) == 0xe0) {
                        return number(1, (byte) t);
                    } else if ((t & 0xe0) == 0xa0) {
                        return str(1, t & 0x1f);
                    } else if ((t & 0xf0) == 0x90) {
                        return array(1, t & 0xf);
                    } else if ((t & 0xf0) == 0x80) {
                        return map(1, t & 0xf);
                    }
                    err = BADFMT;
                    return LuaValue.NIL;
            }
        }

        private LuaValue array(final int header, final long n) {
            skip(header);
            final LuaTable t = new LuaTable();
            for (long i = 1; i <= n; i++) {
                if (!need(1)) {
                    return t;
                }
                final LuaValue v = decode();
                if (err != OK) {
                    return t;
                }
                t.rawset((int) i, v);
            }
            return t;
        }

        private LuaValue map(final int header, final long n) {
            skip(header);
            final LuaTable t = new LuaTable();
            for (long i = 0; i < n; i++) {
                if (!need(1)) {
                    return t;
                }
                final LuaValue k = decode();
                if (err != OK || !need(1)) {
                    return t;
                }
                final LuaValue v = decode();
                if (err != OK) {
                    return t;
                }
                if (k.isnil()) {
                    throw new ScriptErrors.Unpositioned("table index is nil");
                }
                if (k.type() == LuaValue.TNUMBER && Double.isNaN(k.todouble())) {
                    throw new ScriptErrors.Unpositioned("table index is NaN");
                }
                t.rawset(k, v);
            }
            return t;
        }
    }
}
