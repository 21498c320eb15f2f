package io.moon.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * coroutine.create, resume and wrap with Lua 5.1's error values. LuaJ runs a coroutine on a Java
 * thread of its own and hands a failed one's error back as text: its own ("@user_script:1 x" and
 * a stack traceback), a table as "table: ...". Here each coroutine's body keeps the error it
 * raised, and resume answers it as Lua 5.1 would ({@link ScriptErrors#raised}); wrap raises it
 * again, a message with the position of the code that called the wrapped function (Lua 5.1's
 * auxwrap adds luaL_where(L, 1)), anything else as it is. A coroutine has a stack of its own, as
 * in Lua 5.1: its frames leave the hook's stack when it yields and come back when it is resumed,
 * and error levels do not reach past its body ({@link LuaHook#where}).
 */
final class LuaCoroutines {
    private LuaCoroutines() {
    }

    static void install(final LuaTable co, final LuaHook hook) {
        final LuaValue create = co.get("create");
        final LuaValue resume = co.get("resume");
        // the error each coroutine's body raised, until resume hands it over; only this
        // interpreter's thread touches the map (the body's thread only sets the holder, and
        // LuaJ's hand-off between the two threads orders it before resume reads it)
        final Map<LuaValue, LuaError[]> failed = new WeakHashMap<>();
        final Map<LuaValue, LuaHook.Suspended> suspended = new WeakHashMap<>();
        final VarArgFunction ourCreate = new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                final LuaValue f = a.checkfunction(1);
                final LuaError[] last = new LuaError[1];
                final LuaValue t = create.call(new VarArgFunction() {
                    @Override
                    public Varargs invoke(final Varargs args) {
                        hook.enterCoroutine();
                        try {
                            return f.invoke(args);
                        } catch (final LuaError e) {
                            last[0] = e;
                            throw e;
                        } finally {
                            hook.onReturn();
                        }
                    }
                });
                failed.put(t, last);
                return t;
            }
        };
        final VarArgFunction ourResume = new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                final LuaValue t = a.arg1();
                final int base = hook.depth();
                final int line = hook.line; // the resuming code's line: the coroutine's run moves it
                final LuaHook.Suspended own = suspended.remove(t);
                if (own != null) {
                    hook.restore(own);
                }
                final Varargs r;
                try {
                    r = resume.invoke(a);
                } finally {
                    hook.line = line;
                    final LuaHook.Suspended left = hook.cut(base); // what a yield left behind
                    if (left != LuaHook.Suspended.NONE) {
                        suspended.put(t, left);
                    }
                }
                final LuaError[] last = r.arg1().toboolean() ? null : failed.get(t);
                if (last == null || last[0] == null) {
                    return r; // ran, yielded, or was refused (a dead coroutine): LuaJ's answer is Lua 5.1's
                }
                final LuaError e = last[0];
                last[0] = null;
                return LuaValue.varargsOf(LuaValue.FALSE, ScriptErrors.raised(e));
            }
        };
        co.rawset("create", ourCreate);
        co.rawset("resume", ourResume);
        co.rawset("wrap", new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                final LuaValue t = ourCreate.call(a.checkfunction(1));
                return new VarArgFunction() {
                    @Override
                    public Varargs invoke(final Varargs args) {
                        final Varargs r = ourResume.invoke(LuaValue.varargsOf(t, args));
                        if (r.arg1().toboolean()) {
                            return r.subargs(2);
                        }
                        final LuaValue err = r.arg(2);
                        // a LuaError with a text gets the calling Lua code's position on its way out
                        throw err.isstring() ? new LuaError(err.tojstring()) : new LuaError(err);
                    }
                };
            }
        });
    }
}
