package io.moon.server.commands;

import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XINFO STREAM, GROUPS, CONSUMERS and HELP on three shards. The values are redis-server 7.0.15's
 * for the same commands, with 7.2's added fields (inactive, active-time).
 */
class StreamInfoTest extends SharedHarnessTest {
    private static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    private void fiveEntriesOneDeleted() {
        for (int i = 1; i <= 5; i++) {
            run("XADD", "s", i + "-0", "f", "v" + i);
        }
        run("XDEL", "s", "2-0");
    }

    @Test
    void shouldDescribeAStream() {
        fiveEntriesOneDeleted();
        assertOk(run("XGROUP", "CREATE", "s", "g", "0"));
        assertEquals(List.of("length", 4L, "radix-tree-keys", 1L, "radix-tree-nodes", 2L, "last-generated-id", "5-0",
                "max-deleted-entry-id", "2-0", "entries-added", 5L, "recorded-first-entry-id", "1-0", "groups", 1L,
                "first-entry", List.of("1-0", List.of("f", "v1")), "last-entry", List.of("5-0", List.of("f", "v5"))),
                run("XINFO", "STREAM", "s"));
    }

    @Test
    void shouldCountRadixTreeNodesAsRedisDoes() {
        fiveEntriesOneDeleted();
        assertOk(run("CONFIG", "SET", "stream-node-max-entries", "2"));
        try {
            for (int i = 6; i <= 9; i++) {
                run("XADD", "s", i + "-0", "f", "v" + i);
            }
            // nodes keyed 1-0, 6-0 and 8-0: a 7-byte chain, a branch, then per key a chain and its leaf
            final List<?> info = (List<?>) run("XINFO", "STREAM", "s");
            assertEquals(List.of("length", 8L, "radix-tree-keys", 3L, "radix-tree-nodes", 8L), info.subList(0, 6));
        } finally {
            run("CONFIG", "SET", "stream-node-max-entries", "100");
        }
        assertOk(run("XGROUP", "CREATE", "e", "g", "$", "MKSTREAM"));
        assertEquals(List.of("length", 0L, "radix-tree-keys", 0L, "radix-tree-nodes", 1L),
                ((List<?>) run("XINFO", "STREAM", "e")).subList(0, 6));
    }

    @Test
    void shouldDescribeGroupsWithEntriesReadAndLag() {
        fiveEntriesOneDeleted();
        assertOk(run("XGROUP", "CREATE", "s", "g", "0"));
        assertOk(run("XGROUP", "CREATE", "s", "g2", "$", "ENTRIESREAD", "5"));
        run("XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", "s", ">");
        assertEquals(List.of(
                Arrays.asList("name", "g", "consumers", 1L, "pending", 2L, "last-delivered-id", "3-0", "entries-read",
                        nil(), "lag", nil()),
                Arrays.asList("name", "g2", "consumers", 0L, "pending", 0L, "last-delivered-id", "5-0", "entries-read", 5L,
                        "lag", 0L)),
                run("XINFO", "GROUPS", "s"));
        assertOk(run("XGROUP", "CREATE", "e", "g", "$", "MKSTREAM"));
        assertEquals(List.of(Arrays.asList("name", "g", "consumers", 0L, "pending", 0L, "last-delivered-id", "0-0",
                "entries-read", nil(), "lag", 0L)), run("XINFO", "GROUPS", "e"));
    }

    private static Object nil() {
        return null;
    }

    @Test
    void shouldDescribeConsumersWithIdleAndInactiveTimes() {
        fiveEntriesOneDeleted();
        assertOk(run("XGROUP", "CREATE", "s", "g", "0"));
        run("XREADGROUP", "GROUP", "g", "reader", "COUNT", "1", "STREAMS", "s", ">");
        run("XGROUP", "CREATECONSUMER", "s", "g", "idler");
        final List<?> consumers = (List<?>) run("XINFO", "CONSUMERS", "s", "g");
        assertEquals(2, consumers.size());
        final List<?> idler = (List<?>) consumers.get(0);
        assertEquals(List.of("name", "idler", "pending", 0L, "idle"), idler.subList(0, 5));
        assertEquals(List.of("inactive", -1L), idler.subList(6, 8));
        final List<?> reader = (List<?>) consumers.get(1);
        assertEquals(List.of("name", "reader", "pending", 1L, "idle"), reader.subList(0, 5));
        assertTrue((Long) reader.get(7) >= 0 && (Long) reader.get(7) < 10_000, "inactive: " + reader);
        assertErrorText("NOGROUP No such consumer group 'nog' for key name 's'", run("XINFO", "CONSUMERS", "s", "nog"));
    }

    @Test
    void shouldListEntriesGroupsAndPendingInTheFullForm() {
        fiveEntriesOneDeleted();
        assertOk(run("XGROUP", "CREATE", "s", "g", "0"));
        run("XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", "s", ">");
        final List<?> full = (List<?>) run("XINFO", "STREAM", "s", "FULL", "COUNT", "1");
        assertEquals(18, full.size());
        assertEquals(List.of("entries", List.of(List.of("1-0", List.of("f", "v1"))), "groups"), full.subList(14, 17));
        final List<?> g = (List<?>) ((List<?>) full.get(17)).get(0);
        assertEquals(Arrays.asList("name", "g", "last-delivered-id", "3-0", "entries-read", nil(), "lag", nil(), "pel-count",
                2L, "pending"), g.subList(0, 11));
        final List<?> pending = (List<?>) g.get(11);
        assertEquals(1, pending.size());
        assertEquals(List.of("1-0", "c1"), ((List<?>) pending.get(0)).subList(0, 2));
        final List<?> c1 = (List<?>) ((List<?>) g.get(13)).get(0);
        assertEquals(List.of("name", "c1", "seen-time"), c1.subList(0, 3));
        assertEquals(List.of("active-time"), c1.subList(4, 5));
        assertEquals(List.of("pel-count", 2L, "pending"), c1.subList(6, 9));
        assertEquals(1, ((List<?>) c1.get(9)).size());
        // COUNT 0: everything; a negative COUNT: the default 10
        assertEquals(4, ((List<?>) ((List<?>) run("XINFO", "STREAM", "s", "FULL", "COUNT", "0")).get(15)).size());
        assertEquals(4, ((List<?>) ((List<?>) run("XINFO", "STREAM", "s", "FULL", "COUNT", "-5")).get(15)).size());
    }

    @Test
    void shouldReplyRedisErrors() {
        fiveEntriesOneDeleted();
        run("SET", "str", "x");
        assertErrorText("ERR no such key", run("XINFO", "STREAM", "nokey"));
        assertErrorText(WRONGTYPE, run("XINFO", "GROUPS", "str"));
        assertErrorText("ERR value is not an integer or out of range", run("XINFO", "STREAM", "s", "FULL", "COUNT", "x"));
        assertErrorText("ERR unknown subcommand or wrong number of arguments for 'stream'. Try XINFO HELP.",
                run("XINFO", "stream", "s", "fulll"));
        assertErrorText("ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.",
                run("XINFO", "STREAM", "s", "FULL", "COUNT"));
        final List<?> help = (List<?>) run("XINFO", "HELP");
        assertEquals("+XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", String.valueOf(help.get(0)));
        assertEquals(9, help.size());
    }
}
