package io.moon.server.blocking;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.Resp;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A client blocked on keys is served right after the command that fed one of them, before the
 * next command, even when the pusher pipelines its commands in one write and they run on other
 * shards than its connection's (where they could be batched, net.PipelineBatch). 3 shards; every
 * case runs from six pusher connections, so the pusher's shard is each of the keys' shards in turn.
 */
class PipelinedWakeTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(3);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static byte[] pipeline(final String[]... commands) {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (final String[] c : commands) {
            b.writeBytes(Resp.command(c));
        }
        return b.toByteArray();
    }

    /** Blocks a client with {@code block}, pipelines {@code pushes}; returns [pusher's replies..., blocked's reply]. */
    private static List<Object> run(final String[] block, final String[]... pushes) throws IOException {
        try (RawClient b = new RawClient(server.port); RawClient p = new RawClient(server.port)) {
            b.send(Resp.command(block));
            final long deadline = System.currentTimeMillis() + 5_000;
            while (server.server.keyWaiters.get() == 0 && System.currentTimeMillis() < deadline) {
                Thread.onSpinWait();
            }
            p.send(pipeline(pushes));
            final Object[] out = new Object[pushes.length + 1];
            for (int i = 0; i < pushes.length; i++) {
                out[i] = p.read();
            }
            out[pushes.length] = b.read();
            return java.util.Arrays.asList(out);
        }
    }

    @Test
    void shouldServeTheBlockedClientBeforeThePushersNextCommand() throws IOException {
        final String[] k = io.moon.server.testing.ShardKeys.onDistinctShards(server.server, "pw", 3);
        for (int round = 0; round < 6; round++) {
            try (RawClient w = new RawClient(server.port)) {
                w.run("DEL", k[0], k[1], k[2]);
            }
            assertEquals(java.util.Arrays.asList(1L, null, List.of(k[1], "x")),
                    run(new String[] {"BLPOP", k[1], "0"}, new String[] {"RPUSH", k[1], "x"},
                            new String[] {"LPOP", k[1]}), "round " + round);
            // the key fed first wins, whatever the order of the shards
            assertEquals(List.of(1L, 1L, List.of(k[2], "x")),
                    run(new String[] {"BLPOP", k[0], k[2], k[1], "0"}, new String[] {"RPUSH", k[2], "x"},
                            new String[] {"RPUSH", k[1], "y"}), "round " + round);
            assertEquals(List.of(1L, 0L, List.of(k[2], "a", "1")),
                    run(new String[] {"BZPOPMIN", k[0], k[2], "0"}, new String[] {"ZADD", k[2], "1", "a"},
                            new String[] {"ZCARD", k[2]}), "round " + round);
            try (RawClient w = new RawClient(server.port)) {
                assertEquals(1L, w.run("LLEN", k[1])); // y stayed
                assertEquals(0L, w.run("EXISTS", k[2]));
            }
        }
    }
}
