package io.moon.server.wal;

import io.moon.storage.wal.WalReader;
import io.moon.storage.wal.WalRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stream commands in the write-ahead log: XADD is logged with the ID it generated ({@code *},
 * {@code ms-*}), approximate trims are logged as the exact trims that leave the same entries,
 * commands that changed nothing are not logged; after a crash every stream is back with the same
 * entries and the same last ID.
 */
final class StreamAofTest {
    @TempDir
    Path dir;

    private List<String> allRecords() throws Exception {
        final List<String> out = new ArrayList<>();
        try (var files = Files.list(dir.resolve("appendonlydir"))) {
            for (final Path f : files.filter(p -> p.toString().endsWith(".incr.aof")).toList()) {
                WalReader.scan(f, -1, (final WalRecord r) -> {
                    final StringBuilder sb = new StringBuilder();
                    for (final byte[] a : r.args()) {
                        sb.append(sb.length() > 0 ? " " : "").append(new String(a, StandardCharsets.ISO_8859_1));
                    }
                    out.add(sb.toString());
                });
            }
        }
        return out;
    }

    private static Object text(final Object reply) {
        if (reply instanceof byte[] b) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        if (reply instanceof List<?> l) {
            final List<Object> out = new ArrayList<>();
            for (final Object o : l) {
                out.add(text(o));
            }
            return out;
        }
        return reply;
    }

    private static Object x(final Jedis j, final String cmd, final String... args) {
        final byte[] name = cmd.getBytes(StandardCharsets.US_ASCII);
        final redis.clients.jedis.commands.ProtocolCommand c = () -> name;
        return text(j.sendCommand(c, args));
    }

    @Test
    void shouldLogDeterministicFormsAndRecoverTheSameStreams() throws Exception {
        final String[] keys = {"auto", "partial", "trimmed", "{t}other", "empty"};
        final Map<String, Object> ranges = new HashMap<>();
        final String autoId;
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            j.configSet("stream-node-max-entries", "3");
            autoId = (String) x(j, "XADD", "auto", "*", "f", "v");
            x(j, "XADD", "auto", "*", "f", "w");
            assertEquals("5-0", x(j, "XADD", "partial", "5-*", "a", "1"));
            assertEquals("5-1", x(j, "XADD", "partial", "5-*", "a", "2"));
            for (int i = 1; i <= 10; i++) {
                x(j, "XADD", "trimmed", i + "-0", "a", "b");
            }
            assertEquals("11-0", x(j, "XADD", "trimmed", "MAXLEN", "~", "5", "LIMIT", "100", "11-0", "a", "b"));
            assertEquals(3L, x(j, "XTRIM", "trimmed", "MINID", "~", "10"));
            assertEquals(0L, x(j, "XTRIM", "trimmed", "MAXLEN", "100")); // nothing removed: not logged
            x(j, "XADD", "{t}other", "1-0", "a", "1");
            x(j, "XADD", "{t}other", "2-0", "a", "2");
            assertEquals(1L, x(j, "XDEL", "{t}other", "1-0", "7-7"));
            assertEquals(0L, x(j, "XDEL", "{t}other", "1-0")); // not logged
            x(j, "XADD", "empty", "1-0", "a", "1");
            x(j, "XDEL", "empty", "1-0");
            x(j, "XSETID", "empty", "9-9");
            for (final String k : keys) {
                ranges.put(k, x(j, "XRANGE", k, "-", "+"));
            }
            n.crash();
        }
        final List<String> records = allRecords();
        assertTrue(records.contains("XADD auto " + autoId + " f v"), records.toString());
        assertTrue(records.contains("XADD partial 5-1 a 2"), records.toString());
        assertTrue(records.contains("XADD trimmed MAXLEN = 5 11-0 a b"), records.toString());
        assertTrue(records.contains("XTRIM trimmed MINID = 10-0"), records.toString());
        assertFalse(records.stream().anyMatch(r -> r.startsWith("XTRIM trimmed MAXLEN")), records.toString());
        assertEquals(1, records.stream().filter(r -> r.startsWith("XDEL {t}other")).count(), records.toString());
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            for (final String k : keys) {
                assertEquals(ranges.get(k), x(j, "XRANGE", k, "-", "+"), k);
            }
            assertEquals("5-2", x(j, "XADD", "partial", "5-*", "a", "3"));
            assertEquals("9-10", x(j, "XADD", "empty", "9-*", "a", "1"));
            assertEquals(2L, x(j, "XLEN", "auto"));
        }
    }

    /** When the first pending entry was delivered: the server's time less its idle time (to a few ms). */
    private static long deliveredAt(final Jedis j) {
        final List<?> t = (List<?>) x(j, "TIME");
        final long now = Long.parseLong((String) t.get(0)) * 1000 + Long.parseLong((String) t.get(1)) / 1000;
        return now - (Long) ((List<?>) ((List<?>) x(j, "XPENDING", "s", "g1", "-", "+", "1")).get(0)).get(2);
    }

    /** XPENDING's entries without their idle times (they grow while the test runs). */
    private static Object pending(final Jedis j, final String key, final String group) {
        final List<Object> out = new ArrayList<>();
        for (final Object e : (List<?>) x(j, "XPENDING", key, group, "-", "+", "100")) {
            final List<?> l = (List<?>) e;
            out.add(List.of(l.get(0), l.get(1), l.get(3)));
        }
        return out;
    }

    @Test
    void shouldRecoverConsumerGroupsExactly() throws Exception {
        final Object summary;
        final Object pendingG1;
        final long idleBefore; // as the delivery time
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            for (int i = 1; i <= 6; i++) {
                x(j, "XADD", "s", i + "-0", "f", "v" + i);
            }
            x(j, "XGROUP", "CREATE", "s", "g1", "0");
            x(j, "XGROUP", "CREATE", "s", "g2", "$");
            x(j, "XREADGROUP", "GROUP", "g1", "alice", "COUNT", "2", "STREAMS", "s", ">");
            x(j, "XREADGROUP", "GROUP", "g1", "bob", "COUNT", "2", "STREAMS", "s", ">");
            x(j, "XREADGROUP", "GROUP", "g1", "alice", "STREAMS", "s", "0"); // history: delivered again
            x(j, "XREADGROUP", "GROUP", "g1", "carol", "NOACK", "STREAMS", "s", ">");
            assertEquals(1L, x(j, "XACK", "s", "g1", "3-0"));
            x(j, "XGROUP", "CREATECONSUMER", "s", "g2", "dave");
            assertEquals(0L, x(j, "XGROUP", "DELCONSUMER", "s", "g2", "dave"));
            x(j, "XGROUP", "SETID", "s", "g2", "4-0", "ENTRIESREAD", "4");
            summary = x(j, "XPENDING", "s", "g1");
            pendingG1 = pending(j, "s", "g1");
            idleBefore = deliveredAt(j);
            Thread.sleep(300); // a replay that took its own time for the deliveries would be this far off
            n.crash();
        }
        // the group state is logged, not the stream
        final String log = String.join("\n", allRecords());
        assertFalse(log.contains("RESTORE"), log);
        assertTrue(log.contains("XGROUP CREATECONSUMER s g1 carol"), log);
        assertTrue(log.contains("XCLAIM s g1 alice 0 1-0 TIME "), log);
        assertTrue(log.contains("XGROUP SETID s g1 6-0 ENTRIESREAD 6"), log);
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            assertEquals(summary, x(j, "XPENDING", "s", "g1"));
            assertEquals(pendingG1, pending(j, "s", "g1"));
            // the delivery time came back as it was, not the replay's time
            final long after = deliveredAt(j);
            assertTrue(Math.abs(after - idleBefore) < 100, idleBefore + " then " + after);
            // g1 delivered everything (carol's NOACK read): nothing new; g2 goes on after 4-0
            assertEquals(null, x(j, "XREADGROUP", "GROUP", "g1", "x", "STREAMS", "s", ">"));
            assertEquals("5-0", ((List<?>) ((List<?>) ((List<?>) ((List<?>) x(j, "XREADGROUP", "GROUP", "g2", "y",
                    "COUNT", "1", "STREAMS", "s", ">")).get(0)).get(1)).get(0)).get(0));
        }
    }

    /**
     * XINFO STREAM FULL without consumers' seen-time and active-time: a replay sets them to its own
     * time, as a replay of what Redis propagates does (delivery times and counts come back exactly).
     */
    private static Object fullWithoutConsumerTimes(final Jedis j, final String key) {
        return strip(x(j, "XINFO", "STREAM", key, "FULL", "COUNT", "0"));
    }

    private static Object strip(final Object o) {
        if (!(o instanceof List<?> l)) {
            return o;
        }
        final List<Object> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            if ("active-time".equals(l.get(i)) || "seen-time".equals(l.get(i))) {
                i++;
                continue;
            }
            out.add(strip(l.get(i)));
        }
        return out;
    }

    @Test
    void shouldRecoverClaimsExactly() throws Exception {
        final Object before;
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            for (int i = 1; i <= 6; i++) {
                x(j, "XADD", "s", i + "-0", "f", "v" + i);
            }
            x(j, "XGROUP", "CREATE", "s", "g", "0");
            x(j, "XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">");
            x(j, "XDEL", "s", "2-0");
            // 1-0 to bob, idle 5 s; 2-0 leaves the pending list (deleted); 9-0 was never pending
            assertEquals(List.of("1-0"), x(j, "XCLAIM", "s", "g", "bob", "0", "1-0", "2-0", "9-0", "IDLE", "5000",
                    "RETRYCOUNT", "7", "JUSTID"));
            x(j, "XCLAIM", "s", "g", "bob", "0", "6-0", "FORCE", "LASTID", "8-0");
            x(j, "XGROUP", "CREATECONSUMER", "s", "g", "idle");
            x(j, "XDEL", "s", "4-0");
            final List<?> auto = (List<?>) x(j, "XAUTOCLAIM", "s", "g", "carol", "0", "3-0", "COUNT", "2");
            assertEquals("5-0", auto.get(0));
            assertEquals(List.of("4-0"), auto.get(2));
            // a blocking read that times out has still created its consumer
            assertNull(x(j, "XREADGROUP", "GROUP", "g", "waiter", "BLOCK", "10", "STREAMS", "s", ">"));
            before = fullWithoutConsumerTimes(j, "s");
            assertTrue(before.toString().contains("waiter"), before.toString());
            Thread.sleep(200); // a replay that took its own time for the deliveries would be this far off
            n.crash();
        }
        final String log = String.join("\n", allRecords());
        assertFalse(log.contains("RESTORE"), log);
        assertTrue(log.contains("XACK s g 2-0"), log); // claimed after its entry went: dropped
        assertTrue(log.contains("XCLAIM s g bob 0 1-0 TIME "), log);
        assertTrue(log.contains("XGROUP CREATECONSUMER s g waiter"), log);
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            assertEquals(before, fullWithoutConsumerTimes(j, "s"));
        }
    }
}
