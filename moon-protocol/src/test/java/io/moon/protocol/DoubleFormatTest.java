package io.moon.protocol;

import io.moon.testkit.Props;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DoubleFormatTest {

    @Test
    void shouldMatchGlibcPrintfGVectors() {
        final Vectors.Mismatches bad = new Vectors.Mismatches("printf %g");
        final byte[] buf = new byte[64];
        for (final String[] f : Vectors.read("printf_g.txt")) {
            bad.checked();
            final double d = Double.longBitsToDouble(Long.parseUnsignedLong(f[0], 16));
            final int precision = Integer.parseInt(f[1]);
            final int off = precision & 3;
            final int n = DoubleFormat.formatG(d, precision, buf, off);
            final String got = new String(buf, off, n, StandardCharsets.US_ASCII);
            if (!got.equals(f[2]) || (precision == 17 && !DoubleFormat.g17(d).equals(f[2]))) {
                bad.add(f[0] + " %." + precision + "g: glibc " + f[2] + ", got " + got);
            }
        }
        bad.assertNone();
    }

    @Test
    void shouldPrintAtMostSeventeenSignificantDigitsInThirtyTwoBytes() {
        final byte[] buf = new byte[32];
        Props.forAll("g17 shape", 20000, r -> Double.longBitsToDouble(r.nextLong()), d -> {
            final int n = DoubleFormat.formatG17(d, buf, 0);
            final String s = new String(buf, 0, n, StandardCharsets.US_ASCII);
            final String mantissa = s.replaceFirst("e[-+][0-9]+$", "").replace("-", "").replace(".", "");
            assertTrue(mantissa.replaceFirst("^0+", "").length() <= 17 || Double.isNaN(d), s);
            assertTrue(!s.endsWith(".") && !s.matches(".*\\.[0-9]*0(e.*)?$"), "trailing zeros removed: " + s);
        });
    }

    @Test
    void shouldPrintExamplesAsRedisDoes() {
        assertEquals("0.10000000000000001", DoubleFormat.g17(0.1));
        assertEquals("1e+17", DoubleFormat.g17(1e17));
        assertEquals("10000000000000000", DoubleFormat.g17(1e16));
        assertEquals("0.0001", DoubleFormat.g17(1e-4));
        assertEquals("1.0000000000000001e-05", DoubleFormat.g17(1e-5));
        assertEquals("-0", DoubleFormat.g17(-0.0));
        assertEquals("-inf", DoubleFormat.g17(Double.NEGATIVE_INFINITY));
        assertEquals("1000000000000000.2", DoubleFormat.g17(1000000000000000.25)); // tie, to even
        assertEquals("4.9406564584124654e-324", DoubleFormat.g17(Double.MIN_VALUE));
    }
}
