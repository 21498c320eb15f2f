package io.moon.server.observe;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * INFO stats' eventloop_* fields (Redis 7.2) count the shards' loop turns and the time they work:
 * they grow with traffic, command time is part of the working time, the per-second figures fill
 * in from the cron's samples, and CONFIG RESETSTAT starts the sums again.
 */
class EventLoopStatsTest {
    private static Map<String, String> stats(final RawClient c) throws Exception {
        return InfoParityTest.sections(String.valueOf(c.run("INFO", "stats"))).get("Stats");
    }

    private static long num(final Map<String, String> m, final String f) {
        return Long.parseLong(m.get(f));
    }

    @Test
    void shouldCountTurnsAndWorkingTime() throws Exception {
        try (TestServer m = TestServer.start(3); RawClient c = new RawClient(m.port)) {
            for (int i = 0; i < 2000; i++) {
                c.run("SET", "k" + i, "v");
            }
            Map<String, String> s = stats(c);
            final String all = s.toString();
            // one client's 2000 round trips take at least one turn each on its connection's loop
            assertTrue(num(s, "eventloop_cycles") >= 2000, all);
            assertTrue(num(s, "eventloop_duration_cmd_sum") > 0, all);
            // the working time is estimated from one turn in 16; it holds the commands' time
            assertTrue(num(s, "eventloop_duration_sum") * 2 >= num(s, "eventloop_duration_cmd_sum"), all);
            final long deadline = System.currentTimeMillis() + 5000;
            while ((num(s, "instantaneous_eventloop_cycles_per_sec") == 0
                    || num(s, "instantaneous_eventloop_duration_usec") == 0) && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
                c.run("PING");
                s = stats(c);
            }
            assertTrue(num(s, "instantaneous_eventloop_cycles_per_sec") > 0, s.toString());
            assertTrue(num(s, "instantaneous_eventloop_duration_usec") > 0, s.toString());

            c.run("CONFIG", "RESETSTAT");
            final Map<String, String> after = stats(c);
            assertTrue(num(after, "eventloop_cycles") < 1000, after.toString());
            assertTrue(num(after, "eventloop_duration_cmd_sum") < num(s, "eventloop_duration_cmd_sum"), after.toString());
        }
    }
}
