package io.moon.server.commands;

import io.moon.server.command.CommandSpec;
import io.moon.server.command.CommandTable;
import io.moon.server.testing.Harness;
import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The docs resource (command-docs.txt) and its argument syntax: every row is documented, the
 * documentation agrees with the table, and the argument trees are the ones Redis describes.
 * COMMAND DOCS replies themselves are tested in {@link CommandCommandsTest}.
 */
class CommandDocsTest {
    private static final Set<String> GROUPS = Set.of("bitmap", "cluster", "connection", "generic", "geo", "hash",
            "hyperloglog", "list", "pubsub", "scripting", "sentinel", "server", "set", "sorted-set", "stream", "string",
            "transactions");

    // ---- the syntax ------------------------------------------------------------------------------

    @Test
    void shouldParseArgumentsTokensAndTypes() {
        final List<DocArgs.Arg> a = DocArgs.parse("key seconds:integer [EX ms:unix-time] dest:key#1");
        assertEquals(4, a.size());
        assertArg(a.get(0), "key", "key", null, false, false);
        assertEquals(0, a.get(0).keySpecIndex());
        assertArg(a.get(1), "seconds", "integer", null, false, false);
        assertEquals(-1, a.get(1).keySpecIndex());
        assertArg(a.get(2), "ms", "unix-time", "EX", true, false);
        assertEquals(1, a.get(3).keySpecIndex());
        assertEquals("key", a.get(3).type());
    }

    @Test
    void shouldParsePureTokensWithNamesQuotesAndVersions() {
        final List<DocArgs.Arg> a = DocArgs.parse("[GET@6.2.0] 'lib-name' CH=change [NX] 'x y'...+@1.0!2.0");
        assertArg(a.get(0), "get", "pure-token", "GET", true, false);
        assertEquals("6.2.0", a.get(0).since());
        assertEquals("get", a.get(0).displayText());
        assertArg(a.get(1), "lib-name", "pure-token", "lib-name", false, false);
        assertArg(a.get(2), "change", "pure-token", "CH", false, false);
        assertArg(a.get(3), "nx", "pure-token", "NX", true, false);
        assertArg(a.get(4), "x y", "pure-token", "x y", false, true);
        assertTrue(a.get(4).multipleToken());
        assertEquals("1.0", a.get(4).since());
        assertEquals("2.0", a.get(4).deprecatedSince());
    }

    @Test
    void shouldParseOneofAndBlockGroups() {
        final List<DocArgs.Arg> a = DocArgs.parse(
                "[FILTERBY filterby(MODULE module-name | ACLCAT category)] data(key value)... only(a |) \"ID\"{id}");
        final DocArgs.Arg filter = a.get(0);
        assertArg(filter, "filterby", "oneof", "FILTERBY", true, false);
        assertNull(filter.displayText());
        assertEquals(2, filter.args().size());
        assertArg(filter.args().get(1), "category", "string", "ACLCAT", false, false);
        final DocArgs.Arg data = a.get(1);
        assertArg(data, "data", "block", null, false, true);
        assertEquals(List.of("key", "value"), data.args().stream().map(DocArgs.Arg::name).toList());
        assertArg(a.get(2), "only", "oneof", null, false, false);
        assertEquals(1, a.get(2).args().size());
        assertArg(a.get(3), "ID", "string", null, false, false);
        assertEquals("id", a.get(3).displayText());
    }

    @Test
    void shouldRejectMalformedSyntaxNamingTheColumn() {
        for (final String bad : new String[] {"[key", "g(a b | c)", "x:number", "key)", "g()", "a=b", "x@", "'open"}) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DocArgs.parse(bad),
                    bad);
            assertTrue(e.getMessage().contains("column"), e.getMessage());
        }
    }

    @Test
    void shouldJoinContinuationLinesAndKeepRepeatedHistory() throws Exception {
        final String text = "# comment\nx|y\n    summary: Does a thing.\n    history: 1.0.0 One.\n"
                + "    history: 2.0.0 Two.\n    args: a\n        [B b]\n";
        final CommandDocs.Doc d = CommandDocs.parse(new BufferedReader(new StringReader(text))).get("x|y");
        assertEquals("Does a thing.", d.summary());
        assertEquals(2, d.history().size());
        assertEquals("2.0.0", d.history().get(1)[0]);
        assertEquals(2, d.args().size());
        assertEquals("B", d.args().get(1).token());
    }

    // ---- the resource against the table ----------------------------------------------------------

    @Test
    void shouldDocumentEveryRowAndNothingElse() {
        final Set<String> rows = new TreeSet<>();
        final List<String> incomplete = new ArrayList<>();
        for (final CommandSpec s : CommandTable.instance().all()) {
            rows.add(s.fullName());
            final CommandDocs.Doc d = CommandDocs.of(s.fullName());
            // Redis documents LOLWUT without a complexity
            if (d == null || d.summary() == null || d.since() == null
                    || (d.complexity() == null && !s.fullName().equals("lolwut")) || !GROUPS.contains(d.group())) {
                incomplete.add(s.fullName());
            }
        }
        assertEquals(List.of(), incomplete, "rows without summary, since, group and complexity in command-docs.txt");
        final Set<String> extra = new TreeSet<>(CommandDocs.all().keySet());
        extra.removeAll(rows);
        assertEquals(Set.of(), extra, "command-docs.txt documents commands the table does not have");
    }

    @Test
    void shouldWriteSummariesAsOneAsciiSentence() {
        for (final Map.Entry<String, CommandDocs.Doc> e : CommandDocs.all().entrySet()) {
            final CommandDocs.Doc d = e.getValue();
            final String s = d.summary();
            assertTrue(s.endsWith(".") && s.chars().allMatch(ch -> ch >= 32 && ch < 127), e.getKey() + ": " + s);
            assertTrue(d.since().matches("\\d+\\.\\d+\\.\\d+"), e.getKey());
            for (final String[] h : d.history()) {
                assertTrue(h[0].matches("\\d+\\.\\d+\\.\\d+") && h[1].chars().allMatch(ch -> ch >= 32 && ch < 127),
                        e.getKey());
            }
        }
    }

    @Test
    void shouldPointKeyArgumentsAtTheRowsKeySpecs() {
        for (final CommandSpec s : CommandTable.instance().all()) {
            if (s.has(io.moon.server.command.Flags.PUBSUB)) {
                continue; // shard channels have not_key specs that Redis's docs do not point at
            }
            final CommandDocs.Doc d = CommandDocs.of(s.fullName());
            final Set<Integer> used = new TreeSet<>();
            collectKeySpecIndexes(d.args() == null ? List.of() : d.args(), used);
            final Set<Integer> specs = new TreeSet<>();
            for (int i = 0; i < s.keySpecs().length; i++) {
                specs.add(i);
            }
            assertEquals(specs, used, s.fullName() + ": key arguments should cover the row's key specs");
        }
    }

    private static void collectKeySpecIndexes(final List<DocArgs.Arg> args, final Set<Integer> out) {
        for (final DocArgs.Arg a : args) {
            if (a.keySpecIndex() >= 0) {
                out.add(a.keySpecIndex());
            }
            collectKeySpecIndexes(a.args(), out);
        }
    }

    @Test
    void shouldMarkTheCommandsRedis72Deprecates() {
        final Set<String> deprecated = new HashSet<>();
        for (final Map.Entry<String, CommandDocs.Doc> e : CommandDocs.all().entrySet()) {
            final CommandDocs.Doc d = e.getValue();
            final boolean flagged = d.docFlags().contains("deprecated");
            assertEquals(flagged, d.deprecatedSince() != null, e.getKey());
            assertEquals(flagged, d.replacedBy() != null, e.getKey());
            if (flagged) {
                deprecated.add(e.getKey());
            }
        }
        assertEquals(Set.of("getset", "substr", "setnx", "setex", "psetex", "quit", "rpoplpush", "brpoplpush",
                "hmset", "zrevrange", "zrangebyscore", "zrevrangebyscore", "zrangebylex", "zrevrangebylex", "georadius",
                "georadius_ro", "georadiusbymember", "georadiusbymember_ro", "cluster|slots", "cluster|slaves"), deprecated);
        assertEquals("2.6.12", CommandDocs.of("setnx").deprecatedSince());
        assertEquals(List.of("syscmd"), CommandDocs.of("debug").docFlags());
    }

    // ---- against the real redis-server -----------------------------------------------------------

    /**
     * Where Redis 7.2's docs differ from the 7.0 oracle's, other than 7.2 adding display_text to
     * every argument: which fields to leave out of the comparison, and why.
     */
    private static final Map<String, String> CHANGED_IN_7_2 = new LinkedHashMap<>();

    static {
        // 7.2 renamed argument groups: HELLO's AUTH block, CLIENT LIST/KILL's TYPE choice, CLIENT
        // REPLY's choice, the MSET/MSETNX/CONFIG SET pairs, LCS's MINMATCHLEN value, the flush mode.
        for (final String c : List.of("hello", "client|list", "client|reply", "mset", "msetnx", "lcs", "flushdb",
                "flushall", "script|flush", "config|set")) {
            CHANGED_IN_7_2.put(c, "arguments");
        }
        // 7.2 gives CLIENT KILL's old filter a name of its own (display text ip:port).
        CHANGED_IN_7_2.put("client|kill", "arguments");
        // 7.0 described CONFIG GET's patterns as a repeated one-member block.
        CHANGED_IN_7_2.put("config|get", "arguments");
        // 7.2 documents the arguments of COMMAND GETKEYS/GETKEYSANDFLAGS (7.0 had none).
        CHANGED_IN_7_2.put("command|getkeys", "arguments");
        CHANGED_IN_7_2.put("command|getkeysandflags", "arguments");
        // 7.2 deprecates QUIT (just close the connection) and SETNX/SETEX/PSETEX (SET has options).
        for (final String c : List.of("quit", "setnx", "setex", "psetex")) {
            CHANGED_IN_7_2.put(c, "doc_flags deprecated_since replaced_by");
        }
        // 7.2 corrects CLIENT PAUSE's first version from 2.9.50 (a pre-release) to 3.0.0.
        CHANGED_IN_7_2.put("client|pause", "since");
        // 7.2 adds ZRANK's and ZREVRANK's WITHSCORE option (an argument and a history entry).
        CHANGED_IN_7_2.put("zrank", "arguments history");
        CHANGED_IN_7_2.put("zrevrank", "arguments history");
        // 7.2 names SORT's arguments by-pattern, limit and get-pattern (7.0: pattern, offset_count, pattern).
        CHANGED_IN_7_2.put("sort", "arguments");
        CHANGED_IN_7_2.put("sort_ro", "arguments");
        // 7.2 documents PFMERGE's source keys as optional, as its arity always allowed.
        CHANGED_IN_7_2.put("pfmerge", "arguments");
        // 7.2 drops a doubled period at the end of SSCAN's complexity.
        CHANGED_IN_7_2.put("sscan", "complexity");
        // 7.2 adds XINFO CONSUMERS's inactive field and XINFO STREAM FULL's active-time (a history entry
        // each), names CONSUMERS's group argument "group" (7.0: groupname) and makes STREAM's FULL a
        // pure token inside a "full-block" (7.0: a block whose token is FULL).
        CHANGED_IN_7_2.put("xinfo|consumers", "arguments history");
        CHANGED_IN_7_2.put("xinfo|stream", "arguments history");
        // 7.2 names XCLAIM's LASTID argument lastid (7.0: id) and its IDs "ID" (command-docs.txt keeps
        // "id": its format reads an upper-case word as a token).
        CHANGED_IN_7_2.put("xclaim", "arguments");
        // Not a 7.2 change: Redis documents no complexity for MONITOR, and command-docs.txt has one
        // for every row (shouldDocumentEveryRowAndNothingElse).
        CHANGED_IN_7_2.put("monitor", "complexity");
    }

    /** Commands the 7.0 oracle does not know: 7.2's CLIENT additions and 7.4's hash field expiration. */
    private static final Set<String> NEWER_THAN_7_0 = Set.of("client|setinfo", "client|no-touch", "hexpire",
            "hpexpire", "hexpireat", "hpexpireat", "httl", "hpttl", "hexpiretime", "hpexpiretime", "hpersist", "waitaof");

    @Test
    void shouldDescribeCommandsAsTheRealRedisDoes() throws Exception {
        try (RedisServer redis = RedisServer.start(); RawClient r = new RawClient(redis.port);
             Harness h = Harness.start()) {
            r.run("HELLO", "3");
            h.run("HELLO", "3");
            final List<String> diffs = new ArrayList<>();
            for (final CommandSpec s : CommandTable.instance().all()) {
                final Map<?, ?> theirs = (Map<?, ?>) r.run("COMMAND", "DOCS", s.fullName());
                if (theirs.isEmpty()) {
                    assertTrue(NEWER_THAN_7_0.contains(s.fullName()),
                            s.fullName() + " is unknown to Redis 7.0 and not one of the commands 7.2 or 7.4 added");
                    continue;
                }
                final Map<?, ?> mine = (Map<?, ?>) ((Map<?, ?>) h.run("COMMAND", "DOCS", s.fullName()))
                        .get(s.fullName());
                final Map<?, ?> want = (Map<?, ?>) theirs.get(s.fullName());
                final String skip = CHANGED_IN_7_2.getOrDefault(s.fullName(), "");
                for (final String f : List.of("since", "group", "complexity", "doc_flags", "deprecated_since",
                        "arguments")) {
                    if (!skip.contains(f) && !String.valueOf(withoutDisplayText(want.get(f)))
                            .equals(String.valueOf(withoutDisplayText(mine.get(f))))) {
                        diffs.add(s.fullName() + " " + f + ":\n    redis " + want.get(f) + "\n    moon  " + mine.get(f));
                    }
                }
                // History: the same versions (the text is Moon's own).
                if (!skip.contains("history")) {
                    assertEquals(versions(want.get("history")), versions(mine.get("history")), s.fullName());
                }
                assertEquals(want.containsKey("replaced_by") || skip.contains("replaced_by"),
                        mine.containsKey("replaced_by"), s.fullName());
                if (!s.fullName().contains("|")) {
                    assertEquals(want.containsKey("subcommands"), mine.containsKey("subcommands"), s.fullName());
                }
            }
            assertTrue(diffs.isEmpty(), String.join("\n", diffs));
        }
    }

    /** The argument tree without Redis 7.2's display_text fields. */
    private static Object withoutDisplayText(final Object o) {
        if (o instanceof Map<?, ?> m) {
            final Map<Object, Object> out = new LinkedHashMap<>();
            for (final Map.Entry<?, ?> e : m.entrySet()) {
                if (!"display_text".equals(e.getKey())) {
                    out.put(e.getKey(), withoutDisplayText(e.getValue()));
                }
            }
            return out;
        }
        if (o instanceof List<?> l) {
            return l.stream().map(CommandDocsTest::withoutDisplayText).toList();
        }
        return o;
    }

    private static List<Object> versions(final Object history) {
        final List<Object> out = new ArrayList<>();
        if (history != null) {
            for (final Object h : (Iterable<?>) history) {
                out.add(((List<?>) h).get(0));
            }
        }
        return out;
    }

    private static void assertArg(final DocArgs.Arg a, final String name, final String type, final String token,
                                  final boolean optional, final boolean multiple) {
        assertNotNull(a);
        assertEquals(name, a.name(), "name");
        assertEquals(type, a.type(), name + " type");
        assertEquals(token, a.token(), name + " token");
        assertEquals(optional, a.optional(), name + " optional");
        assertEquals(multiple, a.multiple(), name + " multiple");
        assertFalse(a.isGroup() && a.displayText() != null, name + ": groups have no display text");
    }
}
