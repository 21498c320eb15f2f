package io.moon.server;

import io.moon.server.DifferentialTest.Family;
import io.moon.server.DifferentialTest.Weighted;
import io.moon.testkit.Props;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.moon.server.DifferentialTest.cmd;
import static io.moon.server.DifferentialTest.key;
import static io.moon.server.DifferentialTest.keys;
import static io.moon.server.DifferentialTest.mostly;
import static io.moon.server.DifferentialTest.word;

/**
 * The bitmap family of the differential test: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD
 * and BITFIELD_RO with valid and invalid arguments over the shared keys, so bitmaps meet the
 * strings the core family writes (int, embstr, raw values, read as their bytes), the other
 * types (WRONGTYPE), and BITOP crosses shards. Offsets stay below a few kilobytes (a write at
 * the 512 MB limit would allocate it on both servers); the limit itself is tried as an error.
 * Every reply is deterministic: compared exactly.
 */
final class BitmapDiff {
    private BitmapDiff() {
    }

    /** A bit offset: mostly near the start, sometimes a few KB out; invalid ones now and then. */
    private static String offset(final SplittableRandom r) {
        return mostly(r, new String[] {Integer.toString(r.nextInt(64)), Integer.toString(r.nextInt(400)),
                Integer.toString(r.nextInt(40_000))}, "-1", "abc", "4294967296", "#3", "1.5", "");
    }

    /** BITCOUNT/BITPOS range bounds, negative ones included. */
    private static String index(final SplittableRandom r) {
        return mostly(r, new String[] {Integer.toString(r.nextInt(-12, 12)), Integer.toString(r.nextInt(-100, 100)),
                "0", "-1"}, "abc", "9223372036854775807", "-9223372036854775808", "");
    }

    private static List<String> unit(final SplittableRandom r) {
        return switch (Props.weighted(r, 3, 3, 2, 1)) {
            case 0 -> List.of();
            case 1 -> List.of(word(r, "BIT"));
            case 2 -> List.of(word(r, "BYTE"));
            default -> List.of("BITS");
        };
    }

    private static List<String> bitcount(final SplittableRandom r) {
        return switch (Props.weighted(r, 2, 5, 1)) {
            case 0 -> cmd("BITCOUNT", key(r));
            case 1 -> cmd("BITCOUNT", key(r), index(r), index(r), unit(r));
            default -> cmd("BITCOUNT", key(r), index(r));
        };
    }

    private static List<String> bitpos(final SplittableRandom r) {
        final String bit = mostly(r, new String[] {"0", "1"}, "2", "-1", "x");
        return switch (Props.weighted(r, 2, 2, 4)) {
            case 0 -> cmd("BITPOS", key(r), bit);
            case 1 -> cmd("BITPOS", key(r), bit, index(r));
            default -> cmd("BITPOS", key(r), bit, index(r), index(r), unit(r));
        };
    }

    private static List<String> bitop(final SplittableRandom r) {
        final String op = mostly(r, new String[] {"AND", "or", "Xor", "NOT", "NOT"}, "NAND", "");
        final List<String> sources = op.equalsIgnoreCase("NOT") && Props.weighted(r, 5, 1) == 0
                ? List.of(key(r)) : keys(r, 4);
        return cmd("BITOP", op, key(r), sources);
    }

    /** A field type: mostly valid widths at the edges, now and then an invalid one. */
    private static String type(final SplittableRandom r) {
        return mostly(r, new String[] {"i" + (1 + r.nextInt(64)), "u" + (1 + r.nextInt(63)), "i8", "u8", "i64", "u63",
                "i1", "u1", "i16", "u4"}, "u64", "i65", "i0", "I8", "x8", "i", "i08", "");
    }

    /** A field offset: plain, or #n in units of the field's width. */
    private static String fieldOffset(final SplittableRandom r) {
        return Props.weighted(r, 5, 2) == 0 ? offset(r) : "#" + mostly(r, new String[] {
                Integer.toString(r.nextInt(20))}, "-1", "", "x");
    }

    /** A SET value or an increment: small, at the edges of the widths, or not a number. */
    private static String value(final SplittableRandom r) {
        return mostly(r, new String[] {Integer.toString(r.nextInt(-300, 300)), "127", "128", "-128", "-129", "255",
                "256", "-1", "9223372036854775807", "-9223372036854775808", "4611686018427387904"}, "abc", "1.5",
                "9223372036854775808");
    }

    private static List<String> bitfieldOps(final SplittableRandom r, final boolean readOnly) {
        final List<String> out = new ArrayList<>();
        final int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
            switch (Props.weighted(r, 4, readOnly ? 1 : 4, readOnly ? 0 : 4, readOnly ? 0 : 3, 1)) {
                case 0 -> out.addAll(cmd(word(r, "GET"), type(r), fieldOffset(r)));
                case 1 -> out.addAll(cmd(word(r, "SET"), type(r), fieldOffset(r), value(r)));
                case 2 -> out.addAll(cmd(word(r, "INCRBY"), type(r), fieldOffset(r), value(r)));
                case 3 -> out.addAll(cmd(word(r, "OVERFLOW"), mostly(r, new String[] {"WRAP", "sat", "Fail"}, "FOO")));
                default -> out.add(Props.choose(r, "FOO", "GET", "OVERFLOW"));
            }
        }
        return out;
    }

    private static final List<Weighted> COMMANDS = List.of(
            new Weighted(6, r -> cmd("SETBIT", key(r), offset(r), mostly(r, new String[] {"0", "1"}, "2", "-1", "x"))),
            new Weighted(4, r -> cmd("GETBIT", key(r), offset(r))),
            new Weighted(4, BitmapDiff::bitcount),
            new Weighted(5, BitmapDiff::bitpos),
            new Weighted(5, BitmapDiff::bitop),
            new Weighted(6, r -> cmd("BITFIELD", key(r), bitfieldOps(r, false))),
            new Weighted(2, r -> cmd("BITFIELD_RO", key(r), bitfieldOps(r, true))),
            new Weighted(2, r -> cmd("GET", key(r))),
            new Weighted(2, r -> cmd("STRLEN", key(r))),
            new Weighted(1, r -> cmd("OBJECT", "ENCODING", key(r))));

    static final Family FAMILY = new Family("bitmaps", 5, COMMANDS, null, List.of());
}
