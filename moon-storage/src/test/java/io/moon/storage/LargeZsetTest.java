package io.moon.storage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sorted set of one million members keeps Redis's complexity: ZRANK and ZRANGE by rank in the
 * middle in O(log N) (+M), ZSCORE in O(1). Timings are printed, not asserted (machines differ);
 * the test checks the answers and that it finishes.
 */
class LargeZsetTest {
    private static final int N = 1_000_000;

    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldKeepLogarithmicRanksAndRangesAtAMillionMembers() {
        final Db db = new Keyspace(1, 1).db(0);
        final byte[] k = b("big");
        final long h = Db.hash(k, 0, k.length);
        final ZsetScratch s = ZsetScratch.get();
        long a = Zsets.create(db, k, 0, k.length, h, N, 8, 128, 64);
        long t0 = System.nanoTime();
        for (int i = 0; i < N; i++) {
            final byte[] m = b("m" + i);
            Zsets.add(db, a, h, m, 0, m.length, (i * 7919L) % N, 0, 128, 64, s);
            a = s.addr;
        }
        final long buildMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(N, Zsets.card(db, a));

        final int ops = 100_000;
        final byte[][] probes = new byte[ops][];
        for (int i = 0; i < ops; i++) {
            probes[i] = b("m" + ((i * 104_729L) % N));
        }
        t0 = System.nanoTime();
        long sum = 0;
        for (int i = 0; i < ops; i++) {
            sum += Zsets.rank(db, a, probes[i], 0, probes[i].length, false, s);
        }
        final double rankNs = (System.nanoTime() - t0) / (double) ops;
        assertTrue(sum > 0);

        t0 = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            sum += (long) Zsets.score(db, a, probes[i], 0, probes[i].length);
        }
        final double scoreNs = (System.nanoTime() - t0) / (double) ops;

        final ZCursor c = new ZCursor();
        t0 = System.nanoTime();
        for (int i = 0; i < ops / 10; i++) {
            Zsets.seekRank(db, a, N / 2 + i, false, c);
            for (int j = 0; j < 10; j++, c.next()) {
                sum += c.len();
            }
        }
        final double rangeNs = (System.nanoTime() - t0) / (double) (ops / 10);
        Zsets.seekRank(db, a, N / 2, false, c);
        assertEquals(N / 2.0, c.score(), 0.0, "scores are a permutation of 0..N-1");

        t0 = System.nanoTime();
        final ScoreRange r = new ScoreRange().set(N / 4.0, false, N / 4.0 + 100, false);
        for (int i = 0; i < ops / 10; i++) {
            sum += Zsets.count(db, a, r);
        }
        final double countNs = (System.nanoTime() - t0) / (double) (ops / 10);
        assertEquals(101, Zsets.count(db, a, r));
        System.out.printf("1M-member sorted set: build %d ms; ZRANK %.0f ns; ZSCORE %.0f ns; ZRANGE of 10 at rank"
                        + " N/2 %.0f ns; ZCOUNT %.0f ns; %d MB by memoryBytes%n", buildMs, rankNs, scoreNs, rangeNs,
                countNs, db.object(a).memoryBytes() >> 20);
    }
}
