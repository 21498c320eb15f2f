package io.moon.server.script;

import io.moon.server.Version;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.ThreeArgFunction;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One Lua interpreter's view of the function libraries: the environment library bodies and
 * their functions run in, and the functions of each library this interpreter has instantiated.
 *
 * <p>The environment is an empty table whose metatable switches on {@link #loading}: while a
 * library's body runs (load mode) it offers only Redis's load-time API (redis.register_function,
 * redis.log, the LOG_ and version constants) and any other global is an error; when a function
 * runs it reads the interpreter's sandboxed globals (the same ones EVAL sees). Every write to
 * it is refused, as Redis's globals are read-only. Functions close over this table, so the
 * closures registered at load time see the runtime globals when they are called.
 *
 * <p>Owned by its interpreter's thread; not thread-safe.
 */
final class FunctionEnv {
    /** How long a library's body may run (Redis's load timeout). */
    static final long LOAD_TIMEOUT_MILLIS = 500;

    /** What redis.register_function recorded. */
    record Registered(String name, String description, int flags, LuaFunction callback) {
    }

    private final LuaShard engine;
    /**
     * A Globals (not a plain table) so LuaJ runs the interpreter's instruction hook in its
     * functions; sealed, with a sealed metatable, so neither rawset(_ENV, ...) nor
     * setmetatable(_ENV, ...) nor getmetatable(_ENV).__index = ... changes what other functions see.
     */
    final Sandbox.SealedGlobals env = new Sandbox.SealedGlobals();
    private final LuaTable loadApi;
    private boolean loading;
    /** The functions the body being loaded has registered so far. */
    private LinkedHashMap<String, Registered> registering;
    /** The libraries of {@link #generation} this interpreter has instantiated. */
    private final IdentityHashMap<Libraries.Library, Map<String, Registered>> instances = new IdentityHashMap<>();
    private long generation = -1;

    FunctionEnv(final LuaShard engine) {
        this.engine = engine;
        final Sandbox.Sealed mt = new Sandbox.Sealed();
        mt.rawset("__index", new TwoArgFunction() {
            @Override
            public LuaValue call(final LuaValue t, final LuaValue k) {
                if (!loading) {
                    return engine.globals.get(k);
                }
                final LuaValue v = loadApi.rawget(k);
                if (v.isnil()) {
                    throw nonexistent(k);
                }
                return v;
            }
        });
        mt.rawset("__newindex", new ThreeArgFunction() {
            @Override
            public LuaValue call(final LuaValue t, final LuaValue k, final LuaValue v) {
                throw new LuaError(Sandbox.READONLY);
            }
        });
        mt.sealed = true;
        env.setmetatable(mt);
        env.sealed = true;
        env.debuglib = engine.globals.debuglib;
        this.loadApi = new LuaTable();
        loadApi.rawset("redis", loadRedis());
    }

    private static LuaError nonexistent(final LuaValue k) {
        return new LuaError("Script attempted to access nonexistent global variable '" + k.tojstring() + "'");
    }

    /** The redis table of load mode: register_function, log and constants; anything else is an error. */
    private Sandbox.Sealed loadRedis() {
        final Sandbox.Sealed r = new Sandbox.Sealed();
        r.rawset("register_function", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                register(a);
                return LuaValue.NONE;
            }
        });
        r.rawset("log", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                if (a.narg() < 2) {
                    throw raised("ERR redis.log() requires two arguments or more.");
                }
                return engine.globals.get("redis").get("log").invoke(a);
            }
        });
        r.rawset("LOG_DEBUG", LuaValue.valueOf(0));
        r.rawset("LOG_VERBOSE", LuaValue.valueOf(1));
        r.rawset("LOG_NOTICE", LuaValue.valueOf(2));
        r.rawset("LOG_WARNING", LuaValue.valueOf(3));
        r.rawset("REDIS_VERSION", LuaValue.valueOf(Version.REDIS_COMPAT));
        r.rawset("REDIS_VERSION_NUM", LuaValue.valueOf(RedisLib.versionNum(Version.REDIS_COMPAT)));
        final Sandbox.Sealed mt = new Sandbox.Sealed();
        mt.rawset("__index", new TwoArgFunction() {
            @Override
            public LuaValue call(final LuaValue t, final LuaValue k) {
                throw nonexistent(k);
            }
        });
        mt.sealed = true;
        r.setmetatable(mt);
        r.sealed = true;
        return r;
    }

    private ScriptErrors.Raised raised(final String text) {
        return new ScriptErrors.Raised(RedisLib.single("err", text), engine.line());
    }

    // redis.register_function(name, callback) or redis.register_function{function_name=..., callback=...,
    // flags={...}, description=...}
    private void register(final Varargs a) {
        if (!loading || registering == null) {
            throw raised("ERR redis.register_function can only be called on FUNCTION LOAD command");
        }
        final LuaValue name;
        final LuaValue callback;
        LuaValue flags = LuaValue.NIL;
        LuaValue description = LuaValue.NIL;
        if (a.narg() == 1) {
            if (!a.arg1().istable()) {
                throw raised("ERR calling redis.register_function with a single argument is only applicable to Lua"
                        + " table (representing named arguments).");
            }
            final LuaTable t = a.arg1().checktable();
            LuaValue n = LuaValue.NIL;
            LuaValue cb = LuaValue.NIL;
            LuaValue k = LuaValue.NIL;
            while (true) {
                final Varargs e = t.next(k);
                if ((k = e.arg1()).isnil()) {
                    break;
                }
                if (!k.isstring() || k.isnumber()) {
                    throw raised("ERR named argument key given to redis.register_function is not a string");
                }
                switch (k.tojstring()) {
                    case "function_name" -> n = e.arg(2);
                    case "callback" -> cb = e.arg(2);
                    case "flags" -> flags = e.arg(2);
                    case "description" -> description = e.arg(2);
                    default -> throw raised("ERR unknown argument given to redis.register_function");
                }
            }
            if (n.isnil()) {
                throw raised("ERR redis.register_function must get a function name argument");
            }
            if (cb.isnil()) {
                throw raised("ERR redis.register_function must get a callback argument");
            }
            if (!n.isstring()) {
                throw raised("ERR function_name argument given to redis.register_function must be a string");
            }
            if (!cb.isfunction()) {
                throw raised("ERR callback argument given to redis.register_function must be a function");
            }
            if (!description.isnil() && !description.isstring()) {
                throw raised("ERR description argument given to redis.register_function must be a string");
            }
            name = n;
            callback = cb;
        } else if (a.narg() == 2) {
            if (!a.arg1().isstring()) {
                throw raised("ERR first argument to redis.register_function must be a string");
            }
            if (!a.arg(2).isfunction()) {
                throw raised("ERR second argument to redis.register_function must be a function");
            }
            name = a.arg1();
            callback = a.arg(2);
        } else {
            throw raised("ERR wrong number of arguments to redis.register_function");
        }
        final int f = flags(flags);
        final String fname = name.tojstring();
        if (!Libraries.validName(fname)) {
            throw raised(Libraries.NAME_RULE);
        }
        if (registering.containsKey(fname)) {
            throw raised("ERR Function already exists in the library");
        }
        registering.put(fname, new Registered(fname, description.isnil() ? null : description.tojstring(), f,
                (LuaFunction) callback));
    }

    private int flags(final LuaValue flags) {
        if (flags.isnil()) {
            return 0;
        }
        if (!flags.istable()) {
            throw raised("ERR flags argument to redis.register_function must be a table representing function flags");
        }
        int f = 0;
        final LuaTable t = flags.checktable();
        for (int i = 1; i <= t.length(); i++) {
            final LuaValue v = t.get(i);
            if (!v.isstring() || v.isnumber()) {
                throw raised("ERR unknown flag given");
            }
            f |= switch (v.tojstring()) {
                case "no-writes" -> Shebang.NO_WRITES;
                case "allow-oom" -> Shebang.ALLOW_OOM;
                case "allow-stale" -> Shebang.ALLOW_STALE;
                case "no-cluster" -> Shebang.NO_CLUSTER;
                case "allow-cross-slot-keys" -> Shebang.ALLOW_CROSS_SLOT;
                default -> throw raised("ERR unknown flag given");
            };
        }
        return f;
    }

    /**
     * Runs a library's body in load mode and answers what it registered; throws
     * {@link Libraries.Refused} with Redis's "Error registering functions" reply.
     */
    LinkedHashMap<String, Registered> load(final Prototype p) {
        final LinkedHashMap<String, Registered> out = new LinkedHashMap<>();
        registering = out;
        loading = true;
        engine.beginLoad(System.currentTimeMillis() + LOAD_TIMEOUT_MILLIS);
        try {
            new LuaClosure(p, env).call();
        } catch (final LuaError e) {
            throw new Libraries.Refused("ERR Error registering functions: " + loadError(e, engine.line()));
        } catch (final StackOverflowError e) {
            throw new Libraries.Refused("ERR Error registering functions: ERR user_function:" + engine.line()
                    + ": stack overflow");
        } catch (final OutOfMemoryError e) {
            // one allocation too large for the heap (the body has 500 ms to build it): only the load fails
            throw new Libraries.Refused("ERR Error registering functions: ERR user_function:" + engine.line()
                    + ": not enough memory");
        } finally {
            engine.endLoad();
            loading = false;
            registering = null;
        }
        return out;
    }

    private static String loadError(final LuaError e, final int line) {
        final LuaValue obj = e.getMessageObject();
        if (obj != null && obj.istable() && obj.get("err").isstring()) {
            return obj.get("err").tojstring();
        }
        if (obj == null || !obj.isstring()) {
            return "ERR " + (obj == null ? "nil" : obj.tojstring());
        }
        final String m = ScriptErrors.bare(obj.tojstring().replace("@user_function:", "@user_script:"));
        return e instanceof ScriptErrors.Unpositioned ? "ERR " + m : "ERR user_function:" + line + ": " + m;
    }

    /** The callback of a function on this interpreter, instantiating its library on first use. */
    LuaFunction callback(final Libraries.Function f, final long currentGeneration) {
        if (currentGeneration != generation) {
            instances.clear(); // libraries were loaded, replaced or deleted: instantiate afresh
            generation = currentGeneration;
        }
        Map<String, Registered> lib = instances.get(f.library());
        if (lib == null) {
            lib = load(f.library().proto);
            instances.put(f.library(), lib);
        }
        final Registered r = lib.get(f.name());
        return r == null ? null : r.callback();
    }
}
