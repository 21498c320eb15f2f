package io.moon.server.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringBufferRingConfig;
import io.netty.channel.uring.IoUringFixedBufferRingAllocator;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocalThread;

import java.util.Locale;

/**
 * The network driver under the event loops. {@code auto} picks io_uring where the kernel and the
 * environment allow it (seccomp filters in containers often forbid it), else epoll, else NIO.
 * {@code local} is Netty's in-process transport, used by the test harness: the same pipeline and
 * shard threads, without sockets.
 */
public enum Transport {
    IO_URING("io_uring"), EPOLL("epoll"), NIO("nio"), LOCAL("local");

    private final String label;

    Transport(final String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Resolves a --io-driver value; explains in the exception why a driver cannot be used. */
    public static Transport select(final String driver) {
        final String d = driver.toLowerCase(Locale.ROOT);
        switch (d) {
            case "auto" -> {
                if (uringAvailable()) {
                    return IO_URING;
                }
                if (Epoll.isAvailable()) {
                    return EPOLL;
                }
                return NIO;
            }
            case "io_uring" -> {
                if (!uringAvailable()) {
                    throw new IllegalStateException("io_uring is not available here: " + IoUring.unavailabilityCause());
                }
                return IO_URING;
            }
            case "epoll" -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("epoll is not available here: " + Epoll.unavailabilityCause());
                }
                return EPOLL;
            }
            case "nio" -> {
                return NIO;
            }
            case "local" -> {
                return LOCAL;
            }
            default -> throw new IllegalArgumentException("unknown io-driver " + driver);
        }
    }

    private static boolean uringAvailable() {
        try {
            return IoUring.isAvailable();
        } catch (final Throwable t) {
            return false;
        }
    }

    /** Why auto did not pick the drivers above the one it chose, for the startup log. */
    public static String whyNotBetter(final Transport chosen) {
        final StringBuilder sb = new StringBuilder();
        if (chosen != IO_URING && chosen != LOCAL) {
            sb.append("io_uring unavailable (").append(IoUring.unavailabilityCause()).append(")");
        }
        if (chosen == NIO) {
            sb.append("; epoll unavailable (").append(Epoll.unavailabilityCause()).append(")");
        }
        return sb.toString();
    }

    /** Buffer group id of the provided-buffer ring each io_uring shard registers. */
    public static final short RECV_BUFFER_GROUP = 1;
    /**
     * Provided buffers let the kernel pick a receive buffer when data arrives, so one multishot
     * recv serves a connection for its whole life instead of a recv re-armed per read (measured:
     * less kernel time per request at pipeline depth 1). -Dmoon.uring.bufferRing=false turns it off.
     */
    static final boolean BUFFER_RING = Boolean.parseBoolean(System.getProperty("moon.uring.bufferRing", "true"));
    private static final short RECV_BUFFERS = 256;
    private static final int RECV_BUFFER_BYTES = 8 * 1024;
    /**
     * Bytes a shard's receive ring holds. After a connection stops reading, its multishot recv
     * may still deliver this much before the cancellation lands.
     */
    public static final int RECV_RING_BYTES = RECV_BUFFERS * RECV_BUFFER_BYTES;

    /** Whether accepted connections should name {@link #RECV_BUFFER_GROUP}. */
    public boolean usesBufferRing() {
        return this == IO_URING && BUFFER_RING && bufferRingSupported();
    }

    /** Provided-buffer rings need Linux 5.19+; older kernels get ordinary recvs. */
    private static boolean bufferRingSupported() {
        try {
            return IoUring.isRegisterBufferRingSupported() && IoUring.isRecvMultishotEnabled();
        } catch (final Throwable t) {
            return false;
        }
    }

    /**
     * The stack of a shard thread: scripts run there, and LuaJ nests Lua calls (and cjson, and the
     * pattern matcher) on the Java stack, so a script recurses as deep as Redis's Lua allows (about
     * 20,000 calls) instead of the launcher's shallow -Xss. Only the pages a thread touches are
     * committed; the thread that runs scripts holding every shard has the same (ScriptWide).
     */
    public static final long SHARD_STACK_BYTES = 64L << 20;

    public EventLoopGroup newGroup(final int threads, final String name) {
        final IoHandlerFactory f = switch (this) {
            case IO_URING -> usesBufferRing()
                    ? IoUringIoHandler.newFactory(new IoUringIoHandlerConfig().setBufferRingConfig(
                            IoUringBufferRingConfig.builder().bufferGroupId(RECV_BUFFER_GROUP)
                                    .bufferRingSize(RECV_BUFFERS).batchSize(RECV_BUFFERS / 4)
                                    .allocator(new IoUringFixedBufferRingAllocator(RECV_BUFFER_BYTES)).build()))
                    : IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
            case LOCAL -> LocalIoHandler.newFactory();
        };
        return new MeteredEventLoop.Group(threads, new DefaultThreadFactory(name, false) {
            @Override
            protected Thread newThread(final Runnable r, final String n) {
                return new FastThreadLocalThread(threadGroup, r, n, SHARD_STACK_BYTES);
            }
        }, f);
    }

    public Class<? extends ServerChannel> serverChannel() {
        return switch (this) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
            case LOCAL -> LocalServerChannel.class;
        };
    }
}
