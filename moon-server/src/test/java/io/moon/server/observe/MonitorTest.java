package io.moon.server.observe;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MONITOR's lines against redis-server's: what is shown, how it is quoted, in which order. */
class MonitorTest {
    private static final Pattern LINE =
            Pattern.compile("\\+(\\d{10})\\.(\\d{6}) \\[(\\d+) (127\\.0\\.0\\.1:(\\d+)|lua)\\]((?: \".*\")+)");

    /** The commands a client runs while another monitors (replies ignored). */
    private static final String[][] SCRIPT = {
        {"SET", "a", "x y\"z\n\u0001\\\t\u00e9"},
        {"GET", "nosuch"},
        {"INCR", "a"},                    // fails while running: still shown
        {"CONFIG", "GET", "maxmemory"},   // admin: hidden
        {"NOSUCHCMD", "x"},               // refused: hidden
        {"GET"},                          // wrong arity: hidden
        {"MSET", "k1", "1", "k2", "2", "k3", "3"},
        {"SELECT", "3"},
        {"MULTI"},
        {"SET", "q", "1"},
        {"INCR", "k1"},
        {"EXEC"},
        {"EVAL", "redis.call('set',KEYS[1],'1') return 1", "1", "b"},
        {"EVAL", "redis.call('select','7') redis.call('get',KEYS[1]) return 1", "1", "b"},
        {"PING"},
    };

    /** Runs the script on {@code port} with a monitor attached; returns the monitor's lines, normalised. */
    private static List<String> monitored(final int port) throws Exception {
        try (RawClient m = new RawClient(port); RawClient c = new RawClient(port)) {
            assertEquals("+OK", String.valueOf(m.run("MONITOR")));
            final String me = String.valueOf(c.run("CLIENT", "INFO")).replaceAll("(?s).*? addr=127\\.0\\.0\\.1:(\\d+) .*", "$1");
            for (final String[] cmd : SCRIPT) {
                c.run(cmd);
            }
            c.run("PING", "end");
            final List<String> lines = new ArrayList<>();
            final long deadline = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < deadline) {
                final Object o = m.read();
                final String line = "+" + ((Resp.Simple) o).text();
                final Matcher x = LINE.matcher(line);
                assertTrue(x.matches(), line);
                assertTrue(Math.abs(Long.parseLong(x.group(1)) - System.currentTimeMillis() / 1000) < 60, line);
                final String who = x.group(4).equals("lua") ? "lua" : x.group(5).equals(me) ? "client" : "other";
                lines.add("[" + x.group(3) + " " + who + "]" + x.group(6));
                if (x.group(6).equals(" \"PING\" \"end\"")) {
                    break;
                }
            }
            return lines;
        }
    }

    @Test
    void shouldShowWhatRedisShowsQuotedAsRedis() throws Exception {
        final List<String> want;
        try (RedisServer redis = RedisServer.start()) {
            want = monitored(redis.port);
        }
        try (TestServer moon = TestServer.start(3)) {
            assertEquals(want, monitored(moon.port));
        }
        assertTrue(want.contains("[0 client] \"SET\" \"a\" \"x y\\\"z\\n\\x01\\\\\\t\\xe9\""), want.toString());
    }

    @Test
    void shouldKeepEachConnectionsOrderAcrossShardsAndRefuseKeyspaceCommands() throws Exception {
        try (TestServer moon = TestServer.start(3);
             RawClient m = new RawClient(moon.port);
             RawClient c = new RawClient(moon.port)) {
            assertEquals("+OK", String.valueOf(m.run("MONITOR")));
            final StringBuilder pipeline = new StringBuilder();
            final int n = 200;
            for (int i = 0; i < n; i++) {
                pipeline.append(new String(Resp.command("SET", "key:" + i, Integer.toString(i)),
                        java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            c.send(pipeline.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            for (int i = 0; i < n; i++) {
                assertEquals("+OK", String.valueOf(c.read()));
            }
            int next = 0;
            final long deadline = System.currentTimeMillis() + 10_000;
            while (next < n && System.currentTimeMillis() < deadline) {
                final String line = ((Resp.Simple) m.read()).text();
                assertTrue(line.endsWith("\"SET\" \"key:" + next + "\" \"" + next + "\""), "in order: " + line);
                next++;
            }
            assertEquals(n, next);
            assertEquals("-ERR Replica can't interact with the keyspace", String.valueOf(m.run("GET", "x")));
            assertEquals("+PONG", String.valueOf(m.run("PING")));
            assertTrue(((Resp.Simple) m.read()).text().endsWith("\"PING\""), "a monitor sees its own commands");
            assertEquals("+RESET", String.valueOf(m.run("RESET")));
            c.run("SET", "after", "reset");
            assertEquals("reset", m.run("GET", "after"), "RESET ends MONITOR: keyspace commands work again");
        }
    }
}
