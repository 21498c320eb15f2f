package io.moon.server;

import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Jedis 8 against Moon on a real socket with 4 shards. */
@Tag("sockets")
class JedisTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(4);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Jedis connect() {
        // with a client config Jedis runs its connection handshake (CLIENT SETINFO, AUTH, SELECT...)
        return new Jedis("127.0.0.1", server.port, DefaultJedisClientConfig.builder().build());
    }

    @BeforeEach
    void flush() {
        try (Jedis j = connect()) {
            j.flushAll();
        }
    }

    @Test
    void shouldConnectAndIdentifyItself() {
        try (Jedis j = connect()) {
            assertEquals("PONG", j.ping());
            assertEquals("hi", j.echo("hi"));
            final String me = j.clientInfo();
            assertTrue(me.contains("lib-name=jedis"), me); // Jedis sends CLIENT SETINFO on connect
            assertTrue(j.info("server").contains("redis_version:7.2.4"));
        }
    }

    @Test
    void shouldAuthenticateAsAnAclUser() {
        try (Jedis admin = connect()) {
            assertEquals("OK", admin.aclSetUser("app", "on", ">secret", "~app:*", "+@read", "+@write", "+acl|whoami"));
        }
        for (final RedisProtocol proto : List.of(RedisProtocol.RESP2, RedisProtocol.RESP3)) {
            try (Jedis j = new Jedis("127.0.0.1", server.port, DefaultJedisClientConfig.builder().user("app")
                    .password("secret").protocol(proto).build())) {
                assertEquals("app", j.aclWhoAmI());
                assertEquals("OK", j.set("app:1", "v"));
                assertEquals("v", j.get("app:1"));
                final JedisDataException e = assertThrows(JedisDataException.class, () -> j.get("other"));
                assertEquals("NOPERM No permissions to access a key", e.getMessage());
            }
        }
        assertThrows(redis.clients.jedis.exceptions.JedisAccessControlException.class, () -> new Jedis("127.0.0.1",
                server.port, DefaultJedisClientConfig.builder().user("app").password("wrong").build()).ping());
        try (Jedis admin = connect()) {
            admin.aclDelUser("app");
        }
    }

    @Test
    void shouldRunStringCommands() {
        try (Jedis j = connect()) {
            assertEquals("OK", j.set("s", "hello"));
            assertEquals("hello", j.get("s"));
            assertEquals(10, j.append("s", "world"));
            assertEquals("lowo", j.getrange("s", 3, 6));
            assertEquals(10, j.setrange("s", 0, "J"));
            assertEquals("Jelloworld", j.get("s"));
            assertEquals(10, j.strlen("s"));
            assertEquals(5, j.incrBy("n", 5));
            assertEquals(4, j.decr("n"));
            j.set("n", "4.5");
            assertEquals(0, j.setnx("s", "x"));
            assertEquals("Jelloworld", j.getSet("s", "new"));
            assertEquals("new", j.getDel("s"));
            assertNull(j.get("s"));
            final JedisDataException e = assertThrows(JedisDataException.class, () -> j.incr("n"));
            assertEquals("ERR value is not an integer or out of range", e.getMessage());
        }
    }

    @Test
    void shouldRunKeyCommandsAcrossShards() {
        try (Jedis j = connect()) {
            for (int i = 0; i < 20; i++) {
                j.set("k" + i, "v" + i);
            }
            assertEquals(20, j.dbSize());
            assertEquals(3, j.exists("k1", "k2", "k3", "nope"));
            assertEquals("string", j.type("k1"));
            assertEquals("OK", j.rename("k1", "renamed"));
            assertFalse(j.exists("k1"));
            assertEquals("v1", j.get("renamed"));
            assertEquals(20, j.keys("*").size());
            assertEquals(Set.of("k10", "k11", "k12", "k13", "k14", "k15", "k16", "k17", "k18", "k19"),
                    j.keys("k1?"));
            assertTrue(j.randomKey() != null);
            assertEquals(5, j.del("k2", "k3", "k4", "k5", "k6", "nope"));
            assertEquals(15, j.dbSize());
            assertEquals(2, j.unlink("k7", "k8"));
        }
    }

    @Test
    void shouldExpireKeys() throws Exception {
        try (Jedis j = connect()) {
            j.set("e", "v", SetParams.setParams().px(150));
            assertTrue(j.pttl("e") > 0 && j.pttl("e") <= 150);
            j.set("f", "v");
            assertEquals(-1, j.ttl("f"));
            assertEquals(1, j.expire("f", 100));
            assertTrue(j.ttl("f") > 90);
            assertEquals(1, j.persist("f"));
            assertEquals(-1, j.ttl("f"));
            assertEquals(-2, j.ttl("missing"));
            j.setex("g", 100, "v");
            assertTrue(j.expireTime("g") > System.currentTimeMillis() / 1000);
            Thread.sleep(250);
            assertNull(j.get("e"));
            assertFalse(j.exists("e"));
        }
    }

    @Test
    void shouldSetAndGetManyKeysOnDifferentShards() {
        try (Jedis j = connect()) {
            final List<String> kv = new ArrayList<>();
            final List<String> keys = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                kv.add("m" + i);
                kv.add("value" + i);
                keys.add("m" + i);
            }
            assertEquals("OK", j.mset(kv.toArray(new String[0])));
            final List<String> values = j.mget(keys.toArray(new String[0]));
            for (int i = 0; i < 100; i++) {
                assertEquals("value" + i, values.get(i));
            }
            assertEquals(java.util.Arrays.asList("value0", null, "value99"), j.mget("m0", "nope", "m99"));
            assertEquals(0, j.msetnx("m0", "x", "fresh", "y"));
            assertNull(j.get("fresh"));
            assertEquals(1, j.msetnx("fresh1", "x", "fresh2", "y"));
        }
    }

    @Test
    void shouldPipeline() {
        try (Jedis j = connect()) {
            final Pipeline p = j.pipelined();
            final List<Response<String>> sets = new ArrayList<>();
            final List<Response<Long>> incrs = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                sets.add(p.set("p" + i, Integer.toString(i)));
                incrs.add(p.incr("p" + i));
            }
            final Response<List<String>> all = p.mget("p0", "p1", "p499");
            p.sync();
            for (int i = 0; i < 500; i++) {
                assertEquals("OK", sets.get(i).get());
                assertEquals(i + 1, incrs.get(i).get());
            }
            assertEquals(List.of("1", "2", "500"), all.get());
        }
    }

    @Test
    void shouldKeepDatabasesApart() {
        final DefaultJedisClientConfig db3 = DefaultJedisClientConfig.builder().database(3).build();
        try (Jedis a = connect(); Jedis b = new Jedis("127.0.0.1", server.port, db3)) {
            a.set("shared", "db0");
            assertNull(b.get("shared"));
            b.set("shared", "db3");
            assertEquals("db0", a.get("shared"));
            assertEquals("OK", a.select(3));
            assertEquals("db3", a.get("shared"));
            assertEquals(1, a.dbSize());
        }
    }

    @Test
    void shouldScanEveryKeyOnceWithScanParams() {
        try (Jedis j = connect()) {
            final Set<String> expected = new HashSet<>();
            final List<String> kv = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                kv.add("scan:" + i);
                kv.add("v");
                if (Integer.toString(i).startsWith("1")) {
                    expected.add("scan:" + i);
                }
            }
            j.mset(kv.toArray(new String[0]));
            j.set("other", "x");
            final Set<String> seen = new HashSet<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            int rounds = 0;
            do {
                final ScanResult<String> r = j.scan(cursor, new ScanParams().match("scan:1*").count(100));
                for (final String k : r.getResult()) {
                    assertTrue(k.startsWith("scan:1"), k);
                    seen.add(k);
                }
                cursor = r.getCursor();
                rounds++;
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START) && rounds < 10_000);
            assertEquals(expected, seen);
            final Set<String> all = new HashSet<>();
            cursor = ScanParams.SCAN_POINTER_START;
            do {
                final ScanResult<String> r = j.scan(cursor, new ScanParams().count(500));
                all.addAll(r.getResult());
                cursor = r.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            assertEquals(2001, all.size());
        }
    }

    @Test
    void shouldAuthenticateWithRequirepass() {
        try (TestServer secured = TestServer.start(4, "requirepass", "s3cret")) {
            final DefaultJedisClientConfig good = DefaultJedisClientConfig.builder().password("s3cret").build();
            try (Jedis j = new Jedis("127.0.0.1", secured.port, good)) {
                assertEquals("OK", j.set("a", "1"));
                assertEquals("1", j.get("a"));
            }
            try (Jedis j = new Jedis("127.0.0.1", secured.port)) {
                final JedisDataException e = assertThrows(JedisDataException.class, () -> j.get("a"));
                assertTrue(e.getMessage().startsWith("NOAUTH"), e.getMessage());
                assertEquals("OK", j.auth("s3cret"));
                assertEquals("1", j.get("a"));
            }
            final DefaultJedisClientConfig bad = DefaultJedisClientConfig.builder().password("wrong").build();
            final Exception e = assertThrows(Exception.class, () -> {
                try (Jedis j = new Jedis("127.0.0.1", secured.port, bad)) {
                    j.ping();
                }
            });
            assertTrue(String.valueOf(e.getMessage()).contains("WRONGPASS")
                    || String.valueOf(e.getCause()).contains("WRONGPASS"), e.toString());
        }
    }

    @Test
    void shouldSpeakResp3() {
        final DefaultJedisClientConfig resp3 = DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP3).build();
        try (Jedis j = new Jedis("127.0.0.1", server.port, resp3)) {
            assertEquals("OK", j.set("r3", "v"));
            assertEquals("v", j.get("r3"));
            assertEquals(List.of("v"), j.mget("r3"));
            assertTrue(j.clientInfo().contains("resp=3"));
            assertEquals("16", j.configGet("databases").get("databases"));
        }
    }
}
