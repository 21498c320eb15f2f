package io.moon.server.wal;

import io.moon.storage.wal.WalCheck;
import io.moon.storage.wal.WalReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code moon --check-aof [--fix] FILE|DIR}: validates shard log segments offline and, with
 * {@code --fix}, truncates each damaged one at the end of its valid prefix (what redis-check-aof
 * --fix does for Redis's AOF). Exit code 0 when every file is valid (or was repaired), 1 otherwise.
 */
public final class CheckAof {
    private CheckAof() {
    }

    /** The manifests of a log directory (not a manifest being replaced), sorted. */
    private static List<Path> manifests(final Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".manifest")
                    && !p.getFileName().toString().startsWith("temp-")).sorted().toList();
        }
    }

    /** Reads the base RDB file as startup would (every record, the checksum); 1 when it is damaged. */
    private static int checkBase(final Path base, final PrintStream out) {
        final java.io.ByteArrayOutputStream why = new java.io.ByteArrayOutputStream();
        final int code;
        try (PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
             PrintStream err = new PrintStream(why, true, java.nio.charset.StandardCharsets.UTF_8)) {
            code = io.moon.storage.rdb.RdbCheck.run(base, quiet, err);
        }
        if (code == 0) {
            out.println(base + ": base RDB file, ok");
            return 0;
        }
        out.println(base + ": damaged base RDB file: " + why.toString(java.nio.charset.StandardCharsets.UTF_8).trim());
        return 1;
    }

    /** Runs the check on the arguments that follow {@code --check-aof}. */
    public static int run(final List<String> args, final PrintStream out, final PrintStream err) {
        final List<String> a = new ArrayList<>(args);
        final boolean fix = a.remove("--fix");
        if (a.size() != 1) {
            err.println("moon: usage: moon --check-aof [--fix] FILE|DIR");
            return 1;
        }
        final Path path = Path.of(a.getFirst());
        if (!Files.exists(path)) {
            err.println("moon: cannot open " + path + ": no such file or directory");
            return 1;
        }
        int bad = 0;
        try {
            final List<Path> files;
            final List<Path> manifests = Files.isDirectory(path) ? manifests(path) : List.of();
            if (!manifests.isEmpty()) {
                // what startup reads: the manifest, every file it names, the base, then its segments
                files = new ArrayList<>();
                for (final Path mf : manifests) {
                    final String name = mf.getFileName().toString();
                    final Manifest m;
                    try {
                        m = Manifest.read(path, name.substring(0, name.length() - ".manifest".length()));
                    } catch (final IOException e) {
                        out.println("moon: " + e.getMessage());
                        return 1;
                    }
                    final List<String> missing = m.missing(path);
                    for (final String f : missing) {
                        out.println(path.resolve(f) + ": named in the manifest " + name + " but does not exist");
                    }
                    if (!missing.isEmpty()) {
                        out.println("moon: " + missing.size() + " file(s) named in the manifest are missing; startup"
                                + " would stop");
                        return 1;
                    }
                    if (m.base() != null) {
                        bad += checkBase(path.resolve(m.base()), out);
                    }
                    for (final Manifest.Segment g : m.segments()) {
                        files.add(path.resolve(g.name()));
                    }
                }
            } else {
                files = WalCheck.files(path);
            }
            if (files.isEmpty() && manifests.isEmpty()) {
                out.println("moon: no log segments (*" + WalCheck.SUFFIX + ") in " + path);
            }
            for (final Path f : files) {
                final WalReader.Scan s = fix ? WalCheck.fix(f) : WalCheck.check(f);
                out.println(s.describe(f));
                if (s.outcome() != WalReader.Outcome.CLEAN) {
                    if (fix) {
                        out.println(f + ": truncated to " + s.validEnd() + " bytes (" + (s.size() - s.validEnd())
                            + " bytes removed)");
                    } else {
                        bad++;
                    }
                }
            }
        } catch (final IOException e) {
            err.println("moon: cannot check " + path + ": " + e.getMessage());
            return 1;
        }
        if (bad > 0) {
            out.println("moon: " + bad + " damaged file(s); run with --fix to truncate a damaged log file to its valid"
                    + " prefix");
            return 1;
        }
        out.println("moon: AOF is valid");
        return 0;
    }
}
