package io.moon.server.script;

import java.nio.charset.StandardCharsets;

/**
 * What C's strtod reads from bytes: an optional sign, then a decimal number with optional
 * fraction and exponent, a hex number (0x...), "inf", "infinity" or "nan" (any case). Used by
 * cjson.decode, which hands numbers to strtod.
 */
final class Strtod {
    private Strtod() {
    }

    private static int at(final byte[] b, final int p, final int end) {
        return p < end ? b[p] & 0xff : 0;
    }

    private static boolean word(final byte[] b, final int p, final int end, final String w) {
        for (int i = 0; i < w.length(); i++) {
            if (Character.toLowerCase(at(b, p + i, end)) != w.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean digit(final int c, final int radix) {
        return Character.digit(c, radix) >= 0 && c < 128;
    }

    /** The end of the longest number strtod would read at {@code from}; {@code from} when none. */
    static int scan(final byte[] b, final int from, final int end) {
        int p = from;
        if (at(b, p, end) == '+' || at(b, p, end) == '-') {
            p++;
        }
        if (word(b, p, end, "infinity")) {
            return p + 8;
        }
        if (word(b, p, end, "inf") || word(b, p, end, "nan")) {
            return p + 3;
        }
        final boolean hex = at(b, p, end) == '0' && (at(b, p + 1, end) | 0x20) == 'x'
                && (digit(at(b, p + 2, end), 16) || at(b, p + 2, end) == '.' && digit(at(b, p + 3, end), 16));
        final int radix = hex ? 16 : 10;
        if (hex) {
            p += 2;
        }
        int digits = 0;
        while (digit(at(b, p, end), radix)) {
            p++;
            digits++;
        }
        if (at(b, p, end) == '.') {
            int q = p + 1;
            int frac = 0;
            while (digit(at(b, q, end), radix)) {
                q++;
                frac++;
            }
            if (digits + frac > 0) {
                p = q;
                digits += frac;
            }
        }
        if (digits == 0) {
            return from;
        }
        final int e = at(b, p, end) | 0x20;
        if (e == (hex ? 'p' : 'e')) {
            int q = p + 1;
            if (at(b, q, end) == '+' || at(b, q, end) == '-') {
                q++;
            }
            if (digit(at(b, q, end), 10)) {
                while (digit(at(b, q, end), 10)) {
                    q++;
                }
                p = q;
            }
        }
        return p;
    }

    /** The value of a number {@link #scan} accepted. */
    static double value(final byte[] b, final int from, final int to) {
        String s = new String(b, from, to - from, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        final boolean neg = s.startsWith("-");
        final String body = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
        final double v;
        if (body.startsWith("inf")) {
            v = Double.POSITIVE_INFINITY;
        } else if (body.startsWith("nan")) {
            v = Double.NaN;
        } else if (body.startsWith("0x")) {
            v = Double.parseDouble(body.contains("p") ? body : body + "p0");
        } else {
            v = Double.parseDouble(body);
        }
        return neg ? -v : v;
    }
}
