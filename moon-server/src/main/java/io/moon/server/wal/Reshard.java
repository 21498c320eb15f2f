package io.moon.server.wal;

import io.moon.server.Server;
import io.moon.server.config.Config;
import io.moon.server.net.Transport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Startup with another shard count than the append only file was written with. A segment holds
 * the records of one shard's keys in that shard's order, and some records only make sense on
 * their shard (a FLUSHALL part empties that shard's slice), so segments cannot be replayed into
 * another layout. Instead, before the server is built, a temporary server with the log's shard
 * count (no listener, no cron) recovers the log as usual and rewrites it: the new base snapshot
 * loads with any shard count, and the fresh segments are empty. The real server then starts from
 * that base. Costs one extra load of the dataset, once.
 */
public final class Reshard {
    private static final Logger LOG = Logger.getLogger(Reshard.class.getName());
    private static final long WAIT_NANOS = TimeUnit.HOURS.toNanos(24);

    private Reshard() {
    }

    /**
     * Converts the log when it was written with another shard count than {@code config}'s and
     * still holds records. Returns null when nothing was needed or the conversion succeeded, else
     * why it failed (startup then stops with that message).
     */
    public static String convertIfNeeded(final Config config, final Transport transport) {
        if ("0".equals(config.get("shards"))) {
            return null; // left to choose, the server runs the log's count (see Server's constructor)
        }
        final int logged = Aof.loggedShards(config);
        final int wanted = config.shards;
        if (logged <= 0 || logged == wanted) {
            return null;
        }
        final Path dir = Path.of(config.dir == null ? "." : config.dir).resolve(config.get("appenddirname"));
        final boolean records;
        try {
            final Manifest m = Manifest.read(dir, config.get("appendfilename"));
            records = m != null && Recovery.plan(dir, m, "yes".equals(config.get("aof-load-truncated"))).anyRecord();
        } catch (final IOException | Recovery.Unrecoverable e) {
            return null; // the real recovery reports it, with its own message
        }
        if (!records) {
            return null; // the base loads with any shard count; recovery starts fresh segments
        }
        LOG.info("The append only file was written with " + logged + " shards and this server runs " + wanted
                + ": replaying it with " + logged + " shards and rewriting it first");
        final long t0 = System.nanoTime();
        final AtomicReference<String> fatal = new AtomicReference<>();
        config.shards = logged;
        final Server temp;
        try {
            temp = new Server(config, transport, false);
        } finally {
            config.shards = wanted;
        }
        try {
            temp.aof.onFatal(fatal::set);
            temp.aof.install();
            temp.aof.recoverAtStartup();
            final long deadline = System.nanoTime() + WAIT_NANOS;
            while ((temp.aof.loading() || temp.snapshots.loading()) && fatal.get() == null) {
                if (System.nanoTime() > deadline) {
                    return "converting the append only file to " + wanted + " shards took too long";
                }
                sleep();
            }
            if (fatal.get() != null) {
                return fatal.get();
            }
            if (!temp.aof.rewrite.start(false)) {
                return "converting the append only file: a rewrite was already running";
            }
            while (temp.aof.rewrite.inProgress()) {
                sleep();
            }
            if (!temp.aof.rewrite.lastOk()) {
                return "converting the append only file to " + wanted + " shards: its rewrite failed (see above)";
            }
        } finally {
            temp.aof.close();
            temp.shutdown();
        }
        LOG.info(String.format(java.util.Locale.ROOT, "Converted the append only file from %d to %d shards in %.3f"
                + " seconds", logged, wanted, (System.nanoTime() - t0) / 1e9));
        return null;
    }

    private static void sleep() {
        try {
            Thread.sleep(5);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while converting the append only file", e);
        }
    }
}
