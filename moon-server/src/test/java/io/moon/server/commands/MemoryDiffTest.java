package io.moon.server.commands;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MEMORY USAGE/STATS/DOCTOR/MALLOC-STATS/HELP against redis-server: reply types, STATS's fields in order. */
class MemoryDiffTest {
    /** MEMORY STATS's field names (nested maps' keys after their db.N). */
    private static List<String> statsKeys(final Object reply) {
        final List<?> l = (List<?>) reply;
        final List<String> keys = new ArrayList<>();
        for (int i = 0; i < l.size(); i += 2) {
            keys.add(String.valueOf(l.get(i)));
            if (l.get(i + 1) instanceof List<?> nested) {
                for (int j = 0; j < nested.size(); j += 2) {
                    keys.add("  " + nested.get(j));
                }
            }
        }
        return keys;
    }

    @Test
    void shouldAnswerAsRedisDoes() throws Exception {
        try (RedisServer redis = RedisServer.start(); TestServer moon = TestServer.start(3);
             RawClient r = new RawClient(redis.port); RawClient m = new RawClient(moon.port)) {
            for (final RawClient c : List.of(r, m)) {
                c.run("SET", "k", "v");
                c.run("SELECT", "3");
                c.run("SET", "k3", "v");
                c.run("SELECT", "0");
            }
            assertEquals(statsKeys(r.run("MEMORY", "STATS")), statsKeys(m.run("MEMORY", "STATS")));
            assertInstanceOf(Long.class, m.run("MEMORY", "USAGE", "k"));
            assertTrue((Long) m.run("MEMORY", "USAGE", "k") > 0);
            assertEquals(r.run("MEMORY", "USAGE", "nosuch"), m.run("MEMORY", "USAGE", "nosuch"));
            assertEquals(String.valueOf(r.run("MEMORY", "USAGE", "k", "SAMPLES", "x")),
                    String.valueOf(m.run("MEMORY", "USAGE", "k", "SAMPLES", "x")));
            assertEquals(String.valueOf(r.run("MEMORY", "NOSUCH")), String.valueOf(m.run("MEMORY", "NOSUCH")));
            for (final String sub : new String[] {"DOCTOR", "MALLOC-STATS"}) {
                assertEquals(r.run("MEMORY", sub).getClass(), m.run("MEMORY", sub).getClass(), sub);
            }
            final List<?> help = (List<?>) m.run("MEMORY", "HELP");
            assertEquals(((List<?>) r.run("MEMORY", "HELP")).get(0), help.get(0));
            assertEquals("+HELP", String.valueOf(help.get(help.size() - 2)));
        }
    }

    @Test
    void shouldReportMemoryFindings() {
        final long mb = 1L << 20;
        assertTrue(ServerCommands.memoryReport(mb, mb, 40 * mb, 0, mb, 1024 * mb).startsWith("This server holds little"));
        assertTrue(ServerCommands.memoryReport(100 * mb, 110 * mb, 120 * mb, 0, 200 * mb, 1024 * mb)
                .startsWith("No memory problems found"));
        final String full = ServerCommands.memoryReport(95 * mb, 300 * mb, 400 * mb, 100 * mb, 950 * mb, 1000 * mb);
        assertTrue(full.contains("95% of maxmemory"), full);
        assertTrue(full.contains("The peak (300.00M)"), full);
        assertTrue(full.contains("4.21 times used_memory"), full);
        assertTrue(full.contains("The JVM heap is 95% full"), full);
    }
}
