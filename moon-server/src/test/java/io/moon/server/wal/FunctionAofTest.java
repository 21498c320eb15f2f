package io.moon.server.wal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Function libraries survive a restart with appendonly yes: FUNCTION LOAD, LOAD REPLACE, DELETE,
 * FLUSH and RESTORE are logged (on shard 0, which runs every change to them, so the log holds
 * them in order) and replayed; after BGREWRITEAOF they are in the base snapshot.
 */
final class FunctionAofTest {
    @TempDir
    Path dir;

    private static Object cmd(final Jedis j, final String... args) {
        final Object r = j.sendCommand(() -> args[0].getBytes(StandardCharsets.US_ASCII),
                java.util.Arrays.copyOfRange(args, 1, args.length));
        return r instanceof final byte[] b ? new String(b, StandardCharsets.UTF_8) : r;
    }

    private static String lib(final String name, final String fn, final String value) {
        return "#!lua name=" + name + "\nredis.register_function('" + fn + "', function() return '" + value + "' end)";
    }

    private static List<String> names(final Jedis j) {
        final List<String> out = new java.util.ArrayList<>();
        for (final Object o : (List<?>) cmd(j, "FUNCTION", "LIST")) {
            out.add(new String((byte[]) ((List<?>) o).get(1), StandardCharsets.UTF_8));
        }
        out.sort(null);
        return out;
    }

    private static void awaitRewrite(final Jedis j) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (j.info("persistence").contains("aof_rewrite_in_progress:1") && System.nanoTime() < deadline) {
            AofNode.sleep(20);
        }
        assertTrue(j.info("persistence").contains("aof_last_bgrewrite_status:ok"), j.info("persistence"));
    }

    @Test
    void shouldReplayFunctionChangesInOrder() {
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            assertEquals("a", cmd(j, "FUNCTION", "LOAD", lib("a", "fa", "1")));
            assertEquals("b", cmd(j, "FUNCTION", "LOAD", lib("b", "fb", "1")));
            assertEquals("a", cmd(j, "FUNCTION", "LOAD", "REPLACE", lib("a", "fa", "2")));
            assertEquals("OK", cmd(j, "FUNCTION", "DELETE", "b"));
            final byte[] dump = (byte[]) j.sendCommand(() -> "FUNCTION".getBytes(StandardCharsets.US_ASCII),
                    "DUMP".getBytes(StandardCharsets.US_ASCII));
            assertEquals("OK", cmd(j, "FUNCTION", "FLUSH"));
            assertEquals("OK", new String((byte[]) j.sendCommand(() -> "FUNCTION".getBytes(StandardCharsets.US_ASCII),
                    "RESTORE".getBytes(StandardCharsets.US_ASCII), dump), StandardCharsets.UTF_8));
            assertEquals("b", cmd(j, "FUNCTION", "LOAD", lib("b", "fb", "3")));
            assertEquals("x", cmd(j, "FUNCTION", "LOAD", lib("x", "fx", "4")));
            assertEquals("OK", cmd(j, "FUNCTION", "DELETE", "x"));
            n.crash();
        }
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            assertEquals(List.of("a", "b"), names(j));
            assertEquals("2", cmd(j, "FCALL", "fa", "0"));
            assertEquals("3", cmd(j, "FCALL", "fb", "0"));
            // into the base snapshot, then more changes in the new log
            cmd(j, "BGREWRITEAOF");
            awaitRewrite(j);
            assertEquals("OK", cmd(j, "FUNCTION", "DELETE", "a"));
            assertEquals("c", cmd(j, "FUNCTION", "LOAD", lib("c", "fc", "5")));
            n.crash();
        }
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            assertEquals(List.of("b", "c"), names(j));
            assertEquals("5", cmd(j, "FCALL", "fc", "0"));
        }
    }
}
