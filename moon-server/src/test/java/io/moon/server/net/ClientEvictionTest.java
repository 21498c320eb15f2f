package io.moon.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moon.server.testing.Harness;
import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import io.moon.server.testing.TestServer;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** maxmemory-clients: clients whose buffers pass the limit are closed, largest first, as Redis does. */
class ClientEvictionTest {
    /** The first 2.6 MB of a SET whose value is announced as 5 MB: the server must hold it unparsed. */
    private static void sendHalfASet(final RawClient c) throws Exception {
        c.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5000000\r\n".getBytes(StandardCharsets.US_ASCII));
        final byte[] chunk = new byte[100_000];
        Arrays.fill(chunk, (byte) 'x');
        try {
            for (int i = 0; i < 26; i++) {
                c.send(chunk);
            }
        } catch (final java.net.SocketException closedMeanwhile) {
            // evicted before the last bytes went out: closedByServer sees it
        }
    }

    /** True when the server closed the connection within a few seconds (it sends nothing before). */
    private static boolean closedByServer(final RawClient c) throws Exception {
        try {
            return c.read() == Harness.Client.CLOSED;
        } catch (final SocketTimeoutException | java.net.SocketException e) {
            return e instanceof java.net.SocketException; // a reset: closed too
        }
    }

    private static long evictedClients(final RawClient c) throws Exception {
        final String info = c.run("INFO", "stats").toString();
        final int at = info.indexOf("evicted_clients:");
        return Long.parseLong(info.substring(at + 16, info.indexOf('\r', at)));
    }

    @Test
    void shouldEvictTheClientOverTheLimitAsRedisDoes() throws Exception {
        try (TestServer moon = TestServer.start(2, "maxmemory-clients", "1mb");
             RedisServer redis = RedisServer.start("--maxmemory-clients", "1mb")) {
            for (final int port : new int[] {moon.port, redis.port}) {
                try (RawClient small = new RawClient(port); RawClient big = new RawClient(port)) {
                    assertEquals(new Resp.Simple("PONG"), small.run("PING"));
                    sendHalfASet(big);
                    assertTrue(closedByServer(big), "port " + port);
                    assertEquals(new Resp.Simple("PONG"), small.run("PING"), "port " + port);
                    assertEquals(1, evictedClients(small), "port " + port);
                }
            }
        }
    }

    @Test
    void shouldSpareClientsWithNoEvictAndReadAPercentageOfMaxmemory() throws Exception {
        try (TestServer moon = TestServer.start(3, "maxmemory", "100mb", "maxmemory-clients", "10%");
             RedisServer redis = RedisServer.start("--maxmemory", "100mb", "--maxmemory-clients", "10%")) {
            for (final int port : new int[] {moon.port, redis.port}) {
                try (RawClient admin = new RawClient(port); RawClient spared = new RawClient(port);
                     RawClient big = new RawClient(port)) {
                    assertEquals("10%", ((java.util.List<?>) admin.run("CONFIG", "GET", "maxmemory-clients")).get(1));
                    assertEquals(new Resp.Simple("OK"), spared.run("CLIENT", "NO-EVICT", "on"));
                    sendHalfASet(spared);
                    Thread.sleep(300); // about 5 MB held by the exempt client alone: under 10% of 100 MB
                    assertEquals(0, evictedClients(admin), "port " + port);
                    sendHalfASet(big);
                    assertTrue(closedByServer(big), "port " + port);
                    assertEquals(1, evictedClients(admin), "port " + port);
                    final String list = admin.run("CLIENT", "LIST").toString();
                    assertEquals(2, list.split("\n").length, list);
                    assertEquals(new Resp.Simple("OK"), admin.run("CONFIG", "SET", "maxmemory-clients", "0"));
                    assertEquals(new Resp.Simple("OK"), admin.run("CONFIG", "RESETSTAT"));
                    assertEquals(0, evictedClients(admin), "port " + port);
                }
            }
        }
    }
}
