package io.moon.protocol;

import io.moon.protocol.ParserDriver.Outcome;
import io.moon.testkit.Props;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of {@link RespParser} over generated streams, run by {@link Props}. Seeds are fixed
 * so CI is deterministic; a failure names the seed, the try and the sample, and
 * {@code -Dmoon.props.seed=N} explores (and replays) other streams.
 */
class RespParserPropertiesTest {
    /** Stream shapes: a command sent as multibulk, the same as an inline line, or noise. */
    private static final int MULTIBULK = 0;
    private static final int INLINE = 1;
    private static final int EMPTY = 2;

    /** One command of a generated stream; {@code styleSeed} picks how it is spelled. */
    record Cmd(int kind, List<byte[]> args, long styleSeed) {
        @Override
        public String toString() {
            final StringBuilder sb = new StringBuilder(kind == MULTIBULK ? "MB[" : kind == INLINE ? "IL[" : "EMPTY[");
            for (final byte[] a : args) {
                sb.append(a.length > 64 ? "<" + a.length + " bytes>" : Props.describe(a)).append('|');
            }
            return sb.append(']').toString();
        }
    }

    /** An input and the seed of the cut points that chunk it. */
    record Cut<T>(T input, long cutSeed) {
        @Override
        public String toString() {
            return Props.describe(input) + " cut by seed " + cutSeed;
        }
    }

    // ---- valid streams -------------------------------------------------------------------------

    @Test
    void shouldParseAValidStreamToTheSameCommandsHoweverItIsChunked() {
        final List<Cut<List<Cmd>>> edges = List.of(
                new Cut<>(List.of(), 0),
                new Cut<>(List.of(new Cmd(MULTIBULK, List.of(new byte[0]), 0)), 0),
                new Cut<>(List.of(new Cmd(INLINE, List.of(new byte[0]), 0)), 0),
                new Cut<>(List.of(new Cmd(EMPTY, List.of(), 0), new Cmd(INLINE, List.of(new byte[] {0}), 1)), 1));
        Props.forAll("valid streams", 8512377016420397001L, 300, edges, r -> new Cut<>(stream(r), r.nextLong()), c -> {
            final List<Cmd> stream = c.input();
            final byte[] bytes = encode(stream);
            final List<List<String>> expected = expectedCommands(stream);

            final Outcome whole = ParserDriver.feed(new RespParser(), bytes, new int[0]);
            assertEquals(RespParser.NEED_MORE, whole.last(), () -> "error " + whole.error());
            assertEquals(expected, whole.commands());

            final Outcome chunked = ParserDriver.feed(new RespParser(), bytes, randomCuts(bytes.length, c.cutSeed()));
            assertEquals(whole.withoutArena(), chunked.withoutArena());

            final Outcome single = ParserDriver.byteByByte(bytes);
            assertEquals(whole.withoutArena(), single.withoutArena());
        });
    }

    /** Bytes that matter to one spelling or another; small arguments draw from them 2 times in 5. */
    private static final byte[] SPECIAL = {'\r', '\n', 0, '*', '$', ' ', '"', '\'', '\\', '\t', 0x0b, '\f', 7, 8, 'x',
            'a', (byte) 0x80, (byte) 0xff};

    /** Up to 12 commands: multibulk 5, inline 4, noise 1 in 10. */
    static List<Cmd> stream(final SplittableRandom r) {
        return Props.listOf(r, 0, 12, RespParserPropertiesTest::cmd);
    }

    private static Cmd cmd(final SplittableRandom r) {
        return switch (Props.weighted(r, 5, 4, 1)) {
            case 0 -> new Cmd(MULTIBULK, Props.listOf(r, 1, 8, RespParserPropertiesTest::anyArg), r.nextLong());
            case 1 -> new Cmd(INLINE, Props.listOf(r, 1, 8, RespParserPropertiesTest::smallArg), r.nextLong());
            default -> new Cmd(EMPTY, List.of(), r.nextLong());
        };
    }

    /** A small argument 40 times in 41, else a big one of 1 000..80 000 random bytes. */
    private static byte[] anyArg(final SplittableRandom r) {
        if (Props.weighted(r, 40, 1) == 0) {
            return smallArg(r);
        }
        final byte[] big = new byte[r.nextInt(1_000, 80_001)];
        r.nextBytes(big);
        return big;
    }

    /** Up to 24 bytes, each any byte 3 times in 5, else a special one. */
    private static byte[] smallArg(final SplittableRandom r) {
        return Props.bytes(r, 0, 24, b -> Props.weighted(b, 3, 2) == 0 ? Props.anyByte(b) : Props.chooseByte(b, SPECIAL));
    }

    private static List<List<String>> expectedCommands(final List<Cmd> stream) {
        final List<List<String>> out = new ArrayList<>();
        for (final Cmd c : stream) {
            if (c.kind() == EMPTY) {
                continue;
            }
            final List<String> args = new ArrayList<>();
            for (final byte[] a : c.args()) {
                args.add(new String(a, StandardCharsets.ISO_8859_1));
            }
            out.add(args);
        }
        return out;
    }

    static byte[] encode(final List<Cmd> stream) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final Cmd c : stream) {
            final Random style = new Random(c.styleSeed());
            switch (c.kind()) {
                case MULTIBULK -> encodeMultibulk(c.args(), out);
                case INLINE -> encodeInline(c.args(), style, out);
                default -> {
                    final String[] noise = {"*0\r\n", "*-1\r\n", "\r\n", "\n", "  \t\r\n", "\u000b\n"};
                    out.writeBytes(noise[style.nextInt(noise.length)].getBytes(StandardCharsets.ISO_8859_1));
                }
            }
        }
        return out.toByteArray();
    }

    private static void encodeMultibulk(final List<byte[]> args, final ByteArrayOutputStream out) {
        out.writeBytes(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (final byte[] a : args) {
            out.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(a);
            out.writeBytes(new byte[] {'\r', '\n'});
        }
    }

    /** Spells args as an inline line using every form sdssplitargs accepts. */
    private static void encodeInline(final List<byte[]> args, final Random style, final ByteArrayOutputStream out) {
        if (style.nextInt(4) == 0) {
            out.write(new byte[] {' ', '\t', 0x0b, '\f'}, 0, 1 + style.nextInt(4)); // leading blanks
        }
        for (int i = 0; i < args.size(); i++) {
            if (i > 0) {
                final int n = 1 + style.nextInt(3);
                for (int k = 0; k < n; k++) {
                    out.write(style.nextBoolean() ? ' ' : '\t');
                }
            }
            encodeWord(args.get(i), style, out);
        }
        if (style.nextBoolean()) {
            out.write(' ');
        }
        out.writeBytes(style.nextBoolean() ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
        // A line that starts with '*' would be read as multibulk; encodeWord never emits a
        // leading '*' unquoted (see isPlain), so the line is inline whatever comes first.
    }

    private static void encodeWord(final byte[] a, final Random style, final ByteArrayOutputStream out) {
        int plain = 0;
        while (plain < a.length && isPlain(a[plain]) && !(plain == 0 && a[0] == '*')) {
            plain++;
        }
        if (plain == a.length && a.length > 0 && style.nextInt(3) > 0) {
            out.writeBytes(a);
            return;
        }
        // a plain prefix, then the rest in quotes: sdssplitargs lets a quote open mid-word
        final int prefix = style.nextBoolean() ? plain : 0;
        out.write(a, 0, prefix);
        if (canSingleQuote(a, prefix) && style.nextInt(3) == 0) {
            out.write('\'');
            for (int i = prefix; i < a.length; i++) {
                if (a[i] == '\'') {
                    out.write('\\');
                }
                out.write(a[i]);
            }
            out.write('\'');
            return;
        }
        out.write('"');
        for (int i = prefix; i < a.length; i++) {
            final int c = a[i] & 0xff;
            if (c == '"' || c == '\\') {
                out.write('\\');
                out.write(c);
            } else if (c == '\n' && style.nextBoolean()) {
                out.writeBytes(new byte[] {'\\', 'n'});
            } else if (c == '\r' && style.nextBoolean()) {
                out.writeBytes(new byte[] {'\\', 'r'});
            } else if (c == '\t' && style.nextBoolean()) {
                out.writeBytes(new byte[] {'\\', 't'});
            } else if (c == 8 && style.nextBoolean()) {
                out.writeBytes(new byte[] {'\\', 'b'});
            } else if (c == 7 && style.nextBoolean()) {
                out.writeBytes(new byte[] {'\\', 'a'});
            } else if (c < 0x20 || c >= 0x7f || style.nextInt(8) == 0) {
                final String hex = String.format("%02x", c);
                out.writeBytes(("\\x" + (style.nextBoolean() ? hex : hex.toUpperCase())).getBytes(StandardCharsets.US_ASCII));
            } else if (c != 'x' && Character.isLetter(c) && style.nextInt(10) == 0 && "nrtbax".indexOf(c) < 0) {
                out.writeBytes(new byte[] {'\\', (byte) c}); // "\q" is just q
            } else {
                out.write(c);
            }
        }
        out.write('"');
    }

    /** Bytes an unquoted word can hold: not a separator, quote, NUL, VT or FF (VT/FF lead a line). */
    private static boolean isPlain(final byte b) {
        return b != ' ' && b != '\t' && b != '\r' && b != '\n' && b != 0 && b != '"' && b != '\'' && b != 0x0b
                && b != '\f';
    }

    /** Single quotes cannot hold a line end or a NUL, and a final backslash would escape the closing quote. */
    private static boolean canSingleQuote(final byte[] a, final int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == '\n' || a[i] == 0) {
                return false;
            }
        }
        return a.length == from || a[a.length - 1] != '\\';
    }

    // ---- garbage -------------------------------------------------------------------------------

    @Test
    void shouldEndAnyGarbageInAKnownStateTheSameWayHoweverItIsChunked() {
        final List<Cut<byte[]>> edges = new ArrayList<>();
        for (final String s : new String[] {"", "*", "$", "\r", "\n", "\u0000", "\u00ff", "*-1\r\n", "*1\r\n$-1\r\n",
                "*1\r\n$", "\"", "'"}) {
            edges.add(new Cut<>(s.getBytes(StandardCharsets.ISO_8859_1), 0));
        }
        Props.forAll("garbage", 2964810398820447261L, 1000, edges, r -> new Cut<>(garbage(r), r.nextLong()), c -> {
            final byte[] bytes = c.input();
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                final Outcome whole = ParserDriver.feed(new RespParser(), bytes, new int[0]);
                assertTrue(whole.last() == RespParser.NEED_MORE || whole.last() == RespParser.ERROR);
                final Outcome chunked = ParserDriver.feed(new RespParser(), bytes, randomCuts(bytes.length, c.cutSeed()));
                assertEquals(whole.withoutArena(), chunked.withoutArena());
                final Outcome single = ParserDriver.byteByByte(bytes);
                assertEquals(whole.withoutArena(), single.withoutArena());
                assertArenaBounded(whole, bytes.length);
                assertArenaBounded(single, bytes.length);
            });
        });
    }

    private static final byte[] PROTOCOLISH = "*$\r\n0123456789-+ \"'\\x\t\u0000aZ\u00ff".getBytes(StandardCharsets.ISO_8859_1);
    private static final String[] LONG_LINE_HEADS = {"*", "*1\r\n$", "*1\r\n", "", "PING\u0000", "*1\u0000"};
    private static final byte[] LONG_LINE_FILLS = {'1', 'a', 0};
    private static final String[] LONG_LINE_TAILS = {"", "\r\n", "\n", "\r"};

    /** Byte soup 5, a mutated valid stream 5, a line past the 64 KB inline limit 1 in 11. */
    private static byte[] garbage(final SplittableRandom r) {
        return switch (Props.weighted(r, 5, 5, 1)) {
            // up to 400 bytes, 3 in 4 from the protocol's alphabet, else any byte
            case 0 -> Props.bytes(r, 0, 400,
                    b -> Props.weighted(b, 3, 1) == 0 ? Props.chooseByte(b, PROTOCOLISH) : Props.anyByte(b));
            case 1 -> mutate(encode(stream(r)), r);
            default -> longLine(r);
        };
    }

    private static byte[] longLine(final SplittableRandom r) {
        final byte[] h = Props.choose(r, LONG_LINE_HEADS).getBytes(StandardCharsets.ISO_8859_1);
        final int n = r.nextInt(65_000, 66_001);
        final byte fill = Props.chooseByte(r, LONG_LINE_FILLS);
        final byte[] t = Props.choose(r, LONG_LINE_TAILS).getBytes(StandardCharsets.ISO_8859_1);
        final byte[] b = new byte[h.length + n + t.length];
        System.arraycopy(h, 0, b, 0, h.length);
        Arrays.fill(b, h.length, h.length + n, fill);
        System.arraycopy(t, 0, b, h.length + n, t.length);
        return b;
    }

    /** Flips, inserts and deletes a few bytes of a valid stream. */
    private static byte[] mutate(final byte[] valid, final SplittableRandom rnd) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(valid.length + 8);
        final int edits = 1 + rnd.nextInt(4);
        final double p = Math.min(1.0, (double) edits / Math.max(1, valid.length));
        final byte[] interesting = "*$\r\n-09\u0000\"'".getBytes(StandardCharsets.ISO_8859_1);
        for (final byte b : valid) {
            if (rnd.nextDouble() < p) {
                switch (rnd.nextInt(3)) {
                    case 0 -> out.write(interesting[rnd.nextInt(interesting.length)]);
                    case 1 -> {
                        out.write(b);
                        out.write(interesting[rnd.nextInt(interesting.length)]);
                    }
                    default -> {
                        // deleted
                    }
                }
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    // ---- memory --------------------------------------------------------------------------------

    @Test
    void shouldGrowTheArenaWithTheBytesReceivedNotTheLengthDeclared() {
        final SplittableRandom fill = new SplittableRandom(1);
        final List<Cut<byte[]>> edges = List.of(
                new Cut<>(hugeDeclaration(0, 1 << 20, 0, fill), 0),
                new Cut<>(hugeDeclaration(3, 512 << 20, 20_000, fill), 0),
                new Cut<>(hugeDeclaration(0, 512 << 20, 1, fill), 1));
        Props.forAll("huge declarations", 6120977731259110404L, 200, edges,
                r -> new Cut<>(hugeDeclaration(r.nextInt(0, 4), r.nextInt(1 << 20, (512 << 20) + 1), r.nextInt(0, 20_001), r),
                        r.nextLong()),
                c -> {
                    final byte[] bytes = c.input();
                    final Outcome whole = ParserDriver.feed(new RespParser(), bytes, new int[0]);
                    assertEquals(RespParser.NEED_MORE, whole.last(), () -> "error " + whole.error());
                    assertArenaBounded(whole, bytes.length);
                    final Outcome chunked = ParserDriver.feed(new RespParser(), bytes, randomCuts(bytes.length, c.cutSeed()));
                    assertArenaBounded(chunked, bytes.length);
                });
    }

    /** {@code before} small arguments, then one declared {@code declared} bytes long of which {@code sent} arrive. */
    private static byte[] hugeDeclaration(final int before, final int declared, final int sent, final SplittableRandom r) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("*" + (before + 2) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < before; i++) {
            out.writeBytes("$3\r\nabc\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("$" + declared + "\r\n").getBytes(StandardCharsets.US_ASCII));
        final byte[] arrived = new byte[sent];
        r.nextBytes(arrived);
        out.writeBytes(arrived);
        return out.toByteArray();
    }

    /** The arena may double past what arrived, never more: 512 MB declared costs nothing. */
    private static void assertArenaBounded(final Outcome o, final int received) {
        final int bound = 2 * received + 1024;
        assertTrue(o.maxArenaBytes() <= bound, "arena grew to " + o.maxArenaBytes() + " after " + received + " bytes");
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** Ascending cut points with chunk sizes from 1 byte to a few KB. */
    private static int[] randomCuts(final int length, final long seed) {
        final Random rnd = new Random(seed);
        final List<Integer> cuts = new ArrayList<>();
        int pos = 0;
        while (true) {
            final int step = switch (rnd.nextInt(4)) {
                case 0 -> 1;
                case 1 -> 1 + rnd.nextInt(8);
                case 2 -> 1 + rnd.nextInt(100);
                default -> 1 + rnd.nextInt(5000);
            };
            pos += step;
            if (pos >= length) {
                break;
            }
            cuts.add(pos);
        }
        final int[] out = new int[cuts.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = cuts.get(i);
        }
        return out;
    }
}
