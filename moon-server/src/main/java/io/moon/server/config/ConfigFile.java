package io.moon.server.config;

import io.moon.protocol.Request;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads redis.conf-style files and command-line options into a {@link Config}, and rewrites a
 * file for CONFIG REWRITE.
 *
 * <p>File format, as Redis reads it: one directive per line, words split like redis-cli input
 * (quotes and escapes allowed), '#' starts a comment line. Several {@code save} lines add up;
 * {@code save ""} clears. Command line: {@code [file] --name value ... --name value}, each
 * {@code --name} starting a directive whose words are the arguments up to the next one.
 */
public final class ConfigFile {
    private ConfigFile() {
    }

    /** A directive and where it came from, for error messages. */
    public record Directive(String name, List<String> args, String origin) {
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

    /** Directives of a config file. */
    public static List<Directive> parseFile(final Path file) throws IOException, ConfigException {
        final List<Directive> out = new ArrayList<>();
        final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int n = 0; n < lines.size(); n++) {
            final String line = lines.get(n).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            final List<String> w = words(line);
            final String origin = file + ":" + (n + 1);
            if (w == null) {
                throw new ConfigException(ConfigException.Kind.BAD_VALUE, origin, "unbalanced quotes in configuration line");
            }
            if (w.isEmpty()) {
                continue;
            }
            out.add(new Directive(w.get(0).toLowerCase(Locale.ROOT), w.subList(1, w.size()), origin));
        }
        return out;
    }

    /** Directives from "--name value ..." arguments. */
    public static List<Directive> parseArgs(final List<String> args) throws ConfigException {
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
            } else {
                if (name == null) {
                    throw new ConfigException(ConfigException.Kind.UNKNOWN, a, "unexpected argument");
                }
                values.add(a);
            }
        }
        if (name != null) {
            out.add(new Directive(name, values, "--" + name));
        }
        return out;
    }

    /** Applies directives in order; save lines accumulate as in Redis. */
    public static void apply(final Config cfg, final List<Directive> directives) throws ConfigException {
        final StringBuilder save = new StringBuilder();
        boolean sawSave = false;
        for (final Directive d : directives) {
            final Param p = cfg.param(d.name());
            if (p == null) {
                throw new ConfigException(ConfigException.Kind.UNKNOWN, d.name(), "unknown option");
            }
            if (p.name().equals("save")) {
                final String v = String.join(" ", d.args()).trim();
                if (!sawSave || v.isEmpty()) {
                    save.setLength(0);
                }
                sawSave = true;
                if (!v.isEmpty()) {
                    if (!save.isEmpty()) {
                        save.append(' ');
                    }
                    save.append(v);
                }
                cfg.set("save", save.toString(), true);
                continue;
            }
            // one value, or several words for the multi-word ones (bind, client-output-buffer-limit)
            if (d.args().isEmpty() || (d.args().size() > 1 && !p.multiArg())) {
                throw new ConfigException(ConfigException.Kind.BAD_VALUE, p.name(), "wrong number of arguments");
            }
            cfg.set(p.name(), String.join(" ", d.args()), true);
        }
    }

    /**
     * CONFIG REWRITE: keeps the file's comments and order, replaces the lines of directives whose
     * value changed, and appends changed parameters the file did not mention. Written to a
     * temporary file and renamed over the original, so a crash leaves one or the other.
     */
    public static void rewrite(final Path file, final Config cfg) throws IOException {
        final List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        final List<String> out = new ArrayList<>();
        final Set<String> written = new HashSet<>();
        boolean header = false;
        for (final String raw : lines) {
            final String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                header |= line.equals(SIGNATURE);
                out.add(raw);
                continue;
            }
            final List<String> w = words(line);
            final Param p = w == null || w.isEmpty() ? null : cfg.param(w.get(0));
            if (p == null) {
                out.add(raw);
                continue;
            }
            if (written.add(p.name())) {
                out.add(directive(p, cfg.get(p.name())));
            }
        }
        for (final Param p : cfg.declared()) {
            if (written.contains(p.name()) || cfg.get(p.name()).equals(p.defaultValue())) {
                continue;
            }
            if (!header) {
                out.add(SIGNATURE);
                header = true;
            }
            out.add(directive(p, cfg.get(p.name())));
        }
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp-rewrite");
        Files.write(tmp, out, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Marks the lines CONFIG REWRITE appends, as in Redis; it is written once per file. */
    static final String SIGNATURE = "# Generated by CONFIG REWRITE";

    /** One config-file line: multi-word values (save, bind...) as several words, others as one. */
    static String directive(final Param p, final String value) {
        if (p.kind() == Param.Kind.MEMORY) {
            return p.name() + " " + memory(Long.parseLong(value));
        }
        if (!p.multiArg() || value.isBlank()) {
            return p.name() + " " + quote(value);
        }
        final StringBuilder sb = new StringBuilder(p.name());
        for (final String word : value.trim().split("\\s+")) {
            sb.append(' ').append(quote(word));
        }
        return sb.toString();
    }

    /** Redis's rewriteConfigFormatMemory: the largest of gb, mb, kb that divides the value. */
    static String memory(final long bytes) {
        final long gb = 1024L * 1024 * 1024;
        if (bytes != 0 && bytes % gb == 0) {
            return bytes / gb + "gb";
        }
        if (bytes != 0 && bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + "mb";
        }
        if (bytes != 0 && bytes % 1024 == 0) {
            return bytes / 1024 + "kb";
        }
        return Long.toString(bytes);
    }

    private static String quote(final String v) {
        if (!v.isEmpty() && v.chars().allMatch(ch -> ch > ' ' && ch != '"' && ch != '\'' && ch != '\\')) {
            return v;
        }
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r")
                + "\"";
    }
}
