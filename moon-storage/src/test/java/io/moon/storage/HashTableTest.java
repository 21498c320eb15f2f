package io.moon.storage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hash-table encoding on its own: lookups against a HashMap model through growth, shrinking
 * and compaction, the scan cursor's guarantee across resizes, fair random draws, field TTLs in
 * expiry order, and a million fields within a time bound.
 */
class HashTableTest {
    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String field(final HashTable t, final int s) {
        return new String(t.data(s), t.fieldOffset(s), t.fieldLength(s), StandardCharsets.ISO_8859_1);
    }

    private static String value(final HashTable t, final int s) {
        return new String(t.data(s), t.valueOffset(s), t.valueLength(s), StandardCharsets.ISO_8859_1);
    }

    private static void put(final HashTable t, final String f, final String v) {
        final byte[] fb = b(f);
        final byte[] vb = b(v);
        final int s = t.find(fb, 0, fb.length);
        if (s >= 0) {
            t.setValue(s, vb, 0, vb.length);
        } else {
            t.add(fb, 0, fb.length, vb, 0, vb.length);
        }
    }

    private static String get(final HashTable t, final String f) {
        final byte[] fb = b(f);
        final int s = t.find(fb, 0, fb.length);
        return s < 0 ? null : value(t, s);
    }

    private static Map<String, String> contents(final HashTable t) {
        final Map<String, String> m = new TreeMap<>();
        for (int s = t.nextSlot(0); s >= 0; s = t.nextSlot(s + 1)) {
            m.put(field(t, s), value(t, s));
        }
        return m;
    }

    @Test
    void shouldAgreeWithAHashMapThroughGrowthShrinkAndCompaction() {
        final SplittableRandom r = new SplittableRandom(11);
        final HashTable t = new HashTable(0);
        final Map<String, String> model = new HashMap<>();
        for (int round = 0; round < 6; round++) {
            final int target = round % 2 == 0 ? 5000 : 40;
            for (int i = 0; i < 20_000; i++) {
                final String f = "f" + r.nextInt(6000);
                if (model.size() < target || r.nextInt(4) == 0) {
                    final String v = "v" + r.nextInt(1000) + (r.nextBoolean() ? "" : "-longer-value-" + i);
                    put(t, f, v);
                    model.put(f, v);
                } else {
                    final byte[] fb = b(f);
                    assertEquals(model.remove(f) != null, t.remove(fb, 0, fb.length));
                }
                assertEquals(model.size(), t.size());
            }
            assertEquals(new TreeMap<>(model), contents(t));
            for (final Map.Entry<String, String> e : model.entrySet()) {
                assertEquals(e.getValue(), get(t, e.getKey()));
            }
            assertEquals(null, get(t, "absent"));
        }
    }

    @Test
    void shouldReturnEveryFieldPresentForAWholeScanAcrossResizes() {
        final SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 20; trial++) {
            final HashTable t = new HashTable(0);
            final int n = 50 + r.nextInt(3000);
            for (int i = 0; i < n; i++) {
                put(t, "stay" + i, "v");
            }
            final Set<String> seen = new HashSet<>();
            long cursor = 0;
            int extra = 0;
            int steps = 0;
            do {
                cursor = t.scan(cursor, s -> seen.add(field(t, s)));
                // between calls: grow a lot, or delete the transient fields (shrinks the buckets)
                if (trial % 2 == 0 && steps < 40) {
                    for (int k = 0; k < 200; k++) {
                        put(t, "grow" + extra++, "x");
                    }
                } else if (steps == 3) {
                    for (int i = n / 4; i < n; i++) {
                        final byte[] fb = b("stay" + i);
                        t.remove(fb, 0, fb.length);
                    }
                }
                steps++;
                assertTrue(steps < 1_000_000, "scan does not end");
            } while (cursor != 0);
            final int kept = trial % 2 == 0 ? n : n / 4;
            for (int i = 0; i < kept; i++) {
                assertTrue(seen.contains("stay" + i), "trial " + trial + " missed stay" + i);
            }
        }
    }

    @Test
    void shouldDrawFieldsFairly() {
        final HashTable t = new HashTable(0);
        for (int i = 0; i < 400; i++) {
            put(t, "f" + i, "v");
        }
        for (int i = 0; i < 390; i++) {
            final byte[] fb = b("f" + i);
            t.remove(fb, 0, fb.length); // leaves 10 live among many freed slots
        }
        final Map<String, Integer> hits = new HashMap<>();
        final SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 20_000; i++) {
            hits.merge(field(t, t.randomSlot(r)), 1, Integer::sum);
        }
        assertEquals(10, hits.size());
        for (final int c : hits.values()) {
            assertTrue(c > 1500 && c < 2500, "unfair draw: " + hits);
        }
    }

    @Test
    void shouldExpireFieldsInTimeOrderAndKeepTtlsThroughCompaction() {
        final HashTable t = new HashTable(0);
        for (int i = 0; i < 1000; i++) {
            put(t, "f" + i, "v" + i);
        }
        final SplittableRandom r = new SplittableRandom(9);
        final Map<String, Long> ttl = new HashMap<>();
        for (int i = 0; i < 1000; i += 2) {
            final long at = 1000 + r.nextInt(100_000);
            final byte[] fb = b("f" + i);
            t.expireAt(t.find(fb, 0, fb.length), at);
            ttl.put("f" + i, at);
        }
        assertEquals(500, t.ttlCount());
        // persist some, delete many others so the slots compact
        for (int i = 0; i < 1000; i += 4) {
            final byte[] fb = b("f" + i);
            assertTrue(t.persist(t.find(fb, 0, fb.length)));
            ttl.remove("f" + i);
        }
        for (int i = 1; i < 1000; i += 2) {
            if (i % 3 != 0) {
                final byte[] fb = b("f" + i);
                t.remove(fb, 0, fb.length);
            }
        }
        assertEquals(ttl.size(), t.ttlCount());
        for (final Map.Entry<String, Long> e : ttl.entrySet()) {
            final byte[] fb = b(e.getKey());
            assertEquals(e.getValue(), t.expireAt(t.find(fb, 0, fb.length)));
        }
        assertEquals(ttl.values().stream().mapToLong(Long::longValue).min().orElseThrow(), t.minExpireAt());
        long now = 0;
        while (t.ttlCount() > 0) {
            now += 7000;
            final int before = t.size();
            final long n = now;
            final long expected = ttl.values().stream().filter(at -> at <= n).count();
            assertEquals(expected, t.expireDue(now, Integer.MAX_VALUE));
            ttl.values().removeIf(at -> at <= n);
            assertEquals(before - expected, t.size());
            assertTrue(t.minExpireAt() > now);
        }
        assertEquals(Long.MAX_VALUE, t.minExpireAt());
    }

    @Test
    void shouldCopyDeeply() {
        final HashTable t = new HashTable(0);
        put(t, "a", "1");
        put(t, "b", "2");
        t.expireAt(t.find(b("a"), 0, 1), 5000);
        final HashTable c = t.copy();
        put(t, "a", "changed");
        t.remove(b("b"), 0, 1);
        assertEquals("1", get(c, "a"));
        assertEquals("2", get(c, "b"));
        assertEquals(5000, c.expireAt(c.find(b("a"), 0, 1)));
        assertEquals(t.memoryBytes() > 0, c.memoryBytes() > 0);
    }

    @Test
    void shouldHoldAMillionFieldsWithinBounds() {
        final int n = 1_000_000;
        final long t0 = System.nanoTime();
        final HashTable t = new HashTable(0);
        final byte[] buf = new byte[32];
        for (int i = 0; i < n; i++) {
            final int len = io.moon.protocol.Numbers.formatLong(i, buf, 6);
            System.arraycopy(b("field:"), 0, buf, 0, 6);
            t.add(buf, 0, 6 + len, buf, 6, len);
        }
        final long t1 = System.nanoTime();
        int found = 0;
        for (int i = 0; i < n; i += 7) {
            final int len = io.moon.protocol.Numbers.formatLong(i, buf, 6);
            found += t.find(buf, 0, 6 + len) >= 0 ? 1 : 0;
        }
        final long t2 = System.nanoTime();
        final int[] scanned = {0};
        long cursor = 0;
        do {
            cursor = t.scan(cursor, s -> scanned[0]++);
        } while (cursor != 0);
        final long t3 = System.nanoTime();
        for (int i = 0; i < n; i += 2) {
            final int len = io.moon.protocol.Numbers.formatLong(i, buf, 6);
            t.remove(buf, 0, 6 + len);
        }
        final long t4 = System.nanoTime();
        assertEquals((n + 6) / 7, found);
        assertTrue(scanned[0] >= n, "scan saw " + scanned[0]);
        assertEquals(n / 2, t.size());
        final double perField = (double) t.memoryBytes() / t.size();
        System.out.printf("HashTable 1M fields: add %d ms, %d finds %d ms, full scan %d ms, remove half %d ms,"
                        + " %.1f bytes/field after%n", (t1 - t0) / 1_000_000, found, (t2 - t1) / 1_000_000,
                (t3 - t2) / 1_000_000, (t4 - t3) / 1_000_000, perField);
        assertTrue((t4 - t0) / 1_000_000_000 < 30, "a million fields took over 30 s");
        assertFalse(perField > 200, "memory estimate " + perField + " bytes per field");
    }
}
