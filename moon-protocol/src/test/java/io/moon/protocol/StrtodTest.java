package io.moon.protocol;

import io.moon.testkit.Props;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Numbers#parseDouble} (string2d over {@link Strtod}) against glibc. */
class StrtodTest {

    private static double parse(final String s) {
        final byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return Numbers.parseDouble(b, 0, b.length);
    }

    @Test
    void shouldMatchGlibcStrtodVectors() {
        final Vectors.Mismatches bad = new Vectors.Mismatches("strtod");
        for (final String[] f : Vectors.read("strtod.txt")) {
            bad.checked();
            final byte[] in = Vectors.unescape(f[0]);
            final double d;
            try {
                d = Numbers.parseDouble(in, 0, in.length);
            } catch (final RuntimeException e) {
                bad.add(f[0] + ": threw " + e);
                continue;
            }
            if (f[1].equals("0")) {
                if (!Double.isNaN(d)) {
                    bad.add(f[0] + ": glibc rejects, parsed as " + d);
                }
            } else {
                final String bits = String.format("%016x", Double.doubleToRawLongBits(d));
                if (!bits.equals(f[2])) {
                    bad.add(f[0] + ": glibc " + f[2] + ", got " + bits + " (" + d + ")");
                }
            }
        }
        bad.assertNone();
    }

    @Test
    void shouldReadBackEveryG17ItPrints() {
        Props.forAll("g17 round trip", 20000, r -> Double.longBitsToDouble(r.nextLong()), d -> {
            if (Double.isNaN(d)) {
                assertTrue(Double.isNaN(parse(DoubleFormat.g17(d))), "\"nan\" is not a valid float");
                return;
            }
            assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(parse(DoubleFormat.g17(d))));
        });
    }

    @Test
    void shouldRejectWhatString2dRejects() {
        for (final String s : new String[] {"", " 1", "1 ", "nan", "-nan", "1e", "0x", "1e400", "-1e400", "1e-400",
                "0x1p-1075", "1\0", "1d", "1f", "infx", "+-1"}) {
            assertTrue(Double.isNaN(parse(s)), s);
        }
        assertEquals(Double.POSITIVE_INFINITY, parse("inf"));
        assertEquals(Double.NEGATIVE_INFINITY, parse("-Infinity"));
        assertEquals(Double.MIN_VALUE, parse("0x1.00000000000008p-1075")); // glibc 2.36 says 0 here
        assertEquals(Long.MIN_VALUE, Double.doubleToRawLongBits(parse("-0")));
    }
}
