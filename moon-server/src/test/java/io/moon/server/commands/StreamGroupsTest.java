package io.moon.server.commands;

import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XGROUP, XREADGROUP, XACK and XPENDING on three shards. Replies and error texts are
 * redis-server 7.0.15's for the same commands (7.2's where they changed).
 */
class StreamGroupsTest extends SharedHarnessTest {
    private static final String NEEDS_KEY = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE "
            + "you may want to use the MKSTREAM option to create an empty stream automatically.";

    private static List<Object> entry(final String id, final String... fv) {
        return List.of(id, List.of((Object[]) fv));
    }

    @Test
    void shouldCreateAndManageGroupsAndConsumers() {
        assertErrorText(NEEDS_KEY, run("XGROUP", "CREATE", "s", "g", "0"));
        assertOk(run("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"));
        assertInt(0, run("XLEN", "s"));
        assertErrorText("BUSYGROUP Consumer Group name already exists", run("XGROUP", "CREATE", "s", "g", "0"));
        assertErrorText("ERR value for ENTRIESREAD must be positive or -1",
                run("XGROUP", "CREATE", "s", "g2", "0", "ENTRIESREAD", "-2"));
        assertErrorText("ERR unknown subcommand or wrong number of arguments for 'create'. Try XGROUP HELP.",
                run("XGROUP", "create", "s", "g2", "0", "MKSTREAM", "foo"));
        assertErrorText("ERR Invalid stream ID specified as stream command argument", run("XGROUP", "CREATE", "s", "g2", "-"));
        assertErrorText("NOGROUP No such consumer group 'nog' for key name 's'",
                run("XGROUP", "CREATECONSUMER", "s", "nog", "c"));
        assertInt(1, run("XGROUP", "CREATECONSUMER", "s", "g", "c"));
        assertInt(0, run("XGROUP", "CREATECONSUMER", "s", "g", "c"));
        assertInt(0, run("XGROUP", "DELCONSUMER", "s", "g", "c"));
        assertInt(0, run("XGROUP", "DELCONSUMER", "s", "g", "c"));
        assertOk(run("XGROUP", "SETID", "s", "g", "0", "ENTRIESREAD", "0"));
        assertErrorText("ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.",
                run("XGROUP", "SETID", "s", "g", "0", "MKSTREAM"));
        assertInt(0, run("XGROUP", "DESTROY", "s", "nog"));
        assertInt(1, run("XGROUP", "DESTROY", "s", "g"));
        assertTrue(((List<?>) run("XGROUP", "HELP")).size() > 10);
        run("SET", "str", "x");
        assertErrorText("WRONGTYPE Operation against a key holding the wrong kind of value",
                run("XGROUP", "CREATE", "str", "g", "0"));
    }

    @Test
    void shouldDeliverNewEntriesAndTrackThemUntilAcknowledged() {
        run("XADD", "s", "1-0", "a", "1");
        run("XADD", "s", "2-0", "a", "2");
        assertOk(run("XGROUP", "CREATE", "s", "g", "0"));
        assertEquals(List.of(List.of("s", List.of(entry("1-0", "a", "1")))),
                run("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">"));
        assertEquals(List.of(List.of("s", List.of(entry("2-0", "a", "2")))),
                run("XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">"));
        assertNil(run("XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">"));
        assertEquals(Arrays.asList(2L, "1-0", "2-0", List.of(List.of("c", "1"), List.of("c2", "1"))),
                run("XPENDING", "s", "g"));
        // history: the consumer's own pending entries; one deleted since comes back with a null body
        assertInt(1, run("XDEL", "s", "1-0"));
        assertEquals(List.of(List.of("s", List.of(Arrays.asList("1-0", null)))),
                run("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"));
        assertInt(1, run("XACK", "s", "g", "1-0", "5-0"));
        final List<?> ext = (List<?>) run("XPENDING", "s", "g", "-", "+", "10", "c2");
        assertEquals(1, ext.size());
        assertEquals("2-0", ((List<?>) ext.get(0)).get(0));
        assertEquals("c2", ((List<?>) ext.get(0)).get(1));
        assertEquals(1L, ((List<?>) ext.get(0)).get(3));
        assertEquals(List.of(), run("XPENDING", "s", "g", "IDLE", "100000", "-", "+", "10"));
        assertEquals(List.of(), run("XPENDING", "s", "g", "-", "+", "10", "nobody"));
        assertErrorText("NOGROUP No such key 's' or consumer group 'nog'", run("XPENDING", "s", "nog"));
        assertErrorText("ERR syntax error", run("XPENDING", "s", "g", "-", "+"));
        assertInt(0, run("XACK", "s", "nog", "1-0"));
        assertInt(0, run("XACK", "missing", "g", "1-0"));
        assertErrorText("ERR Invalid stream ID specified as stream command argument", run("XACK", "s", "g", "x"));
        // NOACK: delivered, not pending
        run("XADD", "s", "3-0", "a", "3");
        assertEquals(List.of(List.of("s", List.of(entry("3-0", "a", "3")))),
                run("XREADGROUP", "GROUP", "g", "c", "NOACK", "STREAMS", "s", ">"));
        assertEquals(1L, ((List<?>) run("XPENDING", "s", "g")).get(0));
        assertInt(1, run("XGROUP", "DELCONSUMER", "s", "g", "c2"));
        assertEquals(Arrays.asList(0L, null, null, null), run("XPENDING", "s", "g"));
    }

    @Test
    void shouldReadGroupsOnSeveralShardsAndRefuseBadArguments() {
        run("XADD", "s1", "1-0", "a", "1");
        run("XADD", "s2", "1-0", "b", "1");
        run("XADD", "{t}s", "1-0", "c", "1");
        for (final String k : new String[] {"s1", "s2", "{t}s"}) {
            assertOk(run("XGROUP", "CREATE", k, "g", "0"));
        }
        assertEquals(List.of(List.of("s1", List.of(entry("1-0", "a", "1"))), List.of("s2", List.of(entry("1-0", "b", "1"))),
                List.of("{t}s", List.of(entry("1-0", "c", "1")))),
                run("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s1", "s2", "{t}s", ">", ">", ">"));
        // the reads across shards were written back: all three are pending now
        for (final String k : new String[] {"s1", "s2", "{t}s"}) {
            assertEquals(1L, ((List<?>) run("XPENDING", k, "g")).get(0), k);
        }
        assertErrorText("NOGROUP No such key 'missing' or consumer group 'g' in XREADGROUP with GROUP option",
                run("XREADGROUP", "GROUP", "g", "c", "STREAMS", "missing", ">"));
        assertErrorText("ERR Missing GROUP option for XREADGROUP", run("XREADGROUP", "COUNT", "1", "NOACK", "STREAMS", "s1", ">"));
        assertErrorText("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of "
                + "this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just "
                + "return an empty result set.", run("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s1", "$"));
        assertErrorText("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
                run("XREAD", "GROUP", "g", "c", "STREAMS", "s1", ">"));
        assertErrorText("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
                run("XREAD", "NOACK", "STREAMS", "s1", "0"));
    }
}
