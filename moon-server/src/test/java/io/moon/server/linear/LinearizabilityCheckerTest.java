package io.moon.server.linear;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checker on histories whose verdict is known. */
class LinearizabilityCheckerTest {
    private static Recorded write(final long from, final long to, final int k, final long v) {
        return new Recorded(from, to, "set " + k + " " + v, s -> {
            final long[] n = s.clone();
            n[k] = v;
            return n;
        });
    }

    private static Recorded read(final long from, final long to, final int k, final long v) {
        return new Recorded(from, to, "get " + k + " -> " + v, s -> s[k] == v ? s : null);
    }

    /** Reads both registers at once (a transaction): sees {@code va} and {@code vb}. */
    private static Recorded read2(final long from, final long to, final long va, final long vb) {
        return new Recorded(from, to, "get2 -> " + va + "," + vb, s -> s[0] == va && s[1] == vb ? s : null);
    }

    private static Recorded transfer(final long from, final long to, final long amount) {
        return new Recorded(from, to, "transfer " + amount, s -> {
            final long[] n = s.clone();
            n[0] -= amount;
            n[1] += amount;
            return n;
        });
    }

    @Test
    void shouldAcceptASequentialHistory() {
        final List<Recorded> h = List.of(write(0, 1, 0, 5), read(2, 3, 0, 5), write(4, 5, 0, 7), read(6, 7, 0, 7));
        assertEquals(List.of(0, 1, 2, 3), Linearizability.witness(h, new long[2]));
    }

    @Test
    void shouldAcceptAReadOverlappingAWriteSeeingEitherValue() {
        assertTrue(Linearizability.check(List.of(write(0, 10, 0, 1), read(2, 5, 0, 1)), new long[2]));
        assertTrue(Linearizability.check(List.of(write(0, 10, 0, 1), read(2, 5, 0, 0)), new long[2]));
    }

    @Test
    void shouldOrderOverlappingOperationsAgainstTheirRecordedOrder() {
        // the read was invoked first but must go after the write to explain its value
        final List<Recorded> h = List.of(read(0, 10, 0, 1), write(1, 3, 0, 1));
        assertEquals(List.of(1, 0), Linearizability.witness(h, new long[2]));
    }

    @Test
    void shouldRejectAReadOfAValueWrittenAfterItCompleted() {
        assertFalse(Linearizability.check(List.of(read(0, 1, 0, 1), write(2, 3, 0, 1)), new long[2]));
    }

    @Test
    void shouldRejectAStaleReadAfterAWriteCompleted() {
        assertFalse(Linearizability.check(List.of(write(0, 1, 0, 1), read(2, 3, 0, 0)), new long[2]));
    }

    @Test
    void shouldRejectANewValueSeenThenTheOldOneByALaterRead() {
        // both reads overlap the write, but the second starts after the first saw the new value
        final List<Recorded> h = List.of(write(0, 100, 0, 1), read(10, 20, 0, 1), read(30, 40, 0, 0));
        assertFalse(Linearizability.check(h, new long[2]));
    }

    @Test
    void shouldRejectAHalfDoneTransfer() {
        final List<Recorded> half = List.of(transfer(0, 100, 10), read2(10, 20, 90, 100));
        assertFalse(Linearizability.check(half, new long[] {100, 100}));
        final List<Recorded> whole = List.of(transfer(0, 100, 10), read2(10, 20, 90, 110));
        assertTrue(Linearizability.check(whole, new long[] {100, 100}));
    }

    @Test
    void shouldRejectATransferThatSeesAnotherConcurrentTwice() {
        // two concurrent transfers; a later read shows only one of them took effect
        final List<Recorded> h = List.of(transfer(0, 10, 5), transfer(0, 10, 7), read2(20, 30, 95, 105));
        assertFalse(Linearizability.check(h, new long[] {100, 100}));
    }

    /** Random sequential histories are linearizable; spoiling one read's value makes them not. */
    @Test
    void shouldJudgeRandomHistoriesByTheirOutputs() {
        final SplittableRandom r = new SplittableRandom(7);
        for (int round = 0; round < 200; round++) {
            final List<Recorded> h = new ArrayList<>();
            final long[] s = new long[3];
            long t = 0;
            int lastRead = -1;
            final int n = 10 + r.nextInt(40);
            for (int i = 0; i < n; i++) {
                final int k = r.nextInt(3);
                final long from = t;
                final long to = t + 1 + r.nextInt(3);
                if (r.nextBoolean()) {
                    final long v = r.nextLong(1, 1_000_000);
                    h.add(write(from, to, k, v));
                    s[k] = v;
                } else {
                    lastRead = h.size();
                    h.add(read(from, to, k, s[k]));
                }
                t = Math.max(t, to + 1);
            }
            assertNotNull(Linearizability.witness(h, new long[3]), "round " + round);
            if (lastRead >= 0) {
                final Recorded old = h.get(lastRead);
                final String[] parts = old.what().split(" ");
                final int k = Integer.parseInt(parts[1]);
                h.set(lastRead, read(old.invoke(), old.complete(), k, -1));
                assertFalse(Linearizability.check(h, new long[3]), "spoiled round " + round);
            }
        }
    }
}
