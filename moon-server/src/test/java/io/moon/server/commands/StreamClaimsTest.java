package io.moon.server.commands;

import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XCLAIM and XAUTOCLAIM on three shards. Replies and error texts are redis-server 7.0.15's for
 * the same commands; the claiming consumer is created even when it claims nothing (7.2).
 */
class StreamClaimsTest extends SharedHarnessTest {
    private static List<Object> entry(final String id, final String... fv) {
        return List.of(id, List.of((Object[]) fv));
    }

    /** Entries 1-0..5-0 all delivered to alice, then 2-0 deleted. */
    private void delivered() {
        for (int i = 1; i <= 5; i++) {
            run("XADD", "s", i + "-0", "f", "v" + i);
        }
        assertOk(run("XGROUP", "CREATE", "s", "g", "0"));
        run("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">");
        assertInt(1, run("XDEL", "s", "2-0"));
    }

    /** XPENDING's extended form without idle times: [id, consumer, deliveries]. */
    private List<List<Object>> pending(final String... consumer) {
        final List<Object> args = new java.util.ArrayList<>(List.of("XPENDING", "s", "g", "-", "+", "10"));
        args.addAll(List.of((Object[]) consumer));
        final List<List<Object>> out = new java.util.ArrayList<>();
        for (final Object o : (List<?>) run(args.toArray(new String[0]))) {
            final List<?> l = (List<?>) o;
            out.add(List.of(l.get(0), l.get(1), l.get(3)));
        }
        return out;
    }

    private long idleOf(final String id) {
        return (Long) ((List<?>) ((List<?>) run("XPENDING", "s", "g", id, id, "1")).get(0)).get(2);
    }

    @Test
    void shouldClaimPendingEntriesAndDropDeletedOnes() {
        delivered();
        assertEquals(List.of(entry("1-0", "f", "v1")), run("XCLAIM", "s", "g", "bob", "0", "1-0", "2-0", "9-0"));
        assertEquals(List.of(List.of("1-0", "bob", 2L), List.of("3-0", "alice", 1L), List.of("4-0", "alice", 1L),
                List.of("5-0", "alice", 1L)), pending());
        assertEquals(List.of("3-0"), run("XCLAIM", "s", "g", "bob", "0", "3-0", "JUSTID", "RETRYCOUNT", "7"));
        assertEquals(List.of(List.of("3-0", "bob", 7L)), pending().subList(1, 2));
        assertEquals(List.of(entry("4-0", "f", "v4")), run("XCLAIM", "s", "g", "bob", "0", "4-0", "IDLE", "5000"));
        final long idle = idleOf("4-0");
        assertTrue(idle >= 5000 && idle < 15_000, "idle " + idle);
        // min-idle-time: 5-0 was delivered just now, so it stays with alice
        assertEquals(List.of(), run("XCLAIM", "s", "g", "bob", "3600000", "5-0"));
        assertEquals(List.of(entry("4-0", "f", "v4")), run("XCLAIM", "s", "g", "carol", "4000", "4-0", "TIME", "1"));
        assertTrue(idleOf("4-0") > 1_000_000_000L, "TIME 1: delivered at the epoch");
    }

    @Test
    void shouldForceEntriesIntoThePendingListAndMoveTheLastId() {
        delivered();
        run("XADD", "s", "6-0", "f", "v6");
        assertEquals(List.of("6-0"), run("XCLAIM", "s", "g", "carol", "0", "6-0", "FORCE", "JUSTID"));
        assertEquals(List.of(List.of("6-0", "carol", 1L)), pending("carol"));
        assertEquals(List.of(entry("6-0", "f", "v6")), run("XCLAIM", "s", "g", "carol", "0", "6-0", "FORCE", "LASTID",
                "7-0"));
        assertEquals(List.of(List.of("6-0", "carol", 2L)), pending("carol"));
        final List<?> group = (List<?>) ((List<?>) run("XINFO", "GROUPS", "s")).get(0);
        assertEquals("7-0", group.get(7));
        // no FORCE, not pending (acknowledged): nothing; a LASTID below the group's leaves it
        assertInt(1, run("XACK", "s", "g", "3-0"));
        assertEquals(List.of(), run("XCLAIM", "s", "g", "carol", "0", "3-0", "LASTID", "1-0"));
        assertEquals("7-0", ((List<?>) ((List<?>) run("XINFO", "GROUPS", "s")).get(0)).get(7));
    }

    @Test
    void shouldCreateTheClaimingConsumerEvenWhenItClaimsNothing() {
        delivered();
        assertEquals(List.of(), run("XCLAIM", "s", "g", "nobody", "0", "9-0"));
        assertEquals(List.of(), ((List<?>) run("XAUTOCLAIM", "s", "g", "nobody2", "3600000", "0")).get(1));
        final List<?> consumers = (List<?>) run("XINFO", "CONSUMERS", "s", "g");
        assertEquals(3, consumers.size());
        assertEquals(List.of("name", "nobody", "pending", 0L), ((List<?>) consumers.get(1)).subList(0, 4));
        assertEquals(List.of("inactive", -1L), ((List<?>) consumers.get(1)).subList(6, 8));
    }

    @Test
    void shouldAutoClaimWithACursorAndReportDeletedEntries() {
        delivered();
        assertEquals(List.of("4-0", List.of(entry("1-0", "f", "v1"), entry("3-0", "f", "v3")), List.of("2-0")),
                run("XAUTOCLAIM", "s", "g", "dave", "0", "0", "COUNT", "3"));
        assertInt(1, run("XDEL", "s", "4-0"));
        assertEquals(List.of("0-0", List.of(entry("1-0", "f", "v1"), entry("3-0", "f", "v3"), entry("5-0", "f", "v5")),
                List.of("4-0")), run("XAUTOCLAIM", "s", "g", "dave", "0", "0"));
        assertEquals(List.of("3-0", List.of("1-0"), List.of()), run("XAUTOCLAIM", "s", "g", "dave", "0", "-", "JUSTID",
                "COUNT", "1"));
        assertEquals(List.of(List.of("1-0", "dave", 3L), List.of("3-0", "dave", 3L), List.of("5-0", "dave", 2L)),
                pending());
        assertEquals(List.of("0-0", List.of(), List.of()), run("XAUTOCLAIM", "s", "g", "dave", "3600000", "(1-0"));
    }

    @Test
    void shouldReplyRedisErrors() {
        delivered();
        assertErrorText("ERR Invalid min-idle-time argument for XCLAIM", run("XCLAIM", "s", "g", "bob", "x", "1-0"));
        assertErrorText("ERR Invalid IDLE option argument for XCLAIM", run("XCLAIM", "s", "g", "bob", "0", "1-0", "IDLE",
                "x"));
        assertErrorText("ERR Unrecognized XCLAIM option 'foo'", run("XCLAIM", "s", "g", "bob", "0", "1-0", "foo"));
        assertErrorText("ERR Unrecognized XCLAIM option 'retrycount'", run("XCLAIM", "s", "g", "bob", "0", "1-0",
                "retrycount"));
        assertErrorText("ERR Invalid stream ID specified as stream command argument", run("XCLAIM", "s", "g", "bob", "0",
                "1-0", "LASTID", "x"));
        assertErrorText("NOGROUP No such key 'nokey' or consumer group 'g'", run("XCLAIM", "nokey", "g", "bob", "0", "1-0"));
        assertErrorText("NOGROUP No such key 's' or consumer group 'nog'", run("XCLAIM", "s", "nog", "bob", "0", "1-0"));
        assertErrorText("ERR COUNT must be > 0", run("XAUTOCLAIM", "s", "g", "d", "0", "0", "COUNT", "0"));
        assertErrorText("ERR COUNT must be > 0", run("XAUTOCLAIM", "s", "g", "d", "0", "0", "COUNT", "x"));
        assertErrorText("ERR Invalid min-idle-time argument for XAUTOCLAIM", run("XAUTOCLAIM", "s", "g", "d", "x", "0"));
        assertErrorText("ERR Invalid stream ID specified as stream command argument", run("XAUTOCLAIM", "s", "g", "d",
                "0", "x"));
        assertErrorText("ERR invalid start ID for the interval", run("XAUTOCLAIM", "s", "g", "d", "0",
                "(18446744073709551615-18446744073709551615"));
        assertErrorText("ERR syntax error", run("XAUTOCLAIM", "s", "g", "d", "0", "0", "foo"));
        // XAUTOCLAIM checks its arguments before the key
        assertErrorText("ERR syntax error", run("XAUTOCLAIM", "nokey", "g", "d", "0", "0", "foo"));
        run("SET", "str", "x");
        assertErrorText("WRONGTYPE Operation against a key holding the wrong kind of value",
                run("XCLAIM", "str", "g", "bob", "0", "1-0"));
    }

    @Test
    void shouldKeepClaimedStateThroughDumpAndRestore() {
        delivered();
        run("XCLAIM", "s", "g", "bob", "0", "1-0", "3-0", "IDLE", "5000", "RETRYCOUNT", "4");
        run("XAUTOCLAIM", "s", "g", "carol", "0", "4-0", "COUNT", "1");
        final Object dump = run("DUMP", "s");
        assertOk(run("RESTORE", "{s}copy", "0", (String) dump));
        // the same pending entries, owners, delivery times and counts (seen times too)
        assertEquals(withoutActiveTime(run("XINFO", "STREAM", "s", "FULL")),
                withoutActiveTime(run("XINFO", "STREAM", "{s}copy", "FULL")));
    }

    /** An XINFO reply without consumers' active-time (DUMP's type 19 carries none). */
    private static Object withoutActiveTime(final Object o) {
        if (!(o instanceof List<?> l)) {
            return o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.ISO_8859_1) : o;
        }
        final List<Object> out = new java.util.ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            if ("active-time".equals(l.get(i))) {
                i++;
                continue;
            }
            out.add(withoutActiveTime(l.get(i)));
        }
        return out;
    }
}
