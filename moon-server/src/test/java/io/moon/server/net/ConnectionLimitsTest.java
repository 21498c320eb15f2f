package io.moon.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import io.moon.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** maxclients, timeout, tcp-keepalive and client-output-buffer-limit normal over real sockets. */
class ConnectionLimitsTest {
    /** Everything the server sends a new connection before closing it (10 s at most). */
    private static String refusal(final int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            final InputStream in = s.getInputStream();
            final ByteArrayOutputStream got = new ByteArrayOutputStream();
            final byte[] buf = new byte[256];
            for (int n; (n = in.read(buf)) >= 0; ) {
                got.write(buf, 0, n);
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void shouldRefuseTheClientBeyondMaxclientsAsRedisDoes() throws Exception {
        try (TestServer moon = TestServer.start(2, "maxclients", "2");
             RedisServer redis = RedisServer.start("--maxclients", "2")) {
            for (final int port : new int[] {moon.port, redis.port}) {
                try (RawClient a = new RawClient(port); RawClient b = new RawClient(port)) {
                    assertEquals(new Resp.Simple("PONG"), a.run("PING"));
                    assertEquals(new Resp.Simple("PONG"), b.run("PING"));
                    assertEquals("-ERR max number of clients reached\r\n", refusal(port), "port " + port);
                    assertEquals(new Resp.Simple("OK"), a.run("CONFIG", "SET", "maxclients", "3"));
                    try (RawClient c = new RawClient(port)) {
                        assertEquals(new Resp.Simple("PONG"), c.run("PING"));
                    }
                    assertEquals(new Resp.Simple("OK"), a.run("CONFIG", "SET", "maxclients", "2"));
                }
            }
        }
    }

    @Test
    void shouldCloseIdleClientsButNotSubscribedOrBlockedOnes() throws Exception {
        try (TestServer moon = TestServer.start(2, "timeout", "1");
             RawClient idle = new RawClient(moon.port);
             RawClient subscriber = new RawClient(moon.port);
             RawClient blocked = new RawClient(moon.port);
             RawClient active = new RawClient(moon.port)) {
            assertEquals(new Resp.Simple("PONG"), idle.run("PING"));
            assertEquals(List.of("subscribe", "news", 1L), subscriber.run("SUBSCRIBE", "news"));
            blocked.send(Resp.command("BLPOP", "queue", "0"));
            final long deadline = System.nanoTime() + 2_600_000_000L;
            while (System.nanoTime() < deadline) {
                assertEquals(new Resp.Simple("PONG"), active.run("PING"));
                Thread.sleep(200);
            }
            assertTrue(idle.closedWithin(1_000), "the idle client is closed after the timeout");
            // a fresh client from here: "active" may itself have idled past the timeout meanwhile
            try (RawClient pusher = new RawClient(moon.port)) {
                assertEquals(1L, pusher.run("PUBLISH", "news", "hello"));
                assertEquals(List.of("message", "news", "hello"), subscriber.read());
                assertEquals(1L, pusher.run("LPUSH", "queue", "job"));
                assertEquals(List.of("queue", "job"), blocked.read());
            }
            // once served it is an ordinary client again, and idles out like one
            assertTrue(blocked.closedWithin(3_000));
            assertFalse(subscriber.closedWithin(100));
        }
    }

    /** The keepalive timer of the server's side of each connection to the port, from ss, in seconds. */
    private static List<Long> keepaliveTimers(final int port) throws Exception {
        final Process p = new ProcessBuilder("ss", "-tnoH", "state", "established", "( sport = :" + port + " )")
            .redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        final List<Long> timers = new ArrayList<>();
        for (final String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            final Matcher m = Pattern.compile("timer:\\(keepalive,(?:(\\d+)min)?(?:(\\d+)sec)?(?:(\\d+)ms)?").matcher(line);
            timers.add(m.find() ? (m.group(1) == null ? 0 : Long.parseLong(m.group(1)) * 60)
                + (m.group(2) == null ? 0 : Long.parseLong(m.group(2))) : -1);
        }
        return timers;
    }

    @Test
    void shouldSetTcpKeepaliveOnEveryDriverAndFollowConfigSet() throws Exception {
        Assumptions.assumeTrue(new java.io.File("/usr/bin/ss").canExecute() || new java.io.File("/bin/ss").canExecute(),
            "ss (iproute2) is needed to read the socket's keepalive timer");
        final List<String> drivers = new ArrayList<>(List.of("nio"));
        for (final String d : List.of("epoll", "io_uring")) {
            try {
                Transport.select(d);
                drivers.add(d);
            } catch (final IllegalStateException unavailable) {
                // not on this kernel
            }
        }
        for (final String driver : drivers) {
            try (TestServer moon = TestServer.start(1, "io-driver", driver, "tcp-keepalive", "120")) {
                try (RawClient c = new RawClient(moon.port)) {
                    assertEquals(new Resp.Simple("PONG"), c.run("PING"));
                    final List<Long> t = keepaliveTimers(moon.port);
                    assertEquals(1, t.size(), driver + ": " + t);
                    assertTrue(t.getFirst() > 100 && t.getFirst() <= 120, driver + ": keepalive in " + t.getFirst() + "s");
                    assertEquals(new Resp.Simple("OK"), c.run("CONFIG", "SET", "tcp-keepalive", "0"));
                }
                try (RawClient c = new RawClient(moon.port)) {
                    assertEquals(new Resp.Simple("PONG"), c.run("PING"));
                    assertEquals(List.of(-1L), keepaliveTimers(moon.port), driver + ": keepalive off for new clients");
                }
            }
        }
    }

    @Test
    void shouldCloseANormalClientWhoseReplyPassesTheHardLimit() throws Exception {
        final String big = "x".repeat(2 * 1024 * 1024);
        try (TestServer moon = TestServer.start(2, "client-output-buffer-limit", "normal 1mb 0 0");
             RedisServer redis = RedisServer.start("--client-output-buffer-limit", "normal 1mb 0 0")) {
            for (final int port : new int[] {moon.port, redis.port}) {
                try (RawClient writer = new RawClient(port); RawClient reader = new RawClient(port)) {
                    assertEquals(new Resp.Simple("OK"), writer.run("SET", "big", big));
                    assertEquals(new Resp.Simple("OK"), writer.run("SET", "small", "v"));
                    assertEquals("v", reader.run("GET", "small"));
                    reader.send(Resp.command("GET", "big"));
                    assertTrue(reader.closedWithin(5_000), "port " + port);
                    assertEquals(new Resp.Simple("PONG"), writer.run("PING"));
                }
            }
        }
        // with no normal limit (the default) the same reply goes through
        try (TestServer moon = TestServer.start(2); RawClient c = new RawClient(moon.port)) {
            assertEquals(new Resp.Simple("OK"), c.run("SET", "big", big));
            assertEquals(big, c.run("GET", "big"));
        }
    }

    @Test
    void shouldCloseAClientPastTheQueryBufferLimitSetAtRunTime() throws Exception {
        try (TestServer moon = TestServer.start(2); RawClient admin = new RawClient(moon.port);
             Socket s = new Socket("127.0.0.1", moon.port)) {
            assertEquals(new Resp.Simple("OK"), admin.run("CONFIG", "SET", "client-query-buffer-limit", "1mb"));
            // an argument announced larger than the limit, sent in part: the server closes the connection
            s.getOutputStream().write("*2\r\n$4\r\nECHO\r\n$2000000\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(new byte[1_200_000]);
            s.setSoTimeout(5_000);
            int got;
            try {
                got = s.getInputStream().read();
            } catch (final java.net.SocketException reset) {
                got = -1; // closed with our bytes unread: the kernel answers with a reset
            }
            assertEquals(-1, got);
            assertEquals(new Resp.Simple("PONG"), admin.run("PING"));
        }
    }
}
