package io.moon.server;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import io.moon.server.testing.ShardKeys;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Blocking stream reads against the real redis-server, byte for byte in RESP2 and RESP3: a client
 * blocks (XREAD / XREADGROUP BLOCK), another connection acts, and the first one's reply (or its
 * silence) must be the same on both servers. Moon runs 3 shards and the keys live on different ones.
 */
class StreamBlockingDiffTest {
    private static RedisServer redis;
    private static TestServer moon;
    private static String k1;
    private static String k2;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        moon = TestServer.start(3);
        final String[] k = ShardKeys.onDistinctShards(moon.server, "bs", 2);
        k1 = k[0];
        k2 = k[1];
    }

    @AfterAll
    static void stop() {
        if (moon != null) {
            moon.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** One scenario: setup, the blocking command, what the other connection does; the blocked reply. */
    private record Scenario(List<String[]> setup, String[] blocking, List<String[]> then) {
    }

    private static Scenario scenario(final String[] blocking, final String[]... then) {
        return new Scenario(List.of(), blocking, List.of(then));
    }

    private static String[] c(final String... args) {
        return args;
    }

    private static List<String[]> cmds(final String[]... commands) {
        return List.of(commands);
    }

    /** The blocked client's raw reply on one server (null: none within the wait), and the other's replies. */
    private static List<String> play(final int port, final int proto, final Scenario s, final int waitMillis)
            throws IOException, InterruptedException {
        final List<String> out = new ArrayList<>();
        try (RawClient a = new RawClient(port); RawClient b = new RawClient(port)) {
            a.run("HELLO", Integer.toString(proto));
            b.run("FLUSHALL");
            for (final String[] cmd : s.setup()) {
                out.add(String.valueOf(b.run(cmd)));
            }
            a.send(Resp.command(s.blocking()));
            awaitBlocked(b);
            for (final String[] cmd : s.then()) {
                out.add(String.valueOf(b.run(cmd)));
            }
            final byte[] reply = a.readRawWithin(waitMillis);
            out.add(reply == null ? "(no reply)" : new String(reply, StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    private static void awaitBlocked(final RawClient b) throws IOException, InterruptedException {
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!String.valueOf(b.run("INFO", "clients")).contains("blocked_clients:1\r\n")) {
            if (System.nanoTime() > end) {
                fail("the client never blocked");
            }
            Thread.sleep(2);
        }
    }

    private static void same(final Scenario s, final int waitMillis) throws Exception {
        for (final int proto : new int[] {2, 3}) {
            final List<String> want = play(redis.port, proto, s, waitMillis);
            final List<String> got = play(moon.port, proto, s, waitMillis);
            assertEquals(want, got, "RESP" + proto + " " + String.join(" ", s.blocking()));
        }
    }

    @Test
    void shouldServeWokenReadersAsRedisDoes() throws Exception {
        same(new Scenario(cmds(c("XADD", k1, "1-0", "old", "x")), c("XREAD", "BLOCK", "0", "STREAMS", k1, k2, "$", "$"),
                cmds(c("XADD", k2, "5-1", "f", "v", "g", "w"))), 2000);
        same(scenario(c("XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", k1, "0"), c("XADD", k1, "1-1", "a", "1")), 2000);
        same(new Scenario(cmds(c("XGROUP", "CREATE", k2, "g", "$", "MKSTREAM")),
                c("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", k2, ">"),
                cmds(c("XADD", k2, "2-0", "x", "y"), c("XPENDING", k2, "g"))), 2000);
        same(new Scenario(cmds(c("XGROUP", "CREATE", k1, "g", "$", "MKSTREAM"), c("XGROUP", "CREATE", k2, "g", "$",
                        "MKSTREAM")),
                c("XREADGROUP", "GROUP", "g", "bob", "NOACK", "BLOCK", "0", "STREAMS", k1, k2, ">", ">"),
                cmds(c("XADD", k1, "3-0", "n", "1"), c("XPENDING", k1, "g"))), 2000);
    }

    @Test
    void shouldStayBlockedOrEndAsRedisDoes() throws Exception {
        // an entry elsewhere, or below the ID waited for, leaves it waiting
        same(new Scenario(cmds(c("XADD", k1, "5-0", "f", "v")), c("XREAD", "BLOCK", "0", "STREAMS", k1, "9-0"),
                cmds(c("XADD", k2, "1-0", "f", "v"), c("XADD", k1, "6-0", "f", "v"))), 100);
        // a timeout
        same(scenario(c("XREAD", "BLOCK", "30", "STREAMS", k1, k2, "$", "$")), 2000);
        same(new Scenario(cmds(c("XGROUP", "CREATE", k1, "g", "$", "MKSTREAM")),
                c("XREADGROUP", "GROUP", "g", "c", "BLOCK", "30", "STREAMS", k1, ">"), cmds()), 2000);
    }

    @Test
    void shouldAnswerClientUnblockAsRedisDoes() throws Exception {
        for (final String how : new String[] {"TIMEOUT", "ERROR"}) {
            for (final int port : new int[] {redis.port, moon.port}) {
                try (RawClient a = new RawClient(port); RawClient b = new RawClient(port)) {
                    final long id = (Long) a.run("CLIENT", "ID");
                    a.send(Resp.command("XREAD", "BLOCK", "0", "STREAMS", k1, "$"));
                    awaitBlocked(b);
                    assertEquals(1L, b.run("CLIENT", "UNBLOCK", Long.toString(id), how));
                    final Object reply = a.read();
                    if (how.equals("TIMEOUT")) {
                        assertNull(reply);
                    } else {
                        assertEquals(new Resp.Err("UNBLOCKED client unblocked via CLIENT UNBLOCK"), reply);
                    }
                }
            }
        }
    }
}
