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

    private static String[] keys;
    private static final Resp.Simple OK = new Resp.Simple("OK");
    private static final Resp.Simple QUEUED = new Resp.Simple("QUEUED");

    private static String[] c(final String... args) {
        return args;
    }

    /**
     * Empties the keys, blocks a client with {@code block}, pipelines {@code pushes} in one write;
     * returns the pusher's replies, then the blocked client's reply, then what {@code after} reads.
     */
    private static List<Object> run(final String[] block, final String[] after, final String[]... pushes)
            throws IOException {
        try (RawClient b = new RawClient(server.port); RawClient p = new RawClient(server.port)) {
            p.run("DEL", keys[0], keys[1], keys[2]);
            awaitKeyWaiters(0); // the previous case's client is gone from every shard
            b.send(Resp.command(block));
            // registered on every shard holding one of its keys (BLPOP/BZPOPMIN: all but the timeout)
            final java.util.Set<Integer> shards = new java.util.HashSet<>();
            for (int i = 1; i < block.length - 1; i++) {
                final byte[] k = block[i].getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                shards.add(server.server.shardOf(k, 0, k.length));
            }
            awaitKeyWaiters(shards.size());
            p.send(pipeline(pushes));
            final Object[] out = new Object[pushes.length + 2];
            for (int i = 0; i < pushes.length; i++) {
                out[i] = p.read();
            }
            out[pushes.length] = b.read();
            out[pushes.length + 1] = p.run(after);
            return java.util.Arrays.asList(out);
        }
    }

    private static void awaitKeyWaiters(final int n) {
        final long deadline = System.currentTimeMillis() + 5_000;
        while (server.server.keyWaiters.get() != n) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("registrations: " + server.server.keyWaiters.get() + ", expected " + n);
            }
            Thread.onSpinWait();
        }
    }

        private static List<Object> want(final Object... replies) {
        return java.util.Arrays.asList(replies);
    }

    @Test
    void shouldServeTheBlockedClientBeforeThePushersNextCommand() throws IOException {
        keys = io.moon.server.testing.ShardKeys.onDistinctShards(server.server, "pw", 3);
        final String a = keys[0];
        final String b = keys[1];
        final String d = keys[2];
        for (int round = 0; round < 6; round++) {
            final String r = "round " + round;
            assertEquals(want(1L, null, List.of(b, "x"), 0L),
                    run(c("BLPOP", b, "0"), c("LLEN", b), c("RPUSH", b, "x"), c("LPOP", b)), r);
            // the key fed first wins, whatever the order of the shards
            assertEquals(want(1L, 1L, List.of(d, "x"), 1L),
                    run(c("BLPOP", a, d, b, "0"), c("LLEN", b), c("RPUSH", d, "x"), c("RPUSH", b, "y")), r);
            assertEquals(want(1L, 0L, List.of(d, "a", "1"), 0L),
                    run(c("BZPOPMIN", a, d, "0"), c("EXISTS", d), c("ZADD", d, "1", "a"), c("ZCARD", d)), r);
            // a transaction feeds the blocked client when it is done, not between its commands
            assertEquals(want(OK, QUEUED, QUEUED, List.of(1L, "x"), 1L, List.of(a, "y"), 0L),
                    run(c("BLPOP", a, "0"), c("LLEN", a), c("MULTI"), c("RPUSH", a, "x"), c("LPOP", a), c("EXEC"),
                            c("RPUSH", a, "y")), r);
            assertEquals(want(OK, QUEUED, List.of(1L), null, List.of(a, "x"), 0L),
                    run(c("BLPOP", a, "0"), c("LLEN", a), c("MULTI"), c("RPUSH", a, "x"), c("EXEC"), c("LPOP", a)), r);
            // several of its keys fed in one step, on one shard or several: the first of them in
            // argument order, as Redis 7.2 runs the blocked command again
            assertEquals(want(OK, QUEUED, QUEUED, List.of(1L, 1L), List.of(d, "b"), 1L),
                    run(c("BLPOP", b, d, a, "0"), c("LLEN", a), c("MULTI"), c("RPUSH", a, "a"), c("RPUSH", d, "b"),
                            c("EXEC")), r);
            assertEquals(want(1L, List.of(b, "b"), 1L),
                    run(c("BLPOP", d, b, a, "0"), c("LLEN", a),
                            c("EVAL", "redis.call('rpush', KEYS[1], 'a') return redis.call('rpush', KEYS[2], 'b')",
                                    "2", a, b)), r);
        }
    }
}
