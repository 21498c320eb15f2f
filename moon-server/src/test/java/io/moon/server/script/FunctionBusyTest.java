package io.moon.server.script;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.moon.server.script.ScriptDiff.printable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Busy functions side by side with the real redis-server 7.0 (busy-reply-threshold 100 ms): other
 * clients get the BUSY error that names FUNCTION KILL, SCRIPT KILL refuses to stop a function and
 * FUNCTION KILL refuses to stop an EVAL script, FUNCTION STATS shows the running function, and
 * FUNCTION KILL stops it (its client gets Redis's error).
 */
class FunctionBusyTest {
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

    private static byte[] awaitBusy(final RawClient c) throws Exception {
        final long deadline = System.nanoTime() + 5_000_000_000L;
        byte[] r = null;
        while (System.nanoTime() < deadline) {
            r = c.runRaw("PING");
            if (r[0] == '-') {
                return r;
            }
            Thread.sleep(10);
        }
        return r;
    }

    private static final String LIB = "#!lua name=busy\n"
            + "redis.register_function('spin', function()\n  local i = 0\n  while true do i = i + 1 end\nend)\n";

    private static List<String> scenario(final int port) throws Exception {
        final List<String> seen = new ArrayList<>();
        try (RawClient runner = new RawClient(port); RawClient other = new RawClient(port)) {
            other.run("FUNCTION", "FLUSH");
            seen.add(printable(other.runRaw("FUNCTION", "LOAD", LIB)));
            other.run("CONFIG", "SET", "busy-reply-threshold", "100");
            runner.send(Resp.command("fcall", "spin", "0", "extra"));
            seen.add(printable(awaitBusy(other)));
            seen.add(printable(other.runRaw("SCRIPT", "KILL")));
            final List<?> stats = (List<?>) other.run("FUNCTION", "STATS");
            final List<?> running = (List<?>) stats.get(1);
            seen.add(running.get(0) + " " + running.get(1) + " " + running.get(2) + " " + running.get(3) + " " + running.get(4));
            assertTrue((Long) running.get(5) >= 100, "duration_ms " + running.get(5));
            seen.add(printable(other.runRaw("FUNCTION", "KILL")));
            seen.add(printable(runner.readRaw()));
            seen.add(printable(other.runRaw("FUNCTION", "KILL")));
            seen.add(printable(other.runRaw("FUNCTION", "STATS")));
            // an EVAL script: FUNCTION KILL is refused, SCRIPT KILL stops it
            runner.send(Resp.command("EVAL", "while true do end", "0"));
            seen.add(printable(awaitBusy(other)));
            seen.add(printable(other.runRaw("FUNCTION", "KILL")));
            seen.add(printable(other.runRaw("FUNCTION", "STATS")));
            seen.add(printable(other.runRaw("SCRIPT", "KILL")));
            seen.add(printable(runner.readRaw()).replaceAll("script: [0-9a-f]{40}", "script: SHA"));
            other.run("CONFIG", "SET", "busy-reply-threshold", "5000");
            other.run("FUNCTION", "FLUSH");
        }
        return seen;
    }

    @Test
    void shouldAnswerBusyStatsAndKillAsRedis() throws Exception {
        final List<String> want = scenario(redis.port);
        assertTrue(want.get(1).contains("FUNCTION KILL"), want.toString());
        assertEquals(want, scenario(moon.port));
    }
}
