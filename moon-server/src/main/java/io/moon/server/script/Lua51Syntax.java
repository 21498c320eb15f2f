package io.moon.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.compiler.LuaC;

/**
 * Lua 5.1's front end, in front of LuaJ's Lua 5.2 compiler: every script, library, loadstring and
 * load chunk is read here first, by a lexer and a recursive-descent parser that follow the Lua 5.1
 * grammar, before LuaJ compiles it. Three classes by subject: {@link Lua51Lexer} (tokens, lexical
 * errors, the rewritten source), {@link Lua51Scopes} (expected tokens, names and scopes) and this
 * one (expressions, statements, and the entry points).
 *
 * <p>Source Lua 5.1 refuses fails here with Lua 5.1's own message, built as Lua 5.1 builds it:
 * "CHUNK:LINE: message", then " near 'TOKEN'" where TOKEN is the text the lexer read for a name,
 * number or string (escapes already decoded, cut at a NUL byte), "&lt;eof&gt;", "char(N)" for a
 * control character, or the operator or keyword; the line is the lexer's, which may already be
 * past the token. The limits Lua 5.1 checks while parsing are checked too: 200 syntax levels (the
 * caller's C calls count: {@code level}), 200 active locals and 60 upvalues per function, the
 * variables of one assignment. Lua 5.1's quirks are kept: a NUL byte satisfies the lexer's
 * one-character look-aheads ({@code 1\0} is the number 1), an escape it does not know stands
 * for the character itself. Redis builds its Lua without LUA_COMPAT_LSTR, so {@code [[} inside
 * a long string is text.
 *
 * <p>Source Lua 5.1 accepts is handed to LuaJ with the tokens LuaJ would read differently
 * rewritten, on the same line so LuaJ's line numbers stay Lua 5.1's: numbers (hexadecimal forms
 * as C's strtod reads them, forms with a NUL) become their decimal value, and a number followed
 * by {@code ..} gets a space; the escapes {@code \x} and {@code \z}, which Lua 5.1 reads as the
 * letters, become {@code \120} and {@code \122}; a level-0 long string or comment holding
 * {@code [[} (which LuaJ refuses) gets a higher level; an operator with a NUL in it is spelled
 * plainly; a name {@code _ENV} (special in Lua 5.2) becomes another name, or {@code _ENV["_ENV"]}
 * when global; a vararg function that uses Lua 5.1's implicit {@code arg} local gets it declared
 * after its parameter list. {@code goto} is an ordinary name in Lua 5.1: {@link
 * LuaCompat#patchLuaJ} takes it out of LuaJ's keywords.
 *
 * <p>What this does not model: the register limit ("function or expression too complex", which
 * LuaJ checks at much the same point, in its own words) and the limits only giant chunks reach
 * (constants, code size, 32767 locals in one function); LuaJ's error is then the reply.
 */
final class Lua51Syntax extends Lua51Scopes {
    static {
        LuaCompat.patchLuaJ(); // 'goto' is a name
    }

    private static final int MAXCCALLS = 200;

    /** Binary operators' priorities, in the order of {@link #binopr}: + - * / % ^ .. ~= == < <= > >= and or. */
    private static final int[] LEFT = {6, 6, 7, 7, 7, 10, 5, 3, 3, 3, 3, 3, 3, 2, 1};
    private static final int[] RIGHT = {6, 6, 7, 7, 7, 9, 4, 3, 3, 3, 3, 3, 3, 2, 1};
    private static final int UNARY_PRIORITY = 8;

    private int level;

    private Lua51Syntax(final byte[] src, final Reader reader, final String chunk, final int level) {
        super(src, reader, chunk);
        this.level = level;
    }

    /**
     * Reads {@code src} as Lua 5.1 does and answers the bytes LuaJ must compile (src itself when
     * nothing needs rewriting). {@code chunk} is the chunk's name as Lua 5.1 prints it in compile
     * errors ({@link #chunkid}); {@code level} the C calls already on Lua 5.1's stack (0 for EVAL
     * and FUNCTION LOAD, 1 for loadstring called by a script). Throws {@link Failure}.
     */
    static byte[] check(final byte[] src, final String chunk, final int level) {
        final Lua51Syntax p = new Lua51Syntax(src, null, chunk, level);
        p.mainfunc();
        return p.rewritten();
    }

    /**
     * {@link #check}, then LuaJ's compiler on the result (chunk name {@code luajName}, which names
     * positions at run time): the compiled prototype, or {@link Failure} with Lua 5.1's message,
     * or LuaJ's {@link LuaError} for the limits only LuaJ has.
     */
    static Prototype compile(final byte[] src, final String chunk, final int level, final String luajName) {
        final Lua51Syntax p = new Lua51Syntax(src, null, chunk, level);
        p.mainfunc();
        return p.luaj(luajName);
    }

    /**
     * {@link #compile} of the chunk a reader gives piece by piece, read as Lua 5.1's load reads
     * it: the next piece when the lexer needs the next character, so a chunk Lua 5.1 refuses
     * early is refused without reading the rest, and the reader is called as often as in Lua 5.1.
     */
    static Prototype compile(final Reader reader, final String chunk, final int level, final String luajName) {
        final Lua51Syntax p = new Lua51Syntax(new byte[0], reader, chunk, level);
        p.mainfunc();
        return p.luaj(luajName);
    }

    private Prototype luaj(final String luajName) {
        try {
            return LuaC.instance.compile(new java.io.ByteArrayInputStream(rewritten()), luajName);
        } catch (final LuaError e) {
            throw e;
        } catch (final java.io.IOException | RuntimeException e) {
            // LuaJ's own limits end in an exception of its error formatting (FuncState has no state
            // to format with): the local-variable count it keeps across nested functions
            throw new Failure(luajOverflow != null ? luajOverflow : chunk + ": " + e);
        }
    }

    /**
     * A chunk name as Lua 5.1's compile errors print it (luaO_chunkid with the lexer's 80 bytes):
     * "=name" as name, "@file" as file (its end when long), anything else as [string "..."],
     * cut at its first line break. The name is a C string: it ends at its first NUL.
     */
    static String chunkid(final byte[] source) {
        int len = 0;
        while (len < source.length && source[len] != 0) {
            len++;
        }
        if (len > 0 && source[0] == '=') {
            return latin1(source, 1, Math.min(len - 1, MAXSRC - 1));
        }
        if (len > 0 && source[0] == '@') {
            final int room = MAXSRC - 8; // sizeof(" '...' ")
            final int l = len - 1;
            return l > room ? "..." + latin1(source, 1 + l - room, room) : latin1(source, 1, l);
        }
        int nl = 0;
        while (nl < len && source[nl] != '\n' && source[nl] != '\r') {
            nl++;
        }
        final int l = Math.min(nl, MAXSRC - 17); // sizeof(" [string \"...\"] ")
        return l < len ? "[string \"" + latin1(source, 0, l) + "...\"]" : "[string \"" + latin1(source, 0, len) + "\"]";
    }

    // ---- parser helpers ------------------------------------------------------------------------

    private static boolean blockFollow(final int tok) {
        return tok == TK_ELSE || tok == TK_ELSEIF || tok == TK_END || tok == TK_UNTIL || tok == TK_EOS;
    }

    private void enterlevel() {
        if (++level > MAXCCALLS) {
            throw lexError("chunk has too many syntax levels", 0);
        }
    }

    private void leavelevel() {
        level--;
    }

    // ---- expressions ---------------------------------------------------------------------------

    private void field() {
        next(); // '.' or ':'
        checkname();
    }

    private void yindex() {
        next();
        expr();
        checknext(']');
    }

    private void constructor() {
        final int ln = line;
        checknext('{');
        do {
            if (t.tok == '}') {
                break;
            }
            switch (t.tok) {
                case TK_NAME -> {
                    lookahead();
                    if (ahead.tok != '=') {
                        expr();
                    } else {
                        recfield();
                    }
                }
                case '[' -> recfield();
                default -> expr();
            }
        } while (testnext(',') || testnext(';'));
        checkMatch('}', '{', ln);
    }

    private void recfield() {
        if (t.tok == TK_NAME) {
            checkname();
        } else {
            yindex();
        }
        checknext('=');
        expr();
    }

    private void parlist() {
        final Func f = fs;
        int nparams = 0;
        if (t.tok != ')') {
            do {
                switch (t.tok) {
                    case TK_NAME -> newLocalvar(declareName(), nparams++);
                    case TK_DOTS -> {
                        next();
                        f.arg = new Local(ARG, 0, ARG.length, f);
                        newLocalvar(f.arg, nparams++);
                        f.vararg = true;
                        f.needsArg = true;
                    }
                    default -> throw syntaxError("<name> or '...' expected");
                }
            } while (!f.vararg && testnext(','));
        }
        adjustlocalvars(nparams);
    }

    /** body: '(' parlist ')' chunk 'end'; selfInserted: the caller rewrote "a:b" and LuaJ must see self. */
    private void body(final boolean needself, final int ln, final boolean selfInserted) {
        openFunc(ln);
        final int open = t.end;
        checknext('(');
        if (needself) {
            newLocalvar(new Local(SELF, 0, SELF.length, null), 0);
            adjustlocalvars(1);
            if (selfInserted) {
                edit(open, open, t.tok == ')' ? "self" : "self, ");
            }
        }
        parlist();
        final int close = t.end;
        checknext(')');
        fs.argAt = close;
        chunk();
        checkMatch(TK_END, TK_FUNCTION, ln);
        closeFunc();
    }

    private int explist1() {
        int count = 1;
        expr();
        while (testnext(',')) {
            expr();
            count++;
        }
        return count;
    }

    private void funcargs() {
        final int ln = line;
        switch (t.tok) {
            case '(' -> {
                if (ln != lastline) {
                    throw syntaxError("ambiguous syntax (function call x new statement)");
                }
                next();
                if (t.tok != ')') {
                    explist1();
                }
                checkMatch(')', '(', ln);
            }
            case '{' -> constructor();
            case TK_STRING -> next();
            default -> throw syntaxError("function arguments expected");
        }
    }

    private int prefixexp() {
        switch (t.tok) {
            case '(' -> {
                final int ln = line;
                next();
                expr();
                checkMatch(')', '(', ln);
                return VOTHER;
            }
            case TK_NAME -> {
                return singlevar(false);
            }
            default -> throw syntaxError("unexpected symbol");
        }
    }

    private int primaryexp() {
        int k = prefixexp();
        for (;;) {
            switch (t.tok) {
                case '.' -> {
                    field();
                    k = VINDEXED;
                }
                case '[' -> {
                    yindex();
                    k = VINDEXED;
                }
                case ':' -> {
                    next();
                    checkname();
                    funcargs();
                    k = VCALL;
                }
                case '(', TK_STRING, '{' -> {
                    funcargs();
                    k = VCALL;
                }
                default -> {
                    return k;
                }
            }
        }
    }

    private void simpleexp() {
        switch (t.tok) {
            case TK_NUMBER, TK_STRING, TK_NIL, TK_TRUE, TK_FALSE -> next();
            case TK_DOTS -> {
                if (!fs.vararg) {
                    throw syntaxError("cannot use '...' outside a vararg function");
                }
                fs.needsArg = false;
                next();
            }
            case '{' -> constructor();
            case TK_FUNCTION -> {
                next();
                body(false, line, false);
            }
            default -> primaryexp();
        }
    }

    private static int binopr(final int tok) {
        return switch (tok) {
            case '+' -> 0;
            case '-' -> 1;
            case '*' -> 2;
            case '/' -> 3;
            case '%' -> 4;
            case '^' -> 5;
            case TK_CONCAT -> 6;
            case TK_NE -> 7;
            case TK_EQ -> 8;
            case '<' -> 9;
            case TK_LE -> 10;
            case '>' -> 11;
            case TK_GE -> 12;
            case TK_AND -> 13;
            case TK_OR -> 14;
            default -> -1;
        };
    }

    /** subexpr: (simpleexp | unop subexpr) { binop subexpr } while the operators bind tighter than limit. */
    private int subexpr(final int limit) {
        enterlevel();
        if (t.tok == TK_NOT || t.tok == '-' || t.tok == '#') {
            next();
            subexpr(UNARY_PRIORITY);
        } else {
            simpleexp();
        }
        int op = binopr(t.tok);
        while (op >= 0 && LEFT[op] > limit) {
            next();
            op = subexpr(RIGHT[op]);
        }
        leavelevel();
        return op;
    }

    private void expr() {
        subexpr(0);
    }

    // ---- statements ----------------------------------------------------------------------------

    private void mainfunc() {
        openFunc(0);
        fs.vararg = true;
        next();
        chunk();
        check(TK_EOS);
    }

    private void chunk() {
        enterlevel();
        boolean last = false;
        while (!last && !blockFollow(t.tok)) {
            last = statement();
            testnext(';');
        }
        leavelevel();
    }

    private void block() {
        enterblock(false);
        chunk();
        leaveblock();
    }

    private boolean statement() {
        final int ln = line;
        switch (t.tok) {
            case TK_IF -> ifstat(ln);
            case TK_WHILE -> whilestat(ln);
            case TK_DO -> {
                next();
                block();
                checkMatch(TK_END, TK_DO, ln);
            }
            case TK_FOR -> forstat(ln);
            case TK_REPEAT -> repeatstat(ln);
            case TK_FUNCTION -> funcstat(ln);
            case TK_LOCAL -> {
                next();
                if (testnext(TK_FUNCTION)) {
                    localfunc();
                } else {
                    localstat();
                }
            }
            case TK_RETURN -> {
                next();
                if (!blockFollow(t.tok) && t.tok != ';') {
                    explist1();
                }
                return true;
            }
            case TK_BREAK -> {
                next();
                Block bl = fs.bl;
                while (bl != null && !bl.breakable) {
                    bl = bl.previous;
                }
                if (bl == null) {
                    throw syntaxError("no loop to break");
                }
                return true;
            }
            default -> exprstat();
        }
        return false;
    }

    private void testThenBlock() {
        next();
        expr();
        checknext(TK_THEN);
        block();
    }

    private void ifstat(final int ln) {
        testThenBlock();
        while (t.tok == TK_ELSEIF) {
            testThenBlock();
        }
        if (t.tok == TK_ELSE) {
            next();
            block();
        }
        checkMatch(TK_END, TK_IF, ln);
    }

    private void whilestat(final int ln) {
        next();
        expr();
        enterblock(true);
        checknext(TK_DO);
        block();
        checkMatch(TK_END, TK_WHILE, ln);
        leaveblock();
    }

    private void repeatstat(final int ln) {
        enterblock(true);
        enterblock(false);
        next();
        chunk();
        checkMatch(TK_UNTIL, TK_REPEAT, ln);
        expr();
        leaveblock();
        leaveblock();
    }

    private static final Local FOR_CONTROL = new Local(HIDDEN, 0, 1, null);

    private void forbody(final int nvars) {
        adjustlocalvars(3);
        checknext(TK_DO);
        enterblock(false);
        adjustlocalvars(nvars);
        block();
        leaveblock();
    }

    private void fornum(final Local var) {
        newLocalvar(FOR_CONTROL, 0);
        newLocalvar(FOR_CONTROL, 1);
        newLocalvar(FOR_CONTROL, 2);
        newLocalvar(var, 3);
        checknext('=');
        expr();
        checknext(',');
        expr();
        if (testnext(',')) {
            expr();
        }
        forbody(1);
    }

    private void forlist(final Local first) {
        newLocalvar(FOR_CONTROL, 0);
        newLocalvar(FOR_CONTROL, 1);
        newLocalvar(FOR_CONTROL, 2);
        newLocalvar(first, 3);
        int nvars = 4;
        while (testnext(',')) {
            newLocalvar(declareName(), nvars++);
        }
        checknext(TK_IN);
        explist1();
        forbody(nvars - 3);
    }

    private void forstat(final int ln) {
        enterblock(true);
        next();
        final Local var = declareName();
        switch (t.tok) {
            case '=' -> fornum(var);
            case ',', TK_IN -> forlist(var);
            default -> throw syntaxError("'=' or 'in' expected");
        }
        checkMatch(TK_END, TK_FOR, ln);
        leaveblock();
    }

    /**
     * funcstat: 'function' funcname body. A function named from a global _ENV (which LuaJ would
     * take for its environment) is handed to LuaJ as the assignment it stands for.
     */
    private void funcstat(final int ln) {
        final int kwStart = t.start;
        final int kwEnd = t.end;
        next();
        final int nameStart = t.start;
        final int nameEnd = t.end;
        final boolean envGlobal = singlevar(true) == VGLOBAL && isEnv(nameStart, nameEnd);
        boolean needself = false;
        while (t.tok == '.') {
            field();
        }
        if (t.tok == ':') {
            needself = true;
            if (envGlobal) {
                edit(t.start, t.end, ".");
            }
            field();
        }
        if (envGlobal) {
            edit(kwStart, kwEnd, "");
            edit(nameStart, nameEnd, "_ENV[\"_ENV\"]");
            edit(t.start, t.start, " = function");
        }
        body(needself, ln, envGlobal);
    }

    private void localfunc() {
        newLocalvar(declareName(), 0);
        adjustlocalvars(1);
        body(false, line, false);
    }

    private void localstat() {
        int nvars = 0;
        do {
            newLocalvar(declareName(), nvars++);
        } while (testnext(','));
        if (testnext('=')) {
            explist1();
        }
        adjustlocalvars(nvars);
    }

    private static boolean assignable(final int k) {
        return k == VLOCAL || k == VUPVAL || k == VGLOBAL || k == VINDEXED;
    }

    private void exprstat() {
        int k = primaryexp();
        if (k == VCALL) {
            return;
        }
        int nvars = 1;
        for (;;) {
            if (!assignable(k)) {
                throw syntaxError("syntax error");
            }
            if (!testnext(',')) {
                break;
            }
            k = primaryexp();
            if (nvars > MAXCCALLS - level) {
                throw errorLimit(fs, MAXCCALLS - level, "variables in assignment");
            }
            nvars++;
        }
        checknext('=');
        explist1();
    }
}
