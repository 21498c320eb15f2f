package io.moon.server.rdb;

import io.moon.server.testing.Harness;
import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * HLLs travel between redis-server 7.0 and Moon: Redis's DUMP payloads (sparse, dense, with a
 * cached count and with a stale one) restore into Moon as the same string and count the same,
 * and keep agreeing as both servers add to them and merge them; Moon's payloads restore into
 * Redis the same way.
 */
final class HllInteropTest {
    private static Object redis(final RawClient r, final String... args) throws Exception {
        r.send(Resp.command(args));
        return r.read();
    }

    private static Object moon(final Harness.Client m, final String... args) {
        m.send(Resp.command(args));
        return m.read();
    }

    /** PFADD key prefix0 .. prefix(n-1). */
    private static String[] adds(final String key, final String prefix, final int n) {
        final String[] a = new String[n + 2];
        a[0] = "PFADD";
        a[1] = key;
        for (int i = 0; i < n; i++) {
            a[i + 2] = prefix + i;
        }
        return a;
    }

    /** Both servers run the command; the replies and every listed key's bytes must agree. */
    private static void both(final RawClient r, final Harness.Client m, final List<String> keys, final String... cmd)
            throws Exception {
        assertEquals(redis(r, cmd), moon(m, cmd), String.join(" ", cmd.length > 4 ? List.of(cmd).subList(0, 4) : List.of(cmd)));
        for (final String k : keys) {
            assertEquals(redis(r, "GET", k), moon(m, "GET", k), k + " after " + cmd[0]);
        }
    }

    @Test
    void shouldCarryHllsBothWaysAndKeepCountingAlike() throws Exception {
        try (RedisServer rs = RedisServer.start(); RawClient r = new RawClient(rs.port); Harness h = Harness.start(3)) {
            final Harness.Client m = h.client();
            redis(r, adds("sparse", "s", 150));
            redis(r, adds("dense", "d", 5000));
            redis(r, adds("counted", "c", 40));
            redis(r, "PFCOUNT", "counted");
            for (final String k : List.of("sparse", "dense", "counted")) {
                final Object payload = redis(r, "DUMP", k);
                assertOk(moon(m, "RESTORE", k, "0", (String) payload));
                assertEquals(redis(r, "GET", k), moon(m, "GET", k), k);
                assertEquals(redis(r, "PFCOUNT", k), moon(m, "PFCOUNT", k), k);
            }
            final List<String> keys = List.of("sparse", "dense", "counted", "merged");
            both(r, m, keys, adds("sparse", "more", 30));
            both(r, m, keys, adds("dense", "more", 30));
            both(r, m, keys, "PFCOUNT", "sparse", "dense", "counted");
            both(r, m, keys, "PFMERGE", "merged", "counted", "sparse", "dense");
            both(r, m, keys, "PFCOUNT", "merged");

            moon(m, adds("fromMoon", "m", 700));
            moon(m, adds("fromMoonDense", "m", 9000));
            for (final String k : List.of("fromMoon", "fromMoonDense")) {
                final Object payload = moon(m, "DUMP", k);
                assertOk(redis(r, "RESTORE", k, "0", (String) payload));
                assertEquals(moon(m, "GET", k), redis(r, "GET", k), k);
                assertEquals(moon(m, "PFCOUNT", k), redis(r, "PFCOUNT", k), k);
            }
            both(r, m, List.of("fromMoon", "fromMoonDense"), adds("fromMoon", "z", 500));
            both(r, m, List.of("fromMoon", "fromMoonDense"), "PFCOUNT", "fromMoon");
        }
    }
}
