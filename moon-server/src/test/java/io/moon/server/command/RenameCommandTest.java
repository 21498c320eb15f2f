package io.moon.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moon.server.config.ConfigFile;
import io.moon.server.testing.Harness;
import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rename-command NAME NEWNAME} in a config file, asked of the real server and of Moon. */
class RenameCommandTest {
    @TempDir
    Path dir;

    private static final String RENAMES = String.join("\n", "rename-command set myset", "rename-command FLUSHALL \"\"",
        "rename-command myset MYSET2", "rename-command get get", "");

    @Test
    @SuppressWarnings("unchecked")
    void shouldAnswerRenamedCommandsAsTheRealServer() throws Exception {
        final Path redisConf = Files.writeString(dir.resolve("redis.conf"), RENAMES);
        final Path moonConf = Files.writeString(dir.resolve("moon.conf"), RENAMES);
        final List<List<String>> commands = List.of(
            List.of("set", "a", "b"),
            List.of("myset", "a", "b"),
            List.of("myset2", "a", "b"),
            List.of("MySet2", "c", "d"),
            List.of("get", "a"),
            List.of("flushall"),
            List.of("COMMAND", "INFO", "set"),
            List.of("COMMAND", "INFO", "flushall"),
            List.of("COMMAND", "INFO", "get", "nosuch"),
            List.of("COMMAND", "DOCS", "set"),
            List.of("COMMAND", "GETKEYS", "myset2", "k", "v"),
            List.of("COMMAND", "GETKEYS", "set", "k", "v"),
            List.of("MULTI"),
            List.of("set", "x", "y"),
            List.of("EXEC"),
            List.of("EVAL", "return redis.call('myset2', 'x', 'y')", "0"),
            List.of("ACL", "SETUSER", "u", "+set", "+flushall"),
            List.of("ACL", "SETUSER", "u", "+myset2"),
            List.of("CONFIG", "SET", "rename-command", "get x"),
            List.of("CONFIG", "GET", "rename-command"));
        final ConfigFile.Loaded loaded = ConfigFile.load(List.of(moonConf.toString(), "--dir", dir.toString()));
        assertEquals(List.of(), loaded.problems());
        try (RedisServer redis = RedisServer.startWithFile(redisConf, "--dir", dir.toString());
             RawClient r = new RawClient(redis.port);
             Harness h = Harness.start(loaded.config())) {
            for (final List<String> cmd : commands) {
                final String[] args = cmd.toArray(new String[0]);
                assertEquals(r.run(args), h.run(args), String.join(" ", cmd));
            }
            // the renamed command answers COMMAND INFO under its own name (Moon's key-spec notes are its own prose)
            assertEquals(((List<Object>) ((List<Object>) r.run("COMMAND", "INFO", "MYSET2")).get(0)).subList(0, 7),
                ((List<Object>) ((List<Object>) h.run("COMMAND", "INFO", "MYSET2")).get(0)).subList(0, 7));
            // one command fewer (FLUSHALL); SET is listed by its own name, FLUSHALL is not
            try (Harness plain = Harness.start()) {
                assertEquals((Long) plain.run("COMMAND", "COUNT") - 1, h.run("COMMAND", "COUNT"));
            }
            final List<Object> list = (List<Object>) h.run("COMMAND", "LIST");
            assertTrue(list.contains("set") && list.contains("get") && !list.contains("myset2"), list.toString());
            assertFalse(list.contains("flushall"));
            assertEquals(new java.util.HashSet<>((List<Object>) r.run("COMMAND", "LIST", "FILTERBY", "PATTERN", "*flush*")),
                new java.util.HashSet<>((List<Object>) h.run("COMMAND", "LIST", "FILTERBY", "PATTERN", "*flush*")));
        }
        // the command table of other servers in this process is untouched
        try (Harness plain = Harness.start()) {
            assertEquals(new io.moon.server.testing.Resp.Simple("OK"), plain.run("SET", "a", "b"));
        }
    }

    @Test
    void shouldRefuseWhatRedisRefusesWithItsReasons() throws Exception {
        final Path conf = Files.writeString(dir.resolve("bad.conf"), String.join("\n",
            "rename-command nosuch x",
            "rename-command set get",
            "rename-command set",
            "rename-command config|get x",
            "rename-command del remove",
            "rename-command del y",
            ""));
        final List<String> problems = ConfigFile.load(List.of(conf.toString())).problems().stream()
            .map(ConfigFile.Problem::oneLine).toList();
        assertEquals(List.of(
            conf + ":1: 'rename-command nosuch x': No such command in rename-command",
            conf + ":2: 'rename-command set get': Target command name already exists",
            conf + ":3: 'rename-command set': Bad directive or wrong number of arguments",
            conf + ":4: 'rename-command config|get x': No such command in rename-command",
            conf + ":6: 'rename-command del y': No such command in rename-command"), problems);
    }

    @Test
    void shouldRewriteTheConfigFileKeepingTheRenames() throws Exception {
        final Path conf = Files.writeString(dir.resolve("moon.conf"), "rename-command set myset\nhz 10\n");
        final ConfigFile.Loaded loaded = ConfigFile.load(List.of(conf.toString(), "--dir", dir.toString()));
        try (Harness h = Harness.start(loaded.config())) {
            assertEquals(new io.moon.server.testing.Resp.Simple("OK"), h.run("CONFIG", "SET", "hz", "20"));
            assertEquals(new io.moon.server.testing.Resp.Simple("OK"), h.run("CONFIG", "REWRITE"));
        }
        assertTrue(Files.readAllLines(conf).containsAll(List.of("rename-command set myset", "hz 20")));
    }
}
