package io.moon.server.testing;

import io.moon.server.Server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Keys placed on chosen shards, so a test can say "these keys live on different shards". */
public final class ShardKeys {
    private ShardKeys() {
    }

    /** {@code n} keys named prefix + number, each on a different shard (n at most the shard count). */
    public static String[] onDistinctShards(final Server server, final String prefix, final int n) {
        final List<String> keys = new ArrayList<>();
        final boolean[] used = new boolean[server.shardCount()];
        for (int i = 0; keys.size() < n; i++) {
            final byte[] k = (prefix + i).getBytes(StandardCharsets.ISO_8859_1);
            final int s = server.shardOf(k, 0, k.length);
            if (!used[s]) {
                used[s] = true;
                keys.add(prefix + i);
            }
        }
        return keys.toArray(new String[0]);
    }
}
