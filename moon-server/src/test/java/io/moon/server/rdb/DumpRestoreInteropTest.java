package io.moon.server.rdb;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.moon.server.testing.Harness;
import io.moon.server.testing.Resp;
import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DUMP and RESTORE against a real redis-server 7.0: Redis's payloads of every type and encoding
 * restore into Moon, Moon's restore into Redis, and DEBUG DIGEST-VALUE / DEBUG DIGEST agree.
 */
final class DumpRestoreInteropTest {
    private static Object redis(final RawClient r, final String... args) throws Exception {
        r.send(Resp.command(args));
        return r.read();
    }

    private static Object moon(final Harness.Client m, final String... args) {
        m.send(Resp.command(args));
        return m.read();
    }

    /** Commands that build one key per type and encoding, small and large. */
    static List<String[]> fixtures() {
        final List<String[]> out = new ArrayList<>();
        out.add(new String[] {"SET", "str:int", "12345"});
        out.add(new String[] {"SET", "str:bigint", "123456789012345"});
        out.add(new String[] {"SET", "str:neg", "-7"});
        out.add(new String[] {"SET", "str:emb", "hello"});
        out.add(new String[] {"SET", "str:long", "abcdefghij".repeat(30)});
        out.add(new String[] {"SET", "str:bin", "\u0000\u00ff\r\n"});
        out.add(new String[] {"RPUSH", "list:lp", "a", "1", "-2", "b"});
        out.add(add("RPUSH", "list:ql", 1000, i -> "elem" + i + (i % 7 == 0 ? "x".repeat(80) : "")));
        out.add(new String[] {"HSET", "hash:lp", "f1", "v1", "f2", "2"});
        out.add(add("HSET", "hash:ht", 300, i -> (i % 2 == 0 ? "field" : "value") + i));
        out.add(new String[] {"SADD", "set:int", "1", "2", "300", "-70000"});
        out.add(new String[] {"SADD", "set:str", "a", "b", "c"});
        out.add(add("SADD", "set:ht", 700, i -> "m" + i));
        out.add(new String[] {"ZADD", "zset:lp", "1.5", "a", "2", "b", "-inf", "c", "1e100", "d"});
        out.add(add("ZADD", "zset:sl", 400, i -> i % 2 == 0 ? Double.toString(i * 0.1) : "member" + i));
        return out;
    }

    private static String[] add(final String cmd, final String key, final int n,
                                final java.util.function.IntFunction<String> arg) {
        final String[] a = new String[2 + n];
        a[0] = cmd;
        a[1] = key;
        for (int i = 0; i < n; i++) {
            a[2 + i] = arg.apply(i);
        }
        return a;
    }

    @Test
    void payloadsTravelBothWaysWithEqualDigests() throws Exception {
        try (RedisServer rs = RedisServer.start(); RawClient r = new RawClient(rs.port);
             Harness h = Harness.start(3, "enable-debug-command", "yes")) {
            final Harness.Client m = h.client();
            for (final String[] f : fixtures()) {
                redis(r, f);
            }
            for (final String[] f : fixtures()) {
                final String key = f[1];
                final String payload = (String) redis(r, "DUMP", key);
                assertOk(moon(m, "RESTORE", key, "0", payload));
                final String digest = redis(r, "DEBUG", "DIGEST-VALUE", key).toString();
                assertEquals(digest, moon(m, "DEBUG", "DIGEST-VALUE", key).toString(), key);
                // encodings are not compared: Redis 7.0 has no listpack lists or sets, Moon follows 7.2
                final String back = (String) moon(m, "DUMP", key);
                assertOk(redis(r, "RESTORE", key + ":back", "0", back));
                assertEquals(digest, redis(r, "DEBUG", "DIGEST-VALUE", key + ":back").toString(), key);
                redis(r, "DEL", key + ":back");
            }
            redis(r, "PEXPIRE", "str:emb", "100000000");
            moon(m, "PEXPIRE", "str:emb", "100000000");
            assertEquals(redis(r, "DEBUG", "DIGEST").toString(), moon(m, "DEBUG", "DIGEST").toString());
        }
    }

    @Test
    void restoreErrorsAreRedisErrors() throws Exception {
        try (RedisServer rs = RedisServer.start(); RawClient r = new RawClient(rs.port);
             Harness h = Harness.start(3, "enable-debug-command", "yes")) {
            final Harness.Client m = h.client();
            redis(r, "SET", "k", "v");
            moon(m, "SET", "k", "v");
            final String payload = (String) redis(r, "DUMP", "k");
            final String[][] cases = {
                {"RESTORE", "k", "0", payload},
                {"RESTORE", "n", "-1", payload},
                {"RESTORE", "n", "x", payload},
                {"RESTORE", "n", "0", "garbage"},
                {"RESTORE", "n", "0", payload, "IDLETIME", "-1"},
                {"RESTORE", "n", "0", payload, "FREQ", "256"},
                {"RESTORE", "n", "0", payload, "IDLETIME", "1", "FREQ", "1"},
                {"RESTORE", "n", "0", payload, "BOGUS"},
                {"RESTORE", "n", "0", payload.substring(0, 2) + "\u0001" + payload.substring(3)},
            };
            for (final String[] c : cases) {
                assertEquals(redis(r, c).toString(), moon(m, c).toString(), String.join(" ", c).substring(0, 12));
            }
            assertOk(moon(m, "RESTORE", "k", "0", payload, "REPLACE", "ABSTTL"));
            assertOk(moon(m, "RESTORE", "gone", "1", payload, "ABSTTL"));
            assertEquals(0L, moon(m, "EXISTS", "gone"));
            assertOk(moon(m, "RESTORE", "ttl", "100000", payload));
            assertEquals(true, (Long) moon(m, "PTTL", "ttl") > 90000);
            assertNil(h.run("DUMP", "nokey"));
            assertErrorText("BUSYKEY Target key name already exists.", moon(m, "RESTORE", "k", "0", payload));
        }
    }

    @Test
    void digestValueCountsTheKeysTtlAsRedisDoes() throws Exception {
        try (RedisServer rs = RedisServer.start(); RawClient r = new RawClient(rs.port);
             Harness h = Harness.start(3, "enable-debug-command", "yes")) {
            final Harness.Client m = h.client();
            for (final String[] f : List.of(new String[] {"SET", "dk", "v"}, new String[] {"RPUSH", "dl", "a", "b"},
                    new String[] {"HSET", "dh", "f", "v"})) {
                redis(r, f);
                moon(m, f);
                final String key = f[1];
                final String plain = redis(r, "DEBUG", "DIGEST-VALUE", key).toString();
                assertEquals(plain, moon(m, "DEBUG", "DIGEST-VALUE", key).toString(), key);
                redis(r, "EXPIRE", key, "1000");
                moon(m, "EXPIRE", key, "1000");
                final String withTtl = redis(r, "DEBUG", "DIGEST-VALUE", key).toString();
                org.junit.jupiter.api.Assertions.assertNotEquals(plain, withTtl, key);
                assertEquals(withTtl, moon(m, "DEBUG", "DIGEST-VALUE", key).toString(), key);
                redis(r, "PERSIST", key);
                moon(m, "PERSIST", key);
                assertEquals(plain, moon(m, "DEBUG", "DIGEST-VALUE", key).toString(), key);
            }
            assertEquals(redis(r, "DEBUG", "DIGEST").toString(), moon(m, "DEBUG", "DIGEST").toString());
        }
    }

    @Test
    void restoreWithARelativeTtlThatOverflowsCreatesNothing() throws Exception {
        try (RedisServer rs = RedisServer.start(); RawClient r = new RawClient(rs.port);
             Harness h = Harness.start(3, "enable-debug-command", "yes")) {
            final Harness.Client m = h.client();
            redis(r, "SET", "src", "v");
            final String payload = (String) redis(r, "DUMP", "src");
            // the sum with the current time overflows (wraps into the past) for the first three;
            // the last two stay in the future by years
            final String[] ttls = {"9223372036854775807", "9223372036854775806", "9223372036854000000",
                "9223370000000000000", "1000000000000000"};
            for (final String ttl : ttls) {
                for (final boolean replace : new boolean[] {false, true}) {
                    final String key = "k" + ttl + replace;
                    if (replace) {
                        redis(r, "SET", key, "old");
                        moon(m, "SET", key, "old");
                    }
                    final String[] cmd = replace ? new String[] {"RESTORE", key, ttl, payload, "REPLACE"}
                        : new String[] {"RESTORE", key, ttl, payload};
                    assertEquals(redis(r, cmd).toString(), moon(m, cmd).toString(), ttl);
                    assertEquals(redis(r, "EXISTS", key), moon(m, "EXISTS", key), ttl + " " + replace);
                    final long redisPttl = (Long) redis(r, "PTTL", key);
                    final long moonPttl = (Long) moon(m, "PTTL", key);
                    assertEquals(Long.signum(redisPttl), Long.signum(moonPttl), ttl + " " + redisPttl + " " + moonPttl);
                    if (redisPttl == -2) {
                        assertEquals(-2L, moonPttl);
                    }
                }
            }
            assertEquals(-2L, moon(m, "PTTL", "k9223372036854775807false"));
        }
    }
}
