package io.moon.server.script;

import io.netty.buffer.ByteBuf;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

import java.nio.charset.StandardCharsets;

/**
 * A command's reply (RESP2 or RESP3 bytes, as the handler wrote it) as the Lua value redis.call
 * returns, following Redis's script_lua.c: integer to number, bulk to string, null bulk and null
 * array to false, array to table, status to {ok=...}, error to {err=...}; with RESP3, map to
 * {map=...}, set to {set=...}, null to nil, boolean to boolean, double to {double=...}, big number
 * to {big_number=...}, verbatim to {verbatim_string={format=..., string=...}}.
 */
final class RespToLua {
    private final ByteBuf in;

    private RespToLua(final ByteBuf in) {
        this.in = in;
    }

    static LuaValue convert(final ByteBuf in) {
        return new RespToLua(in).value();
    }

    /** Whether the reply starts as an error (redis.call raises it). */
    static boolean isError(final ByteBuf in) {
        return in.readableBytes() > 0 && (in.getByte(in.readerIndex()) == '-' || in.getByte(in.readerIndex()) == '!');
    }

    private LuaValue value() {
        final byte type = in.readByte();
        switch (type) {
            case ':':
                return LuaValue.valueOf((double) number());
            case '$': {
                final int n = (int) number();
                if (n < 0) {
                    return LuaValue.FALSE;
                }
                return LuaValue.valueOf(bytes(n));
            }
            case '*': {
                final int n = (int) number();
                if (n < 0) {
                    return LuaValue.FALSE;
                }
                final LuaTable t = new LuaTable(n, 0);
                for (int i = 1; i <= n; i++) {
                    t.rawset(i, value());
                }
                return t;
            }
            case '+':
                return field(LuaToResp.OK, LuaValue.valueOf(line()));
            case '-':
                return field(LuaToResp.ERR, LuaValue.valueOf(line()));
            case '!':
                return field(LuaToResp.ERR, LuaValue.valueOf(bytes((int) number())));
            case '_':
                line();
                return LuaValue.NIL;
            case '#':
                return LuaValue.valueOf(line().equals("t"));
            case ',':
                return field(LuaToResp.DOUBLE, LuaValue.valueOf(Double.parseDouble(fixInf(line()))));
            case '(':
                return field(LuaToResp.BIG_NUMBER, LuaValue.valueOf(line()));
            case '=': {
                final byte[] b = bytes((int) number());
                final LuaTable v = new LuaTable();
                v.rawset("format", LuaValue.valueOf(new String(b, 0, 3, StandardCharsets.ISO_8859_1)));
                v.rawset("string", LuaValue.valueOf(java.util.Arrays.copyOfRange(b, 4, b.length)));
                return field(LuaToResp.VERBATIM, v);
            }
            case '%': {
                final int n = (int) number();
                final LuaTable m = new LuaTable();
                for (int i = 0; i < n; i++) {
                    final LuaValue k = value();
                    m.rawset(k, value());
                }
                return field(LuaToResp.MAP, m);
            }
            case '~': {
                final int n = (int) number();
                final LuaTable s = new LuaTable();
                for (int i = 0; i < n; i++) {
                    s.rawset(value(), LuaValue.TRUE);
                }
                return field(LuaToResp.SET, s);
            }
            case '>': {
                final int n = (int) number();
                final LuaTable t = new LuaTable(n, 0);
                for (int i = 1; i <= n; i++) {
                    t.rawset(i, value());
                }
                return t;
            }
            default:
                throw new IllegalStateException("unexpected reply type " + (char) type);
        }
    }

    private static String fixInf(final String s) {
        return switch (s) {
            case "inf" -> "Infinity";
            case "-inf" -> "-Infinity";
            case "nan" -> "NaN";
            default -> s;
        };
    }

    private static LuaTable field(final LuaValue name, final LuaValue v) {
        final LuaTable t = new LuaTable();
        t.rawset(name, v);
        return t;
    }

    private byte[] bytes(final int n) {
        final byte[] b = new byte[n];
        in.readBytes(b);
        in.skipBytes(2);
        return b;
    }

    /** The line as a signed decimal number, read from the bytes (the replies here are well formed). */
    private long number() {
        int i = in.readerIndex();
        final boolean negative = in.getByte(i) == '-';
        if (negative) {
            i++;
        }
        long v = 0;
        for (byte b; (b = in.getByte(i)) != '\r'; i++) {
            v = v * 10 + (b - '0'); // -2^63 wraps to itself, then negates to itself
        }
        in.readerIndex(i + 2);
        return negative ? -v : v;
    }

    private String line() {
        final int start = in.readerIndex();
        int i = start;
        while (in.getByte(i) != '\r') {
            i++;
        }
        final String s = in.toString(start, i - start, StandardCharsets.ISO_8859_1);
        in.readerIndex(i + 2);
        return s;
    }
}
