package io.moon.server.config;

import java.util.Locale;

/** Redis's memory-size notation (memtoll): 1k = 1000, 1kb = 1024, likewise m/mb and g/gb. */
public final class Memory {
    private Memory() {
    }

    /** Bytes for the text, or Long.MIN_VALUE when it is not a memory value. */
    public static long parse(final String text) {
        final String s = text.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            i++;
        }
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0 || (i == 1 && !Character.isDigit(s.charAt(0)))) {
            return Long.MIN_VALUE;
        }
        final long mul = switch (s.substring(i)) {
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
        try {
            return Math.multiplyExact(Long.parseLong(s.substring(0, i)), mul);
        } catch (final ArithmeticException | NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }
}
