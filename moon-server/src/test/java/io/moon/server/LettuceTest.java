package io.moon.server;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lettuce 7 against Moon on a real socket with 4 shards: RESP3 by default, RESP2 on request. */
@Tag("sockets")
class LettuceTest {
    private static TestServer server;
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;
    private static RedisCommands<String, String> redis;

    @BeforeAll
    static void start() {
        server = TestServer.start(4);
        client = RedisClient.create(uri().build());
        connection = client.connect();
        redis = connection.sync();
    }

    @AfterAll
    static void stop() {
        if (connection != null) {
            connection.close();
        }
        if (client != null) {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
        server.close();
    }

    private static RedisURI.Builder uri() {
        return RedisURI.builder().withHost("127.0.0.1").withPort(server.port).withTimeout(Duration.ofSeconds(10));
    }

    @BeforeEach
    void flush() {
        redis.flushall();
    }

    @Test
    void shouldHandshakeWithHelloAndSetinfo() {
        assertEquals("PONG", redis.ping());
        final String me = redis.clientInfo();
        assertTrue(me.contains(" resp=3 "), me); // HELLO 3 on connect
        assertTrue(me.contains(" lib-name=Lettuce"), me); // CLIENT SETINFO on connect
        assertTrue(redis.info("server").contains("redis_version:7.2.4"));
        assertFalse(redis.commandCount() < 50);
    }

    @Test
    void shouldRunTransactionsAcrossShardsAndHonourWatch() {
        assertEquals("OK", redis.multi());
        redis.set("tx:a", "1");
        redis.incr("tx:b");
        redis.mget("tx:a", "tx:b");
        final io.lettuce.core.TransactionResult r = redis.exec();
        assertFalse(r.wasDiscarded());
        assertEquals(3, r.size());
        assertEquals("OK", r.get(0));
        assertEquals(1L, (Long) r.get(1));
        try (StatefulRedisConnection<String, String> other = client.connect()) {
            assertEquals("OK", redis.watch("tx:a"));
            other.sync().set("tx:a", "changed");
            assertEquals("OK", redis.multi());
            redis.set("tx:a", "mine");
            assertTrue(redis.exec().wasDiscarded());
            assertEquals("changed", redis.get("tx:a"));
        }
        assertEquals("OK", redis.multi());
        redis.set("tx:c", "1");
        assertEquals("OK", redis.discard());
        assertEquals(0L, redis.exists("tx:c"));
    }

    @Test
    void shouldRunStringAndKeyCommands() {
        assertEquals("OK", redis.set("s", "hello"));
        assertEquals("hello", redis.get("s"));
        assertEquals(10, redis.append("s", "world"));
        assertEquals("world", redis.getrange("s", 5, -1));
        assertEquals(3L, redis.incrby("n", 3));
        assertEquals(2L, redis.decr("n"));
        assertFalse(redis.setnx("s", "x"));
        assertEquals(2L, redis.exists("s", "n", "missing"));
        assertEquals("string", redis.type("s"));
        assertEquals("OK", redis.rename("s", "t"));
        assertEquals(Set.of("t", "n"), new HashSet<>(redis.keys("*")));
        assertEquals(2L, redis.del("t", "n", "missing"));
        assertEquals(0L, redis.dbsize());
        final RedisCommandExecutionException e =
                assertThrows(RedisCommandExecutionException.class, () -> redis.rename("missing", "x"));
        assertEquals("ERR no such key", e.getMessage());
    }

    @Test
    void shouldExpireKeys() throws Exception {
        redis.set("e", "v", SetArgs.Builder.px(150));
        assertTrue(redis.pttl("e") > 0);
        redis.set("f", "v");
        assertTrue(redis.expire("f", 100));
        assertTrue(redis.ttl("f") > 90);
        assertTrue(redis.persist("f"));
        assertEquals(-1L, redis.ttl("f"));
        Thread.sleep(250);
        assertNull(redis.get("e"));
        assertEquals(-2L, redis.ttl("e"));
    }

    @Test
    void shouldSetAndGetManyKeysOnDifferentShards() {
        final Map<String, String> kv = new HashMap<>();
        final List<String> keys = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            kv.put("m" + i, "value" + i);
            keys.add("m" + i);
        }
        assertEquals("OK", redis.mset(kv));
        final List<KeyValue<String, String>> got = redis.mget(keys.toArray(new String[0]));
        for (int i = 0; i < 100; i++) {
            assertEquals("m" + i, got.get(i).getKey());
            assertEquals("value" + i, got.get(i).getValue());
        }
        final List<KeyValue<String, String>> some = redis.mget("m1", "missing");
        assertFalse(some.get(1).hasValue());
    }

    @Test
    void shouldPipelineWithoutAutoFlush() throws Exception {
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            final RedisAsyncCommands<String, String> async = c.async();
            c.setAutoFlushCommands(false);
            final List<RedisFuture<?>> futures = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                futures.add(async.set("p" + i, Integer.toString(i)));
                futures.add(async.incr("p" + i));
            }
            final RedisFuture<List<KeyValue<String, String>>> all = async.mget("p0", "p1", "p999");
            c.flushCommands();
            assertTrue(LettuceFutures.awaitAll(Duration.ofSeconds(10), futures.toArray(new RedisFuture[0])));
            for (int i = 0; i < 1000; i++) {
                assertEquals((long) i + 1, futures.get(2 * i + 1).get());
            }
            assertEquals(List.of("1", "2", "1000"), all.get().stream().map(KeyValue::getValue).toList());
            c.setAutoFlushCommands(true);
        }
    }

    @Test
    void shouldSpeakResp3AndResp2() {
        // RESP3: CONFIG GET is a map on the wire
        assertEquals(Map.of("databases", "16"), redis.configGet("databases"));
        final RedisClient resp2 = RedisClient.create(uri().build());
        resp2.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2).build());
        try (StatefulRedisConnection<String, String> c = resp2.connect()) {
            final RedisCommands<String, String> sync = c.sync();
            assertTrue(sync.clientInfo().contains(" resp=2 "));
            assertEquals(Map.of("databases", "16"), sync.configGet("databases"));
            assertEquals("OK", sync.set("k", "v"));
            assertEquals("v", redis.get("k"));
        } finally {
            resp2.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldSelectADatabase() {
        redis.set("where", "db0");
        try (StatefulRedisConnection<String, String> c = client.connect(uri().withDatabase(5).build())) {
            assertNull(c.sync().get("where"));
            c.sync().set("where", "db5");
            assertEquals(1L, c.sync().dbsize());
        }
        assertEquals("db0", redis.get("where"));
    }

    @Test
    void shouldAuthenticateWithRequirepass() {
        try (TestServer secured = TestServer.start(4, "requirepass", "s3cret")) {
            final RedisURI good = RedisURI.builder().withHost("127.0.0.1").withPort(secured.port)
                    .withPassword("s3cret".toCharArray()).withTimeout(Duration.ofSeconds(10)).build();
            final RedisClient c = RedisClient.create(good);
            try (StatefulRedisConnection<String, String> conn = c.connect()) {
                assertEquals("OK", conn.sync().set("a", "1"));
                assertTrue(conn.sync().clientInfo().contains(" resp=3 "));
            }
            final RedisURI bad = RedisURI.builder().withHost("127.0.0.1").withPort(secured.port)
                    .withPassword("wrong".toCharArray()).withTimeout(Duration.ofSeconds(10)).build();
            // Lettuce closes the channel when HELLO fails, and now and then reports that close
            // ("Connection closed prematurely") instead of the reply that caused it: every try must
            // fail, and Moon's WRONGPASS must come through in one of a few
            final List<String> causes = new ArrayList<>();
            for (int i = 0; i < 5 && causes.stream().noneMatch(m -> m.contains("WRONGPASS")); i++) {
                final RedisConnectionException e = assertThrows(RedisConnectionException.class, () -> c.connect(bad));
                Throwable t = e;
                while (t.getCause() != null) {
                    t = t.getCause();
                }
                causes.add(String.valueOf(t.getMessage()));
            }
            assertTrue(causes.stream().anyMatch(m -> m.contains("WRONGPASS")), causes.toString());
            c.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldScanEveryKeyOnce() {
        final Map<String, String> kv = new HashMap<>();
        for (int i = 0; i < 1500; i++) {
            kv.put("scan:" + i, "v");
        }
        redis.mset(kv);
        final Set<String> seen = new HashSet<>();
        final ScanIterator<String> it = ScanIterator.scan(redis, ScanArgs.Builder.limit(100).match("scan:*"));
        while (it.hasNext()) {
            assertTrue(seen.add(it.next()), "each key once");
        }
        assertEquals(kv.keySet(), seen);
    }

    @Test
    void shouldWaitInBlockingStreamReads() throws Exception {
        final String[] k = io.moon.server.testing.ShardKeys.onDistinctShards(server.server, "ls", 2);
        try (StatefulRedisConnection<String, String> other = client.connect()) {
            final RedisAsyncCommands<String, String> async = other.async();
            // XREAD BLOCK on two keys of different shards, from $
            final RedisFuture<List<io.lettuce.core.StreamMessage<String, String>>> read = async.xread(
                    io.lettuce.core.XReadArgs.Builder.block(5000),
                    io.lettuce.core.XReadArgs.StreamOffset.latest(k[0]),
                    io.lettuce.core.XReadArgs.StreamOffset.latest(k[1]));
            awaitBlockedClients(1);
            final String id = redis.xadd(k[1], Map.of("f", "v"));
            final List<io.lettuce.core.StreamMessage<String, String>> got = read.get(5, TimeUnit.SECONDS);
            assertEquals(1, got.size());
            assertEquals(k[1], got.get(0).getStream());
            assertEquals(id, got.get(0).getId());
            assertEquals(Map.of("f", "v"), got.get(0).getBody());
            // XREADGROUP BLOCK with '>' for a consumer of a group
            redis.xgroupCreate(io.lettuce.core.XReadArgs.StreamOffset.latest(k[0]), "g",
                    io.lettuce.core.XGroupCreateArgs.Builder.mkstream());
            final RedisFuture<List<io.lettuce.core.StreamMessage<String, String>>> group = async.xreadgroup(
                    io.lettuce.core.Consumer.from("g", "alice"), io.lettuce.core.XReadArgs.Builder.block(5000),
                    io.lettuce.core.XReadArgs.StreamOffset.lastConsumed(k[0]));
            awaitBlockedClients(1);
            final String id2 = redis.xadd(k[0], Map.of("a", "b"));
            assertEquals(id2, group.get(5, TimeUnit.SECONDS).get(0).getId());
            assertEquals(1L, redis.xpending(k[0], "g").getCount());
            // a timeout is an empty result
            assertTrue(async.xread(io.lettuce.core.XReadArgs.Builder.block(20),
                    io.lettuce.core.XReadArgs.StreamOffset.latest(k[0])).get(5, TimeUnit.SECONDS).isEmpty());
        }
    }

    /** Waits (bounded) until INFO reports {@code n} blocked clients. */
    private static void awaitBlockedClients(final long n) throws InterruptedException {
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!redis.info("clients").contains("blocked_clients:" + n + "\r\n")) {
            if (System.nanoTime() > end) {
                throw new AssertionError("blocked_clients never reached " + n + ": " + redis.info("clients"));
            }
            Thread.sleep(2);
        }
    }
}
