package io.moon.server.script;

import java.util.Arrays;

/**
 * The middle of Lua 5.1's parser ({@link Lua51Syntax} extends it): the tokens the grammar expects
 * (check, checknext, checkMatch and their errors), and names: locals, blocks and functions in
 * scope, upvalues, and how a name resolves (local, upvalue or global), with Lua 5.1's limits of
 * 200 locals and 60 upvalues per function. Names LuaJ would read otherwise ({@code _ENV}, Lua
 * 5.1's implicit {@code arg}) get their edits here.
 */
abstract class Lua51Scopes extends Lua51Lexer {
    static final int MAXVARS = 200;
    static final int MAXUPVALUES = 60;

    /** What a primary expression is, as far as statements care: assignable, a call, or neither. */
    static final int VOTHER = 0;
    static final int VLOCAL = 1;
    static final int VUPVAL = 2;
    static final int VGLOBAL = 3;
    static final int VINDEXED = 4;
    static final int VCALL = 5;

    static final byte[] ENV = {'_', 'E', 'N', 'V'};
    static final byte[] ARG = {'a', 'r', 'g'};
    static final byte[] SELF = {'s', 'e', 'l', 'f'};
    static final byte[] HIDDEN = {'('}; // "(for index)" and the other control variables: never a name

    /** A local variable: its name (in the source or a constant) and, for Lua 5.1's implicit 'arg', its function. */
    static final class Local {
        final byte[] name;
        final int off;
        final int len;
        final Func compatArg;

        Local(final byte[] name, final int off, final int len, final Func compatArg) {
            this.name = name;
            this.off = off;
            this.len = len;
            this.compatArg = compatArg;
        }
    }

    static final class Block {
        final Block previous;
        final int nactvar;
        final boolean breakable;

        Block(final Block previous, final int nactvar, final boolean breakable) {
            this.previous = previous;
            this.nactvar = nactvar;
            this.breakable = breakable;
        }
    }

    /** The function being parsed: its active locals, upvalues and blocks. */
    static final class Func {
        final Func prev;
        final int linedefined;
        boolean vararg;
        /** Lua 5.1's LUA_COMPAT_VARARG: a '...' parameter, and no '...' in the body (yet). */
        boolean needsArg;
        Local arg;
        boolean argUsed;
        int argAt;
        Local[] actvar = new Local[8];
        int nactvar;
        Block bl;
        int[] ups = new int[4];
        int nups;

        Func(final Func prev, final int linedefined) {
            this.prev = prev;
            this.linedefined = linedefined;
        }
    }

    Func fs;
    /** Locals declared in the open scopes of every open function, as LuaJ counts them; where they first pass 200. */
    int luajLocals;
    String luajOverflow;
    /** The local singlevaraux found, and the register or upvalue index it answers. */
    Local found;
    int info;

    Failure errorLimit(final Func f, final int limit, final String what) {
        throw lexError(f.linedefined == 0 ? "main function has more than " + limit + " " + what
                : "function at line " + f.linedefined + " has more than " + limit + " " + what, 0);
    }

    void check(final int c) {
        if (t.tok != c) {
            errorExpected(c);
        }
    }

    void checknext(final int c) {
        check(c);
        next();
    }

    boolean testnext(final int c) {
        if (t.tok == c) {
            next();
            return true;
        }
        return false;
    }

    void errorExpected(final int tok) {
        throw syntaxError("'" + token2str(tok) + "' expected");
    }

    void checkMatch(final int what, final int who, final int where) {
        if (!testnext(what)) {
            if (where == line) {
                errorExpected(what);
            }
            throw syntaxError("'" + token2str(what) + "' expected (to close '" + token2str(who) + "' at line "
                    + where + ")");
        }
    }

    boolean isEnv(final int start, final int end) {
        return end - start == 4 && Arrays.equals(src, start, end, ENV, 0, 4);
    }

    /** str_checkname for a new local's name; a local Lua 5.2 would take for its environment is renamed. */
    Local declareName() {
        check(TK_NAME);
        final int s = t.start;
        final int e = t.end;
        next();
        if (isEnv(s, e)) {
            edit(s, e, null);
        }
        return new Local(src, s, e - s, null);
    }

    void checkname() {
        check(TK_NAME);
        next();
    }

    void newLocalvar(final Local l, final int n) {
        final Func f = fs;
        if (f.nactvar + n + 1 > MAXVARS) {
            throw errorLimit(f, MAXVARS, "local variables");
        }
        if (f.nactvar + n >= f.actvar.length) {
            f.actvar = Arrays.copyOf(f.actvar, f.actvar.length * 2);
        }
        f.actvar[f.nactvar + n] = l;
        // LuaJ counts the locals of the enclosing functions too against a function's 200 (and then
        // fails inside its error formatting): note where, to name the limit if it does
        if (luajOverflow == null && luajLocals + 1 > MAXVARS) {
            luajOverflow = chunk + ":" + line + ": " + (f.linedefined == 0 ? "main function has more than "
                    : "function at line " + f.linedefined + " has more than ") + MAXVARS + " local variables";
        }
        luajLocals++;
    }

    void adjustlocalvars(final int nvars) {
        fs.nactvar += nvars;
    }

    void enterblock(final boolean breakable) {
        fs.bl = new Block(fs.bl, fs.nactvar, breakable);
    }

    void leaveblock() {
        luajLocals -= fs.nactvar - fs.bl.nactvar;
        fs.nactvar = fs.bl.nactvar;
        fs.bl = fs.bl.previous;
    }

    void openFunc(final int linedefined) {
        fs = new Func(fs, linedefined);
    }

    void closeFunc() {
        final Func f = fs;
        if (f.arg != null && f.argUsed) {
            // Lua 5.1 (LUA_COMPAT_VARARG) gives a vararg function a local 'arg': a table of the extra
            // arguments and their count n when the body never says '...', nil when it does
            edit(f.argAt, f.argAt, f.needsArg ? " local arg = {n = _ENV.select('#', ...), ...}" : " local arg");
        }
        luajLocals -= f.nactvar;
        fs = f.prev;
    }

    static int searchvar(final Func f, final byte[] s, final int off, final int len) {
        for (int i = f.nactvar - 1; i >= 0; i--) {
            final Local l = f.actvar[i];
            if (l.len == len && Arrays.equals(l.name, l.off, l.off + len, s, off, off + len)) {
                return i;
            }
        }
        return -1;
    }

    int indexupvalue(final Func f, final int kind, final int index) {
        final int key = kind << 16 | index;
        for (int i = 0; i < f.nups; i++) {
            if (f.ups[i] == key) {
                return i;
            }
        }
        if (f.nups + 1 > MAXUPVALUES) {
            throw errorLimit(f, MAXUPVALUES, "upvalues");
        }
        if (f.nups == f.ups.length) {
            f.ups = Arrays.copyOf(f.ups, f.ups.length * 2);
        }
        f.ups[f.nups] = key;
        return f.nups++;
    }

    int singlevaraux(final Func f, final int off, final int len) {
        if (f == null) {
            return VGLOBAL;
        }
        final int v = searchvar(f, src, off, len);
        if (v >= 0) {
            found = f.actvar[v];
            info = v;
            return VLOCAL;
        }
        final int k = singlevaraux(f.prev, off, len);
        if (k == VGLOBAL) {
            return VGLOBAL;
        }
        info = indexupvalue(f, k, info);
        return VUPVAL;
    }

    /** singlevar: a name read as a variable; in a function name, a global _ENV is left to the caller. */
    int singlevar(final boolean funcname) {
        check(TK_NAME);
        final int s = t.start;
        final int e = t.end;
        next();
        found = null;
        final int k = singlevaraux(fs, s, e - s);
        if (found != null && found.compatArg != null) {
            found.compatArg.argUsed = true;
        }
        if (isEnv(s, e)) {
            if (k != VGLOBAL) {
                edit(s, e, null);
            } else if (!funcname) {
                edit(s, e, "_ENV[\"_ENV\"]");
            }
        }
        return k;
    }

    Lua51Scopes(final byte[] src, final Reader reader, final String chunk) {
        super(src, reader, chunk);
    }
}
