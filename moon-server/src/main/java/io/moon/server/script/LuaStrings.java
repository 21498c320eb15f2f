package io.moon.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Where LuaJ's string functions fail on input Lua 5.1 handles: its pattern matcher reads past the
 * end of a malformed pattern ("[a", "%f" without a set) and string.match fails on an empty
 * pattern, each with a Java exception the script saw as "vm error: ...ArrayIndexOutOfBounds...";
 * and it converts indexes and counts to int its own way, where Lua 5.1 converts them as x86 does
 * (a 64-bit conversion, LONG_MIN for what does not fit, then int for luaL_checkint): 2^31 or 1e308
 * as an index of string.sub, string.byte or string.find's init, or a byte of string.char.
 *
 * <p>The matcher reads past the pattern exactly where Lua 5.1's checks it (Lua 5.1 also scans a
 * pattern lazily, item by item), so the failure is turned into the error Lua 5.1 raises there:
 * the first unterminated set ("malformed pattern (missing ']')") or '%f' not followed by a set
 * ("missing '[' after '%f' in pattern"). (A frontier at the very start or end of the subject,
 * "%f[%a]" on "ab", still fails inside LuaJ: Lua 5.1 sees a '\0' there, LuaJ an index out of range.)
 */
final class LuaStrings {
    private LuaStrings() {
    }

    static void install(final LuaTable string) {
        for (final String name : new String[] {"find", "match", "gsub"}) {
            final LuaValue f = string.get(name);
            string.rawset(name, guarded(f, name.equals("match")));
        }
        final LuaValue gmatch = string.get("gmatch");
        string.rawset("gmatch", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                final LuaValue pattern = a.arg(2);
                return guarded(gmatch.invoke(a).arg1(), pattern); // the iterator does the matching
            }
        });
        for (final String name : new String[] {"find", "match"}) { // init as Lua 5.1 reads it
            final LuaValue f = string.get(name);
            string.rawset(name, new VarArgFunction() {
                @Override
                public Varargs invoke(final Varargs a) {
                    if (a.narg() < 3 || a.arg(3).isnil() || !a.arg1().isstring()) {
                        return f.invoke(a);
                    }
                    final long l = a.checkstring(1).length();
                    long init = relative(LuaNumbers.toInt64(a.checkdouble(3)), l) - 1;
                    init = Math.max(0, Math.min(init, l));
                    final LuaValue[] args = new LuaValue[a.narg()];
                    for (int i = 0; i < args.length; i++) {
                        args[i] = a.arg(i + 1);
                    }
                    args[2] = LuaValue.valueOf((int) init + 1);
                    return f.invoke(LuaValue.varargsOf(args));
                }
            });
        }
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

    private static VarArgFunction guarded(final LuaValue f, final boolean match) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                if (match && a.arg(2).isstring() && a.arg(2).checkstring().length() == 0 && a.arg1().isstring()) {
                    return LuaValue.EMPTYSTRING; // an empty pattern matches the empty string at init
                }
                try {
                    return f.invoke(a);
                } catch (final IndexOutOfBoundsException e) {
                    throw failed(a.arg(2), e);
                }
            }
        };
    }

    private static LuaValue guarded(final LuaValue iterator, final LuaValue pattern) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                try {
                    return iterator.invoke(a);
                } catch (final IndexOutOfBoundsException e) {
                    throw failed(pattern, e);
                }
            }
        };
    }

    /** Lua 5.1's error for a pattern LuaJ's matcher ran past; LuaJ's own failure when the pattern is well formed. */
    private static RuntimeException failed(final LuaValue pattern, final IndexOutOfBoundsException e) {
        final String m = pattern.isstring() ? malformed(pattern) : null;
        return m != null ? new LuaError(m) : e;
    }

    /** Lua 5.1's error for the first item of the pattern that runs past its end, or null when none does. */
    static String malformed(final LuaValue pattern) {
        final LuaString p = pattern.checkstring();
        final int n = p.length();
        int i = 0;
        while (i < n) {
            final int c = p.luaByte(i);
            if (c == '%') {
                if (i + 1 < n && p.luaByte(i + 1) == 'f') {
                    if (i + 2 >= n || p.luaByte(i + 2) != '[') {
                        return "missing '[' after '%f' in pattern";
                    }
                    i += 2; // the set is scanned below
                    continue;
                }
                i += 2;
            } else if (c == '[') {
                i++;
                if (i < n && p.luaByte(i) == '^') {
                    i++;
                }
                do { // the first character of a set is in it, even a ']'
                    if (i >= n) {
                        return "malformed pattern (missing ']')";
                    }
                    if (p.luaByte(i++) == '%' && i < n) {
                        i++;
                    }
                } while (i >= n || p.luaByte(i) != ']');
                i++;
            } else {
                i++;
            }
        }
        return null;
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

    private static long relative(final long pos, final long len) {
        final long p = pos < 0 ? pos + len + 1 : pos;
        return p >= 0 ? p : 0;
    }
}
