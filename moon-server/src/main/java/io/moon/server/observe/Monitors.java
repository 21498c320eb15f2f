package io.moon.server.observe;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.command.CommandSpec;
import io.moon.server.command.Flags;
import io.moon.server.net.Connection;

import java.nio.charset.StandardCharsets;

/**
 * MONITOR: the connections that receive a line for every command the server runs, in Redis's
 * format ({@code +1700000000.123456 [0 127.0.0.1:50000] "set" "k" "v"}).
 *
 * <p>A command is fed by its connection's home thread once it has run (scripts' inner commands by
 * the shard running the script, as {@code [db lua]}); the line is formatted once and posted to each
 * monitor's home thread, which writes it as a push. A connection's commands are fed from one thread
 * in the order they ran, and each monitor receives them through its home's FIFO task queue, so
 * every monitor sees each connection's commands in order; lines of different connections
 * interleave as they happen.
 *
 * <p>Memory ordering: the monitor list is a volatile copy-on-write array, written under this
 * object's lock (MONITOR, RESET, disconnect) and read without a lock; with no monitor the data
 * path pays one volatile read per command.
 */
public final class Monitors {
    private static final Connection[] NONE = new Connection[0];
    private static final long NOT_SHOWN = Flags.ADMIN | Flags.SKIP_MONITOR;
    private volatile Connection[] monitors = NONE;

    public boolean active() {
        return monitors.length != 0;
    }

    public synchronized void add(final Connection c) {
        final Connection[] m = java.util.Arrays.copyOf(monitors, monitors.length + 1);
        m[m.length - 1] = c;
        monitors = m;
    }

    public synchronized void remove(final Connection c) {
        final Connection[] m = monitors;
        for (int i = 0; i < m.length; i++) {
            if (m[i] == c) {
                final Connection[] n = new Connection[m.length - 1];
                System.arraycopy(m, 0, n, 0, i);
                System.arraycopy(m, i + 1, n, i, m.length - i - 1);
                monitors = n;
                return;
            }
        }
    }

    /** Whether a command of this row is shown: Redis hides admin commands and feeds scripts itself. */
    public static boolean shown(final CommandSpec spec) {
        return !spec.has(NOT_SHOWN);
    }

    /** Feeds a command that ran for client {@code client} ("127.0.0.1:50000", "lua") in database {@code db}. */
    public void feed(final int db, final String client, final Request req) {
        final Connection[] m = monitors;
        if (m.length == 0) {
            return;
        }
        final java.time.Instant now = java.time.Instant.now();
        final byte[] line = line(now.getEpochSecond() * 1_000_000 + now.getNano() / 1000, db, client, req);
        for (final Connection c : m) {
            c.home().execute(() -> {
                final Reply r = c.pushStart();
                if (r != null) {
                    r.raw(line);
                    c.pushEnd();
                }
            });
        }
    }

    /** One MONITOR line: a status reply with the time, database, client and the arguments quoted. */
    static byte[] line(final long unixMicros, final int db, final String client, final Request req) {
        final StringBuilder sb = new StringBuilder(64);
        final long micros = unixMicros % 1_000_000;
        sb.append('+').append(unixMicros / 1_000_000).append('.');
        final String us = Long.toString(micros);
        sb.append("000000", 0, 6 - us.length()).append(us);
        sb.append(" [").append(db).append(' ').append(client).append(']');
        final byte[] b = req.buf();
        for (int i = 0; i < req.argc(); i++) {
            sb.append(' ');
            if (Redaction.redacted(req, i)) {
                io.moon.protocol.Repr.append(sb, Redaction.REDACTED, 0, Redaction.REDACTED.length);
            } else {
                io.moon.protocol.Repr.append(sb, b, req.off(i), req.len(i));
            }
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
