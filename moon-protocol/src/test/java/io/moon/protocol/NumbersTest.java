package io.moon.protocol;

import io.moon.testkit.Props;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NumbersTest {
    private static final long SENTINEL_A = 0x5A5A5A5A5A5A5A5AL;
    private static final long SENTINEL_B = -0x1234567890ABCDEL;

    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Redis's string2ll rules, restated independently: 1..20 bytes; "0", or an optional '-'
     * followed by a non-zero digit and more digits; the value must fit a signed 64-bit long.
     * Returns null when string2ll fails.
     */
    private static Long referenceString2ll(final byte[] s) {
        if (s.length == 0 || s.length >= 21) {
            return null;
        }
        final String t = new String(s, StandardCharsets.ISO_8859_1);
        if (t.equals("0")) {
            return 0L;
        }
        if (!t.matches("-?[1-9][0-9]*")) {
            return null;
        }
        final BigInteger v = new BigInteger(t);
        return v.bitLength() <= 63 ? v.longValue() : null;
    }

    private static List<byte[]> longEdges() {
        final List<byte[]> edges = new ArrayList<>();
        for (final String s : new String[] {"", "0", "-0", "00", "01", "-01", "+1", " 1", "1 ", "-", "+", "1-", "--1",
                "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
                "18446744073709551615", "18446744073709551616", "99999999999999999999", "-99999999999999999999",
                "10000000000000000000", "-10000000000000000000", "00000000000000000001", "1\0", "\0", "12a",
                "922337203685477580", "-922337203685477580", "123456789012345678901"}) {
            edges.add(b(s));
        }
        return edges;
    }

    @Test
    void shouldAgreeWithString2llOnArbitraryBytes() {
        Props.forAll("string2ll", 20000, longEdges(), r -> r.nextInt(4) == 0
                ? Props.bytesOver(r, "0123456789-+ .e\0", 24)
                : Props.bytesOver(r, "0123456789", 22), s -> {
            final Long want = referenceString2ll(s);
            final long a = Numbers.parseLong(s, 0, s.length, SENTINEL_A);
            final long c = Numbers.parseLong(s, 0, s.length, SENTINEL_B);
            assertEquals(want != null, Numbers.isLong(s, 0, s.length), "isLong");
            if (want == null) {
                assertEquals(SENTINEL_A, a);
                assertEquals(SENTINEL_B, c);
            } else {
                assertEquals(want.longValue(), a);
                assertEquals(want.longValue(), c);
            }
        });
    }

    @Test
    void shouldParseOnlyTheGivenRange() {
        final byte[] buf = b("x-1234y");
        assertEquals(-1234, Numbers.parseLong(buf, 1, 5, 0));
        assertEquals(-123, Numbers.parseLong(buf, 1, 4, 0));
        assertEquals(7, Numbers.parseLong(buf, 1, 6, 7));
        assertTrue(Numbers.isLongMin(b("a-9223372036854775808"), 1, 20));
        assertFalse(Numbers.isLongMin(b("-9223372036854775807"), 0, 20));
    }

    @Test
    void shouldRoundTripEveryLongThroughItsDecimalForms() {
        final ByteBuf out = Unpooled.buffer(4);
        final byte[] scratch = new byte[32];
        Props.forAll("long round trip", 20000, List.of(0L, 1L, -1L, 9L, 10L, -9L, -10L, Long.MAX_VALUE, Long.MIN_VALUE),
                Props::interestingLong, v -> {
                    final byte[] want = b(Long.toString(v));
                    assertArrayEquals(want, Numbers.longBytes(v));
                    final int off = (int) (v & 7);
                    assertEquals(want.length, Numbers.formatLong(v, scratch, off));
                    assertArrayEquals(want, java.util.Arrays.copyOfRange(scratch, off, off + want.length));
                    out.clear().writeByte('>');
                    Numbers.writeLong(out, v);
                    assertEquals(want.length + 1, out.readableBytes());
                    final byte[] written = new byte[want.length];
                    out.getBytes(1, written);
                    assertArrayEquals(want, written);
                    assertEquals(v, Numbers.parseLong(written, 0, written.length, v == 0 ? 1 : 0));
                    assertTrue(Numbers.isLong(written, 0, written.length));
                    assertEquals(want.length, Numbers.digits(v));
                });
        out.release();
    }

    @Test
    void shouldCountDigitsAtEveryPowerOfTen() {
        long p = 1;
        for (int n = 1; n <= 19; n++) {
            assertEquals(n, Numbers.digits(p), "10^" + (n - 1));
            assertEquals(n + 1, Numbers.digits(-p));
            if (n > 1) {
                assertEquals(n - 1, Numbers.digits(p - 1));
                assertEquals(n, Numbers.digits(-(p - 1)));
            }
            if (n < 19) {
                p *= 10;
            }
        }
        assertEquals(19, Numbers.digits(Long.MAX_VALUE));
        assertEquals(20, Numbers.digits(Long.MIN_VALUE));
        assertEquals(1, Numbers.digits(0));
    }
}
