package io.moon.protocol;

import io.moon.testkit.Props;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link RespPeek}: where the second argument of each whole pipelined command lies, and nothing past a window. */
class RespPeekTest {
    private static final int MAX = 16;

    /** A stream of commands and where it is cut. */
    record Sample(List<List<byte[]>> cmds, int cut) {
        @Override
        public String toString() {
            final StringBuilder sb = new StringBuilder();
            for (final List<byte[]> c : cmds) {
                sb.append('[');
                for (final byte[] a : c) {
                    sb.append(Props.describe(a)).append('|');
                }
                sb.append(']');
            }
            return sb.append(" cut at ").append(cut).toString();
        }
    }

    private static byte[] encode(final List<List<byte[]>> cmds, final List<int[]> seconds) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final List<byte[]> c : cmds) {
            out.writeBytes(("*" + c.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
            int[] second = {-1, -1, 0};
            for (int i = 0; i < c.size(); i++) {
                final byte[] a = c.get(i);
                out.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                if (i == 1) {
                    second = new int[] {out.size(), a.length, 0};
                }
                out.writeBytes(a);
                out.writeBytes(new byte[] {'\r', '\n'});
            }
            second[2] = out.size(); // where the command ends
            seconds.add(second);
        }
        return out.toByteArray();
    }

    private static List<List<byte[]>> commands(final SplittableRandom r) {
        final List<List<byte[]>> cmds = new ArrayList<>();
        final int n = r.nextInt(0, 24);
        for (int i = 0; i < n; i++) {
            final List<byte[]> c = new ArrayList<>();
            final int argc = r.nextInt(1, 6);
            for (int j = 0; j < argc; j++) {
                // bytes of every kind, line ends and digits included: lengths are what delimit
                c.add(Props.bytes(r, r.nextInt(4) == 0 ? 80 : 16));
            }
            cmds.add(c);
        }
        return cmds;
    }

    @Test
    void shouldFindTheSecondArgumentOfEveryWholeCommandBeforeTheCut() {
        final List<Sample> edges = List.of(
                new Sample(List.of(), 0),
                new Sample(List.of(List.of("GET".getBytes(StandardCharsets.US_ASCII), "k".getBytes(StandardCharsets.US_ASCII))), 17),
                new Sample(List.of(List.of("PING".getBytes(StandardCharsets.US_ASCII))), 14),
                new Sample(List.of(List.of("GET".getBytes(StandardCharsets.US_ASCII), new byte[0])), 16));
        Props.forAll("peek at whole commands", 6_217_004_981L, 500, edges, r -> {
            final List<List<byte[]>> cmds = commands(r);
            final int total = encode(cmds, new ArrayList<>()).length;
            return new Sample(cmds, total == 0 ? 0 : r.nextInt(total + 1));
        }, s -> {
            final List<int[]> seconds = new ArrayList<>();
            final byte[] all = encode(s.cmds(), seconds);
            // the window holds the first `cut` bytes; what lies beyond must not matter
            final byte[] b = Arrays.copyOf(all, all.length + 8);
            Arrays.fill(b, s.cut(), b.length, (byte) '*');
            final int[] offs = new int[MAX];
            final int[] lens = new int[MAX];
            final int found = RespPeek.secondArgs(b, s.cut(), offs, lens, MAX);
            int whole = 0;
            while (whole < seconds.size() && seconds.get(whole)[2] <= s.cut()) {
                whole++;
            }
            assertEquals(Math.min(whole, MAX), found, "commands found");
            for (int i = 0; i < found; i++) {
                assertEquals(seconds.get(i)[0], offs[i], "offset of command " + i);
                assertEquals(seconds.get(i)[1], lens[i], "length of command " + i);
            }
        });
    }

    @Test
    void shouldStopAtWhatIsNotAPlainMultibulkCommand() {
        final int[] offs = new int[MAX];
        final int[] lens = new int[MAX];
        final byte[] get = "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n".getBytes(StandardCharsets.US_ASCII);
        for (final String tail : new String[] {"GET k\r\n", "*0\r\n", "*-1\r\n", "*2\r\n:3\r\n", "*1\r$1\r\na\r\n",
                "*99999999999\r\n", "*1\r\n$-1\r\n", "*1\r\n$\r\nx\r\n"}) {
            final byte[] b = (new String(get, StandardCharsets.US_ASCII) + tail + new String(get, StandardCharsets.US_ASCII))
                    .getBytes(StandardCharsets.US_ASCII);
            assertEquals(1, RespPeek.secondArgs(b, b.length, offs, lens, MAX), tail);
            assertArrayEquals("k".getBytes(StandardCharsets.US_ASCII), Arrays.copyOfRange(b, offs[0], offs[0] + lens[0]));
        }
    }

    @Test
    void shouldNeverReadPastTheWindowOrFailOnNoise() {
        Props.forAll("peek at noise", 90_031_174L, 2_000, r -> Props.bytesOver(r, "*$\r\n0123456789ab", 200), b -> {
            final int[] offs = new int[MAX];
            final int[] lens = new int[MAX];
            final int found = RespPeek.secondArgs(b, b.length, offs, lens, MAX);
            assertTrue(found >= 0 && found <= MAX);
            for (int i = 0; i < found; i++) {
                assertTrue(lens[i] == -1 || (offs[i] >= 0 && offs[i] + lens[i] <= b.length), "argument in the window");
            }
        });
    }
}
