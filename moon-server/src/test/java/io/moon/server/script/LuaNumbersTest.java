package io.moon.server.script;

import io.moon.testkit.Props;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaValue;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The text of a Lua number: Lua 5.1's "%.14g" wherever a number becomes a string, through Moon's
 * copy of LuaJ's LuaDouble. (ScriptDiffTest compares the same against a real Redis.)
 */
class LuaNumbersTest {
    @Test
    void numbersPrintAsCPrintfG14() {
        // what glibc's printf("%.14g") prints for these
        final Object[][] cases = {
            {10.0 / 3, "3.3333333333333"}, {1e100, "1e+100"}, {Math.pow(2, 53), "9.007199254741e+15"},
            {1e14, "1e+14"}, {99999999999999.0, "99999999999999"}, {-99999999999999.0, "-99999999999999"},
            {1e-5, "1e-05"}, {0.0001, "0.0001"}, {123456.789e3, "123456789"}, {0.1 + 0.2, "0.3"},
            {Math.pow(2, 63), "9.2233720368548e+18"}, {-0.0, "-0"}, {2147483648.0, "2147483648"},
            {1765432100.125, "1765432100.125"}, {Double.POSITIVE_INFINITY, "inf"},
            {Double.NEGATIVE_INFINITY, "-inf"}, {99999999999999.5, "1e+14"}, {0.5, "0.5"},
        };
        for (final Object[] c : cases) {
            final double v = (Double) c[0];
            assertEquals(c[1], LuaNumbers.tostring(v), "tostring(" + v + ")");
            if (v != 0) { // LuaJ keeps -0.0 as the integer 0 (documented)
                assertEquals(c[1], LuaValue.valueOf(v).tojstring(), "LuaJ's text of " + v);
            }
        }
    }

    @Test
    void nanPrintsWithItsSign() {
        assertEquals("-nan", LuaValue.valueOf(0.0).div(LuaValue.valueOf(0.0)).tojstring()); // x86's 0/0
        assertEquals("nan", LuaValue.valueOf(0.0).div(LuaValue.valueOf(0.0)).neg().tojstring());
    }

    @Test
    void everyNumberPrintsAsTheGeneralFormatter() {
        // the integral fast path and LuaDouble's text agree with the exact %.14g formatter
        Props.forAll("tostring = formatG(14)", 20_000,
                List.of(1e14 - 1, 1e14, -1e14 + 1, -1e14, 9007199254740993.0, Long.MAX_VALUE + 1.0, 1.0, -1.0),
                r -> switch (r.nextInt(4)) {
                    case 0 -> Double.longBitsToDouble(r.nextLong());
                    case 1 -> (double) r.nextLong(-200_000_000_000_000L, 200_000_000_000_000L);
                    case 2 -> r.nextLong(-1_000_000, 1_000_000) / 8.0;
                    default -> r.nextDouble() * Math.pow(10, r.nextInt(-8, 20));
                },
                v -> {
                    final String want = LuaNumbers.formatG(v, 14);
                    assertEquals(want, LuaNumbers.tostring(v));
                    if (v != 0) {
                        assertEquals(want, LuaValue.valueOf(v).tojstring());
                        assertEquals(want, LuaValue.valueOf(v).concat(LuaValue.valueOf("")).tojstring());
                    }
                });
    }

    @Test
    void moonsPatchedLuajClassesAreTheOnesLoaded() {
        assertEquals("", LuaCompat.lostPatchedClasses(), "LuaJ classes loaded from LuaJ's jar instead of Moon's");
    }
}
