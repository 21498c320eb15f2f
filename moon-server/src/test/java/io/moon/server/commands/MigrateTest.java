package io.moon.server.commands;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.ShardKeys;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MIGRATE from Moon (2 shards) to a real redis-server and back: values, TTLs, COPY, REPLACE,
 * KEYS across shards, AUTH, and the replies of every failure compared with what a real Redis
 * answers for the same MIGRATE to the same target.
 */
class MigrateTest {
    private static TestServer moon;
    private static RedisServer target;
    private static RedisServer source;
    private static RedisServer locked;

    @BeforeAll
    static void start() throws Exception {
        moon = TestServer.start(2);
        target = RedisServer.start();
        source = RedisServer.start();
        locked = RedisServer.start("--requirepass", "secret");
    }

    @AfterAll
    static void stop() {
        moon.close();
        target.close();
        source.close();
        locked.close();
    }

    @BeforeEach
    void empty() throws Exception {
        for (final int port : new int[] {moon.port, target.port, source.port}) {
            try (RawClient c = new RawClient(port)) {
                c.run("FLUSHALL");
            }
        }
    }

    private static String text(final byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static String s(final Object o) {
        return String.valueOf(o);
    }

    @Test
    void shouldMoveAKeyWithItsTtlAndDeleteItHere() throws Exception {
        try (RawClient m = new RawClient(moon.port); RawClient t = new RawClient(target.port)) {
            m.run("RPUSH", "list", "a", "b", "c");
            m.run("PEXPIRE", "list", "100000");
            assertEquals("+OK", s(m.run("MIGRATE", "127.0.0.1", Integer.toString(target.port), "list", "3", "5000")));
            assertEquals(0L, m.run("EXISTS", "list"));
            t.run("SELECT", "3");
            assertEquals(List.of("a", "b", "c"), t.run("LRANGE", "list", "0", "-1"));
            final long ttl = (Long) t.run("PTTL", "list");
            assertTrue(ttl > 90_000 && ttl <= 100_000, "the TTL travels: " + ttl);
            // and back: a real Redis migrates into Moon (RESTORE of its payload)
            t.run("HSET", "h", "f", "v");
            assertEquals("+OK", s(t.run("MIGRATE", "127.0.0.1", Integer.toString(moon.port), "h", "0", "5000")));
            assertEquals(List.of("f", "v"), m.run("HGETALL", "h"));
        }
    }

    @Test
    void shouldMoveKeysOfSeveralShardsWithCopyAndReplace() throws Exception {
        final String[] keys = ShardKeys.onDistinctShards(moon.server, "mk", 2);
        try (RawClient m = new RawClient(moon.port); RawClient t = new RawClient(target.port)) {
            m.run("SET", keys[0], "one");
            m.run("SADD", keys[1], "x", "y");
            t.run("SET", keys[0], "old");
            final String port = Integer.toString(target.port);
            // without REPLACE the target refuses the existing key: the other one is moved
            final Object busy = m.run("MIGRATE", "127.0.0.1", port, "", "0", "5000", "KEYS", keys[0], keys[1], "missing");
            assertEquals("-ERR Target instance replied with error: BUSYKEY Target key name already exists.",
                    s(busy));
            assertEquals("one", m.run("GET", keys[0]), "refused: kept here");
            assertEquals(0L, m.run("EXISTS", keys[1]), "accepted: deleted here");
            assertEquals(2L, t.run("SCARD", keys[1]));
            assertEquals("+OK", s(m.run("MIGRATE", "127.0.0.1", port, "", "0", "5000", "COPY", "REPLACE",
                    "KEYS", keys[0])));
            assertEquals("one", m.run("GET", keys[0]), "COPY keeps it here");
            assertEquals("one", t.run("GET", keys[0]));
            assertEquals("+NOKEY", s(m.run("MIGRATE", "127.0.0.1", port, "", "0", "5000", "KEYS", "none1", "none2")));
        }
    }

    @Test
    void shouldAnswerFailuresAsRedis() throws Exception {
        final String port = Integer.toString(target.port);
        final String lockedPort = Integer.toString(locked.port);
        final List<String[]> cases = List.of(
                new String[] {"MIGRATE", "127.0.0.1", port, "k", "0", "5000", "BOGUS"},
                new String[] {"MIGRATE", "127.0.0.1", port, "k", "0", "5000", "AUTH"},
                new String[] {"MIGRATE", "127.0.0.1", port, "k", "0", "5000", "AUTH2", "u"},
                new String[] {"MIGRATE", "127.0.0.1", port, "k", "0", "5000", "KEYS", "k"},
                new String[] {"MIGRATE", "127.0.0.1", port, "k", "x", "5000"},
                new String[] {"MIGRATE", "127.0.0.1", port, "k", "0", "x"},
                new String[] {"MIGRATE", "127.0.0.1", port, "nokey", "0", "5000"},
                new String[] {"MIGRATE", "127.0.0.1", port, "k", "99", "5000"},
                new String[] {"MIGRATE", "127.0.0.1", lockedPort, "k", "0", "5000"},
                new String[] {"MIGRATE", "127.0.0.1", lockedPort, "k", "0", "5000", "AUTH", "wrong"},
                new String[] {"MIGRATE", "127.0.0.1", "1", "k", "0", "500"},
                new String[] {"MIGRATE", "127.0.0.1", port, "k"});
        try (RawClient m = new RawClient(moon.port); RawClient r = new RawClient(source.port)) {
            for (final String[] c : cases) {
                m.run("SET", "k", "v");
                r.run("SET", "k", "v");
                assertEquals(text(r.runRaw(c)), text(m.runRaw(c)), String.join(" ", c));
            }
            // with the right password it goes through
            assertEquals("+OK", s(m.run("MIGRATE", "127.0.0.1", lockedPort, "k", "0", "5000", "AUTH", "secret")));
            assertNull(m.run("GET", "k"));
        }
    }

    @Test
    void shouldKeepServingOtherKeysWhileAMigrationWaitsForItsTarget() throws Exception {
        // a "target" that accepts the connection and never answers: the migration waits for its timeout
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0);
             RawClient m = new RawClient(moon.port); RawClient other = new RawClient(moon.port)) {
            m.run("SET", "slow", "v");
            m.send(io.moon.server.testing.Resp.command("MIGRATE", "127.0.0.1", Integer.toString(silent.getLocalPort()),
                    "slow", "0", "1500"));
            assertEquals("+PONG", s(other.run("PING")));
            assertEquals("+OK", s(other.run("SET", "elsewhere", "1")), "other keys are served meanwhile");
            assertEquals("-IOERR error or timeout reading to target instance\r\n", text(m.readRaw()));
            assertEquals("v", m.run("GET", "slow"), "not acknowledged: kept");
        }
    }
}
