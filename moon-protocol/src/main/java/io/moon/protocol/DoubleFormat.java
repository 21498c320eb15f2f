package io.moon.protocol;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * C's {@code printf("%.17g")} for doubles, byte for byte, as Redis prints scores and RESP3
 * doubles: 17 significant digits from the exact binary value (ties to even, as glibc rounds),
 * trailing zeros removed, scientific notation when the exponent is below -4 or at least 17,
 * "inf"/"-inf" for infinities, "nan" for NaN.
 *
 * <p>Uses BigDecimal, so it allocates: doubles are not on the GET/SET/INCR path.
 */
public final class DoubleFormat {
    private static final MathContext SIG17 = new MathContext(17, RoundingMode.HALF_EVEN);

    private DoubleFormat() {
    }

    /** Writes %.17g of d at b[off..] (needs at most 32 bytes); returns the length. */
    public static int formatG17(final double d, final byte[] b, final int off) {
        return formatG(d, 17, b, off);
    }

    /** %.{precision}g, precision 1..17. */
    public static int formatG(final double d, final int precision, final byte[] b, final int off) {
        final String s = toStringG(d, precision);
        for (int i = 0; i < s.length(); i++) {
            b[off + i] = (byte) s.charAt(i);
        }
        return s.length();
    }

    /** %.17g as a String; cold path. */
    public static String g17(final double d) {
        return toStringG(d, 17);
    }

    static String toStringG(final double d, final int precision) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (Double.doubleToRawLongBits(d) < 0) ? "-0" : "0";
        }
        final BigDecimal rounded = new BigDecimal(d).round(
                precision == 17 ? SIG17 : new MathContext(precision, RoundingMode.HALF_EVEN));
        // exponent of the rounded value: unscaled has `precision` (or fewer) digits
        final int exp = rounded.precision() - rounded.scale() - 1;
        final StringBuilder sb = new StringBuilder(32);
        if (exp < -4 || exp >= precision) {
            final String digits = rounded.unscaledValue().abs().toString();
            if (rounded.signum() < 0) {
                sb.append('-');
            }
            sb.append(digits.charAt(0));
            final String frac = stripZeros(digits.substring(1));
            if (!frac.isEmpty()) {
                sb.append('.').append(frac);
            }
            sb.append('e').append(exp < 0 ? '-' : '+');
            final int ae = Math.abs(exp);
            if (ae < 10) {
                sb.append('0');
            }
            sb.append(ae);
            return sb.toString();
        }
        String plain = rounded.toPlainString();
        if (plain.indexOf('.') >= 0) {
            plain = stripZeros(plain);
            if (plain.endsWith(".")) {
                plain = plain.substring(0, plain.length() - 1);
            }
        }
        return plain;
    }

    private static String stripZeros(final String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '0') {
            end--;
        }
        return s.substring(0, end);
    }
}
