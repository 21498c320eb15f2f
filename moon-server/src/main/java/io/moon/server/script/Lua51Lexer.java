package io.moon.server.script;

import org.luaj.vm2.LuaError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lua 5.1's lexer, the first half of {@link Lua51Syntax} (the parser extends it): it reads the
 * source (or a reader's pieces, as the lexer needs them) into tokens as Lua 5.1's llex.c does,
 * raises Lua 5.1's lexical errors and names the token an error is "near", and it keeps the edits
 * that make the source LuaJ compiles ({@link #rewritten}): numbers, strings and long brackets here,
 * names in the parser. {@link Lua51Syntax} says what is rewritten and why.
 */
class Lua51Lexer {
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

    static final int EOZ = -1;
    /** The size of the buffer Lua 5.1's lexer formats the chunk name into (llex.c's MAXSRC). */
    static final int MAXSRC = 80;

    static final int FIRST_RESERVED = 257;
    static final int TK_AND = 257;
    static final int TK_BREAK = 258;
    static final int TK_DO = 259;
    static final int TK_ELSE = 260;
    static final int TK_ELSEIF = 261;
    static final int TK_END = 262;
    static final int TK_FALSE = 263;
    static final int TK_FOR = 264;
    static final int TK_FUNCTION = 265;
    static final int TK_IF = 266;
    static final int TK_IN = 267;
    static final int TK_LOCAL = 268;
    static final int TK_NIL = 269;
    static final int TK_NOT = 270;
    static final int TK_OR = 271;
    static final int TK_REPEAT = 272;
    static final int TK_RETURN = 273;
    static final int TK_THEN = 274;
    static final int TK_TRUE = 275;
    static final int TK_UNTIL = 276;
    static final int TK_WHILE = 277;
    static final int TK_CONCAT = 278;
    static final int TK_DOTS = 279;
    static final int TK_EQ = 280;
    static final int TK_GE = 281;
    static final int TK_LE = 282;
    static final int TK_NE = 283;
    static final int TK_NUMBER = 284;
    static final int TK_NAME = 285;
    static final int TK_STRING = 286;
    static final int TK_EOS = 287;
    static final String[] TOKENS = {"and", "break", "do", "else", "elseif", "end", "false", "for",
        "function", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
        "..", "...", "==", ">=", "<=", "~=", "<number>", "<name>", "<string>", "<eof>"};
    static final int NUM_RESERVED = 21;
    static final byte[][] RESERVED = new byte[NUM_RESERVED][];

    static {
        for (int i = 0; i < NUM_RESERVED; i++) {
            RESERVED[i] = TOKENS[i].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    /** A token: its code and where its text is in the source. */
    static final class Token {
        int tok = TK_EOS;
        int start;
        int end;
    }

    /** A replacement of source bytes [start, end) by text (null: the fresh name of a _ENV local), or an insertion. */
    record Edit(int start, int end, byte[] text, int seq) {
    }

    /** Where load's pieces come from: the next one, or null or an empty array at the end. */
    interface Reader {
        byte[] next();
    }

    /** The source read so far, src[0, n); a reader's pieces are appended as the lexer needs them. */
    byte[] src;
    int n;
    final Reader reader;
    boolean eof;
    final String chunk;
    int pos;
    int cur;
    int line = 1;
    int lastline = 1;
    byte[] buff = new byte[32];
    int nbuff;
    Token t = new Token();
    Token ahead = new Token();
    List<Edit> edits;
    byte[] envName;

    Lua51Lexer(final byte[] src, final Reader reader, final String chunk) {
        this.src = src;
        this.n = src.length;
        this.reader = reader;
        this.eof = reader == null;
        this.chunk = chunk;
        if (!eof) {
            fill();
        }
        this.cur = n > 0 ? this.src[0] & 0xff : EOZ;
    }

    static String latin1(final byte[] b, final int off, final int len) {
        return new String(b, off, len, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    // ---- output --------------------------------------------------------------------------------

    void edit(final int start, final int end, final String text) {
        if (edits == null) {
            edits = new ArrayList<>();
        }
        edits.add(new Edit(start, end, text == null ? null : text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                edits.size()));
    }

    byte[] rewritten() {
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
    byte[] envName() {
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

    static int indexOf(final byte[] hay, final int hayLen, final byte[] needle) {
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
    Failure lexError(final String msg, final int token) {
        final StringBuilder s = new StringBuilder(chunk.length() + msg.length() + 32)
                .append(chunk).append(':').append(line).append(": ").append(msg);
        if (token != 0) {
            s.append(" near '").append(txtToken(token)).append('\'');
        }
        throw new Failure(s.toString());
    }

    Failure syntaxError(final String msg) {
        throw lexError(msg, t.tok);
    }

    /** The token as Lua 5.1 names it: for names, numbers and strings, the lexer's buffer as a C string. */
    String txtToken(final int token) {
        if (token == TK_NAME || token == TK_STRING || token == TK_NUMBER) {
            int len = 0;
            while (len < nbuff && buff[len] != 0) {
                len++;
            }
            return latin1(buff, 0, len);
        }
        return token2str(token);
    }

    static String token2str(final int token) {
        if (token < FIRST_RESERVED) {
            return token < 32 || token == 127 ? "char(" + token + ")" : String.valueOf((char) token);
        }
        return TOKENS[token - FIRST_RESERVED];
    }

    // ---- lexer ---------------------------------------------------------------------------------

    void nextChar() {
        if (pos < n) {
            pos++;
        }
        if (pos == n && !eof) {
            fill();
        }
        cur = pos < n ? src[pos] & 0xff : EOZ;
    }

    /** luaZ_fill: the reader's next piece; nil or an empty one ends the chunk. */
    void fill() {
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

    void save(final int c) {
        if (nbuff == buff.length) {
            buff = Arrays.copyOf(buff, buff.length * 2);
        }
        buff[nbuff++] = (byte) c;
    }

    void saveAndNext() {
        save(cur);
        nextChar();
    }

    boolean currIsNewline() {
        return cur == '\n' || cur == '\r';
    }

    void inclinenumber() {
        final int old = cur;
        nextChar();
        if (currIsNewline() && cur != old) {
            nextChar();
        }
        line++;
    }

    /** check_next: C's strchr also finds the set's terminating NUL, so a NUL byte always matches. */
    boolean checkNext(final char a, final char b) {
        if (cur != a && cur != b && cur != 0) {
            return false;
        }
        saveAndNext();
        return true;
    }

    static boolean isdigit(final int c) {
        return c >= '0' && c <= '9';
    }

    static boolean isalpha(final int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    static boolean isalnum(final int c) {
        return isalpha(c) || isdigit(c);
    }

    static boolean isxdigit(final int c) {
        return isdigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    static boolean isspace(final int c) {
        return c == ' ' || c >= '\t' && c <= '\r';
    }

    /** skip_sep: '[' or ']' and its '='s; the level, or -(level)-1 when the second bracket is missing. */
    int skipSep() {
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
    void readLongString(final boolean string, final int sep, final int open) {
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
    void relevel(final int open, final int end) {
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

    void readString(final int del) {
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

    void escape(final int c) {
        save(c);
        nextChar();
    }

    /**
     * read_numeral: digits and dots, an optional exponent mark and sign, then any letters, digits
     * and underscores; the text (a C string: to its first NUL) must be a whole number for strtod.
     */
    void readNumeral(final int start) {
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

    int reserved(final int start, final int len) {
        for (int i = 0; i < NUM_RESERVED; i++) {
            final byte[] w = RESERVED[i];
            if (w.length == len && w[0] == src[start] && Arrays.equals(w, 0, len, src, start, start + len)) {
                return FIRST_RESERVED + i;
            }
        }
        return TK_NAME;
    }

    /** llex: the next token into tk, with its span. */
    void lex(final Token tk) {
        tk.tok = llex(tk);
        tk.end = pos;
    }

    int llex(final Token tk) {
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

    int twoChar(final int single, final int pair) {
        nextChar();
        if (cur != '=') {
            return single;
        }
        nextChar();
        return pair;
    }

    void next() {
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

    void lookahead() {
        lex(ahead);
    }
}
