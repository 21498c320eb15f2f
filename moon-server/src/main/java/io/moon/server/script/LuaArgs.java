package io.moon.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Lua 5.1's argument errors for the standard library LuaJ provides. LuaJ's library checks its
 * arguments too, but its errors name neither the argument nor the function ("bad argument: number
 * expected, got nil"), where Lua 5.1, and so Redis, says "bad argument #2 to 'rep' (number
 * expected, got no value)". Each function is wrapped with its Lua 5.1 signature and checked, as
 * the C library's luaL_check* calls do, before LuaJ runs it; an error LuaJ still raises in the
 * "#N: message" form is given the function's name.
 *
 * <p>A signature is one letter per argument: {@code s} a string (or a number), {@code n} a number
 * (or a string that reads as one), {@code t} a table, {@code a} any value but none; upper case
 * is optional (nil or absent passes); {@code .} is not checked; a final {@code *} makes the letter
 * before it apply to every argument given from its position on (none required); a leading
 * {@code <} checks the arguments last to first (math.fmod(luaL_checknumber(L, 1),
 * luaL_checknumber(L, 2)): gcc evaluated the second first, so Redis reports #2 first); a final
 * {@code @} and digits give the order the C function checks them in (table.concat: "tSNN@2134"). The call site's
 * view (a method call counts its arguments after the receiver, a local holding the function gives
 * its own name) is Lua51Names' part.
 */
final class LuaArgs {
    private LuaArgs() {
    }

    private static final String[][] BASE = {
        {"ipairs", "t"}, {"pairs", "t"}, {"next", "t."}, {"rawget", "ta"}, {"rawset", "taa"}, {"rawequal", "aa"},
        {"getmetatable", "a"}, {"unpack", "tNN"}, {"type", "a"}, {"assert", "a"}, {"setmetatable", "t"},
        {"tonumber", "."}, {"select", "."}, {"xpcall", ".a"}, {"tostring", "a"},
    };
    private static final String[][] STRING = {
        {"byte", "sNN"}, {"char", "."}, {"find", "ssN."}, {"format", "s"}, {"gmatch", "ss"}, {"gfind", "ss"},
        {"gsub", "ss"}, {"len", "s"}, {"lower", "s"}, {"upper", "s"}, {"match", "ssN"}, {"rep", "sn"},
        {"reverse", "s"}, {"sub", "snN"},
    };
    private static final String[][] MATH = {
        {"abs", "n"}, {"acos", "n"}, {"asin", "n"}, {"atan", "n"}, {"atan2", "<nn"}, {"ceil", "n"}, {"cos", "n"},
        {"cosh", "n"}, {"deg", "n"}, {"exp", "n"}, {"floor", "n"}, {"fmod", "<nn"}, {"mod", "<nn"}, {"frexp", "n"},
        {"ldexp", "<nn"}, {"log", "n"}, {"log10", "n"}, {"max", "nn*"}, {"min", "nn*"}, {"modf", "n"}, {"pow", "<nn"},
        {"rad", "n"}, {"sin", "n"}, {"sinh", "n"}, {"sqrt", "n"}, {"tan", "n"}, {"tanh", "n"}, {"randomseed", "n"},
    };
    private static final String[][] TABLE = {
        {"concat", "tSNN@2134"}, {"remove", "tN"}, {"getn", "t"}, {"maxn", "t"}, {"sort", "t"}, {"insert", "t"},
    };

    private static final String[][] BIT = {
        {"tobit", "n"}, {"tohex", "nN"}, {"bnot", "n"}, {"band", "n"}, {"bor", "n"}, {"bxor", "n"},
        {"lshift", "nn"}, {"rshift", "nn"}, {"arshift", "nn"}, {"rol", "nn"}, {"ror", "nn"}, {"bswap", "n"},
    };

    /** Wraps the base functions and the string, math, table and bit libraries of {@code g}. */
    static void install(final LuaTable g, final LuaHook hook) {
        wrapAll(g, BASE, hook);
        wrapAll(g.get("bit").checktable(), BIT, hook);
        wrapAll(g.get("string").checktable(), STRING, hook);
        wrapAll(g.get("math").checktable(), MATH, hook);
        wrapAll(g.get("table").checktable(), TABLE, hook);
    }

    private static void wrapAll(final LuaTable t, final String[][] sigs, final LuaHook hook) {
        for (final String[] s : sigs) {
            final LuaValue f = t.rawget(s[0]);
            if (f.isfunction()) {
                t.rawset(s[0], new Checked(s[0], s[1], f, hook));
            }
        }
    }

    /**
     * A library function with its Lua 5.1 argument checks. Its errors name it by its library name;
     * where the call site gives it another (a method call, a local holding it), Lua51Names renames
     * them as Lua 5.1 does. While it runs it is a frame of the hook's stack, as a C function is in
     * Lua 5.1, so a Lua function it calls (tostring's __tostring, sort's comparator, gsub's
     * replacement, xpcall's) counts it in error levels (error(msg, 2) there has no position).
     */
    static final class Checked extends VarArgFunction {
        /** The library name (not "name": that would be LibFunction's own field). */
        final String fn;
        private final String sig;
        private final LuaValue f;
        private final LuaHook hook;

        Checked(final String fn, final String sig, final LuaValue f, final LuaHook hook) {
            this.fn = fn;
            this.sig = sig;
            this.f = f;
            this.hook = hook;
        }

        @Override
        public Varargs invoke(final Varargs a) {
            try {
                check(fn, sig, a);
                extra(fn, a);
            } catch (final LuaError e) {
                throw unnamed(this, e);
            }
            hook.onCall(this);
            try {
                return f.invoke(a);
            } catch (final LuaError e) {
                if (fn.equals("next") && "invalid key to 'next'".equals(e.getMessage())) {
                    throw new ScriptErrors.Unpositioned(e.getMessage()); // Lua raises it from C: no position
                }
                throw unnamed(this, named(fn, e));
            } finally {
                hook.onReturn();
            }
        }
    }

    /**
     * An argument error names the function as its caller knows it, which only the caller can tell:
     * it leaves here naming it '?' (what Lua 5.1 says when a C function such as pcall or gsub made
     * the call), and a script's call site gives it its name (Lua51Names).
     */
    private static LuaError unnamed(final Checked by, final LuaError e) {
        final String m = e.getMessage();
        final String named = " to '" + by.fn + "' (";
        final int at = m == null || !m.startsWith("bad argument #") ? -1 : m.indexOf(named);
        return at < 0 ? e : new ArgError(m.substring(0, at) + " to '?' (" + m.substring(at + named.length()), by);
    }

    /** An argument error of one library function, for its call site to name (Lua51Names). */
    static final class ArgError extends LuaError {
        final Checked by;

        ArgError(final String message, final Checked by) {
            super(message);
            this.by = by;
        }
    }

    /** The checks Lua 5.1 makes beyond one type per argument. */
    private static void extra(final String name, final Varargs a) {
        switch (name) {
            case "gsub" -> {
                optional(name, 'N', a, 4); // str_gsub reads max_s before it looks at the replacement
                final int t = a.arg(3).type();
                if (t != LuaValue.TNUMBER && t != LuaValue.TSTRING && t != LuaValue.TFUNCTION && t != LuaValue.TTABLE) {
                    throw LuaNumbers.argError(3, name, "string/function/table expected");
                }
            }
            case "tohex" -> { // lua_isnone(L, 2) ? 8 : barg(L, 2): an explicit nil is checked
                if (a.narg() >= 2) {
                    optional(name, 'n', a, 2);
                }
            }
            case "band", "bor", "bxor" -> { // LuaBitOp checks arg 1, then from the last down to 2
                for (int i = a.narg(); i > 1; i--) {
                    optional(name, 'n', a, i);
                }
            }
            case "char" -> { // each argument: a number, then a byte
                for (int i = 1; i <= a.narg(); i++) {
                    final long c = LuaNumbers.toInt(LuaNumbers.checkNumber(a, i, name));
                    if (c < 0 || c > 255) {
                        throw LuaNumbers.argError(i, name, "invalid value");
                    }
                }
            }
            case "setmetatable" -> {
                final int t = a.arg(2).type();
                if (t != LuaValue.TNIL && t != LuaValue.TTABLE) {
                    throw LuaNumbers.argError(2, name, "nil or table expected");
                }
            }
            case "format" -> formatArgs(a);
            case "select" -> { // a count: a string starting with '#', else a number
                final LuaValue n = a.arg1();
                if (!(n.type() == LuaValue.TSTRING && n.checkstring().length() > 0 && n.checkstring().luaByte(0) == '#')) {
                    LuaNumbers.checkNumber(a, 1, name);
                }
            }
            case "tonumber" -> { // luaB_tonumber reads the base first (luaL_optint)
                if (!a.arg(2).isnil()) {
                    LuaNumbers.checkNumber(a, 2, name);
                    final int base = LuaNumbers.toInt(a.arg(2).tonumber().todouble());
                    if (base != 10) {
                        final int t = a.arg1().type();
                        if (t != LuaValue.TSTRING && t != LuaValue.TNUMBER) {
                            throw LuaNumbers.argError(1, name, "string expected, got " + LuaNumbers.typeName(a, 1));
                        }
                        if (base < 2 || base > 36) {
                            throw LuaNumbers.argError(2, name, "base out of range");
                        }
                    }
                }
            }
            case "rawset" -> { // luaH_set's errors (LuaJ refuses a nil key as a bad argument)
                final LuaValue t = a.arg1();
                if (t instanceof Sandbox.Sealed x && x.sealed || t instanceof Sandbox.SealedGlobals y && y.sealed) {
                    return; // Redis refuses the readonly table first
                }
                if (a.arg(2).isnil()) {
                    throw new ScriptErrors.Unpositioned("table index is nil");
                }
                if (a.arg(2).type() == LuaValue.TNUMBER && Double.isNaN(a.arg(2).todouble())) {
                    throw new ScriptErrors.Unpositioned("table index is NaN");
                }
            }
            case "sort" -> {
                if (!a.arg(2).isnil() && a.arg(2).type() != LuaValue.TFUNCTION) {
                    throw LuaNumbers.argError(2, name, "function expected, got " + LuaNumbers.typeName(a, 2));
                }
            }
            case "insert" -> {
                if (a.narg() == 3) {
                    optional(name, 'n', a, 2);
                } else if (a.narg() != 2) {
                    throw new LuaError("wrong number of arguments to 'insert'");
                }
            }
            case "concat" -> {
                // every element joined must be a string or a number
                final LuaTable t = a.arg1().checktable();
                // luaL_checkint: (int) of the 64-bit conversion (1e308 is index 0)
                final long i = a.arg(3).isnil() ? 1 : (int) LuaNumbers.checkInteger(a, 3, name);
                final long j = a.arg(4).isnil() ? t.length() : (int) LuaNumbers.checkInteger(a, 4, name);
                for (long k = i; k <= j; k++) {
                    final LuaValue v = k >= Integer.MIN_VALUE && k <= Integer.MAX_VALUE ? t.get((int) k)
                            : t.get(LuaValue.valueOf((double) k));
                    if (v.type() != LuaValue.TSTRING && v.type() != LuaValue.TNUMBER) {
                        throw new LuaError("invalid value (" + v.typename() + ") at index " + k + " in table for 'concat'");
                    }
                }
            }
            default -> {
            }
        }
    }

    /**
     * string.format takes an argument per conversion and says "no value" for the first one
     * missing; a conversion Lua 5.1 does not know is left to LuaJ's error (it comes first).
     */
    private static void formatArgs(final Varargs a) {
        if (a.arg1().type() != LuaValue.TSTRING) {
            return;
        }
        final org.luaj.vm2.LuaString f = a.arg1().checkstring();
        int arg = 1;
        for (int i = 0; i < f.length(); i++) {
            if (f.luaByte(i) != '%') {
                continue;
            }
            if (++i < f.length() && f.luaByte(i) == '%') {
                continue;
            }
            if (++arg > a.narg()) {
                throw LuaNumbers.argError(arg, "format", "no value");
            }
            final int flagsAt = i;
            while (i < f.length() && "-+ #0".indexOf(f.luaByte(i)) >= 0) {
                i++;
            }
            int digits = 0;
            while (i < f.length() && Character.isDigit(f.luaByte(i))) {
                i++;
                digits++;
            }
            int precision = 0;
            if (i < f.length() && f.luaByte(i) == '.') {
                i++;
                while (i < f.length() && Character.isDigit(f.luaByte(i))) {
                    i++;
                    precision++;
                }
            }
            if (i - flagsAt > 5 + 2 + 3 || digits > 2 || precision > 2 || i >= f.length()
                    || "cdiouxXeEfgGqs".indexOf(f.luaByte(i)) < 0) {
                return; // LuaFormat reports the bad format item (it comes before the argument's type)
            }
            // then the argument's type, conversion by conversion, as str_format reads them
            if ("qs".indexOf(f.luaByte(i)) >= 0) {
                LuaNumbers.checkString(a, arg, "format");
            } else {
                LuaNumbers.checkNumber(a, arg, "format");
            }
        }
    }

    private static void check(final String name, final String signature, final Varargs a) {
        if (signature.startsWith("<")) { // C evaluated the checks right to left: the last is reported first
            final String sig = signature.substring(1);
            for (int i = sig.length(); i >= 1; i--) {
                optional(name, sig.charAt(i - 1), a, i);
            }
            return;
        }
        final int at = signature.indexOf('@');
        if (at >= 0) { // the order the C function checks its arguments in
            for (int k = at + 1; k < signature.length(); k++) {
                final int i = signature.charAt(k) - '0';
                optional(name, signature.charAt(i - 1), a, i);
            }
            return;
        }
        final String sig = signature;
        final int n = sig.length();
        final boolean repeat = sig.endsWith("*");
        final int fixed = repeat ? n - 2 : n;
        for (int i = 1; i <= fixed; i++) {
            optional(name, sig.charAt(i - 1), a, i);
        }
        if (repeat) { // the letter before '*' for every argument given from there on
            final char rest = sig.charAt(n - 2);
            for (int i = fixed + 1; i <= a.narg(); i++) {
                optional(name, rest, a, i);
            }
        }
    }

    /** Checks argument i against one signature letter. */
    private static void optional(final String name, final char c, final Varargs a, final int i) {
        if (c == '.') {
            return;
        }
        final LuaValue v = a.arg(i);
        if (Character.isUpperCase(c) && v.isnil()) {
            return;
        }
        switch (Character.toLowerCase(c)) {
            case 's' -> LuaNumbers.checkString(a, i, name);
            case 'n' -> LuaNumbers.checkNumber(a, i, name);
            case 't' -> {
                if (v.type() != LuaValue.TTABLE) {
                    throw LuaNumbers.argError(i, name, "table expected, got " + LuaNumbers.typeName(a, i));
                }
            }
            case 'a' -> {
                if (i > a.narg()) {
                    throw LuaNumbers.argError(i, name, "value expected");
                }
            }
            default -> throw new IllegalStateException("signature letter " + c);
        }
    }

    private static final java.util.regex.Pattern LUAJ_ARG_ERROR =
            java.util.regex.Pattern.compile("bad argument #(\\d+): (.*)", java.util.regex.Pattern.DOTALL);

    /** LuaJ's "bad argument #N: message" with the function's name, as Lua 5.1 words it. */
    private static LuaError named(final String name, final LuaError e) {
        final LuaValue m = e.getMessageObject();
        if (m != null && m.type() == LuaValue.TSTRING) {
            final java.util.regex.Matcher x = LUAJ_ARG_ERROR.matcher(m.tojstring());
            if (x.matches()) {
                return new LuaError("bad argument #" + x.group(1) + " to '" + name + "' (" + x.group(2) + ")");
            }
        }
        return e;
    }
}
