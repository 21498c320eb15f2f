package io.moon.server.script;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import io.moon.server.testing.ShardKeys;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.moon.server.script.ScriptDiff.same;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scripts with transactions, the script cache and real clients, on 4 shards: EVAL and EVALSHA
 * queued in MULTI (compared with Redis byte for byte), NOSCRIPT, SCRIPT FLUSH SYNC/ASYNC, Jedis
 * and Lettuce eval/evalsha, and a concurrent test in which scripts move amounts between keys on
 * different shards while readers (scripts and transactions) sum them: no reader ever sees a sum
 * other than the total, so no script is ever seen half-done.
 */
class ScriptTransactionsTest {
    private static RedisServer redis;
    private static TestServer moon;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        moon = TestServer.start(4);
    }

    @AfterAll
    static void stop() {
        moon.close();
        redis.close();
    }

    @Test
    void shouldRunScriptsInsideTransactionsAsRedis() throws Exception {
        final String[] k = ShardKeys.onDistinctShards(moon.server, "tx", 2);
        final String body = "redis.call('incrby', KEYS[1], ARGV[1]) return redis.call('get', KEYS[2])";
        final String sha = ScriptCache.sha1hex(body.getBytes(StandardCharsets.UTF_8));
        try (RawClient r = new RawClient(redis.port); RawClient m = new RawClient(moon.port)) {
            final String[][] steps = {
                {"FLUSHALL"}, {"SCRIPT", "FLUSH"}, {"SET", k[1], "b"},
                {"MULTI"}, {"EVAL", body, "2", k[0], k[1], "5"}, {"EVALSHA", sha, "2", k[0], k[1], "1"},
                {"EVAL", "return redis.call('incr', KEYS[1])", "1", k[1]}, {"EVAL", "return {1, {2, 'x'}}", "0"},
                {"EXEC"},
                {"SCRIPT", "LOAD", body}, {"MULTI"}, {"EVALSHA", sha, "2", k[0], k[1], "1"},
                {"EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"}, {"SCRIPT", "EXISTS", sha}, {"EXEC"},
                {"GET", k[0]}, {"MULTI"}, {"EVAL", "return 1", "x"}, {"EXEC"},
                {"WATCH", k[0]}, {"EVAL", "return redis.call('incr', KEYS[1])", "1", k[0]}, {"MULTI"},
                {"EVAL", "return 1", "0"}, {"EXEC"},
                {"SCRIPT", "FLUSH", "ASYNC"}, {"SCRIPT", "EXISTS", sha}, {"EVALSHA", sha, "2", k[0], k[1], "1"},
                {"SCRIPT", "LOAD", body}, {"SCRIPT", "FLUSH", "SYNC"}, {"EVALSHA_RO", sha, "0"},
                {"SCRIPT", "FLUSH", "NOW"}, {"EVALSHA", "nothex", "0"}, {"EVALSHA", sha.toUpperCase(), "0"},
                {"SCRIPT", "LOAD", body}, {"EVALSHA", sha.toUpperCase(), "2", k[0], k[1], "0"},
                {"MULTI"}, {"EVAL", "return redis.call('multi')", "0"}, {"EXEC"},
            };
            for (final String[] step : steps) {
                same(r, m, step);
            }
        }
    }

    @Test
    void shouldKeepCrossShardScriptsAtomicUnderConcurrency() throws Exception {
        final String[] k = ShardKeys.onDistinctShards(moon.server, "acct", 4);
        final int perKey = 1000;
        final long total = (long) perKey * k.length;
        try (RawClient c = new RawClient(moon.port)) {
            for (final String key : k) {
                c.run("SET", key, Integer.toString(perKey));
            }
        }
        final String move = "local v = tonumber(redis.call('get', KEYS[1])) local n = tonumber(ARGV[1])"
                + " if v < n then return 0 end redis.call('decrby', KEYS[1], n) redis.call('incrby', KEYS[2], n) return 1";
        final String sum = "local s = 0 for i = 1, #KEYS do s = s + tonumber(redis.call('get', KEYS[i])) end return s";
        final long deadline = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        final AtomicReference<String> broken = new AtomicReference<>();
        final AtomicLong moves = new AtomicLong();
        final AtomicLong reads = new AtomicLong();
        final List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try (RawClient c = new RawClient(moon.port)) {
                    final ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int i = 0; i < 100_000 && System.nanoTime() < deadline && broken.get() == null; i++) {
                        final int a = rnd.nextInt(k.length);
                        final int b = (a + 1 + rnd.nextInt(k.length - 1)) % k.length;
                        final Object r = c.run("EVAL", move, "2", k[a], k[b], Integer.toString(1 + rnd.nextInt(50)));
                        if (!(r instanceof Long)) {
                            broken.compareAndSet(null, "move replied " + r);
                        }
                        moves.incrementAndGet();
                    }
                } catch (final Exception e) {
                    broken.compareAndSet(null, e.toString());
                }
            }));
        }
        for (int rd = 0; rd < 2; rd++) {
            final boolean viaTransaction = rd == 1;
            threads.add(Thread.ofPlatform().start(() -> {
                try (RawClient c = new RawClient(moon.port)) {
                    for (int i = 0; i < 100_000 && System.nanoTime() < deadline && broken.get() == null; i++) {
                        long s = 0;
                        if (viaTransaction) {
                            c.run("MULTI");
                            for (final String key : k) {
                                c.run("GET", key);
                            }
                            for (final Object v : (List<?>) c.run("EXEC")) {
                                s += Long.parseLong((String) v);
                            }
                        } else {
                            final String[] cmd = new String[3 + k.length];
                            cmd[0] = "EVAL";
                            cmd[1] = sum;
                            cmd[2] = Integer.toString(k.length);
                            System.arraycopy(k, 0, cmd, 3, k.length);
                            s = (Long) c.run(cmd);
                        }
                        if (s != total) {
                            broken.compareAndSet(null, "a reader saw " + s + " instead of " + total);
                        }
                        reads.incrementAndGet();
                    }
                } catch (final Exception e) {
                    broken.compareAndSet(null, e.toString());
                }
            }));
        }
        for (final Thread t : threads) {
            t.join(30_000);
        }
        assertNull(broken.get());
        assertTrue(moves.get() > 50 && reads.get() > 50, moves + " moves, " + reads + " reads");
        try (RawClient c = new RawClient(moon.port)) {
            long s = 0;
            for (final String key : k) {
                s += Long.parseLong((String) c.run("GET", key));
            }
            assertEquals(total, s);
        }
    }

    @Test
    void shouldEvalWithJedis() {
        final String[] k = ShardKeys.onDistinctShards(moon.server, "jedis", 2);
        try (Jedis j = new Jedis("127.0.0.1", moon.port)) {
            j.del(k[0], k[1]);
            final String body = "redis.call('set', KEYS[1], ARGV[1]) redis.call('set', KEYS[2], ARGV[2])"
                    + " return {redis.call('get', KEYS[1]), redis.call('get', KEYS[2]), tonumber(ARGV[3])}";
            assertEquals(List.of("a", "b", 7L), j.eval(body, List.of(k[0], k[1]), List.of("a", "b", "7")));
            final String sha = j.scriptLoad(body);
            assertEquals(ScriptCache.sha1hex(body.getBytes(StandardCharsets.UTF_8)), sha);
            assertEquals(List.of("c", "d", 8L), j.evalsha(sha, List.of(k[0], k[1]), List.of("c", "d", "8")));
            assertEquals(Boolean.TRUE, j.scriptExists(sha));
            assertEquals("OK", j.scriptFlush());
            final Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                    () -> j.evalsha(sha, List.of(k[0], k[1]), List.of("c", "d", "8")));
            assertTrue(e.getMessage().startsWith("NOSCRIPT"), e.getMessage());
            assertEquals(3L, j.eval("return 3"));
            assertEquals("x", j.evalReadonly("return redis.call('get', KEYS[1]) and 'x'", List.of(k[0]), List.of()));
        }
    }

    @Test
    void shouldEvalWithLettuce() {
        final String[] k = ShardKeys.onDistinctShards(moon.server, "lettuce", 2);
        final RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", moon.port));
        try (StatefulRedisConnection<String, String> conn = client.connect()) {
            final RedisCommands<String, String> c = conn.sync();
            c.del(k[0], k[1]);
            final String body = "redis.call('incrby', KEYS[1], ARGV[1]) redis.call('incrby', KEYS[2], ARGV[1])"
                    + " return redis.call('get', KEYS[1]) + redis.call('get', KEYS[2])";
            assertEquals(4L, (Long) c.eval(body, ScriptOutputType.INTEGER, new String[] {k[0], k[1]}, "2"));
            final String sha = c.scriptLoad(body);
            assertEquals(8L, (Long) c.evalsha(sha, ScriptOutputType.INTEGER, new String[] {k[0], k[1]}, "2"));
            assertEquals(List.of("a", "b"), c.eval("return {'a', 'b'}", ScriptOutputType.MULTI));
            assertEquals("OK", c.eval("return redis.status_reply('OK')", ScriptOutputType.STATUS));
            // RESP3 (Lettuce says HELLO 3): a script's map reaches the client as a map
            final Object map = c.eval("redis.setresp(3) return {map={f='v'}}", ScriptOutputType.MULTI);
            assertTrue(map instanceof List<?> l && l.containsAll(List.of("f", "v")), String.valueOf(map));
            assertEquals(List.of(true, false), c.scriptExists(sha, "0000000000000000000000000000000000000000"));
        } finally {
            client.shutdown();
        }
    }

    @Test
    void shouldReplyNoscriptForUnknownShas() throws Exception {
        try (RawClient m = new RawClient(moon.port)) {
            assertEquals(new Resp.Err("NOSCRIPT No matching script. Please use EVAL."),
                    m.run("EVALSHA", "0123456789012345678901234567890123456789", "0"));
        }
    }
}
