package io.moon.server.wal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bitmap writes in the write-ahead log: SETBIT, BITFIELD (with OVERFLOW modes and a write that
 * fails but creates the key), BITOP on one shard and across shards (logged as its effects), and
 * BITOP deleting its destination. After a crash and recovery every key holds the same bytes,
 * encoding and TTL; then BGREWRITEAOF's base carries them across another crash.
 */
final class BitmapAofTest {
    @TempDir
    Path dir;

    private static Object cmd(final Jedis j, final String... args) {
        final Object r = j.sendCommand(() -> args[0].getBytes(StandardCharsets.US_ASCII),
                java.util.Arrays.copyOfRange(args, 1, args.length));
        return r instanceof final byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : r;
    }

    /**
     * Each key's value (as bytes in hex), encoding and TTL state; the encoding of {@code reencoded}
     * is left out: a cross-shard write is logged as a RESTORE of its result, which chooses the
     * encoding again (docs/differences.md), where Redis would replay BITOP and get "raw".
     */
    private static String state(final Jedis j, final List<String> keys, final String reencoded) {
        final StringBuilder sb = new StringBuilder();
        for (final String k : keys) {
            final byte[] v = j.get(k.getBytes(StandardCharsets.ISO_8859_1));
            sb.append(k).append(' ').append(v == null ? "nil" : java.util.HexFormat.of().formatHex(v)).append(' ')
                    .append(k.equals(reencoded) ? "*" : cmd(j, "OBJECT", "ENCODING", k)).append(' ')
                    .append(j.ttl(k) > 0 ? "ttl" : j.ttl(k)).append('\n');
        }
        return sb.toString();
    }

    private static void awaitRewrite(final Jedis j) {
        final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (j.info("persistence").contains("aof_rewrite_in_progress:1") && System.nanoTime() < deadline) {
            AofNode.sleep(20);
        }
        assertTrue(j.info("persistence").contains("aof_last_bgrewrite_status:ok"), j.info("persistence"));
    }

    @Test
    void shouldRecoverBitmapWritesAfterACrashAndARewrite() throws Exception {
        final List<String> keys;
        final String before;
        final String across;
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            final String[] k = io.moon.server.testing.ShardKeys.onDistinctShards(n.ts.server, "bm", 3);
            keys = List.of(k[0], k[1], k[2], "{t}a", "{t}b", "{t}d", "int", "fail", "gone");
            across = k[2];
            cmd(j, "SETBIT", k[0], "100", "1");
            cmd(j, "SETBIT", k[0], "3", "1");
            cmd(j, "SETBIT", k[0], "100", "0");
            cmd(j, "SET", k[1], "hello", "EX", "100000");
            cmd(j, "SETBIT", k[1], "7", "0"); // keeps the TTL
            cmd(j, "BITFIELD", k[1], "INCRBY", "u8", "#5", "300", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "-1000");
            cmd(j, "BITFIELD", "fail", "OVERFLOW", "FAIL", "INCRBY", "u2", "40", "9"); // creates zeros only
            cmd(j, "SET", "int", "12");
            cmd(j, "BITFIELD", "int", "SET", "u4", "4", "3");
            cmd(j, "SET", "{t}a", "abc");
            cmd(j, "SET", "{t}b", "xyz");
            cmd(j, "BITOP", "XOR", "{t}d", "{t}a", "{t}b"); // one shard: logged as the command
            assertEquals(13L, cmd(j, "BITOP", "OR", k[2], k[0], k[1], "{t}a")); // across shards: its effects
            cmd(j, "SET", "gone", "x");
            cmd(j, "BITOP", "AND", "gone", "missing1", "missing2"); // deletes the destination
            before = state(j, keys, across);
            assertTrue(before.contains(k[1] + " ") && before.contains(" ttl\n"), before);
            assertTrue(before.contains("gone nil null -2"), before);
            n.crash();
        }
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            assertEquals(before, state(j, keys, across));
            assertEquals("Background append only file rewriting started", cmd(j, "BGREWRITEAOF"));
            awaitRewrite(j);
            n.crash();
        }
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            // the base is an RDB: Redis loads short strings back as embstr or int, as Moon does
            assertEquals(before.replace(" raw ", " * ").replace(" embstr ", " * ").replace(" int ", " * "),
                    state(j, keys, across).replace(" raw ", " * ").replace(" embstr ", " * ").replace(" int ", " * "));
        }
    }

    /** What the log holds: bitmap writes as they ran, nothing for a BITFIELD of GETs only or a refused one. */
    @Test
    void shouldLogBitmapWritesAsTheyRanAndNothingForReads() throws Exception {
        try (AofNode n = AofNode.start(dir, 1); Jedis j = n.jedis()) {
            cmd(j, "SETBIT", "b", "9", "1");
            cmd(j, "BITFIELD", "b", "GET", "u8", "0", "GET", "i4", "#1");
            cmd(j, "BITFIELD_RO", "b", "GET", "u8", "0");
            cmd(j, "BITFIELD", "b", "GET", "u8", "0", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "300");
            assertThrows(redis.clients.jedis.exceptions.JedisDataException.class,
                    () -> cmd(j, "BITFIELD", "b", "SET", "u64", "0", "1")); // refused
            cmd(j, "BITOP", "NOT", "c", "b");
            n.crash();
        }
        final List<String> got = new ArrayList<>();
        io.moon.storage.wal.WalReader.scan(dir.resolve("appendonlydir").resolve("appendonly.aof.1.0.incr.aof"), -1,
                r -> {
                    final StringBuilder sb = new StringBuilder();
                    for (final byte[] a : r.args()) {
                        sb.append(sb.length() > 0 ? " " : "").append(new String(a, StandardCharsets.ISO_8859_1));
                    }
                    got.add(sb.toString());
                });
        assertEquals(List.of("SETBIT b 9 1", "BITFIELD b GET u8 0 OVERFLOW SAT INCRBY u8 0 300", "BITOP NOT c b"),
                got.stream().filter(c -> !c.startsWith("SELECT")).toList());
    }
}
