package io.moon.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.compiler.LuaC;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lua 5.1's front end, in front of LuaJ's Lua 5.2 compiler: every script, library, loadstring and
 * load chunk is read here first, by a lexer and a recursive-descent parser that follow the Lua 5.1
 * grammar, before LuaJ compiles it.
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
final class Lua51Syntax {
    static {
        LuaCompat.patchLuaJ(); // 'goto' is a name
    }

    /** A chunk Lua 5.1 refuses; the message is Lua 5.1's, one char per byte (ISO-8859-1). */
    static final class Failure extends LuaError {
        private static final long serialVersionUID = 1L;

        Failure(final String message) {
            super(message);
        }

        /** The message's bytes, for a Lua string. */
        byte[] bytes() {
            return getMessage().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private static final int EOZ = -1;
    /** The size of the buffer Lua 5.1's lexer formats the chunk name into (llex.c's MAXSRC). */
    private static final int MAXSRC = 80;
    private static final int MAXCCALLS = 200;
    private static final int MAXVARS = 200;
    private static final int MAXUPVALUES = 60;

    private static final int FIRST_RESERVED = 257;
    private static final int TK_AND = 257;
    private static final int TK_BREAK = 258;
    private static final int TK_DO = 259;
    private static final int TK_ELSE = 260;
    private static final int TK_ELSEIF = 261;
    private static final int TK_END = 262;
    private static final int TK_FALSE = 263;
    private static final int TK_FOR = 264;
    private static final int TK_FUNCTION = 265;
    private static final int TK_IF = 266;
    private static final int TK_IN = 267;
    private static final int TK_LOCAL = 268;
    private static final int TK_NIL = 269;
    private static final int TK_NOT = 270;
    private static final int TK_OR = 271;
    private static final int TK_REPEAT = 272;
    private static final int TK_RETURN = 273;
    private static final int TK_THEN = 274;
    private static final int TK_TRUE = 275;
    private static final int TK_UNTIL = 276;
    private static final int TK_WHILE = 277;
    private static final int TK_CONCAT = 278;
    private static final int TK_DOTS = 279;
    private static final int TK_EQ = 280;
    private static final int TK_GE = 281;
    private static final int TK_LE = 282;
    private static final int TK_NE = 283;
    private static final int TK_NUMBER = 284;
    private static final int TK_NAME = 285;
    private static final int TK_STRING = 286;
    private static final int TK_EOS = 287;
    private static final String[] TOKENS = {"and", "break", "do", "else", "elseif", "end", "false", "for",
        "function", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
        "..", "...", "==", ">=", "<=", "~=", "<number>", "<name>", "<string>", "<eof>"};
    private static final int NUM_RESERVED = 21;
    private static final byte[][] RESERVED = new byte[NUM_RESERVED][];

    static {
        for (int i = 0; i < NUM_RESERVED; i++) {
            RESERVED[i] = TOKENS[i].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    /** Binary operators' priorities, in the order of {@link #binopr}: + - * / % ^ .. ~= == < <= > >= and or. */
    private static final int[] LEFT = {6, 6, 7, 7, 7, 10, 5, 3, 3, 3, 3, 3, 3, 2, 1};
    private static final int[] RIGHT = {6, 6, 7, 7, 7, 9, 4, 3, 3, 3, 3, 3, 3, 2, 1};
    private static final int UNARY_PRIORITY = 8;

    /** What a primary expression is, as far as statements care: assignable, a call, or neither. */
    private static final int VOTHER = 0;
    private static final int VLOCAL = 1;
    private static final int VUPVAL = 2;
    private static final int VGLOBAL = 3;
    private static final int VINDEXED = 4;
    private static final int VCALL = 5;

    private static final byte[] ENV = {'_', 'E', 'N', 'V'};
    private static final byte[] ARG = {'a', 'r', 'g'};
    private static final byte[] SELF = {'s', 'e', 'l', 'f'};
    private static final byte[] HIDDEN = {'('}; // "(for index)" and the other control variables: never a name

    /** A token: its code and where its text is in the source. */
    private static final class Token {
        int tok = TK_EOS;
        int start;
        int end;
    }

    /** A local variable: its name (in the source or a constant) and, for Lua 5.1's implicit 'arg', its function. */
    private static final class Local {
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

    private static final class Block {
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
    private static final class Func {
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

    /** A replacement of source bytes [start, end) by text (null: the fresh name of a _ENV local), or an insertion. */
    private record Edit(int start, int end, byte[] text, int seq) {
    }

    /** Where load's pieces come from: the next one, or null or an empty array at the end. */
    interface Reader {
        byte[] next();
    }

    /** The source read so far, src[0, n); a reader's pieces are appended as the lexer needs them. */
    private byte[] src;
    private int n;
    private final Reader reader;
    private boolean eof;
    private final String chunk;
    private int pos;
    private int cur;
    private int line = 1;
    private int lastline = 1;
    private byte[] buff = new byte[32];
    private int nbuff;
    private Token t = new Token();
    private Token ahead = new Token();
    private int level;
    private Func fs;
    private List<Edit> edits;
    private byte[] envName;
    /** Locals declared in the open scopes of every open function, as LuaJ counts them; where they first pass 200. */
    private int luajLocals;
    private String luajOverflow;
    /** The local singlevaraux found, and the register or upvalue index it answers. */
    private Local found;
    private int info;

    private Lua51Syntax(final byte[] src, final Reader reader, final String chunk, final int level) {
        this.src = src;
        this.n = src.length;
        this.reader = reader;
        this.eof = reader == null;
        this.chunk = chunk;
        this.level = level;
        if (!eof) {
            fill();
        }
        this.cur = n > 0 ? this.src[0] & 0xff : EOZ;
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

    private static String latin1(final byte[] b, final int off, final int len) {
        return new String(b, off, len, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    // ---- output --------------------------------------------------------------------------------

    private void edit(final int start, final int end, final String text) {
        if (edits == null) {
            edits = new ArrayList<>();
        }
        edits.add(new Edit(start, end, text == null ? null : text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                edits.size()));
    }

    private byte[] rewritten() {
        if (edits == null) {
            return n == src.length ? src : Arrays.copyOf(src, n);
        }
        edits.sort((a, b) -> a.start != b.start ? Integer.compare(a.start, b.start) : Integer.compare(a.seq, b.seq));
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(n + 16 * edits.size());
        int at = 0;
        for (final Edit e : edits) {
            out.write(src, at, e.start - at);
            final byte[] text = e.text != null ? e.text : envName();
            out.write(text, 0, text.length);
            at = Math.max(at, e.end);
        }
        out.write(src, at, n - at);
        return out.toByteArray();
    }

    /** A name no token of the whole source is, for the locals Lua 5.1 calls _ENV. */
    private byte[] envName() {
        if (envName == null) {
            for (int i = 0; ; i++) {
                final byte[] candidate = ("_ENV_" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                if (indexOf(src, n, candidate) < 0) {
                    envName = candidate;
                    break;
                }
            }
        }
        return envName;
    }

    private static int indexOf(final byte[] hay, final int hayLen, final byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hayLen; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ---- errors --------------------------------------------------------------------------------

    /** luaX_lexerror: the position, the message and, for a token other than 0, " near 'TOKEN'". */
    private Failure lexError(final String msg, final int token) {
        final StringBuilder s = new StringBuilder(chunk.length() + msg.length() + 32)
                .append(chunk).append(':').append(line).append(": ").append(msg);
        if (token != 0) {
            s.append(" near '").append(txtToken(token)).append('\'');
        }
        throw new Failure(s.toString());
    }

    private Failure syntaxError(final String msg) {
        throw lexError(msg, t.tok);
    }

    /** The token as Lua 5.1 names it: for names, numbers and strings, the lexer's buffer as a C string. */
    private String txtToken(final int token) {
        if (token == TK_NAME || token == TK_STRING || token == TK_NUMBER) {
            int len = 0;
            while (len < nbuff && buff[len] != 0) {
                len++;
            }
            return latin1(buff, 0, len);
        }
        return token2str(token);
    }

    private static String token2str(final int token) {
        if (token < FIRST_RESERVED) {
            return token < 32 || token == 127 ? "char(" + token + ")" : String.valueOf((char) token);
        }
        return TOKENS[token - FIRST_RESERVED];
    }

    private Failure errorLimit(final Func f, final int limit, final String what) {
        throw lexError(f.linedefined == 0 ? "main function has more than " + limit + " " + what
                : "function at line " + f.linedefined + " has more than " + limit + " " + what, 0);
    }

    // ---- lexer ---------------------------------------------------------------------------------

    private void nextChar() {
        if (pos < n) {
            pos++;
        }
        if (pos == n && !eof) {
            fill();
        }
        cur = pos < n ? src[pos] & 0xff : EOZ;
    }

    /** luaZ_fill: the reader's next piece; nil or an empty one ends the chunk. */
    private void fill() {
        final byte[] piece = reader.next();
        if (piece == null || piece.length == 0) {
            eof = true;
            return;
        }
        if (n + piece.length > src.length) {
            src = Arrays.copyOf(src, Math.max(n + piece.length, src.length * 2));
        }
        System.arraycopy(piece, 0, src, n, piece.length);
        n += piece.length;
    }

    private void save(final int c) {
        if (nbuff == buff.length) {
            buff = Arrays.copyOf(buff, buff.length * 2);
        }
        buff[nbuff++] = (byte) c;
    }

    private void saveAndNext() {
        save(cur);
        nextChar();
    }

    private boolean currIsNewline() {
        return cur == '\n' || cur == '\r';
    }

    private void inclinenumber() {
        final int old = cur;
        nextChar();
        if (currIsNewline() && cur != old) {
            nextChar();
        }
        line++;
    }

    /** check_next: C's strchr also finds the set's terminating NUL, so a NUL byte always matches. */
    private boolean checkNext(final char a, final char b) {
        if (cur != a && cur != b && cur != 0) {
            return false;
        }
        saveAndNext();
        return true;
    }

    private static boolean isdigit(final int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isalpha(final int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean isalnum(final int c) {
        return isalpha(c) || isdigit(c);
    }

    private static boolean isxdigit(final int c) {
        return isdigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    private static boolean isspace(final int c) {
        return c == ' ' || c >= '\t' && c <= '\r';
    }

    /** skip_sep: '[' or ']' and its '='s; the level, or -(level)-1 when the second bracket is missing. */
    private int skipSep() {
        int count = 0;
        final int s = cur;
        saveAndNext();
        while (cur == '=') {
            saveAndNext();
            count++;
        }
        return cur == s ? count : -count - 1;
    }

    /**
     * read_long_string, as Redis's Lua 5.1 is built (without LUA_COMPAT_LSTR: "[[" inside a long
     * string or comment is text). LuaJ refuses "[[" inside a level-0 one ("nesting of [[...]] is
     * deprecated"), so such a string or comment gets delimiters of a level its text does not close.
     */
    private void readLongString(final boolean string, final int sep, final int open) {
        saveAndNext(); // the second '['
        if (currIsNewline()) {
            inclinenumber();
        }
        for (;;) {
            switch (cur) {
                case EOZ -> throw lexError(string ? "unfinished long string" : "unfinished long comment", TK_EOS);
                case ']' -> {
                    if (skipSep() == sep) {
                        saveAndNext();
                        if (sep == 0) {
                            relevel(open, pos);
                        }
                        return;
                    }
                }
                case '\n', '\r' -> {
                    save('\n');
                    inclinenumber();
                    if (!string) {
                        nbuff = 0;
                    }
                }
                default -> {
                    if (string) {
                        saveAndNext();
                    } else {
                        nextChar();
                    }
                }
            }
        }
    }

    /** Gives the level-0 long bracket src[open, end) the smallest level its text does not close, if it holds "[[". */
    private void relevel(final int open, final int end) {
        final int from = open + 2;
        final int to = end - 2;
        boolean nested = false;
        for (int i = from; i + 1 < to && !nested; i++) {
            nested = src[i] == '[' && src[i + 1] == '[';
        }
        if (!nested) {
            return;
        }
        for (int k = 1; ; k++) {
            final byte[] text = new byte[to - from + k + 2];
            System.arraycopy(src, from, text, 0, to - from);
            text[to - from] = ']';
            Arrays.fill(text, to - from + 1, text.length - 1, (byte) '=');
            text[text.length - 1] = ']';
            if (indexOf(text, text.length, Arrays.copyOfRange(text, to - from, text.length)) == to - from) {
                final String eq = "=".repeat(k);
                edit(open, open + 2, "[" + eq + "[");
                edit(to, end, "]" + eq + "]");
                return;
            }
        }
    }

    private void readString(final int del) {
        saveAndNext();
        while (cur != del) {
            switch (cur) {
                case EOZ -> throw lexError("unfinished string", TK_EOS);
                case '\n', '\r' -> throw lexError("unfinished string", TK_STRING);
                case '\\' -> {
                    nextChar(); // the backslash is not saved
                    switch (cur) {
                        case 'a' -> escape(7);
                        case 'b' -> escape('\b');
                        case 'f' -> escape('\f');
                        case 'n' -> escape('\n');
                        case 'r' -> escape('\r');
                        case 't' -> escape('\t');
                        case 'v' -> escape(11);
                        case '\n', '\r' -> {
                            save('\n');
                            inclinenumber();
                        }
                        case EOZ -> {
                            // the loop reports the unfinished string
                        }
                        default -> {
                            if (!isdigit(cur)) {
                                if (cur == 'x' || cur == 'z') { // escapes in Lua 5.2; the letter itself in 5.1
                                    edit(pos - 1, pos + 1, cur == 'x' ? "\\120" : "\\122");
                                }
                                saveAndNext();
                            } else {
                                int c = 0;
                                int i = 0;
                                do {
                                    c = 10 * c + (cur - '0');
                                    nextChar();
                                } while (++i < 3 && isdigit(cur));
                                if (c > 255) {
                                    throw lexError("escape sequence too large", TK_STRING);
                                }
                                save(c);
                            }
                        }
                    }
                }
                default -> saveAndNext();
            }
        }
        saveAndNext(); // the closing delimiter
    }

    private void escape(final int c) {
        save(c);
        nextChar();
    }

    /**
     * read_numeral: digits and dots, an optional exponent mark and sign, then any letters, digits
     * and underscores; the text (a C string: to its first NUL) must be a whole number for strtod.
     */
    private void readNumeral(final int start) {
        do {
            saveAndNext();
        } while (isdigit(cur) || cur == '.');
        if (checkNext('E', 'e')) {
            checkNext('+', '-');
        }
        while (isalnum(cur) || cur == '_') {
            saveAndNext();
        }
        int len = 0;
        while (len < nbuff && buff[len] != 0) {
            len++;
        }
        final double v = strtod(buff, len);
        if (Double.isNaN(v)) {
            throw lexError("malformed number", TK_NUMBER);
        }
        boolean plain = len == nbuff;
        for (int i = 0; i < len && plain; i++) {
            plain = buff[i] != 'x' && buff[i] != 'X';
        }
        final String follow = cur == '.' ? " " : ""; // LuaJ would read "1..x" as one number
        if (!plain) {
            edit(start, pos, canonical(v) + follow);
        } else if (!follow.isEmpty()) {
            edit(pos, pos, follow);
        }
    }

    /**
     * The number C's strtod reads from all of b[0, len) (hexadecimal as glibc reads it), or NaN
     * when it stops short (a number never starts with a sign or a space here).
     */
    static double strtod(final byte[] b, final int len) {
        if (len >= 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X')) {
            int i = 2;
            final StringBuilder hex = new StringBuilder("0x");
            int digits = 0;
            while (i < len && isxdigit(b[i])) {
                hex.append((char) b[i++]);
                digits++;
            }
            if (i < len && b[i] == '.') {
                hex.append('.');
                i++;
                while (i < len && isxdigit(b[i])) {
                    hex.append((char) b[i++]);
                    digits++;
                }
            }
            if (digits == 0) {
                return Double.NaN; // strtod reads only the "0"
            }
            long exp = 0;
            if (i < len && (b[i] == 'p' || b[i] == 'P')) {
                int j = i + 1;
                boolean neg = false;
                if (j < len && (b[j] == '+' || b[j] == '-')) {
                    neg = b[j] == '-';
                    j++;
                }
                if (j < len && isdigit(b[j])) {
                    while (j < len && isdigit(b[j])) {
                        exp = Math.min(exp * 10 + (b[j++] - '0'), 1_000_000_000L);
                    }
                    exp = neg ? -exp : exp;
                    i = j;
                }
            }
            if (i != len) {
                return Double.NaN;
            }
            return Double.parseDouble(hex.append('p').append(exp).toString());
        }
        int i = 0;
        int digits = 0;
        while (i < len && isdigit(b[i])) {
            i++;
            digits++;
        }
        if (i < len && b[i] == '.') {
            i++;
            while (i < len && isdigit(b[i])) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        if (i < len && (b[i] == 'e' || b[i] == 'E')) {
            int j = i + 1;
            if (j < len && (b[j] == '+' || b[j] == '-')) {
                j++;
            }
            if (j < len && isdigit(b[j])) {
                while (j < len && isdigit(b[j])) {
                    j++;
                }
                i = j;
            }
        }
        if (i != len) {
            return Double.NaN;
        }
        return Double.parseDouble(latin1(b, 0, len));
    }

    /** A spelling of a non-negative number that LuaJ reads back as exactly that number. */
    static String canonical(final double v) {
        if (v == Double.POSITIVE_INFINITY) {
            return "1e999";
        }
        if (v == Math.rint(v) && v < 9.007199254740992E15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private int reserved(final int start, final int len) {
        for (int i = 0; i < NUM_RESERVED; i++) {
            final byte[] w = RESERVED[i];
            if (w.length == len && w[0] == src[start] && Arrays.equals(w, 0, len, src, start, start + len)) {
                return FIRST_RESERVED + i;
            }
        }
        return TK_NAME;
    }

    /** llex: the next token into tk, with its span. */
    private void lex(final Token tk) {
        tk.tok = llex(tk);
        tk.end = pos;
    }

    private int llex(final Token tk) {
        nbuff = 0;
        for (;;) {
            tk.start = pos;
            switch (cur) {
                case '\n', '\r' -> inclinenumber();
                case '-' -> {
                    nextChar();
                    if (cur != '-') {
                        return '-';
                    }
                    nextChar();
                    boolean isLong = false;
                    if (cur == '[') {
                        final int open = pos;
                        final int sep = skipSep();
                        nbuff = 0;
                        if (sep >= 0) {
                            readLongString(false, sep, open);
                            nbuff = 0;
                            isLong = true;
                        }
                    }
                    if (!isLong) {
                        while (!currIsNewline() && cur != EOZ) {
                            nextChar();
                        }
                    }
                }
                case '[' -> {
                    final int sep = skipSep();
                    if (sep >= 0) {
                        readLongString(true, sep, tk.start);
                        return TK_STRING;
                    } else if (sep == -1) {
                        return '[';
                    }
                    throw lexError("invalid long string delimiter", TK_STRING);
                }
                case '=' -> {
                    return twoChar('=', TK_EQ);
                }
                case '<' -> {
                    return twoChar('<', TK_LE);
                }
                case '>' -> {
                    return twoChar('>', TK_GE);
                }
                case '~' -> {
                    return twoChar('~', TK_NE);
                }
                case '"', '\'' -> {
                    readString(cur);
                    return TK_STRING;
                }
                case '.' -> {
                    saveAndNext();
                    if (checkNext('.', '.')) {
                        final int tok = checkNext('.', '.') ? TK_DOTS : TK_CONCAT;
                        if (buff[1] == 0 || nbuff == 3 && buff[2] == 0) {
                            edit(tk.start, pos, TOKENS[tok - FIRST_RESERVED]); // a NUL stood for a dot
                        }
                        return tok;
                    } else if (!isdigit(cur)) {
                        return '.';
                    }
                    readNumeral(tk.start);
                    return TK_NUMBER;
                }
                case EOZ -> {
                    return TK_EOS;
                }
                default -> {
                    if (isspace(cur)) {
                        nextChar();
                    } else if (isdigit(cur)) {
                        readNumeral(tk.start);
                        return TK_NUMBER;
                    } else if (isalpha(cur) || cur == '_') {
                        do {
                            saveAndNext();
                        } while (isalnum(cur) || cur == '_');
                        return reserved(tk.start, pos - tk.start);
                    } else {
                        final int c = cur;
                        nextChar();
                        return c;
                    }
                }
            }
        }
    }

    private int twoChar(final int single, final int pair) {
        nextChar();
        if (cur != '=') {
            return single;
        }
        nextChar();
        return pair;
    }

    private void next() {
        lastline = line;
        if (ahead.tok != TK_EOS) {
            final Token x = t;
            t = ahead;
            ahead = x;
            ahead.tok = TK_EOS;
        } else {
            lex(t);
        }
    }

    private void lookahead() {
        lex(ahead);
    }

    // ---- parser helpers ------------------------------------------------------------------------

    private static boolean blockFollow(final int tok) {
        return tok == TK_ELSE || tok == TK_ELSEIF || tok == TK_END || tok == TK_UNTIL || tok == TK_EOS;
    }

    private void check(final int c) {
        if (t.tok != c) {
            errorExpected(c);
        }
    }

    private void checknext(final int c) {
        check(c);
        next();
    }

    private boolean testnext(final int c) {
        if (t.tok == c) {
            next();
            return true;
        }
        return false;
    }

    private void errorExpected(final int tok) {
        throw syntaxError("'" + token2str(tok) + "' expected");
    }

    private void checkMatch(final int what, final int who, final int where) {
        if (!testnext(what)) {
            if (where == line) {
                errorExpected(what);
            }
            throw syntaxError("'" + token2str(what) + "' expected (to close '" + token2str(who) + "' at line "
                    + where + ")");
        }
    }

    private void enterlevel() {
        if (++level > MAXCCALLS) {
            throw lexError("chunk has too many syntax levels", 0);
        }
    }

    private void leavelevel() {
        level--;
    }

    private boolean isEnv(final int start, final int end) {
        return end - start == 4 && Arrays.equals(src, start, end, ENV, 0, 4);
    }

    /** str_checkname for a new local's name; a local Lua 5.2 would take for its environment is renamed. */
    private Local declareName() {
        check(TK_NAME);
        final int s = t.start;
        final int e = t.end;
        next();
        if (isEnv(s, e)) {
            edit(s, e, null);
        }
        return new Local(src, s, e - s, null);
    }

    private void checkname() {
        check(TK_NAME);
        next();
    }

    private void newLocalvar(final Local l, final int n) {
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

    private void adjustlocalvars(final int nvars) {
        fs.nactvar += nvars;
    }

    private void enterblock(final boolean breakable) {
        fs.bl = new Block(fs.bl, fs.nactvar, breakable);
    }

    private void leaveblock() {
        luajLocals -= fs.nactvar - fs.bl.nactvar;
        fs.nactvar = fs.bl.nactvar;
        fs.bl = fs.bl.previous;
    }

    private void openFunc(final int linedefined) {
        fs = new Func(fs, linedefined);
    }

    private void closeFunc() {
        final Func f = fs;
        if (f.arg != null && f.argUsed) {
            // Lua 5.1 (LUA_COMPAT_VARARG) gives a vararg function a local 'arg': a table of the extra
            // arguments and their count n when the body never says '...', nil when it does
            edit(f.argAt, f.argAt, f.needsArg ? " local arg = {n = _ENV.select('#', ...), ...}" : " local arg");
        }
        luajLocals -= f.nactvar;
        fs = f.prev;
    }

    private static int searchvar(final Func f, final byte[] s, final int off, final int len) {
        for (int i = f.nactvar - 1; i >= 0; i--) {
            final Local l = f.actvar[i];
            if (l.len == len && Arrays.equals(l.name, l.off, l.off + len, s, off, off + len)) {
                return i;
            }
        }
        return -1;
    }

    private int indexupvalue(final Func f, final int kind, final int index) {
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

    private int singlevaraux(final Func f, final int off, final int len) {
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
    private int singlevar(final boolean funcname) {
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
