package io.moon.storage.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Offline validation and repair of shard logs: what {@code moon --check-aof [--fix] FILE|DIR}
 * runs. A repair truncates a file at the end of its valid prefix, which is what recovery with
 * aof-load-truncated does to a torn tail; it never invents or reorders records.
 */
public final class WalCheck {
    /** File name suffix of shard log segments. */
    public static final String SUFFIX = ".incr.aof";

    private WalCheck() {
    }

    /** The log files to check: {@code path} itself, or the segments inside a directory, sorted. */
    public static List<Path> files(final Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        try (Stream<Path> s = Files.list(path)) {
            return new ArrayList<>(s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList());
        }
    }

    /** Scans one file without changing it. */
    public static WalReader.Scan check(final Path file) throws IOException {
        return WalReader.scan(file, -1, r -> { });
    }

    /** Scans and, when the file is not clean, truncates it to its valid prefix. */
    public static WalReader.Scan fix(final Path file) throws IOException {
        final WalReader.Scan scan = check(file);
        if (scan.outcome() != WalReader.Outcome.CLEAN) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(scan.validEnd());
                ch.force(true);
            }
        }
        return scan;
    }
}
