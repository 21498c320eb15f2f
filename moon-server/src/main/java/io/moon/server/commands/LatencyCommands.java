package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.server.Ctx;
import io.moon.server.command.CommandSpec;
import io.moon.server.observe.CommandStats;
import io.moon.server.observe.LatencyMonitor;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * LATENCY LATEST/HISTORY/GRAPH/RESET/HISTOGRAM/DOCTOR/HELP. Every shard keeps its own latency monitor
 * (observe.LatencyMonitor) and per-command histograms (observe.CommandStats); these commands
 * visit all shards without locks, as INFO does, and merge the copies so the reply reads as one
 * server's: per second the worst spike of any shard, histograms added up.
 */
public final class LatencyCommands {
    private LatencyCommands() {
    }

    /** Visits every shard with {@code onShard} (on its thread), then {@code merge} on the coordinator. */
    private static <T> Coordinated visit(final Ctx c, final Function<Ctx, T> onShard,
                                         final BiConsumer<List<T>, Reply> merge) {
        final Coordinated op = new Coordinated(c) {
            {
                allShards(-1, false);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                p.data = onShard.apply(x);
            }

            @Override
            @SuppressWarnings("unchecked")
            protected void onAllLocked() {
                final List<T> parts = new ArrayList<>();
                for (int k = 0; k < partCount(); k++) {
                    parts.add((T) partAt(k).data);
                }
                merge.accept(parts, reply);
                finish();
            }
        };
        op.start(true);
        return op;
    }

    private static Coordinated events(final Ctx c, final BiConsumer<Map<String, LatencyMonitor.Series>, Reply> then) {
        return visit(c, x -> x.shard.latency.copy(), (parts, reply) -> then.accept(LatencyMonitor.merge(parts), reply));
    }

    // LATENCY LATEST
    public static Coordinated latest(final Ctx c) {
        return events(c, (events, reply) -> {
            reply.arrayHeader(events.size());
            events.forEach((name, s) -> {
                final long[] last = s.latest();
                reply.arrayHeader(4);
                reply.bulk(name);
                reply.integer(last[0]);
                reply.integer(last[1]);
                reply.integer(s.maxMillis());
            });
        });
    }

    // LATENCY HISTORY event
    public static Coordinated history(final Ctx c) {
        final String event = c.req.argString(2);
        return events(c, (events, reply) -> {
            final LatencyMonitor.Series s = events.get(event);
            if (s == null) {
                reply.arrayHeader(0);
                return;
            }
            final List<long[]> samples = s.samples();
            reply.arrayHeader(samples.size());
            for (final long[] sample : samples) {
                reply.arrayHeader(2);
                reply.integer(sample[0]);
                reply.integer(sample[1]);
            }
        });
    }

    // LATENCY GRAPH event
    public static Coordinated graph(final Ctx c) {
        final String event = c.req.argString(2);
        return events(c, (events, reply) -> {
            final LatencyMonitor.Series s = events.get(event);
            if (s == null || s.samples().isEmpty()) {
                reply.error("ERR No samples available for event '" + event + "'");
                return;
            }
            reply.verbatim(io.moon.server.observe.LatencyGraph.render(event, s.samples(), s.maxMillis(),
                    System.currentTimeMillis() / 1000));
        });
    }

    // LATENCY RESET [event ...]
    public static Coordinated reset(final Ctx c) {
        final List<String> names = new ArrayList<>();
        for (int i = 2; i < c.req.argc(); i++) {
            names.add(c.req.argString(i));
        }
        return visit(c, x -> {
            final Set<String> had = x.shard.latency.copy().keySet();
            x.shard.latency.reset(names);
            return had;
        }, (parts, reply) -> {
            // an event counts once however many shards had it
            final Set<String> all = new LinkedHashSet<>();
            parts.forEach(all::addAll);
            if (!names.isEmpty()) {
                all.retainAll(names);
            }
            reply.integer(all.size());
        });
    }

    // LATENCY HISTOGRAM [command ...]
    public static Coordinated histogram(final Ctx c) {
        final Set<CommandSpec> wanted = new LinkedHashSet<>();
        for (int i = 2; i < c.req.argc(); i++) {
            final CommandSpec s = c.server.commands.byCalledName(c.req.argString(i));
            if (s == null) {
                continue; // unknown names are left out, as Redis does
            }
            if (s.subcommands().length > 0) {
                wanted.addAll(List.of(s.subcommands())); // a container stands for its subcommands
            } else {
                wanted.add(s);
            }
        }
        final boolean all = c.req.argc() == 2;
        return visit(c, x -> x.shard.stats.perCommand.copy(), (parts, reply) -> {
            final CommandStats sum = parts.get(0);
            for (int k = 1; k < parts.size(); k++) {
                sum.add(parts.get(k));
            }
            final List<CommandSpec> shown = new ArrayList<>();
            for (final CommandSpec s : all ? c.server.commands.all() : wanted) {
                final Histogram h = sum.histogram(s.id());
                if (h != null && h.getTotalCount() > 0) {
                    shown.add(s);
                }
            }
            reply.mapHeader(shown.size());
            for (final CommandSpec s : shown) {
                final Histogram h = sum.histogram(s.id());
                reply.bulk(s.fullName());
                reply.mapHeader(2);
                reply.bulk("calls");
                reply.integer(h.getTotalCount());
                reply.bulk("histogram_usec");
                final List<long[]> buckets = buckets(h);
                reply.mapHeader(buckets.size());
                for (final long[] b : buckets) {
                    reply.integer(b[0]);
                    reply.integer(b[1]);
                }
            }
        });
    }

    /**
     * Redis's cumulative distribution: buckets at 1024 ns doubling, each reported as the highest
     * value it holds in microseconds and the count of calls up to it, only where the count grew.
     */
    static List<long[]> buckets(final Histogram h) {
        final List<long[]> out = new ArrayList<>();
        final long total = h.getTotalCount();
        long previous = 0;
        for (long level = 1024; previous < total && level <= MAX_LEVEL_NANOS; level *= 2) {
            final long top = h.highestEquivalentValue(level);
            final long cumulative = h.getCountBetweenValues(0, level);
            if (cumulative > previous) {
                out.add(new long[] {top / 1000, cumulative});
            }
            previous = cumulative;
        }
        return out;
    }

    /** The first level past the histograms' top (they record 1 ns .. 1 s). */
    private static final long MAX_LEVEL_NANOS = 1L << 31;

    // LATENCY DOCTOR
    public static Coordinated doctor(final Ctx c) {
        final long threshold = Long.parseLong(c.server.config.get("latency-monitor-threshold"));
        return events(c, (events, reply) -> reply.verbatim(doctorReport(threshold, events)));
    }

    /** Moon's own wording: what was seen per event class, and what usually causes it. */
    static String doctorReport(final long thresholdMillis, final Map<String, LatencyMonitor.Series> events) {
        if (thresholdMillis == 0 && events.isEmpty()) {
            return "Latency monitoring is off (latency-monitor-threshold is 0). Turn it on with"
                    + " CONFIG SET latency-monitor-threshold <milliseconds>; every shard then records the"
                    + " commands and background work that take at least that long.\n";
        }
        if (events.isEmpty()) {
            return "No latency spike of " + thresholdMillis + " ms or more was seen on any shard since the"
                    + " monitor started or was last reset.\n";
        }
        final StringBuilder sb = new StringBuilder("Latency spikes seen on this server's shards (threshold "
                + thresholdMillis + " ms):\n\n");
        int n = 1;
        for (final Map.Entry<String, LatencyMonitor.Series> e : events.entrySet()) {
            final List<long[]> samples = e.getValue().samples();
            long sum = 0;
            for (final long[] s : samples) {
                sum += s[1];
            }
            final long avg = sum / samples.size();
            long dev = 0;
            for (final long[] s : samples) {
                dev += Math.abs(s[1] - avg);
            }
            final long period = samples.size() < 2 ? 0
                    : (samples.getLast()[0] - samples.getFirst()[0]) / (samples.size() - 1);
            sb.append(n++).append(". ").append(e.getKey()).append(": ").append(samples.size())
                    .append(samples.size() == 1 ? " spike" : " spikes").append(", average ").append(avg)
                    .append(" ms, mean deviation ").append(dev / samples.size()).append(" ms");
            if (period > 0) {
                sb.append(", one every ").append(period).append(" s on average");
            }
            sb.append(". Worst ever: ").append(e.getValue().maxMillis()).append(" ms.\n");
        }
        sb.append("\nWhat to look at:\n");
        for (final String event : events.keySet()) {
            switch (event) {
                case "command" -> sb.append("- command: SLOWLOG GET names the slow commands; commands over large"
                        + " collections (KEYS, SMEMBERS, LRANGE 0 -1, SORT, big DEL) and long scripts block"
                        + " their shard while they run.\n");
                case "fast-command" -> sb.append("- fast-command: O(1) commands should never be this slow; look at"
                        + " the host (CPU contention, swapping, a noisy neighbour) and at JVM pauses"
                        + " (jvm_gc_pause_seconds in /metrics).\n");
                case "expire-cycle" -> sb.append("- expire-cycle: many keys expire in the same second; spreading"
                        + " their TTLs spreads the work.\n");
                default -> sb.append("- ").append(event).append(": see docs/observability.md.\n");
            }
        }
        return sb.toString();
    }

    // LATENCY HELP
    public static void help(final Ctx c) {
        Help.reply(c.out, "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "DOCTOR",
                "    Describe the latency spikes seen and what usually causes them.",
                "GRAPH <event>",
                "    Reply with an ASCII chart of the samples of <event>, with their ages.",
                "HISTORY <event>",
                "    Reply with the (unix time, milliseconds) samples of <event>, oldest first.",
                "LATEST",
                "    Reply with each event's newest sample and its worst ever.",
                "RESET [<event> ...]",
                "    Forget the samples of the <event>s given, or of every event.",
                "HISTOGRAM [<command> ...]",
                "    Reply with each command's cumulative latency distribution in microseconds,",
                "    for every command that ran when none is named.");
    }
}
