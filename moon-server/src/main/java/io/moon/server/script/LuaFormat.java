package io.moon.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.Varargs;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * string.format as Lua 5.1 does it on top of C's sprintf: flags {@code - + space # 0}, width and
 * precision of at most two digits, conversions d i c o u x X e E f g G q s and %%. Numbers are
 * formatted as glibc formats them (LuaJ's own string.format ignores widths and precisions).
 */
final class LuaFormat {
    private static final String FLAGS = "-+ #0";

    private LuaFormat() {
    }

    static LuaString format(final Varargs a) {
        final LuaString fmt = LuaNumbers.checkString(a, 1, "format");
        final byte[] f = fmt.m_bytes;
        final int end = fmt.m_offset + fmt.m_length;
        final ByteArrayOutputStream out = new ByteArrayOutputStream(fmt.m_length + 16);
        int arg = 1;
        int p = fmt.m_offset;
        while (p < end) {
            final int c = f[p++] & 0xff;
            if (c != '%') {
                out.write(c);
                continue;
            }
            if (p < end && f[p] == '%') {
                out.write('%');
                p++;
                continue;
            }
            // flags, width, precision
            final int specStart = p;
            while (p < end && FLAGS.indexOf(f[p]) >= 0) {
                p++;
            }
            if (p - specStart > FLAGS.length()) {
                throw new LuaError("invalid format (repeated flags)");
            }
            final String flags = new String(f, specStart, p - specStart, java.nio.charset.StandardCharsets.US_ASCII);
            int width = -1;
            int digits = 0;
            while (p < end && Character.isDigit(f[p])) {
                width = (width < 0 ? 0 : width * 10) + f[p++] - '0';
                digits++;
            }
            int precision = -1;
            int pdigits = 0;
            if (p < end && f[p] == '.') {
                p++;
                precision = 0;
                while (p < end && Character.isDigit(f[p])) {
                    precision = precision * 10 + f[p++] - '0';
                    pdigits++;
                }
            }
            if (digits > 2 || pdigits > 2) {
                throw new LuaError("invalid format (width or precision too long)");
            }
            if (p >= end) {
                throw new LuaError("invalid option '%' to 'format'");
            }
            final int conv = f[p++] & 0xff;
            ++arg;
            switch (conv) {
                case 'c' -> {
                    // sprintf's item is then added up to its first NUL: %c of 0 adds nothing ("%5c": the spaces)
                    final ByteArrayOutputStream item = new ByteArrayOutputStream();
                    pad(item, new byte[] {(byte) LuaNumbers.toInt64(LuaNumbers.checkNumber(a, arg, "format"))}, flags, width);
                    final byte[] bytes = item.toByteArray();
                    int n = 0;
                    while (n < bytes.length && bytes[n] != 0) {
                        n++;
                    }
                    out.write(bytes, 0, n);
                }
                case 'd', 'i' -> {
                    final long n = LuaNumbers.toInt64(LuaNumbers.checkNumber(a, arg, "format"));
                    integer(out, n == Long.MIN_VALUE ? "9223372036854775808" : Long.toString(Math.abs(n)), n < 0, flags,
                            width, precision);
                }
                case 'o', 'u', 'x', 'X' -> {
                    final long n = LuaNumbers.toUint64(LuaNumbers.checkNumber(a, arg, "format")); // (unsigned long) d
                    String s = switch (conv) {
                        case 'o' -> Long.toOctalString(n);
                        case 'u' -> Long.toUnsignedString(n);
                        case 'x' -> Long.toHexString(n);
                        default -> Long.toHexString(n).toUpperCase(java.util.Locale.ROOT);
                    };
                    if (flags.indexOf('#') >= 0 && n != 0) {
                        s = conv == 'o' ? "0" + s : conv == 'x' ? "0x" + s : conv == 'X' ? "0X" + s : s;
                    }
                    integer(out, s, false, flags.replace("+", "").replace(" ", ""), width, precision);
                }
                case 'e', 'E', 'f', 'g', 'G' -> {
                    final double d = LuaNumbers.checkNumber(a, arg, "format");
                    real(out, d, conv, flags, width, precision < 0 ? 6 : precision);
                }
                case 'q' -> quoted(out, LuaNumbers.checkString(a, arg, "format"));
                case 's' -> {
                    final LuaString s = LuaNumbers.checkString(a, arg, "format");
                    int n = s.m_length;
                    if (precision >= 0 || n < 100) {
                        // sprintf formats it: a C string, which ends at its first NUL (a long string
                        // with no precision is copied whole instead, NULs included)
                        for (int k = 0; k < n; k++) {
                            if (s.m_bytes[s.m_offset + k] == 0) {
                                n = k;
                                break;
                            }
                        }
                    }
                    if (precision >= 0) {
                        n = Math.min(n, precision);
                    }
                    pad(out, java.util.Arrays.copyOfRange(s.m_bytes, s.m_offset, s.m_offset + n), flags, width);
                }
                default -> throw new LuaError("invalid option '%" + (char) conv + "' to 'format'");
            }
        }
        return LuaString.valueOf(out.toByteArray());
    }

    private static void pad(final ByteArrayOutputStream out, final byte[] body, final String flags, final int width) {
        final int fill = Math.max(0, width - body.length);
        final boolean left = flags.indexOf('-') >= 0;
        if (!left) {
            for (int i = 0; i < fill; i++) {
                out.write(' ');
            }
        }
        out.write(body, 0, body.length);
        if (left) {
            for (int i = 0; i < fill; i++) {
                out.write(' ');
            }
        }
    }

    /** Sign, zero padding (flag 0 or a precision) and width, as printf lays out a number. */
    private static void number(final ByteArrayOutputStream out, final String digits, final boolean negative,
            final String flags, final int width, final boolean zeroPad) {
        final String sign = negative ? "-" : flags.indexOf('+') >= 0 ? "+" : flags.indexOf(' ') >= 0 ? " " : "";
        final boolean left = flags.indexOf('-') >= 0;
        final int fill = Math.max(0, width - sign.length() - digits.length());
        final StringBuilder s = new StringBuilder();
        if (!left && !zeroPad) {
            s.append(" ".repeat(fill));
        }
        s.append(sign);
        if (!left && zeroPad) {
            s.append("0".repeat(fill));
        }
        s.append(digits);
        if (left) {
            s.append(" ".repeat(fill));
        }
        final byte[] b = s.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.write(b, 0, b.length);
    }

    private static void integer(final ByteArrayOutputStream out, final String abs, final boolean negative,
            final String flags, final int width, final int precision) {
        String digits = abs;
        if (precision >= 0) {
            if (precision == 0 && digits.equals("0")) {
                digits = "";
            }
            if (digits.length() < precision) {
                digits = "0".repeat(precision - digits.length()) + digits;
            }
        }
        number(out, digits, negative, flags, width, precision < 0 && flags.indexOf('0') >= 0);
    }

    private static void real(final ByteArrayOutputStream out, final double d, final int conv, final String flags,
            final int width, final int precision) {
        final boolean upper = conv == 'E' || conv == 'G';
        final boolean negative = d < 0 || d == 0 && 1 / d < 0 || Double.isNaN(d) && Double.doubleToRawLongBits(d) < 0;
        String body;
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            body = Double.isNaN(d) ? "nan" : "inf";
            body = upper ? body.toUpperCase(java.util.Locale.ROOT) : body;
            number(out, body, negative, flags, width, false);
            return;
        }
        final double v = Math.abs(d);
        final boolean alt = flags.indexOf('#') >= 0;
        switch (conv) {
            case 'f' -> body = fixed(v, precision, alt);
            case 'e', 'E' -> body = exponent(v, precision, alt);
            default -> {
                final int p = precision == 0 ? 1 : precision;
                if (alt) {
                    final int x = v == 0 ? 0 : decimalExponent(v, p);
                    body = x < -4 || x >= p ? exponent(v, p - 1, true) : fixed(v, p - 1 - x, true);
                } else {
                    body = LuaNumbers.formatG(v, p);
                }
            }
        }
        if (upper) {
            body = body.toUpperCase(java.util.Locale.ROOT);
        }
        number(out, body, negative, flags, width, flags.indexOf('0') >= 0);
    }

    private static int decimalExponent(final double v, final int significant) {
        final BigDecimal r = new BigDecimal(v).round(new MathContext(significant, RoundingMode.HALF_EVEN));
        return r.precision() - r.scale() - 1;
    }

    private static String fixed(final double v, final int precision, final boolean alt) {
        final String s = new BigDecimal(v).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
        return alt && precision == 0 ? s + "." : s;
    }

    private static String exponent(final double v, final int precision, final boolean alt) {
        final String digits;
        final int x;
        if (v == 0) {
            digits = "0".repeat(precision + 1);
            x = 0;
        } else {
            final BigDecimal r = new BigDecimal(v).round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
            x = r.precision() - r.scale() - 1;
            final String u = r.unscaledValue().toString();
            digits = u.length() >= precision + 1 ? u.substring(0, precision + 1) : u + "0".repeat(precision + 1 - u.length());
        }
        final StringBuilder s = new StringBuilder().append(digits.charAt(0));
        if (precision > 0 || alt) {
            s.append('.');
        }
        s.append(digits, 1, digits.length()).append('e').append(x < 0 ? '-' : '+');
        if (Math.abs(x) < 10) {
            s.append('0');
        }
        return s.append(Math.abs(x)).toString();
    }

    /** %q: a Lua string literal that reads back to the same bytes (Lua 5.1's addquoted). */
    private static void quoted(final ByteArrayOutputStream out, final LuaString s) {
        out.write('"');
        for (int i = 0; i < s.m_length; i++) {
            final int c = s.m_bytes[s.m_offset + i] & 0xff;
            switch (c) {
                case '"', '\\', '\n' -> {
                    out.write('\\');
                    out.write(c);
                }
                case '\r' -> {
                    out.write('\\');
                    out.write('r');
                }
                case 0 -> {
                    out.write('\\');
                    out.write('0');
                    out.write('0');
                    out.write('0');
                }
                default -> out.write(c);
            }
        }
        out.write('"');
    }
}
