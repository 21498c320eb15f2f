package io.moon.server.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;

/**
 * tcp-keepalive on an accepted connection, as Redis's anetKeepAlive sets it: SO_KEEPALIVE, the
 * first probe after the interval of idleness, then a probe every third of it, three unanswered
 * probes and the peer is dead. Set when the connection is accepted, so CONFIG SET applies to the
 * connections that come after it (as in Redis). 0 leaves keepalive off.
 */
public final class Keepalive {
    private Keepalive() {
    }

    public static void apply(final Channel ch, final int seconds) {
        if (seconds <= 0 || !(ch instanceof io.netty.channel.socket.SocketChannel)) {
            return; // off, or a local channel (tests) that has no TCP
        }
        final ChannelConfig c = ch.config();
        c.setOption(ChannelOption.SO_KEEPALIVE, true);
        final int interval = Math.max(1, seconds / 3);
        if (ch instanceof io.netty.channel.epoll.EpollSocketChannel) {
            c.setOption(io.netty.channel.epoll.EpollChannelOption.TCP_KEEPIDLE, seconds);
            c.setOption(io.netty.channel.epoll.EpollChannelOption.TCP_KEEPINTVL, interval);
            c.setOption(io.netty.channel.epoll.EpollChannelOption.TCP_KEEPCNT, 3);
        } else if (ch instanceof io.netty.channel.uring.IoUringSocketChannel) {
            c.setOption(io.netty.channel.uring.IoUringChannelOption.TCP_KEEPIDLE, seconds);
            c.setOption(io.netty.channel.uring.IoUringChannelOption.TCP_KEEPINTVL, interval);
            c.setOption(io.netty.channel.uring.IoUringChannelOption.TCP_KEEPCNT, 3);
        } else {
            c.setOption(NioChannelOption.of(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE), seconds);
            c.setOption(NioChannelOption.of(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL), interval);
            c.setOption(NioChannelOption.of(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT), 3);
        }
    }
}
