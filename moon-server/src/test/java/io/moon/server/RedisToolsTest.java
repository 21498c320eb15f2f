package io.moon.server;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis's own command-line tools against Moon with 4 shards: redis-benchmark's tests for the
 * commands Moon has, redis-cli's mass insertion (--pipe) and its ordinary use. They come with the
 * redis-tools package (.ci/run installs it); without them the test fails and says so.
 */
@Tag("sockets")
class RedisToolsTest {
    private static TestServer moon;

    @BeforeAll
    static void start() {
        moon = TestServer.start(4);
    }

    @AfterAll
    static void stop() {
        moon.close();
    }

    private static String tool(final String name) {
        for (final String dir : List.of("/usr/bin", "/usr/local/bin")) {
            final File f = new File(dir, name);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        throw new IllegalStateException(name + " is not installed (apt-get install -y redis-tools; .ci/run does this)");
    }

    /** Runs a tool with a time limit; returns its standard output (stderr merged). */
    private static String run(final List<String> cmd, final Path stdin) throws IOException, InterruptedException {
        final ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        }
        final Process p = pb.start();
        final byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish in 60 s");
        }
        assertEquals(0, p.exitValue(), cmd + " failed: " + new String(out, StandardCharsets.UTF_8));
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void shouldServeRedisBenchmarkTests() throws Exception {
        final String out = run(List.of(tool("redis-benchmark"), "-p", Integer.toString(moon.port), "-t",
                "ping_inline,ping_mbulk,set,get,incr,mset,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin,"
                + "lrange_100,lrange_600",
                "-n", "3000", "-c", "8", "-r", "1000", "-P", "4", "--csv"), null);
        // one CSV line per test with a positive requests-per-second figure; errors would print instead
        final List<String> lines = new ArrayList<>();
        for (final String l : out.split("\n")) {
            if (l.startsWith("\"") && !l.startsWith("\"test\"")) {
                lines.add(l);
            }
        }
        // the LRANGE tests add an LPUSH run of their own
        assertEquals(18, lines.size(), out);
        for (final String l : lines) {
            final double rps = Double.parseDouble(l.split(",")[1].replace("\"", ""));
            assertTrue(rps > 0, l);
        }
        assertTrue(!out.contains("ERR") && !out.contains("rror"), out);
        try (RawClient c = new RawClient(moon.port)) {
            assertTrue((Long) c.run("DBSIZE") > 100, "the benchmark's random keys were stored");
        }
    }

    @Test
    void shouldLoadAMassInsertionWithRedisCliPipe() throws Exception {
        final Path file = Files.createTempFile("moon-pipe", ".resp");
        try {
            final StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 20_000; i++) {
                final String k = "pipe:" + i;
                final String v = Integer.toString(i * 7);
                sb.append("*3\r\n$3\r\nSET\r\n$").append(k.length()).append("\r\n").append(k).append("\r\n$")
                        .append(v.length()).append("\r\n").append(v).append("\r\n");
            }
            Files.writeString(file, sb, StandardCharsets.US_ASCII);
            final String out = run(List.of(tool("redis-cli"), "-p", Integer.toString(moon.port), "--pipe"), file);
            assertTrue(out.contains("errors: 0, replies: 20000"), out);
        } finally {
            Files.deleteIfExists(file);
        }
        try (RawClient c = new RawClient(moon.port)) {
            assertEquals("139993", c.run("GET", "pipe:19999"));
        }
    }

    @Test
    void shouldAnswerRedisCliCommands() throws Exception {
        final String cli = tool("redis-cli");
        final String port = Integer.toString(moon.port);
        assertEquals("OK", run(List.of(cli, "-p", port, "SET", "cli:k", "hello world"), null).trim());
        assertEquals("hello world", run(List.of(cli, "-p", port, "GET", "cli:k"), null).trim());
        assertEquals("OK", run(List.of(cli, "-p", port, "MSET", "cli:a", "1", "cli:b", "2"), null).trim());
        assertEquals("2", run(List.of(cli, "-p", port, "EXISTS", "cli:a", "cli:b"), null).trim());
        // redis-cli reads INFO and COMMAND DOCS for its own features; both must parse
        assertTrue(run(List.of(cli, "-p", port, "INFO", "server"), null).contains("redis_version:"));
        assertTrue(run(List.of(cli, "-p", port, "--no-raw", "COMMAND", "DOCS", "get"), null).contains("summary"));
    }
}
