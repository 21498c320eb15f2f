package io.moon.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

import java.io.ByteArrayOutputStream;

/**
 * The "cjson" table Redis ships (lua-cjson 2.1.0): encode, decode, their settings, new and null,
 * with lua-cjson's output and error texts. Numbers print with {@code %.14g} (the configured
 * precision), strings escape '/' and control characters, a table is an array when its keys are
 * exactly the integers 1..n (a sparse one is refused), any other table an object whose keys are
 * strings or numbers. JSON null decodes to {@link #NULL}, which encodes back to null.
 *
 * <p>Each instance keeps its settings (encode_max_depth...) as lua-cjson's module does; one
 * instance per shard interpreter, so a script changing them changes them for later scripts on
 * that shard only (docs/differences.md). Owned by its shard thread.
 */
final class CjsonLib {
    /** cjson.null: a light userdata in Redis; one shared value here, compared by identity. */
    static final LuaUserdata NULL = new LuaUserdata(new Object());

    private static final String[] OFF_ON = {"off", "on"};
    private static final String[] OFF_ON_NULL = {"off", "on", "null"};
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    boolean sparseConvert;
    int sparseRatio = 2;
    int sparseSafe = 10;
    int encodeMaxDepth = 1000;
    int decodeMaxDepth = 1000;
    int precision = 14;
    boolean keepBuffer = true;
    /** 0 refuse NaN/Inf, 1 write them as inf/nan, 2 write null. */
    int encodeInvalid;
    boolean decodeInvalid = true;

    static LuaTable table() {
        return new CjsonLib().build();
    }

    private LuaTable build() {
        final LuaTable t = new LuaTable();
        t.rawset("encode", fn(a -> {
            check(a.narg() == 1, 1, "encode", "expected 1 argument");
            final ByteArrayOutputStream out = new ByteArrayOutputStream(64);
            encode(out, a.arg1(), 0);
            return LuaValue.valueOf(out.toByteArray());
        }));
        t.rawset("decode", fn(a -> {
            check(a.narg() == 1, 1, "decode", "expected 1 argument");
            return new JsonDecoder(LuaNumbers.checkString(a, 1, "decode"), decodeMaxDepth, decodeInvalid).decode();
        }));
        t.rawset("encode_sparse_array", fn(a -> {
            args(a, 3, "encode_sparse_array");
            final int c = option(a, 1, "encode_sparse_array", OFF_ON, sparseConvert ? 1 : 0);
            sparseConvert = c == 1;
            sparseRatio = intOption(a, 2, "encode_sparse_array", sparseRatio, 0);
            sparseSafe = intOption(a, 3, "encode_sparse_array", sparseSafe, 0);
            return LuaValue.varargsOf(LuaValue.valueOf(sparseConvert), LuaValue.valueOf(sparseRatio),
                    LuaValue.valueOf(sparseSafe));
        }));
        t.rawset("encode_max_depth", fn(a -> {
            args(a, 1, "encode_max_depth");
            encodeMaxDepth = intOption(a, 1, "encode_max_depth", encodeMaxDepth, 1);
            return LuaValue.valueOf(encodeMaxDepth);
        }));
        t.rawset("decode_max_depth", fn(a -> {
            args(a, 1, "decode_max_depth");
            decodeMaxDepth = intOption(a, 1, "decode_max_depth", decodeMaxDepth, 1);
            return LuaValue.valueOf(decodeMaxDepth);
        }));
        t.rawset("encode_number_precision", fn(a -> {
            args(a, 1, "encode_number_precision");
            if (!a.arg1().isnil()) {
                final long p = LuaNumbers.checkInteger(a, 1, "encode_number_precision");
                check(p >= 1 && p <= 14, 1, "encode_number_precision", "expected integer between 1 and 14");
                precision = (int) p;
            }
            return LuaValue.valueOf(precision);
        }));
        t.rawset("encode_keep_buffer", fn(a -> {
            args(a, 1, "encode_keep_buffer");
            keepBuffer = option(a, 1, "encode_keep_buffer", OFF_ON, keepBuffer ? 1 : 0) == 1;
            return LuaValue.valueOf(keepBuffer);
        }));
        t.rawset("encode_invalid_numbers", fn(a -> {
            args(a, 1, "encode_invalid_numbers");
            encodeInvalid = option(a, 1, "encode_invalid_numbers", OFF_ON_NULL, encodeInvalid);
            return encodeInvalid == 2 ? LuaValue.valueOf("null") : LuaValue.valueOf(encodeInvalid == 1);
        }));
        t.rawset("decode_invalid_numbers", fn(a -> {
            args(a, 1, "decode_invalid_numbers");
            decodeInvalid = option(a, 1, "decode_invalid_numbers", OFF_ON, decodeInvalid ? 1 : 0) == 1;
            return LuaValue.valueOf(decodeInvalid);
        }));
        t.rawset("new", fn(a -> new CjsonLib().build()));
        t.rawset("null", NULL);
        t.rawset("_NAME", LuaValue.valueOf("cjson"));
        t.rawset("_VERSION", LuaValue.valueOf("2.1.0"));
        return t;
    }

    interface Body {
        Varargs apply(Varargs a);
    }

    static VarArgFunction fn(final Body b) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                return b.apply(a);
            }
        };
    }

    private static void check(final boolean ok, final int arg, final String fn, final String msg) {
        if (!ok) {
            throw LuaNumbers.argError(arg, fn, msg);
        }
    }

    private static void args(final Varargs a, final int max, final String fn) {
        check(a.narg() <= max, max + 1, fn, "found too many arguments");
    }

    /** A boolean or one of the named options; nil keeps the current setting. */
    private static int option(final Varargs a, final int i, final String fn, final String[] names, final int current) {
        final LuaValue v = a.arg(i);
        if (v.isnil()) {
            return current;
        }
        if (v.isboolean()) {
            return v.toboolean() ? 1 : 0;
        }
        final String s = LuaNumbers.checkString(a, i, fn).tojstring();
        for (int n = 0; n < names.length; n++) {
            if (names[n].equals(s)) {
                return n;
            }
        }
        throw LuaNumbers.argError(i, fn, "invalid option '" + s + "'");
    }

    private static int intOption(final Varargs a, final int i, final String fn, final int current, final int min) {
        if (a.arg(i).isnil()) {
            return current;
        }
        final long v = LuaNumbers.checkInteger(a, i, fn);
        check(v >= min && v <= Integer.MAX_VALUE, 1, fn,
                "expected integer between " + min + " and " + Integer.MAX_VALUE);
        return (int) v;
    }

    private static LuaError cannot(final String type, final String why) {
        return new LuaError("Cannot serialise " + type + ": " + why);
    }

    private void encode(final ByteArrayOutputStream out, final LuaValue v, final int depth) {
        switch (v.type()) {
            case LuaValue.TSTRING -> string(out, (LuaString) v);
            case LuaValue.TNUMBER -> number(out, v.todouble());
            case LuaValue.TBOOLEAN -> ascii(out, v.toboolean() ? "true" : "false");
            case LuaValue.TNIL -> ascii(out, "null");
            case LuaValue.TTABLE -> table(out, (LuaTable) v, depth + 1);
            default -> {
                if (v == NULL) {
                    ascii(out, "null");
                } else {
                    throw cannot(v.typename(), "type not supported");
                }
            }
        }
    }

    private void number(final ByteArrayOutputStream out, final double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            if (encodeInvalid == 0) {
                throw cannot("number", "must not be NaN or Inf");
            }
            if (encodeInvalid == 2) {
                ascii(out, "null");
                return;
            }
            if (Double.isNaN(d)) {
                ascii(out, "nan");
                return;
            }
        }
        ascii(out, LuaNumbers.formatG(d, precision));
    }

    private static void ascii(final ByteArrayOutputStream out, final String s) {
        for (int i = 0; i < s.length(); i++) {
            out.write(s.charAt(i));
        }
    }

    static void string(final ByteArrayOutputStream out, final LuaString s) {
        out.write('"');
        for (int i = 0; i < s.m_length; i++) {
            final int c = s.m_bytes[s.m_offset + i] & 0xff;
            switch (c) {
                case '"' -> ascii(out, "\\\"");
                case '\\' -> ascii(out, "\\\\");
                case '/' -> ascii(out, "\\/");
                case '\b' -> ascii(out, "\\b");
                case '\t' -> ascii(out, "\\t");
                case '\n' -> ascii(out, "\\n");
                case '\f' -> ascii(out, "\\f");
                case '\r' -> ascii(out, "\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        ascii(out, "\\u00");
                        out.write(HEX[c >> 4]);
                        out.write(HEX[c & 15]);
                    } else {
                        out.write(c);
                    }
                }
            }
        }
        out.write('"');
    }

    /** The array length of a table, or -1 when it is an object (lua-cjson's lua_array_length). */
    private int arrayLength(final LuaTable t) {
        double max = 0;
        long items = 0;
        LuaValue k = LuaValue.NIL;
        while (true) {
            final Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            if (k.type() == LuaValue.TNUMBER) {
                final double d = k.todouble();
                if (d == Math.floor(d) && d >= 1) {
                    max = Math.max(max, d);
                    items++;
                    continue;
                }
            }
            return -1;
        }
        if (sparseRatio > 0 && max > (double) items * sparseRatio && max > sparseSafe) {
            if (!sparseConvert) {
                throw cannot("table", "excessively sparse array");
            }
            return -1;
        }
        return (int) max;
    }

    private void table(final ByteArrayOutputStream out, final LuaTable t, final int depth) {
        if (depth > encodeMaxDepth) {
            throw new LuaError("Cannot serialise, excessive nesting (" + depth + ")");
        }
        final int len = arrayLength(t);
        if (len > 0) {
            out.write('[');
            for (int i = 1; i <= len; i++) {
                if (i > 1) {
                    out.write(',');
                }
                encode(out, t.rawget(i), depth);
            }
            out.write(']');
            return;
        }
        out.write('{');
        boolean first = true;
        LuaValue k = LuaValue.NIL;
        while (true) {
            final Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            if (!first) {
                out.write(',');
            }
            first = false;
            if (k.type() == LuaValue.TNUMBER) {
                out.write('"');
                number(out, k.todouble());
                out.write('"');
            } else if (k.type() == LuaValue.TSTRING) {
                string(out, (LuaString) k);
            } else {
                throw cannot(k.typename(), "table key must be a number or string");
            }
            out.write(':');
            encode(out, n.arg(2), depth);
        }
        out.write('}');
    }
}
