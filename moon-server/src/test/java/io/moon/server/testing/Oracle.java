package io.moon.server.testing;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One session run twice, against a fresh redis-server and a fresh 3-shard Moon, for differential
 * tests that script a conversation and describe each step's outcome as a line.
 */
public final class Oracle {
    private Oracle() {
    }

    /** A scripted conversation with the server on {@code port}: one line per step. */
    @FunctionalInterface
    public interface Session {
        List<String> run(int port) throws Exception;
    }

    /** Runs the session on both servers and requires the same lines, step by step; answers Redis's. */
    public static List<String> assertSameAsRedis(final Session session) throws Exception {
        final List<String> want;
        try (RedisServer redis = RedisServer.start()) {
            want = session.run(redis.port);
        }
        final List<String> got;
        try (TestServer moon = TestServer.start(3)) {
            got = session.run(moon.port);
        }
        for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
            assertEquals(want.get(i), got.get(i), "step " + i + " of " + want);
        }
        assertEquals(want.size(), got.size(), "steps: " + want + " / " + got);
        return want;
    }
}
