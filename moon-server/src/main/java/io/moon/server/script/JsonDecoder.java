package io.moon.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

import java.io.ByteArrayOutputStream;

/**
 * cjson.decode: JSON text to Lua values with lua-cjson 2.1.0's tokenizer and its error texts
 * ("Expected value but found invalid token at character 2"). Arrays become tables indexed from 1,
 * null becomes {@link CjsonLib#NULL}; numbers are read as C's strtod reads them, so with
 * decode_invalid_numbers (the default) hex, inf and nan are accepted. A NUL byte ends the input,
 * as in C.
 */
final class JsonDecoder {
    private static final int T_OBJ_BEGIN = 0;
    private static final int T_OBJ_END = 1;
    private static final int T_ARR_BEGIN = 2;
    private static final int T_ARR_END = 3;
    private static final int T_STRING = 4;
    private static final int T_NUMBER = 5;
    private static final int T_BOOLEAN = 6;
    private static final int T_NULL = 7;
    private static final int T_COLON = 8;
    private static final int T_COMMA = 9;
    private static final int T_END = 10;
    private static final int T_ERROR = 12;
    private static final String[] NAMES = {"T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING",
        "T_NUMBER", "T_BOOLEAN", "T_NULL", "T_COLON", "T_COMMA", "T_END", "T_WHITESPACE", "T_ERROR"};

    private final byte[] b;
    private final int end;
    private final int start;
    private final int maxDepth;
    private final boolean invalidNumbers;
    private int pos;
    private int depth;
    /** The current token: its type, start (0-based, from the input start), value, error text. */
    private int type;
    private int index;
    private LuaValue value;
    private String error;

    JsonDecoder(final LuaString s, final int maxDepth, final boolean invalidNumbers) {
        this.b = s.m_bytes;
        this.start = s.m_offset;
        this.pos = s.m_offset;
        this.maxDepth = maxDepth;
        this.invalidNumbers = invalidNumbers;
        int e = s.m_offset;
        final int limit = s.m_offset + s.m_length;
        while (e < limit && b[e] != 0) {
            e++;
        }
        this.end = e;
        if (s.m_length >= 2 && (b[start] == 0 || b[start + 1] == 0)) {
            throw new LuaError("JSON parser does not support UTF-16 or UTF-32");
        }
    }

    LuaValue decode() {
        next();
        final LuaValue v = value();
        next();
        if (type != T_END) {
            throw expected("the end");
        }
        return v;
    }

    private LuaError expected(final String what) {
        final String found = type == T_ERROR ? error : NAMES[type];
        return new LuaError("Expected " + what + " but found " + found + " at character " + (index + 1));
    }

    private int at(final int p) {
        return p < end ? b[p] & 0xff : 0;
    }

    private LuaValue value() {
        switch (type) {
            case T_STRING, T_NUMBER, T_BOOLEAN -> {
                return value;
            }
            case T_NULL -> {
                return CjsonLib.NULL;
            }
            case T_OBJ_BEGIN -> {
                return object();
            }
            case T_ARR_BEGIN -> {
                return array();
            }
            default -> throw expected("value");
        }
    }

    private void descend() {
        if (++depth > maxDepth) {
            throw new LuaError("Found too many nested data structures (" + depth + ") at character " + (pos - start));
        }
    }

    private LuaTable object() {
        descend();
        final LuaTable t = new LuaTable();
        next();
        if (type == T_OBJ_END) {
            depth--;
            return t;
        }
        while (true) {
            if (type != T_STRING) {
                throw expected("object key string");
            }
            final LuaValue key = value;
            next();
            if (type != T_COLON) {
                throw expected("colon");
            }
            next();
            t.rawset(key, value());
            next();
            if (type == T_OBJ_END) {
                break;
            }
            if (type != T_COMMA) {
                throw expected("comma or object end");
            }
            next();
        }
        depth--;
        return t;
    }

    private LuaTable array() {
        descend();
        final LuaTable t = new LuaTable();
        next();
        if (type == T_ARR_END) {
            depth--;
            return t;
        }
        for (int i = 1; ; i++) {
            t.rawset(i, value());
            next();
            if (type == T_ARR_END) {
                break;
            }
            if (type != T_COMMA) {
                throw expected("comma or array end");
            }
            next();
        }
        depth--;
        return t;
    }

    private void token(final int t) {
        type = t;
        index = pos - start;
    }

    private void fail(final String text) {
        type = T_ERROR;
        error = text;
        index = pos - start;
    }

    private void next() {
        while (true) {
            final int c = at(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else {
                break;
            }
        }
        final int c = at(pos);
        token(T_END);
        switch (c) {
            case 0 -> {
                return;
            }
            case '{' -> single(T_OBJ_BEGIN);
            case '}' -> single(T_OBJ_END);
            case '[' -> single(T_ARR_BEGIN);
            case ']' -> single(T_ARR_END);
            case ':' -> single(T_COLON);
            case ',' -> single(T_COMMA);
            case '"' -> string();
            default -> {
                if (c == '-' || c >= '0' && c <= '9') {
                    if (!invalidNumbers && invalidNumber()) {
                        fail("invalid number");
                        return;
                    }
                    number();
                } else if (word("true")) {
                    type = T_BOOLEAN;
                    value = LuaValue.TRUE;
                } else if (word("false")) {
                    type = T_BOOLEAN;
                    value = LuaValue.FALSE;
                } else if (word("null")) {
                    type = T_NULL;
                } else if (invalidNumbers && invalidNumber()) {
                    number();
                } else {
                    fail("invalid token");
                }
            }
        }
    }

    private void single(final int t) {
        type = t;
        pos++;
    }

    private boolean word(final String w) {
        for (int i = 0; i < w.length(); i++) {
            if (at(pos + i) != w.charAt(i)) {
                return false;
            }
        }
        pos += w.length();
        return true;
    }

    private boolean matchesIgnoreCase(final int p, final String w) {
        for (int i = 0; i < w.length(); i++) {
            if (Character.toLowerCase(at(p + i)) != w.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Numbers strict JSON refuses: a leading '+', hex, leading zeros, inf and nan. */
    private boolean invalidNumber() {
        int p = pos;
        if (at(p) == '+') {
            return true;
        }
        if (at(p) == '-') {
            p++;
        }
        if (at(p) == '0') {
            final int c2 = at(p + 1);
            return (c2 | 0x20) == 'x' || c2 >= '0' && c2 <= '9';
        }
        if (at(p) <= '9') {
            return false;
        }
        return matchesIgnoreCase(p, "inf") || matchesIgnoreCase(p, "nan");
    }

    private void number() {
        type = T_NUMBER;
        final int from = pos;
        final int stop = Strtod.scan(b, pos, end);
        if (stop == from) {
            fail("invalid number");
            return;
        }
        value = LuaValue.valueOf(Strtod.value(b, from, stop));
        pos = stop;
    }

    private void string() {
        type = T_STRING;
        pos++;
        final ByteArrayOutputStream s = new ByteArrayOutputStream();
        while (true) {
            final int c = at(pos);
            if (c == '"') {
                break;
            }
            if (c == 0) {
                fail("unexpected end of string");
                return;
            }
            if (c == '\\') {
                final int e = at(pos + 1);
                final int out = switch (e) {
                    case '"', '\\', '/' -> e;
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    case 'u' -> -2;
                    default -> -1;
                };
                if (out == -2) {
                    if (!unicode(s)) {
                        fail("invalid unicode escape code");
                        return;
                    }
                    continue;
                }
                if (out == -1) {
                    fail("invalid escape code");
                    return;
                }
                s.write(out);
                pos += 2;
                continue;
            }
            s.write(c);
            pos++;
        }
        pos++;
        value = LuaValue.valueOf(s.toByteArray());
    }

    private int hex4(final int p) {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            final int d = Character.digit(at(p + i), 16);
            if (d < 0) {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }

    /** A \\uXXXX escape (with its low surrogate when it is a high one) as UTF-8; false when invalid. */
    private boolean unicode(final ByteArrayOutputStream s) {
        int cp = hex4(pos + 2);
        if (cp < 0) {
            return false;
        }
        int len = 6;
        if ((cp & 0xFC00) == 0xD800) {
            if (at(pos + 6) != '\\' || at(pos + 7) != 'u') {
                return false;
            }
            final int low = hex4(pos + 8);
            if (low < 0 || (low & 0xFC00) != 0xDC00) {
                return false;
            }
            cp = (((cp & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
            len = 12;
        } else if ((cp & 0xFC00) == 0xDC00) {
            return false;
        }
        if (cp < 0x80) {
            s.write(cp);
        } else if (cp < 0x800) {
            s.write(0xC0 | cp >> 6);
            s.write(0x80 | cp & 0x3F);
        } else if (cp < 0x10000) {
            s.write(0xE0 | cp >> 12);
            s.write(0x80 | cp >> 6 & 0x3F);
            s.write(0x80 | cp & 0x3F);
        } else {
            s.write(0xF0 | cp >> 18);
            s.write(0x80 | cp >> 12 & 0x3F);
            s.write(0x80 | cp >> 6 & 0x3F);
            s.write(0x80 | cp & 0x3F);
        }
        pos += len;
        return true;
    }
}
