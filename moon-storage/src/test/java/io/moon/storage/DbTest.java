package io.moon.storage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DbTest {
    private final Keyspace ks = new Keyspace(2, 42);
    private final Db db = ks.db(0);

    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private long find(final String key) {
        final byte[] k = b(key);
        return db.find(k, 0, k.length, Db.hash(k, 0, k.length), System.currentTimeMillis());
    }

    private void set(final String key, final String value) {
        final byte[] k = b(key);
        final byte[] v = b(value);
        final long h = Db.hash(k, 0, k.length);
        Strings.set(db, k, 0, k.length, h, db.find(k, 0, k.length, h, System.currentTimeMillis()), v, 0, v.length, false);
    }

    private String get(final String key) {
        final long a = find(key);
        return a == 0 ? null : new String(Strings.valueBytes(db, a), StandardCharsets.UTF_8);
    }

    private boolean del(final String key) {
        final byte[] k = b(key);
        return db.delete(k, 0, k.length, Db.hash(k, 0, k.length), System.currentTimeMillis());
    }

    @Test
    void shouldAgreeWithAHashMapUnderRandomOperations() {
        final Random r = new Random(7);
        final Map<String, String> model = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            final String k = "k" + r.nextInt(20_000);
            switch (r.nextInt(4)) {
                case 0, 1 -> {
                    final String v = r.nextBoolean() ? Integer.toString(r.nextInt(1000) - 500)
                            : "v".repeat(r.nextInt(r.nextInt(10) == 0 ? 20000 : 60));
                    set(k, v);
                    model.put(k, v);
                }
                case 2 -> assertEquals(model.remove(k) != null, del(k));
                default -> assertEquals(model.get(k), get(k));
            }
            if (i % 1000 == 0) {
                ks.tableCron(1_000_000, true);
            }
        }
        assertEquals(model.size(), db.size());
        for (final Map.Entry<String, String> e : model.entrySet()) {
            assertEquals(e.getValue(), get(e.getKey()));
        }
    }

    @Test
    void shouldSizeTheTableAtOnceForAnnouncedKeys() {
        db.reserve(10_000);
        final int sized = db.buckets();
        assertTrue(sized >= 10_000 && sized < 20_000, "buckets " + sized);
        for (int i = 0; i < 10_000; i++) {
            set("key:" + i, "v" + i);
        }
        assertEquals(sized, db.buckets(), "no growth on the way to the announced size");
        for (int i = 0; i < 10_000; i += 997) {
            assertEquals("v" + i, get("key:" + i));
        }
        db.reserve(40_000); // a table already holding keys grows by rehashing them
        set("after", "x");
        while (db.rehash(1000)) {
            // moves the remaining buckets
        }
        assertEquals(10_001, db.size());
        assertEquals("v5", get("key:5"));
        assertEquals("x", get("after"));
        db.reserve(10); // never shrinks
        assertTrue(db.buckets() >= 40_000);
    }

    @Test
    void shouldKeepAnAnnouncedSizeWhileTheCronMayNotShrink() {
        db.reserve(100_000);
        final int sized = db.buckets();
        set("first", "1");
        ks.tableCron(1_000_000_000, false); // a file is loading: the keys are on their way
        assertEquals(sized, db.buckets());
        ks.tableCron(1_000_000_000, true); // loaded with one key: the table shrinks to fit
        assertTrue(db.buckets() < sized, "buckets " + db.buckets());
        assertEquals("1", get("first"));
    }

    @Test
    void shouldChangeNothingWhenWarmingBuckets() {
        for (int i = 0; i < 3000; i++) {
            set("key:" + i, "v" + i);
        }
        final long[] hashes = new long[40];
        final long[] heads = new long[40];
        for (int i = 0; i < hashes.length; i++) {
            final byte[] k = b("key:" + (i * 73));
            hashes[i] = Db.hash(k, 0, k.length);
        }
        db.warm(hashes, heads, hashes.length);
        int nonEmpty = 0;
        for (final long h : heads) {
            nonEmpty += h != 0 ? 1 : 0;
        }
        assertEquals(hashes.length, nonEmpty, "each warmed key's bucket holds at least that key");
        assertEquals(3000, db.size());
        for (int i = 0; i < 3000; i += 7) {
            assertEquals("v" + i, get("key:" + i));
        }
    }

    @Test
    void shouldScanEveryKeyAcrossResizes() {
        for (int i = 0; i < 5000; i++) {
            set("key:" + i, "v");
        }
        final Set<String> seen = new HashSet<>();
        long cursor = 0;
        int step = 0;
        do {
            cursor = db.scan(cursor, a -> seen.add(new String(db.keyBytes(a), StandardCharsets.UTF_8)));
            // grow and shrink the table while the scan runs
            if (step == 5) {
                for (int i = 5000; i < 40000; i++) {
                    set("key:" + i, "v");
                }
            }
            if (step == 50) {
                for (int i = 5000; i < 40000; i++) {
                    del("key:" + i);
                }
                ks.tableCron(1_000_000_000, true);
            }
            step++;
        } while (cursor != 0);
        for (int i = 0; i < 5000; i++) {
            assertTrue(seen.contains("key:" + i), "missing key:" + i);
        }
    }

    @Test
    void shouldKeepValuesWhenExpiryIsAddedAndRemoved() {
        set("a", "hello");
        final byte[] k = b("a");
        final long h = Db.hash(k, 0, 1);
        long addr = find("a");
        addr = db.setExpire(addr, h, System.currentTimeMillis() + 100_000);
        assertEquals("hello", get("a"));
        assertEquals(1, db.expiresCount());
        assertTrue(db.persist(find("a")));
        assertEquals("hello", get("a"));
        assertEquals(0, db.expiresCount());
        assertNotEquals(0, addr);
    }

    @Test
    void shouldReportEveryExpirationLazyOrActiveToTheKeyEventsListener() {
        final Set<String> seen = new HashSet<>();
        ks.keyEvents((dbi, k, ko, kl) -> seen.add(dbi + ":" + new String(k, ko, kl, StandardCharsets.UTF_8)));
        final long now = System.currentTimeMillis();
        for (int i = 0; i < 50; i++) {
            set("x" + i, "v");
            final byte[] k = b("x" + i);
            db.setExpire(find("x" + i), Db.hash(k, 0, k.length), now - 1);
        }
        assertEquals(null, get("x7")); // lazy
        for (int i = 0; i < 100 && db.expiresCount() > 0; i++) {
            ks.activeExpireCycle(now, 50_000_000);
        }
        assertEquals(50, seen.size());
        assertTrue(seen.contains("0:x7") && seen.contains("0:x49"));
        ks.keyEvents(null);
    }

    @Test
    void shouldExpireKeysActively() {
        final long now = System.currentTimeMillis();
        for (int i = 0; i < 1000; i++) {
            set("e" + i, "x");
            final byte[] k = b("e" + i);
            db.setExpire(find("e" + i), Db.hash(k, 0, k.length), now - 1);
        }
        set("keep", "y");
        long deleted = 0;
        for (int i = 0; i < 100 && db.expiresCount() > 0; i++) {
            deleted += ks.activeExpireCycle(now, 50_000_000);
        }
        assertEquals(1000, deleted);
        assertEquals(1, db.size());
        assertFalse(del("e1"));
    }

    @Test
    void shouldReportStringEncodings() {
        set("i", "12345");
        set("e", "x".repeat(44));
        set("r", "x".repeat(45));
        set("z", "012");
        assertEquals("int", Strings.encoding(db, find("i")));
        assertEquals("embstr", Strings.encoding(db, find("e")));
        assertEquals("raw", Strings.encoding(db, find("r")));
        assertEquals("embstr", Strings.encoding(db, find("z")));
        final byte[] k = b("e");
        final byte[] v = b("!");
        Strings.append(db, k, 0, 1, Db.hash(k, 0, 1), find("e"), v, 0, 1);
        assertEquals("x".repeat(44) + "!", get("e"));
        assertEquals("raw", Strings.encoding(db, find("e")));
    }

    @Test
    void shouldNotCopyAGrowingStringOnEveryAppend() {
        final byte[] k = b("log");
        final long h = Db.hash(k, 0, 3);
        final byte[] chunk = b("x".repeat(1000));
        long addr = 0;
        int moves = 0;
        for (int i = 0; i < 2000; i++) {
            final long before = db.find(k, 0, 3, h, 0);
            Strings.append(db, k, 0, 3, h, before, chunk, 0, chunk.length);
            final long after = db.find(k, 0, 3, h, 0);
            if (after != addr) {
                moves++;
                addr = after;
            }
        }
        assertEquals(2_000_000, Strings.length(db, addr));
        // doubling to 1 MB then +1 MB: about 12 moves, not 2000
        assertTrue(moves < 20, "moved " + moves + " times");
    }
}
