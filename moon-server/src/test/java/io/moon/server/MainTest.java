package io.moon.server;

import io.moon.server.config.Config;
import io.moon.server.net.Transport;
import io.moon.server.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line, in-process: {@link Main#launch} prints what it prints and says how to exit. */
class MainTest {
    /** What a launch printed and decided. */
    record Outcome(Main.Launch launch, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }
    }

    private static Outcome launch(final String... args) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final Main.Launch l = Main.launch(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(l, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertFails(final String line, final String... args) {
        final Outcome o = launch(args);
        assertNull(o.launch().config());
        assertEquals(1, o.launch().exitCode());
        assertEquals(List.of(line), o.errLines());
        assertEquals("", o.out());
    }

    @Test
    void shouldNameAnUnknownOptionInOneLine() {
        assertFails("moon: unknown option '--no-such-option' (see --help)", "--port", "7000", "--no-such-option", "1");
        assertFails("moon: unknown option '--nope' (see --help)", "--nope");
    }

    @Test
    void shouldExplainBadValuesInOneLine() {
        assertFails("moon: bad value for 'port': argument couldn't be parsed into an integer", "--port", "abc");
        assertFails("moon: bad value for 'port': wrong number of arguments", "--port");
        assertFails("moon: bad value for 'databases': argument must be between 1 and 2147483647 inclusive",
                "--databases", "0");
        assertFails("moon: bad value for 'maxmemory-policy': argument(s) must be one of the following: volatile-lru,"
                + " volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction",
                "--maxmemory-policy", "lru");
        assertFails("moon: bad value for 'dir': No such file or directory", "--dir", "/no/such/dir/here");
        assertFails("moon: can't open config file '/no/such.conf': No such file or directory", "/no/such.conf");
    }

    @Test
    void shouldPrintTheVersionAndTheUsage() {
        final Outcome v = launch("--version");
        assertNull(v.launch().config());
        assertEquals(0, v.launch().exitCode());
        assertTrue(v.out().startsWith("Moon server v=" + Version.MOON + " redis-compat=7.2.4 java="), v.out());
        assertEquals("", v.err());
        final Outcome h = launch("--port", "1", "--help");
        assertEquals(0, h.launch().exitCode());
        assertNull(h.launch().config());
        assertTrue(h.out().startsWith("Usage: moon [config-file] [--option value ...]"), h.out());
        assertTrue(h.out().contains("  --maxmemory "), h.out());
        assertEquals("", h.err());
    }

    @Test
    void shouldStopAtTheFirstBadFileLineWithRedisStyleMessage(@TempDir final Path dir) throws Exception {
        final Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, "port 7000\nhz abc\nno-such 1\n");
        final Outcome o = launch(bad.toString(), "--port", "7001");
        assertNull(o.launch().config());
        assertEquals(1, o.launch().exitCode());
        assertEquals("", o.out());
        assertEquals(List.of("", "*** FATAL CONFIG FILE ERROR (Moon " + Version.MOON + ") ***",
                "Reading the configuration file, at " + bad + ":2", ">>> 'hz abc'",
                "argument couldn't be parsed into an integer"), o.errLines());
        final Path quotes = dir.resolve("quotes.conf");
        Files.writeString(quotes, "# one\n\nrequirepass \"unbalanced\n");
        assertEquals(List.of("", "*** FATAL CONFIG FILE ERROR (Moon " + Version.MOON + ") ***",
                "Reading the configuration file, at " + quotes + ":3", ">>> 'requirepass \"unbalanced'",
                "Unbalanced quotes in configuration line"), launch(quotes.toString()).errLines());
        final Path unknown = dir.resolve("unknown.conf");
        Files.writeString(unknown, "Foo-Bar yes\n");
        assertEquals(List.of("", "*** FATAL CONFIG FILE ERROR (Moon " + Version.MOON + ") ***",
                "Reading the configuration file, at " + unknown + ":1", ">>> 'Foo-Bar yes'",
                "Bad directive or wrong number of arguments"), launch(unknown.toString()).errLines());
    }

    @Test
    void shouldReadAFileThenApplyOverrides(@TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("moon.conf");
        Files.writeString(file, """
                # a comment
                port 7001
                maxmemory 1mb
                save 900 1
                save 300 10
                appendonly yes
                slave-read-only no
                requirepass "with space"
                """);
        final Config fromFile = launch(file.toString()).launch().config();
        assertNotNull(fromFile);
        assertEquals("7001", fromFile.get("port"));
        assertEquals("1048576", fromFile.get("maxmemory"));
        assertEquals("900 1 300 10", fromFile.get("save")); // save lines add up
        assertEquals("yes", fromFile.get("appendonly"));
        assertEquals("no", fromFile.get("replica-read-only"));
        assertEquals("with space", fromFile.get("requirepass"));
        assertEquals(file.toAbsolutePath(), fromFile.file());
        assertEquals(Path.of("").toAbsolutePath().normalize().toString(), fromFile.get("dir"));

        final Outcome o = launch(file.toString(), "--save", "", "--appendonly", "no", "--maxmemory", "2mb",
                "--port", "0", "--shards", "2", "--dir", dir.toString());
        final Config c = o.launch().config();
        assertEquals("", o.err());
        assertEquals("", c.get("save"));
        assertEquals("no", c.get("appendonly"));
        assertEquals("2097152", c.get("maxmemory"));
        assertEquals(dir.toAbsolutePath().toString(), c.get("dir"));
        assertEquals(2, c.shards);
        // and a server started with it shows them in CONFIG GET
        final Server server = new Server(c, Transport.NIO);
        try {
            final int port = ((InetSocketAddress) server.listen(new InetSocketAddress("127.0.0.1", 0))).getPort();
            try (RawClient client = new RawClient(port)) {
                assertEquals(new io.moon.server.testing.Resp.Simple("OK"), client.run("AUTH", "with space"));
                assertEquals(List.of("save", "", "appendonly", "no"), client.run("CONFIG", "GET", "save",
                        "appendonly"));
                assertTrue(((String) client.run("INFO", "server")).contains("config_file:" + file.toAbsolutePath()));
            }
        } finally {
            server.shutdown();
        }
    }

    @Test
    void shouldTakeOptionsWithSeveralWords() {
        final Config c = launch("--save", "60", "100", "--bind", "127.0.0.1", "-::1", "--client-output-buffer-limit",
                "normal", "0", "0", "0").launch().config();
        assertEquals("60 100", c.get("save"));
        assertEquals("127.0.0.1 -::1", c.get("bind"));
        // as Redis, every class is shown, the ones not given with their defaults
        assertEquals("normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", c.get("client-output-buffer-limit"));
        assertFails("moon: bad value for 'port': wrong number of arguments", "--port", "1", "stray");
        assertFails("moon: bad value for 'requirepass': wrong number of arguments", "--requirepass", "a", "b");
        assertEquals("", launch("--requirepass", "").launch().config().get("requirepass"));
        assertEquals("", launch("--save").launch().config().get("save")); // as redis-server takes --save alone
    }
}
