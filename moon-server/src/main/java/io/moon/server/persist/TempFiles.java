package io.moon.server.persist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Startup's removal of temp files an interrupted save or rewrite left behind. A file named for a
 * process ({@code temp-<pid>.rdb}, the name a save writes to) is removed only when that process
 * is gone: a server still running on the same directory (one that received SIGTERM and is
 * writing its final snapshot) keeps its file, or its rename would fail and its writes be lost.
 * This process's own pid counts as gone (in a container every start may be pid 1).
 */
public final class TempFiles {
    private static final Logger LOG = Logger.getLogger(TempFiles.class.getName());
    private static final Pattern PID = Pattern.compile("temp-(\\d{1,18})\\.rdb");

    private TempFiles() {
    }

    /** Removes the regular files of {@code dir} matching {@code glob} that no live process writes. */
    public static void removeStale(final Path dir, final String glob, final String what) {
        try (var s = Files.newDirectoryStream(dir, glob)) {
            for (final Path p : s) {
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                final long owner = owner(p.getFileName().toString());
                if (owner > 0) {
                    LOG.warning("Left " + p + " alone: process " + owner + " is alive and may be writing it (another"
                            + " server on the same directory?)");
                    continue;
                }
                Files.delete(p);
                LOG.info("Removed the leftover of an interrupted " + what + ": " + p.getFileName());
            }
        } catch (final IOException e) {
            LOG.warning("Could not look for leftover temp files in " + dir + ": " + IoErrors.describe(e));
        }
    }

    /** The live process (not this one) a temp file's name names, or 0. */
    static long owner(final String name) {
        final Matcher m = PID.matcher(name);
        if (!m.matches()) {
            return 0;
        }
        final long pid = Long.parseLong(m.group(1));
        if (pid == ProcessHandle.current().pid()) {
            return 0;
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? pid : 0;
    }
}
