package io.moon.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * pidfile, as Redis keeps it: the process id written at startup and removed at exit. A pidfile
 * that cannot be written is a warning, not a reason to stop (Redis goes on too).
 */
final class PidFile {
    private static final Logger LOG = Logger.getLogger(PidFile.class.getName());

    private PidFile() {
    }

    /** Writes the pid ("1234\n"); false (and a warning in the log) when it cannot. No-op for "". */
    static boolean write(final String pidfile, final long pid) {
        if (pidfile.isEmpty()) {
            return true;
        }
        try {
            Files.writeString(Path.of(pidfile), pid + "\n", StandardCharsets.US_ASCII);
            return true;
        } catch (final IOException | java.nio.file.InvalidPathException e) {
            LOG.warning("Failed to write PID file: " + reason(e));
            return false;
        }
    }

    /** Removes it at exit. No-op for "". */
    static void remove(final String pidfile) {
        if (pidfile.isEmpty()) {
            return;
        }
        LOG.info("Removing the pid file.");
        try {
            Files.deleteIfExists(Path.of(pidfile));
        } catch (final IOException | java.nio.file.InvalidPathException e) {
            LOG.warning("Failed to remove the pid file: " + reason(e));
        }
    }

    private static String reason(final Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        }
        return e.getMessage();
    }
}
