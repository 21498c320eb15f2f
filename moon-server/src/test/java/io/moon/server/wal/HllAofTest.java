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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The HLL commands in the write-ahead log: PFADD is logged when it changed the value, a PFCOUNT
 * that stored a fresh cached count is logged (as Redis propagates it) and one that used the cache
 * is not, PFMERGE across shards logs its result; after a crash every value is back byte for byte,
 * cached counts included.
 */
final class HllAofTest {
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

    @Test
    void shouldLogChangesAndRecoverTheSameBytes() throws Exception {
        final String[] keys = {"h", "d", "m", "c"};
        final Map<String, byte[]> values = new HashMap<>();
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            j.pfadd("h", "a", "b", "c");
            j.pfadd("h", "a"); // no register rose: not logged
            final String[] many = new String[5000];
            for (int i = 0; i < many.length; i++) {
                many[i] = "e" + i;
            }
            j.pfadd("d", many);
            j.pfadd("d", "one more");
            assertEquals(3, j.pfcount("h"));
            assertEquals(3, j.pfcount("h")); // from the cache: not logged
            j.pfcount("d");
            j.pfcount("h", "d"); // several keys: nothing stored
            j.pfmerge("m", "h", "d");
            j.pfadd("c", "x");
            for (final String k : keys) {
                values.put(k, j.get(k.getBytes(StandardCharsets.ISO_8859_1)));
            }
            n.crash();
        }
        final List<String> records = allRecords();
        assertEquals(1, records.stream().filter(r -> r.equals("PFCOUNT h")).count(), records.toString());
        assertEquals(1, records.stream().filter(r -> r.equals("PFCOUNT d")).count());
        assertFalse(records.contains("PFADD h a"), "a PFADD that changed nothing is not logged");
        assertFalse(records.stream().anyMatch(r -> r.startsWith("PFCOUNT h d")));
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            assertNull(n.fatal);
            for (final String k : keys) {
                assertArrayEquals(values.get(k), j.get(k.getBytes(StandardCharsets.ISO_8859_1)), k);
            }
        }
    }
}
