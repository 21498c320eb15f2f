package io.moon.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The quoted form MONITOR and CONFIG REWRITE write, byte for byte as Redis's sdscatrepr. */
class ReprTest {
    private static String repr(final byte[] b) {
        final StringBuilder sb = new StringBuilder();
        Repr.append(sb, b, 0, b.length);
        return sb.toString();
    }

    @Test
    void shouldQuoteAsRedis() {
        assertEquals("\"plain text\"", repr("plain text".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("\"a\\\\b\\\"c\\n\\r\\t\\a\\b\"", repr(new byte[] {'a', '\\', 'b', '"', 'c', '\n', '\r', '\t', 7, 8}));
        assertEquals("\"\\x00\\x1f\\x7f\\x80\\xff\"", repr(new byte[] {0, 0x1f, 0x7f, (byte) 0x80, (byte) 0xff}));
        assertEquals("\"\\xc3\\xa9\"", repr("é".getBytes(StandardCharsets.UTF_8)));
        assertEquals("\"\"", repr(new byte[0]));
    }

    @Test
    void shouldQuoteOnlyTheGivenRange() {
        final StringBuilder sb = new StringBuilder("x ");
        Repr.append(sb, "abcdef".getBytes(StandardCharsets.US_ASCII), 2, 3);
        assertEquals("x \"cde\"", sb.toString());
    }
}
