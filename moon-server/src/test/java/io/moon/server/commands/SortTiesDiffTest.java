package io.moon.server.commands;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SORT ... BY pattern ALPHA ... LIMIT with many elements whose BY values are equal or missing:
 * Redis sorts partially when LIMIT leaves elements out (its pqsort), and the order of equal
 * elements follows that algorithm's swaps. Every offset and count over lists of several sizes,
 * ascending and descending, with and without STORE, is compared with the real redis-server 7.0.
 * Moon runs 3 shards; the list and the weights share a hash tag, so the sort runs in place.
 */
class SortTiesDiffTest {
    private static RedisServer redis;
    private static TestServer moon;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        moon = TestServer.start(3);
    }

    @AfterAll
    static void stop() {
        moon.close();
        redis.close();
    }

    private static List<String[]> setup(final long seed, final int n, final int weights) {
        final SplittableRandom r = new SplittableRandom(seed);
        final List<String[]> cmds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final String e = "e" + r.nextInt(1000);
            cmds.add(new String[] {"RPUSH", "{s}l", e});
            final int w = r.nextInt(weights + 1);
            if (w < weights) { // else: no weight key, a missing BY value
                cmds.add(new String[] {"SET", "{s}w_" + e, "w" + w});
            }
        }
        return cmds;
    }

    private static List<Object> replies(final int port, final List<String[]> setup, final int n) throws Exception {
        final List<Object> out = new ArrayList<>();
        try (RawClient c = new RawClient(port)) {
            c.run("FLUSHALL");
            for (final String[] s : setup) {
                c.run(s);
            }
            for (int offset = 0; offset <= n; offset += Math.max(1, n / 7)) {
                for (int count = 1; offset + count <= n + 1; count += Math.max(1, n / 9)) {
                    for (final String dir : new String[] {"ASC", "DESC"}) {
                        out.add(c.run("SORT", "{s}l", "BY", "{s}w_*", "ALPHA", dir, "LIMIT",
                                Integer.toString(offset), Integer.toString(count)));
                    }
                }
            }
            out.add(c.run("SORT", "{s}l", "BY", "{s}w_*", "ALPHA", "LIMIT", "1", "5", "GET", "#", "GET", "{s}w_*",
                    "STORE", "{s}dst"));
            out.add(c.run("LRANGE", "{s}dst", "0", "-1"));
            out.add(c.run("SORT", "{s}l", "BY", "{s}w_*", "ALPHA"));
        }
        return out;
    }

    @Test
    void shouldOrderTiesAsRedisDoes() throws Exception {
        int compared = 0;
        for (final int[] shape : new int[][] {{5, 1}, {9, 2}, {30, 3}, {60, 2}, {100, 4}}) {
            for (long seed = 1; seed <= 3; seed++) {
                final List<String[]> setup = setup(seed * 17 + shape[0], shape[0], shape[1]);
                final List<Object> want = replies(redis.port, setup, shape[0]);
                final List<Object> got = replies(moon.port, setup, shape[0]);
                for (int i = 0; i < want.size(); i++) {
                    assertEquals(want.get(i), got.get(i), "elements " + shape[0] + ", weights " + shape[1]
                            + ", seed " + seed + ", reply " + i);
                }
                compared += want.size();
            }
        }
        assertTrue(compared > 500, "compared " + compared);
    }
}
