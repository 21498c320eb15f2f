package io.moon.server.pubsub;

import io.moon.server.config.ConfigException;
import io.moon.server.net.Connection;

import java.util.Locale;
import java.util.logging.Logger;

/**
 * client-output-buffer-limit: per client class (normal, replica, pubsub) a hard limit and a soft
 * limit with a duration, as in Redis. A connection whose queued reply bytes (not yet handed to
 * the socket plus what the socket still holds) pass the hard limit, or stay above the soft limit
 * longer than its seconds, is closed, so a subscriber that never reads costs bounded memory.
 */
public final class OutputLimits {
    private static final Logger LOG = Logger.getLogger(OutputLimits.class.getName());
    private static final String[] CLASSES = {"normal", "slave", "pubsub"};
    /** Redis's PROTO_REPLY_CHUNK_BYTES: the static reply buffer every client has. */
    static final long STATIC_REPLY_BYTES = 16 * 1024;

    /** The parsed value, cached with the string it came from (config values are immutable strings). */
    private record Parsed(String source, long[] limits) {
    }

    private static volatile Parsed parsed = new Parsed("", new long[9]);

    private OutputLimits() {
    }

    /**
     * Closes the connection when the replies about to leave take it past its class's limit (pushed
     * messages check in Connection.pushEnd). On its thread; true when it closed it.
     */
    public static boolean closedOverLimit(final Connection c) {
        if (exceeded(c, c.subscriptions())) {
            c.close();
            return true;
        }
        return false;
    }

    /**
     * Redis's clientsCron check: closes the shard's connections past their class's limit, so one
     * left over the soft limit after traffic stops is closed once its seconds pass (the checks on
     * writes alone would never see it again). On the shard's thread.
     */
    public static void cron(final java.util.List<Connection> clients, final String setting) {
        if (clients.isEmpty() || !any(limits(setting))) {
            return;
        }
        for (int i = clients.size() - 1; i >= 0; i--) {
            final Connection c = clients.get(i);
            if (!c.isClosed() && exceeded(c, c.subscriptions())) {
                c.close();
            }
        }
    }

    private static boolean any(final long[] l) {
        return l[0] != 0 || l[1] != 0 || l[6] != 0 || l[7] != 0;
    }

    /** True when the connection went past its class's limit; logs as Redis does. On its thread. */
    public static boolean exceeded(final Connection c, final Subscriptions s) {
        // on every flush of replies: a volatile read and a few compares while no limit is set
        final long[] l = limits(c.server().config.clientOutputBufferLimit);
        if (!any(l)) {
            return false;
        }
        final int base = (s.active() ? 2 : 0) * 3;
        final long hard = l[base];
        final long soft = l[base + 1];
        if (hard == 0 && soft == 0) {
            return false;
        }
        // Redis counts only what overflows a client's 16 KB static reply buffer (reply_bytes), so
        // a limit smaller than that never closes a client for one small reply
        final long used = c.outputBufferBytes() - STATIC_REPLY_BYTES;
        boolean over = hard > 0 && used >= hard;
        if (!over && soft > 0 && used >= soft) {
            final long now = c.home().cronMillis();
            if (s.softLimitSinceMillis == 0) {
                s.softLimitSinceMillis = now;
            } else if (now - s.softLimitSinceMillis > l[base + 2] * 1000) {
                over = true;
            }
        } else if (!over) {
            s.softLimitSinceMillis = 0;
        }
        if (over) {
            // Redis names the client by its whole CLIENT LIST line
            LOG.warning("Client " + io.moon.server.commands.ClientCommands.describe(c, System.currentTimeMillis()).strip()
                    + " scheduled to be closed ASAP for overcoming of output buffer limits.");
        }
        return over;
    }

    private static long[] limits(final String value) {
        final Parsed p = parsed;
        if (p.source == value) {
            return p.limits;
        }
        long[] l;
        try {
            l = parse(value, new long[9]);
        } catch (final ConfigException e) {
            l = new long[9];
        }
        parsed = new Parsed(value, l);
        return l;
    }

    /**
     * CONFIG SET's form: classes given replace theirs in {@code current}, the others stay; the
     * result in Redis's CONFIG GET form (all three classes, bytes).
     */
    public static String merge(final String current, final String value) throws ConfigException {
        long[] base;
        try {
            base = parse(current, new long[9]);
        } catch (final ConfigException e) {
            base = new long[9];
        }
        final long[] l = parse(value, base);
        final StringBuilder b = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            if (i > 0) {
                b.append(' ');
            }
            b.append(CLASSES[i]).append(' ').append(l[i * 3]).append(' ').append(l[i * 3 + 1]).append(' ')
                    .append(l[i * 3 + 2]);
        }
        return b.toString();
    }

    private static long[] parse(final String value, final long[] into) throws ConfigException {
        final String[] w = value.trim().isEmpty() ? new String[0] : value.trim().split("\\s+");
        if (w.length % 4 != 0) {
            throw bad("Wrong number of arguments in buffer limit configuration.");
        }
        final long[] l = into.clone();
        for (int i = 0; i < w.length; i += 4) {
            final int cls = switch (w[i].toLowerCase(Locale.ROOT)) {
                case "normal" -> 0;
                case "slave", "replica" -> 1;
                case "pubsub" -> 2;
                default -> throw bad("Invalid client class specified in buffer limit configuration.");
            };
            final long hard = memory(w[i + 1]);
            final long soft = memory(w[i + 2]);
            final long secs;
            try {
                secs = Long.parseLong(w[i + 3]);
            } catch (final NumberFormatException e) {
                throw bad("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
            if (hard < 0 || soft < 0 || secs < 0) {
                throw bad("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
            l[cls * 3] = hard;
            l[cls * 3 + 1] = soft;
            l[cls * 3 + 2] = secs;
        }
        return l;
    }

    private static long memory(final String s) throws ConfigException {
        final String v = s.toLowerCase(Locale.ROOT);
        long mul = 1;
        String digits = v;
        final String[][] units = {{"kb", "1024"}, {"mb", "1048576"}, {"gb", "1073741824"}, {"k", "1000"},
            {"m", "1000000"}, {"g", "1000000000"}, {"b", "1"}};
        for (final String[] u : units) {
            if (v.endsWith(u[0])) {
                mul = Long.parseLong(u[1]);
                digits = v.substring(0, v.length() - u[0].length());
                break;
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(digits), mul);
        } catch (final NumberFormatException | ArithmeticException e) {
            throw bad("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
        }
    }

    private static ConfigException bad(final String reason) {
        return new ConfigException(ConfigException.Kind.BAD_VALUE, "client-output-buffer-limit", reason);
    }
}
