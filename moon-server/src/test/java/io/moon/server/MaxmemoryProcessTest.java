package io.moon.server;

import io.moon.server.memory.MemoryLimit;
import io.moon.server.testing.RedisServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The promise on a real process with a heap sized from maxmemory, as ./moon sizes it:
 * writing 1 GB into a 64mb limit under allkeys-lru keeps serving with used_memory at the cap,
 * and under noeviction answers OOM errors; the process never dies.
 */
@Tag("sockets")
class MaxmemoryProcessTest {
    private static final long LIMIT = 64L << 20;

    private static Process start(final int port, final String policy) throws Exception {
        final String java = ProcessHandle.current().info().command().orElse("java");
        final List<String> cmd = List.of(java, "-Xmx" + (MemoryLimit.heapNeeded(LIMIT) >> 20) + "m",
                "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                "io.moon.server.Main", "--port", Integer.toString(port), "--shards", "2", "--maxmemory", "64mb",
                "--maxmemory-policy", policy, "--save", "", "--appendonly", "no");
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                if ("PONG".equals(j.ping())) {
                    return p;
                }
            } catch (final RuntimeException notYet) {
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new AssertionError("moon did not start on port " + port);
    }

    private static long info(final Jedis j, final String field) {
        for (final String line : j.info("everything").split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim());
            }
        }
        throw new AssertionError(field + " missing");
    }

    private static void stop(final Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    @Test
    void shouldKeepServingAtTheCapWhileOneGigabyteIsWrittenUnderAllkeysLru() throws Exception {
        final int port = RedisServer.freePort();
        final Process p = start(port, "allkeys-lru");
        try (Jedis j = new Jedis("127.0.0.1", port, 60_000)) {
            final String value = "v".repeat(10_000);
            int ok = 0;
            for (int batch = 0; batch < 100; batch++) { // 100 x 1000 x 10 KB = 1 GB
                final Pipeline pl = j.pipelined();
                final List<Response<String>> rs = new ArrayList<>(1000);
                for (int i = 0; i < 1000; i++) {
                    rs.add(pl.set("key:" + batch + ":" + i, value));
                }
                pl.sync();
                for (final Response<String> r : rs) {
                    ok += "OK".equals(r.get()) ? 1 : 0;
                }
                assertTrue(p.isAlive(), "the server died after " + ok + " writes");
            }
            assertEquals(100_000, ok);
            long used = info(j, "used_memory");
            for (int i = 0; i < 40 && used > LIMIT; i++) {
                Thread.sleep(50);
                used = info(j, "used_memory");
            }
            assertTrue(used <= LIMIT && used > LIMIT * 8 / 10, "used_memory " + used + " against the cap " + LIMIT);
            assertTrue(info(j, "evicted_keys") > 90_000);
            assertEquals(value, j.get("key:99:999"));
        } finally {
            stop(p);
        }
    }

    @Test
    void shouldAnswerOomErrorsAndKeepServingReadsUnderNoeviction() throws Exception {
        final int port = RedisServer.freePort();
        final Process p = start(port, "noeviction");
        try (Jedis j = new Jedis("127.0.0.1", port, 60_000)) {
            final String value = "v".repeat(10_000);
            int ok = 0;
            int oom = 0;
            for (int batch = 0; batch < 100 && oom == 0; batch++) {
                final Pipeline pl = j.pipelined();
                final List<Response<String>> rs = new ArrayList<>(1000);
                for (int i = 0; i < 1000; i++) {
                    rs.add(pl.set("key:" + batch + ":" + i, value));
                }
                pl.syncAndReturnAll(); // errors come back as values, not exceptions
                for (final Response<String> r : rs) {
                    try {
                        ok += "OK".equals(r.get()) ? 1 : 0;
                    } catch (final redis.clients.jedis.exceptions.JedisDataException e) {
                        assertEquals("OOM command not allowed when used memory > 'maxmemory'.", e.getMessage());
                        oom++;
                    }
                }
            }
            assertTrue(oom > 0, "no OOM after " + ok + " writes");
            assertTrue(ok < 7_000, ok + " writes of 10 KB accepted under a 64 MB limit");
            assertEquals(value, j.get("key:0:0"));
            assertTrue(p.isAlive());
            assertEquals(0L, info(j, "evicted_keys"));
        } finally {
            stop(p);
        }
    }
}
