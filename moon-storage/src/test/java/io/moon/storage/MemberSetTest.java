package io.moon.storage;

import io.moon.testkit.Props;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemberSetTest {
    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String s(final byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static Set<String> members(final MemberSet set) {
        final Set<String> out = new HashSet<>();
        for (int i = 0; i < set.size(); i++) {
            out.add(s(set.member(i)));
        }
        return out;
    }

    private static long expectedMemory(final MemberSet set) {
        long n = 0;
        for (int i = 0; i < set.size(); i++) {
            n += MemberSet.arrayBytes(set.member(i).length);
        }
        return n;
    }

    @Test
    void shouldAgreeWithAHashSetUnderRandomChanges() {
        Props.forAll("MemberSet is a set", 40, r -> {
            final List<int[]> ops = new ArrayList<>();
            final int n = r.nextInt(1, 3000);
            final int range = r.nextInt(1, 2000);
            for (int i = 0; i < n; i++) {
                ops.add(new int[] {r.nextInt(3), r.nextInt(range)});
            }
            return ops;
        }, ops -> {
            final MemberSet set = new MemberSet();
            final Set<String> model = new HashSet<>();
            for (final int[] op : ops) {
                final byte[] m = b("m" + op[1]);
                switch (op[0]) {
                    case 0 -> assertEquals(model.add(s(m)), set.add(m, 0, m.length));
                    case 1 -> assertEquals(model.remove(s(m)), set.remove(m, 0, m.length));
                    default -> assertEquals(model.contains(s(m)), set.contains(m));
                }
                assertEquals(model.size(), set.size());
            }
            assertEquals(model, members(set));
        });
    }

    @Test
    void shouldCountMemberBytesAsItGoes() {
        final MemberSet set = new MemberSet();
        final long empty = set.memoryBytes();
        for (int i = 0; i < 1000; i++) {
            set.addOwned(b("member:" + i));
        }
        for (int i = 0; i < 1000; i += 2) {
            set.remove(b("member:" + i), 0, b("member:" + i).length);
        }
        // what is left: the members' arrays plus the table's arrays
        final long tables = set.memoryBytes() - expectedMemory(set);
        assertTrue(tables > 0 && tables < 500 * 40L, "table bytes " + tables);
        for (int i = 1; i < 1000; i += 2) {
            set.remove(b("member:" + i), 0, b("member:" + i).length);
        }
        assertEquals(0, set.size());
        assertEquals(empty, set.memoryBytes(), "an emptied set shrinks back to its first size");
    }

    @Test
    void shouldKeepMembersDenseWhenRemovingByIndex() {
        final MemberSet set = new MemberSet();
        for (int i = 0; i < 100; i++) {
            set.addOwned(b("x" + i));
        }
        final Set<String> popped = new HashSet<>();
        final SplittableRandom r = new SplittableRandom(1);
        while (set.size() > 0) {
            assertTrue(popped.add(s(set.removeAt(set.randomIndex(r)))));
            for (int i = 0; i < set.size(); i++) {
                assertTrue(set.contains(set.member(i)), "index " + i + " still findable");
            }
        }
        assertEquals(100, popped.size());
    }

    @Test
    void shouldPickRandomMembersUniformly() {
        final MemberSet set = new MemberSet();
        for (int i = 0; i < 10; i++) {
            set.addOwned(b("r" + i));
        }
        final int[] hits = new int[10];
        final SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 100_000; i++) {
            hits[Integer.parseInt(s(set.member(set.randomIndex(r))).substring(1))]++;
        }
        for (final int h : hits) {
            assertTrue(h > 9_000 && h < 11_000, "hits " + h);
        }
    }

    @Test
    void shouldScanEveryMemberPresentThroughoutDespiteResizes() {
        Props.forAll("SSCAN guarantee", 30, r -> r.nextLong(), seed -> {
            final SplittableRandom r = new SplittableRandom(seed);
            final MemberSet set = new MemberSet();
            final int base = r.nextInt(1, 2000);
            for (int i = 0; i < base; i++) {
                set.addOwned(b("k" + i));
            }
            // keys 0..base/2 stay for the whole scan; the others come and go between calls
            final Set<String> stable = new HashSet<>();
            for (int i = 0; i < base / 2; i++) {
                stable.add("k" + i);
            }
            final Set<String> seen = new HashSet<>();
            long cursor = 0;
            int calls = 0;
            do {
                cursor = set.scan(cursor, i -> seen.add(s(set.member(i))));
                final int churn = r.nextInt(0, 200);
                for (int c = 0; c < churn; c++) {
                    final String k = "k" + (base / 2 + r.nextInt(5000));
                    if (r.nextBoolean()) {
                        set.add(b(k), 0, k.length());
                    } else {
                        set.remove(b(k), 0, k.length());
                    }
                }
                assertTrue(++calls < 1_000_000, "scan ends");
            } while (cursor != 0);
            for (final String k : stable) {
                assertTrue(seen.contains(k), "missed " + k);
            }
        });
    }

    @Test
    void shouldCopyDeeply() {
        final MemberSet set = new MemberSet();
        set.addOwned(b("a"));
        set.addOwned(b("b"));
        final MemberSet c = set.copy();
        assertEquals(members(set), members(c));
        assertNotSame(set.member(0), c.member(0));
        c.remove(b("a"), 0, 1);
        assertTrue(set.contains(b("a")));
        assertFalse(c.contains(b("a")));
        assertEquals(set.memoryBytes() - MemberSet.arrayBytes(1), c.memoryBytes());
    }
}
