package io.moon.server.script;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.CoroutineLib;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * Builds the environment a script runs in: Redis 7.0's Lua 5.1 globals on LuaJ's Lua 5.2, with
 * the file, OS, module and debug facilities removed and every global table read-only.
 *
 * <p>What is there and what is not is documented, with the escape attempts the tests make, in
 * docs/security/lua-sandbox.md. The read-only protection is in the tables themselves
 * ({@link Sealed}), not only in a metatable, so rawset, table.insert and setmetatable cannot get
 * around it.
 */
final class Sandbox {
    /** Longest string a script may build with string.rep (Redis's proto-max-bulk-len default). */
    static final long MAX_STRING = 512L * 1024 * 1024;
    static final String READONLY = "Attempt to modify a readonly table";

    /**
     * The metatable of every string value. LuaJ keeps it in one static field for the whole JVM
     * (LuaString.s_metatable), and its StringLib fills that field, once, with the first
     * interpreter's own unsealed string table: a script could then change string methods for
     * every script on every shard. Setting the field here, before any StringLib loads, keeps
     * StringLib from doing so; the first interpreter built gives it a sealed string table (the
     * string functions hold no state, so one table serves every shard's thread).
     */
    private static final Sealed STRING_META = new Sealed();

    static {
        LuaString.s_metatable = STRING_META;
        LuaCompat.patchLuaJ();
    }

    private Sandbox() {
    }

    /** Gives the shared string metatable its sealed __index table, once. */
    private static void sealStringMeta(final LuaTable sealedString) {
        synchronized (STRING_META) {
            if (!STRING_META.sealed) {
                STRING_META.rawset(LuaValue.INDEX, sealedString);
                STRING_META.sealed = true;
            }
        }
    }

    /** A global table that refuses every change once sealed: Redis 7's readonly tables. */
    static final class Sealed extends LuaTable {
        boolean sealed;

        @Override
        public void rawset(final int key, final LuaValue value) {
            check();
            super.rawset(key, value);
        }

        @Override
        public void rawset(final LuaValue key, final LuaValue value) {
            check();
            super.rawset(key, value);
        }

        @Override
        public LuaValue setmetatable(final LuaValue mt) {
            check();
            return super.setmetatable(mt);
        }

        private void check() {
            if (sealed) {
                throw new LuaError(READONLY);
            }
        }
    }

    /** The globals table itself, sealed the same way (LuaJ needs a {@link Globals} instance). */
    static final class SealedGlobals extends Globals {
        boolean sealed;

        @Override
        public void rawset(final int key, final LuaValue value) {
            check();
            super.rawset(key, value);
        }

        @Override
        public void rawset(final LuaValue key, final LuaValue value) {
            check();
            super.rawset(key, value);
        }

        @Override
        public LuaValue setmetatable(final LuaValue mt) {
            check();
            return super.setmetatable(mt);
        }

        /** KEYS and ARGV are set by the server before each run, as Redis does. */
        void setUnchecked(final LuaString key, final LuaValue value) {
            super.rawset(key, value);
        }

        private void check() {
            if (sealed) {
                throw new LuaError(READONLY);
            }
        }
    }

    static SealedGlobals build(final LuaTable redis, final LuaHook hook) {
        final SealedGlobals g = new SealedGlobals();
        g.load(new BaseLib());
        g.load(new PackageLib()); // the string library registers itself through package.loaded
        g.load(new StringLib());
        g.load(new TableLib());
        g.load(new CMathLib());
        g.load(new CoroutineLib());
        LuaC.install(g); // a compiler, and no undumper: binary chunks cannot load
        g.load(hook); // sets g.debuglib (instruction hook, tracebacks); its "debug" table goes below
        for (final String gone : new String[] {"dofile", "loadfile", "print", "require", "module", "package",
                "io", "os", "debug", "luajava", "rawlen"}) {
            g.rawset(gone, LuaValue.NIL);
        }
        g.rawset("_VERSION", LuaValue.valueOf("Lua 5.1"));
        // pcalls and xpcalls under way: each is a syntax level fewer for a chunk loaded inside it, as
        // Lua 5.1 counts C calls (nCcalls)
        final int[] cCalls = {0};
        final VarArgFunction loadstring = new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                final LuaString src = a.checkstring(1);
                // as Lua 5.1's loadstring: the chunk is named by its own text unless a name is given
                final byte[] code = bytes(src);
                final String name = Lua51Syntax.chunkid(bytes(a.arg(2).isnil() ? src : a.checkstring(2)));
                return load51(g, () -> Lua51Syntax.compile(code, name, 1 + cCalls[0], LOAD_CHUNK), cCalls[0]);
            }
        };
        g.rawset("loadstring", loadstring);
        g.rawset("load", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                // Lua 5.1's load(reader [, chunkname]): the reader's pieces, up to nil or "", asked
                // for as the parser needs them
                final LuaValue reader = a.checkfunction(1);
                final String name = Lua51Syntax.chunkid(a.arg(2).isnil() ? LOAD_NAME : bytes(a.checkstring(2)));
                final long cap = Math.min(MAX_STRING, Runtime.getRuntime().maxMemory() / 8);
                final long[] total = {0};
                final Lua51Syntax.Reader pieces = () -> {
                    final LuaValue piece;
                    try {
                        piece = reader.call();
                    } catch (final LuaError e) {
                        throw new ReaderError(e);
                    }
                    if (piece.isnil()) {
                        return null;
                    }
                    if (!piece.isstring()) {
                        throw new ReaderError(new LuaError("reader function must return a string"));
                    }
                    final byte[] b = bytes(piece.checkstring());
                    if ((total[0] += b.length) > cap) {
                        throw new LuaError("not enough memory");
                    }
                    return b;
                };
                return load51(g, () -> Lua51Syntax.compile(pieces, name, 1 + cCalls[0], LOAD_CHUNK), cCalls[0]);
            }
        });
        g.rawset("gcinfo", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                final Runtime rt = Runtime.getRuntime();
                return LuaValue.valueOf((int) ((rt.totalMemory() - rt.freeMemory()) >> 10));
            }
        });
        final LuaTable table = g.get("table").checktable();
        g.rawset("unpack", LuaTables.unpack());
        table.rawset("unpack", LuaValue.NIL); // Lua 5.1 has only the global unpack
        table.rawset("getn", new OneArgFunction() {
            @Override
            public LuaValue call(final LuaValue t) {
                return LuaValue.valueOf(t.checktable().length());
            }
        });
        table.rawset("maxn", new OneArgFunction() {
            @Override
            public LuaValue call(final LuaValue t) {
                double max = 0;
                LuaValue k = LuaValue.NIL;
                while (true) {
                    final Varargs n = t.checktable().next(k);
                    if ((k = n.arg1()).isnil()) {
                        return LuaValue.valueOf(max);
                    }
                    if (k.type() == LuaValue.TNUMBER) {
                        max = Math.max(max, k.todouble());
                    }
                }
            }
        });
        final LuaTable math = g.get("math").checktable();
        math.rawset("fmod", new TwoArgFunction() {
            @Override
            public LuaValue call(final LuaValue x, final LuaValue y) {
                return LuaValue.valueOf(x.checkdouble() % y.checkdouble()); // C's fmod (LuaJ's gave nan for fmod(x, inf))
            }
        });
        math.rawset("mod", math.get("fmod"));
        math.rawset("pow", new TwoArgFunction() {
            @Override
            public LuaValue call(final LuaValue x, final LuaValue y) {
                return LuaValue.valueOf(CMathLib.pow(x.checkdouble(), y.checkdouble()));
            }
        });
        for (final boolean max : new boolean[] {true, false}) {
            math.rawset(max ? "max" : "min", new VarArgFunction() {
                @Override
                public Varargs invoke(final Varargs a) {
                    // C's comparisons: a NaN after the first argument never wins (Java's Math.max would)
                    double best = a.checkdouble(1);
                    for (int i = 2; i <= a.narg(); i++) {
                        final double d = a.checkdouble(i);
                        if (max ? d > best : d < best) {
                            best = d;
                        }
                    }
                    return LuaValue.valueOf(best);
                }
            });
        }
        math.rawset("frexp", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                return frexp(a.checkdouble(1)); // C's (LuaJ's gave 0 for the infinities)
            }
        });
        math.rawset("modf", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                return modf(a.checkdouble(1)); // C's (LuaJ's lost the sign of a zero fraction and gave nan for the infinities)
            }
        });
        math.rawset("ldexp", new TwoArgFunction() {
            @Override
            public LuaValue call(final LuaValue x, final LuaValue e) {
                // the exponent is luaL_checkint's: (int) of the x86 (long) conversion
                return LuaValue.valueOf(Math.scalb(x.checkdouble(), LuaNumbers.toInt(e.checkdouble())));
            }
        });
        LuaCompat.installRandom(math);
        math.rawset("log10", new OneArgFunction() {
            @Override
            public LuaValue call(final LuaValue x) {
                final double d = x.checkdouble();
                return LuaValue.valueOf(d < 0 ? Double.NaN : Math.log10(d)); // glibc's NaN for a negative is positive
            }
        });
        for (final boolean cos : new boolean[] {true, false}) {
            math.rawset(cos ? "acos" : "asin", new OneArgFunction() {
                @Override
                public LuaValue call(final LuaValue x) {
                    final double d = x.checkdouble();
                    // outside [-1, 1] glibc answers a positive NaN (Java's has the sign bit set)
                    return LuaValue.valueOf(Math.abs(d) > 1 ? Double.NaN : cos ? Math.acos(d) : Math.asin(d));
                }
            });
        }
        final LuaTable string = g.get("string").checktable();
        LuaStrings.install(string, hook::step);
        string.rawset("gfind", string.get("gmatch"));
        string.rawset("upper", LuaCompat.caseMap(true));
        string.rawset("lower", LuaCompat.caseMap(false));
        g.rawset("tonumber", LuaCompat.tonumber(g.get("tonumber")));
        string.rawset("dump", new OneArgFunction() {
            @Override
            public LuaValue call(final LuaValue f) {
                // as in Redis, dumping works and the bytes cannot be loaded back (no undumper)
                if (!(f instanceof org.luaj.vm2.LuaClosure c)) {
                    throw new LuaError("unable to dump given function");
                }
                final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                try {
                    org.luaj.vm2.compiler.DumpState.dump(c.p, out, true);
                } catch (final java.io.IOException e) {
                    throw new LuaError("unable to dump given function");
                }
                return LuaValue.valueOf(out.toByteArray());
            }
        });
        string.rawset("format", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                return LuaFormat.format(a);
            }
        });
        final LuaValue rep = string.get("rep");
        string.rawset("rep", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                final int times = LuaNumbers.toInt(a.arg(2).checkdouble()); // luaL_checkint
                if (times < 1) {
                    return LuaValue.EMPTYSTRING; // repeated no times (LuaJ failed on a negative count)
                }
                final double n = (double) a.arg(1).checkstring().length() * times;
                if (n > MAX_STRING) {
                    throw new LuaError("string.rep: resulting string too large");
                }
                return rep.invoke(LuaValue.varargsOf(a.arg(1), LuaValue.valueOf(times)));
            }
        });
        LuaTables.install(table);
        final LuaValue insert = table.get("insert");
        table.rawset("insert", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                return unpositioned(insert, a);
            }
        });
        g.rawset("pcall", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                // LuaJ's pcall, with the error value as Lua 5.1 hands it over (ScriptErrors.caught)
                final LuaValue f = a.checkvalue(1);
                cCalls[0]++;
                hook.onCall(this); // a frame of its own, as Lua 5.1's C function (error levels count it)
                try {
                    return LuaValue.varargsOf(LuaValue.TRUE, f.invoke(a.subargs(2)));
                } catch (final LuaError e) {
                    return LuaValue.varargsOf(LuaValue.FALSE, ScriptErrors.caught(e));
                } catch (final RuntimeException e) {
                    return LuaValue.varargsOf(LuaValue.FALSE,
                            LuaValue.valueOf(e.getMessage() != null ? e.getMessage() : e.toString()));
                } finally {
                    hook.onReturn();
                    cCalls[0]--;
                }
            }
        });
        g.rawset("xpcall", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                // Lua 5.1's xpcall(f, handler): f runs without arguments; on an error the handler
                // gets the error value as Lua raised it (ScriptErrors.raised: LuaJ handed it its own
                // "@user_script:1 x" text, and a table as text) and its first result is xpcall's
                // second; a handler that fails, or is no function, gives "error in error handling"
                final LuaValue f = a.arg1();
                final LuaValue handler = a.arg(2);
                cCalls[0]++; // its frame on the hook's stack is LuaArgs.Checked's
                try {
                    return LuaValue.varargsOf(LuaValue.TRUE, f.invoke(LuaValue.NONE));
                } catch (final LuaError e) {
                    try {
                        return LuaValue.varargsOf(LuaValue.FALSE, handler.call(ScriptErrors.raised(e)));
                    } catch (final LuaError inHandler) {
                        return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf("error in error handling"));
                    }
                } finally {
                    cCalls[0]--;
                }
            }
        });
        LuaCoroutines.install(g.get("coroutine").checktable(), hook);
        final LuaValue error = g.get("error");
        g.rawset("error", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                // error(msg, 0) adds no position: Redis then replies "ERR msg"
                if (a.arg1().isnil()) {
                    throw new LuaError(LuaValue.NIL); // Redis replies "ERR nil"
                }
                if (a.arg1().type() == LuaValue.TSTRING && a.arg(2).isnumber() && a.arg(2).toint() == 0) {
                    throw new ScriptErrors.Unpositioned(a.arg1().tojstring());
                }
                if (a.arg1().isstring() && a.arg(2).isnumber() && a.arg(2).todouble() >= 2) {
                    // the position of the function that many calls up (luaL_where), "" for pcall and the like
                    throw new ScriptErrors.Unpositioned(hook.where(LuaNumbers.toInt(a.arg(2).todouble()))
                            + a.arg1().tojstring());
                }
                return error.invoke(a);
            }
        });
        final LuaValue rawset = g.get("rawset");
        final LuaValue setmetatable = g.get("setmetatable");
        g.rawset("rawset", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                return unpositioned(rawset, a);
            }
        });
        g.rawset("setmetatable", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                return unpositioned(setmetatable, a);
            }
        });
        g.rawset("bit", BitLib.table());
        g.rawset("cjson", CjsonLib.table());
        g.rawset("cmsgpack", CmsgpackLib.table());
        g.rawset("struct", StructLib.table());
        g.rawset("redis", redis);
        final LuaValue tostring = g.get("tostring");
        g.rawset("tostring", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                if (a.narg() == 0) {
                    throw new LuaError("bad argument #1 to 'tostring' (value expected)"); // luaL_checkany
                }
                return tostring.call(a.arg1()); // numbers print with %.14g (Moon's LuaDouble)
            }
        });
        g.rawset("select", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                // Lua 5.1 counts for any string starting with '#' ("# ", "#n"); LuaJ wants "#" exactly
                final LuaValue n = a.arg1();
                if (n.type() == LuaValue.TSTRING) {
                    final LuaString str = n.checkstring();
                    if (str.length() > 0 && str.luaByte(0) == '#') {
                        return LuaValue.valueOf(a.narg() - 1);
                    }
                }
                // luaL_checkint (LuaArgs checked it is a number), from the end when negative
                final int count = a.narg();
                long i = LuaNumbers.toInt(LuaNumbers.checkNumber(a, 1, "select"));
                if (i < 0) {
                    i = count + i;
                } else if (i > count) {
                    i = count;
                }
                if (i < 1) {
                    throw LuaNumbers.argError(1, "select", "index out of range");
                }
                return a.subargs((int) i + 1);
            }
        });
        LuaArgs.install(g, hook); // Lua 5.1's argument errors ("bad argument #2 to 'rep' (...)"), over the functions above
        // every library table becomes read-only, as in Redis 7
        for (final String lib : new String[] {"string", "table", "math", "coroutine", "bit", "cjson", "cmsgpack",
                "struct", "redis"}) {
            g.rawset(lib, seal(g.get(lib).checktable()));
        }
        sealStringMeta(g.get("string").checktable());
        // getmetatable('') is, as in Redis, a read-only table whose __index is this interpreter's
        // string table (strings themselves use the shared STRING_META, with the same functions)
        final Sealed ownStringMeta = new Sealed();
        ownStringMeta.rawset(LuaValue.INDEX, g.get("string"));
        ownStringMeta.sealed = true;
        final LuaValue getmetatable = g.get("getmetatable");
        g.rawset("getmetatable", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                return a.arg1().type() == LuaValue.TSTRING ? ownStringMeta : getmetatable.invoke(a);
            }
        });
        final Sealed mt = new Sealed(); // the globals' metatable is read-only too
        mt.rawset("__index", new TwoArgFunction() {
            @Override
            public LuaValue call(final LuaValue t, final LuaValue k) {
                throw new LuaError("Script attempted to access nonexistent global variable '" + k.tojstring() + "'");
            }
        });
        mt.sealed = true;
        g.setmetatable(mt);
        g.rawset("_G", g);
        g.sealed = true;
        return g;
    }

    /** Redis raises readonly-table errors of these two functions without a script position. */
    private static Varargs unpositioned(final LuaValue f, final Varargs a) {
        try {
            return f.invoke(a);
        } catch (final LuaError e) {
            if (READONLY.equals(e.getMessageObject().tojstring())) {
                throw new ScriptErrors.Unpositioned(READONLY);
            }
            throw e;
        }
    }

    private static final byte[] LOAD_NAME = {'=', '(', 'l', 'o', 'a', 'd', ')'};
    /** LuaJ's name of loaded chunks (their run-time error positions). */
    private static final String LOAD_CHUNK = "=(load)";

    private static byte[] bytes(final LuaString s) {
        final byte[] b = new byte[s.length()];
        s.copyInto(0, b, 0, b.length);
        return b;
    }

    /**
     * loadstring and load: the chunk parsed as Lua 5.1 by {@code compile} ({@link Lua51Syntax}; the
     * syntax levels start one C call deep, the script's own, plus one per pcall or xpcall between),
     * then compiled by LuaJ; a function, or nil and the message. A chunk starting with ESC is
     * source like any other, as in Redis (whose Lua has no undumper): Lua 5.1 refuses it
     * ("unexpected symbol near 'char(27)'"). An error of load's reader comes back as Redis's Lua
     * hands it over: through Redis's error handler outside pcall (an {err="ERR ..."} table), as
     * pcall would inside one.
     */
    private static Varargs load51(final Globals g, final java.util.function.Supplier<org.luaj.vm2.Prototype> compile,
                                  final int pcalls) {
        try {
            return new org.luaj.vm2.LuaClosure(compile.get(), g);
        } catch (final Lua51Syntax.Failure e) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(e.bytes()));
        } catch (final ReaderError e) {
            final LuaValue m = e.error.getMessageObject();
            if (pcalls > 0) {
                return LuaValue.varargsOf(LuaValue.NIL, ScriptErrors.caught(e.error));
            }
            if (m != null && m.istable()) {
                return LuaValue.varargsOf(LuaValue.NIL, m);
            }
            final LuaTable err = new LuaTable();
            err.rawset("err", LuaValue.valueOf("ERR " + ScriptErrors.caught(e.error).tojstring()));
            return LuaValue.varargsOf(LuaValue.NIL, err);
        } catch (final LuaError e) {
            return LuaValue.varargsOf(LuaValue.NIL, ScriptErrors.caught(e));
        }
    }

    /** An error of load's reader function, raised through the parser. */
    private static final class ReaderError extends RuntimeException {
        final LuaError error;

        ReaderError(final LuaError error) {
            super(null, null, false, false);
            this.error = error;
        }
    }

    /** A sealed copy of a library table. */
    static Sealed seal(final LuaTable t) {
        final Sealed s = new Sealed();
        LuaValue k = LuaValue.NIL;
        while (true) {
            final Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            s.rawset(k, n.arg(2));
        }
        s.sealed = true;
        return s;
    }

    /** C's frexp: x = m * 2^e with 0.5 <= |m| < 1; zero, infinities and NaN come back as they are, with 0. */
    static Varargs frexp(final double x) {
        if (x == 0 || Double.isNaN(x) || Double.isInfinite(x)) {
            return LuaValue.varargsOf(LuaValue.valueOf(x), LuaValue.valueOf(0));
        }
        double v = x;
        int bias = 0;
        if (Math.getExponent(v) < Double.MIN_EXPONENT) { // subnormal: scale into the normal range first
            v *= 0x1p54;
            bias = 54;
        }
        final int e = Math.getExponent(v) + 1;
        return LuaValue.varargsOf(LuaValue.valueOf(Math.scalb(v, -e)), LuaValue.valueOf(e - bias));
    }

    /** C's modf: the integral part and the fraction, both with x's sign (modf(-3) is -3, -0); an infinity's fraction is 0. */
    static Varargs modf(final double x) {
        final double ip = x < 0 ? Math.ceil(x) : Math.floor(x);
        final double fp = Double.isInfinite(x) ? 0 : x - ip;
        return LuaValue.varargsOf(LuaValue.valueOf(ip), LuaValue.valueOf(Math.copySign(fp, x)));
    }

    /**
     * LuaJ's math library with C's pow, which the ^ operator also uses (LuaJ calls the installed
     * library's dpow_lib): C99 gives 1 for pow(1, y) and pow(-1, +-inf), where Java's Math.pow
     * gives NaN; and glibc's pow of a NaN to an odd integer power clears the NaN's sign (it treats
     * the sign bit as a negative base), where Java's passes the NaN through.
     */
    static final class CMathLib extends JseMathLib {
        static double pow(final double a, final double b) {
            if (a == 1.0 || a == -1.0 && Double.isInfinite(b)) {
                return 1.0;
            }
            if (Double.isNaN(a) && b == Math.rint(b) && Math.abs(b) < 0x1p53 && ((long) b & 1) == 1) {
                return Double.longBitsToDouble(Double.doubleToRawLongBits(a) & Long.MAX_VALUE);
            }
            return Math.pow(a, b);
        }

        @Override
        public double dpow_lib(final double a, final double b) {
            return pow(a, b);
        }
    }
}
