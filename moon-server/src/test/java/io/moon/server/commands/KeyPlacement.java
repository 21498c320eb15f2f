package io.moon.server.commands;

import io.moon.server.Shard;
import io.moon.server.testing.Harness;
import io.moon.storage.Db;
import io.moon.storage.Dump;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Test helpers that need to know where keys live: keys on chosen shards (so a test can say
 * "these two keys are on different shards" instead of hoping), and entries of a kind the string
 * family does not know, planted on the owning shard, to reach the WRONGTYPE paths before the
 * collection types exist.
 */
final class KeyPlacement {
    /** An entry kind no string command accepts (the collections will bring real ones). */
    private static final int FOREIGN_KIND = 15;

    private KeyPlacement() {
    }

    static int shardOf(final Harness h, final String key) {
        final byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
        return h.server.shardOf(k, 0, k.length);
    }

    /** {@code n} keys named prefix + number, each on a different shard (n at most the shard count). */
    static String[] onDistinctShards(final Harness h, final String prefix, final int n) {
        final List<String> keys = new ArrayList<>();
        final boolean[] used = new boolean[h.server.shardCount()];
        for (int i = 0; keys.size() < n; i++) {
            final String k = prefix + i;
            final int s = shardOf(h, k);
            if (!used[s]) {
                used[s] = true;
                keys.add(k);
            }
        }
        return keys.toArray(new String[0]);
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
     * Stores an entry of a foreign kind under the key in database 0, on the shard's own thread,
     * so string commands must answer WRONGTYPE (or skip it, like MGET).
     */
    static void plantForeign(final Harness h, final String key) {
        final byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
        final Shard shard = h.server.shard(h.server.shardOf(k, 0, k.length));
        final CompletableFuture<Void> done = new CompletableFuture<>();
        shard.execute(() -> {
            try {
                final Db db = shard.keyspace.db(0);
                final long hash = Db.hash(k, 0, k.length);
                final long old = db.lookup(k, 0, k.length, hash);
                if (old != 0) {
                    db.unlinkAndFree(old, hash);
                }
                // the value: an empty byte run (varint length 0), which every entry walk can skip
                db.restore(k, 0, k.length, hash, new Dump(FOREIGN_KIND, new byte[] {0}, null, -1, 0), false);
                done.complete(null);
            } catch (final Throwable t) {
                done.completeExceptionally(t);
            }
        });
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (final Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
