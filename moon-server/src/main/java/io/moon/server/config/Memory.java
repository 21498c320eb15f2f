package io.moon.server.config;

import java.util.Locale;

/**
 * Redis's memory-size notation (memtoull): 1k = 1000, 1kb = 1024, likewise m/mb and g/gb. As in
 * Redis, no sign and no spaces are accepted, and a bare unit (or nothing) reads as 0.
 */
public final class Memory {
    private Memory() {
    }

    /** Bytes for the text, or Long.MIN_VALUE when it is not a memory value. */
    public static long parse(final String text) {
        int i = 0;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        final long mul = switch (text.substring(i).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1L;
            case "k" -> 1000L;
            case "kb" -> 1024L;
            case "m" -> 1000L * 1000;
            case "mb" -> 1024L * 1024;
            case "g" -> 1000L * 1000 * 1000;
            case "gb" -> 1024L * 1024 * 1024;
            default -> 0L;
        };
        if (mul == 0) {
            return Long.MIN_VALUE;
        }
        if (i == 0) {
            return 0; // strtoull of no digits
        }
        try {
            return Math.multiplyExact(Long.parseLong(text.substring(0, i)), mul);
        } catch (final ArithmeticException | NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }
}
