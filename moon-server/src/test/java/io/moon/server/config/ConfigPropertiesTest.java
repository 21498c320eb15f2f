package io.moon.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.moon.testkit.Props;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Properties of the config reader and writer: what is rendered reads back to the same values,
 * includes read as if their text stood in place, and every problem names its file and line.
 */
class ConfigPropertiesTest {
    @TempDir
    Path dir;

    private int files;

    /** Parameters whose values need their own generator or a real folder. */
    private static final List<String> SPECIAL = List.of("dir", "maxmemory", "notify-keyspace-events",
        "client-output-buffer-limit", "oom-score-adj-values", "bind", "dbfilename", "appendfilename", "appenddirname");

    /** Text with what quoting must survive: spaces, quotes, backslashes, controls, non-ASCII, '#'. */
    private static String text(final SplittableRandom r) {
        final String[] parts = {"a", "b", "Z", "0", " ", "  ", "\"", "'", "\\", "\\x41", "\n", "\r", "\t", "#", "=",
            "é", "€", "中", "😀", "\u0000", "\u0007", "$", "{title}", "-"};
        final StringBuilder sb = new StringBuilder();
        final int n = r.nextInt(0, 8);
        for (int i = 0; i < n; i++) {
            sb.append(Props.choose(r, parts));
        }
        return sb.toString();
    }

    private static String word(final SplittableRandom r) {
        return Props.choose(r, "a", "moon", "x1", "file.rdb", "data-1", "UPPER");
    }

    /** A value the parameter accepts (most of the time; refused ones are skipped by the caller). */
    private static String value(final Param p, final SplittableRandom r) {
        switch (p.name()) {
            case "maxmemory" -> {
                return Props.choose(r, "0", "1mb", "100kb", "12345", "2m");
            }
            case "notify-keyspace-events" -> {
                return Props.choose(r, "", "KEA", "Ex", "Kg$lshzxetd", "AKE", "Elm");
            }
            case "client-output-buffer-limit" -> {
                return Props.choose(r, "normal", "replica", "slave", "pubsub") + " " + r.nextInt(0, 5) + "mb "
                    + r.nextInt(0, 1000) + "kb " + r.nextInt(0, 100);
            }
            case "oom-score-adj-values" -> {
                return r.nextInt(-2000, 2001) + " " + r.nextInt(-2000, 2001) + " " + r.nextInt(-2000, 2001);
            }
            case "bind" -> {
                return String.join(" ", Props.listOf(r, 1, 3, x -> Props.choose(x, "127.0.0.1", "-::1", "*", "::1")));
            }
            case "dbfilename", "appendfilename", "appenddirname" -> {
                return word(r);
            }
            case "maxmemory-clients" -> {
                return Props.choose(r, "0", "1mb", "10%", "100%", "0%", "12345");
            }
            case "shutdown-on-sigint", "shutdown-on-sigterm" -> {
                return String.join(" ", Props.listOf(r, 1, 3, x -> Props.choose(x, p.choices())));
            }
            default -> {
                // other parameters by kind below
            }
        }
        return switch (p.kind()) {
            case INT -> Long.toString(Props.weighted(r, 3, 1, 1) == 0 ? r.nextLong(p.min(), Math.min(p.max(), p.min() + 1000) + 1)
                : Props.weighted(r, 1, 1) == 0 ? p.min() : p.max());
            case MEMORY -> {
                final long n = r.nextLong(Math.max(0, p.min() / 1024), Math.max(p.min() / 1024, 1L << 20) + 1);
                yield Props.choose(r, n * 1024 + "", n + "kb", n + "KB", (n / 1024 + 1) + "mb", (n / 1024 + 1) + "m",
                    Long.toString(p.max()));
            }
            case BOOL -> Props.choose(r, "yes", "no", "YES", "No");
            case ENUM -> Props.choose(r, p.choices()).toUpperCase(java.util.Locale.ROOT);
            case OCTAL -> Long.toOctalString(r.nextLong(p.min(), p.max() + 1));
            case SAVE -> String.join(" ", Props.listOf(r, 0, 3, x -> x.nextInt(0, 4000) + " " + x.nextInt(0, 20000)));
            case STRING -> text(r);
        };
    }

    /** A configuration with a random set of parameters changed from their defaults. */
    private static Config randomConfig(final SplittableRandom r) {
        final Config c = defaults();
        for (final Param p : Props.listOf(r, 1, 25, x -> Props.choose(x, Params.ALL))) {
            if (p.name().equals("dir")) {
                continue; // must be a real folder: rendered and read back in the round trip as any string
            }
            try {
                c.set(p.name(), value(p, r), true);
            } catch (final ConfigException refused) {
                // the generator is a superset of the accepted values: the property is about accepted ones
            }
        }
        return c;
    }

    /** The defaults as startup leaves them: dir made absolute. */
    private static Config defaults() {
        final Config c = new Config();
        try {
            c.set("dir", ".", true);
        } catch (final ConfigException e) {
            throw new IllegalStateException(e);
        }
        return c;
    }

    /** A configuration that prints as its rendered text in a failure message. */
    private record Rendered(Config config) {
        @Override
        public String toString() {
            return ConfigRewrite.render(config);
        }
    }

    private static void assertSameValues(final Config expected, final Config actual) {
        for (final Param p : Params.ALL) {
            assertEquals(expected.get(p.name()), actual.get(p.name()), p.name());
        }
    }

    private Path write(final String name, final String text) throws Exception {
        final Path f = dir.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
        return f;
    }

    @Test
    void renderedConfigurationsReadBackToTheSameValues() {
        Props.forAll("config round-trip", 200, List.of(new Rendered(defaults())),
            r -> new Rendered(randomConfig(r)), rendered -> {
                final Config c = rendered.config();
                final Path f = write("round-" + files++ + ".conf", ConfigRewrite.render(c));
                final Config back = new Config();
                final List<ConfigFile.Problem> problems = new ArrayList<>();
                ConfigFile.apply(back, ConfigFile.parseFile(f), problems);
                assertEquals(List.of(), problems);
                assertSameValues(c, back);
                assertEquals(ConfigRewrite.render(c), ConfigRewrite.render(back));
            });
    }

    /** Lines split into a tree of files joined by include lines (some in sub-folders, relative). */
    private String includeTree(final SplittableRandom r, final List<String> lines, final String folder, final int depth)
        throws Exception {
        final List<String> out = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            if (depth < 3 && r.nextInt(4) == 0) {
                final int end = r.nextInt(i, lines.size() + 1);
                final String sub = r.nextBoolean() ? "" : "sub" + r.nextInt(3) + "/";
                final String name = "inc-" + files++ + ".conf";
                final String text = includeTree(r, lines.subList(i, end), folder + sub, depth + 1);
                write(folder + sub + name, text);
                out.add(r.nextBoolean() ? "include " + sub + name : "INCLUDE \"" + sub + name + "\"");
                i = end;
            } else {
                out.add(lines.get(i++));
            }
            if (r.nextInt(5) == 0) {
                out.add(Props.choose(r, "", "# a comment", "   ", "\t# indented"));
            }
        }
        return String.join("\n", out) + "\n";
    }

    @Test
    void includedFilesReadAsIfTheirTextStoodInPlace() {
        Props.forAll("include in place", 40, r -> r.nextLong(), seed -> {
            final SplittableRandom r = new SplittableRandom(seed);
            // several configurations in a row, so that later lines override earlier ones across files
            final List<String> lines = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                for (final String l : ConfigRewrite.render(randomConfig(r)).split("\n")) {
                    if (r.nextInt(4) == 0) {
                        lines.add(l);
                    }
                }
            }
            final String base = "tree-" + files++ + "/";
            final Path flat = write(base + "flat.conf", String.join("\n", lines) + "\n");
            final Path main = write(base + "main.conf", includeTree(r, lines, base, 0));
            final Config expected = new Config();
            ConfigFile.apply(expected, ConfigFile.parseFile(flat));
            final Config actual = new Config();
            final List<ConfigFile.Problem> problems = new ArrayList<>();
            ConfigFile.apply(actual, ConfigFile.parseFile(main), problems);
            assertEquals(List.of(), problems);
            assertSameValues(expected, actual);
        });
    }

    private static final List<String> GOOD = List.of("hz 20", "maxmemory-policy allkeys-lru", "timeout 5",
        "requirepass 'x y'", "save 60 1", "appendonly YES", "maxmemory 2mb", "# comment", "", "   ",
        "client-output-buffer-limit pubsub 1mb 1mb 0");
    private static final List<String> BAD = List.of("nosuch-directive 1", "hz abc", "appendonly maybe", "port 1 2",
        "requirepass \"open", "port 70000", "save 1", "maxmemory 1xb", "maxmemory-policy lru", "include",
        "include missing-" + "file.conf", "timeout", "Bad-Name 'x'");

    @Test
    void everyProblemNamesItsFileAndLine() {
        Props.forAll("problems at their lines", 150, r -> r.nextLong(), seed -> {
            final SplittableRandom r = new SplittableRandom(seed);
            final String base = "lines-" + files++ + "/";
            final List<String> expected = new ArrayList<>();
            final List<String> inc = new ArrayList<>();
            final Path incFile = dir.resolve(base + "inc.conf");
            for (int n = 1, count = r.nextInt(0, 12); n <= count; n++) {
                final boolean bad = r.nextInt(3) == 0;
                inc.add(bad ? Props.choose(r, BAD) : Props.choose(r, GOOD));
                if (bad) {
                    expected.add(incFile + ":" + n);
                }
            }
            final List<String> main = new ArrayList<>();
            final Path mainFile = dir.resolve(base + "main.conf");
            final int includeAt = r.nextInt(0, 20);
            final List<String> all = new ArrayList<>();
            for (int n = 1, count = r.nextInt(1, 20); n <= count; n++) {
                if (n == includeAt) {
                    main.add("include inc.conf");
                    all.addAll(expected);
                    continue;
                }
                final boolean bad = r.nextInt(3) == 0;
                main.add(bad ? Props.choose(r, BAD) : Props.choose(r, GOOD));
                if (bad) {
                    all.add(mainFile + ":" + n);
                }
            }
            write(base + "inc.conf", String.join("\n", inc) + "\n");
            write(base + "main.conf", String.join("\n", main) + "\n");
            final List<ConfigFile.Problem> problems = new ArrayList<>();
            ConfigFile.apply(new Config(), ConfigFile.parseFile(mainFile), problems);
            assertEquals(all, problems.stream().map(ConfigFile.Problem::origin).toList(), String.join("|", main));
        });
    }
}
