package io.moon.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

/** Pre-encoded request streams shared by the benchmarks. */
final class Commands {
    private Commands() {
    }

    static final int KEYS = 1024;

    static String key(final int i) {
        return "key:" + (100000 + i);
    }

    /** KEYS commands of one kind ("SET", "GET", "INCR") as one RESP stream. */
    static ByteBuf stream(final String name) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < KEYS; i++) {
            switch (name) {
                case "SET" -> sb.append("*3\r\n$3\r\nSET\r\n$10\r\n").append(key(i)).append("\r\n$16\r\nvalue-0123456789\r\n");
                case "GET" -> sb.append("*2\r\n$3\r\nGET\r\n$10\r\n").append(key(i)).append("\r\n");
                case "INCR" -> sb.append("*2\r\n$4\r\nINCR\r\n$10\r\n").append("cnt:" + (100000 + i)).append("\r\n");
                default -> throw new IllegalArgumentException(name);
            }
        }
        final byte[] b = sb.toString().getBytes(StandardCharsets.US_ASCII);
        final ByteBuf buf = Unpooled.directBuffer(b.length);
        buf.writeBytes(b);
        return buf;
    }
}
