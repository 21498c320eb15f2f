package io.moon.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Where LuaJ (Java, Unicode-aware) and the Lua 5.1 Redis ships (C, the "C" locale, x86-64) differ
 * in what a script sees, the Lua 5.1 behaviour: string.upper and string.lower change only ASCII
 * letters (the pattern functions are LuaPatterns); tonumber reads numbers as C's strtod does; math.random is Redis's own generator (the
 * 48-bit generator of rand.c, seeded by math.randomseed); 0/0 is the negative NaN x86 computes.
 *
 * <p>One of these changes LuaJ's own state rather than adding a function, because the value lives
 * in LuaJ's classes: 'goto' leaves its lexer's table of keywords (Lua 5.1 has no goto statement),
 * once, before any script runs ({@link #patchLuaJ}); if a later LuaJ or JDK refused, scripts
 * would keep LuaJ's behaviour and the differential tests would say so. Number texts ("%.14g") and the negative NaN of 0/0 live in
 * LuaJ's LuaDouble, string comparison (unsigned bytes, as C) in its LuaString, the errors of
 * comparing two types in those and LuaInteger, the names in VM errors in LuaClosure: Moon carries
 * patched copies of the four (org.luaj.vm2 in this module); {@link #patchLuaJ} checks that they
 * are the ones loaded.
 */
final class LuaCompat {
    private LuaCompat() {
    }

    private static boolean patched;

    /** Takes 'goto' out of LuaJ's keywords and checks its patched classes are loaded (see the class comment); once. */
    static synchronized void patchLuaJ() {
        if (patched) {
            return;
        }
        patched = true;
        final String lost = lostPatchedClasses();
        if (!lost.isEmpty()) {
            // a class path that puts LuaJ's jar before Moon's
            java.util.logging.Logger.getLogger("io.moon.server.script").warning("LuaJ's own " + lost
                    + " loaded instead of Moon's patched copies: numbers, comparisons and errors in scripts"
                    + " differ from Redis's (put moon-server's jar before LuaJ's on the class path)");
        }
        try {
            // Lua 5.1 has no goto: 'local goto = 1' and t.goto are names (Lua51Syntax parses 5.1 first)
            final java.lang.reflect.Field r = Class.forName("org.luaj.vm2.compiler.LexState").getDeclaredField("RESERVED");
            r.setAccessible(true);
            ((java.util.Hashtable<?, ?>) r.get(null)).remove(LuaValue.valueOf("goto"));
        } catch (final ReflectiveOperationException | RuntimeException e) {
            java.util.logging.Logger.getLogger("io.moon.server.script").warning("'goto' stays a LuaJ keyword: " + e);
        }
    }

    /** The classes Moon patches (org.luaj.vm2 in this module) that were loaded from elsewhere. */
    static String lostPatchedClasses() {
        final java.security.CodeSource ours = LuaCompat.class.getProtectionDomain().getCodeSource();
        final StringBuilder lost = new StringBuilder();
        for (final Class<?> c : new Class<?>[] {org.luaj.vm2.LuaDouble.class, org.luaj.vm2.LuaInteger.class,
                org.luaj.vm2.LuaString.class, org.luaj.vm2.LuaClosure.class}) {
            final java.security.CodeSource from = c.getProtectionDomain().getCodeSource();
            if (ours == null || from == null || !ours.getLocation().equals(from.getLocation())) {
                lost.append(lost.isEmpty() ? "" : ", ").append(c.getSimpleName());
            }
        }
        return lost.toString();
    }

    /** C's isspace in the C locale. */
    private static boolean space(final int c) {
        return c == ' ' || c >= '\t' && c <= '\r';
    }

    /** string.upper or string.lower over bytes: only ASCII letters change, the length never does. */
    static OneArgFunction caseMap(final boolean upper) {
        return new OneArgFunction() {
            @Override
            public LuaValue call(final LuaValue s) {
                final LuaString in = s.checkstring();
                final byte[] out = new byte[in.length()];
                in.copyInto(0, out, 0, out.length);
                for (int i = 0; i < out.length; i++) {
                    final int c = out[i];
                    if (upper ? c >= 'a' && c <= 'z' : c >= 'A' && c <= 'Z') {
                        out[i] = (byte) (c ^ 0x20);
                    }
                }
                return LuaString.valueOf(out);
            }
        };
    }

    /**
     * Lua 5.1's tonumber: base 10 reads the string as luaO_str2d does (strtod, which also takes
     * hex, "inf" and "nan"; then a hex integer when strtod stopped at an 'x'; trailing spaces);
     * other bases are C's strtoul ({@link #strtoul}).
     */
    static VarArgFunction tonumber(final LuaValue luajTonumber) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                if (a.narg() == 0) {
                    throw new LuaError("bad argument #1 to 'tonumber' (value expected)");
                }
                final LuaValue base = a.arg(2);
                final int radix = base.isnil() ? 10 : LuaNumbers.toInt(base.tonumber().todouble()); // luaL_optint
                if (radix != 10) { // (LuaArgs checked the string and the range)
                    return strtoul(a.arg1().checkstring(), radix);
                }
                final LuaValue v = a.arg1();
                if (v.type() == LuaValue.TNUMBER) {
                    return v;
                }
                if (v.type() != LuaValue.TSTRING) {
                    return LuaValue.NIL;
                }
                final LuaString s = v.checkstring();
                final byte[] b = new byte[s.length()];
                s.copyInto(0, b, 0, b.length);
                final Double d = str2d(b);
                return d == null ? LuaValue.NIL : LuaValue.valueOf(d);
            }
        };
    }

    /**
     * tonumber(s, base) for a base other than 10, as Lua 5.1 reads it: C's strtoul over the string
     * up to its first NUL (leading spaces, a sign, "0x" in base 16, digits), then only spaces may
     * follow; the unsigned result becomes a double ("-5" is 2^64 - 5, an overflow 2^64 - 1).
     */
    static LuaValue strtoul(final LuaString str, final int base) {
        int end = 0;
        while (end < str.length() && str.luaByte(end) != 0) {
            end++;
        }
        int i = 0;
        while (i < end && isSpace(str.luaByte(i))) {
            i++;
        }
        boolean negative = false;
        if (i < end && (str.luaByte(i) == '+' || str.luaByte(i) == '-')) {
            negative = str.luaByte(i) == '-';
            i++;
        }
        if (base == 16 && i + 2 < end && str.luaByte(i) == '0' && (str.luaByte(i + 1) | 0x20) == 'x'
                && digit(str.luaByte(i + 2)) < 16) {
            i += 2;
        }
        long value = 0;
        boolean overflow = false;
        final int first = i;
        for (int d; i < end && (d = digit(str.luaByte(i))) < base; i++) {
            if (Long.compareUnsigned(value, Long.divideUnsigned(-1L - d, base)) > 0) {
                overflow = true;
            } else {
                value = value * base + d;
            }
        }
        if (i == first) {
            return LuaValue.NIL; // no digit
        }
        while (i < end && isSpace(str.luaByte(i))) {
            i++;
        }
        if (i < end) {
            return LuaValue.NIL;
        }
        final long n = overflow ? -1L : negative ? -value : value;
        return LuaValue.valueOf(LuaNumbers.fromUint64(n));
    }

    private static boolean isSpace(final int c) {
        return c == ' ' || c >= '\t' && c <= '\r';
    }

    /** A digit's value in bases up to 36, or 99. */
    private static int digit(final int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        final int l = c | 0x20;
        return l >= 'a' && l <= 'z' ? l - 'a' + 10 : 99;
    }

    /** luaO_str2d over a C string (it ends at the first NUL): the number, or null for none (cold path). */
    static Double str2d(final byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        int p = 0;
        while (p < end && space(bytes[p] & 0xff)) {
            p++; // strtod skips leading spaces
        }
        int stop = Strtod.scan(bytes, p, end);
        if (stop == p) {
            return null;
        }
        final double d = Strtod.value(bytes, p, stop);
        if (stop < end && (bytes[stop] | 0x20) == 'x') {
            // strtod stopped at an 'x' ("0x" without digits): strtoul in base 16 reads no more than "0"
            return null;
        }
        while (stop < end && space(bytes[stop] & 0xff)) {
            stop++;
        }
        return stop == end ? d : null;
    }

    /**
     * math.random and math.randomseed as Redis defines them: Lua 5.1's arithmetic over Redis's
     * redisLrand48, the 48-bit linear congruential generator of rand.c. The state is this
     * interpreter's (Redis keeps one per process, so the numbers match after math.randomseed).
     */
    static void installRandom(final LuaTable math) {
        final long[] state = {seed48(0x1234ABCD)};
        math.rawset("randomseed", new OneArgFunction() {
            @Override
            public LuaValue call(final LuaValue n) {
                state[0] = seed48(LuaNumbers.toInt(n.checkdouble()));
                return LuaValue.NONE;
            }
        });
        math.rawset("random", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                state[0] = (state[0] * 0x5DEECE66DL + 0xB) & ((1L << 48) - 1);
                final int v = (int) (state[0] >>> 17);
                final double r = (double) (v % Integer.MAX_VALUE) / Integer.MAX_VALUE;
                switch (a.narg()) {
                    case 0:
                        return LuaValue.valueOf(r);
                    case 1: {
                        final int u = intArg(a, 1);
                        if (u < 1) {
                            throw new LuaError("bad argument #1 to 'random' (interval is empty)");
                        }
                        return LuaValue.valueOf(Math.floor(r * u) + 1);
                    }
                    case 2: {
                        final int l = intArg(a, 1);
                        final int u = intArg(a, 2);
                        if (l > u) {
                            throw new LuaError("bad argument #2 to 'random' (interval is empty)");
                        }
                        return LuaValue.valueOf(Math.floor(r * ((double) u - l + 1)) + l);
                    }
                    default:
                        throw new LuaError("wrong number of arguments");
                }
            }
        });
    }

    /** luaL_checkint: a number (or numeric string) truncated as C casts it. */
    private static int intArg(final Varargs a, final int i) {
        final LuaValue v = a.arg(i);
        final LuaValue n = v.type() == LuaValue.TSTRING ? v.tonumber() : v;
        if (n.type() != LuaValue.TNUMBER) {
            throw new LuaError("bad argument #" + i + " to 'random' (number expected, got "
                    + LuaNumbers.typeName(a, i) + ")"); // an explicit nil is "nil"
        }
        return LuaNumbers.toInt(n.todouble());
    }

    /** redisSrand48: the seed's 32 bits above the fixed low word 0x330E. */
    private static long seed48(final int seed) {
        return ((seed & 0xffffffffL) << 16) | 0x330E;
    }
}
