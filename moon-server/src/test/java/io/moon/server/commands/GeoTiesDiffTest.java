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
 * GEOSEARCH / GEORADIUS with a COUNT below the number of matches, where many members sit at
 * exactly the same place (equal distances): Redis sorts such results partially (its pqsort), and
 * which of the tied members come first, and which make the cut, follows that algorithm's swaps.
 * Every COUNT from 1 to past the number of matches, ascending and descending, is compared with
 * the real redis-server 7.0, on sets small enough for insertion sorts and large enough for the
 * ninther pivot.
 */
class GeoTiesDiffTest {
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

    /** GEOADD commands for n members spread over a few places, several members per place. */
    private static List<String[]> members(final long seed, final int n, final int places) {
        final SplittableRandom r = new SplittableRandom(seed);
        final double[][] at = new double[places][];
        for (int p = 0; p < places; p++) {
            at[p] = new double[] {13.0 + r.nextDouble() * 0.5, 38.0 + r.nextDouble() * 0.5};
        }
        final List<String[]> adds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final double[] xy = at[r.nextInt(places)];
            adds.add(new String[] {"GEOADD", "g", Double.toString(xy[0]), Double.toString(xy[1]), "m" + r.nextInt(100_000)});
        }
        return adds;
    }

    private static List<Object> replies(final int port, final List<String[]> adds, final int n) throws Exception {
        final List<Object> out = new ArrayList<>();
        try (RawClient c = new RawClient(port)) {
            c.run("FLUSHALL");
            for (final String[] a : adds) {
                c.run(a);
            }
            for (int count = 1; count <= n + 1; count++) {
                for (final String dir : new String[] {"ASC", "DESC"}) {
                    out.add(c.run("GEOSEARCH", "g", "FROMLONLAT", "13.25", "38.25", "BYRADIUS", "200", "km",
                            "COUNT", Integer.toString(count), dir));
                }
                out.add(c.run("GEORADIUS", "g", "13.25", "38.25", "200", "km", "WITHDIST", "COUNT",
                        Integer.toString(count)));
            }
            out.add(c.run("GEOSEARCHSTORE", "dst", "g", "FROMLONLAT", "13.25", "38.25", "BYRADIUS", "200", "km",
                    "COUNT", "5", "DESC"));
            out.add(c.run("ZRANGE", "dst", "0", "-1"));
        }
        return out;
    }

    @Test
    void shouldCutTiesAsRedisDoes() throws Exception {
        int cases = 0;
        for (final int[] shape : new int[][] {{6, 2}, {12, 3}, {30, 4}, {45, 3}, {80, 6}, {120, 5}}) {
            for (long seed = 1; seed <= 3; seed++) {
                final List<String[]> adds = members(seed * 31 + shape[0], shape[0], shape[1]);
                final List<Object> want = replies(redis.port, adds, shape[0]);
                final List<Object> got = replies(moon.port, adds, shape[0]);
                for (int i = 0; i < want.size(); i++) {
                    assertEquals(want.get(i), got.get(i), "members " + shape[0] + ", places " + shape[1]
                            + ", seed " + seed + ", reply " + i);
                }
                cases += want.size();
            }
        }
        assertTrue(cases > 1000, "compared " + cases);
    }
}
