package io.moon.server.wal;

import io.moon.storage.wal.WalReader;
import io.moon.storage.wal.WalRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the log holds for each kind of write: the deterministic forms of docs/durability.md. */
final class LoggedFormsTest {
    @TempDir
    Path dir;

    private List<WalRecord> records(final int shard) throws Exception {
        final List<WalRecord> r = new ArrayList<>();
        WalReader.scan(dir.resolve("appendonlydir").resolve("appendonly.aof.1." + shard + ".incr.aof"), -1, r::add);
        return r;
    }

    private static String text(final WalRecord r) {
        final StringBuilder sb = new StringBuilder();
        for (final byte[] a : r.args()) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(new String(a, StandardCharsets.ISO_8859_1));
        }
        return sb.toString();
    }

    @Test
    void shouldLogDeterministicFormsAndNothingForNoOps() throws Exception {
        final long before = System.currentTimeMillis();
        try (AofNode n = AofNode.start(dir, 1); Jedis j = n.jedis()) {
            j.set("k", "v", redis.clients.jedis.params.SetParams.setParams().ex(100));
            j.del("missing");
            j.expire("k", 200);
            j.sadd("s", "a");
            j.spop("s");
            j.incrByFloat("f", 2.5);
            j.rpush("l", "x", "y");
            j.blpop(1, "l");
            j.setnx("k", "other");
            final Transaction t = j.multi();
            t.set("t1", "1");
            t.set("t2", "2");
            t.exec();
            n.crash();
        }
        final long after = System.currentTimeMillis();
        final List<String> got = new ArrayList<>();
        for (final WalRecord r : records(0)) {
            got.add(text(r));
        }
        assertEquals(8, got.size(), "DEL of a missing key and a refused SETNX log nothing: " + got);
        assertTrue(got.get(0).startsWith("SET k v PXAT "), got.get(0));
        final long pxat = Long.parseLong(got.get(0).substring("SET k v PXAT ".length()));
        assertTrue(pxat >= before + 100_000 && pxat <= after + 100_000, "absolute expiry " + pxat);
        assertTrue(got.get(1).startsWith("PEXPIREAT k "), got.get(1));
        assertEquals("SADD s a", got.get(2));
        assertEquals("SREM s a", got.get(3));
        assertEquals("SET f 2.5 KEEPTTL", got.get(4));
        assertEquals("RPUSH l x y", got.get(5));
        assertEquals("LPOP l", got.get(6));
        assertEquals("#BATCH 0 3 SET t1 1 0 3 SET t2 2", got.get(7));
    }

    @Test
    void shouldLogARestoreWhoseTtlOverflowsAsTheDeleteItWas() throws Exception {
        try (AofNode n = AofNode.start(dir, 1); Jedis j = n.jedis()) {
            j.set("src", "v");
            final byte[] payload = j.dump("src");
            j.set("old", "x");
            j.restore("old".getBytes(StandardCharsets.US_ASCII), Long.MAX_VALUE, payload,
                    redis.clients.jedis.params.RestoreParams.restoreParams().replace());
            j.restore("new", Long.MAX_VALUE - 1, payload);
            assertEquals(-2L, j.pttl("old"));
            assertEquals(-2L, j.pttl("new"));
            n.crash();
        }
        final List<String> got = new ArrayList<>();
        for (final WalRecord r : records(0)) {
            got.add(text(r));
        }
        assertEquals(List.of("SET src v", "SET old x", "DEL old", "DEL new"), got);
        try (AofNode n = AofNode.start(dir, 1); Jedis j = n.jedis()) {
            assertEquals(1L, j.dbSize(), "the replay creates neither key");
        }
    }

    @Test
    void shouldLogGeoWritesAndGeoradiusOnlyInItsStoreForm() throws Exception {
        try (AofNode n = AofNode.start(dir, 1); Jedis j = n.jedis()) {
            j.sendCommand(() -> "GEOADD".getBytes(StandardCharsets.US_ASCII), "g", "13.361389", "38.115556", "a",
                    "15.087269", "37.502669", "b");
            j.sendCommand(() -> "GEORADIUS".getBytes(StandardCharsets.US_ASCII), "g", "15", "37", "200", "km");
            j.sendCommand(() -> "GEORADIUS".getBytes(StandardCharsets.US_ASCII), "g", "15", "37", "200", "km",
                    "STOREDIST", "d");
            j.sendCommand(() -> "GEOSEARCHSTORE".getBytes(StandardCharsets.US_ASCII), "e", "g", "FROMMEMBER", "a",
                    "BYRADIUS", "1", "km");
            n.crash();
        }
        final List<String> got = new ArrayList<>();
        for (final WalRecord r : records(0)) {
            got.add(text(r));
        }
        assertEquals(List.of("GEOADD g 13.361389 38.115556 a 15.087269 37.502669 b",
                "GEORADIUS g 15 37 200 km STOREDIST d", "GEOSEARCHSTORE e g FROMMEMBER a BYRADIUS 1 km"), got,
                "a GEORADIUS without STORE only reads: nothing logged");
        try (AofNode n = AofNode.start(dir, 1); Jedis j = n.jedis()) {
            assertEquals(List.of("b", "a"), j.zrange("d", 0, -1));
            assertEquals(56.441257870158204, j.zscore("d", "b"));
            assertEquals(List.of("a"), j.zrange("e", 0, -1));
        }
    }

    @Test
    void shouldLogOneRecordPerShardForACrossShardMset() throws Exception {
        try (AofNode n = AofNode.start(dir, 2); Jedis j = n.jedis()) {
            j.mset("a", "1", "b", "2", "c", "3", "d", "4");
            n.crash();
        }
        final List<WalRecord> s0 = records(0);
        final List<WalRecord> s1 = records(1);
        assertEquals(1, s0.size());
        assertEquals(1, s1.size());
        assertTrue(s0.getFirst().opId() != 0);
        assertEquals(s0.getFirst().opId(), s1.getFirst().opId());
        assertEquals(2, s0.getFirst().parts());
        assertTrue(text(s0.getFirst()).startsWith("#BATCH 0 5 RESTORE "), text(s0.getFirst()));
    }
}
