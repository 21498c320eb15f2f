package io.moon.server.config;

import io.moon.protocol.Request;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads redis.conf-style files and command-line options into a {@link Config}, and rewrites a
 * file for CONFIG REWRITE.
 *
 * <p>File format, as Redis reads it: one directive per line, words split like redis-cli input
 * ("double quotes" with \n \xHH... escapes, 'single quotes'), '#' starts a comment line, names
 * in any case. {@code include PATH} reads another file in place (a relative path is taken from the
 * including file's folder; a glob in the file name reads every match in name order; a cycle is an
 * error). Several {@code save} lines add up; {@code save ""} clears. Command line:
 * {@code [file] --name value ... --name value}, each {@code --name} starting a directive whose
 * words are the arguments up to the next one; they are applied after the file, as Redis appends
 * them to the file's text.
 *
 * <p>Reading never stops at the first problem: every problem is collected with where it was
 * (file:line) so that {@code --check-config} can list them all; startup reports the first.
 */
public final class ConfigFile {
    private ConfigFile() {
    }

    /** Redis's reason for a directive it does not know or with the wrong number of words. */
    public static final String BAD_DIRECTIVE = "Bad directive or wrong number of arguments";

    /**
     * A directive and where it came from.
     *
     * @param origin "file:line" for a file, "--name" for the command line
     * @param line   the text as written (the trimmed line, or the options), for error messages
     */
    public record Directive(String name, List<String> args, String origin, String line, Problem problem) {
        public Directive(final String name, final List<String> args, final String origin, final String line) {
            this(name, args, origin, line, null);
        }

        public Directive(final String name, final List<String> args, final String origin) {
            this(name, args, origin, origin.startsWith("--") ? (origin + " " + String.join(" ", args)).trim() : name);
        }

        /** A line that could not be read (bad quotes, a missing include...): apply reports it in order. */
        static Directive broken(final Problem p) {
            return new Directive(null, List.of(), p.origin(), p.line(), p);
        }
    }

    /**
     * A refused directive.
     *
     * @param origin "file:line", or "--name" for the command line
     * @param line   the directive as written
     * @param kind   why (unknown, bad value...)
     * @param param  the parameter's name when known, else the directive's first word
     * @param reason Redis's reason text
     */
    public record Problem(String origin, String line, ConfigException.Kind kind, String param, String reason) {
        public boolean inFile() {
            return !origin.startsWith("--");
        }

        /** One line for --check-config: {@code file:line: 'directive': reason}. */
        public String oneLine() {
            return line.isEmpty() ? reason : origin + ": '" + line + "': " + reason;
        }

        ConfigException exception() {
            return new ConfigException(kind, inFile() ? origin : param, reason);
        }
    }

    /** Splits a line with Redis's quoting rules (the inline-command splitter); null on bad quotes. */
    static List<String> words(final String line) {
        final byte[] b = line.getBytes(StandardCharsets.UTF_8);
        final Request r = new Request();
        if (!io.moon.protocol.InlineCommands.split(b, b.length, r)) {
            return null;
        }
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < r.argc(); i++) {
            out.add(new String(r.buf(), r.off(i), r.len(i), StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * Directives of a config file and the files it includes, in reading order. A line that cannot
     * be read is kept in its place as a broken directive, which {@link #apply} reports.
     */
    public static List<Directive> parseFile(final Path file) {
        final List<Directive> out = new ArrayList<>();
        read(file, file.toString(), new ArrayDeque<>(), out);
        return out;
    }

    /** Largest include depth; deeper is reported (a chain that long is a mistake, not a design). */
    static final int MAX_INCLUDE_DEPTH = 16;

    private static void read(final Path file, final String shown, final Deque<Path> reading,
                             final List<Directive> out) {
        final String[] lines;
        try {
            // lenient decoding: a stray Latin-1 byte in a comment must not refuse the whole file
            lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n", -1);
        } catch (final IOException e) {
            out.add(broken(shown, "", ConfigException.Kind.BAD_VALUE, shown,
                    "can't open config file '" + shown + "': " + why(e)));
            return;
        }
        reading.push(real(file));
        for (int n = 0; n < lines.length; n++) {
            final String line = lines[n].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            final String origin = shown + ":" + (n + 1);
            final List<String> w = words(line);
            if (w == null) {
                out.add(broken(origin, line, ConfigException.Kind.BAD_VALUE, origin,
                        "Unbalanced quotes in configuration line"));
                continue;
            }
            if (w.isEmpty()) {
                continue;
            }
            final String name = w.getFirst().toLowerCase(Locale.ROOT);
            if (!name.equals("include")) {
                out.add(new Directive(name, List.copyOf(w.subList(1, w.size())), origin, line));
                continue;
            }
            if (w.size() != 2) {
                out.add(broken(origin, line, ConfigException.Kind.BAD_VALUE, "include",
                        "wrong number of arguments"));
                continue;
            }
            include(file, w.get(1), origin, line, reading, out);
        }
        reading.pop();
    }

    private static void include(final Path from, final String target, final String origin, final String line,
                                final Deque<Path> reading, final List<Directive> out) {
        final List<Path> files = new ArrayList<>();
        try {
            final Path p = Path.of(target);
            final Path resolved = p.isAbsolute() ? p : from.toAbsolutePath().getParent().resolve(p);
            final String name = resolved.getFileName().toString();
            if (name.indexOf('*') >= 0 || name.indexOf('?') >= 0 || name.indexOf('[') >= 0) {
                try (var ds = Files.newDirectoryStream(resolved.getParent(), name)) {
                    ds.forEach(files::add);
                }
                files.sort(null);
            } else {
                files.add(resolved);
            }
        } catch (final java.nio.file.InvalidPathException | IOException e) {
            out.add(broken(origin, line, ConfigException.Kind.BAD_VALUE, "include",
                    "can't open config file '" + target + "': " + why(e)));
            return;
        }
        for (final Path f : files) {
            if (reading.contains(real(f))) {
                final List<String> chain = new ArrayList<>();
                reading.descendingIterator().forEachRemaining(r -> chain.add(r.toString()));
                chain.add(real(f).toString());
                out.add(broken(origin, line, ConfigException.Kind.BAD_VALUE, "include",
                        "include cycle: " + String.join(" -> ", chain)));
            } else if (reading.size() >= MAX_INCLUDE_DEPTH) {
                out.add(broken(origin, line, ConfigException.Kind.BAD_VALUE, "include",
                        "includes nested deeper than " + MAX_INCLUDE_DEPTH + " files"));
            } else if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                out.add(broken(origin, line, ConfigException.Kind.BAD_VALUE, "include",
                        "can't open config file '" + f + "': " + (!Files.exists(f) ? "No such file or directory"
                                : Files.isDirectory(f) ? "Is a directory" : "Permission denied")));
            } else {
                read(f, f.toString(), reading, out);
            }
        }
    }

    private static Directive broken(final String origin, final String line, final ConfigException.Kind kind,
                                    final String param, final String reason) {
        return Directive.broken(new Problem(origin, line, kind, param, reason));
    }

    private static Path real(final Path p) {
        try {
            return p.toRealPath();
        } catch (final IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private static String why(final Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Directives from "--name value ..." arguments; a word before any --name is a broken directive. */
    public static List<Directive> parseArgs(final List<String> args) {
        final List<Directive> out = new ArrayList<>();
        String name = null;
        List<String> values = new ArrayList<>();
        for (final String a : args) {
            if (a.startsWith("--") && a.length() > 2) {
                if (name != null) {
                    out.add(new Directive(name, values, "--" + name));
                }
                name = a.substring(2).toLowerCase(Locale.ROOT);
                values = new ArrayList<>();
            } else if (name == null) {
                out.add(broken("--", a, ConfigException.Kind.UNKNOWN, a, "unexpected argument"));
            } else {
                values.add(a);
            }
        }
        if (name != null) {
            out.add(new Directive(name, values, "--" + name));
        }
        return out;
    }

    /**
     * A configuration read from a command line {@code [file] [--name value ...]}.
     *
     * @param config   the values (the refused directives left out)
     * @param setBy    for each parameter set by a directive, the last directive that set it
     * @param problems every refused directive, in reading order
     */
    public record Loaded(Config config, Map<String, Directive> setBy, List<Problem> problems) {
        /** Where a parameter got its value: its directive, or "(default)". */
        public Problem problem(final String param, final String reason) {
            final Directive d = setBy.get(param);
            return d == null
                    ? new Problem("(default)", param + " " + config.get(param), ConfigException.Kind.BAD_VALUE, param, reason)
                    : new Problem(d.origin(), d.line(), ConfigException.Kind.BAD_VALUE, param, reason);
        }
    }

    /**
     * Reads {@code [file] [--name value ...]}: the file (when the first word is not an option),
     * then the options, applied after it as Redis appends them to the file's text. The file is
     * remembered for CONFIG REWRITE and INFO; dir is checked and made absolute, as Redis's chdir.
     */
    public static Loaded load(final List<String> args) {
        final Config config = new Config();
        final List<Directive> directives = new ArrayList<>();
        int i = 0;
        if (!args.isEmpty() && !args.getFirst().startsWith("--")) {
            final Path file = Path.of(args.getFirst());
            directives.addAll(parseFile(file));
            config.file(file);
            i = 1;
        }
        directives.addAll(parseArgs(args.subList(i, args.size())));
        final List<Problem> problems = new ArrayList<>();
        final Map<String, Directive> setBy = new HashMap<>();
        apply(config, directives, problems, setBy);
        final Loaded loaded = new Loaded(config, setBy, problems);
        try {
            config.set("dir", config.dir, true);
        } catch (final ConfigException e) {
            problems.add(loaded.problem("dir", e.reason()));
        }
        return loaded;
    }

    /** Applies directives in order; the first problem is thrown. */
    public static void apply(final Config cfg, final List<Directive> directives) throws ConfigException {
        final List<Problem> problems = new ArrayList<>();
        apply(cfg, directives, problems);
        if (!problems.isEmpty()) {
            throw problems.getFirst().exception();
        }
    }

    /**
     * Applies directives in order, each refused one added to problems (the others still apply).
     * Save lines accumulate as in Redis: the first one read replaces the default, later ones add,
     * {@code save ""} clears.
     */
    public static void apply(final Config cfg, final List<Directive> directives, final List<Problem> problems) {
        apply(cfg, directives, problems, new HashMap<>());
    }

    /**
     * {@code rename-command NAME NEWNAME}, as Redis reads it from a config file: NAME (a top-level
     * command as it is called now, any case) answers to NEWNAME from then on, or to nothing when
     * NEWNAME is empty. Null when done, else Redis's reason.
     */
    private static String rename(final Config cfg, final String from, final String to) {
        final Map<String, String> called = new HashMap<>(); // name it answers to -> its own name
        for (final io.moon.server.command.CommandSpec s : io.moon.server.command.CommandTable.instance().topLevel()) {
            final String now = cfg.commandRenames.getOrDefault(s.name(), s.name());
            if (!now.isEmpty()) {
                called.put(now, s.name());
            }
        }
        final String own = called.get(from.toLowerCase(Locale.ROOT));
        if (own == null) {
            return "No such command in rename-command";
        }
        // Redis removes the old name before it adds the new one, so renaming to itself is allowed
        called.remove(from.toLowerCase(Locale.ROOT));
        if (!to.isEmpty() && called.containsKey(to.toLowerCase(Locale.ROOT))) {
            return "Target command name already exists";
        }
        cfg.commandRenames.put(own, to.toLowerCase(Locale.ROOT));
        return null;
    }

    private static void apply(final Config cfg, final List<Directive> directives, final List<Problem> problems,
                              final Map<String, Directive> setBy) {
        final StringBuilder save = new StringBuilder();
        boolean sawSave = false;
        for (final Directive d : directives) {
            if (d.problem() != null) {
                problems.add(d.problem());
                continue;
            }
            if (d.name().equals("user") && !d.args().isEmpty()) {
                cfg.userDirectives.add(d.args()); // ACL users: applied when the server starts
                continue;
            }
            if (d.name().equals("rename-command") && d.args().size() == 2) {
                final String reason = rename(cfg, d.args().get(0), d.args().get(1));
                if (reason != null) {
                    problems.add(new Problem(d.origin(), d.line(), ConfigException.Kind.BAD_VALUE, d.name(), reason));
                }
                continue;
            }
            final Param p = cfg.param(d.name());
            if (p == null) {
                problems.add(new Problem(d.origin(), d.line(), ConfigException.Kind.UNKNOWN, d.name(),
                        BAD_DIRECTIVE));
                continue;
            }
            try {
                if (p.name().equals("save")) {
                    final String v = String.join(" ", d.args()).trim();
                    final String before = save.toString();
                    if (!sawSave || v.isEmpty()) {
                        save.setLength(0);
                    }
                    if (!v.isEmpty()) {
                        if (!save.isEmpty()) {
                            save.append(' ');
                        }
                        save.append(v);
                    }
                    try {
                        cfg.set("save", save.toString(), true);
                        sawSave = true;
                        setBy.put("save", d);
                    } catch (final ConfigException e) {
                        save.setLength(0);
                        save.append(before);
                        throw e;
                    }
                    continue;
                }
                // one value, or several words for the multi-word ones (bind, client-output-buffer-limit)
                if (d.args().isEmpty() || (d.args().size() > 1 && !p.multiArg())) {
                    throw new ConfigException(ConfigException.Kind.BAD_VALUE, p.name(), "wrong number of arguments");
                }
                cfg.set(p.name(), String.join(" ", d.args()), true);
                setBy.put(p.name(), d);
            } catch (final ConfigException e) {
                problems.add(new Problem(d.origin(), d.line(), e.kind(), p.name(), e.reason()));
            }
        }
    }
}
