package io.moon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import io.moon.server.testing.RedisServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code moon --check-config FILE [--option value ...]} through the real command line. */
class CheckConfigLaunchTest {
    @TempDir
    Path dir;

    private record Run(int code, List<String> out, String err) {
    }

    private static Run run(final String... args) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final Main.Launch l = Main.launch(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        assertNull(l.config());
        final String o = out.toString(StandardCharsets.UTF_8);
        return new Run(l.exitCode(), o.isEmpty() ? List.of() : List.of(o.split("\n")),
            err.toString(StandardCharsets.UTF_8));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void shouldSayValidAndCreateNothing() throws Exception {
        final Path data = Files.createDirectory(dir.resolve("data"));
        final Path conf = dir.resolve("moon.conf");
        Files.writeString(conf, String.join("\n",
            "bind 127.0.0.1",
            "port " + freePort(),
            "shards 2",
            "io-driver nio",
            "dir " + data,
            "logfile " + data.resolve("moon.log"),
            "pidfile " + data.resolve("moon.pid"),
            "maxmemory 10mb",
            "appendonly yes",
            "save 900 1",
            ""));
        final List<Path> before = files();
        final Run r = run("--check-config", conf.toString(), "--maxclients", "100");
        assertEquals(0, r.code(), r.out().toString());
        assertEquals(List.of("Configuration is valid"), r.out());
        assertEquals("", r.err());
        assertEquals(before, files()); // no log, pid, snapshot or log folder created
        assertEquals(0, run("--check-config", "--port", "0").code());
    }

    @Test
    void shouldListEveryProblemWithItsFileAndLine() throws Exception {
        final Path notADir = Files.writeString(dir.resolve("plain-file"), "x");
        final Path dumpDir = Files.createDirectories(dir.resolve("data/dump.rdb"));
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final int port = busy.getLocalPort();
            final Path conf = dir.resolve("bad.conf");
            Files.writeString(conf, String.join("\n",
                "# a comment",
                "bind 127.0.0.1",
                "port " + port,
                "no-such-directive yes",
                "maxmemory-policy lru",
                "dir " + notADir,
                "dir " + dumpDir.getParent(),
                "logfile " + dir.resolve("missing/moon.log"),
                "tls-port " + port,
                "shards many",
                ""));
            final Run r = run("--check-config", conf.toString(), "--hz", "x");
            assertEquals(1, r.code(), r.out().toString());
            assertEquals(List.of(
                conf + ":4: 'no-such-directive yes': Bad directive or wrong number of arguments",
                conf + ":5: 'maxmemory-policy lru': argument(s) must be one of the following: volatile-lru,"
                    + " volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random,"
                    + " noeviction",
                conf + ":6: 'dir " + notADir + "': No such file or directory",
                conf + ":10: 'shards many': argument couldn't be parsed into an integer",
                "--hz: '--hz x': argument couldn't be parsed into an integer",
                "(default): 'dbfilename dump.rdb': '" + dumpDir + "' is a directory",
                conf + ":8: 'logfile " + dir.resolve("missing/moon.log") + "': directory '" + dir.resolve("missing")
                    + "' does not exist",
                conf + ":9: 'tls-port " + port + "': tls-port " + port + " is the same port as 'port' (" + conf + ":3)",
                conf + ":3: 'port " + port + "': port " + port + " is already in use on 127.0.0.1",
                conf + ":9: 'tls-port " + port + "': port " + port + " is already in use on 127.0.0.1",
                "10 problems found"), r.out());
        }
    }

    @Test
    void shouldNameTheOtherDirectiveOfAPortClash() throws Exception {
        final int port = RedisServer.freePort();
        final Path conf = Files.writeString(dir.resolve("clash.conf"), "# ports\nport " + port + "\n");
        final Run r = run("--check-config", conf.toString(), "--bind", "127.0.0.1", "--admin-port",
            Integer.toString(port));
        assertEquals(List.of("--admin-port: '--admin-port " + port + "': admin-port " + port
            + " is the same port as 'port' (" + conf + ":2)", "1 problem found"), r.out());
    }

    @Test
    void shouldSeeAPortOnlyWhileSomethingListens() throws Exception {
        final int port;
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = busy.getLocalPort();
            final Run r = run("--check-config", "--port", Integer.toString(port), "--bind", "127.0.0.1");
            assertEquals(List.of("--port: '--port " + port + "': port " + port + " is already in use on 127.0.0.1",
                "1 problem found"), r.out());
        }
        assertEquals(List.of("Configuration is valid"),
            run("--check-config", "--port", Integer.toString(port), "--bind", "127.0.0.1").out());
        // an address that is not this machine's cannot be bound; an optional one ('-') is skipped
        final Run foreign = run("--check-config", "--port", "0", "--bind", "127.0.0.1 192.0.2.1");
        assertEquals(0, foreign.code(), "port 0 listens nowhere yet: " + foreign.out());
        final Run remote = run("--check-config", "--port", Integer.toString(port), "--bind", "127.0.0.1 192.0.2.1 -192.0.2.2");
        assertEquals(List.of("--bind: '--bind 127.0.0.1 192.0.2.1 -192.0.2.2': '192.0.2.1' is not an address of this machine",
            "1 problem found"), remote.out());
    }

    @Test
    void shouldReportADirectoryItCannotWrite() throws Exception {
        Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root may write anywhere");
        final Path ro = Files.createDirectory(dir.resolve("ro"));
        assertTrue(ro.toFile().setWritable(false, false));
        try {
            final Run r = run("--check-config", "--port", "0", "--dir", ro.toString());
            assertEquals(List.of("--dir: '--dir " + ro + "': directory '" + ro + "' is not writable",
                "1 problem found"), r.out());
        } finally {
            ro.toFile().setWritable(true, false);
        }
    }

    @Test
    void shouldOnlyWarnAboutAPidfileItCannotWrite() {
        final Path pid = dir.resolve("missing/moon.pid");
        final Run r = run("--check-config", "--port", "0", "--pidfile", pid.toString());
        assertEquals(0, r.code(), r.out().toString());
        assertEquals(List.of("warning: --pidfile: '--pidfile " + pid + "': directory '" + pid.getParent()
            + "' does not exist", "Configuration is valid"), r.out());
    }

    @Test
    void shouldWarnWhenMaxclientsExceedsTheDescriptorLimit() {
        final long limit = Limits.maxFileDescriptors();
        Assumptions.assumeTrue(limit > 0 && limit < 1_000_000, "no descriptor limit to compare with");
        final Run r = run("--check-config", "--port", "0", "--maxclients", Long.toString(limit));
        assertEquals(0, r.code());
        assertTrue(r.out().getFirst().startsWith("warning: maxclients " + limit + " needs " + (limit + 32)
            + " file descriptors but the limit is " + limit + " (ulimit -n)"), r.out().toString());
        assertEquals("Configuration is valid", r.out().getLast());
    }
}
