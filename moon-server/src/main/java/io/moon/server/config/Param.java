package io.moon.server.config;

import java.util.Locale;

/**
 * Declaration of one configuration parameter.
 *
 * @param name      canonical name, as CONFIG GET prints it
 * @param kind      how values are checked and normalized
 * @param defaultValue the value when nothing sets it (normalized form)
 * @param mutable   whether CONFIG SET may change it at run time
 * @param min       smallest accepted number (numeric kinds)
 * @param max       largest accepted number (numeric kinds)
 * @param choices   accepted words (enum kind)
 * @param aliases   other names (Redis keeps old names such as slave-read-only)
 * @param help      one line for --help
 */
public record Param(String name, Kind kind, String defaultValue, boolean mutable, long min, long max,
                    String[] choices, String[] aliases, String help) {

    /** CONFIG SET refuses it unless enable-protected-configs allows (Redis's PROTECTED_CONFIG). */
    public boolean protectedConfig() {
        return Params.PROTECTED.contains(name);
    }

    /** Its value is several words, written unquoted on one line by CONFIG REWRITE (MULTI_ARG_CONFIG). */
    public boolean multiArg() {
        return Params.MULTI_ARG.contains(name);
    }

    /** A memory value that may also be a percentage of maxmemory ({@code 10%}), Redis's PERCENT_CONFIG. */
    public boolean percent() {
        return Params.PERCENT.contains(name);
    }

    /** Value kinds, each with Redis's validation and error text. */
    public enum Kind {
        INT, MEMORY, BOOL, ENUM, STRING, SAVE,
        /** A number written in octal, as Redis's OCTAL_CONFIG (unixsocketperm): shown and written in octal. */
        OCTAL;

        String normalize(final Param p, final String v) throws ConfigException {
            switch (this) {
                case INT -> {
                    final long n = parseInteger(v);
                    if (n == Long.MIN_VALUE && !v.equals(Long.toString(Long.MIN_VALUE))) {
                        throw bad(p, "argument couldn't be parsed into an integer");
                    }
                    return Long.toString(range(p, n));
                }
                case MEMORY -> {
                    final long n = Memory.parse(v);
                    if (n != Long.MIN_VALUE) {
                        return Long.toString(range(p, n));
                    }
                    // Redis's numericParseString: a memory value first, then N% (kept as a percentage)
                    if (p.percent() && v.length() > 1 && v.endsWith("%")) {
                        final long pct = parseInteger(v.substring(0, v.length() - 1));
                        if (pct != Long.MIN_VALUE && pct >= 0) {
                            if (pct > 100) {
                                throw bad(p, "percentage argument must be less or equal to 100");
                            }
                            return pct == 0 ? "0" : pct + "%";
                        }
                    }
                    throw bad(p, p.percent() ? "argument must be a memory or percent value"
                            : "argument must be a memory value");
                }
                case OCTAL -> {
                    final long n = parseOctal(v);
                    if (n == Long.MIN_VALUE) {
                        throw bad(p, "argument couldn't be parsed as an octal number");
                    }
                    if (n < p.min() || n > p.max()) { // an unsigned check in Redis: negatives are out of range
                        throw bad(p, "argument must be between " + Long.toOctalString(p.min()) + " and "
                                + Long.toOctalString(p.max()) + " inclusive");
                    }
                    return Long.toOctalString(n);
                }
                case BOOL -> {
                    final String l = v.toLowerCase(Locale.ROOT);
                    if (!l.equals("yes") && !l.equals("no")) {
                        throw bad(p, "argument must be 'yes' or 'no'");
                    }
                    return l;
                }
                case ENUM -> {
                    if (p.multiArg()) {
                        return flags(p, v);
                    }
                    final String l = v.toLowerCase(Locale.ROOT);
                    for (final String c : p.choices()) {
                        if (c.equals(l)) {
                            return l;
                        }
                    }
                    throw bad(p, "argument(s) must be one of the following: " + String.join(", ", p.choices()));
                }
                case SAVE -> {
                    final String[] parts = v.trim().isEmpty() ? new String[0] : v.trim().split("\\s+");
                    if (parts.length % 2 != 0) {
                        throw bad(p, "Invalid save parameters");
                    }
                    for (final String s : parts) {
                        try {
                            if (Long.parseLong(s) < 0) {
                                throw bad(p, "Invalid save parameters");
                            }
                        } catch (final NumberFormatException e) {
                            throw bad(p, "Invalid save parameters");
                        }
                    }
                    return String.join(" ", parts);
                }
                default -> {
                    return v;
                }
            }
        }

        /**
         * Redis's string2ll: an optional '-', then digits without leading zeros or spaces; no '+'.
         * Long.MIN_VALUE when the text is not such a number (or is exactly Long.MIN_VALUE).
         */
        static long parseInteger(final String v) {
            final int n = v.length();
            int i = v.startsWith("-") ? 1 : 0;
            if (i == n || n - i > 19 || (v.charAt(i) == '0' && n - i > 1) || (i == 1 && v.charAt(1) == '0')) {
                return Long.MIN_VALUE;
            }
            for (int k = i; k < n; k++) {
                if (v.charAt(k) < '0' || v.charAt(k) > '9') {
                    return Long.MIN_VALUE;
                }
            }
            try {
                return Long.parseLong(v);
            } catch (final NumberFormatException e) {
                return Long.MIN_VALUE;
            }
        }

        /**
         * A multi-word enum (Redis's bit-flag enums, shutdown-on-sigterm): every word one of the
         * choices, the first choice meaning no flag and each other one bit. Shown as Redis's
         * configEnumGetName shows it: the one choice equal to the whole value, else the choices
         * whose bits are set, in declaration order.
         */
        private static String flags(final Param p, final String v) throws ConfigException {
            final String[] words = v.trim().isEmpty() ? new String[0] : v.trim().split("\\s+");
            int bits = 0;
            for (final String w : words) {
                final int i = indexOf(p.choices(), w.toLowerCase(Locale.ROOT));
                if (i < 0) {
                    bits = -1;
                    break;
                }
                bits |= i == 0 ? 0 : 1 << (i - 1);
            }
            if (words.length == 0 || bits < 0) {
                throw bad(p, "argument(s) must be one of the following: " + String.join(", ", p.choices()));
            }
            if (bits == 0) {
                return p.choices()[0];
            }
            final StringBuilder sb = new StringBuilder();
            for (int i = 1; i < p.choices().length; i++) {
                if ((bits & (1 << (i - 1))) != 0) {
                    if (Integer.bitCount(bits) == 1) {
                        return p.choices()[i];
                    }
                    sb.append(sb.isEmpty() ? "" : " ").append(p.choices()[i]);
                }
            }
            return sb.toString();
        }

        private static int indexOf(final String[] a, final String s) {
            for (int i = 0; i < a.length; i++) {
                if (a[i].equals(s)) {
                    return i;
                }
            }
            return -1;
        }

        /** strtoll(v, 8) that must read the whole text: an optional sign, then octal digits. */
        static long parseOctal(final String v) {
            final String t = v.stripLeading();
            final int sign = t.startsWith("-") ? -1 : 1;
            final String digits = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
            if (digits.isEmpty() || digits.length() > 21) {
                return Long.MIN_VALUE;
            }
            for (int i = 0; i < digits.length(); i++) {
                if (digits.charAt(i) < '0' || digits.charAt(i) > '7') {
                    return Long.MIN_VALUE;
                }
            }
            try {
                return sign * Long.parseLong(digits, 8);
            } catch (final NumberFormatException e) {
                return Long.MIN_VALUE;
            }
        }

        private static long range(final Param p, final long n) throws ConfigException {
            if (n < p.min() || n > p.max()) {
                throw bad(p, "argument must be between " + p.min() + " and " + p.max() + " inclusive");
            }
            return n;
        }

        private static ConfigException bad(final Param p, final String reason) {
            return new ConfigException(ConfigException.Kind.BAD_VALUE, p.name(), reason);
        }
    }

    static Param integer(final String name, final long def, final long min, final long max, final boolean mutable,
                         final String help, final String... aliases) {
        return new Param(name, Kind.INT, Long.toString(def), mutable, min, max, new String[0], aliases, help);
    }

    static Param memory(final String name, final long def, final long min, final long max, final boolean mutable,
                        final String help, final String... aliases) {
        return new Param(name, Kind.MEMORY, Long.toString(def), mutable, min, max, new String[0], aliases, help);
    }

    static Param bool(final String name, final boolean def, final boolean mutable, final String help,
                      final String... aliases) {
        return new Param(name, Kind.BOOL, def ? "yes" : "no", mutable, 0, 0, new String[0], aliases, help);
    }

    static Param octal(final String name, final long def, final long min, final long max, final boolean mutable,
                       final String help) {
        return new Param(name, Kind.OCTAL, Long.toOctalString(def), mutable, min, max, new String[0], new String[0],
                help);
    }

    static Param choice(final String name, final String def, final boolean mutable, final String help,
                        final String... choices) {
        return new Param(name, Kind.ENUM, def, mutable, 0, 0, choices, new String[0], help);
    }

    static Param string(final String name, final String def, final boolean mutable, final String help,
                        final String... aliases) {
        return new Param(name, Kind.STRING, def, mutable, 0, 0, new String[0], aliases, help);
    }
}
