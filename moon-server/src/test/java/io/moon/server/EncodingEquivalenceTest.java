package io.moon.server;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.Resp;
import io.moon.server.testing.TestServer;
import io.moon.testkit.Props;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

/**
 * Packed and full encodings answer every command identically. Two Moon servers run the same
 * random command sequences (the differential test's generators, every family): one with Redis's
 * default thresholds, so small collections stay packed (listpack, intset), and one whose
 * thresholds force every collection into its full structure (quicklist, hash table, skiplist)
 * from its first element. Their replies must agree, except where an encoding is the answer
 * (OBJECT ENCODING, MEMORY USAGE) or where iteration order is a property of the encoding (the
 * families' comparisons already treat such replies as unordered, as they do against Redis).
 *
 * <p>Conversions at the thresholds are exercised too: the generators' values cross the default
 * limits, so collections on the first server convert mid-sequence and must keep answering like
 * the second.
 */
class EncodingEquivalenceTest {
    private static final long SEED = 0x656E636F64696E67L;
    private static final int TRIES = 600;

    private static TestServer packed;
    private static TestServer full;
    private static RawClient p;
    private static RawClient f;

    @BeforeAll
    static void start() throws IOException {
        packed = TestServer.start(3);
        full = TestServer.start(3, "list-max-listpack-size", "1", "hash-max-listpack-entries", "0",
                "set-max-intset-entries", "0", "set-max-listpack-entries", "0", "zset-max-listpack-entries", "0");
        p = new RawClient(packed.port);
        f = new RawClient(full.port);
        // keys past their expiry then leave only through the same lazy paths on both (DBSIZE)
        for (final RawClient c : List.of(p, f)) {
            c.run("DEBUG", "SET-ACTIVE-EXPIRE", "0");
        }
    }

    @AfterAll
    static void stop() throws IOException {
        for (final AutoCloseable c : new AutoCloseable[] {p, f}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (final Exception e) {
                throw new IOException(e);
            }
        }
        if (packed != null) {
            packed.close();
        }
        if (full != null) {
            full.close();
        }
    }

    /**
     * Commands not run: their reply is the encoding or the table layout, or they visit keys by
     * table position (SCAN, RANDOMKEY), which differs between servers (each draws its own hash
     * seed) and would expire different keys lazily on each.
     */
    private static boolean skipped(final List<String> cmd) {
        return DifferentialTest.is(cmd, "OBJECT") || DifferentialTest.is(cmd, "MEMORY") || DifferentialTest.is(cmd, "SCAN")
                || DifferentialTest.is(cmd, "RANDOMKEY") || DifferentialTest.is(cmd, "DEBUG");
    }

    @Test
    void shouldAnswerAlikeInPackedAndFullEncodings() {
        Props.forAll("packed and full encodings agree", SEED, TRIES,
                r -> Props.listOf(r, 10, 40, DifferentialTest::command),
                commands -> {
                    for (final RawClient c : List.of(p, f)) {
                        c.run("FLUSHALL");
                        c.run("SELECT", "0");
                    }
                    final StringBuilder log = new StringBuilder();
                    for (int i = 0; i < commands.size(); i++) {
                        final List<String> cmd = commands.get(i);
                        if (skipped(cmd)) {
                            continue;
                        }
                        final String[] args = cmd.toArray(new String[0]);
                        final Object a = p.run(args);
                        final Object b = f.run(args);
                        log.append(i).append(' ').append(cmd).append("\n   packed: ").append(a)
                                .append("\n   full:   ").append(b).append('\n');
                        if (DifferentialTest.is(cmd, "TTL") || DifferentialTest.is(cmd, "PTTL")
                                || DifferentialTest.is(cmd, "EXPIRETIME") || DifferentialTest.is(cmd, "PEXPIRETIME")) {
                            continue;
                        }
                        if (DifferentialTest.is(cmd, "KEYS") && a instanceof java.util.Collection<?> ka
                                && b instanceof java.util.Collection<?> kb) {
                            // in table order, and each server draws its own hash seed: the same keys are the point
                            if (!DifferentialTest.sorted(ka).equals(DifferentialTest.sorted(kb))) {
                                throw new AssertionError("packed and full encodings differ at command " + i
                                        + " (KEYS sets differ):\n" + log);
                            }
                            continue;
                        }
                        final String why = DifferentialTest.compareFamilies(cmd, a, b, p, f);
                        if (why != null && !(a instanceof Resp.Err && a.equals(b))) {
                            throw new AssertionError("packed and full encodings differ at command " + i + " (" + why
                                    + "):\n" + log);
                        }
                    }
                });
    }
}
