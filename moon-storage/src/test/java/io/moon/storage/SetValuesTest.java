package io.moon.storage;

import io.moon.testkit.Props;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sets stored in a database: the encodings agree with a plain Java set under any sequence of
 * adds and removes, whichever limits force intset, listpack or hash table; conversions at the
 * thresholds lose nothing; and the transitions are t_set.c's.
 */
class SetValuesTest {
    private static final byte[] KEY = b("s");
    private static final long H = Db.hash(KEY, 0, KEY.length);

    private final Keyspace ks = new Keyspace(1, 7);
    private final Db db = ks.db(0);

    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private long addr() {
        return db.lookup(KEY, 0, KEY.length, H);
    }

    /** SADD one member, creating the set as Redis does for a single-member SADD. */
    private boolean sadd(final byte[] m, final SetLimits lim) {
        long a = addr();
        if (a == 0) {
            a = SetValues.create(db, KEY, 0, KEY.length, H, m, 0, m.length, 1, lim);
        }
        final int before = SetValues.size(db, a);
        a = SetValues.add(db, a, H, m, 0, m.length, lim);
        return SetValues.size(db, a) > before;
    }

    private boolean srem(final byte[] m) {
        long a = addr();
        if (a == 0) {
            return false;
        }
        final int before = SetValues.size(db, a);
        a = SetValues.remove(db, a, H, m, 0, m.length);
        final boolean removed = SetValues.size(db, a) < before;
        if (SetValues.size(db, a) == 0) {
            db.unlinkAndFree(a, H);
        }
        return removed;
    }

    private List<String> walk() {
        final List<String> out = new ArrayList<>();
        final long a = addr();
        if (a == 0) {
            return out;
        }
        final SetIter it = new SetIter().reset(db, a);
        while (it.next()) {
            it.bytes();
            out.add(new String(it.buf, it.off, it.len, StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    private String encoding() {
        final long a = addr();
        return a == 0 ? "none" : ValueType.encoding(db, a);
    }

    private static byte[] member(final SplittableRandom r) {
        return switch (Props.weighted(r, 5, 2, 2, 1)) {
            case 0 -> b(Long.toString(r.nextLong(-300, 300)));
            case 1 -> b(Long.toString(Props.interestingLong(r)));
            case 2 -> b("m" + r.nextInt(200));
            default -> Props.bytesOver(r, "0123456789-+ab", 4); // near-integers: "01", "-0", "+1", ""
        };
    }

    @Test
    void shouldAgreeWithAJavaSetInEveryEncoding() {
        final List<SetLimits> limits = List.of(SetLimits.DEFAULTS, new SetLimits(0, 0, 0), new SetLimits(4, 6, 3),
                new SetLimits(1000, 1000, 1000), new SetLimits(2, 1000, 64), new SetLimits(1000, 2, 64));
        Props.forAll("sets agree with a model", 150, r -> r.nextLong(), seed -> {
            for (final SetLimits lim : limits) {
                db.clear();
                final SplittableRandom r = new SplittableRandom(seed);
                final Set<String> model = new HashSet<>();
                final int ops = r.nextInt(1, 600);
                for (int i = 0; i < ops; i++) {
                    final byte[] m = member(r);
                    final String ms = new String(m, StandardCharsets.ISO_8859_1);
                    if (r.nextInt(3) > 0) {
                        assertEquals(model.add(ms), sadd(m, lim), "SADD " + ms + " under " + lim);
                    } else {
                        assertEquals(model.remove(ms), srem(m), "SREM " + ms + " under " + lim);
                    }
                    final long a = addr();
                    assertEquals(model.size(), a == 0 ? 0 : SetValues.size(db, a));
                    final byte[] probe = member(r);
                    assertEquals(model.contains(new String(probe, StandardCharsets.ISO_8859_1)),
                            a != 0 && SetValues.contains(db, a, probe, 0, probe.length));
                }
                final List<String> walked = walk();
                assertEquals(model.size(), walked.size());
                assertEquals(model, new HashSet<>(walked));
                if ("intset".equals(encoding())) {
                    final List<Long> nums = walked.stream().map(Long::parseLong).toList();
                    assertEquals(new ArrayList<>(new TreeSet<>(nums)), nums, "intset walks ascending");
                }
            }
        });
    }

    @Test
    void shouldFollowRedisTransitions() {
        final SetLimits lim = new SetLimits(3, 4, 5);
        assertTrue(sadd(b("1"), lim));
        assertEquals("intset", encoding());
        sadd(b("2"), lim);
        sadd(b("3"), lim);
        assertEquals("intset", encoding());
        // a fourth integer overflows the intset: straight to a hash table
        sadd(b("4"), lim);
        assertEquals("hashtable", encoding());

        db.clear();
        sadd(b("1"), lim);
        sadd(b("-1000"), lim);
        // a string while the integers and it fit a listpack
        sadd(b("abc"), lim);
        assertEquals("listpack", encoding());
        assertEquals(List.of("-1000", "1", "abc"), walk(), "intset order, then the new member");
        sadd(b("x"), lim);
        assertEquals("listpack", encoding());
        sadd(b("y"), lim);
        assertEquals("hashtable", encoding(), "a fifth member overflows the listpack");

        db.clear();
        sadd(b("-10000"), lim);
        sadd(b("a"), lim);
        assertEquals("hashtable", encoding(), "-10000 is 6 characters, past set-max-listpack-value 5");

        db.clear();
        sadd(b("abcdef"), lim);
        assertEquals("hashtable", encoding(), "a listpack never holds a 6-byte member");

        // removing never converts back
        srem(b("abcdef"));
        assertEquals("none", encoding());
    }

    @Test
    void shouldCreateAndPreConvertByTheSizeHint() {
        final SetLimits lim = new SetLimits(3, 4, 64);
        final byte[] one = b("1");
        long a = SetValues.create(db, KEY, 0, KEY.length, H, one, 0, 1, 3, lim);
        assertEquals(Entry.KIND_SET_INTSET, db.kind(a));
        db.clear();
        a = SetValues.create(db, KEY, 0, KEY.length, H, one, 0, 1, 4, lim);
        assertEquals(Entry.KIND_SET_LP, db.kind(a), "an integer, but more of them than an intset holds");
        db.clear();
        a = SetValues.create(db, KEY, 0, KEY.length, H, one, 0, 1, 5, lim);
        assertEquals(Entry.KIND_SET_HT, db.kind(a));
        db.clear();
        sadd(one, lim);
        a = SetValues.maybeConvert(db, addr(), H, 3, lim);
        assertEquals(Entry.KIND_SET_INTSET, db.kind(a));
        a = SetValues.maybeConvert(db, a, H, 4, lim);
        assertEquals(Entry.KIND_SET_HT, db.kind(a));
        assertEquals(List.of("1"), walk());
    }

    @Test
    void shouldStoreRedisBytesForPackedSets() {
        final SetLimits lim = SetLimits.DEFAULTS;
        for (final String m : List.of("5", "-3", "70000", "1")) {
            sadd(b(m), lim);
        }
        long a = addr();
        final byte[] blob = java.util.Arrays.copyOfRange(db.page(a), db.valueOffset(a), db.valueOffset(a) + db.valueLength(a));
        assertArrayEquals(IntSet.of(5, -3, 70000, 1), blob);
        sadd(b("x"), lim);
        a = addr();
        final byte[] lp = java.util.Arrays.copyOfRange(db.page(a), db.valueOffset(a), db.valueOffset(a) + db.valueLength(a));
        assertArrayEquals(Listpack.of(b("-3"), b("1"), b("5"), b("70000"), b("x")), lp);
    }

    @Test
    void shouldBuildLikeAStoredSet() {
        final List<SetLimits> limits = List.of(SetLimits.DEFAULTS, new SetLimits(4, 6, 3), new SetLimits(2, 1000, 64));
        Props.forAll("builder follows the stored set", 100, r -> r.nextLong(), seed -> {
            for (final SetLimits lim : limits) {
                db.clear();
                final SplittableRandom r = new SplittableRandom(seed);
                final SetBuilder sb = new SetBuilder(Entry.KIND_SET_INTSET, lim);
                // a stored set that starts as an intset: create with an integer and a hint of 1
                final Set<String> model = new LinkedHashSet<>();
                for (int i = r.nextInt(1, 300); i > 0; i--) {
                    final byte[] m = member(r);
                    if (addr() == 0) {
                        SetValues.create(db, KEY, 0, KEY.length, H, b("0"), 0, 1, 1, lim);
                    }
                    SetValues.add(db, addr(), H, m, 0, m.length, lim);
                    assertEquals(model.add(new String(m, StandardCharsets.ISO_8859_1)), sb.add(m, 0, m.length));
                    assertEquals(db.kind(addr()), sb.kind(), "same encoding after " + model.size() + " members");
                }
                final byte[] k2 = b("t");
                final long a2 = sb.store(db, k2, 0, 1, Db.hash(k2, 0, 1));
                assertEquals(db.kind(addr()), db.kind(a2));
                assertEquals(SetValues.size(db, addr()), SetValues.size(db, a2));
                if (db.kind(a2) != Entry.KIND_SET_HT) {
                    assertArrayEquals(
                            java.util.Arrays.copyOfRange(db.page(addr()), db.valueOffset(addr()),
                                    db.valueOffset(addr()) + db.valueLength(addr())),
                            java.util.Arrays.copyOfRange(db.page(a2), db.valueOffset(a2), db.valueOffset(a2) + db.valueLength(a2)));
                }
            }
        });
    }

    @Test
    void shouldConvertAnIntegerOnlyResultToAnIntset() {
        final SetBuilder sb = new SetBuilder(Entry.KIND_SET_LP, SetLimits.DEFAULTS);
        for (int i = 200; i > 0; i--) {
            sb.add(b(Integer.toString(i * 7)), 0, Integer.toString(i * 7).length());
        }
        assertEquals(Entry.KIND_SET_HT, sb.kind());
        sb.toIntsetIfSmall();
        assertEquals(Entry.KIND_SET_INTSET, sb.kind());
        assertEquals(200, sb.size());
        final SetIter it = sb.iter(new SetIter());
        long prev = Long.MIN_VALUE;
        while (it.next()) {
            assertTrue(it.intValue > prev);
            prev = it.intValue;
        }
    }

    @Test
    void shouldRemoveByPosition() {
        for (final SetLimits lim : List.of(SetLimits.DEFAULTS, new SetLimits(0, 100, 64), new SetLimits(0, 0, 0))) {
            db.clear();
            final Set<String> model = new HashSet<>();
            for (int i = 0; i < 50; i++) {
                sadd(b(Integer.toString(i * 3)), lim);
                model.add(Integer.toString(i * 3));
            }
            final SplittableRandom r = new SplittableRandom(5);
            while (!model.isEmpty()) {
                final long a = addr();
                final int i = r.nextInt(SetValues.size(db, a));
                final SetIter it = new SetIter().reset(db, a);
                it.seek(i);
                assertTrue(model.remove(new String(it.copy(), StandardCharsets.ISO_8859_1)));
                final long a2 = SetValues.removeAt(db, a, H, i);
                assertEquals(model.size(), SetValues.size(db, a2));
                assertEquals(model, new HashSet<>(walk()));
                if (model.isEmpty()) {
                    db.unlinkAndFree(a2, H);
                }
            }
        }
    }
}
