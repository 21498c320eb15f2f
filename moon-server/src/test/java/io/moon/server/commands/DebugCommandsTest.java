package io.moon.server.commands;

import io.moon.server.testing.Harness;
import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DEBUG SLEEP / POPULATE / OBJECT / SET-ACTIVE-EXPIRE / HELP and the enable-debug-command gate. */
class DebugCommandsTest {
    private static final String NOT_ALLOWED = "ERR DEBUG command not allowed. If the enable-debug-command option is"
            + " set to \"local\", you can run it from a local connection, otherwise you need to set this option in"
            + " the configuration file, and then restart the server.";

    @Test
    void shouldRefuseDebugUnlessEnabled() {
        try (Harness h = Harness.start(3, "enable-debug-command", "no")) {
            assertErrorText(NOT_ALLOWED, h.run("DEBUG", "SLEEP", "0"));
            assertErrorText(NOT_ALLOWED, h.run("DEBUG", "HELP"));
            assertErrorText("ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - can't set"
                    + " immutable config", h.run("CONFIG", "SET", "enable-debug-command", "yes"));
        }
        try (Harness h = Harness.start(3, "enable-debug-command", "local")) {
            assertOk(h.run("DEBUG", "SLEEP", "0")); // an in-process connection is local
        }
    }

    @Test
    void shouldDelayDataCommandsOnEveryShardButNotPing() throws Exception {
        try (Harness h = Harness.start()) {
            final Harness.Client sleeper = h.client();
            final Harness.Client other = h.client();
            assertOk(other.run("MSET", "a", "1", "b", "2", "c", "3"));
            final long start = System.nanoTime();
            sleeper.send(Resp.command("DEBUG", "SLEEP", "0.5"));
            Thread.sleep(50);
            assertEquals(new Resp.Simple("PONG"), other.run("PING"));
            assertTrue(System.nanoTime() - start < 400_000_000L, "PING is not held");
            other.send(Resp.command("GET", "a"));
            assertTrue(other.silentFor(200));
            assertEquals("1", other.read());
            assertTrue(System.nanoTime() - start >= 450_000_000L, "GET waited for the sleep");
            assertOk(sleeper.read());
            // each shard's keys were held, not just one
            sleeper.send(Resp.command("DEBUG", "SLEEP", "0.3"));
            Thread.sleep(50);
            final long t = System.nanoTime();
            assertEquals(List.of("1", "2", "3"), other.run("MGET", "a", "b", "c"));
            assertEquals("2", other.run("GET", "b"));
            assertTrue(System.nanoTime() - t >= 200_000_000L);
            assertOk(sleeper.read());
            assertOk(h.run("DEBUG", "SLEEP", "0"));
            assertOk(h.run("DEBUG", "SLEEP", "garbage")); // strtod reads 0, as in Redis
        }
    }

    @Test
    void shouldPopulateKeysWithoutOverwriting() {
        try (Harness h = Harness.start()) {
            assertOk(h.run("SET", "key:5", "mine"));
            assertOk(h.run("DEBUG", "POPULATE", "10"));
            assertInt(10, h.run("DBSIZE"));
            assertEquals("value:0", h.run("GET", "key:0"));
            assertEquals("value:9", h.run("GET", "key:9"));
            assertEquals("mine", h.run("GET", "key:5"));
            assertNil(h.run("GET", "key:10"));
            assertOk(h.run("DEBUG", "POPULATE", "3", "pre", "10"));
            assertEquals("value:1\u0000\u0000\u0000", h.run("GET", "pre:1"));
            assertOk(h.run("DEBUG", "POPULATE", "2", "short", "3"));
            assertEquals("val", h.run("GET", "short:1"));
            assertOk(h.run("DEBUG", "POPULATE", "2", "plain", "0"));
            assertEquals("value:1", h.run("GET", "plain:1"));
            assertInt(17, h.run("DBSIZE"));
            assertOk(h.run("SELECT", "2"));
            assertOk(h.run("DEBUG", "POPULATE", "1000"));
            assertInt(1000, h.run("DBSIZE"));
            assertOk(h.run("DEBUG", "POPULATE", "0"));
            final String positive = "ERR value is out of range, must be positive";
            assertErrorText(positive, h.run("DEBUG", "POPULATE", "-1"));
            assertErrorText(positive, h.run("DEBUG", "POPULATE", "abc"));
            assertErrorText(positive, h.run("DEBUG", "POPULATE", "1", "p", "-1"));
            assertErrorText(positive, h.run("DEBUG", "POPULATE", "1", "p", "x"));
        }
    }

    @Test
    void shouldDescribeAnObject() {
        try (Harness h = Harness.start()) {
            assertOk(h.run("SET", "i", "123"));
            assertOk(h.run("SET", "s", "hello"));
            // letters that do not compress: Redis would LZF-compress a repetitive value, Moon does not (yet)
            final StringBuilder raw = new StringBuilder();
            final java.util.Random rnd = new java.util.Random(1);
            for (int i = 0; i < 100; i++) {
                raw.append((char) ('a' + rnd.nextInt(26)));
            }
            assertOk(h.run("SET", "r", raw.toString()));
            // 123 is one of Redis's shared integers: it reports INT_MAX references
            assertObject(2147483647, "int", 2, h.run("DEBUG", "OBJECT", "i"));
            assertObject(1, "embstr", 6, h.run("DEBUG", "OBJECT", "s"));
            assertObject(1, "raw", 102, h.run("DEBUG", "OBJECT", "r"));
            assertErrorText("ERR no such key", h.run("DEBUG", "OBJECT", "missing"));
        }
    }

    private static void assertObject(final long refcount, final String encoding, final long serialized,
                                     final Object reply) {
        final String s = assertInstanceOf(Resp.Simple.class, reply).text();
        assertTrue(s.matches("Value at:0x[0-9a-f]+ refcount:" + refcount + " encoding:" + encoding + " serializedlength:" + serialized
                + " lru:\\d+ lru_seconds_idle:\\d+"), s);
    }

    @Test
    void shouldTurnActiveExpiryOffAndOn() throws Exception {
        try (Harness h = Harness.start()) {
            assertOk(h.run("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
            assertOk(h.run("MSET", "a", "1", "b", "1", "c", "1"));
            for (final String k : List.of("a", "b", "c")) {
                assertInt(1, h.run("PEXPIRE", k, "20"));
            }
            Thread.sleep(400);
            assertInt(3, h.run("DBSIZE")); // nobody removed them
            assertOk(h.run("DEBUG", "SET-ACTIVE-EXPIRE", "1"));
            for (int i = 0; i < 100 && !Long.valueOf(0).equals(h.run("DBSIZE")); i++) {
                Thread.sleep(20);
            }
            assertInt(0, h.run("DBSIZE"));
            assertOk(h.run("DEBUG", "SET-ACTIVE-EXPIRE", "no")); // atoi("no") is 0
            assertOk(h.run("DEBUG", "SET-ACTIVE-EXPIRE", "1"));
        }
    }

    @Test
    void shouldReportSubcommandErrorsAsRedisDoes() throws Exception {
        final List<List<String>> commands = List.of(
                List.of("DEBUG"),
                List.of("DEBUG", "nope"),
                List.of("DEBUG", "SLEEP"),
                List.of("DEBUG", "sleep", "1", "2"),
                List.of("DEBUG", "POPULATE"),
                List.of("DEBUG", "POPULATE", "x"),
                List.of("DEBUG", "POPULATE", "-5"),
                List.of("DEBUG", "POPULATE", "1", "a", "b", "c"),
                List.of("DEBUG", "OBJECT"),
                List.of("DEBUG", "OBJECT", "missing"),
                List.of("DEBUG", "SET-ACTIVE-EXPIRE"),
                List.of("DEBUG", "HELP", "x"));
        try (RedisServer redis = RedisServer.start();
             RawClient oracle = new RawClient(redis.port);
             Harness h = Harness.start()) {
            for (final List<String> cmd : commands) {
                final String[] args = cmd.toArray(new String[0]);
                assertEquals(oracle.run(args), h.run(args), String.join(" ", cmd));
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldPrintHelp() {
        try (Harness h = Harness.start()) {
            final List<Object> help = (List<Object>) h.run("DEBUG", "HELP");
            assertEquals(new Resp.Simple("DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
                    help.get(0));
            assertEquals(new Resp.Simple("    Print this help."), help.get(help.size() - 1));
            assertTrue(help.contains(new Resp.Simple("SLEEP <seconds>")));
        }
    }
}
