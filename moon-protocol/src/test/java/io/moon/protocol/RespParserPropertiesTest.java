package io.moon.protocol;

import io.moon.protocol.ParserDriver.Outcome;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of {@link RespParser} over generated streams. Seeds are fixed so CI is
 * deterministic; jqwik prints the seed of every property it runs, and a failure report names
 * the sample, so a run with another seed (change it here) can always be replayed.
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
                sb.append(a.length > 64 ? "<" + a.length + " bytes>" : new String(a, StandardCharsets.ISO_8859_1)).append('|');
            }
            return sb.append(']').toString();
        }
    }

    // ---- valid streams -------------------------------------------------------------------------

    @Property(tries = 300, seed = "8512377016420397001")
    void shouldParseAValidStreamToTheSameCommandsHoweverItIsChunked(
            @ForAll("streams") final List<Cmd> stream, @ForAll final long cutSeed) {
        final byte[] bytes = encode(stream);
        final List<List<String>> expected = expectedCommands(stream);

        final Outcome whole = ParserDriver.feed(new RespParser(), bytes, new int[0]);
        assertEquals(RespParser.NEED_MORE, whole.last(), () -> "error " + whole.error());
        assertEquals(expected, whole.commands());

        final Outcome chunked = ParserDriver.feed(new RespParser(), bytes, randomCuts(bytes.length, cutSeed));
        assertEquals(whole.withoutArena(), chunked.withoutArena());

        final Outcome single = ParserDriver.byteByByte(bytes);
        assertEquals(whole.withoutArena(), single.withoutArena());
    }

    @Provide
    Arbitrary<List<Cmd>> streams() {
        final Arbitrary<Byte> special = Arbitraries.of((byte) '\r', (byte) '\n', (byte) 0, (byte) '*', (byte) '$',
                (byte) ' ', (byte) '"', (byte) '\'', (byte) '\\', (byte) '\t', (byte) 0x0b, (byte) '\f', (byte) 7,
                (byte) 8, (byte) 'x', (byte) 'a', (byte) 0x80, (byte) 0xff);
        final Arbitrary<Byte> oneByte = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.bytes()), Tuple.of(2, special));
        final Arbitrary<byte[]> small = oneByte.array(byte[].class).ofMaxSize(24);
        // big arguments are filled from a seed: generating 70 000 boxed bytes per try is slow
        final Arbitrary<byte[]> big = Combinators.combine(Arbitraries.integers().between(1_000, 80_000), Arbitraries.longs())
                .as(RespParserPropertiesTest::randomBytes);
        final Arbitrary<byte[]> anyArg = Arbitraries.frequencyOf(Tuple.of(40, small), Tuple.of(1, big));
        final Arbitrary<Cmd> multibulk = Combinators.combine(anyArg.list().ofMinSize(1).ofMaxSize(8), Arbitraries.longs())
                .as((args, seed) -> new Cmd(MULTIBULK, args, seed));
        final Arbitrary<Cmd> inline = Combinators.combine(small.list().ofMinSize(1).ofMaxSize(8), Arbitraries.longs())
                .as((args, seed) -> new Cmd(INLINE, args, seed));
        final Arbitrary<Cmd> empty = Arbitraries.longs().map(seed -> new Cmd(EMPTY, List.of(), seed));
        return Arbitraries.frequencyOf(Tuple.of(5, multibulk), Tuple.of(4, inline), Tuple.of(1, empty))
                .list().ofMaxSize(12);
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

    @Property(tries = 1000, seed = "2964810398820447261")
    void shouldEndAnyGarbageInAKnownStateTheSameWayHoweverItIsChunked(
            @ForAll("garbage") final byte[] bytes, @ForAll final long cutSeed) {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            final Outcome whole = ParserDriver.feed(new RespParser(), bytes, new int[0]);
            assertTrue(whole.last() == RespParser.NEED_MORE || whole.last() == RespParser.ERROR);
            final Outcome chunked = ParserDriver.feed(new RespParser(), bytes, randomCuts(bytes.length, cutSeed));
            assertEquals(whole.withoutArena(), chunked.withoutArena());
            final Outcome single = ParserDriver.byteByByte(bytes);
            assertEquals(whole.withoutArena(), single.withoutArena());
            assertArenaBounded(whole, bytes.length);
            assertArenaBounded(single, bytes.length);
        });
    }

    @Provide
    Arbitrary<byte[]> garbage() {
        final byte[] alphabet = "*$\r\n0123456789-+ \"'\\x\t\u0000aZ\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        final Arbitrary<Byte> protocolish = Arbitraries.integers().between(0, alphabet.length - 1).map(i -> alphabet[i]);
        final Arbitrary<byte[]> soup = Arbitraries.frequencyOf(Tuple.of(3, protocolish), Tuple.of(1, Arbitraries.bytes()))
                .array(byte[].class).ofMaxSize(400);
        final Arbitrary<byte[]> mutated = Combinators.combine(streams(), Arbitraries.longs())
                .as((stream, seed) -> mutate(encode(stream), new Random(seed)));
        final Arbitrary<byte[]> longLines = Combinators.combine(
                        Arbitraries.of("*", "*1\r\n$", "*1\r\n", "", "PING\u0000", "*1\u0000"),
                        Arbitraries.integers().between(65_000, 66_000),
                        Arbitraries.of((byte) '1', (byte) 'a', (byte) 0),
                        Arbitraries.of("", "\r\n", "\n", "\r"))
                .as((head, n, fill, tail) -> {
                    final byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
                    final byte[] t = tail.getBytes(StandardCharsets.ISO_8859_1);
                    final byte[] b = new byte[h.length + n + t.length];
                    System.arraycopy(h, 0, b, 0, h.length);
                    java.util.Arrays.fill(b, h.length, h.length + n, fill);
                    System.arraycopy(t, 0, b, h.length + n, t.length);
                    return b;
                });
        return Arbitraries.frequencyOf(Tuple.of(5, soup), Tuple.of(5, mutated), Tuple.of(1, longLines));
    }

    /** Flips, inserts and deletes a few bytes of a valid stream. */
    private static byte[] mutate(final byte[] valid, final Random rnd) {
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

    @Property(tries = 200, seed = "6120977731259110404")
    void shouldGrowTheArenaWithTheBytesReceivedNotTheLengthDeclared(
            @ForAll("hugeDeclarations") final byte[] bytes, @ForAll final long cutSeed) {
        final Outcome whole = ParserDriver.feed(new RespParser(), bytes, new int[0]);
        assertEquals(RespParser.NEED_MORE, whole.last(), () -> "error " + whole.error());
        assertArenaBounded(whole, bytes.length);
        final Outcome chunked = ParserDriver.feed(new RespParser(), bytes, randomCuts(bytes.length, cutSeed));
        assertArenaBounded(chunked, bytes.length);
    }

    @Provide
    Arbitrary<byte[]> hugeDeclarations() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 3),
                        Arbitraries.integers().between(1 << 20, 512 << 20),
                        Arbitraries.integers().between(0, 20_000),
                        Arbitraries.longs())
                .as((before, declared, sent, seed) -> {
                    final ByteArrayOutputStream out = new ByteArrayOutputStream();
                    out.writeBytes(("*" + (before + 2) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < before; i++) {
                        out.writeBytes("$3\r\nabc\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.writeBytes(("$" + declared + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.writeBytes(randomBytes(sent, seed));
                    return out.toByteArray();
                });
    }

    /** The arena may double past what arrived, never more: 512 MB declared costs nothing. */
    private static void assertArenaBounded(final Outcome o, final int received) {
        final int bound = 2 * received + 1024;
        assertTrue(o.maxArenaBytes() <= bound, "arena grew to " + o.maxArenaBytes() + " after " + received + " bytes");
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static byte[] randomBytes(final int n, final long seed) {
        final byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

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
