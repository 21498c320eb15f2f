package io.moon.server.admin;

import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin HTTP endpoint: routes, /healthz with a stuck shard, /readyz and its reasons. */
class AdminServerTest {
    /** Holds shard {@code i}'s event loop (as a runaway command would) until the latch opens. */
    private static void stick(final TestServer t, final int i, final CountDownLatch release) {
        t.server.shard(i).execute(() -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void shouldServeTheThreeEndpointsAndRefuseOthers() throws Exception {
        try (TestServer t = TestServer.start(2)) {
            final int port = AdminServer.start(t.server, "127.0.0.1", 0).port();
            final HttpResponse<String> m = Http.get(port, "/metrics");
            assertEquals(200, m.statusCode());
            assertEquals(AdminServer.METRICS_CONTENT_TYPE, m.headers().firstValue("content-type").orElse(""));
            assertTrue(m.body().contains("\nredis_up 1.0\n"), m.body());
            final HttpResponse<String> h = Http.get(port, "/healthz");
            assertEquals(200, h.statusCode());
            assertEquals("ok\n", h.body());
            final HttpResponse<String> r = Http.get(port, "/readyz?verbose");
            assertEquals(200, r.statusCode());
            assertEquals("ready\n", r.body());
            assertEquals(404, Http.get(port, "/").statusCode());
            assertEquals(404, Http.get(port, "/metricsx").statusCode());
            assertEquals(405, Http.send(port, "/metrics", "POST").statusCode());
            final HttpResponse<String> head = Http.send(port, "/healthz", "HEAD");
            assertEquals(200, head.statusCode());
            assertEquals("", head.body());
        }
    }

    @Test
    void shouldTurnUnhealthyNamingTheStuckShardAndRecover() throws Exception {
        try (TestServer t = TestServer.start(3)) {
            final int port = AdminServer.start(t.server, "127.0.0.1", 0).port();
            assertEquals(200, Http.get(port, "/healthz").statusCode());
            final CountDownLatch release = new CountDownLatch(1);
            stick(t, 1, release);
            try {
                final long start = System.nanoTime();
                final HttpResponse<String> h = Http.get(port, "/healthz");
                final long tookMillis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(503, h.statusCode());
                assertEquals("shard 1: event loop did not answer within 1000 ms\n", h.body());
                assertTrue(tookMillis >= 900 && tookMillis < 5000, "answered after the bound: " + tookMillis);
                // /metrics still answers (with the stuck shard's previous copy) and shows its lag
                final HttpResponse<String> m = Http.get(port, "/metrics");
                assertEquals(200, m.statusCode());
                final double lag = value(m.body(), "moon_event_loop_lag_seconds{shard=\"1\"}");
                assertTrue(lag >= 1.0, "the stuck shard's lag grows: " + lag);
                assertTrue(value(m.body(), "moon_event_loop_lag_seconds{shard=\"0\"}") < 1.0);
                assertTrue(value(m.body(), "moon_event_loop_pending_tasks{shard=\"1\"}") >= 1,
                        "the lag probe waits in the stuck shard's queue");
                // readiness is about data and persistence, not liveness
                assertEquals(200, Http.get(port, "/readyz").statusCode());
            } finally {
                release.countDown();
            }
            final long deadline = System.currentTimeMillis() + 5000;
            int status = 0;
            while (System.currentTimeMillis() < deadline && status != 200) {
                status = Http.get(port, "/healthz").statusCode();
            }
            assertEquals(200, status, "healthy again once the shard runs");
        }
    }

    @Test
    void shouldReportAShardBusyWithALongScript() throws Exception {
        // a script that spins for 2 s holds its shard's event loop, as a long command would
        final String spin = "local s = redis.call('TIME') repeat local n = redis.call('TIME')"
                + " until (n[1] - s[1]) * 1000000 + (n[2] - s[2]) > 2000000 return 1";
        try (TestServer t = TestServer.start(2);
             io.moon.server.testing.RawClient c = new io.moon.server.testing.RawClient(t.port)) {
            final int port = AdminServer.start(t.server, "127.0.0.1", 0).port();
            assertEquals(200, Http.get(port, "/healthz").statusCode());
            c.send(io.moon.server.testing.Resp.command("EVAL", spin, "0"));
            Thread.sleep(200);
            final HttpResponse<String> h = Http.get(port, "/healthz");
            assertEquals(503, h.statusCode());
            assertTrue(h.body().matches("shard [01]: event loop did not answer within 1000 ms\n"), h.body());
            assertEquals(1L, c.read(), "the script ends on its own");
            assertEquals(200, Http.get(port, "/healthz").statusCode());
        }
    }

    @Test
    void shouldNameEveryStuckShard() {
        try (TestServer t = TestServer.start(3)) {
            final int port = AdminServer.start(t.server, "127.0.0.1", 0).port();
            final CountDownLatch release = new CountDownLatch(1);
            stick(t, 0, release);
            stick(t, 2, release);
            try {
                final HttpResponse<String> h = Http.get(port, "/healthz");
                assertEquals(503, h.statusCode());
                assertEquals("shards 0, 2: event loops did not answer within 1000 ms\n", h.body());
            } finally {
                release.countDown();
            }
        } catch (final InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldAnswerNotReadyWithTheReason() throws Exception {
        try (TestServer t = TestServer.start(2)) {
            final int port = AdminServer.start(t.server, "127.0.0.1", 0).port();
            t.server.observe.readiness.notReady("loading", "dataset not loaded");
            HttpResponse<String> r = Http.get(port, "/readyz");
            assertEquals(503, r.statusCode());
            assertEquals("loading: dataset not loaded\n", r.body());
            assertTrue(Http.get(port, "/metrics").body().contains("\nmoon_ready 0.0\n"));
            t.server.observe.readiness.ready("loading");
            r = Http.get(port, "/readyz");
            assertEquals(200, r.statusCode());
            final boolean[] misconf = {true};
            t.server.observe.readiness.check("persistence-test", () -> misconf[0] ? "not writable" : null);
            r = Http.get(port, "/readyz");
            assertEquals(503, r.statusCode());
            assertEquals("persistence-test: not writable\n", r.body());
            misconf[0] = false;
            assertEquals(200, Http.get(port, "/readyz").statusCode());
        }
    }

    @Test
    void shouldCloseIdleConnections() throws Exception {
        try (TestServer t = TestServer.start(1)) {
            final int port = AdminServer.start(t.server, "127.0.0.1", 0, 1).port();
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                final long start = System.nanoTime();
                assertEquals(-1, s.getInputStream().read(), "closed by the server");
                final long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(ms >= 800 && ms < 4000, "after about a second: " + ms);
            }
            assertEquals(200, Http.get(port, "/healthz").statusCode(), "the endpoint goes on serving");
        }
    }

    @Test
    void shouldNotBeReadyWhenPersistenceCannotWrite(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path tmp)
            throws Exception {
        final java.nio.file.Path dir = java.nio.file.Files.createDirectory(tmp.resolve("data"));
        try (TestServer t = TestServer.start(2, "dir", dir.toString(), "save", "3600 1")) {
            final int port = AdminServer.start(t.server, "127.0.0.1", 0).port();
            assertEquals(200, Http.get(port, "/readyz").statusCode());
            java.nio.file.Files.delete(dir);
            final HttpResponse<String> r = Http.get(port, "/readyz");
            assertEquals(503, r.statusCode());
            assertEquals("persistence: dir " + dir + " is not a writable directory\n", r.body());
            t.server.config.set("save", "", false); // persistence off: the directory no longer matters
            assertEquals(200, Http.get(port, "/readyz").statusCode());
        }
    }

    @Test
    void shouldStopWithTheServer() throws Exception {
        final int port;
        try (TestServer t = TestServer.start(1)) {
            port = AdminServer.start(t.server, "127.0.0.1", 0).port();
            assertEquals(200, Http.get(port, "/healthz").statusCode());
        }
        boolean refused = false;
        try {
            Http.get(port, "/healthz");
        } catch (final java.io.UncheckedIOException expected) {
            refused = true;
        }
        assertTrue(refused, "the admin port is closed with the server");
    }

    /** The value of the sample line starting with {@code series} (name and labels). */
    static double value(final String text, final String series) {
        for (final String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + series + " in\n" + text);
    }
}
