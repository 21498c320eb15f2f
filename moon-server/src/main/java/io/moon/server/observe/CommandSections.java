package io.moon.server.observe;

import io.moon.server.command.CommandSpec;
import io.moon.server.command.CommandTable;
import org.HdrHistogram.Histogram;

import java.util.Locale;

/** INFO commandstats and latencystats, formatted as Redis 7.2 does from merged shard counters. */
public final class CommandSections {

    private CommandSections() {
    }

    public static void commandstats(final StringBuilder sb, final CommandTable table, final CommandStats s) {
        sb.append("# Commandstats\r\n");
        for (final CommandSpec c : table.all()) {
            final int id = c.id();
            if (s.calls[id] == 0 && s.rejected[id] == 0 && s.failed[id] == 0) {
                continue;
            }
            final long usec = s.nanos[id] / 1000;
            sb.append("cmdstat_").append(c.fullName()).append(":calls=").append(s.calls[id])
                    .append(",usec=").append(usec)
                    .append(",usec_per_call=").append(String.format(Locale.ROOT, "%.2f",
                            s.calls[id] == 0 ? 0.0 : (double) usec / s.calls[id]))
                    .append(",rejected_calls=").append(s.rejected[id])
                    .append(",failed_calls=").append(s.failed[id]).append("\r\n");
        }
    }

    /** {@code ps}: latency-tracking-info-percentiles (Config.latencyPercentiles). */
    public static void latencystats(final StringBuilder sb, final CommandTable table, final CommandStats s,
                                    final double[] ps) {
        sb.append("# Latencystats\r\n");
        for (final CommandSpec c : table.all()) {
            final Histogram h = s.latency[c.id()];
            if (h == null || h.getTotalCount() == 0) {
                continue;
            }
            sb.append("latency_percentiles_usec_").append(c.fullName()).append(':');
            for (int i = 0; i < ps.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append('p').append(label(ps[i])).append('=').append(String.format(Locale.ROOT, "%.3f",
                        h.getValueAtPercentile(ps[i]) / 1000.0));
            }
            sb.append("\r\n");
        }
    }

    /** 50.0 prints as "50", 99.9 as "99.9" (Redis's %f trimmed of zeros). */
    public static String label(final double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }
}
