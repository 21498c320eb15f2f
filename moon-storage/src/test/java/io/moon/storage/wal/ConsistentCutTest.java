package io.moon.storage.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moon.storage.wal.ConsistentCut.Part;
import io.moon.testkit.Props;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConsistentCutTest {
    private static final Part ALONE = new Part(0, 1);

    @Test
    void aCompleteOperationIsKeptAndAMissingPartDropsItsSuffixes() {
        final List<List<Part>> logs = List.of(
            List.of(ALONE, new Part(1, 2), ALONE, new Part(2, 2), ALONE),
            List.of(new Part(1, 2), ALONE));
        // op 2 lost its second part (shard 1's tail): shard 0 keeps what came before op 2
        assertArrayEquals(new int[] {3, 2}, ConsistentCut.compute(logs));
    }

    @Test
    void cuttingCascadesThroughLaterOperations() {
        final List<List<Part>> logs = List.of(
            List.of(new Part(1, 2), new Part(2, 2)),
            List.of(new Part(2, 2)),
            List.of(new Part(3, 2)));
        // op 1 misses a part, so shard 0 drops op 2 too, which shard 1 must then drop as well
        assertArrayEquals(new int[] {0, 0, 0}, ConsistentCut.compute(logs));
    }

    /**
     * Simulates a history of single and cross-shard operations, tears each log at a random point,
     * and checks the cut: prefixes only, every operation all-or-nothing, and nothing dropped when
     * nothing was torn.
     */
    @Test
    void everyOperationIsAllOrNothingAfterRandomTears() {
        Props.forAll("consistent cut", 400, r -> r.nextLong(), seed -> {
            final SplittableRandom r = new SplittableRandom(seed);
            final int shards = 1 + r.nextInt(4);
            final List<List<Part>> logs = new ArrayList<>();
            for (int s = 0; s < shards; s++) {
                logs.add(new ArrayList<>());
            }
            long op = 0;
            for (int i = r.nextInt(30); i > 0; i--) {
                if (shards > 1 && r.nextInt(3) == 0) {
                    op++;
                    final int parts = 2 + r.nextInt(shards - 1);
                    final List<Integer> order = new ArrayList<>();
                    for (int s = 0; s < shards; s++) {
                        order.add(s);
                    }
                    java.util.Collections.shuffle(order, new java.util.Random(r.nextLong()));
                    for (int k = 0; k < parts; k++) {
                        logs.get(order.get(k)).add(new Part(op, parts));
                    }
                } else {
                    logs.get(r.nextInt(shards)).add(ALONE);
                }
            }
            final boolean tear = r.nextBoolean();
            final List<List<Part>> torn = new ArrayList<>();
            for (final List<Part> l : logs) {
                torn.add(tear ? l.subList(0, r.nextInt(l.size() + 1)) : l);
            }
            final int[] cut = ConsistentCut.compute(torn);
            final Map<Long, Integer> kept = new HashMap<>();
            final Map<Long, Integer> need = new HashMap<>();
            for (int s = 0; s < shards; s++) {
                assertTrue(cut[s] >= 0 && cut[s] <= torn.get(s).size());
                for (int i = 0; i < cut[s]; i++) {
                    final Part p = torn.get(s).get(i);
                    if (p.opId() != 0) {
                        kept.merge(p.opId(), 1, Integer::sum);
                        need.put(p.opId(), p.parts());
                    }
                }
                if (!tear) {
                    assertEquals(logs.get(s).size(), cut[s]);
                }
            }
            kept.forEach((id, n) -> assertEquals(need.get(id), n, "operation " + id + " half applied"));
        });
    }
}
