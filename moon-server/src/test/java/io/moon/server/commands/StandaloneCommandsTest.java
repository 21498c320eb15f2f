package io.moon.server.commands;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster and module commands of a standalone server, byte for byte against a real
 * redis-server started without cluster support and without modules; MODULE's protected
 * subcommands with and without enable-module-command.
 */
class StandaloneCommandsTest {
    private static TestServer moon;
    private static RedisServer redis;

    @BeforeAll
    static void start() throws Exception {
        moon = TestServer.start(2);
        redis = RedisServer.start();
    }

    @AfterAll
    static void stop() {
        moon.close();
        redis.close();
    }

    private static String text(final byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void shouldSayClusterSupportIsDisabledAsRedis() throws Exception {
        final List<String[]> cases = List.of(
                new String[] {"CLUSTER", "ADDSLOTS", "1", "2"}, new String[] {"CLUSTER", "ADDSLOTSRANGE", "1", "5"},
                new String[] {"CLUSTER", "BUMPEPOCH"}, new String[] {"CLUSTER", "COUNT-FAILURE-REPORTS", "id"},
                new String[] {"CLUSTER", "COUNTKEYSINSLOT", "7"}, new String[] {"CLUSTER", "DELSLOTS", "1"},
                new String[] {"CLUSTER", "DELSLOTSRANGE", "1", "2"}, new String[] {"CLUSTER", "FAILOVER", "FORCE"},
                new String[] {"CLUSTER", "FLUSHSLOTS"}, new String[] {"CLUSTER", "FORGET", "id"},
                new String[] {"CLUSTER", "GETKEYSINSLOT", "1", "10"}, new String[] {"CLUSTER", "HELP"},
                new String[] {"CLUSTER", "INFO"}, new String[] {"CLUSTER", "KEYSLOT", "foo"},
                new String[] {"CLUSTER", "LINKS"}, new String[] {"CLUSTER", "MEET", "127.0.0.1", "7000"},
                new String[] {"CLUSTER", "MYID"}, new String[] {"CLUSTER", "NODES"},
                new String[] {"CLUSTER", "REPLICAS", "id"}, new String[] {"CLUSTER", "REPLICATE", "id"},
                new String[] {"CLUSTER", "RESET", "HARD"}, new String[] {"CLUSTER", "SAVECONFIG"},
                new String[] {"CLUSTER", "SET-CONFIG-EPOCH", "3"}, new String[] {"CLUSTER", "SETSLOT", "1", "STABLE"},
                new String[] {"CLUSTER", "SHARDS"}, new String[] {"CLUSTER", "SLAVES", "id"},
                new String[] {"CLUSTER", "SLOTS"}, new String[] {"ASKING"}, new String[] {"READONLY"},
                new String[] {"READWRITE"},
                // argument counts and unknown subcommands are checked first, as for any container
                new String[] {"CLUSTER"}, new String[] {"CLUSTER", "NOSUCH"}, new String[] {"CLUSTER", "INFO", "x"},
                new String[] {"READONLY", "x"},
                new String[] {"MODULE", "LIST"}, new String[] {"MODULE"}, new String[] {"MODULE", "NOSUCH"},
                // refused while enable-module-command is no (the default in both)
                new String[] {"MODULE", "LOAD", "/nonexistent.so"},
                new String[] {"MODULE", "LOADEX", "/nonexistent.so", "ARGS", "x"},
                new String[] {"MODULE", "UNLOAD", "foo"});
        try (RawClient m = new RawClient(moon.port); RawClient r = new RawClient(redis.port)) {
            for (final String[] c : cases) {
                assertEquals(text(r.runRaw(c)), text(m.runRaw(c)), String.join(" ", c));
            }
            m.run("HELLO", "3");
            r.run("HELLO", "3");
            assertEquals(text(r.runRaw("MODULE", "LIST")), text(m.runRaw("MODULE", "LIST")));
        }
    }

    @Test
    void shouldLoadNoModuleWhenModuleCommandsAreEnabled() throws Exception {
        try (TestServer open = TestServer.start(1, "enable-module-command", "yes");
             RawClient m = new RawClient(open.port)) {
            assertEquals("-ERR Error loading the extension. Please check the server logs.\r\n",
                    text(m.runRaw("MODULE", "LOAD", "/nonexistent.so")));
            assertEquals("-ERR Error loading the extension. Please check the server logs.\r\n",
                    text(m.runRaw("MODULE", "LOADEX", "/nonexistent.so", "CONFIG", "a", "b")));
            assertEquals("-ERR Error unloading module: no such module with that name\r\n",
                    text(m.runRaw("MODULE", "UNLOAD", "foo")));
            final Object help = m.run("MODULE", "HELP");
            assertTrue(help instanceof List<?> l && l.size() == 11, "header, 4 subcommands of 2 lines, HELP: " + help);
        }
    }
}
