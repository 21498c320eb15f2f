package io.moon.server.admin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: every line must be a
 * HELP, a TYPE, a comment or a well-formed sample; a family's TYPE comes before its samples and at
 * most once; a family's samples are contiguous; no series (name and labels) repeats; label values
 * use only the three escapes; the text ends with a newline. Throws {@link IllegalArgumentException}
 * naming the line for anything else.
 */
final class PromText {
    static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    static final class Family {
        final String name;
        String type = "untyped";
        String help;
        boolean typed;
        final List<Sample> samples = new ArrayList<>();

        Family(final String name) {
            this.name = name;
        }

        /** The value of the sample with exactly these labels ("k", "v", ...). */
        double value(final String... labels) {
            final Map<String, String> want = new TreeMap<>();
            for (int i = 0; i + 1 < labels.length; i += 2) {
                want.put(labels[i], labels[i + 1]);
            }
            for (final Sample s : samples) {
                if (s.name.equals(name) && new TreeMap<>(s.labels).equals(want)) {
                    return s.value;
                }
            }
            throw new AssertionError("no " + name + want + " in " + samples);
        }
    }

    private PromText() {
    }

    static Map<String, Family> parse(final String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the text does not end with a newline");
        }
        final Map<String, Family> families = new LinkedHashMap<>();
        final Set<String> series = new HashSet<>();
        final Set<String> closed = new HashSet<>();
        Family current = null;
        int n = 0;
        for (final String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            try {
                if (line.startsWith("#")) {
                    final String[] p = line.split(" ", 4);
                    if (p.length >= 3 && p[0].equals("#") && (p[1].equals("HELP") || p[1].equals("TYPE"))) {
                        final String name = p[2];
                        require(METRIC_NAME.matcher(name).matches(), "bad metric name " + name);
                        Family f = families.get(name);
                        if (f == null) {
                            f = new Family(name);
                            families.put(name, f);
                        }
                        if (current != null && current != f) {
                            closed.add(current.name);
                        }
                        require(!closed.contains(name), "family " + name + " is not contiguous");
                        current = f;
                        if (p[1].equals("TYPE")) {
                            require(p.length == 4 && TYPES.contains(p[3]), "bad TYPE " + line);
                            require(f.samples.isEmpty(), "TYPE after samples of " + name);
                            require(!f.typed, "second TYPE for " + name);
                            f.type = p[3];
                            f.typed = true;
                        } else {
                            require(f.help == null, "second HELP for " + name);
                            f.help = p.length == 4 ? unescapeHelp(p[3]) : "";
                        }
                    }
                    continue;
                }
                final Sample s = sample(line);
                final Family f = familyOf(families, s.name);
                if (current != null && current != f) {
                    closed.add(current.name);
                }
                require(!closed.contains(f.name), "family " + f.name + " is not contiguous");
                current = f;
                require(suffixAllowed(f, s.name), s.name + " is not a sample name of " + f.type + " " + f.name);
                require(series.add(s.name + new TreeMap<>(s.labels)), "duplicate series " + s.name + s.labels);
                f.samples.add(s);
            } catch (final IllegalArgumentException | StringIndexOutOfBoundsException e) {
                throw new IllegalArgumentException("line " + n + ": " + e.getMessage() + ": " + line, e);
            }
        }
        return families;
    }

    /** The family a sample belongs to: its own name, or the base of a histogram/summary suffix. */
    private static Family familyOf(final Map<String, Family> families, final String sample) {
        for (final String suffix : new String[] {"_bucket", "_sum", "_count"}) {
            if (sample.endsWith(suffix)) {
                final Family base = families.get(sample.substring(0, sample.length() - suffix.length()));
                if (base != null && (base.type.equals("histogram") || base.type.equals("summary"))) {
                    return base;
                }
            }
        }
        return families.computeIfAbsent(sample, Family::new);
    }

    private static boolean suffixAllowed(final Family f, final String sample) {
        return switch (f.type) {
            case "histogram" -> sample.equals(f.name + "_bucket") || sample.equals(f.name + "_sum")
                    || sample.equals(f.name + "_count");
            case "summary" -> sample.equals(f.name) || sample.equals(f.name + "_sum") || sample.equals(f.name + "_count");
            default -> sample.equals(f.name);
        };
    }

    private static Sample sample(final String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        final String name = line.substring(0, i);
        require(METRIC_NAME.matcher(name).matches(), "bad metric name " + name);
        final Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                final int eq = line.indexOf('=', i);
                require(eq > i, "label without '='");
                final String label = line.substring(i, eq);
                require(LABEL_NAME.matcher(label).matches() && !label.startsWith("__"), "bad label name " + label);
                require(line.charAt(eq + 1) == '"', "label value not quoted");
                final StringBuilder v = new StringBuilder();
                int j = eq + 2;
                while (line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        j++;
                        c = switch (line.charAt(j)) {
                            case '\\' -> '\\';
                            case '"' -> '"';
                            case 'n' -> '\n';
                            default -> throw new IllegalArgumentException("bad escape in label value");
                        };
                    }
                    v.append(c);
                    j++;
                }
                require(labels.put(label, v.toString()) == null, "label " + label + " twice");
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                } else {
                    require(line.charAt(i) == '}', "expected ',' or '}'");
                }
            }
            i++;
        }
        require(i < line.length() && line.charAt(i) == ' ', "no space before the value");
        final String[] rest = line.substring(i + 1).split(" ");
        require(rest.length == 1 || rest.length == 2, "expected a value and an optional timestamp");
        if (rest.length == 2) {
            Long.parseLong(rest[1]);
        }
        return new Sample(name, labels, value(rest[0]));
    }

    private static double value(final String v) {
        return switch (v) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                require(v.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?"), "bad value " + v);
                yield Double.parseDouble(v);
            }
        };
    }

    private static String unescapeHelp(final String s) {
        final StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                require(i + 1 < s.length(), "dangling escape in HELP");
                c = switch (s.charAt(++i)) {
                    case '\\' -> '\\';
                    case 'n' -> '\n';
                    default -> throw new IllegalArgumentException("bad escape in HELP");
                };
            }
            b.append(c);
        }
        return b.toString();
    }

    private static void require(final boolean ok, final String why) {
        if (!ok) {
            throw new IllegalArgumentException(why);
        }
    }
}
