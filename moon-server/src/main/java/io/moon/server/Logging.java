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
 * One-line log records in Redis's layout ("pid:M 22 Nov 2026 10:00:00.123 * message") on standard
 * output or the configured logfile, at the configured loglevel.
 */
final class Logging {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS", Locale.ROOT);

    private Logging() {
    }

    static void setup(final Config config) {
        final Logger root = Logger.getLogger("");
        for (final Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        final Level level = switch (config.loglevel) {
            case "debug" -> Level.FINE;
            case "verbose" -> Level.CONFIG;
            case "warning" -> Level.WARNING;
            case "nothing" -> Level.OFF;
            default -> Level.INFO;
        };
        final Formatter f = new Formatter() {
            private final long pid = ProcessHandle.current().pid();

            @Override
            public String format(final LogRecord r) {
                final char mark = r.getLevel().intValue() >= Level.WARNING.intValue() ? '#'
                        : r.getLevel().intValue() >= Level.INFO.intValue() ? '*' : '-';
                final StringBuilder sb = new StringBuilder();
                sb.append(pid).append(":M ").append(LocalDateTime.now().format(TIME)).append(' ').append(mark)
                        .append(' ').append(formatMessage(r)).append('\n');
                if (r.getThrown() != null) {
                    final java.io.StringWriter w = new java.io.StringWriter();
                    r.getThrown().printStackTrace(new java.io.PrintWriter(w));
                    sb.append(w);
                }
                return sb.toString();
            }
        };
        final Handler h;
        if (config.logfile.isEmpty()) {
            h = new StreamHandler(new PrintStream(new FileOutputStream(java.io.FileDescriptor.out), true), f) {
                @Override
                public synchronized void publish(final LogRecord record) {
                    super.publish(record);
                    flush();
                }
            };
        } else {
            OutputStream os;
            try {
                os = new FileOutputStream(config.logfile, true);
            } catch (final IOException e) {
                System.err.println("moon: cannot open logfile " + config.logfile + ": " + e.getMessage());
                os = System.out;
            }
            final OutputStream target = os;
            h = new StreamHandler(target, f) {
                @Override
                public synchronized void publish(final LogRecord record) {
                    super.publish(record);
                    flush();
                }
            };
        }
        h.setLevel(level);
        root.addHandler(h);
        root.setLevel(level);
        // Netty logs through JUL as well; keep its debug chatter out of notice level.
        Logger.getLogger("io.netty").setLevel(level.intValue() < Level.INFO.intValue() ? level : Level.WARNING);
    }
}
