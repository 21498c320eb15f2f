package io.moon.server.testing;

import io.moon.server.Server;
import io.moon.server.config.Config;
import io.moon.server.net.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs Moon in-process with N shards (3 by default, so cross-shard paths always run) over Netty's
 * local transport: the real shard threads, pipeline, parser and dispatcher, without sockets.
 *
 * <pre>
 *   try (Harness h = Harness.start()) {
 *       h.assertOk(h.run("SET", "k", "v"));
 *       assertEquals("v", h.run("GET", "k"));
 *   }
 * </pre>
 * Each {@link Client} is one connection; {@link #run} uses a default client.
 */
public final class Harness implements AutoCloseable {
    public static final int DEFAULT_SHARDS = 3;
    private static final long TIMEOUT_SECONDS = 10;

    public final Server server;
    private final LocalAddress address;
    private final EventLoopGroup clientGroup;
    private final List<Client> clients = new ArrayList<>();
    private Client main;

    private Harness(final Server server, final LocalAddress address) {
        this.server = server;
        this.address = address;
        this.clientGroup = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
    }

    public static Harness start() {
        return start(DEFAULT_SHARDS);
    }

    /** Starts with the given shard count and extra config directives ("name", "value", ...). */
    public static Harness start(final int shards, final String... config) {
        return start(TestServer.testConfig(shards, config));
    }

    /** Starts with a configuration built by the test (read from a file, say). */
    public static Harness start(final Config cfg) {
        final Server s = new Server(cfg, Transport.LOCAL);
        final LocalAddress addr = new LocalAddress("moon-" + UUID.randomUUID());
        try {
            s.listen(addr);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new Harness(s, addr);
    }

    /** A new connection. */
    public Client client() {
        final Client c = new Client();
        final Bootstrap b = new Bootstrap().group(clientGroup).channel(LocalChannel.class)
                .handler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(final LocalChannel ch) {
                        ch.pipeline().addLast(c.handler);
                    }
                });
        c.channel = b.connect(address).syncUninterruptibly().channel();
        clients.add(c);
        return c;
    }

    private Client main() {
        if (main == null) {
            main = client();
        }
        return main;
    }

    /** Runs one command on the default connection and returns its decoded reply. */
    public Object run(final String... args) {
        return main().run(args);
    }

    @Override
    public void close() {
        for (final Client c : clients) {
            c.channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        server.shutdown();
    }

    /** One connection to the harness server. */
    public static final class Client {
        private Channel channel;
        private final BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private volatile boolean closed;
        private final ChannelInboundHandlerAdapter handler = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
                final ByteBuf in = (ByteBuf) msg;
                final byte[] b = new byte[in.readableBytes()];
                in.readBytes(b);
                in.release();
                pending.writeBytes(b);
                final byte[] all = pending.toByteArray();
                int pos = 0;
                while (pos < all.length) {
                    final Resp.Decoder d = new Resp.Decoder(all, pos, all.length);
                    try {
                        final Object v = d.next();
                        replies.add(v == null ? NULL : v);
                        pos = d.position();
                    } catch (final Resp.Decoder.Incomplete e) {
                        break;
                    } catch (final RuntimeException e) {
                        // a malformed reply: report it instead of waiting for a reply that never comes
                        replies.add(new AssertionError("malformed reply at byte " + pos + ": " + e.getMessage()
                                + " in " + new String(all, java.nio.charset.StandardCharsets.ISO_8859_1)));
                        pos = all.length;
                    }
                }
                pending.reset();
                pending.write(all, pos, all.length - pos);
            }

            @Override
            public void channelInactive(final ChannelHandlerContext ctx) {
                closed = true;
                replies.add(CLOSED);
            }
        };

        private static final Object NULL = new Object();
        /** Marker reply: the server closed the connection. */
        public static final Object CLOSED = new Object() {
            @Override
            public String toString() {
                return "<closed>";
            }
        };

        public Object run(final String... args) {
            send(Resp.command(args));
            return read();
        }

        /** Sends raw bytes (pipelines, inline commands, malformed input). */
        public void send(final byte[] raw) {
            channel.writeAndFlush(Unpooled.wrappedBuffer(raw)).syncUninterruptibly();
        }

        /** The next reply; fails after 10 s. */
        public Object read() {
            try {
                final Object v = replies.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (v == null) {
                    fail("no reply within " + TIMEOUT_SECONDS + "s");
                }
                if (v instanceof AssertionError e) {
                    throw e;
                }
                return v == NULL ? null : v;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** True when no reply arrives within the given time. */
        public boolean silentFor(final long millis) throws InterruptedException {
            return replies.poll(millis, TimeUnit.MILLISECONDS) == null;
        }

        public boolean isClosed() {
            return closed;
        }

        public void close() {
            channel.close().syncUninterruptibly();
        }
    }

    // ---- assertions ----------------------------------------------------------------------------

    public static void assertOk(final Object reply) {
        assertEquals(new Resp.Simple("OK"), reply);
    }

    public static void assertInt(final long expected, final Object reply) {
        assertEquals(expected, reply, "integer reply");
    }

    public static void assertNil(final Object reply) {
        assertNull(reply, "expected a null reply");
    }

    /** The reply is an error whose text starts with {@code prefix}. */
    public static void assertError(final String prefix, final Object reply) {
        assertInstanceOf(Resp.Err.class, reply, "expected an error reply");
        final String text = ((Resp.Err) reply).text();
        assertTrue(text.startsWith(prefix), "error '" + text + "' should start with '" + prefix + "'");
    }

    /** The reply is exactly this error text. */
    public static void assertErrorText(final String text, final Object reply) {
        assertEquals(new Resp.Err(text), reply);
    }
}
