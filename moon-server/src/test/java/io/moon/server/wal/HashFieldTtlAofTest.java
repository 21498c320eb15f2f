package io.moon.server.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/**
 * Hash field TTLs in the write-ahead log: single-shard records (HEXPIRE and co. as absolute
 * HPEXPIREAT, HPERSIST, HSET dropping a field's TTL), a MULTI/EXEC spanning shards (logged as
 * RESTORE effects carrying an RDB 12 value), and BGREWRITEAOF's base (an RDB 12 snapshot): after
 * a crash and recovery every field has the same absolute expiry, and a short one still expires.
 */
final class HashFieldTtlAofTest {
    @TempDir
    Path dir;

    private static Object cmd(final Jedis j, final String... args) {
        final Object r = j.sendCommand(() -> args[0].getBytes(StandardCharsets.US_ASCII),
                java.util.Arrays.copyOfRange(args, 1, args.length));
        return r instanceof final byte[] b ? new String(b, StandardCharsets.UTF_8) : r;
    }

    /** Two keys "prefix-i" that live on different shards. */
    private static String[] onTwoShards(final AofNode n, final String prefix) {
        final String a = prefix + "-0";
        final int sa = n.ts.server.shardOf(a.getBytes(StandardCharsets.US_ASCII), 0, a.length());
        for (int i = 1; i < 1000; i++) {
            final String b = prefix + "-" + i;
            if (n.ts.server.shardOf(b.getBytes(StandardCharsets.US_ASCII), 0, b.length()) != sa) {
                return new String[] {a, b};
            }
        }
        throw new AssertionError("no two shards");
    }

    /** Every field's absolute expiry (or -1 / -2), and each hash's encoding. */
    private static String state(final Jedis j, final String... keys) {
        final StringBuilder sb = new StringBuilder();
        for (final String k : keys) {
            sb.append(k).append(' ').append(cmd(j, "OBJECT", "ENCODING", k)).append(' ')
                    .append(cmd(j, "HPEXPIRETIME", k, "FIELDS", "4", "a", "b", "c", "d")).append('\n');
        }
        return sb.toString();
    }

    private static void awaitRewrite(final Jedis j) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (j.info("persistence").contains("aof_rewrite_in_progress:1") && System.nanoTime() < deadline) {
            AofNode.sleep(20);
        }
        assertTrue(j.info("persistence").contains("aof_last_bgrewrite_status:ok"), j.info("persistence"));
    }

    @Test
    void shouldRecoverFieldTtlsSetInACrossShardTransactionAndAlone() throws Exception {
        final String before;
        final String[] tx;
        final long briefAt;
        try (AofNode n = AofNode.start(dir, 2); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            tx = onTwoShards(n, "tx");
            // single-shard records: relative TTLs must be logged as absolute ones
            cmd(j, "HSET", "solo", "a", "1", "b", "2", "c", "3", "d", "4");
            cmd(j, "HEXPIRE", "solo", "100000", "FIELDS", "2", "a", "b");
            cmd(j, "HPEXPIRE", "solo", "200000000", "FIELDS", "1", "c");
            cmd(j, "HPERSIST", "solo", "FIELDS", "1", "b");
            cmd(j, "HEXPIRE", "solo", "100000", "FIELDS", "1", "d");
            cmd(j, "HSET", "solo", "d", "new"); // a new value drops the field's TTL
            // a transaction over two shards: its effects are logged as RESTOREs of whole values
            final Transaction t = j.multi();
            for (final String k : tx) {
                t.hset(k, java.util.Map.of("a", "1", "b", "2", "c", "3", "d", "4"));
                t.sendCommand(() -> "HEXPIRE".getBytes(StandardCharsets.US_ASCII), k, "100000", "FIELDS", "2", "a",
                        "c");
                t.sendCommand(() -> "HPEXPIRE".getBytes(StandardCharsets.US_ASCII), k, "1500", "FIELDS", "1", "d");
            }
            final List<Object> replies = t.exec();
            assertEquals(6, replies.size(), String.valueOf(replies));
            briefAt = System.currentTimeMillis() + 1500;
            before = state(j, "solo", tx[0], tx[1]);
            assertTrue(before.contains("solo listpackex [") && before.contains(", -1, "), before);
            n.crash();
        }
        final StringBuilder log = new StringBuilder();
        try (var files = Files.list(dir.resolve("appendonlydir"))) {
            for (final Path f : files.filter(p -> p.toString().endsWith(".incr.aof")).toList()) {
                log.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        assertTrue(log.toString().contains("HPEXPIREAT") && !log.toString().contains("HEXPIRE\r\n"),
                "relative field TTLs are logged as absolute ones");
        assertTrue(log.toString().contains("RESTORE"), "the transaction spanned shards: logged as effects");
        // replayed later: an expiry rebuilt from a relative TTL would have moved
        AofNode.sleep(300);
        try (AofNode n = AofNode.start(dir, 2); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            final String after = state(j, "solo", tx[0], tx[1]);
            // d of the transaction's hashes may have expired meanwhile: compare a, b and c
            assertEquals(before.replaceAll(", (-2|\\d+)]", "]"), after.replaceAll(", (-2|\\d+)]", "]"));
            assertEquals("new", cmd(j, "HGET", "solo", "d"));
            while (System.currentTimeMillis() <= briefAt + 50) {
                AofNode.sleep(20);
            }
            for (final String k : tx) {
                assertEquals(0L, cmd(j, "HEXISTS", k, "d"), "a recovered field TTL still expires");
                assertEquals(3L, cmd(j, "HLEN", k));
            }
        }
    }

    @Test
    void shouldKeepFieldTtlsInTheRewrittenBase() throws Exception {
        final String before;
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            cmd(j, "HSET", "small", "a", "1", "b", "2", "c", "3");
            cmd(j, "HEXPIRE", "small", "100000", "FIELDS", "2", "a", "c");
            final String[] args = new String[2 + 2 * 600];
            args[0] = "HSET";
            args[1] = "big";
            for (int i = 0; i < 600; i++) {
                args[2 + 2 * i] = i < 4 ? String.valueOf((char) ('a' + i)) : "f" + i;
                args[3 + 2 * i] = "v" + i;
            }
            cmd(j, args);
            cmd(j, "HPEXPIREAT", "big", "4000000000000", "FIELDS", "2", "b", "d");
            before = state(j, "small", "big");
            assertEquals("Background append only file rewriting started", cmd(j, "BGREWRITEAOF"));
            awaitRewrite(j);
            n.crash();
        }
        final Path base = dir.resolve("appendonlydir").resolve("appendonly.aof.2.base.rdb");
        assertEquals("REDIS0012", new String(Files.readAllBytes(base), 0, 9, StandardCharsets.US_ASCII));
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            final String after = state(j, "small", "big");
            assertEquals(before, after);
            assertTrue(after.contains("small listpackex") && after.contains("big hashtable"), after);
            assertNotEquals(-1L, ((List<?>) cmd(j, "HPEXPIRETIME", "small", "FIELDS", "1", "a")).getFirst());
        }
    }
}
