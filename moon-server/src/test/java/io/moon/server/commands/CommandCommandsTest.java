package io.moon.server.commands;

import io.moon.server.command.CommandSpec;
import io.moon.server.command.CommandTable;
import io.moon.server.testing.Harness;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertNil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** COMMAND and its subcommands, on a 3-shard harness and, for reply shapes, against real Redis. */
class CommandCommandsTest {
    private static Harness h;

    @BeforeAll
    static void start() {
        h = Harness.start();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static final int TOP_LEVEL = CommandTable.instance().topLevel().size();

    // ---- COMMAND, COUNT ---------------------------------------------------------------------------

    @Test
    void shouldDescribeEveryTopLevelCommand() {
        final List<?> all = (List<?>) h.run("COMMAND");
        assertEquals(TOP_LEVEL, all.size());
        final List<String> names = new ArrayList<>();
        for (final Object e : all) {
            assertEquals(10, ((List<?>) e).size());
            names.add((String) ((List<?>) e).get(0));
        }
        assertTrue(names.containsAll(List.of("get", "set", "client", "command", "config")), names.toString());
        assertFalse(names.contains("client|list"), "subcommands are nested, not listed");
    }

    @Test
    void shouldCountTopLevelCommands() {
        assertInt(TOP_LEVEL, h.run("COMMAND", "COUNT"));
        assertErrorText("ERR wrong number of arguments for 'command|count' command", h.run("COMMAND", "COUNT", "x"));
        assertErrorText("ERR unknown subcommand 'FoO'. Try COMMAND HELP.", h.run("COMMAND", "FoO"));
    }

    // ---- INFO -------------------------------------------------------------------------------------

    @Test
    void shouldDescribeGetLikeRedis() {
        final List<?> info = (List<?>) h.run("COMMAND", "INFO", "GET");
        assertEquals(1, info.size());
        final List<?> get = (List<?>) info.get(0);
        assertEquals("get", get.get(0));
        assertEquals(2L, get.get(1));
        assertEquals(List.of(new Resp.Simple("readonly"), new Resp.Simple("fast")), get.get(2));
        assertEquals(List.of(1L, 1L, 1L), get.subList(3, 6));
        assertEquals(List.of(new Resp.Simple("@read"), new Resp.Simple("@string"), new Resp.Simple("@fast")),
                get.get(6));
        assertEquals(List.of(), get.get(7));
        assertEquals(List.of(List.of("flags", List.of(new Resp.Simple("RO"), new Resp.Simple("access")),
                "begin_search", List.of("type", "index", "spec", List.of("index", 1L)),
                "find_keys", List.of("type", "range", "spec", List.of("lastkey", 0L, "keystep", 1L, "limit", 0L)))),
                get.get(8));
        assertEquals(List.of(), get.get(9));
    }

    @Test
    void shouldNoteWhySetsKeySpecHasVariableFlags() {
        final List<?> set = (List<?>) ((List<?>) h.run("COMMAND", "INFO", "set")).get(0);
        final Map<?, ?> spec = toMap(((List<?>) set.get(8)).get(0));
        assertEquals(List.of("notes", "flags", "begin_search", "find_keys"), List.copyOf(spec.keySet()));
        assertTrue(((String) spec.get("notes")).contains("GET"), spec.toString());
    }

    @Test
    void shouldReplyNullForUnknownNamesInPlace() {
        final List<?> info = (List<?>) h.run("COMMAND", "INFO", "get", "nosuch", "client|list", "get|x", "client|nosuch");
        assertEquals(5, info.size());
        assertEquals("get", ((List<?>) info.get(0)).get(0));
        assertNil(info.get(1));
        assertEquals("client|list", ((List<?>) info.get(2)).get(0));
        assertNil(info.get(3));
        assertNil(info.get(4));
    }

    @Test
    void shouldNestSubcommandsInTheirParentsInfo() {
        final List<?> client = (List<?>) ((List<?>) h.run("COMMAND", "INFO", "client")).get(0);
        assertEquals(-2L, client.get(1));
        final List<String> subs = new ArrayList<>();
        for (final Object s : (List<?>) client.get(9)) {
            subs.add((String) ((List<?>) s).get(0));
        }
        assertTrue(subs.containsAll(List.of("client|list", "client|setinfo", "client|no-touch")), subs.toString());
    }

    @Test
    void shouldDescribeAllCommandsWhenInfoNamesNone() {
        assertEquals(TOP_LEVEL, ((List<?>) h.run("COMMAND", "INFO")).size());
    }

    @Test
    void shouldShowRedis72TipsAndArity() {
        final List<?> scan = (List<?>) ((List<?>) h.run("COMMAND", "INFO", "scan")).get(0);
        assertEquals(List.of("nondeterministic_output", "request_policy:special", "response_policy:special"),
                scan.get(7));
        final List<?> getkeys = (List<?>) ((List<?>) h.run("COMMAND", "INFO", "command|getkeys")).get(0);
        assertEquals(-3L, getkeys.get(1));
    }

    // ---- DOCS -------------------------------------------------------------------------------------

    @Test
    void shouldDocumentGetWithItsKeyArgument() {
        final Map<?, ?> docs = (Map<?, ?>) h.client().run("HELLO", "3");
        assertEquals(3L, docs.get("proto"));
        final Harness.Client c = h.client();
        c.run("HELLO", "3");
        final Map<?, ?> get = (Map<?, ?>) ((Map<?, ?>) c.run("COMMAND", "DOCS", "get")).get("get");
        assertEquals(List.of("summary", "since", "group", "complexity", "arguments"), List.copyOf(get.keySet()));
        assertEquals("1.0.0", get.get("since"));
        assertEquals("string", get.get("group"));
        assertEquals("O(1)", get.get("complexity"));
        assertEquals(List.of(Map.of("name", "key", "type", "key", "display_text", "key", "key_spec_index", 0L)),
                get.get("arguments"));
    }

    @Test
    void shouldDocumentSetsOptionsAsRedis72() {
        final Harness.Client c = h.client();
        c.run("HELLO", "3");
        final Map<?, ?> set = (Map<?, ?>) ((Map<?, ?>) c.run("COMMAND", "DOCS", "set")).get("set");
        final List<?> args = (List<?>) set.get("arguments");
        assertEquals(5, args.size());
        final Map<?, ?> condition = (Map<?, ?>) args.get(2);
        assertEquals("condition", condition.get("name"));
        assertEquals("oneof", condition.get("type"));
        assertEquals("2.6.12", condition.get("since"));
        assertEquals(Set.of(new Resp.Simple("optional")), condition.get("flags"));
        assertEquals(Map.of("name", "nx", "type", "pure-token", "display_text", "nx", "token", "NX"),
                ((List<?>) condition.get("arguments")).get(0));
        final Map<?, ?> get = (Map<?, ?>) args.get(3);
        assertEquals("GET", get.get("token"));
        assertEquals("6.2.0", get.get("since"));
        assertEquals(4, ((Set<?>) set.get("history")).size());
    }

    @Test
    void shouldMarkDeprecatedCommandsInDocs() {
        final Map<?, ?> docs = toMap(h.run("COMMAND", "DOCS", "getset", "substr", "setnx"));
        assertEquals(3, docs.size());
        for (final Object d : docs.values()) {
            final Map<?, ?> m = toMap(d);
            assertEquals(List.of(new Resp.Simple("deprecated")), m.get("doc_flags"));
            assertTrue(m.containsKey("deprecated_since") && m.containsKey("replaced_by"), m.toString());
        }
        assertEquals("2.0.0", toMap(docs.get("substr")).get("deprecated_since"));
    }

    @Test
    void shouldSkipUnknownNamesInDocs() {
        assertEquals(List.of(), h.run("COMMAND", "DOCS", "nosuch"));
        final Map<?, ?> docs = toMap(h.run("COMMAND", "DOCS", "nosuch", "client|list", "ECHO"));
        assertEquals(List.of("client|list", "echo"), List.copyOf(docs.keySet()));
    }

    @Test
    void shouldNestSubcommandDocsAndDocumentAllWhenNoneNamed() {
        final Map<?, ?> config = toMap(toMap(h.run("COMMAND", "DOCS", "config")).get("config"));
        final Map<?, ?> subs = toMap(config.get("subcommands"));
        assertTrue(subs.keySet().containsAll(List.of("config|get", "config|set", "config|help")), subs.toString());
        assertEquals("server", toMap(subs.get("config|get")).get("group"));
        assertEquals(TOP_LEVEL, toMap(h.run("COMMAND", "DOCS")).size());
    }

    // ---- LIST -------------------------------------------------------------------------------------

    @Test
    void shouldListEveryCommandAndSubcommand() {
        final List<?> names = (List<?>) h.run("COMMAND", "LIST");
        assertEquals(CommandTable.instance().all().size(), names.size());
        assertTrue(names.indexOf("client") < names.indexOf("client|list"), "a parent comes before its subcommands");
    }

    @Test
    void shouldFilterListByAclCategory() {
        final List<?> strings = (List<?>) h.run("COMMAND", "LIST", "FILTERBY", "ACLCAT", "string");
        assertTrue(strings.containsAll(List.of("get", "set", "append", "lcs")), strings.toString());
        assertFalse(strings.contains("del") || strings.contains("ping"), strings.toString());
        assertEquals(strings, h.run("command", "list", "filterby", "aclcat", "STRING"));
        final List<?> connection = (List<?>) h.run("COMMAND", "LIST", "FILTERBY", "ACLCAT", "connection");
        assertTrue(connection.containsAll(List.of("ping", "client|list", "command|docs")), connection.toString());
        assertEquals(List.of(), h.run("COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"));
        assertEquals(List.of(), h.run("COMMAND", "LIST", "FILTERBY", "ACLCAT", "@read"));
    }

    @Test
    void shouldFilterListByPatternIgnoringCase() {
        assertEquals(List.of("client|list"), h.run("COMMAND", "LIST", "FILTERBY", "PATTERN", "CLIENT|L*"));
        final List<?> expires = (List<?>) h.run("COMMAND", "LIST", "FILTERBY", "PATTERN", "*expire*");
        assertEquals(Set.of("expire", "pexpire", "expireat", "pexpireat", "expiretime", "pexpiretime", "hexpire",
                "hpexpire", "hexpireat", "hpexpireat", "hexpiretime", "hpexpiretime"), Set.copyOf(expires));
    }

    @Test
    void shouldListNothingForAModule() {
        assertEquals(List.of(), h.run("COMMAND", "LIST", "FILTERBY", "MODULE", "search"));
    }

    @Test
    void shouldRejectBadListArguments() {
        assertErrorText("ERR syntax error", h.run("COMMAND", "LIST", "foo"));
        assertErrorText("ERR syntax error", h.run("COMMAND", "LIST", "FILTERBY", "ACLCAT"));
        assertErrorText("ERR syntax error", h.run("COMMAND", "LIST", "FILTERBY", "foo", "x"));
        assertErrorText("ERR syntax error", h.run("COMMAND", "LIST", "FILTERBY", "ACLCAT", "read", "x"));
    }

    // ---- GETKEYS, GETKEYSANDFLAGS -----------------------------------------------------------------

    @Test
    void shouldExtractKeys() {
        assertEquals(List.of("k"), h.run("COMMAND", "GETKEYS", "SET", "k", "v", "EX", "10"));
        assertEquals(List.of("a", "c"), h.run("COMMAND", "GETKEYS", "MSET", "a", "1", "c", "3"));
        assertEquals(List.of("a", "c"), h.run("COMMAND", "GETKEYS", "mset", "a", "b", "c"));
        assertEquals(List.of("a", "b", "c"), h.run("COMMAND", "GETKEYS", "DEL", "a", "b", "c"));
        assertEquals(List.of("src", "dst"), h.run("COMMAND", "GETKEYS", "COPY", "src", "dst", "DB", "1"));
        assertEquals(List.of("k"), h.run("COMMAND", "GETKEYS", "OBJECT", "ENCODING", "k"));
        assertEquals(List.of("k"), h.run("COMMAND", "GETKEYS", "MEMORY", "USAGE", "k", "SAMPLES", "5"));
    }

    @Test
    void shouldExtractKeysWithTheirSpecFlags() {
        assertEquals(List.of(List.of("a", List.of(new Resp.Simple("RW"), new Resp.Simple("access"),
                        new Resp.Simple("delete"))), List.of("b", List.of(new Resp.Simple("OW"), new Resp.Simple("update")))),
                h.run("COMMAND", "GETKEYSANDFLAGS", "RENAME", "a", "b"));
        assertEquals(List.of(List.of("k", List.of(new Resp.Simple("OW"), new Resp.Simple("update")))),
                h.run("COMMAND", "GETKEYSANDFLAGS", "SET", "k", "v"));
        assertEquals(List.of(List.of("k", List.of(new Resp.Simple("RW"), new Resp.Simple("access"),
                        new Resp.Simple("update")))),
                h.run("COMMAND", "GETKEYSANDFLAGS", "SET", "k", "v", "get"));
        assertEquals(List.of(List.of("x", List.of(new Resp.Simple("RO"), new Resp.Simple("access"))),
                        List.of("y", List.of(new Resp.Simple("RO"), new Resp.Simple("access")))),
                h.run("COMMAND", "GETKEYSANDFLAGS", "MGET", "x", "y"));
        assertEquals(List.of(List.of("s", List.of(new Resp.Simple("RO"), new Resp.Simple("access"))),
                        List.of("d", List.of(new Resp.Simple("OW"), new Resp.Simple("update")))),
                h.run("COMMAND", "GETKEYSANDFLAGS", "SORT", "s", "BY", "w_*", "STORE", "d"));
    }

    @Test
    void shouldRefuseGetkeysWhenNumkeysFindsNoKeysEvenWithAFixedDestination() {
        assertEquals(List.of("d", "a", "b"), h.run("COMMAND", "GETKEYS", "ZUNIONSTORE", "d", "2", "a", "b"));
        for (final String numkeys : new String[] {"0", "3", "-1", "x"}) {
            assertErrorText("ERR Invalid arguments specified for command",
                    h.run("COMMAND", "GETKEYS", "ZUNIONSTORE", "d", numkeys, "a", "b"));
            assertErrorText("ERR Invalid arguments specified for command",
                    h.run("COMMAND", "GETKEYSANDFLAGS", "ZDIFFSTORE", "d", numkeys, "a", "b"));
        }
        assertEquals(List.of(), h.run("COMMAND", "GETKEYS", "EVAL", "return 1", "3", "a")); // no_mandatory_keys
    }

    @Test
    void shouldRejectGetkeysForUnknownKeylessOrMiscountedCommands() {
        assertErrorText("ERR Invalid command specified", h.run("COMMAND", "GETKEYS", "nosuch", "a"));
        assertErrorText("ERR Invalid command specified", h.run("COMMAND", "GETKEYS", "CLIENT", "foo"));
        assertErrorText("ERR The command has no key arguments", h.run("COMMAND", "GETKEYS", "PING", "a"));
        assertErrorText("ERR The command has no key arguments", h.run("COMMAND", "GETKEYS", "PING"));
        assertErrorText("ERR The command has no key arguments", h.run("COMMAND", "GETKEYS", "CLIENT", "LIST"));
        assertErrorText("ERR The command has no key arguments", h.run("COMMAND", "GETKEYS", "CLIENT"));
        assertErrorText("ERR Invalid number of arguments specified for command", h.run("COMMAND", "GETKEYS", "GET"));
        assertErrorText("ERR Invalid number of arguments specified for command",
                h.run("COMMAND", "GETKEYS", "GET", "a", "b"));
        assertErrorText("ERR Invalid number of arguments specified for command",
                h.run("COMMAND", "GETKEYSANDFLAGS", "SET", "k"));
        assertErrorText("ERR wrong number of arguments for 'command|getkeys' command", h.run("COMMAND", "GETKEYS"));
    }

    // ---- HELP -------------------------------------------------------------------------------------

    @Test
    void shouldListSubcommandsInHelp() {
        final List<?> help = (List<?>) h.run("COMMAND", "HELP");
        assertEquals(new Resp.Simple("COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"), help.get(0));
        assertEquals(new Resp.Simple("HELP"), help.get(help.size() - 2));
        for (final Object line : help) {
            assertInstanceOf(Resp.Simple.class, line);
        }
        final String text = help.toString();
        for (final CommandSpec s : CommandTable.instance().byFullName("command").subcommands()) {
            assertTrue(text.contains("+" + s.name().toUpperCase(java.util.Locale.ROOT)), s.name() + " in " + text);
        }
        assertErrorText("ERR wrong number of arguments for 'command|help' command", h.run("COMMAND", "HELP", "x"));
    }

    /** A RESP3 map as is, or a RESP2 flat array of pairs as a map. */
    private static Map<?, ?> toMap(final Object o) {
        if (o instanceof Map<?, ?> m) {
            return m;
        }
        final Map<Object, Object> m = new java.util.LinkedHashMap<>();
        final List<?> l = (List<?>) o;
        for (int i = 0; i + 1 < l.size(); i += 2) {
            m.put(l.get(i), l.get(i + 1));
        }
        return m;
    }

    // ---- against the real redis-server ------------------------------------------------------------

    /**
     * The same requests to Moon (on a real socket) and to redis-server 7.0.15, compared byte for
     * byte in RESP2 and RESP3, where 7.0 and 7.2 agree on the data.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class AgainstRedis {
        private RedisServer redis;
        private TestServer moon;

        @BeforeAll
        void start() throws Exception {
            redis = RedisServer.start();
            moon = TestServer.start(3);
        }

        @AfterAll
        void stop() {
            moon.close();
            redis.close();
        }

        private void assertSameBytes(final String... cmd) throws IOException {
            for (final boolean resp3 : new boolean[] {false, true}) {
                // Key spec notes are prose, Moon's in its own words: only their place is compared.
                // CRLF shows as the text "\r\n", so a failure prints each reply on one line.
                final String want = maskNotes(reply(redis.port, resp3, cmd)).replace("\r\n", "\\r\\n");
                final String got = maskNotes(reply(moon.port, resp3, cmd)).replace("\r\n", "\\r\\n");
                assertEquals(want, got, String.join(" ", cmd) + (resp3 ? " (RESP3)" : " (RESP2)"));
            }
        }

        private static String maskNotes(final String reply) {
            return reply.replaceAll("\\$5\r\nnotes\r\n\\$\\d+\r\n[^\r]*\r\n", "\\$5\r\nnotes\r\n<notes>\r\n");
        }

        @Test
        void shouldReplyCommandInfoByteForByte() throws IOException {
            assertSameBytes("COMMAND", "INFO", "get");
            assertSameBytes("COMMAND", "INFO", "set");
            assertSameBytes("COMMAND", "INFO", "getex");
            assertSameBytes("COMMAND", "INFO", "mset");
            assertSameBytes("COMMAND", "INFO", "rename");
            assertSameBytes("COMMAND", "INFO", "client|list");
            assertSameBytes("COMMAND", "INFO", "object|encoding", "nosuch", "DEL");
        }

        @Test
        void shouldReplyGetkeysByteForByte() throws IOException {
            assertSameBytes("COMMAND", "GETKEYS", "mset", "a", "1", "b", "2");
            assertSameBytes("COMMAND", "GETKEYSANDFLAGS", "rename", "a", "b");
            assertSameBytes("COMMAND", "GETKEYSANDFLAGS", "set", "k", "v", "GET");
            assertSameBytes("COMMAND", "GETKEYSANDFLAGS", "lcs", "a", "b");
            // Error texts (7.0's arity for GETKEYS is -4, so every case passes at least 4 arguments).
            assertSameBytes("COMMAND", "GETKEYS", "nosuch", "a");
            assertSameBytes("COMMAND", "GETKEYS", "client", "foo");
            assertSameBytes("COMMAND", "GETKEYS", "ping", "a");
            assertSameBytes("COMMAND", "GETKEYS", "client", "list");
            assertSameBytes("COMMAND", "GETKEYS", "get", "a", "b");
            assertSameBytes("COMMAND", "GETKEYSANDFLAGS", "set", "k");
        }

        /** XREAD's key spec takes half of what follows STREAMS even when odd; its own parse is the fallback. */
        @Test
        void shouldFindStreamReadKeysAsRedis() throws IOException {
            final String[][] shapes = {
                {"xread", "streams", "a", "b", "0"}, {"xread", "streams", "a", "0"}, {"xread", "streams", "a", "b", "0", "0"},
                {"xread", "streams", "a", "b", "c", "0", "0"}, {"xread", "count", "2", "streams", "a", "b", "0"},
                {"xread", "block", "0", "streams", "a"}, {"xread", "streams", "streams", "0"}, {"xread", "streams", "a", "streams"},
                {"xread", "a", "b", "c"}, {"xread", "count", "streams", "a", "0"}, {"xread", "STREAMS", "x", "y", "STREAMS"},
                {"xreadgroup", "group", "g", "c", "streams", "a", "b", "0"}, {"xreadgroup", "group", "g", "c", "streams", "a"},
                {"xreadgroup", "group", "streams", "c", "streams", "a", "0"},
                {"xreadgroup", "group", "g", "c", "count", "1", "streams", "a", "b", "0", "0"},
                {"xreadgroup", "group", "g", "streams", "x", "y", "z"}, {"xreadgroup", "noack", "group", "g", "c", "streams", "a"},
            };
            for (final String[] shape : shapes) {
                for (final String sub : new String[] {"GETKEYS", "GETKEYSANDFLAGS"}) {
                    final String[] cmd = new String[shape.length + 2];
                    cmd[0] = "COMMAND";
                    cmd[1] = sub;
                    System.arraycopy(shape, 0, cmd, 2, shape.length);
                    assertSameBytes(cmd);
                }
            }
        }

        @Test
        void shouldReplyListAndErrorsByteForByte() throws IOException {
            assertSameBytes("COMMAND", "LIST", "FILTERBY", "PATTERN", "client|l*");
            assertSameBytes("COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch");
            assertSameBytes("COMMAND", "LIST", "FILTERBY", "MODULE", "x");
            assertSameBytes("COMMAND", "LIST", "FILTERBY", "foo", "x");
            assertSameBytes("COMMAND", "DOCS", "nosuch");
            assertSameBytes("COMMAND", "INFO", "nosuch");
            assertSameBytes("COMMAND", "foo");
            assertSameBytes("COMMAND", "COUNT", "x");
        }
    }

    /** The raw bytes of one reply to {@code cmd} on a new connection, after HELLO 3 when asked. */
    static String reply(final int port, final boolean resp3, final String... cmd) throws IOException {
        try (io.moon.server.testing.RawClient c = new io.moon.server.testing.RawClient(port)) {
            if (resp3) {
                c.send(Resp.command("HELLO", "3"));
                c.readRaw();
            }
            c.send(Resp.command(cmd));
            final byte[] r = c.readRaw();
            if (r == null) {
                throw new IOException("connection closed");
            }
            return new String(r, StandardCharsets.ISO_8859_1);
        }
    }
}
