package io.moon.server.pubsub;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keyspace events the command-by-command diff cannot show: blocked clients served by another
 * client's push (compared with Redis 7.0), hash field expiry (Redis 7.4's hexpire, hexpired,
 * hpersist: the 7.0 oracle has no field TTLs, so the events are checked against 7.4's documented
 * names and order) and evictions.
 */
class NotificationEventsTest {
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

    /** Messages until the marker PUBLISH on "end" (bounded). */
    private static List<Object> until(final RawClient sub) throws Exception {
        final List<Object> got = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            final Object m = sub.read();
            if (m instanceof List<?> l && l.size() == 3 && "end".equals(l.get(1))) {
                return got;
            }
            got.add(m);
        }
        return got;
    }

    private static List<Object> blockedScenario(final int port) throws Exception {
        try (RawClient sub = new RawClient(port); RawClient a = new RawClient(port); RawClient b = new RawClient(port)) {
            b.run("FLUSHALL");
            b.run("CONFIG", "SET", "notify-keyspace-events", "KEA");
            sub.send(Resp.command("PSUBSCRIBE", "__key*@*__:*"));
            sub.read();
            sub.run("SUBSCRIBE", "end");
            a.send(Resp.command("BLPOP", "{q}l", "0"));
            Thread.sleep(100);
            b.run("RPUSH", "{q}l", "x", "y");
            final Object served = a.read();
            a.send(Resp.command("BLMOVE", "{q}src", "{q}dst", "LEFT", "RIGHT", "0"));
            Thread.sleep(100);
            b.run("LPUSH", "{q}src", "m");
            final Object moved = a.read();
            a.send(Resp.command("BZPOPMIN", "{q}z", "0"));
            Thread.sleep(100);
            b.run("ZADD", "{q}z", "1", "a");
            final Object popped = a.read();
            b.run("CONFIG", "SET", "notify-keyspace-events", "");
            b.run("PUBLISH", "end", "x");
            final List<Object> got = until(sub);
            got.add(List.of(served, moved, popped));
            return got;
        }
    }

    @Test
    void shouldNotifyServedBlockedClientsAsRedis() throws Exception {
        final List<Object> want = blockedScenario(redis.port);
        assertTrue(want.size() > 10, want.toString());
        assertEquals(want, blockedScenario(moon.port));
    }

    @Test
    void shouldNotifyHashFieldExpiry() throws Exception {
        try (RawClient sub = new RawClient(moon.port); RawClient c = new RawClient(moon.port)) {
            c.run("CONFIG", "SET", "notify-keyspace-events", "KEA");
            sub.send(Resp.command("SUBSCRIBE", "__keyspace@0__:fh", "end"));
            sub.read();
            sub.read();
            c.run("HSET", "fh", "a", "1", "b", "2", "c", "3");
            c.run("HPEXPIRE", "fh", "30", "FIELDS", "1", "a");
            c.run("HPERSIST", "fh", "FIELDS", "2", "a", "zz");
            c.run("HPEXPIRE", "fh", "30", "FIELDS", "1", "a");
            // the active cycle (or the next read) deletes the field: one "hexpired"
            for (int i = 0; i < 400 && Long.valueOf(3).equals(c.run("HLEN", "fh")); i++) {
                Thread.sleep(5);
            }
            c.run("HPEXPIREAT", "fh", "1", "FIELDS", "1", "b"); // in the past: deleted at once
            c.run("HPEXPIRE", "fh", "20", "FIELDS", "1", "c");
            for (int i = 0; i < 400 && Long.valueOf(1).equals(c.run("EXISTS", "fh")); i++) {
                Thread.sleep(5);
            }
            c.run("CONFIG", "SET", "notify-keyspace-events", "");
            c.run("PUBLISH", "end", "x");
            final List<String> events = new ArrayList<>();
            for (final Object m : until(sub)) {
                events.add((String) ((List<?>) m).get(2));
            }
            assertEquals(List.of("hset", "hexpire", "hpersist", "hexpire", "hexpired", "hexpired", "hexpire",
                    "hexpired", "del"), events);
        }
    }

    @Test
    void shouldNotifyEvictedKeys() throws Exception {
        try (TestServer small = TestServer.start(2); RawClient sub = new RawClient(small.port);
             RawClient c = new RawClient(small.port)) {
            c.run("CONFIG", "SET", "notify-keyspace-events", "Ee");
            sub.run("SUBSCRIBE", "__keyevent@0__:evicted");
            c.run("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
            final String value = "x".repeat(10_000);
            for (int i = 0; i < 400; i++) {
                c.run("SET", "ev" + i, value);
            }
            c.run("CONFIG", "SET", "maxmemory", "1mb");
            for (int i = 0; i < 50; i++) {
                c.run("SET", "more" + i, value);
            }
            final Object first = sub.read();
            assertTrue(first instanceof List<?> l && l.get(0).equals("message")
                    && l.get(1).equals("__keyevent@0__:evicted") && ((String) l.get(2)).matches("(ev|more)\\d+"),
                    String.valueOf(first));
            c.run("CONFIG", "SET", "maxmemory", "0");
        }
    }
}
