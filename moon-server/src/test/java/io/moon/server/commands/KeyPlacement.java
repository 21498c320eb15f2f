package io.moon.server.commands;

import io.moon.server.testing.Harness;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helpers that need to know where keys live: keys on chosen shards (so a test can say
 * "these two keys are on different shards" instead of hoping), and keys of another type than
 * string, to reach the WRONGTYPE paths of the string family.
 */
final class KeyPlacement {
    private KeyPlacement() {
    }

    static int shardOf(final Harness h, final String key) {
        final byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
        return h.server.shardOf(k, 0, k.length);
    }

    /** {@code n} keys named prefix + number, each on a different shard (n at most the shard count). */
    static String[] onDistinctShards(final Harness h, final String prefix, final int n) {
        return io.moon.server.testing.ShardKeys.onDistinctShards(h.server, prefix, n);
    }

    /** A key named prefix + number on a different shard than {@code key}. */
    static String elsewhere(final Harness h, final String key, final String prefix) {
        final int s = shardOf(h, key);
        for (int i = 0; ; i++) {
            if (shardOf(h, prefix + i) != s) {
                return prefix + i;
            }
        }
    }

    /**
     * Replaces whatever the key holds (database 0) by a list of one element, so string commands
     * must answer WRONGTYPE (or skip it, like MGET).
     */
    static void plantList(final Harness h, final String key) {
        h.run("DEL", key);
        final Object n = h.run("RPUSH", key, "element");
        if (!Long.valueOf(1).equals(n)) {
            throw new IllegalStateException("RPUSH " + key + " replied " + n);
        }
    }
}
