package io.moon.server.wal;

import io.moon.server.testing.TestServer;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An in-process Moon with appendonly yes on a directory, started as the launcher starts it
 * (recovery first). {@link #crash} stops it without the shutdown steps: what was written to the
 * files stays, what was staged in memory is lost, as when the process is killed.
 */
final class AofNode implements AutoCloseable {
    final TestServer ts;
    volatile String fatal;

    private AofNode(final TestServer ts) {
        this.ts = ts;
    }

    /** What the launcher does before building the server: convert a log of another shard count. */
    static String convert(final Path dir, final int shards, final String... config) {
        final io.moon.server.config.Config cfg = TestServer.testConfig(shards, withLog(dir, config));
        return Reshard.convertIfNeeded(cfg, io.moon.server.net.Transport.select(cfg.ioDriver));
    }

    private static String[] withLog(final Path dir, final String... config) {
        final String[] all = new String[config.length + 8];
        all[0] = "dir";
        all[1] = dir.toString();
        all[2] = "appendonly";
        all[3] = "yes";
        all[4] = "save";
        all[5] = "";
        all[6] = "appendfsync";
        all[7] = "always";
        System.arraycopy(config, 0, all, 8, config.length);
        return all;
    }

    static AofNode start(final Path dir, final int shards, final String... config) {
        final String[] all = new String[config.length + 8];
        all[0] = "dir";
        all[1] = dir.toString();
        all[2] = "appendonly";
        all[3] = "yes";
        all[4] = "save";
        all[5] = "";
        all[6] = "appendfsync";
        all[7] = "always";
        System.arraycopy(config, 0, all, 8, config.length);
        final AofNode n = new AofNode(TestServer.start(shards, all));
        n.ts.server.aof.onFatal(msg -> n.fatal = msg);
        n.ts.server.aof.install();
        if ("yes".equals(n.ts.server.config.get("appendonly"))) {
            n.ts.server.aof.recoverAtStartup();
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((n.ts.server.aof.loading() || n.ts.server.snapshots.loading()) && n.fatal == null
                && System.nanoTime() < deadline) {
            sleep(5);
        }
        return n;
    }

    Jedis jedis() {
        return new Jedis("127.0.0.1", ts.port, 10_000);
    }

    /** Stops without flushing anything: a process kill. */
    void crash() {
        ts.server.shutdown();
    }

    @Override
    public void close() {
        ts.server.shutdown();
    }

    static void sleep(final long ms) {
        try {
            Thread.sleep(ms);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
