package io.moon.server;

import io.moon.server.DifferentialTest.Family;
import io.moon.server.DifferentialTest.Weighted;
import io.moon.testkit.Props;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.moon.server.DifferentialTest.cmd;
import static io.moon.server.DifferentialTest.key;

/**
 * The HyperLogLog family of the differential test: PFADD of a few elements or of batches that
 * turn the value dense, PFCOUNT of one key and of several (across shards), PFMERGE across shards,
 * PFDEBUG, and GET of the raw bytes, so every sparse split, join and promotion and every cached
 * count must leave the same string as Redis's. Values that look like HLLs but are not (the magic
 * with a bad encoding or length, a sparse value with a register run past the end) hit the error
 * paths; the other families' keys hit WRONGTYPE. Every reply is compared exactly.
 */
final class HllDiff {
    private HllDiff() {
    }

    private static String element(final SplittableRandom r) {
        return Props.weighted(r, 6, 1) == 0 ? "e" + r.nextInt(300) : Props.choose(r, "", "a", "0", "x".repeat(70));
    }

    /** Mostly one to four elements; now and then none, or a batch of a few hundred to a few thousand. */
    private static List<String> elements(final SplittableRandom r) {
        return switch (Props.weighted(r, 12, 1, 2)) {
            case 0 -> Props.listOf(r, 1, 4, HllDiff::element);
            case 1 -> List.of();
            default -> {
                final List<String> out = new ArrayList<>();
                final int base = r.nextInt(100_000);
                for (int i = 0, n = Props.choose(r, 150, 600, 2500); i < n; i++) {
                    out.add("b" + (base + i));
                }
                yield out;
            }
        };
    }

    /** Strings that are almost HLLs: Redis's checks must refuse or accept them alike. */
    private static String fake(final SplittableRandom r) {
        final String header = "HYLL" + Props.choose(r, "\u0001", "\u0000", "\u0002") + "\u0000\u0000\u0000"
                + "\u0000\u0000\u0000\u0000\u0000\u0000\u0000" + Props.choose(r, "\u0000", "\u0080");
        return header + Props.choose(r, "", "\u007f\u00ff", "\u007f\u00ff\u00ff", "\u0000", "\u007f\u00fb\u0083",
                "\u0083\u007f\u00fb");
    }

    private static final List<Weighted> COMMANDS = List.of(
            new Weighted(10, r -> cmd(Props.choose(r, "PFADD", "pfadd"), key(r), elements(r))),
            new Weighted(5, r -> cmd("PFCOUNT", key(r))),
            new Weighted(4, r -> cmd("PFCOUNT", Props.listOf(r, 2, 4, DifferentialTest::key))),
            new Weighted(4, r -> cmd("PFMERGE", key(r), Props.listOf(r, 0, 3, DifferentialTest::key))),
            new Weighted(5, r -> cmd("GET", key(r))),
            new Weighted(2, r -> cmd("PFDEBUG", Props.choose(r, "ENCODING", "DECODE", "TODENSE", "decode", "GETREG",
                    "NOPE"), key(r))),
            new Weighted(1, r -> cmd("SET", key(r), fake(r))),
            new Weighted(1, r -> cmd("STRLEN", key(r))));

    static final Family FAMILY = new Family("hyperloglog", 4, COMMANDS, null, List.of());
}
