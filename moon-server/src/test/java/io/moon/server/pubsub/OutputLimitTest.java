package io.moon.server.pubsub;

import io.moon.server.testing.Harness;
import io.moon.server.testing.RawClient;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.net.Socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * client-output-buffer-limit over real sockets: a subscriber that never reads is disconnected
 * once its queued messages pass the pubsub hard limit, and the server goes on serving; CONFIG SET
 * and GET use Redis's forms.
 */
class OutputLimitTest {
    @Test
    void shouldDropASubscriberThatNeverReads() throws Exception {
        try (TestServer s = TestServer.start(2, "client-output-buffer-limit", "pubsub 1mb 256kb 60");
             Socket slow = new Socket("127.0.0.1", s.port);
             RawClient pub = new RawClient(s.port)) {
            slow.setReceiveBufferSize(4096);
            slow.getOutputStream().write("*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nfeed\r\n".getBytes());
            slow.getOutputStream().flush();
            final byte[] payload = new byte[64 * 1024];
            java.util.Arrays.fill(payload, (byte) 'x');
            final String message = new String(payload);
            for (int i = 0; i < 500; i++) { // the SUBSCRIBE is on its way: wait until it counts
                if (((java.util.List<?>) pub.run("PUBSUB", "NUMSUB", "feed")).get(1).equals(1L)) {
                    break;
                }
                Thread.sleep(10);
            }
            long received = -1;
            long published = 0;
            // bounded: 4000 x 64 KB is far past the limit plus any socket buffers
            for (int i = 0; i < 4000; i++) {
                received = (Long) pub.run("PUBLISH", "feed", message);
                published++;
                if (received == 0) {
                    break;
                }
            }
            assertEquals(0L, received, "the slow subscriber should have been dropped");
            assertTrue(published < 4000);
            final long omemBound = 1L << 20;
            assertTrue(published * payload.length > omemBound, "it took more than the limit to drop it");
            assertEquals(new io.moon.server.testing.Resp.Simple("PONG"), pub.run("PING"));
        }
    }

    /** Subscribers of {@code channel}, by PUBSUB NUMSUB. */
    private static long numsub(final RawClient c, final String channel) throws Exception {
        return (Long) ((java.util.List<?>) c.run("PUBSUB", "NUMSUB", channel)).get(1);
    }

    @Test
    void shouldDropASubscriberLeftOverTheSoftLimitAfterTrafficStops() throws Exception {
        // Redis's clientsCron checks the limits too: a burst that leaves a subscriber over the soft
        // limit gets it closed once the seconds pass, though nothing is published afterwards
        try (TestServer s = TestServer.start(3, "client-output-buffer-limit", "pubsub 0 100kb 2");
             Socket slow = new Socket("127.0.0.1", s.port);
             RawClient pub = new RawClient(s.port)) {
            slow.setReceiveBufferSize(4096);
            slow.getOutputStream().write("*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nfeed\r\n".getBytes());
            slow.getOutputStream().flush();
            for (int i = 0; i < 500 && numsub(pub, "feed") != 1; i++) {
                Thread.sleep(10);
            }
            final String message = "x".repeat(10_000);
            final java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
            final int n = 800; // 8 MB: far past the soft limit plus what the sockets hold
            for (int i = 0; i < n; i++) {
                burst.write(io.moon.server.testing.Resp.command("PUBLISH", "feed", message));
            }
            final long start = System.nanoTime();
            pub.send(burst.toByteArray());
            for (int i = 0; i < n; i++) {
                pub.read();
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(System.nanoTime() - start < 1_500_000_000L,
                    "the burst itself took about the soft limit's seconds");
            assertEquals(1L, numsub(pub, "feed"), "still within the soft limit's seconds");
            long left = 1;
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (left != 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                left = numsub(pub, "feed");
            }
            assertEquals(0L, left, "the subscriber stayed over the soft limit for longer than its seconds");
        }
    }

    @Test
    void shouldSetAndGetLimitsAsRedis() {
        try (Harness h = Harness.start(1)) {
            assertEquals(java.util.List.of("client-output-buffer-limit",
                    "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"),
                    h.run("CONFIG", "GET", "client-output-buffer-limit"));
            Harness.assertOk(h.run("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 512kb 10"));
            Harness.assertOk(h.run("CONFIG", "SET", "client-output-buffer-limit", "replica 1gb 2 3 normal 1 1 1"));
            assertEquals(java.util.List.of("client-output-buffer-limit",
                    "normal 1 1 1 slave 1073741824 2 3 pubsub 1048576 524288 10"),
                    h.run("CONFIG", "GET", "client-output-buffer-limit"));
            Harness.assertErrorText("ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit')"
                    + " - Wrong number of arguments in buffer limit configuration.",
                    h.run("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 2mb"));
            Harness.assertErrorText("ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit')"
                    + " - Invalid client class specified in buffer limit configuration.",
                    h.run("CONFIG", "SET", "client-output-buffer-limit", "master 1 2 3"));
            Harness.assertErrorText("ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit')"
                    + " - Error in hard, soft or soft_seconds setting in buffer limit configuration.",
                    h.run("CONFIG", "SET", "client-output-buffer-limit", "pubsub x 1 1"));
        }
    }
}
