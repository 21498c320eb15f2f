package io.moon.server.commands;

import io.moon.server.Ctx;
import io.moon.server.observe.SlowLog;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * SLOWLOG GET/LEN/RESET/HELP. Every shard keeps its own log (observe.SlowLog); these visit all of
 * them and merge by entry id, so the reply reads as one server's log.
 */
public final class SlowlogCommands {
    private static final String COUNT_ERR = "ERR count should be greater than or equal to -1";

    private SlowlogCommands() {
    }

    // SLOWLOG GET [count]
    public static Coordinated get(final Ctx c) {
        long n = 10;
        if (c.req.argc() == 3) {
            try {
                n = Long.parseLong(c.req.argString(2));
            } catch (final NumberFormatException e) {
                n = -2;
            }
            if (n < -1) {
                c.out.error(COUNT_ERR);
                return null;
            }
        }
        final long count = n;
        final Coordinated op = new Coordinated(c) {
            {
                allShards(-1, false);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                p.data = x.shard.slowlog.newest(count);
            }

            @Override
            @SuppressWarnings("unchecked")
            protected void onAllLocked() {
                final List<SlowLog.Entry> all = new ArrayList<>();
                for (int k = 0; k < partCount(); k++) {
                    all.addAll((List<SlowLog.Entry>) partAt(k).data);
                }
                all.sort(Comparator.comparingLong(SlowLog.Entry::id).reversed());
                final int shown = count < 0 ? all.size() : (int) Math.min(count, all.size());
                reply.arrayHeader(shown);
                for (int i = 0; i < shown; i++) {
                    final SlowLog.Entry e = all.get(i);
                    reply.arrayHeader(6);
                    reply.integer(e.id());
                    reply.integer(e.unixSeconds());
                    reply.integer(e.micros());
                    reply.arrayHeader(e.args().length);
                    for (final byte[] a : e.args()) {
                        reply.bulk(a);
                    }
                    reply.bulk(e.addr().getBytes(StandardCharsets.ISO_8859_1));
                    reply.bulk(e.name().getBytes(StandardCharsets.ISO_8859_1));
                }
                finish();
            }
        };
        op.start(true);
        return op;
    }

    // SLOWLOG LEN
    public static Coordinated len(final Ctx c) {
        final Coordinated op = new Coordinated(c) {
            {
                allShards(-1, false);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                p.data = (long) x.shard.slowlog.size();
            }

            @Override
            protected void onAllLocked() {
                long sum = 0;
                for (int k = 0; k < partCount(); k++) {
                    sum += (Long) partAt(k).data;
                }
                reply.integer(sum);
                finish();
            }
        };
        op.start(true);
        return op;
    }

    // SLOWLOG RESET
    public static Coordinated reset(final Ctx c) {
        final Coordinated op = new Coordinated(c) {
            {
                allShards(-1, false);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                x.shard.slowlog.reset();
            }

            @Override
            protected void onAllLocked() {
                reply.ok();
                finish();
            }
        };
        op.start(true);
        return op;
    }

    // SLOWLOG HELP
    public static void help(final Ctx c) {
        Help.reply(c.out, "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "GET [<count>]",
                "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                "    Entries are made of:",
                "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                "    client name",
                "LEN",
                "    Return the length of the slowlog.",
                "RESET",
                "    Reset the slowlog.");
    }
}
