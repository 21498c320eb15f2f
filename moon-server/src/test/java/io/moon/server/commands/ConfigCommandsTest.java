package io.moon.server.commands;

import io.moon.server.testing.Harness;
import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CONFIG GET / SET / RESETSTAT / REWRITE / HELP. */
class ConfigCommandsTest {
    private static String failed(final String name, final String reason) {
        return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + reason;
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> getMap(final Harness h, final String... patterns) {
        h.run("HELLO", "3");
        final String[] args = new String[patterns.length + 2];
        args[0] = "CONFIG";
        args[1] = "GET";
        System.arraycopy(patterns, 0, args, 2, patterns.length);
        final Map<Object, Object> m = (Map<Object, Object>) h.run(args);
        h.run("HELLO", "2");
        return m;
    }

    @Test
    void shouldGetOneParameterAsAFlatArrayInResp2() {
        try (Harness h = Harness.start()) {
            assertEquals(List.of("maxmemory", "0"), h.run("CONFIG", "GET", "maxmemory"));
            assertEquals(List.of("databases", "16"), h.run("CONFIG", "GET", "databases"));
            assertEquals(List.of(), h.run("CONFIG", "GET", "no-such-thing"));
            assertEquals(List.of("MAXMEMORY", "0"), h.run("CONFIG", "GET", "MAXMEMORY")); // a plain name as typed
            assertEquals(List.of("slave-read-only", "yes"), h.run("CONFIG", "GET", "slave-read-only"));
            assertErrorText("ERR wrong number of arguments for 'config|get' command", h.run("CONFIG", "GET"));
        }
    }

    @Test
    void shouldGetByPatternsAndSeveralArguments() {
        try (Harness h = Harness.start()) {
            assertEquals(Map.of("maxmemory", "0", "maxmemory-policy", "noeviction", "maxmemory-samples", "5",
                    "maxmemory-clients", "0", "maxmemory-eviction-tenacity", "10"), getMap(h, "maxmemory*"));
            // a pattern matches aliases too
            assertEquals(Map.of("hash-max-listpack-entries", "512", "hash-max-ziplist-entries", "512"),
                    getMap(h, "hash-max-*-entries"));
            assertEquals(Map.of("replica-read-only", "yes", "slave-read-only", "yes"), getMap(h, "*read-only"));
            assertEquals(Map.of("hz", "10", "databases", "16", "maxmemory", "0"),
                    getMap(h, "hz", "databases", "maxmem?ry", "hz", "nothing*"));
            assertEquals(Map.of("appendonly", "no", "appendfsync", "everysec", "appendfilename", "appendonly.aof",
                    "appenddirname", "appendonlydir"), getMap(h, "append[a-z]*"));
            assertTrue(getMap(h, "*").size() > 60);
            assertEquals(Map.of("save", "3600 1 300 100 60 10000"), getMap(h, "save"));
        }
    }

    @Test
    void shouldSetOneOrSeveralParameters() {
        try (Harness h = Harness.start()) {
            assertOk(h.run("CONFIG", "SET", "maxmemory", "1gb"));
            assertEquals(List.of("maxmemory", "1073741824"), h.run("CONFIG", "GET", "maxmemory"));
            assertOk(h.run("CONFIG", "SET", "maxmemory", "100k", "maxmemory-policy", "ALLKEYS-LRU", "HZ", "20"));
            assertEquals(Map.of("maxmemory", "100000", "maxmemory-policy", "allkeys-lru", "hz", "20"),
                    getMap(h, "maxmemory", "maxmemory-policy", "hz"));
            assertOk(h.run("CONFIG", "SET", "appendonly", "YES"));
            assertEquals(List.of("appendonly", "yes"), h.run("CONFIG", "GET", "appendonly"));
            // an alias and its name are two parameters to CONFIG SET, as in Redis
            assertOk(h.run("CONFIG", "SET", "slave-read-only", "no", "replica-read-only", "yes"));
            assertEquals(List.of("replica-read-only", "yes"), h.run("CONFIG", "GET", "replica-read-only"));
            assertOk(h.run("CONFIG", "SET", "lua-time-limit", "100"));
            assertEquals(List.of("busy-reply-threshold", "100"), h.run("CONFIG", "GET", "busy-reply-threshold"));
            assertOk(h.run("CONFIG", "SET", "save", "100 10 60 5"));
            assertEquals(List.of("save", "100 10 60 5"), h.run("CONFIG", "GET", "save"));
            assertOk(h.run("CONFIG", "SET", "save", ""));
            assertEquals(List.of("save", ""), h.run("CONFIG", "GET", "save"));
            // hz is kept within 1..500, as Redis does
            assertOk(h.run("CONFIG", "SET", "hz", "1000"));
            assertEquals(List.of("hz", "500"), h.run("CONFIG", "GET", "hz"));
            assertOk(h.run("CONFIG", "SET", "hz", "0"));
            assertEquals(List.of("hz", "1"), h.run("CONFIG", "GET", "hz"));
            assertOk(h.run("CONFIG", "SET", "maxclients", "1")); // the top of the range needs more descriptors (below)
        }
    }

    @Test
    void shouldSetAllOrNothing() {
        try (Harness h = Harness.start()) {
            assertErrorText(failed("maxmemory", "argument must be a memory value"),
                    h.run("CONFIG", "SET", "hz", "20", "maxmemory-policy", "allkeys-lfu", "maxmemory", "abc"));
            assertEquals(Map.of("hz", "10", "maxmemory-policy", "noeviction", "maxmemory", "0"),
                    getMap(h, "hz", "maxmemory-policy", "maxmemory"));
            assertErrorText("ERR Unknown option or number of arguments for CONFIG SET - 'foo'",
                    h.run("CONFIG", "SET", "hz", "20", "foo", "abc"));
            assertEquals(List.of("hz", "10"), h.run("CONFIG", "GET", "hz"));
        }
    }

    /** name, a good value other than the default, a refused value. */
    private static final String[][] SETTABLE = {
        {"hz", "20", "abc"}, {"timeout", "7", "-1"}, {"maxmemory-policy", "allkeys-lru", "lru"},
        {"maxclients", "500", "0"}, {"slowlog-max-len", "64", "x"}, {"notify-keyspace-events", "KEA", "KEAQ"},
        {"tcp-keepalive", "60", "1.5"}, {"appendfsync", "always", "sometimes"}, {"lfu-log-factor", "3", "-3"},
        {"save", "100 10", "100"}, {"client-output-buffer-limit", "pubsub 1mb 1mb 10", "pubsub 1mb"},
        {"proto-max-bulk-len", "2mb", "1000"}};

    /** A CONFIG SET command and whether one of its values is refused. */
    private record SetCase(List<String> cmd, boolean refused) {
        @Override
        public String toString() {
            return String.join(" ", cmd);
        }
    }

    @Test
    void configSetIsAllOrNothing() {
        try (Harness h = Harness.start(2)) {
            io.moon.testkit.Props.forAll("CONFIG SET all or nothing", 80, r -> {
                final List<String[]> pairs = new java.util.ArrayList<>(List.of(SETTABLE));
                java.util.Collections.shuffle(pairs, new java.util.Random(r.nextLong()));
                final List<String[]> chosen = pairs.subList(0, r.nextInt(1, 6));
                final int bad = r.nextBoolean() ? r.nextInt(chosen.size()) : -1;
                final List<String> cmd = new java.util.ArrayList<>(List.of("CONFIG", "SET"));
                for (int i = 0; i < chosen.size(); i++) {
                    cmd.add(chosen.get(i)[0]);
                    cmd.add(chosen.get(i)[i == bad ? 2 : 1]);
                }
                return new SetCase(cmd, bad >= 0);
            }, c -> {
                final List<String> names = new java.util.ArrayList<>();
                for (int i = 2; i < c.cmd().size(); i += 2) {
                    names.add(c.cmd().get(i));
                }
                final Map<Object, Object> before = getMap(h, names.toArray(new String[0]));
                final Object reply = h.run(c.cmd().toArray(new String[0]));
                final Map<Object, Object> after = getMap(h, names.toArray(new String[0]));
                if (c.refused()) {
                    assertTrue(reply instanceof Resp.Err, String.valueOf(reply));
                    assertEquals(before, after);
                } else {
                    assertEquals(new Resp.Simple("OK"), reply);
                    assertFalse(before.equals(after), "every chosen value differs from the default");
                }
                // back to where it was for the next try
                final List<String> restore = new java.util.ArrayList<>(List.of("CONFIG", "SET"));
                before.forEach((k, v) -> {
                    restore.add((String) k);
                    restore.add((String) v);
                });
                assertOk(h.run(restore.toArray(new String[0])));
            });
        }
    }

    @Test
    void shouldRefuseWithRedisErrorTexts() {
        try (Harness h = Harness.start()) {
            assertErrorText("ERR Unknown option or number of arguments for CONFIG SET - 'foo'",
                    h.run("CONFIG", "SET", "foo", "bar"));
            assertErrorText(failed("databases", "can't set immutable config"), h.run("CONFIG", "SET", "databases", "2"));
            assertErrorText(failed("DATABASES", "can't set immutable config"), h.run("CONFIG", "SET", "DATABASES", "2"));
            assertErrorText(failed("dir", "can't set protected config"), h.run("CONFIG", "SET", "dir", "/tmp"));
            assertErrorText(failed("hz", "argument couldn't be parsed into an integer"),
                    h.run("CONFIG", "SET", "hz", "abc"));
            assertErrorText(failed("hz", "argument couldn't be parsed into an integer"),
                    h.run("CONFIG", "SET", "HZ", "+5"));
            assertErrorText(failed("hz", "argument must be between 0 and 2147483647 inclusive"),
                    h.run("CONFIG", "SET", "hz", "-1"));
            assertErrorText(failed("maxmemory", "argument must be a memory value"),
                    h.run("CONFIG", "SET", "maxmemory", "-1"));
            assertErrorText(failed("maxclients", "argument must be between 1 and 4294967295 inclusive"),
                    h.run("CONFIG", "SET", "maxclients", "0"));
            assertErrorText(failed("proto-max-bulk-len", "argument must be between 1048576 and 9223372036854775807"
                    + " inclusive"), h.run("CONFIG", "SET", "proto-max-bulk-len", "1000"));
            assertErrorText(failed("appendonly", "argument must be 'yes' or 'no'"),
                    h.run("CONFIG", "SET", "appendonly", "maybe"));
            assertErrorText(failed("maxmemory-policy", "argument(s) must be one of the following: volatile-lru,"
                    + " volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random,"
                    + " noeviction"), h.run("CONFIG", "SET", "maxmemory-policy", "foo"));
            assertErrorText(failed("save", "Invalid save parameters"), h.run("CONFIG", "SET", "save", "100"));
            assertErrorText(failed("hz", "duplicate parameter"), h.run("CONFIG", "SET", "hz", "20", "hz", "30"));
            assertErrorText(failed("HZ", "duplicate parameter"), h.run("CONFIG", "SET", "hz", "20", "HZ", "30"));
            // the first problem in argument order is the one reported
            assertErrorText(failed("databases", "can't set immutable config"),
                    h.run("CONFIG", "SET", "databases", "1", "foo", "bar"));
            assertErrorText("ERR Unknown option or number of arguments for CONFIG SET - 'foo'",
                    h.run("CONFIG", "SET", "foo", "bar", "databases", "1"));
            assertErrorText("ERR syntax error", h.run("CONFIG", "SET", "hz", "10", "maxmemory"));
            assertErrorText("ERR wrong number of arguments for 'config|set' command", h.run("CONFIG", "SET", "hz"));
            assertErrorText("ERR unknown subcommand 'FOO'. Try CONFIG HELP.", h.run("CONFIG", "FOO"));
        }
    }

    @Test
    void shouldSetProtectedConfigsOnlyWhenEnabled(@TempDir final Path dir) {
        try (Harness h = Harness.start(3, "enable-protected-configs", "yes")) {
            assertOk(h.run("CONFIG", "SET", "dir", dir.toString()));
            assertEquals(List.of("dir", dir.toAbsolutePath().toString()), h.run("CONFIG", "GET", "dir"));
            assertErrorText(failed("dir", "No such file or directory"),
                    h.run("CONFIG", "SET", "dir", dir.resolve("missing").toString()));
            assertOk(h.run("CONFIG", "SET", "dbfilename", "x.rdb"));
        }
    }

    /** The error texts that Redis 7.0 and 7.2 share, asked of the real server and of Moon. */
    @Test
    void shouldMatchTheRealServer() throws Exception {
        final List<List<String>> commands = List.of(
                List.of("CONFIG", "SET", "foo", "bar"),
                List.of("CONFIG", "SET", "databases", "2"),
                List.of("CONFIG", "SET", "hz", "abc"),
                List.of("CONFIG", "SET", "hz", "-1"),
                List.of("CONFIG", "SET", "maxmemory", "abc"),
                List.of("CONFIG", "SET", "maxmemory", "-1"),
                List.of("CONFIG", "SET", "maxclients", "0"),
                List.of("CONFIG", "SET", "appendonly", "maybe"),
                List.of("CONFIG", "SET", "appendfsync", "sometimes"),
                List.of("CONFIG", "SET", "save", "100"),
                List.of("CONFIG", "SET", "save", "a b"),
                List.of("CONFIG", "SET", "proto-max-bulk-len", "1000"),
                List.of("CONFIG", "SET", "client-query-buffer-limit", "10"),
                List.of("CONFIG", "SET", "timeout", "-5"),
                List.of("CONFIG", "SET", "hz", "20", "HZ", "30"),
                List.of("CONFIG", "SET", "hz", "20", "maxmemory", "abc"),
                List.of("CONFIG", "SET", "hz", "10", "foo"),
                List.of("CONFIG", "SET", "hz"),
                List.of("CONFIG", "SET", "dir", "/tmp"),
                List.of("CONFIG", "GET"),
                List.of("CONFIG", "GET", "maxmemory"),
                List.of("CONFIG", "GET", "nothing"),
                List.of("CONFIG", "GET", "MAXMEMORY"),
                List.of("CONFIG", "GET", "slave-read-only"),
                List.of("CONFIG", "SET", "maxmemory", "2mb"),
                List.of("CONFIG", "GET", "maxmemory"),
                List.of("CONFIG", "SET", "maxmemory", "0"),
                List.of("CONFIG", "SET", "hz", "1000"),
                List.of("CONFIG", "GET", "hz"),
                List.of("CONFIG", "SET", "hz", "10"),
                List.of("CONFIG", "RESETSTAT", "x"),
                List.of("CONFIG", "REWRITE"),
                List.of("CONFIG", "FOO"),
                // parameters Moon accepts without acting on them: Redis's types, ranges and texts
                List.of("CONFIG", "SET", "maxmemory-clients", "10%"),
                List.of("CONFIG", "GET", "maxmemory-clients"),
                List.of("CONFIG", "SET", "maxmemory-clients", "101%"),
                List.of("CONFIG", "SET", "maxmemory-clients", "-5%"),
                List.of("CONFIG", "SET", "maxmemory-clients", "%"),
                List.of("CONFIG", "SET", "maxmemory-clients", "0%"),
                List.of("CONFIG", "GET", "maxmemory-clients"),
                List.of("CONFIG", "SET", "maxmemory-clients", "2mb"),
                List.of("CONFIG", "GET", "maxmemory-clients"),
                List.of("CONFIG", "SET", "maxmemory-clients", "0"),
                List.of("CONFIG", "SET", "maxmemory", "10%"),
                List.of("CONFIG", "SET", "unixsocketperm", "700"),
                List.of("CONFIG", "GET", "unixsocketperm"),
                List.of("CONFIG", "SET", "syslog-facility", "local1"),
                List.of("CONFIG", "SET", "socket-mark-id", "1"),
                List.of("CONFIG", "SET", "server_cpulist", "0-1"),
                List.of("CONFIG", "SET", "shutdown-on-sigint", "save now"),
                List.of("CONFIG", "GET", "shutdown-on-sigint"),
                List.of("CONFIG", "SET", "shutdown-on-sigint", "now save default"),
                List.of("CONFIG", "GET", "shutdown-on-sigint"),
                List.of("CONFIG", "SET", "shutdown-on-sigint", "SAVE NOSAVE"),
                List.of("CONFIG", "SET", "shutdown-on-sigint", "later"),
                List.of("CONFIG", "SET", "shutdown-on-sigint", ""),
                List.of("CONFIG", "SET", "shutdown-on-sigint", "default"),
                List.of("CONFIG", "GET", "shutdown-on-sigint"),
                List.of("CONFIG", "SET", "repl-timeout", "0"),
                List.of("CONFIG", "SET", "repl-backlog-size", "0"),
                List.of("CONFIG", "SET", "repl-backlog-size", "2mb"),
                List.of("CONFIG", "GET", "repl-backlog-size"),
                List.of("CONFIG", "SET", "repl-ping-slave-period", "5"),
                List.of("CONFIG", "GET", "repl-ping-replica-period"),
                List.of("CONFIG", "SET", "min-slaves-to-write", "x"),
                List.of("CONFIG", "SET", "active-defrag-cycle-max", "100"),
                List.of("CONFIG", "SET", "sanitize-dump-payload", "maybe"),
                List.of("CONFIG", "SET", "propagation-error-behavior", "panic"),
                List.of("CONFIG", "GET", "propagation-error-behavior"),
                List.of("CONFIG", "SET", "cluster-preferred-endpoint-type", "name"),
                List.of("CONFIG", "SET", "cluster-announce-hostname", "a_b"),
                List.of("CONFIG", "SET", "tls-auth-clients", "optional"),
                List.of("CONFIG", "GET", "tls-auth-clients"),
                List.of("CONFIG", "SET", "cluster-node-timeout", "-1"),
                List.of("CONFIG", "SET", "shutdown-timeout", "3"),
                List.of("CONFIG", "GET", "shutdown-timeout"));
        try (RedisServer redis = RedisServer.start("--maxclients", "10000");
             RawClient oracle = new RawClient(redis.port);
             Harness h = Harness.start()) {
            for (final List<String> cmd : commands) {
                final String[] args = cmd.toArray(new String[0]);
                assertEquals(oracle.run(args), h.run(args), String.join(" ", cmd));
            }
        }
    }

    /** Redis's updateMaxclients: more clients than the descriptor limit can hold is refused, naming what fits. */
    @Test
    void shouldRefuseMaxclientsTheProcessCannotServe() {
        final long fds = ((com.sun.management.UnixOperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
        try (Harness h = Harness.start()) {
            assertErrorText(failed("maxclients", "The operating system is not able to handle the specified number"
                    + " of clients, try with " + (fds - 32)), h.run("CONFIG", "SET", "hz", "20", "maxclients", "100000000"));
            // all or nothing: hz was set before maxclients was refused
            assertEquals(Map.of("maxclients", "10000", "hz", "10"), getMap(h, "maxclients", "hz"));
            assertOk(h.run("CONFIG", "SET", "maxclients", Long.toString(fds - 32)));
            assertErrorText(failed("maxclients", "The operating system is not able to handle the specified number"
                    + " of clients, try with " + (fds - 32)), h.run("CONFIG", "SET", "MAXCLIENTS", Long.toString(fds - 31)));
            assertOk(h.run("CONFIG", "SET", "maxclients", "100"));
        }
    }

    @Test
    void shouldResetStatistics() {
        try (Harness h = Harness.start()) {
            h.run("SET", "k", "v");
            h.run("GET", "k");
            h.run("GET", "missing");
            h.run("NOPE");
            assertTrue(info(h).contains("keyspace_hits:1\r\n"));
            assertOk(h.run("CONFIG", "RESETSTAT"));
            final String info = info(h);
            assertTrue(info.contains("keyspace_hits:0\r\n"), info);
            assertTrue(info.contains("keyspace_misses:0\r\n"), info);
            assertTrue(info.contains("total_commands_processed:1\r\n"), info); // CONFIG RESETSTAT itself
            assertTrue(info.contains("total_error_replies:0\r\n"), info);
            assertFalse(info.contains("errorstat_ERR"), info);
            assertTrue(info.contains("db0:keys=1,"), info); // data stays
            assertErrorText("ERR wrong number of arguments for 'config|resetstat' command",
                    h.run("CONFIG", "RESETSTAT", "x"));
        }
    }

    private static String info(final Harness h) {
        return (String) h.run("INFO", "everything");
    }

    @Test
    void shouldRefuseRewriteWithoutAConfigFile() {
        try (Harness h = Harness.start()) {
            assertErrorText("ERR The server is running without a config file", h.run("CONFIG", "REWRITE"));
        }
    }

    @Test
    void shouldRewriteTheConfigFileKeepingCommentsAndOrder(@TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("moon.conf");
        Files.writeString(file, """
                # my settings
                port 7777
                maxmemory 100mb
                slave-read-only no
                unknown-directive 1

                # persistence
                save 900 1
                save 300 10
                hz 15
                """);
        try (Harness h = Harness.start(3, "port", "7777", "maxmemory", "100mb", "replica-read-only", "no",
                "save", "900 1 300 10", "hz", "15")) {
            h.server.config.file(file);
            assertOk(h.run("CONFIG", "SET", "maxmemory", "200mb", "hz", "25", "maxmemory-policy", "allkeys-lru",
                    "client-output-buffer-limit", "normal 0 0 0 slave 1 2 3 pubsub 4 5 6",
                    "requirepass", "with space\"quote"));
            assertOk(h.run("CONFIG", "SET", "save", "3600 1 60 100"));
            assertOk(h.run("CONFIG", "REWRITE"));
            final List<String> lines = Files.readAllLines(file);
            assertEquals(List.of(
                    "# my settings",
                    "port 7777",
                    "maxmemory 200mb", // memory values in the largest unit that divides them, as Redis writes them
                    "replica-read-only no",
                    "unknown-directive 1",
                    "",
                    "# persistence",
                    "save 3600 1", // one line per pair, in the old save lines, as Redis writes them
                    "save 60 100",
                    "hz 25",
                    "", // the file's last newline: Redis keeps it as a blank line before what it appends
                    "# Generated by CONFIG REWRITE",
                    "shards 3",
                    "enable-debug-command yes",
                    "requirepass \"with space\\\"quote\"",
                    "client-output-buffer-limit normal 0 0 0 slave 1 2 3 pubsub 4 5 6",
                    "maxmemory-policy allkeys-lru",
                    "latency-tracking-info-percentiles 50 99 99.9", // Redis writes it even at its default
                    "user default on #" + java.util.HexFormat.of().formatHex(java.security.MessageDigest
                            .getInstance("SHA-256").digest("with space\"quote".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                            + " ~* &* +@all"), lines); // the ACL users, as Redis writes them
            // a second rewrite adds no second signature, and the file reads back to the same values
            assertOk(h.run("CONFIG", "SET", "timeout", "30"));
            assertOk(h.run("CONFIG", "REWRITE"));
            final List<String> again = Files.readAllLines(file);
            assertEquals(1, again.stream().filter(l -> l.startsWith("# Generated")).count());
            assertEquals("timeout 30", again.get(again.size() - 1));
            final Path known = dir.resolve("known.conf");
            Files.write(known, again.stream().filter(l -> !l.startsWith("unknown-directive")).toList());
            final io.moon.server.config.Config read = new io.moon.server.config.Config();
            io.moon.server.config.ConfigFile.apply(read, io.moon.server.config.ConfigFile.parseFile(known));
            for (final String name : List.of("maxmemory", "hz", "save", "requirepass", "client-output-buffer-limit",
                    "timeout", "replica-read-only", "maxmemory-policy")) {
                assertEquals(h.server.config.get(name), read.get(name), name);
            }
        }
    }

    /**
     * The same file and CONFIG SETs given to the real server and to Moon: the lines the file had
     * come out the same (values updated in place, alias renamed, include and comments kept, blank
     * runs collapsed); both append what the file lacked after the signature. What each appends
     * differs by design (Redis adds its user, pidfile and daemonize lines), so the appended part is
     * compared on the parameters both have.
     */
    @Test
    void shouldRewriteLikeTheRealServer(@TempDir final Path dir) throws Exception {
        final Path inc = Files.writeString(dir.resolve("inc.conf"), "tcp-keepalive 100\n");
        final String text = String.join("\n",
                "# top comment", "port PORT", "save \"\"", "save 900 1", "", "", "# memory", "maxmemory 1mb", "hz 20",
                "slave-read-only no", "maxmemory 3mb", "include " + inc, "timeout 0", "hz 30", "# end", "");
        final Path redisConf = Files.writeString(dir.resolve("redis.conf"), text.replace("PORT", "0"));
        final Path moonConf = Files.writeString(dir.resolve("moon.conf"), text.replace("PORT", "0"));
        // save takes its two old lines and appends its third pair; the second maxmemory and hz lines
        // become blank lines
        final String[] set = {"CONFIG", "SET", "maxmemory", "2mb", "hz", "10", "maxclients", "50",
                "requirepass", "a b\"c", "notify-keyspace-events", "KEA", "save", "3600 1 60 100 30 5"};
        try (RedisServer redis = RedisServer.startWithFile(redisConf, "--dir", dir.toString());
             RawClient r = new RawClient(redis.port)) {
            assertEquals(new Resp.Simple("OK"), r.run(set));
            assertEquals(new Resp.Simple("OK"), r.run("AUTH", "a b\"c"));
            assertEquals(new Resp.Simple("OK"), r.run("CONFIG", "REWRITE"));
        }
        final io.moon.server.config.ConfigFile.Loaded loaded = io.moon.server.config.ConfigFile.load(
                List.of(moonConf.toString(), "--dir", dir.toString()));
        assertEquals(List.of(), loaded.problems());
        try (Harness h = Harness.start(loaded.config())) {
            assertOk(h.run(set));
            assertOk(h.run("AUTH", "a b\"c"));
            assertOk(h.run("CONFIG", "REWRITE"));
        }
        // the oracle listens on the port its harness gave it: that line differs by construction
        final List<String> redisLines = Files.readAllLines(redisConf).stream()
                .map(l -> l.startsWith("port ") ? "port" : l).toList();
        final List<String> moonLines = Files.readAllLines(moonConf).stream()
                .map(l -> l.startsWith("port ") ? "port" : l).toList();
        final int tail = redisLines.indexOf("# Generated by CONFIG REWRITE");
        assertEquals(redisLines.subList(0, tail + 1), moonLines.subList(0, tail + 1));
        final java.util.Set<String> moonTail = new java.util.HashSet<>(moonLines.subList(tail + 1, moonLines.size()));
        int compared = 0;
        for (final String line : redisLines.subList(tail + 1, redisLines.size())) {
            final String name = line.split(" ")[0];
            // what the oracle's harness passes on its command line, where Moon's defaults already agree
            if (h0.param(name) != null && !List.of("bind", "enable-debug-command", "appendonly", "daemonize", "save")
                    .contains(name)) {
                assertTrue(moonTail.contains(line), line + " not in " + moonTail);
                compared++;
            }
        }
        assertTrue(compared >= 5, "compared " + compared + " appended lines");
    }

    private static final io.moon.server.config.Config h0 = new io.moon.server.config.Config();

    /**
     * Every parameter redis-server 7.0.15 answers to CONFIG GET * is one Moon knows (a stock
     * redis.conf names only those): none may be missing, with Moon's own or 7.2's added.
     */
    @Test
    @SuppressWarnings("unchecked")
    void shouldKnowEveryParameterOfTheRealServer() throws Exception {
        try (RedisServer redis = RedisServer.start(); RawClient r = new RawClient(redis.port)) {
            final List<Object> all = (List<Object>) r.run("CONFIG", "GET", "*");
            final java.util.List<String> missing = new java.util.ArrayList<>();
            for (int i = 0; i < all.size(); i += 2) {
                if (h0.param((String) all.get(i)) == null) {
                    missing.add((String) all.get(i));
                }
            }
            assertEquals(List.of(), missing);
            assertTrue(all.size() / 2 > 180, "the oracle answered " + all.size() / 2 + " parameters");
            // and Moon's CONFIG GET * answers each of them
            try (Harness h = Harness.start()) {
                final Map<Object, Object> moon = getMap(h, "*");
                for (int i = 0; i < all.size(); i += 2) {
                    assertTrue(moon.containsKey(all.get(i)), (String) all.get(i));
                }
            }
        }
    }

    /**
     * Every parameter Moon shares with Redis starts with Redis's default, except the few where Moon
     * differs on purpose (docs/configuration.md says why) and those the oracle's harness sets.
     */
    @Test
    @SuppressWarnings("unchecked")
    void shouldStartWithRedisDefaults() throws Exception {
        final java.util.Set<String> differ = java.util.Set.of(
                "bind", "port", "dir", "save", "appendonly", "enable-debug-command", "daemonize", // the harness's
                "io-threads-do-reads", // accepted only
                "maxclients"); // Redis lowers it to the descriptor limit it gets; Moon reports the setting
        try (RedisServer redis = RedisServer.start(); RawClient r = new RawClient(redis.port)) {
            final List<Object> all = (List<Object>) r.run("CONFIG", "GET", "*");
            int shared = 0;
            for (int i = 0; i < all.size(); i += 2) {
                final String name = (String) all.get(i);
                final io.moon.server.config.Param p = h0.param(name);
                if (p == null || differ.contains(p.name())) {
                    continue;
                }
                assertEquals(all.get(i + 1), h0.get(name), name);
                shared++;
            }
            assertTrue(shared > 80, "compared " + shared);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldPrintHelp() {
        try (Harness h = Harness.start()) {
            final List<Object> help = (List<Object>) h.run("CONFIG", "HELP");
            assertEquals(11, help.size());
            assertEquals(new Resp.Simple("CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
                    help.get(0));
            assertEquals(new Resp.Simple("    Print this help."), help.get(10));
        }
    }
}
