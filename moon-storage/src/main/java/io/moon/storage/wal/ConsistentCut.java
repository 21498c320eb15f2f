package io.moon.storage.wal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides how much of each shard log recovery may replay so that every cross-shard atomic
 * operation is applied on all of its shards or on none.
 *
 * <p>Each shard log is replayed as a prefix. Start with every whole log; an operation is complete
 * when each of its {@code parts} records lies inside the current prefixes. While some operation is
 * incomplete, cut every log that holds one of its parts just before that part, which can only
 * make more operations incomplete, never fewer; the prefixes shrink monotonically, so the loop
 * ends, and at its end every operation is either wholly inside or wholly outside. Cutting a whole
 * suffix (not just the part) keeps each shard's history a real prefix: a later record of the same
 * shard may read a key the skipped part wrote. Parts of one operation are appended while the
 * operation holds its locks on every shard involved, so the prefixes that remain are a state the
 * server really went through.
 */
public final class ConsistentCut {
    private ConsistentCut() {
    }

    /** What the cut needs of a record: its operation id (0 alone) and its part count. */
    public record Part(long opId, int parts) {
    }

    /** Returns, per shard, how many leading records of its log to replay. */
    public static int[] compute(final List<List<Part>> logs) {
        final int shards = logs.size();
        final int[] cut = new int[shards];
        for (int s = 0; s < shards; s++) {
            cut[s] = logs.get(s).size();
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            final Map<Long, int[]> seen = new HashMap<>();
            final Map<Long, Integer> need = new HashMap<>();
            for (int s = 0; s < shards; s++) {
                final List<Part> log = logs.get(s);
                for (int i = 0; i < cut[s]; i++) {
                    final Part p = log.get(i);
                    if (p.opId() != 0) {
                        seen.computeIfAbsent(p.opId(), k -> new int[1])[0]++;
                        need.putIfAbsent(p.opId(), p.parts());
                    }
                }
            }
            for (int s = 0; s < shards; s++) {
                final List<Part> log = logs.get(s);
                for (int i = 0; i < cut[s]; i++) {
                    final Part p = log.get(i);
                    if (p.opId() != 0 && (seen.get(p.opId())[0] != need.get(p.opId()) || p.parts() != need.get(p.opId()))) {
                        cut[s] = i;
                        changed = true;
                        break;
                    }
                }
            }
        }
        return cut;
    }
}
