package io.moon.server.admin;

import io.moon.server.Server;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The admin HTTP endpoint (--admin-port, --admin-bind): GET /metrics (Prometheus text), /healthz
 * (every shard's event loop answers within {@value #HEALTH_BOUND_MILLIS} ms) and /readyz (loaded,
 * persistence writable, not shutting down). Any other path is 404, any other method 405.
 *
 * <p>It runs on one event-loop thread of its own (NIO: a few requests a second need nothing
 * more), never on a shard's loop, so a slow scrape or a stuck shard cannot hold up the data path
 * and /healthz can still answer while a shard is stuck. It reaches the shards only by posting
 * tasks to them (see {@link MoonMetrics} and {@link LoopProbe}); everything else it owns lives on
 * its own thread.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AdminServer.class.getName());
    static final long HEALTH_BOUND_MILLIS = 1000;
    /** Keep-alive connections with no request for this long are closed. */
    static final int IDLE_SECONDS = 120;
    /** Prometheus text exposition format 0.0.4. */
    static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Server server;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final LoopProbe probe;
    private final MoonMetrics metrics;
    private final Channel channel;

    private AdminServer(final Server server, final String bind, final int port, final int idleSeconds)
            throws InterruptedException {
        this.server = server;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("moon-admin", true),
                NioIoHandler.newFactory());
        this.loop = group.next();
        this.probe = new LoopProbe(server, loop);
        this.metrics = new MoonMetrics(server, loop, probe);
        try {
            this.channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(final Channel ch) {
                            // an idle connection (a scraper that went away, a slow client) is
                            // closed after IDLE_SECONDS; requests are small, bodies are refused
                            ch.pipeline().addLast(new ReadTimeoutHandler(idleSeconds), new HttpServerCodec(),
                                    new HttpObjectAggregator(16 * 1024), new Handler());
                        }
                    })
                    .bind(new InetSocketAddress(bind, port)).sync().channel();
        } catch (final RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        probe.start();
    }

    /** Starts the endpoint on {@code bind}:{@code port} (0 = any free port, for tests). */
    public static AdminServer start(final Server server, final String bind, final int port)
            throws InterruptedException {
        return start(server, bind, port, IDLE_SECONDS);
    }

    /** As above, closing connections idle for {@code idleSeconds} (tests use a short one). */
    static AdminServer start(final Server server, final String bind, final int port, final int idleSeconds)
            throws InterruptedException {
        final AdminServer a = new AdminServer(server, bind, port, idleSeconds);
        server.admin(a);
        return a;
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public String address() {
        final InetSocketAddress a = (InetSocketAddress) channel.localAddress();
        return a.getHostString() + ":" + a.getPort();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        loop.execute(metrics::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    /** Routes one request; answers on the admin thread, possibly after the shards reply. */
    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest req) {
            final boolean keepAlive = HttpUtil.isKeepAlive(req);
            final boolean head = req.method().equals(HttpMethod.HEAD);
            if (!req.method().equals(HttpMethod.GET) && !head) {
                respond(ctx, keepAlive, head, HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
                return;
            }
            final String uri = req.uri();
            final int q = uri.indexOf('?');
            final String path = q < 0 ? uri : uri.substring(0, q);
            switch (path) {
                case "/metrics" -> metrics.scrape(text -> respond(ctx, keepAlive, head, HttpResponseStatus.OK,
                        METRICS_CONTENT_TYPE, text));
                case "/healthz" -> probe.health(HEALTH_BOUND_MILLIS, stuck -> respond(ctx, keepAlive, head,
                        stuck.isEmpty() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        healthText(stuck)));
                case "/readyz" -> {
                    final String reason = server.observe.readiness.reason();
                    respond(ctx, keepAlive, head, reason == null ? HttpResponseStatus.OK
                            : HttpResponseStatus.SERVICE_UNAVAILABLE, reason == null ? "ready\n" : reason + "\n");
                }
                default -> respond(ctx, keepAlive, head, HttpResponseStatus.NOT_FOUND, "not found\n");
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            if (!(cause instanceof java.io.IOException || cause instanceof ReadTimeoutException)) {
                LOG.warning("admin HTTP request failed: " + cause);
            }
            ctx.close();
        }
    }

    /** "ok", or which shards' event loops did not answer within the bound. */
    static String healthText(final List<Integer> stuck) {
        if (stuck.isEmpty()) {
            return "ok\n";
        }
        final StringBuilder sb = new StringBuilder(stuck.size() == 1 ? "shard " : "shards ");
        for (int i = 0; i < stuck.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(stuck.get(i));
        }
        return sb.append(stuck.size() == 1 ? ": event loop" : ": event loops")
                .append(" did not answer within ").append(HEALTH_BOUND_MILLIS).append(" ms\n").toString();
    }

    private static void respond(final ChannelHandlerContext ctx, final boolean keepAlive, final boolean head,
                                final HttpResponseStatus status, final String body) {
        respond(ctx, keepAlive, head, status, "text/plain; charset=utf-8", body);
    }

    private static void respond(final ChannelHandlerContext ctx, final boolean keepAlive, final boolean head,
                                final HttpResponseStatus status, final String type, final String body) {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        final ByteBuf content = head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes);
        final FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(r);
        } else {
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
