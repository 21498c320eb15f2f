package io.moon.server.command;

import io.moon.server.testing.Harness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The coverage test over the command table (STYLE.md, "Commands"):
 * <ul>
 *   <li>every row's COMMAND INFO (arity, flags, first/last/step, ACL categories, tips, key specs)
 *       equals the golden captured from the real redis-server 7.0.15, except where Redis 7.2
 *       changed it: those differences are listed one by one in {@link #REDIS_7_2}, each with the
 *       7.2 value Moon must have and why;</li>
 *   <li>every row has code to run: a handler, a cross-shard operation, or subcommands;</li>
 *   <li>every command is exercised by at least one test under moon-server/src/test.</li>
 * </ul>
 * The comparison reads Moon's own COMMAND reply, so it also checks how COMMAND renders a row
 * (hidden flags, implicit categories).
 */
class CommandTableTest {
    /**
     * Redis 7.2 values where the 7.0.15 golden differs, from Redis 7.2's command definitions
     * (src/commands/*.json at tag 7.2.6), and the hash field expiration commands of 7.4. Key: "name field" (a field of {@link CommandInfoLines}),
     * or "name" alone for a command 7.0 does not have, whose value is then the whole line.
     */
    private static final Map<String, String> REDIS_7_2 = new LinkedHashMap<>();

    static {
        // New in 7.2: a client reports its library name and version (shown by CLIENT LIST/INFO).
        // Cluster-aware clients send it to every node, hence the all_nodes tips.
        allow("client|setinfo", "client|setinfo arity=4 flags=noscript,loading,stale keys=0,0,0"
                + " acl=@slow,@connection tips=request_policy:all_nodes,response_policy:all_succeeded specs=-");
        // New in 7.2: reads by this client stop updating keys' access time (LRU/LFU).
        allow("client|no-touch", "client|no-touch arity=3 flags=noscript,loading,stale keys=0,0,0"
                + " acl=@slow,@connection tips=- specs=-");
        // 7.2 tells cluster clients that a connection name is set on every node.
        allow("client|setname tips", "request_policy:all_nodes,response_policy:all_succeeded");
        // 7.2: statistics are reset and the config file rewritten on every node.
        allow("config|resetstat tips", "request_policy:all_nodes,response_policy:all_succeeded");
        allow("config|rewrite tips", "request_policy:all_nodes,response_policy:all_succeeded");
        // 7.2 dropped MSETNX's multi-shard tips: its all-or-nothing check cannot be split per shard.
        allow("msetnx tips", "-");
        // 7.2: the replies of RANDOMKEY and SCAN are combined by special, client-side logic.
        allow("randomkey tips", "request_policy:all_shards,response_policy:special,nondeterministic_output");
        allow("scan tips", "nondeterministic_output,request_policy:special,response_policy:special");
        // 7.2 accepts COMMAND GETKEYS <command> with no arguments, so the command's own arity
        // check reports "Invalid number of arguments specified for command".
        allow("command|getkeys arity", "-3");
        allow("command|getkeysandflags arity", "-3");
        // 7.2: ZRANK and ZREVRANK take an optional WITHSCORE.
        allow("zrank arity", "-3");
        allow("zrevrank arity", "-3");
        // New in 7.4: hash field expiration. Rows as Redis 7.4.0's command JSON declares them
        // (src/commands/h*expire*.json, httl.json...); 8.0 later dropped HEXPIRE's denyoom.
        for (final String c : new String[] {"hexpire", "hpexpire", "hexpireat", "hpexpireat"}) {
            allow(c, c + " arity=-6 flags=write,denyoom,fast keys=1,1,1 acl=@write,@hash,@fast tips=-"
                    + " specs=RW,update/index:1/range:0,1,0");
        }
        for (final String c : new String[] {"httl", "hpttl", "hexpiretime", "hpexpiretime"}) {
            allow(c, c + " arity=-5 flags=readonly,fast keys=1,1,1 acl=@read,@hash,@fast tips=-"
                    + " specs=RO,access/index:1/range:0,1,0");
        }
        // New in 7.2: WAITAOF (src/commands/waitaof.json at 7.2.6). 7.2 also lets scripts call
        // WAIT (wait.json drops NOSCRIPT); it returns at once there.
        allow("waitaof", "waitaof arity=4 flags=noscript keys=0,0,0 acl=@slow,@connection"
                + " tips=request_policy:all_shards,response_policy:agg_min specs=-");
        allow("wait flags", "-");
        allow("hpersist", "hpersist arity=-5 flags=write,fast keys=1,1,1 acl=@write,@hash,@fast tips=-"
                + " specs=RW,update/index:1/range:0,1,0");
    }

    private static void allow(final String key, final String value72) {
        REDIS_7_2.put(key, value72);
    }

    private static Harness h;

    @BeforeAll
    static void start() {
        h = Harness.start();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void shouldMatchRedisCommandInfoExceptListedRedis72Changes() throws IOException {
        final Map<String, String> golden = CommandInfoLines.golden();
        final Map<String, String> moon = CommandInfoLines.fromReply(h.run("COMMAND"));
        final List<String> drift = new ArrayList<>();
        for (final Map.Entry<String, String> e : moon.entrySet()) {
            final String name = e.getKey();
            final String gold = golden.get(name);
            if (gold == null) {
                final String whole = REDIS_7_2.get(name);
                if (whole == null) {
                    drift.add(name + ": not in the golden (Redis 7.0.15) and not listed as new in 7.2");
                } else if (!whole.equals(e.getValue())) {
                    drift.add(name + ":\n    moon " + e.getValue() + "\n    7.2  " + whole);
                }
                continue;
            }
            final Map<String, String> g = CommandInfoLines.fields(gold);
            final Map<String, String> m = CommandInfoLines.fields(e.getValue());
            for (final String f : CommandInfoLines.FIELDS) {
                final String allowed = REDIS_7_2.get(name + " " + f);
                final String want = allowed != null ? allowed : g.get(f);
                if (!want.equals(m.get(f))) {
                    drift.add(name + " " + f + ": moon " + m.get(f) + ", " + (allowed != null ? "Redis 7.2 " : "golden ")
                            + want);
                }
            }
        }
        assertTrue(drift.isEmpty(), "command table drifts from Redis's COMMAND INFO:\n  " + String.join("\n  ", drift));
    }

    @Test
    void shouldListOnlyAllowancesThatAreStillNeeded() throws IOException {
        final Map<String, String> golden = CommandInfoLines.golden();
        final List<String> stale = new ArrayList<>();
        for (final String key : REDIS_7_2.keySet()) {
            final String[] p = key.split(" ");
            final String gold = golden.get(p[0]);
            if (CommandTable.instance().byFullName(p[0]) == null) {
                stale.add(key + " (no such row)");
            } else if (p.length == 1 ? gold != null
                    : gold == null || CommandInfoLines.fields(gold).get(p[1]).equals(REDIS_7_2.get(key))) {
                stale.add(key + " (the golden already agrees)");
            }
        }
        assertTrue(stale.isEmpty(), "allowlist entries that are not needed: " + stale);
    }

    @Test
    void shouldGiveEveryRowSomethingToRun() {
        final List<String> missing = new ArrayList<>();
        for (final CommandSpec s : CommandTable.instance().all()) {
            final boolean runs = switch (s.route()) {
                case LOCAL -> s.handler() != null;
                case KEYED -> s.handler() != null;
                case COORDINATED -> s.multi() != null;
            };
            if (!runs && s.subcommands().length == 0) {
                missing.add(s.fullName());
            }
        }
        assertTrue(missing.isEmpty(), "rows without a handler or cross-shard operation: " + missing);
    }

    @Test
    void shouldFindEveryCommandInSomeTest() throws IOException {
        final Path root = Path.of("src/test/java");
        assertTrue(Files.isDirectory(root), "run from the moon-server module directory");
        // The metadata tests (Command*Test, CommandInfo*) name other commands as data, in COMMAND
        // INFO, DOCS or GETKEYS requests; they count only for the COMMAND family itself.
        final StringBuilder tests = new StringBuilder();
        final StringBuilder meta = new StringBuilder();
        try (Stream<Path> files = Files.walk(root)) {
            for (final Path p : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                final String name = p.getFileName().toString();
                final boolean isMeta = name.startsWith("CommandInfo")
                        || name.startsWith("Command") && name.endsWith("Test.java");
                (isMeta ? meta : tests).append(Files.readString(p, StandardCharsets.UTF_8)).append('\n');
            }
        }
        final TreeSet<String> untested = new TreeSet<>();
        for (final CommandSpec s : CommandTable.instance().all()) {
            if (s.subcommands().length > 0 && s.handler() == null) {
                continue; // a container is tested through its subcommands
            }
            final boolean commandFamily = (s.parent() == null ? s : s.parent()).name().equals("command");
            if (!invoked(tests, s) && !(commandFamily && invoked(meta, s))) {
                untested.add(s.fullName());
            }
        }
        assertTrue(untested.isEmpty(), untested.size() + " commands are not invoked by any test under"
                + " moon-server/src/test (a call or array starting with the name, e.g. run(\"GET\", ...) or"
                + " run(\"CLIENT\", \"LIST\", ...)):\n  " + String.join("\n  ", untested));
    }

    /**
     * True when some call or array in the tests starts with the command's name (and, for a
     * subcommand, continues with the subcommand's name): {@code ("GET"}, {@code {"CLIENT", "LIST"}.
     */
    static boolean invoked(final CharSequence sources, final CommandSpec s) {
        final String quoted;
        if (s.parent() == null) {
            quoted = "\"" + Pattern.quote(s.name()) + "\"";
        } else {
            quoted = "\"" + Pattern.quote(s.parent().name()) + "\"\\s*,\\s*\"" + Pattern.quote(s.name()) + "\"";
        }
        return Pattern.compile("[({]\\s*" + quoted, Pattern.CASE_INSENSITIVE).matcher(sources).find();
    }

    @Test
    void shouldCountTopLevelCommandsOnce() {
        final List<String> names = new ArrayList<>();
        for (final CommandSpec s : CommandTable.instance().topLevel()) {
            names.add(s.name().toLowerCase(Locale.ROOT));
        }
        assertEquals(names.size(), new TreeSet<>(names).size(), "duplicate rows in " + names);
    }
}
