package io.moon.server.admin;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real Moon process with --admin-port: SIGTERM turns /readyz 503 first, then drains connections. */
@Tag("sockets")
final class AdminProcessTest {
    @TempDir
    Path dir;

    private Process start(final int port, final int adminPort, final String... extra) throws Exception {
        final String java = ProcessHandle.current().info().command().orElse("java");
        final List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                "io.moon.server.Main", "--port", Integer.toString(port), "--shards", "2", "--save", "",
                "--appendonly", "no", "--dir", dir.toString(), "--enable-debug-command", "yes",
                "--admin-port", Integer.toString(adminPort)));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("moon-" + port + ".log").toFile()).start();
    }

    private static void awaitReady(final Process p, final int adminPort) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive()) {
            try {
                if (Http.get(adminPort, "/readyz").statusCode() == 200) {
                    return;
                }
            } catch (final java.io.UncheckedIOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("moon did not become ready on admin port " + adminPort);
    }

    @Test
    void sigtermTurnsReadyzFirstThenDrainsWithRepliesDelivered() throws Exception {
        final int port = RedisServer.freePort();
        final int adminPort = RedisServer.freePort();
        final Process p = start(port, adminPort, "--admin-shutdown-delay", "1000");
        try {
            awaitReady(p, adminPort);
            assertEquals(200, Http.get(adminPort, "/healthz").statusCode());
            final RawClient busy = new RawClient(port);
            final RawClient idle = new RawClient(port);
            assertEquals("+PONG", String.valueOf(idle.run("PING")));
            // a command still running when the drain starts (SIGTERM + 1 s delay < 2 s of sleep)
            busy.send(Resp.command("DEBUG", "SLEEP", "2"));
            final CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return String.valueOf(busy.read());
                } catch (final java.io.IOException e) {
                    return e.toString();
                }
            });
            Thread.sleep(300);
            final long sigterm = System.nanoTime();
            p.destroy(); // SIGTERM
            HttpResponse<String> r = null;
            while (System.nanoTime() - sigterm < TimeUnit.SECONDS.toNanos(2)) {
                r = Http.get(adminPort, "/readyz");
                if (r.statusCode() == 503) {
                    break;
                }
                Thread.sleep(20);
            }
            assertEquals(503, r.statusCode());
            assertEquals("shutdown: shutting down\n", r.body());
            // readiness went first: for admin-shutdown-delay the server still accepts and answers
            assertTrue(System.nanoTime() - sigterm < TimeUnit.MILLISECONDS.toNanos(800), "503 soon after SIGTERM");
            try (Jedis late = new Jedis("127.0.0.1", port, 5000)) {
                assertEquals("PONG", late.ping());
            }
            assertEquals("+OK", inFlight.get(20, TimeUnit.SECONDS), "the in-flight reply is delivered");
            assertTrue(System.nanoTime() - sigterm >= TimeUnit.MILLISECONDS.toNanos(1500),
                    "the sleep really was in flight during the drain");
            assertTrue(idle.closedWithin(5000), "an idle connection is closed by the drain");
            assertTrue(busy.closedWithin(5000), "closed once its reply is out");
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the process exits");
            assertEquals(0, p.exitValue());
            assertThrows(redis.clients.jedis.exceptions.JedisConnectionException.class, () -> {
                try (Jedis after = new Jedis("127.0.0.1", port, 1000)) {
                    after.ping();
                }
            });
            busy.close();
            idle.close();
            final String log = Files.readString(dir.resolve("moon-" + port + ".log"));
            assertTrue(log.contains("admin http://127.0.0.1:" + adminPort), log);
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
