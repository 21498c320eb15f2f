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
            final List<Path> files = WalCheck.files(path);
            if (files.isEmpty()) {
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
            out.println("moon: " + bad + " damaged log file(s); run with --fix to truncate them to their valid prefix");
            return 1;
        }
        out.println("moon: AOF is valid");
        return 0;
    }
}
