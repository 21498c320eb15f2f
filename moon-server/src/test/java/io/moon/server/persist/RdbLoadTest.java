package io.moon.server.persist;

import io.moon.server.testing.Harness;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading RDB files: Moon's own, Redis's, and what clients see while it happens. */
final class RdbLoadTest {
    @TempDir
    Path dir;

    /** Keys of several shapes: small and large ints, short, long and compressible strings. */
    private static Map<String, String> sample() {
        final Map<String, String> m = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            m.put("s:" + i, "value-" + i);
        }
        for (final long n : new long[] {0, -5, 127, -128, 300, -32768, 70000, -2147483648L, 1L << 40, Long.MIN_VALUE}) {
            m.put("n:" + n, Long.toString(n));
        }
        m.put("long", "x".repeat(5000) + "y".repeat(3000));
        m.put("text", "The quick brown fox jumps over the lazy dog. ".repeat(40));
        m.put("empty", "");
        m.put("bin", new String(new byte[] {0, (byte) 0xff, 13, 10}, StandardCharsets.ISO_8859_1));
        return m;
    }

    @Test
    void moonLoadsWhatItSaved() throws Exception {
        final Map<String, String> m = sample();
        try (Harness a = Harness.start(3, "dir", dir.toString())) {
            for (final var e : m.entrySet()) {
                assertOk(a.run("SET", e.getKey(), e.getValue()));
            }
            assertOk(a.run("SET", "ttl", "t", "EX", "10000"));
            assertOk(a.run("SET", "gone", "g", "PX", "1"));
            assertOk(a.run("SELECT", "5"));
            assertOk(a.run("SET", "in5", "five"));
            Thread.sleep(5);
            assertOk(a.run("SAVE"));
        }
        try (Harness b = Harness.start(2, "dir", dir.toString(), "enable-debug-command", "yes")) {
            assertTrue(persistence(b).contains("rdb_last_load_keys_loaded:0\r\n"), persistence(b));
            b.server.snapshots.loadAtStartup(null);
            assertTrue(b.server.snapshots.awaitLoaded(60_000));
            // as Redis's INFO: what the load inserted, and the key whose TTL had passed
            assertTrue(persistence(b).contains("rdb_last_load_keys_expired:1\r\n"), persistence(b));
            assertTrue(persistence(b).contains("rdb_last_load_keys_loaded:" + (m.size() + 2) + "\r\n"), persistence(b));
            assertOk(b.run("SET", "more", "m"));
            assertOk(b.run("DEBUG", "RELOAD"));
            assertTrue(persistence(b).contains("rdb_last_load_keys_expired:0\r\n"), persistence(b));
            assertTrue(persistence(b).contains("rdb_last_load_keys_loaded:" + (m.size() + 3) + "\r\n"), persistence(b));
            assertEquals(1L, b.run("DEL", "more"));
            check(b, m);
            final long ttl = (Long) b.run("TTL", "ttl");
            assertTrue(ttl > 9000 && ttl <= 10000, "ttl " + ttl);
            Harness.assertInt(0, b.run("EXISTS", "gone"));
            assertOk(b.run("SELECT", "5"));
            assertEquals("five", str(b.run("GET", "in5")));
        }
    }

    @Test
    void redisLoadsMoonsFile() throws Exception {
        final Map<String, String> m = sample();
        try (Harness a = Harness.start(3, "dir", dir.toString())) {
            for (final var e : m.entrySet()) {
                assertOk(a.run("SET", e.getKey(), e.getValue()));
            }
            assertOk(a.run("SELECT", "2"));
            assertOk(a.run("SET", "in2", "two", "EX", "5000"));
            assertOk(a.run("SAVE"));
        }
        try (RedisServer r = RedisServer.start("--dir", dir.toString(), "--dbfilename", "dump.rdb");
             Jedis j = new Jedis("127.0.0.1", r.port)) {
            assertEquals(m.size(), j.dbSize());
            for (final var e : m.entrySet()) {
                assertEquals(e.getValue(), new String(j.get(e.getKey().getBytes(StandardCharsets.ISO_8859_1)),
                        StandardCharsets.ISO_8859_1), e.getKey());
            }
            j.select(2);
            assertEquals("two", j.get("in2"));
            assertTrue(j.ttl("in2") > 4000);
        }
    }

    @Test
    void moonLoadsRedisFile() throws Exception {
        final Map<String, String> m = sample();
        final Path rdir = Files.createDirectories(dir.resolve("r"));
        try (RedisServer r = RedisServer.start("--dir", rdir.toString(), "--dbfilename", "dump.rdb");
             Jedis j = new Jedis("127.0.0.1", r.port)) {
            for (final var e : m.entrySet()) {
                j.set(e.getKey().getBytes(StandardCharsets.ISO_8859_1), e.getValue().getBytes(StandardCharsets.ISO_8859_1));
            }
            j.setex("ttl", 10000, "t");
            j.select(7);
            j.set("in7", "seven");
            assertEquals("OK", j.save());
        }
        try (Harness b = Harness.start(3, "dir", rdir.toString())) {
            b.server.snapshots.loadAtStartup(null);
            assertTrue(b.server.snapshots.awaitLoaded(60_000));
            check(b, m);
            assertTrue((Long) b.run("TTL", "ttl") > 9000);
            assertOk(b.run("SELECT", "7"));
            assertEquals("seven", str(b.run("GET", "in7")));
        }
    }

    @Test
    void clientsGetLoadingUntilTheDatasetIsIn() throws Exception {
        try (Harness h = Harness.start(3, "dir", dir.toString());
             PipedOutputStream feed = new PipedOutputStream();
             PipedInputStream in = new PipedInputStream(feed, 1 << 16)) {
            final ByteArrayOutputStream file = new ByteArrayOutputStream();
            file.writeBytes("REDIS0010".getBytes(StandardCharsets.US_ASCII));
            file.write(0xfe);
            file.write(0);
            file.write(0);
            file.write(1);
            file.write('k');
            file.write(1);
            file.write('v');
            final byte[] head = file.toByteArray();
            h.server.snapshots.startLoad(in, head.length + 9, "test", null);
            feed.write(head, 0, head.length - 3);
            feed.flush();
            assertErrorText("LOADING Redis is loading the dataset in memory", h.run("GET", "k"));
            assertErrorText("LOADING Redis is loading the dataset in memory", h.run("SET", "k", "x"));
            final String info = str(h.run("INFO", "persistence"));
            assertTrue(info.contains("loading:1\r\n") && info.contains("loading_total_bytes:"), info);
            assertTrue(h.run("LASTSAVE") instanceof Long, "LASTSAVE is allowed while loading");
            feed.write(head, head.length - 3, 3);
            feed.write(0xff);
            feed.write(new byte[8]);
            feed.close();
            assertTrue(h.server.snapshots.awaitLoaded(30_000));
            assertEquals("v", str(h.run("GET", "k")));
            assertTrue(str(h.run("INFO", "persistence")).contains("loading:0\r\n"));
        }
    }

    @Test
    void aWrongChecksumStopsTheLoad() throws Exception {
        try (Harness a = Harness.start(1, "dir", dir.toString())) {
            assertOk(a.run("SET", "k", "v"));
            assertOk(a.run("SAVE"));
        }
        final Path f = dir.resolve("dump.rdb");
        final byte[] b = Files.readAllBytes(f);
        b[b.length - 10] ^= 1; // the last byte of the value
        Files.write(f, b);
        try (Harness h = Harness.start(1, "dir", dir.toString())) {
            final java.util.concurrent.CompletableFuture<Exception> failed = new java.util.concurrent.CompletableFuture<>();
            h.server.snapshots.onFailedLoad(failed::complete);
            h.server.snapshots.loadAtStartup(null);
            final Exception e = failed.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(e.getMessage().startsWith("wrong RDB checksum"), e.getMessage());
        }
    }

    /** A version 10 file: one string key, then {@code tail} (raw bytes), EOF and a zero checksum. */
    private static byte[] fileWith(final byte[] tail) {
        final ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.writeBytes("REDIS0010".getBytes(StandardCharsets.US_ASCII));
        f.writeBytes(new byte[] {(byte) 0xfe, 0, 0, 1, 'k', 1, 'v'});
        f.writeBytes(tail);
        f.write(0xff);
        f.writeBytes(new byte[8]);
        return f.toByteArray();
    }

    private Exception failedLoad(final byte[] file) throws Exception {
        Files.write(dir.resolve("dump.rdb"), file);
        try (Harness h = Harness.start(2, "dir", dir.toString())) {
            final java.util.concurrent.CompletableFuture<Exception> failed = new java.util.concurrent.CompletableFuture<>();
            h.server.snapshots.onFailedLoad(failed::complete);
            h.server.snapshots.loadAtStartup(null);
            return failed.get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void moduleValuesStopTheLoadNamingThem() throws Exception {
        // a MODULE_2 value: type 7, key, then the 64-bit module id whose top 54 bits spell its name
        final String charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        long id = 0;
        for (final char ch : "ReJSON-RL".toCharArray()) {
            id = id << 6 | charset.indexOf(ch);
        }
        id <<= 10;
        final ByteArrayOutputStream mod = new ByteArrayOutputStream();
        mod.writeBytes(new byte[] {7, 3, 'd', 'o', 'c', (byte) 0x81});
        for (int i = 7; i >= 0; i--) {
            mod.write((int) (id >>> (8 * i)) & 0xff);
        }
        final Exception e2 = failedLoad(fileWith(mod.toByteArray()));
        assertTrue(e2.getMessage().contains("key 'doc'") && e2.getMessage().contains("module ReJSON-RL"),
                e2.getMessage());
    }

    private static String persistence(final Harness h) {
        return str(h.run("INFO", "persistence"));
    }

    private static void check(final Harness h, final Map<String, String> m) {
        Harness.assertInt(m.size() + 1, h.run("DBSIZE"));
        for (final var e : m.entrySet()) {
            assertEquals(e.getValue(), str(h.run("GET", e.getKey())), e.getKey());
        }
    }

    private static String str(final Object o) {
        if (o instanceof byte[] b) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        if (o instanceof Resp.Verbatim v) {
            return v.text();
        }
        return String.valueOf(o);
    }
}
