package io.moon.server.rdb;

import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moon.server.testing.Harness;
import io.moon.server.testing.Resp;
import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hash field TTLs between Moon and a real Redis with hash field expiration (7.4 or later), both
 * ways, through snapshot files and DUMP/RESTORE. The installed oracle is Redis 7.0, which has no
 * field TTLs, so this runs only when {@code -Dmoon.redis74=/path/to/redis-server} names such a
 * build; the format is otherwise pinned byte by byte by HashFieldTtlRdbTest.
 */
@EnabledIfSystemProperty(named = "moon.redis74", matches = ".+")
final class HashFieldTtlInteropTest {
    @TempDir
    Path dir;

    /** Runs a command on either side: a Moon client or a Redis connection. */
    private interface Side {
        Object run(String... args) throws IOException;
    }

    private static Side redis(final RawClient r) {
        return args -> {
            r.send(Resp.command(args));
            return r.read();
        };
    }

    private static Side moon(final Harness.Client m) {
        return args -> {
            m.send(Resp.command(args));
            return m.read();
        };
    }

    /** A Redis 7.4+ server on a free loopback port, its files in {@code dir}. */
    private static Process startRedis74(final Path dir, final int port) throws Exception {
        final Process p = new ProcessBuilder(System.getProperty("moon.redis74"), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--dbfilename", "dump.rdb", "--daemonize", "no", "--enable-debug-command", "yes")
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return p;
            } catch (final IOException e) {
                if (!p.isAlive()) {
                    throw new IOException("redis exited: " + Files.readString(dir.resolve("redis.log")));
                }
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IOException("redis did not start");
    }

    private static void stop(final Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    /** A listpackex, a hashtable with TTLs, a shrunk one and a plain hash. */
    private static void fixtures(final Side s) throws IOException {
        s.run("HSET", "small", "a", "1", "b", "2", "c", "3", "n", "12345");
        s.run("HPEXPIREAT", "small", "4000000000000", "FIELDS", "1", "a");
        s.run("HPEXPIREAT", "small", "3000000000000", "FIELDS", "1", "c");
        final List<String> big = new ArrayList<>(List.of("HSET", "big"));
        for (int i = 0; i < 600; i++) {
            big.add("f" + i);
            big.add(i % 3 == 0 ? Integer.toString(i) : "value-" + i);
        }
        s.run(big.toArray(new String[0]));
        s.run("HPEXPIREAT", "big", "3500000000000", "FIELDS", "3", "f1", "f2", "f300");
        s.run("HPEXPIREAT", "big", "3400000000000", "FIELDS", "1", "f7");
        s.run("HSET", "plain", "x", "y");
    }

    private static String state(final Side s) throws IOException {
        return s.run("OBJECT", "ENCODING", "small") + " " + s.run("OBJECT", "ENCODING", "big") + " "
                + s.run("OBJECT", "ENCODING", "plain") + " "
                + s.run("HPEXPIRETIME", "small", "FIELDS", "4", "a", "b", "c", "n") + " "
                + s.run("HPEXPIRETIME", "big", "FIELDS", "5", "f1", "f2", "f7", "f300", "f0") + " "
                + s.run("HLEN", "big") + " " + s.run("HGET", "big", "f3") + " " + s.run("HGET", "small", "n");
    }

    @Test
    void redisLoadsMoonsRdb12AndMoonLoadsRedis() throws Exception {
        final String expected;
        final Path fromMoon = Files.createDirectory(dir.resolve("moon"));
        try (Harness h = Harness.start(3, "dir", fromMoon.toString())) {
            final Harness.Client m = h.client();
            fixtures(moon(m));
            expected = state(moon(m));
            assertOk(h.run("SAVE"));
        }
        final int port = RedisServer.freePort();
        final Process p = startRedis74(fromMoon, port);
        try (RawClient r = new RawClient(port)) {
            assertEquals(expected, state(redis(r)), "Redis reads Moon's RDB 12");
            // Redis saves over Moon's file (its dir is a protected config): the file is now Redis's
            assertTrue(redis(r).run("SAVE").toString().endsWith("OK"));
            stop(p);
            final Path fromRedis = Files.createDirectory(dir.resolve("redis"));
            final byte[] file = Files.readAllBytes(fromMoon.resolve("dump.rdb"));
            assertEquals("REDIS0012", new String(file, 0, 9, StandardCharsets.US_ASCII));
            assertTrue(!new String(file, StandardCharsets.ISO_8859_1).contains("7.0.15"), "written by Redis");
            Files.write(fromRedis.resolve("dump.rdb"), file);
            try (Harness h = Harness.start(2, "dir", fromRedis.toString())) {
                h.server.snapshots.loadAtStartup(null);
                assertTrue(h.server.snapshots.awaitLoaded(60_000));
                assertEquals(expected, state(moon(h.client())), "Moon reads Redis's RDB 12");
            }
        } finally {
            stop(p);
        }
    }

    @Test
    void dumpPayloadsGoBothWays() throws Exception {
        final int port = RedisServer.freePort();
        final Process p = startRedis74(dir, port);
        try (Harness h = Harness.start(3); RawClient r = new RawClient(port)) {
            final Side moon = moon(h.client());
            final Side redis = redis(r);
            fixtures(redis);
            final String expected = state(redis);
            for (final String k : new String[] {"small", "big", "plain"}) {
                assertOk(moon.run("RESTORE", k, "0", (String) redis.run("DUMP", k)));
            }
            assertEquals(expected, state(moon), "Moon restores Redis's payloads");
            redis.run("FLUSHALL");
            for (final String k : new String[] {"small", "big", "plain"}) {
                assertOk(redis.run("RESTORE", k, "0", (String) moon.run("DUMP", k)));
            }
            assertEquals(expected, state(redis), "Redis restores Moon's payloads");
        } finally {
            stop(p);
        }
    }
}
