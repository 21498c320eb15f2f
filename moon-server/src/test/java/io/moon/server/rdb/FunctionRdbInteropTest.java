package io.moon.server.rdb;

import io.moon.server.testing.Harness;
import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Function libraries in snapshots and FUNCTION DUMP payloads, between Moon and a real
 * redis-server 7.0: Redis loads Moon's dump.rdb (FUNCTION2 records) and lists the same
 * libraries; Moon loads Redis's dump.rdb and runs its functions; DUMP payloads restore both ways.
 */
final class FunctionRdbInteropTest {
    @TempDir
    Path dir;

    static final String LIB_A = "#!lua name=liba\n"
            + "redis.register_function('fa', function(keys, args) return redis.call('incr', keys[1]) end)\n"
            + "redis.register_function{function_name='fb', callback=function(keys) return redis.call('get', keys[1]) end,"
            + " flags={'no-writes', 'allow-stale'}, description='reads'}\n";
    static final String LIB_B = "#!lua name=libb\nredis.register_function('gb', function() return 'b' end)\n";

    /** FUNCTION LIST WITHCODE as library name to its fields, functions sorted by name (Redis's order is a hash's). */
    static Map<String, String> normalized(final Object list) {
        final Map<String, String> out = new TreeMap<>();
        for (final Object o : (List<?>) list) {
            final List<?> lib = (List<?>) o;
            final List<String> fns = new ArrayList<>();
            for (final Object f : (List<?>) lib.get(5)) {
                fns.add(f.toString());
            }
            fns.sort(null);
            out.put(lib.get(1).toString(), lib.get(3) + " " + fns + " " + (lib.size() > 7 ? lib.get(7) : ""));
        }
        return out;
    }

    private static Object redis(final RawClient r, final String... args) throws Exception {
        r.send(Resp.command(args));
        return r.read();
    }

    @Test
    void redisLoadsMoonsSnapshotWithItsFunctions() throws Exception {
        final Map<String, String> listed;
        try (Harness h = Harness.start(3, "dir", dir.toString())) {
            assertEquals("liba", h.run("FUNCTION", "LOAD", LIB_A));
            assertEquals("libb", h.run("FUNCTION", "LOAD", LIB_B));
            listed = normalized(h.run("FUNCTION", "LIST", "WITHCODE"));
            assertOk(h.run("SET", "k", "41"));
            assertOk(h.run("SAVE"));
        }
        final Path file = dir.resolve("dump.rdb");
        final java.io.ByteArrayOutputStream checked = new java.io.ByteArrayOutputStream();
        assertEquals(0, io.moon.storage.rdb.RdbCheck.run(file, new java.io.PrintStream(checked, true, StandardCharsets.UTF_8),
                System.err));
        assertTrue(checked.toString(StandardCharsets.UTF_8).contains("function library liba\nfunction library libb\n"),
                checked.toString(StandardCharsets.UTF_8));
        final Process p = new ProcessBuilder("redis-check-rdb", file.toString()).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        try (RedisServer rs = RedisServer.start("--dir", dir.toString(), "--dbfilename", "dump.rdb");
             RawClient r = new RawClient(rs.port)) {
            assertEquals(listed, normalized(redis(r, "FUNCTION", "LIST", "WITHCODE")));
            assertEquals(42L, redis(r, "FCALL", "fa", "1", "k"));
        }
    }

    @Test
    void moonLoadsRedissSnapshotWithItsFunctions() throws Exception {
        final Map<String, String> listed;
        final Object dump;
        try (RedisServer rs = RedisServer.start("--dir", dir.toString(), "--dbfilename", "dump.rdb");
             RawClient r = new RawClient(rs.port)) {
            redis(r, "FUNCTION", "LOAD", LIB_A);
            redis(r, "FUNCTION", "LOAD", LIB_B);
            redis(r, "SET", "k", "9");
            listed = normalized(redis(r, "FUNCTION", "LIST", "WITHCODE"));
            dump = redis(r, "FUNCTION", "DUMP");
            assertTrue(redis(r, "SAVE").toString().endsWith("OK"));
        }
        try (Harness h = Harness.start(3, "dir", dir.toString())) {
            h.server.snapshots.loadAtStartup(null);
            assertTrue(h.server.snapshots.awaitLoaded(60_000));
            assertEquals(listed, normalized(h.run("FUNCTION", "LIST", "WITHCODE")));
            assertEquals(10L, h.run("FCALL", "fa", "1", "k"));
            assertEquals("10", h.run("FCALL_RO", "fb", "1", "k"));
            // Redis's FUNCTION DUMP payload restores in Moon
            assertOk(h.run("FUNCTION", "FLUSH"));
            assertOk(restore(h, ((String) dump).getBytes(StandardCharsets.ISO_8859_1)));
            assertEquals(listed, normalized(h.run("FUNCTION", "LIST", "WITHCODE")));
        }
    }

    @Test
    void debugReloadKeepsTheLibrariesOfTheFile() throws Exception {
        try (Harness h = Harness.start(3, "dir", dir.toString(), "enable-debug-command", "yes")) {
            h.run("FUNCTION", "LOAD", LIB_A);
            h.run("FUNCTION", "LOAD", LIB_B);
            final Map<String, String> listed = normalized(h.run("FUNCTION", "LIST", "WITHCODE"));
            assertOk(h.run("DEBUG", "RELOAD"));
            assertEquals(listed, normalized(h.run("FUNCTION", "LIST", "WITHCODE")));
            assertEquals("b", h.run("FCALL", "gb", "0"));
        }
    }

    @Test
    void moonsDumpPayloadRestoresInRedis() throws Exception {
        final byte[] payload;
        final Map<String, String> listed;
        try (Harness h = Harness.start(3)) {
            h.run("FUNCTION", "LOAD", LIB_A);
            h.run("FUNCTION", "LOAD", LIB_B);
            listed = normalized(h.run("FUNCTION", "LIST", "WITHCODE"));
            payload = ((String) h.run("FUNCTION", "DUMP")).getBytes(StandardCharsets.ISO_8859_1);
        }
        try (RedisServer rs = RedisServer.start(); RawClient r = new RawClient(rs.port)) {
            r.send(command(payload));
            assertEquals(new Resp.Simple("OK"), r.read());
            assertEquals(listed, normalized(redis(r, "FUNCTION", "LIST", "WITHCODE")));
        }
    }

    /** A payload of these record bytes, with RDB version 10 and its CRC-64. */
    private static byte[] payload(final int... body) {
        final byte[] p = new byte[body.length + 10];
        for (int i = 0; i < body.length; i++) {
            p[i] = (byte) body[i];
        }
        p[body.length] = 10;
        final long crc = io.moon.storage.rdb.Crc64.update(0, p, 0, body.length + 2);
        for (int i = 0; i < 8; i++) {
            p[body.length + 2 + i] = (byte) (crc >>> (8 * i));
        }
        return p;
    }

    @Test
    void malformedPayloadsAreRefusedAsRedisRefusesThem() throws Exception {
        final List<byte[]> payloads = List.of(payload(), payload(0, 1, 'a', 1, 'b'), payload(0xf5, 5, 'a'),
                payload(0xf5, 3, 'a', 'b', 'c'), payload(0xf5), payload(0xf5, 0xc0, 7));
        final List<Object> want = new ArrayList<>();
        try (RedisServer rs = RedisServer.start(); RawClient r = new RawClient(rs.port)) {
            for (final byte[] p : payloads) {
                r.send(command(p));
                want.add(r.read());
            }
        }
        final List<Object> got = new ArrayList<>();
        try (Harness h = Harness.start(3)) {
            for (final byte[] p : payloads) {
                got.add(restore(h, p));
            }
        }
        assertEquals(want, got);
    }

    private static byte[] command(final byte[] payload) {
        final java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        o.writeBytes(("*3\r\n$8\r\nFUNCTION\r\n$7\r\nRESTORE\r\n$" + payload.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        o.writeBytes(payload);
        o.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return o.toByteArray();
    }

    private static Object restore(final Harness h, final byte[] payload) {
        final Harness.Client c = h.client();
        try {
            c.send(command(payload));
            return c.read();
        } finally {
            c.close();
        }
    }
}
