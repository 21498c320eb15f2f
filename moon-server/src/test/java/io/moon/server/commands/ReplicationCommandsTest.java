package io.moon.server.commands;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ROLE and WAIT on a standalone server (no replicas), over sockets with 2 shards, compared byte
 * for byte with a real redis-server where 7.0 and 7.2 agree. WAITAOF is in wal.WaitAofTest.
 */
class ReplicationCommandsTest {
    private static TestServer moon;
    private static RedisServer redis;

    @BeforeAll
    static void start() throws Exception {
        moon = TestServer.start(2);
        redis = RedisServer.start();
    }

    @AfterAll
    static void stop() {
        moon.close();
        redis.close();
    }

    private static String text(final byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void shouldAnswerRoleAndImmediateWaitsAsRedis() throws Exception {
        final List<String[]> cases = List.of(
                new String[] {"ROLE"},
                new String[] {"WAIT", "0", "0"},
                new String[] {"WAIT", "-5", "10"},
                new String[] {"WAIT", "x", "0"},
                new String[] {"WAIT", "1", "-1"},
                new String[] {"WAIT", "1", "1.5"},
                new String[] {"WAIT", "1"},
                new String[] {"ROLE", "extra"});
        try (RawClient m = new RawClient(moon.port); RawClient r = new RawClient(redis.port)) {
            for (final String[] c : cases) {
                assertEquals(text(r.runRaw(c)), text(m.runRaw(c)), String.join(" ", c));
            }
            m.run("HELLO", "3");
            r.run("HELLO", "3");
            assertEquals(text(r.runRaw("ROLE")), text(m.runRaw("ROLE")));
        }
    }

    @Test
    void shouldNotBlockWaitInsideMultiOrScripts() throws Exception {
        try (RawClient m = new RawClient(moon.port)) {
            assertEquals("+OK", String.valueOf(m.run("MULTI")));
            assertEquals("+QUEUED", String.valueOf(m.run("WAIT", "1", "0")));
            assertEquals(List.of(0L), m.run("EXEC"));
            // Redis 7.2 lets scripts call WAIT (7.0 refused it); it cannot block there
            assertEquals(0L, m.run("EVAL", "return redis.call('wait', 1, 0)", "0"));
        }
    }

    @Test
    void shouldBlockWaitForItsTimeoutWithoutReplicas() throws Exception {
        try (RawClient m = new RawClient(moon.port)) {
            final long t0 = System.nanoTime();
            assertEquals(0L, m.run("WAIT", "1", "150"));
            assertTrue(System.nanoTime() - t0 >= 140_000_000L, "returned before its timeout");
            assertEquals("+PONG", String.valueOf(m.run("PING")), "the connection goes on after the wait");
        }
    }

    @Test
    void shouldEndAWaitOnClientUnblockAndLeaveNothingOnDisconnect() throws Exception {
        try (RawClient waiter = new RawClient(moon.port); RawClient admin = new RawClient(moon.port)) {
            final long id = (Long) waiter.run("CLIENT", "ID");
            waiter.send(io.moon.server.testing.Resp.command("WAIT", "1", "0"));
            assertNull(waiter.readRawWithin(100), "WAIT 1 0 blocks");
            assertTrue(info(admin).contains("blocked_clients:1"));
            assertTrue(((String) admin.run("CLIENT", "LIST", "ID", Long.toString(id))).contains("flags=b"));
            assertEquals(1L, admin.run("CLIENT", "UNBLOCK", Long.toString(id)));
            assertArrayEquals(":0\r\n".getBytes(StandardCharsets.US_ASCII), waiter.readRaw());
            waiter.send(io.moon.server.testing.Resp.command("WAIT", "3", "0"));
            assertNull(waiter.readRawWithin(50));
            assertEquals(1L, admin.run("CLIENT", "UNBLOCK", Long.toString(id), "ERROR"));
            assertEquals("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", text(waiter.readRaw()));

            waiter.send(io.moon.server.testing.Resp.command("WAIT", "1", "0"));
            assertNull(waiter.readRawWithin(50));
        }
        try (RawClient admin = new RawClient(moon.port)) {
            final long deadline = System.nanoTime() + 5_000_000_000L;
            while (!info(admin).contains("blocked_clients:0") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(info(admin).contains("blocked_clients:0"), "a closed waiter leaves nothing behind");
        }
    }

    private static String info(final RawClient c) throws Exception {
        return (String) c.run("INFO", "clients");
    }
}
