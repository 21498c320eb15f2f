package io.moon.server;

import io.moon.server.config.Config;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * The server log: one line a record in Redis's layout,
 * {@code pid:M 07 Dec 2026 01:20:00.123 * message}, where the mark after the time is the level as
 * Redis marks it ({@code .} debug, {@code -} verbose, {@code *} notice, {@code #} warning). Written
 * to standard output, or appended to {@code logfile}, at {@code loglevel}; CONFIG SET loglevel
 * changes the level at once.
 *
 * <p>Moon logs through java.util.logging; Redis's levels map to JUL's as debug = FINE,
 * verbose = CONFIG, notice = INFO, warning = WARNING (nothing = OFF).
 */
public final class Logging {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS", Locale.ROOT);

    /** Held so that their levels stay set (JUL keeps loggers only weakly). */
    private static final Logger NETTY = Logger.getLogger("io.netty");
    /** Logs every exit with a stack trace at FINE: not what loglevel debug is for. */
    private static final Logger RUNTIME_EXIT = Logger.getLogger("java.lang.Runtime");

    /** The handler {@link #setup} installed, or null before (tests and embedded servers keep JUL's own). */
    private static volatile Handler installed;

    private Logging() {
    }

    /** The JUL level that shows what a Redis loglevel shows. */
    static Level level(final String loglevel) {
        return switch (loglevel) {
            case "debug" -> Level.FINE;
            case "verbose" -> Level.CONFIG;
            case "warning" -> Level.WARNING;
            case "nothing" -> Level.OFF;
            default -> Level.INFO;
        };
    }

    /** Redis's mark for a record's level. */
    static char mark(final Level l) {
        final int v = l.intValue();
        if (v >= Level.WARNING.intValue()) {
            return '#';
        }
        if (v >= Level.INFO.intValue()) {
            return '*';
        }
        return v >= Level.CONFIG.intValue() ? '-' : '.';
    }

    /** Redis's line layout, with the process id and role M (Moon has no forked children). */
    static Formatter formatter(final long pid) {
        return new Formatter() {
            @Override
            public String format(final LogRecord r) {
                final StringBuilder sb = new StringBuilder(96);
                sb.append(pid).append(":M ").append(LocalDateTime.now().format(TIME)).append(' ')
                        .append(mark(r.getLevel())).append(' ').append(formatMessage(r)).append('\n');
                if (r.getThrown() != null) {
                    final java.io.StringWriter w = new java.io.StringWriter();
                    r.getThrown().printStackTrace(new java.io.PrintWriter(w));
                    sb.append(w);
                }
                return sb.toString();
            }
        };
    }

    /**
     * Sends the log to standard output or the logfile at the configured level.
     *
     * @throws IOException when the logfile cannot be opened (startup stops, as Redis's does)
     */
    static void setup(final Config config) throws IOException {
        final OutputStream os = config.logfile.isEmpty()
                ? new PrintStream(new FileOutputStream(java.io.FileDescriptor.out), true)
                : new FileOutputStream(config.logfile, true);
        install(os, config.loglevel);
    }

    /** Replaces the root logger's handlers with one writing Redis's lines to os at the level. */
    static Handler install(final OutputStream os, final String loglevel) {
        final Logger root = Logger.getLogger("");
        for (final Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        final Handler h = new StreamHandler(os, formatter(ProcessHandle.current().pid())) {
            @Override
            public synchronized void publish(final LogRecord record) {
                super.publish(record);
                flush(); // a line is on disk (or the terminal) when the call returns, as Redis's fflush
            }
        };
        root.addHandler(h);
        installed = h;
        loglevel(loglevel);
        return h;
    }

    /** Forgets the installed handler (tests restore JUL's own afterwards). */
    static void uninstall() {
        installed = null;
    }

    /** Sets the level (CONFIG SET loglevel); does nothing until {@link #setup} has run. */
    public static void loglevel(final String loglevel) {
        final Handler h = installed;
        if (h == null) {
            return;
        }
        final Level level = level(loglevel);
        h.setLevel(level);
        Logger.getLogger("").setLevel(level);
        // Netty logs through JUL as well; keep its debug chatter out of notice level.
        NETTY.setLevel(level.intValue() < Level.INFO.intValue() ? level : Level.WARNING);
        RUNTIME_EXIT.setLevel(Level.INFO);
    }
}
