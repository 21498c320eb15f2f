package io.moon.bench;

import io.moon.protocol.HashSlot;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark's keys cross shards, and a short run counts exactly the moves it made. */
class TxThroughputTest {
    private static int slot(final String key) {
        final byte[] b = key.getBytes(StandardCharsets.UTF_8);
        return HashSlot.slot(b, 0, b.length);
    }

    @Test
    void shouldPickKeysOnDifferentShardsForEveryShardCountUpToEight() {
        final String[] k = TxThroughput.crossShardKeys();
        final String tag0 = k[0].substring(k[0].indexOf('{'), k[0].indexOf('}') + 1);
        assertTrue(!k[1].contains(tag0), "the keys share a hash tag: " + String.join(", ", k));
        for (int n = 2; n <= 8; n++) {
            assertNotEquals(slot(k[0]) % n, slot(k[1]) % n, "same shard with " + n + " shards");
        }
    }

    @Tag("sockets")
    @Test
    void shouldCountEveryMoveOnceAndKeepTheSum() throws Exception {
        try (TestServer s = TestServer.start(2)) {
            final String[] k = TxThroughput.crossShardKeys();
            final byte[] a = k[0].getBytes(StandardCharsets.UTF_8);
            final byte[] b = k[1].getBytes(StandardCharsets.UTF_8);
            assertNotEquals(s.server.shardOf(a, 0, a.length), s.server.shardOf(b, 0, b.length));
            final ByteArrayOutputStream text = new ByteArrayOutputStream();
            final long[] ops = TxThroughput.measure(s.port, 2, 1, 0, "both", ProcessHandle.current().pid(), new PrintStream(text, true, StandardCharsets.UTF_8));
            final String out = text.toString(StandardCharsets.UTF_8);
            assertTrue(ops[0] > 0 && ops[1] > 0, out);
            assertTrue(out.contains("multi  ops/s") && out.contains("eval   ops/s"), out);
            // the in-process server is this JVM: its CPU time is reported for each mode
            assertTrue(out.contains("multi  server cpu") && out.contains("eval   server cpu"), out);
            try (Jedis j = new Jedis("127.0.0.1", s.port, 10_000)) {
                // no warm-up: every INCRBY of k1 is a measured operation, and every one has its DECRBY
                assertEquals(ops[0] + ops[1], Long.parseLong(j.get(k[0])), out);
                assertEquals(-(ops[0] + ops[1]), Long.parseLong(j.get(k[1])), out);
            }
        }
    }

    @Test
    void shouldRefuseAnUnknownMode() {
        assertThrows(IllegalArgumentException.class,
                () -> TxThroughput.measure(1, 1, 1, 0, "pipeline", -1, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    }
}
