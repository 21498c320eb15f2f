package io.moon.server.script;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.Resp;
import io.moon.server.testing.ShardKeys;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scripts touching keys they did not declare, on 4 shards: by default they work as in standalone
 * Redis (the script runs again, then always, with every shard held), atomically; with
 * lua-strict-keys on, an undeclared key is an error, wherever it lives.
 */
class ScriptUndeclaredKeysTest {
    private static TestServer moon;

    @BeforeAll
    static void start() {
        moon = TestServer.start(4);
    }

    @AfterAll
    static void stop() {
        moon.close();
    }

    @Test
    void shouldRunScriptsOverUndeclaredKeysAsStandaloneRedis() throws Exception {
        final String[] k = ShardKeys.onDistinctShards(moon.server, "u", 4);
        try (RawClient c = new RawClient(moon.port)) {
            c.run("FLUSHALL");
            c.run("MSET", k[0], "1", k[1], "2", k[2], "3", k[3], "4");
            final String sum = "local s = 0 for i, k in ipairs(ARGV) do s = s + redis.call('get', k) end return s";
            for (int i = 0; i < 3; i++) {
                assertEquals(10L, c.run("EVAL", sum, "0", k[0], k[1], k[2], k[3]), "run " + i);
                assertEquals(10L, c.run("EVAL", sum, "1", k[0], k[0], k[1], k[2], k[3]), "run " + i);
            }
            final String move = "redis.call('incrby', ARGV[1], 5) redis.call('decrby', ARGV[2], 5)"
                    + " return {redis.call('get', ARGV[1]), redis.call('get', ARGV[2])}";
            assertEquals(List.of("6", "-3"), c.run("EVAL", move, "0", k[0], k[1]));
            assertEquals(List.of("11", "-8"), c.run("EVAL", move, "0", k[0], k[1]));
            // keyspace-wide commands work too
            assertEquals(4L, c.run("EVAL", "return redis.call('dbsize')", "0"));
            assertEquals(4L, c.run("EVAL", "return #redis.call('keys', 'u*')", "0"));
            assertEquals(List.of(new Resp.Simple("OK"), 0L),
                    c.run("EVAL", "return {redis.call('flushdb'), redis.call('dbsize')}", "0"));
            // a new script runs with every shard held, so writing before an undeclared key is fine
            c.run("MSET", k[0], "1", k[1], "2");
            final String wroteFirst = "redis.call('incr', KEYS[1]) return redis.call('get', ARGV[1])";
            assertEquals("2", c.run("EVAL", wroteFirst, "1", k[0], k[1]));
            assertEquals("2", c.run("EVAL", wroteFirst, "1", k[0], k[1]));
            assertEquals("3", c.run("GET", k[0])); // one increment per run, as Redis
            // a script learned as touching only its keys that later writes, then reaches further:
            // refused that once (it cannot be undone), and held from then on
            final String sometimes = "redis.call('incr', KEYS[1]) if ARGV[1] == '' then return 0 end"
                    + " return redis.call('get', ARGV[1])";
            assertEquals(0L, c.run("EVAL", sometimes, "1", k[0], ""));
            assertEquals(0L, c.run("EVAL", sometimes, "1", k[0], ""));
            final Object refused = c.run("EVAL", sometimes, "1", k[0], k[1]);
            assertTrue(refused instanceof Resp.Err e && e.text().contains("its next runs will be"), String.valueOf(refused));
            assertEquals("2", c.run("EVAL", sometimes, "1", k[0], k[1]));
            assertEquals("7", c.run("GET", k[0]));
            // a read-only script over undeclared keys, and errors inside it
            assertEquals("2", c.run("EVAL_RO", "return redis.call('get', ARGV[1])", "0", k[1]));
            final Object err = c.run("EVAL", "return redis.call('incr', ARGV[1]) .. redis.call('hget', ARGV[2], 'f')",
                    "0", k[2], k[1]);
            assertTrue(err instanceof Resp.Err e && e.text().startsWith("WRONGTYPE"), String.valueOf(err));
            assertEquals("1", c.run("GET", k[2]));
        }
    }

    @Test
    void shouldKeepUndeclaredCrossShardScriptsAtomic() throws Exception {
        final String[] k = ShardKeys.onDistinctShards(moon.server, "w", 4);
        final long total = 400;
        try (RawClient c = new RawClient(moon.port)) {
            for (final String key : k) {
                c.run("SET", key, "100");
            }
        }
        final String move = "redis.call('decrby', ARGV[1], ARGV[3]) redis.call('incrby', ARGV[2], ARGV[3]) return 1";
        final long deadline = System.nanoTime() + Duration.ofMillis(1200).toNanos();
        final AtomicReference<String> broken = new AtomicReference<>();
        final AtomicLong moves = new AtomicLong();
        final AtomicLong reads = new AtomicLong();
        final List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try (RawClient c = new RawClient(moon.port)) {
                    final ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int i = 0; i < 100_000 && System.nanoTime() < deadline && broken.get() == null; i++) {
                        final int a = rnd.nextInt(k.length);
                        final int b = (a + 1 + rnd.nextInt(k.length - 1)) % k.length;
                        final Object r = c.run("EVAL", move, "0", k[a], k[b], Integer.toString(1 + rnd.nextInt(9)));
                        if (!Long.valueOf(1).equals(r)) {
                            broken.compareAndSet(null, "move replied " + r);
                        }
                        moves.incrementAndGet();
                    }
                } catch (final Exception e) {
                    broken.compareAndSet(null, e.toString());
                }
            }));
        }
        threads.add(Thread.ofPlatform().start(() -> {
            try (RawClient c = new RawClient(moon.port)) {
                while (System.nanoTime() < deadline && broken.get() == null) {
                    long s = 0;
                    for (final Object v : (List<?>) c.run("MGET", k[0], k[1], k[2], k[3])) {
                        s += Long.parseLong((String) v);
                    }
                    if (s != total) {
                        broken.compareAndSet(null, "a reader saw " + s);
                    }
                    reads.incrementAndGet();
                }
            } catch (final Exception e) {
                broken.compareAndSet(null, e.toString());
            }
        }));
        for (final Thread t : threads) {
            t.join(30_000);
        }
        assertNull(broken.get());
        assertTrue(moves.get() > 20 && reads.get() > 20, moves + " moves, " + reads + " reads");
    }

    @Test
    void shouldRefuseUndeclaredKeysWhenStrict() throws Exception {
        final String[] k = ShardKeys.onDistinctShards(moon.server, "s", 2);
        try (TestServer strict = TestServer.start(4, "lua-strict-keys", "yes"); RawClient c = new RawClient(strict.port)) {
            assertEquals(List.of("lua-strict-keys", "yes"), c.run("CONFIG", "GET", "lua-strict-keys"));
            final Object r = c.run("EVAL", "return redis.call('get', ARGV[1])", "1", k[0], k[1]);
            assertTrue(r instanceof Resp.Err e && e.text().startsWith("ERR Script attempted to access key '" + k[1]
                    + "' that is not declared in KEYS (lua-strict-keys is on) script: "), String.valueOf(r));
            // even a key on the script's own shard
            final Object same = c.run("EVAL", "return redis.call('get', KEYS[1] .. '')  .. redis.call('get', '{" + k[0]
                    + "}x')", "1", "{" + k[0] + "}y");
            assertTrue(same instanceof Resp.Err e && e.text().contains("is not declared in KEYS"), String.valueOf(same));
            assertEquals(new Resp.Simple("OK"), c.run("EVAL", "return redis.call('set', KEYS[1], KEYS[2])", "2", k[0], k[1]));
            assertEquals(k[1], c.run("EVAL", "return redis.call('get', KEYS[1])", "1", k[0]));
            assertEquals(new Resp.Simple("OK"), c.run("CONFIG", "SET", "lua-strict-keys", "no"));
            assertEquals(k[1], c.run("EVAL", "return redis.call('get', ARGV[1])", "0", k[0]));
        }
    }

    @Test
    void shouldKeepWhatScriptsWriteInOtherDatabases() throws Exception {
        final String[] k = ShardKeys.onDistinctShards(moon.server, "odb", 2);
        try (RawClient c = new RawClient(moon.port)) {
            c.run("FLUSHALL");
            c.run("MSET", k[0], "a", k[1], "b");
            // declared keys on two shards, then MOVE / COPY ... DB / SELECT reach database 5
            final String s = "redis.call('move', KEYS[1], 5) redis.call('copy', KEYS[2], KEYS[1], 'db', 6)"
                    + " redis.call('select', 7) redis.call('set', KEYS[2], 'in7') return 1";
            assertEquals(1L, c.run("EVAL", s, "2", k[0], k[1]));
            assertEquals(1L, c.run("EVAL", "return 1", "2", k[0], k[1]));
            assertEquals(0L, c.run("EXISTS", k[0]));
            c.run("SELECT", "5");
            assertEquals("a", c.run("GET", k[0]));
            c.run("SELECT", "6");
            assertEquals("b", c.run("GET", k[0]));
            c.run("SELECT", "7");
            assertEquals("in7", c.run("GET", k[1]));
            c.run("SELECT", "0");
            assertEquals("b", c.run("GET", k[1]));
            c.run("FLUSHALL");
        }
    }
}
