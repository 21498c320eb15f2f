package io.moon.server.testing;

import io.moon.server.Server;
import io.moon.server.config.Config;
import io.moon.server.net.Transport;

import java.net.InetSocketAddress;

/**
 * Moon in-process on a real loopback socket (a free port), for tests with real clients
 * (Jedis, Lettuce, redis-cli, raw sockets). Uses the same driver selection as ./moon unless
 * the test asks for one.
 */
public final class TestServer implements AutoCloseable {
    public final Server server;
    public final int port;

    private TestServer(final Server server, final int port) {
        this.server = server;
        this.port = port;
    }

    /** Starts with the given shard count and extra config directives ("name", "value", ...). */
    public static TestServer start(final int shards, final String... config) {
        final Config cfg = testConfig(shards, config);
        final Server s = new Server(cfg, Transport.select(cfg.ioDriver));
        try {
            final InetSocketAddress bound = (InetSocketAddress) s.listen(new InetSocketAddress("127.0.0.1", 0));
            return new TestServer(s, bound.getPort());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            s.shutdown();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A configuration for test servers: the shard count, DEBUG allowed, then the given directives
     * ("name", "value", ...). Shared with {@link Harness}.
     */
    public static Config testConfig(final int shards, final String... config) {
        final Config cfg = new Config();
        try {
            cfg.set("shards", Integer.toString(shards), true);
            cfg.set("enable-debug-command", "yes", true);
            for (int i = 0; i + 1 < config.length; i += 2) {
                cfg.set(config[i], config[i + 1], true);
            }
        } catch (final Exception e) {
            throw new IllegalArgumentException(e);
        }
        return cfg;
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
