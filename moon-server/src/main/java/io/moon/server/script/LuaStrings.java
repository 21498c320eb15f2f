package io.moon.server.script;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Where LuaJ's string functions differ from Lua 5.1's: the pattern functions (find, match,
 * gmatch, gsub) are {@link LuaPatterns}, Lua 5.1's matcher; and LuaJ converts indexes and counts
 * to int its own way, where Lua 5.1 converts them as x86 does (a 64-bit conversion, LONG_MIN for
 * what does not fit, then int for luaL_checkint): 2^31 or 1e308 as an index of string.sub or
 * string.byte, or a byte of string.char.
 */
final class LuaStrings {
    private LuaStrings() {
    }

    /** Installs the string functions; {@code step} is told of each step of a pattern match (see LuaShard.Hook). */
    static void install(final LuaTable string, final Runnable step) {
        LuaPatterns.install(string, step);
        string.rawset("byte", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                final LuaString s = a.checkstring(1);
                final long l = s.length();
                final long i = relative(a.isnoneornil(2) ? 1 : LuaNumbers.toInt64(a.checkdouble(2)), l);
                long j = relative(a.isnoneornil(3) ? i : LuaNumbers.toInt64(a.checkdouble(3)), l);
                final long from = Math.max(i, 1);
                j = Math.min(j, l);
                if (from > j) {
                    return LuaValue.NONE;
                }
                final LuaValue[] out = new LuaValue[(int) (j - from + 1)];
                for (int k = 0; k < out.length; k++) {
                    out[k] = LuaValue.valueOf(s.luaByte((int) from - 1 + k));
                }
                return LuaValue.varargsOf(out);
            }
        });
        string.rawset("char", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                final byte[] b = new byte[a.narg()];
                for (int i = 0; i < b.length; i++) { // LuaArgs checked each is a number that converts to a byte
                    b[i] = (byte) LuaNumbers.toInt(a.checkdouble(i + 1));
                }
                return LuaValue.valueOf(b);
            }
        });
        string.rawset("sub", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                return LuaStrings.sub(a.checkstring(1), a.checkdouble(2), a.isnoneornil(3) ? -1 : a.checkdouble(3));
            }
        });
    }

    /** Lua 5.1's string.sub: indexes are 64-bit (x86's conversion), relative from the end when negative, then clamped. */
    static LuaValue sub(final LuaString s, final double from, final double to) {
        final long l = s.length();
        long start = relative(LuaNumbers.toInt64(from), l);
        long end = relative(LuaNumbers.toInt64(to), l);
        if (start < 1) {
            start = 1;
        }
        if (end > l) {
            end = l;
        }
        return start <= end ? s.substring((int) start - 1, (int) end) : LuaValue.EMPTYSTRING;
    }

    /** Lua 5.1's posrelat: a negative position counts back from the end; before the start is 0. */
    static long relative(final long pos, final long len) {
        final long p = pos < 0 ? pos + len + 1 : pos;
        return p >= 0 ? p : 0;
    }
}
