package io.moon.server.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The directive table of docs/configuration.md, generated from {@link Params} so that the page
 * cannot drift from the code (ConfigDocTest compares them and can rewrite the page).
 */
public final class ConfigDoc {
    private ConfigDoc() {
    }

    /** Where the generated table starts and ends in docs/configuration.md. */
    public static final String BEGIN = "<!-- BEGIN directives: generated from Params by ConfigDocTest -->";
    public static final String END = "<!-- END directives -->";

    /** The markdown table, one row per directive, in declaration order. */
    public static String table() {
        final List<String> rows = new ArrayList<>();
        rows.add("| Directive | Default | Range or values | CONFIG SET | What it does |");
        rows.add("|---|---|---|---|---|");
        for (final Param p : Params.ALL) {
            final String name = p.aliases().length == 0 ? "`" + p.name() + "`"
                    : "`" + p.name() + "` (alias " + String.join(", ", p.aliases()).replaceAll("([^, ]+)", "`$1`") + ")";
            rows.add("| " + name + " | " + shownDefault(p) + " | " + range(p) + " | " + settable(p) + " | "
                    + p.help().replace("|", "\\|") + " |");
        }
        return String.join("\n", rows) + "\n";
    }

    private static String settable(final Param p) {
        if (!p.mutable()) {
            return "no";
        }
        return p.protectedConfig() ? "yes (protected)" : "yes";
    }

    private static String shownDefault(final Param p) {
        final String v = p.defaultValue();
        if (v.isEmpty()) {
            return "`\"\"`";
        }
        if (p.kind() == Param.Kind.MEMORY) {
            return "`" + ConfigRewrite.memory(Long.parseLong(v)) + "`";
        }
        return "`" + v + "`";
    }

    private static String range(final Param p) {
        return switch (p.kind()) {
            case INT -> bounds(p.min(), p.max(), false);
            case MEMORY -> bounds(p.min(), p.max(), true) + " bytes (units: k kb m mb g gb)"
                    + (p.percent() ? ", or 0% to 100% of maxmemory" : "");
            case OCTAL -> Long.toOctalString(p.min()) + " to " + Long.toOctalString(p.max()) + " (octal)";
            case BOOL -> "`yes`, `no`";
            case ENUM -> {
                final List<String> c = new ArrayList<>();
                for (final String s : p.choices()) {
                    c.add("`" + s + "`");
                }
                yield String.join(", ", c);
            }
            case SAVE -> "pairs of seconds and changes, or `\"\"`";
            case STRING -> Params.MULTI_ARG.contains(p.name()) ? "several words" : "text";
        };
    }

    private static String bounds(final long min, final long max, final boolean memory) {
        final String lo = memory ? ConfigRewrite.memory(min) : Long.toString(min);
        if (max == Long.MAX_VALUE) {
            return lo + " or more";
        }
        return lo + " to " + (memory ? ConfigRewrite.memory(max) : Long.toString(max));
    }
}
