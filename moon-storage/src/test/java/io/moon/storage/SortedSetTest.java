package io.moon.storage;

import io.moon.testkit.Props;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SortedSet} against a sorted model under random edits: order, ranks in both directions,
 * spans ({@link SortedSet#check()}), score and lex ranges, range removals, copies and the ZSCAN
 * cursor's guarantee across resizes.
 */
class SortedSetTest {
    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Model: member (as a String, one char per byte) to score, ordered as the set orders them. */
    private static List<Map.Entry<String, Double>> sorted(final Map<String, Double> m) {
        final List<Map.Entry<String, Double>> l = new ArrayList<>(m.entrySet());
        l.sort((x, y) -> {
            final int c = Double.compare(x.getValue() + 0.0, y.getValue() + 0.0);
            return c != 0 ? c : Arrays.compareUnsigned(b(x.getKey()), b(y.getKey()));
        });
        return l;
    }

    private static String member(final SplittableRandom r) {
        return new String(Props.bytesOver(r, "abc", 3), StandardCharsets.ISO_8859_1);
    }

    private static double score(final SplittableRandom r) {
        return switch (r.nextInt(6)) {
            case 0 -> Double.POSITIVE_INFINITY;
            case 1 -> Double.NEGATIVE_INFINITY;
            case 2 -> r.nextDouble() * 10;
            default -> r.nextInt(5);
        };
    }

    private static void assertSameAs(final Map<String, Double> model, final SortedSet z) {
        z.check();
        final List<Map.Entry<String, Double>> l = sorted(model);
        assertEquals(l.size(), z.size());
        SortedSet.Node n = z.first();
        for (int i = 0; i < l.size(); i++, n = n.next()) {
            assertEquals(l.get(i).getKey(), new String(n.member(), StandardCharsets.ISO_8859_1), "at " + i);
            assertEquals(l.get(i).getValue(), n.score(), 0.0);
        }
        assertNull(n);
    }

    @Test
    void shouldMatchASortedModelUnderRandomEdits() {
        Props.forAll("skiplist vs model", 300, r -> r.nextLong(), seed -> {
            final SplittableRandom r = new SplittableRandom(seed);
            final SortedSet z = new SortedSet();
            final Map<String, Double> model = new HashMap<>();
            for (int op = 0; op < 200; op++) {
                final String m = member(r);
                final byte[] mb = b(m);
                switch (r.nextInt(5)) {
                    case 0, 1 -> {
                        final double s = score(r);
                        final SortedSet.Node x = z.get(mb, 0, mb.length);
                        if (x == null) {
                            z.add(mb, 0, mb.length, s);
                        } else {
                            z.setScore(x, s);
                        }
                        model.put(m, s);
                    }
                    case 2 -> assertEquals(model.remove(m) != null, z.remove(mb, 0, mb.length));
                    case 3 -> {
                        final ScoreRange range = new ScoreRange().set(score(r), r.nextBoolean(), score(r), r.nextBoolean());
                        final long removed = z.removeRange(range);
                        final int before = model.size();
                        model.values().removeIf(range::contains);
                        assertEquals(before - model.size(), removed);
                    }
                    default -> {
                        if (!model.isEmpty()) {
                            final long start = r.nextInt(model.size());
                            final long end = Math.min(model.size() - 1, start + r.nextInt(3));
                            final List<Map.Entry<String, Double>> l = sorted(model);
                            for (long i = start; i <= end; i++) {
                                model.remove(l.get((int) i).getKey());
                            }
                            assertEquals(end - start + 1, z.removeRangeByRank(start, end));
                        }
                    }
                }
                if (op % 20 == 0) {
                    assertSameAs(model, z);
                }
            }
            assertSameAs(model, z);
            final SortedSet c = z.copy();
            assertSameAs(model, c);
            c.add(b("zzz"), 0, 3, 1);
            assertEquals(model.size(), z.size(), "a copy shares nothing mutable");
        });
    }

    @Test
    void shouldFindScoreAndLexRangesLikeAWalk() {
        Props.forAll("skiplist ranges", 300, r -> r.nextLong(), seed -> {
            final SplittableRandom r = new SplittableRandom(seed);
            final SortedSet z = new SortedSet();
            final Map<String, Double> model = new HashMap<>();
            final boolean sameScore = r.nextBoolean();
            for (int i = r.nextInt(40); i > 0; i--) {
                final String m = member(r);
                if (!model.containsKey(m)) {
                    final double s = sameScore ? 0 : score(r);
                    z.add(b(m), 0, m.length(), s);
                    model.put(m, s);
                }
            }
            final List<Map.Entry<String, Double>> l = sorted(model);
            final ScoreRange range = new ScoreRange().set(score(r), r.nextBoolean(), score(r), r.nextBoolean());
            final List<String> inRange = new ArrayList<>();
            for (final Map.Entry<String, Double> e : l) {
                if (range.contains(e.getValue())) {
                    inRange.add(e.getKey());
                }
            }
            final SortedSet.Node first = z.firstInRange(range);
            final SortedSet.Node last = z.lastInRange(range);
            if (inRange.isEmpty()) {
                assertNull(first);
                assertNull(last);
            } else {
                assertEquals(inRange.get(0), new String(first.member(), StandardCharsets.ISO_8859_1));
                assertEquals(inRange.get(inRange.size() - 1), new String(last.member(), StandardCharsets.ISO_8859_1));
                assertEquals(inRange.size() - 1, z.rank(last) - z.rank(first));
            }
            if (sameScore) {
                final LexRange lex = new LexRange();
                final byte[] min = b(Props.choose(r, "-", "+", "[", "(") + member(r));
                final byte[] max = b(Props.choose(r, "-", "+", "[", "(") + member(r));
                final byte[] args = new byte[min.length + max.length];
                System.arraycopy(min, 0, args, 0, min.length);
                System.arraycopy(max, 0, args, min.length, max.length);
                final int minLen = min[0] == '-' || min[0] == '+' ? 1 : min.length;
                final int maxOff = min.length;
                final int maxLen = max[0] == '-' || max[0] == '+' ? 1 : max.length;
                assertTrue(lex.parse(args, 0, minLen, maxOff, maxLen));
                final List<String> inLex = new ArrayList<>();
                for (final Map.Entry<String, Double> e : l) {
                    final byte[] m = b(e.getKey());
                    if (lex.contains(m, 0, m.length)) {
                        inLex.add(e.getKey());
                    }
                }
                final SortedSet.Node lf = z.firstInRange(lex);
                final SortedSet.Node ll = z.lastInRange(lex);
                if (inLex.isEmpty()) {
                    assertNull(lf);
                    assertNull(ll);
                } else {
                    assertEquals(inLex.get(0), new String(lf.member(), StandardCharsets.ISO_8859_1));
                    assertEquals(inLex.get(inLex.size() - 1), new String(ll.member(), StandardCharsets.ISO_8859_1));
                }
                assertEquals(inLex.size(), z.removeRange(lex));
                z.check();
            }
        });
    }

    @Test
    void shouldKeepRanksRightInALargeSet() {
        final SortedSet z = new SortedSet();
        final TreeMap<Integer, String> byScore = new TreeMap<>();
        final SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            final int s = r.nextInt(1_000_000);
            if (!byScore.containsKey(s)) {
                final String m = "m" + s;
                byScore.put(s, m);
                z.add(b(m), 0, m.length(), s);
            }
        }
        z.check();
        int rank = 0;
        for (final Map.Entry<Integer, String> e : byScore.entrySet()) {
            final SortedSet.Node n = z.byRank(rank);
            assertEquals(e.getValue(), new String(n.member(), StandardCharsets.ISO_8859_1));
            assertEquals(rank, z.rank(n));
            rank++;
        }
    }

    @Test
    void shouldUpdateScoresInPlaceOrByMoving() {
        final SortedSet z = new SortedSet();
        z.add(b("a"), 0, 1, 1);
        z.add(b("b"), 0, 1, 2);
        z.add(b("c"), 0, 1, 3);
        final SortedSet.Node b = z.get(b("b"), 0, 1);
        z.setScore(b, 2.5);
        assertSame(b, z.byRank(1));
        z.setScore(b, 10);
        assertSame(b, z.last());
        assertEquals(2, z.rank(b));
        z.setScore(b, -1);
        assertSame(b, z.first());
        z.check();
    }

    @Test
    void shouldVisitEveryMemberDuringAScanAcrossResizes() {
        final SortedSet z = new SortedSet();
        for (int i = 0; i < 1000; i++) {
            final byte[] m = b("m" + i);
            z.add(m, 0, m.length, i);
        }
        final Set<String> seen = new HashSet<>();
        long cursor = 0;
        int steps = 0;
        do {
            cursor = z.scan(cursor, n -> seen.add(new String(n.member(), StandardCharsets.ISO_8859_1)));
            if (steps == 100) {
                for (int i = 1000; i < 3000; i++) {
                    final byte[] m = b("x" + i);
                    z.add(m, 0, m.length, i);
                }
            }
            if (steps == 500) {
                for (int i = 1000; i < 3000; i++) {
                    final byte[] m = b("x" + i);
                    z.remove(m, 0, m.length);
                }
            }
            steps++;
        } while (cursor != 0 && steps < 100_000);
        assertEquals(0, cursor);
        for (int i = 0; i < 1000; i++) {
            assertTrue(seen.contains("m" + i), "m" + i);
        }
    }

    @Test
    void shouldBuildFromSortedInput() {
        final byte[][] ms = {b("a"), b("b"), b("c"), b("d")};
        final double[] ss = {1, 1, 2, 3};
        final SortedSet z = SortedSet.ofSorted(ms, ss, 4);
        z.check();
        assertEquals(4, z.size());
        z.add(b("bb"), 0, 2, 1);
        z.check();
        assertEquals(2, z.rank(z.get(b("bb"), 0, 2)));
        assertFalse(z.remove(b("zz"), 0, 2));
        assertTrue(z.memoryBytes() > 5 * 48);
    }
}
