package io.moon.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Feeds a byte stream to a {@link RespParser} cut into chunks, the way a connection does, and
 * records what comes out. It also checks the contracts the connection relies on: NEED_MORE
 * means every byte of the chunk was consumed, COMPLETE consumed at least one byte, and ERROR
 * stays ERROR.
 */
final class ParserDriver {
    private ParserDriver() {
    }

    /** Commands parsed (arguments as ISO-8859-1 strings, one char per byte), then the end state. */
    record Outcome(List<List<String>> commands, int last, String error, int maxArenaBytes) {
        Outcome withoutArena() {
            return new Outcome(commands, last, error, 0);
        }
    }

    static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static Outcome whole(final String input) {
        return feed(new RespParser(), bytes(input), new int[0]);
    }

    static Outcome byteByByte(final byte[] input) {
        final int[] cuts = new int[Math.max(0, input.length - 1)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        return feed(new RespParser(), input, cuts);
    }

    /** Feeds input[0, cuts[0]), input[cuts[0], cuts[1]), ... and the rest; cuts ascending. */
    static Outcome feed(final RespParser parser, final byte[] input, final int[] cuts) {
        final Request r = new Request();
        final List<List<String>> commands = new ArrayList<>();
        int maxArena = r.capacityBytes();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            final int to = i < cuts.length ? cuts[i] : input.length;
            final ByteBuf chunk = Unpooled.wrappedBuffer(input, from, to - from);
            from = to;
            while (true) {
                final int before = chunk.readableBytes();
                final int result = parser.parse(chunk, r);
                maxArena = Math.max(maxArena, r.capacityBytes());
                if (result == RespParser.NEED_MORE) {
                    assertFalse(chunk.isReadable(), "NEED_MORE must consume the whole chunk");
                    break;
                }
                if (result == RespParser.ERROR) {
                    assertEquals(RespParser.ERROR, parser.parse(Unpooled.wrappedBuffer(bytes("PING\r\n")), r),
                            "ERROR must be final");
                    return new Outcome(commands, RespParser.ERROR, parser.error(), maxArena);
                }
                if (result != RespParser.COMPLETE) {
                    fail("unknown parse result " + result);
                }
                assertTrue(chunk.readableBytes() < before, "COMPLETE must consume input");
                final List<String> args = new ArrayList<>(r.argc());
                for (int a = 0; a < r.argc(); a++) {
                    args.add(r.argString(a));
                }
                commands.add(args);
                r.reset();
            }
        }
        return new Outcome(commands, RespParser.NEED_MORE, null, maxArena);
    }
}
