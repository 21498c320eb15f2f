package io.moon.server.script;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * LuaBitOp ("bit"), which Redis ships: 32-bit operations on numbers, results as signed 32-bit
 * integers. Numbers are normalised as LuaBitOp does (modulo 2^32, then signed).
 */
final class BitLib {
    private static final String[] NAMES = {"tobit", "bnot", "band", "bor", "bxor", "lshift", "rshift", "arshift",
        "rol", "ror", "bswap", "tohex"};

    private BitLib() {
    }

    static LuaTable table() {
        final LuaTable t = new LuaTable();
        for (int i = 0; i < NAMES.length; i++) {
            final int op = i;
            t.rawset(NAMES[i], new VarArgFunction() {
                @Override
                public Varargs invoke(final Varargs a) {
                    return apply(op, a);
                }
            });
        }
        return t;
    }

    /**
     * LuaBitOp's conversion: the number plus 2^52 + 2^51, whose low 32 bits of mantissa are then
     * the integer, rounded to nearest (ties to even: 1.5 gives 2, 0.7 gives 1); numbers beyond 2^51
     * give whatever low bits their representation has, as in Redis.
     */
    static int tobit(final LuaValue v) {
        return (int) Double.doubleToRawLongBits(v.checkdouble() + 6755399441055744.0);
    }

    private static Varargs apply(final int op, final Varargs a) {
        final int x = tobit(a.arg(1));
        return switch (NAMES[op]) {
            case "tobit" -> LuaValue.valueOf(x);
            case "bnot" -> LuaValue.valueOf(~x);
            case "band", "bor", "bxor" -> {
                int r = x;
                for (int i = 2; i <= a.narg(); i++) {
                    final int y = tobit(a.arg(i));
                    r = op == 2 ? r & y : op == 3 ? r | y : r ^ y;
                }
                yield LuaValue.valueOf(r);
            }
            case "lshift" -> LuaValue.valueOf(x << (tobit(a.arg(2)) & 31));
            case "rshift" -> LuaValue.valueOf(x >>> (tobit(a.arg(2)) & 31));
            case "arshift" -> LuaValue.valueOf(x >> (tobit(a.arg(2)) & 31));
            case "rol" -> LuaValue.valueOf(Integer.rotateLeft(x, tobit(a.arg(2)) & 31));
            case "ror" -> LuaValue.valueOf(Integer.rotateRight(x, tobit(a.arg(2)) & 31));
            case "bswap" -> LuaValue.valueOf(Integer.reverseBytes(x));
            case "tohex" -> {
                int n = a.narg() < 2 ? 8 : tobit(a.arg(2));
                final boolean upper = n < 0;
                n = n == Integer.MIN_VALUE ? 8 : Math.min(8, Math.abs(n)); // -n overflows: BitOp's C gives 8
                String h = String.format(upper ? "%08X" : "%08x", x);
                yield LuaValue.valueOf(h.substring(8 - n));
            }
            default -> throw new IllegalStateException();
        };
    }
}
