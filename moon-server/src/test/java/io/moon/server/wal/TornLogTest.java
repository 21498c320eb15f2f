package io.moon.server.wal;

import io.moon.storage.wal.WalReader;
import io.moon.storage.wal.WalRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Torn and damaged logs: a real server's segments (3 shards, cross-shard MSETs among single-key
 * writes) are truncated at, or have a bit flipped at, a random offset of one shard's segment,
 * hundreds of times, and recovery's plan (Recovery.plan, what startup replays) must always be a
 * valid prefix: on every shard, the records it keeps are exactly the first records that were
 * written, and every cross-shard operation is kept on all of its shards or on none. A truncation
 * is never fatal (aof-load-truncated yes); a flipped bit may stop startup (corruption before the
 * tail), never load garbage.
 */
final class TornLogTest {
    private static final int CASES = 300;

    @TempDir
    Path dir;

    @Test
    void shouldAlwaysRecoverAValidPrefixOfATornOrDamagedSegment() throws Exception {
        try (AofNode n = AofNode.start(dir, 3); Jedis j = n.jedis()) {
            for (int i = 0; i < 150; i++) {
                j.set("k" + i, "v" + i);
                if (i % 3 == 0) {
                    j.mset("a" + i, "1", "b" + i, "2", "c" + i, "3", "d" + i, "4");
                }
            }
            n.crash();
        }
        final Path aof = dir.resolve("appendonlydir");
        final Manifest m = Manifest.read(aof, "appendonly.aof");
        final List<List<WalRecord>> original = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            original.add(records(aof.resolve(m.of(s).getFirst().name())));
            assertTrue(original.get(s).size() > 20, "shard " + s + " has records");
        }
        final long seed = System.nanoTime();
        System.out.println("TornLogTest seed " + seed);
        final Random rnd = new Random(seed);
        int fatal = 0;
        for (int c = 0; c < CASES; c++) {
            final Path copy = Files.createDirectories(dir.resolve("case" + c));
            for (final String f : m.names()) {
                Files.copy(aof.resolve(f), copy.resolve(f));
            }
            final int s = rnd.nextInt(3);
            final Path seg = copy.resolve(m.of(s).getFirst().name());
            final long size = Files.size(seg);
            final long at = (long) (rnd.nextDouble() * size);
            final boolean truncate = rnd.nextBoolean();
            if (truncate) {
                try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
                    ch.truncate(at);
                }
            } else {
                final byte[] b = Files.readAllBytes(seg);
                b[(int) at] ^= (byte) (1 << rnd.nextInt(8));
                Files.write(seg, b);
            }
            final String what = "case " + c + " (seed " + seed + "): shard " + s + (truncate ? " cut at " : " bit flipped at ")
                    + at + " of " + size;
            final Recovery.Plan plan;
            try {
                plan = Recovery.plan(copy, m, true);
            } catch (final Recovery.Unrecoverable e) {
                if (truncate) {
                    fail(what + ": a truncated log must recover: " + e.getMessage());
                }
                assertTrue(e.getMessage().contains("moon --check-aof --fix"), e.getMessage());
                fatal++;
                continue;
            }
            final Map<Long, int[]> ops = new HashMap<>();
            for (int t = 0; t < 3; t++) {
                final List<WalRecord> now = records(copy.resolve(m.of(t).getFirst().name()));
                final int keep = plan.cut()[t];
                assertTrue(keep <= now.size(), what);
                for (int i = 0; i < keep; i++) {
                    final WalRecord a = original.get(t).get(i);
                    final WalRecord b = now.get(i);
                    assertEquals(a.seq(), b.seq(), what);
                    assertEquals(a.opId(), b.opId(), what);
                    assertEquals(a.args().size(), b.args().size(), what);
                    for (int k = 0; k < a.args().size(); k++) {
                        assertTrue(Arrays.equals(a.args().get(k), b.args().get(k)), what + ": record " + i + " differs");
                    }
                    if (a.opId() != 0) {
                        ops.computeIfAbsent(a.opId(), x -> new int[] {0, a.parts()})[0]++;
                    }
                }
                if (t != s) {
                    continue;
                }
                if (truncate) {
                    long end = 0;
                    int whole = 0;
                    for (final WalRecord r : original.get(t)) {
                        end += r.encodedSize();
                        if (end > at) {
                            break;
                        }
                        whole++;
                    }
                    assertTrue(keep <= whole, what + ": keeps " + keep + " of " + whole + " whole records");
                }
            }
            for (final Map.Entry<Long, int[]> e : ops.entrySet()) {
                assertEquals(e.getValue()[1], e.getValue()[0], what + ": operation " + e.getKey() + " is half kept");
            }
        }
        System.out.println("TornLogTest: " + CASES + " cases, " + fatal + " stopped startup as corruption");
    }

    private static List<WalRecord> records(final Path f) throws IOException {
        final List<WalRecord> r = new ArrayList<>();
        WalReader.scan(f, -1, r::add);
        return r;
    }
}
