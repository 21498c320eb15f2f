package io.moon.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

import java.util.Arrays;

/**
 * Lua 5.1's pattern matching, for string.find, string.match, string.gmatch and string.gsub, in
 * place of LuaJ's (a Lua 5.2 matcher with its own failures): a frontier ({@code %f[%w]}, the usual
 * word boundary) at the start or end of the subject failed with an internal error, gmatch looped
 * forever on a pattern that matches the empty string, a replacement string ending in '%' failed,
 * and a malformed pattern ran past its end. Written from the Lua 5.1 reference manual (section
 * 5.4.1) and checked against Redis's Lua, behaviour for behaviour:
 *
 * <ul>
 *   <li>A pattern is read as a C string: it ends at its first NUL byte. A frontier or a balance
 *       looking past the end of the subject sees a NUL, as C reads the string's terminator.</li>
 *   <li>Errors are raised lazily, where the matcher reaches the faulty item ("malformed pattern
 *       (missing ']')", "malformed pattern (ends with '%')", "missing '[' after '%f' in pattern",
 *       "unbalanced pattern", "invalid capture index", "invalid pattern capture", "unfinished
 *       capture", "too many captures"), so a pattern whose bad part is never reached matches.</li>
 *   <li>Character classes are the C locale's ({@code %a} is ASCII letters only); {@code %z} is
 *       NUL, and any other escaped character stands for itself (Lua 5.1 has no {@code %g}).</li>
 *   <li>string.find without specials (or with plain) searches the whole pattern, NULs included;
 *       '^' anchors find, match and gsub but is an ordinary character in gmatch; after an empty
 *       match gmatch moves one byte on, and an empty match right after a match is produced
 *       (gmatch("abc", "a*") gives "a", "", "", "").</li>
 *   <li>In a gsub replacement string, '%' before a non-digit stands for that character (a '%'
 *       at the very end for the NUL that ends the C string); a function or table replacement
 *       that gives false or nil keeps the match, and one that gives another non-string fails
 *       with "invalid replacement value (a table)".</li>
 * </ul>
 *
 * <p>Two things Redis cannot do: a match that backtracks without end (a pattern of many optional
 * items) counts its steps as instructions, so the busy threshold and SCRIPT KILL reach it (Redis
 * stays blocked inside C); and a pattern nesting deeper than 20,000 quantified items or captures
 * fails with "pattern too complex" instead of exhausting the thread's stack (Lua 5.1 recurses on
 * the C stack without a limit). Arguments are checked before these run (LuaArgs).
 */
final class LuaPatterns {
    private LuaPatterns() {
    }

    static void install(final LuaTable string, final Runnable step) {
        string.rawset("find", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                return find(a, true, step);
            }
        });
        string.rawset("match", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                return find(a, false, step);
            }
        });
        string.rawset("gmatch", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                return new Gmatch(new LuaMatcher(a.checkstring(1), a.checkstring(2), step));
            }
        });
        string.rawset("gsub", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                return gsub(a, step);
            }
        });
    }

    /** string.find and string.match: the first match from init (64-bit, relative from the end when negative). */
    private static Varargs find(final Varargs a, final boolean find, final Runnable step) {
        final LuaString s = a.checkstring(1);
        final LuaString p = a.checkstring(2);
        final int len = s.length();
        long init = LuaStrings.relative(a.isnoneornil(3) ? 1 : LuaNumbers.toInt64(a.checkdouble(3)), len) - 1;
        init = Math.max(0, Math.min(init, len));
        if (find && (a.arg(4).toboolean() || !hasSpecials(p))) {
            final int at = indexOf(s, p, (int) init);
            return at < 0 ? LuaValue.NIL : LuaValue.varargsOf(LuaValue.valueOf(at + 1), LuaValue.valueOf(at + p.length()));
        }
        final LuaMatcher m = new LuaMatcher(s, p, step);
        final boolean anchor = m.pc(0) == '^';
        final int pi = anchor ? 1 : 0;
        int s1 = m.srcInit + (int) init;
        do {
            m.level = 0;
            final int e = m.match(s1, pi);
            if (e != LuaMatcher.NO_MATCH) {
                if (!find) {
                    return m.captures(s1, e, true);
                }
                final Varargs caps = m.captures(s1, e, false);
                final LuaValue start = LuaValue.valueOf(s1 - m.srcInit + 1);
                final LuaValue end = LuaValue.valueOf(e - m.srcInit);
                return caps.narg() == 0 ? LuaValue.varargsOf(start, end) : LuaValue.varargsOf(start, end, caps);
            }
        } while (s1++ < m.srcEnd && !anchor);
        return LuaValue.NIL;
    }

    /** Whether the pattern, read as a C string, holds one of Lua 5.1's special characters. */
    private static boolean hasSpecials(final LuaString p) {
        for (int i = 0; i < p.length(); i++) {
            final int c = p.luaByte(i);
            if (c == 0) {
                return false;
            }
            if ("^$*+?.([%-".indexOf(c) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** The first occurrence of all of p in s at or after from, or -1 (an empty p is found at from). */
    private static int indexOf(final LuaString s, final LuaString p, final int from) {
        final int n = s.length();
        final int m = p.length();
        for (int i = from; i + m <= n; i++) {
            if (Arrays.equals(s.m_bytes, s.m_offset + i, s.m_offset + i + m, p.m_bytes, p.m_offset, p.m_offset + m)) {
                return i;
            }
        }
        return -1;
    }

    /** string.gsub(s, pattern, repl [, n]). */
    private static Varargs gsub(final Varargs a, final Runnable step) {
        final LuaString src = a.checkstring(1);
        final LuaMatcher m = new LuaMatcher(src, a.checkstring(2), step);
        final LuaValue repl = a.arg(3);
        final int max = a.isnoneornil(4) ? src.length() + 1 : LuaNumbers.toInt(a.checkdouble(4));
        final boolean anchor = m.pc(0) == '^';
        final int pi = anchor ? 1 : 0;
        final Bytes out = new Bytes(src.length());
        int s = m.srcInit;
        int n = 0;
        while (n < max) {
            m.level = 0;
            final int e = m.match(s, pi);
            if (e != LuaMatcher.NO_MATCH) {
                n++;
                addValue(m, out, s, e, repl);
            }
            if (e != LuaMatcher.NO_MATCH && e > s) {
                s = e;
            } else if (s < m.srcEnd) {
                out.add(m.src[s++]);
            } else {
                break;
            }
            if (anchor) {
                break;
            }
        }
        out.add(m.src, s, m.srcEnd - s);
        return LuaValue.varargsOf(out.toLuaString(), LuaValue.valueOf(n));
    }

    private static void addValue(final LuaMatcher m, final Bytes out, final int s, final int e, final LuaValue repl) {
        final LuaValue r;
        switch (repl.type()) {
            case LuaValue.TNUMBER, LuaValue.TSTRING -> {
                addString(m, out, s, e, repl.checkstring());
                return;
            }
            case LuaValue.TFUNCTION -> r = repl.invoke(m.captures(s, e, true)).arg1();
            default -> r = repl.get(m.capture(0, s, e)); // a table (LuaArgs checked the type)
        }
        if (!r.toboolean()) {
            out.add(m.src, s, e - s); // keep the original text
        } else if (!r.isstring()) {
            throw new LuaError("invalid replacement value (a " + r.typename() + ")");
        } else {
            out.add(r.checkstring());
        }
    }

    /** A replacement string: %0 the match, %1-%9 its captures, '%' before anything else that thing. */
    private static void addString(final LuaMatcher m, final Bytes out, final int s, final int e, final LuaString news) {
        final int l = news.length();
        for (int i = 0; i < l; i++) {
            final int c = news.luaByte(i);
            if (c != '%') {
                out.add((byte) c);
                continue;
            }
            i++;
            final int d = i < l ? news.luaByte(i) : 0; // C reads the terminating NUL after a final '%'
            if (d < '0' || d > '9') {
                out.add((byte) d);
            } else if (d == '0') {
                out.add(m.src, s, e - s);
            } else {
                out.add(m.capture(d - '1', s, e).checkstring()); // a position capture as its number's text
            }
        }
    }

    /** string.gmatch's iterator: each call the next match's captures (or the whole match) from where the last ended. */
    private static final class Gmatch extends VarArgFunction {
        private final LuaMatcher m;
        private int next;

        Gmatch(final LuaMatcher m) {
            this.m = m;
            this.next = m.srcInit;
        }

        @Override
        public Varargs invoke(final Varargs a) {
            for (int src = next; src <= m.srcEnd; src++) {
                m.level = 0;
                final int e = m.match(src, 0);
                if (e != LuaMatcher.NO_MATCH) {
                    next = e == src ? e + 1 : e; // an empty match moves on one byte
                    return m.captures(src, e, true);
                }
            }
            return LuaValue.NONE;
        }
    }

    /** A growable byte buffer for gsub's result. */
    private static final class Bytes {
        private byte[] b;
        private int n;

        Bytes(final int capacity) {
            b = new byte[Math.max(16, capacity)];
        }

        void add(final byte c) {
            if (n == b.length) {
                grow(1);
            }
            b[n++] = c;
        }

        void add(final byte[] src, final int off, final int len) {
            if (n + len > b.length) {
                grow(len);
            }
            System.arraycopy(src, off, b, n, len);
            n += len;
        }

        void add(final LuaString s) {
            add(s.m_bytes, s.m_offset, s.m_length);
        }

        private void grow(final int more) {
            final long want = Math.max((long) b.length * 2, (long) n + more);
            if (want > Integer.MAX_VALUE - 8) {
                throw new LuaError("not enough memory");
            }
            b = Arrays.copyOf(b, (int) want);
        }

        LuaString toLuaString() {
            return LuaString.valueOf(b, 0, n);
        }
    }
}
