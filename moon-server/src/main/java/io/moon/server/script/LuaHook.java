package io.moon.server.script;

import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * The instruction hook of one interpreter (LuaJ's debug interface, which its VM calls on every
 * call, return and instruction). It keeps Moon's own view of the Lua call stack: each frame's
 * function and current instruction, with a null frame for the Java functions that call Lua
 * functions the way Lua 5.1's C functions do (pcall, xpcall), so error(msg, level) can name the
 * line Lua 5.1's luaL_where names ({@link #where}). It remembers the line being run, which
 * Redis's error texts name (LuaJ loses the frame of a tail call such as "return redis.call(...)"
 * before the call runs, so the line is remembered here rather than looked up). And every 1,000
 * instructions (or steps of the pattern matcher) it checks the script's memory growth, every
 * 10,000 the clock and SCRIPT KILL.
 *
 * <p>LuaJ's own bookkeeping (DebugLib's call stack) is left out on purpose: it only fed stack
 * tracebacks no script sees (there is no debug library, and error texts drop the traceback), and
 * its synchronized calls on every instruction cost more than half of a compute-bound script's
 * time. Hooks set from Lua (debug.sethook) do not exist here either.
 */
final class LuaHook extends DebugLib {
    private LuaClosure[] frames = new LuaClosure[64];
    private int[] pcs = new int[64];
    private int depth;
    /** The line of the instruction run last, for error texts. */
    int line;
    /** Steps left before the next memory check (a countdown: cheaper than a modulo per instruction). */
    private int untilCheck = 1_000;
    /** Memory checks left before the next look at the clock and SCRIPT KILL. */
    private int checksUntilClock = 10;
    LuaShard owner;

    @Override
    public void onCall(final LuaClosure c, final Varargs v, final LuaValue[] stack) {
        push(c);
    }

    /** A Java function that calls Lua functions as a C function does in Lua 5.1 (pcall, xpcall): a frame of its own. */
    @Override
    public void onCall(final LuaFunction f) {
        push(null);
    }

    @Override
    public void onReturn() {
        if (depth > 0) {
            frames[--depth] = null;
        }
    }

    /** The pc of the frame a coroutine's body starts with: its stack ends there (see {@link #where}). */
    private static final int COROUTINE = -1;

    /** A coroutine's body starts (on its thread): the frames above belong to it until it returns. */
    void enterCoroutine() {
        push(null);
        pcs[depth - 1] = COROUTINE;
    }

    int depth() {
        return depth;
    }

    /** The frames of a coroutine that yielded: taken off the stack until it is resumed. */
    record Suspended(LuaClosure[] frames, int[] pcs) {
        static final Suspended NONE = new Suspended(new LuaClosure[0], new int[0]);
    }

    /** Takes the frames above {@code base} off the stack (a coroutine that yielded keeps them). */
    Suspended cut(final int base) {
        if (depth <= base) {
            return Suspended.NONE;
        }
        final Suspended s = new Suspended(java.util.Arrays.copyOfRange(frames, base, depth),
                java.util.Arrays.copyOfRange(pcs, base, depth));
        java.util.Arrays.fill(frames, base, depth, null);
        depth = base;
        return s;
    }

    /** Puts a resumed coroutine's frames back on top of the stack. */
    void restore(final Suspended s) {
        for (int i = 0; i < s.frames().length; i++) {
            push(s.frames()[i]);
            pcs[depth - 1] = s.pcs()[i];
        }
    }

    private void push(final LuaClosure c) {
        if (depth == frames.length) {
            frames = java.util.Arrays.copyOf(frames, depth * 2);
            pcs = java.util.Arrays.copyOf(pcs, depth * 2);
        }
        frames[depth] = c;
        pcs[depth++] = 0;
    }

    @Override
    public void onInstruction(final int pc, final Varargs v, final int top) {
        if (depth > 0) {
            pcs[depth - 1] = pc;
            final LuaClosure frame = frames[depth - 1];
            final int[] lines = frame == null ? null : frame.p.lineinfo;
            if (lines != null && pc < lines.length) {
                line = lines[pc];
            }
        }
        step();
    }

    /**
     * Lua 5.1's luaL_where: "chunk:line: " of the function {@code level} calls up the stack from
     * the innermost Lua function (level 1), or "" where that is a Java function or nothing.
     */
    String where(final int level) {
        final int i = depth - level;
        if (level < 1 || i < 0 || frames[i] == null) {
            return "";
        }
        for (int j = depth - 1; j > i; j--) {
            if (frames[j] == null && pcs[j] == COROUTINE) {
                return ""; // a coroutine's stack ends at its body
            }
        }
        final LuaClosure f = frames[i];
        final int[] lines = f.p.lineinfo;
        if (lines == null || pcs[i] >= lines.length) {
            return "";
        }
        final String source = f.p.source.tojstring();
        return (source.startsWith("@") ? source.substring(1) : source) + ":" + lines[pcs[i]] + ": ";
    }

    /**
     * One unit of work: an instruction, or a step of a library function that can run long
     * without running any (the pattern matcher's backtracking), so SCRIPT KILL, the busy
     * threshold and the memory check reach it too.
     */
    void step() {
        if (--untilCheck > 0) {
            return;
        }
        untilCheck = 1_000;
        if (owner.loadDeadlineMillis != 0 && System.currentTimeMillis() > owner.loadDeadlineMillis) {
            throw new ScriptErrors.Raised(RedisLib.single("err", "ERR FUNCTION LOAD timeout"), line);
        }
        final ScriptRun r = owner.run;
        if (r != null) {
            r.checkMemory();
            if (--checksUntilClock == 0) {
                checksUntilClock = 10;
                r.checkpoint();
            }
        }
    }

    void reset() {
        java.util.Arrays.fill(frames, 0, depth, null);
        depth = 0;
        line = 0;
    }
}
