package io.moon.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Number conversions as Redis's C Lua does them: printf's {@code %.Ng} (Lua's tostring uses 14
 * digits, redis.call arguments 17, cjson its configured precision), the x86 conversions of a
 * double to a 64-bit integer (out of range and NaN give the smallest long), and the argument checks
 * of Lua 5.1's auxiliary library with their texts ("bad argument #N to 'f' (...)").
 */
public final class LuaNumbers {
    private static final double TWO_63 = 9223372036854775808.0;

    private LuaNumbers() {
    }

    /** 10^0 .. 10^18, each exact as a double. */
    private static final double[] POWERS_OF_TEN = new double[19];

    static {
        long t = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = t;
            t *= 10;
        }
    }

    /** printf("%.{precision}g", v) as glibc prints it ("inf", "-nan", "1e+20", "-0"). */
    static String formatG(final double v, final int precision) {
        if (Double.isNaN(v)) {
            return Double.doubleToRawLongBits(v) < 0 ? "-nan" : "nan";
        }
        if (Double.isInfinite(v)) {
            return v < 0 ? "-inf" : "inf";
        }
        if (v == 0) {
            return 1 / v < 0 ? "-0" : "0";
        }
        final int p = Math.max(1, precision);
        // an integral value with at most p digits prints them all, as %d would: no rounding to do
        // (numbers passed to redis.call take this path on every call)
        if (p <= 18 && v == (long) v && Math.abs(v) < POWERS_OF_TEN[p]) {
            return Long.toString((long) v);
        }
        final BigDecimal r = new BigDecimal(v).round(new MathContext(p, RoundingMode.HALF_EVEN));
        final int exp = r.precision() - r.scale() - 1;
        if (exp < -4 || exp >= p) {
            final String digits = r.unscaledValue().abs().toString();
            final StringBuilder s = new StringBuilder(24);
            if (r.signum() < 0) {
                s.append('-');
            }
            s.append(digits.charAt(0));
            int end = digits.length();
            while (end > 1 && digits.charAt(end - 1) == '0') {
                end--;
            }
            if (end > 1) {
                s.append('.').append(digits, 1, end);
            }
            s.append('e').append(exp < 0 ? '-' : '+');
            final int a = Math.abs(exp);
            if (a < 10) {
                s.append('0');
            }
            return s.append(a).toString();
        }
        String s = r.setScale(Math.max(0, p - 1 - exp), RoundingMode.HALF_EVEN).toPlainString();
        if (s.indexOf('.') >= 0) {
            int end = s.length();
            while (s.charAt(end - 1) == '0') {
                end--;
            }
            if (s.charAt(end - 1) == '.') {
                end--;
            }
            s = s.substring(0, end);
        }
        return s;
    }

    /**
     * Lua 5.1's text of a number (LUAI_NUMFFORMAT "%.14g"): tostring, '..', and every other place
     * a number becomes a string (LuaJ's LuaDouble calls this; see Moon's copy of that class).
     */
    public static String tostring(final double v) {
        return formatG(v, 14);
    }

    /** (long long) d on x86-64: values out of range and NaN become Long.MIN_VALUE. */
    static long toInt64(final double d) {
        if (Double.isNaN(d) || d >= TWO_63 || d < -TWO_63) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    /**
     * luaL_checkint's conversion: the int part of the 64-bit one ({@link #toInt64}), so 2^31 is
     * -2^31 and what does not fit 64 bits (1e308, NaN) is 0. Indexes, counts and bytes of the
     * library functions go through it.
     */
    static int toInt(final double d) {
        return (int) toInt64(d);
    }

    /** (unsigned long) d as gcc compiles it on x86-64 (the bits of the 64-bit result). */
    static long toUint64(final double d) {
        if (!(d >= TWO_63)) { // NaN too: gcc's comparison sends it down this branch
            return toInt64(d);
        }
        return toInt64(d - TWO_63) ^ Long.MIN_VALUE;
    }

    /** (double) of an unsigned 64-bit value. */
    static double fromUint64(final long l) {
        if (l >= 0) {
            return l;
        }
        return (double) ((l >>> 1) | (l & 1)) * 2.0;
    }

    static LuaError argError(final int arg, final String fn, final String msg) {
        return new LuaError("bad argument #" + arg + " to '" + fn + "' (" + msg + ")");
    }

    /** Lua 5.1's type name of an argument: "no value" past the last one. */
    static String typeName(final Varargs a, final int i) {
        return i > a.narg() ? "no value" : a.arg(i).typename();
    }

    /** luaL_checknumber: a number or a string that reads as one. */
    static double checkNumber(final Varargs a, final int i, final String fn) {
        final LuaValue v = a.arg(i);
        if (v.type() == LuaValue.TNUMBER || v.type() == LuaValue.TSTRING && v.isnumber()) {
            return v.todouble();
        }
        throw argError(i, fn, "number expected, got " + typeName(a, i));
    }

    /** luaL_checkinteger: a number (or numeric string) truncated toward zero. */
    static long checkInteger(final Varargs a, final int i, final String fn) {
        return toInt64(checkNumber(a, i, fn));
    }

    /** luaL_checklstring: a string, or a number converted as tostring does. */
    static LuaString checkString(final Varargs a, final int i, final String fn) {
        final LuaValue v = a.arg(i);
        if (v.type() == LuaValue.TSTRING) {
            return (LuaString) v;
        }
        if (v.type() == LuaValue.TNUMBER) {
            return LuaString.valueOf(tostring(v.todouble()));
        }
        throw argError(i, fn, "string expected, got " + typeName(a, i));
    }
}
