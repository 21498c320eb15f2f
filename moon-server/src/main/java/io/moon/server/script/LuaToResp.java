package io.moon.server.script;

import io.moon.protocol.Reply;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * A script's return value as the client's reply, following Redis's script_lua.c: number to
 * integer (truncated), string to bulk, true to 1, false and nil to null (RESP3 scripts, after
 * redis.setresp(3): booleans), {err=...} to an error, {ok=...} to a status, {double=...},
 * {map=...}, {set=...}, {big_number=...}, {verbatim_string=...}; any other table to an array cut
 * at its first nil.
 */
final class LuaToResp {
    private static final int MAX_DEPTH = 1000;
    /** The fields of Redis's reply tables ({err=...}, {ok=...}, RESP3's {double=...}...), made once. */
    static final LuaString ERR = LuaString.valueOf("err");
    static final LuaString OK = LuaString.valueOf("ok");
    static final LuaString DOUBLE = LuaString.valueOf("double");
    static final LuaString BIG_NUMBER = LuaString.valueOf("big_number");
    static final LuaString MAP = LuaString.valueOf("map");
    static final LuaString SET = LuaString.valueOf("set");
    static final LuaString VERBATIM = LuaString.valueOf("verbatim_string");

    private LuaToResp() {
    }

    static void write(final Reply out, final LuaValue v, final int scriptResp) {
        write(out, v, scriptResp, 0);
    }

    private static void write(final Reply out, final LuaValue v, final int scriptResp, final int depth) {
        if (depth > MAX_DEPTH) {
            out.error("ERR reached lua stack limit");
            return;
        }
        switch (v.type()) {
            case LuaValue.TSTRING -> {
                final LuaString s = v.checkstring();
                out.bulk(s.m_bytes, s.m_offset, s.m_length);
            }
            case LuaValue.TNUMBER -> out.integer(LuaNumbers.toInt64(v.todouble()));
            case LuaValue.TBOOLEAN -> {
                if (scriptResp == 2) {
                    if (v.toboolean()) {
                        out.integer(1);
                    } else {
                        nil(out);
                    }
                } else {
                    out.bool(v.toboolean());
                }
            }
            case LuaValue.TTABLE -> table(out, (LuaTable) v, scriptResp, depth);
            default -> nil(out);
        }
    }

    private static void nil(final Reply out) {
        if (out.resp3()) {
            out.raw(new byte[] {'_', '\r', '\n'});
        } else {
            out.nullBulk();
        }
    }

    private static void table(final Reply out, final LuaTable t, final int scriptResp, final int depth) {
        final LuaValue err = t.rawget(ERR);
        if (err.type() == LuaValue.TSTRING) {
            out.error(errorText(err.tojstring()));
            return;
        }
        final LuaValue ok = t.rawget(OK);
        if (ok.type() == LuaValue.TSTRING) {
            out.simple(ok.tojstring().replace('\r', ' ').replace('\n', ' '));
            return;
        }
        final LuaValue dbl = t.rawget(DOUBLE);
        if (dbl.type() == LuaValue.TNUMBER) {
            out.doubleValue(dbl.todouble());
            return;
        }
        final LuaValue big = t.rawget(BIG_NUMBER);
        if (big.type() == LuaValue.TSTRING) {
            if (out.resp3()) {
                out.raw(Reply.ascii("(" + big.tojstring() + "\r\n"));
            } else {
                out.bulk(big.tojstring());
            }
            return;
        }
        final LuaValue map = t.rawget(MAP);
        if (map.istable()) {
            final java.util.List<LuaValue> kv = pairs((LuaTable) map);
            out.mapHeader(kv.size() / 2);
            for (final LuaValue x : kv) {
                write(out, x, scriptResp, depth + 1);
            }
            return;
        }
        final LuaValue set = t.rawget(SET);
        if (set.istable()) {
            final java.util.List<LuaValue> kv = pairs((LuaTable) set);
            out.setHeader(kv.size() / 2);
            for (int i = 0; i < kv.size(); i += 2) {
                write(out, kv.get(i), scriptResp, depth + 1);
            }
            return;
        }
        final LuaValue verbatim = t.rawget(VERBATIM);
        if (verbatim.istable()) {
            final String s = verbatim.get("string").tojstring();
            if (out.resp3()) {
                out.verbatim(s);
            } else {
                out.bulk(s);
            }
            return;
        }
        int n = 0;
        while (!t.rawget(n + 1).isnil()) {
            n++;
        }
        out.arrayHeader(n);
        for (int i = 1; i <= n; i++) {
            write(out, t.rawget(i), scriptResp, depth + 1);
        }
    }

    private static java.util.List<LuaValue> pairs(final LuaTable t) {
        final java.util.List<LuaValue> kv = new java.util.ArrayList<>();
        LuaValue k = LuaValue.NIL;
        while (true) {
            final Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                return kv;
            }
            kv.add(k);
            kv.add(n.arg(2));
        }
    }

    /** An {err=...} text as an error line: one line, and an error code (Redis adds nothing). */
    static String errorText(final String s) {
        return s.replace('\r', ' ').replace('\n', ' ');
    }
}
