package io.moon.server.commands;

import io.netty.buffer.ByteBuf;

/**
 * Reads back replies that a shard's step wrote (to merge them): an integer, an array header,
 * and skipping one element. Only the shapes our own handlers produce are handled.
 */
final class RespScan {
    private RespScan() {
    }

    /** Value of an integer reply ":n\r\n" at the reader index. */
    static long integer(final ByteBuf b) {
        final int start = b.readerIndex();
        if (b.getByte(start) != ':') {
            throw new IllegalStateException("expected an integer reply, got " + (char) b.getByte(start));
        }
        return number(b, start + 1);
    }

    private static long number(final ByteBuf b, int i) {
        boolean neg = false;
        if (b.getByte(i) == '-') {
            neg = true;
            i++;
        }
        long v = 0;
        byte c;
        while ((c = b.getByte(i)) != '\r') {
            v = v * 10 + (c - '0');
            i++;
        }
        return neg ? -v : v;
    }

    /** Skips an aggregate header line ("*n\r\n"); returns n. */
    static long skipHeader(final ByteBuf b) {
        final int start = b.readerIndex();
        final long n = number(b, start + 1);
        b.readerIndex(b.indexOf(start, b.writerIndex(), (byte) '\n') + 1);
        return n;
    }

    /** Advances the reader index past one complete element of any type. */
    static void skipElement(final ByteBuf b) {
        final int start = b.readerIndex();
        final byte type = b.getByte(start);
        final int lineEnd = b.indexOf(start, b.writerIndex(), (byte) '\n') + 1;
        switch (type) {
            case '$', '=', '!' -> {
                final long len = number(b, start + 1);
                b.readerIndex(len < 0 ? lineEnd : lineEnd + (int) len + 2);
            }
            case '*', '~', '>', '%' -> {
                long n = number(b, start + 1);
                b.readerIndex(lineEnd);
                if (type == '%') {
                    n *= 2;
                }
                for (long k = 0; k < n; k++) {
                    skipElement(b);
                }
            }
            default -> b.readerIndex(lineEnd);
        }
    }
}
