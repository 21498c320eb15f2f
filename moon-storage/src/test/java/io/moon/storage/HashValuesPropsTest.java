package io.moon.storage;

import io.moon.protocol.Numbers;
import io.moon.testkit.Props;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of the two hash encodings: the same operations on a hash kept packed (limits out of
 * reach), one kept as a table from the start (limits at 0) and one under Redis's default limits
 * (so it converts when a threshold is crossed) answer every read identically, and agree with a
 * plain map. Fields and values are drawn to hit the listpack's integer encodings (small, 13-bit,
 * 16/24/32/64-bit, not-quite-canonical numbers) and the value-length threshold.
 */
class HashValuesPropsTest {
    private static final HashValues.Limits PACKED = new HashValues.Limits(Long.MAX_VALUE, Long.MAX_VALUE);
    private static final HashValues.Limits TABLE = new HashValues.Limits(0, 0);
    private static final HashValues.Limits DEFAULT = new HashValues.Limits(128, 64);

    /** SET, DEL, INCRBY, or (kind 3) one HSET of pairs: field, value, then {@code more}. */
    private record Op(int kind, byte[] field, byte[] value, long number, List<byte[]> more) {
        Op(final int kind, final byte[] field, final byte[] value, final long number) {
            this(kind, field, value, number, List.of());
        }

        @Override
        public String toString() {
            return switch (kind) {
                case 0 -> "SET " + Props.describe(field) + " " + Props.describe(value);
                case 1 -> "DEL " + Props.describe(field);
                case 2 -> "INCRBY " + Props.describe(field) + " " + number;
                default -> "HSET " + Props.describe(field) + " " + Props.describe(value) + " " + Props.describe(more);
            };
        }
    }

    private static byte[] element(final SplittableRandom r) {
        return switch (Props.weighted(r, 4, 3, 2, 1)) {
            case 0 -> Props.bytesOver(r, "abc", 3);
            case 1 -> Numbers.longBytes(Props.interestingLong(r));
            case 2 -> Props.choose(r, "007", "-0", "+1", " 1", "1.5", "", "9223372036854775808")
                    .getBytes(StandardCharsets.ISO_8859_1);
            default -> Props.bytes(r, 60, 70, Props::anyByte);
        };
    }

    private static List<Op> ops(final SplittableRandom r) {
        final List<Op> ops = new ArrayList<>();
        final int n = 1 + r.nextInt(300);
        for (int i = 0; i < n; i++) {
            final int kind = Props.weighted(r, 6, 2, 1, 1);
            final List<byte[]> more = new ArrayList<>();
            for (int k = kind == 3 ? r.nextInt(4) : 0; k > 0; k--) {
                more.add(element(r));
                more.add(element(r));
            }
            ops.add(new Op(kind, element(r), element(r), r.nextInt(2000) - 1000, more));
        }
        return ops;
    }

    /** One hash under test: its database, key and limits. */
    private static final class Subject {
        final Db db = new Keyspace(1, 1).db(0);
        final byte[] key = "k".getBytes(StandardCharsets.ISO_8859_1);
        final long h = Db.hash(key, 0, 1);
        final HashValues.Limits lim;

        Subject(final HashValues.Limits lim) {
            this.lim = lim;
        }

        long addr() {
            return db.lookup(key, 0, 1, h);
        }

        /** Applies one op; returns what a command would reply (created, deleted, new value). */
        Object apply(final Op op) {
            long a = addr();
            final byte[] f = op.field();
            switch (op.kind()) {
                case 0 -> {
                    if (a == 0) {
                        a = HashValues.create(db, key, 0, 1, h, 1, lim);
                    }
                    a = HashValues.beforeWrite(db, a, h, 1, Math.max(f.length, op.value().length),
                            f.length + op.value().length, lim);
                    final int ref = HashValues.find(db, a, f, 0, f.length);
                    HashValues.set(db, a, h, ref, f, 0, f.length, op.value(), 0, op.value().length, false, lim);
                    return ref < 0 ? 1 : 0;
                }
                case 3 -> {
                    final io.moon.protocol.Request req = io.moon.protocol.Request.of();
                    req.add("HSET".getBytes(StandardCharsets.ISO_8859_1));
                    req.add(key);
                    req.add(f);
                    req.add(op.value());
                    long longest = Math.max(f.length, op.value().length);
                    long sum = f.length + op.value().length;
                    for (final byte[] m : op.more()) {
                        req.add(m);
                        longest = Math.max(longest, m.length);
                        sum += m.length;
                    }
                    final long pairs = (req.argc() - 2) / 2;
                    final int before;
                    if (a == 0) {
                        a = HashValues.create(db, key, 0, 1, h, pairs, HashValues.packedSize(req, 2), lim);
                        before = 0;
                    } else {
                        before = HashValues.length(db, a);
                    }
                    a = HashValues.beforeWrite(db, a, h, pairs, longest, sum, lim);
                    a = HashValues.setAll(db, a, h, req, 2, lim);
                    return HashValues.length(db, a) - before;
                }
                case 1 -> {
                    final int ref = a == 0 ? -1 : HashValues.find(db, a, f, 0, f.length);
                    if (ref >= 0) {
                        HashValues.delete(db, a, h, ref);
                    }
                    return ref >= 0 ? 1 : 0;
                }
                default -> {
                    final int ref = a == 0 ? -1 : HashValues.find(db, a, f, 0, f.length);
                    long v = 0;
                    if (ref >= 0) {
                        final byte[] cur = HashValues.valueBytes(db, a, ref);
                        if (!Numbers.isLong(cur, 0, cur.length)) {
                            return "not an integer";
                        }
                        v = Numbers.parseLong(cur, 0, cur.length, 0);
                    }
                    if ((op.number() > 0 && v > Long.MAX_VALUE - op.number())
                            || (op.number() < 0 && v < Long.MIN_VALUE - op.number())) {
                        return "overflow";
                    }
                    v += op.number();
                    if (a == 0) {
                        a = HashValues.create(db, key, 0, 1, h, 0, lim);
                    }
                    HashValues.setLong(db, a, h, ref, f, 0, f.length, v, lim);
                    return v;
                }
            }
        }

        Map<String, String> contents() {
            final Map<String, String> m = new TreeMap<>();
            final long a = addr();
            if (a == 0) {
                return m;
            }
            final List<byte[]> fields = new ArrayList<>();
            if (HashValues.isPacked(db, a)) {
                final byte[] p = db.page(a);
                for (int f = Listpack.first(p, db.valueOffset(a)); f >= 0; f = Listpack.next(p, Listpack.next(p, f))) {
                    fields.add(Listpack.toBytes(p, f));
                }
            } else {
                final HashTable t = HashValues.table(db, a);
                for (int s = t.nextSlot(0); s >= 0; s = t.nextSlot(s + 1)) {
                    fields.add(HashValues.fieldBytes(db, a, s));
                }
            }
            for (final byte[] f : fields) {
                final int ref = HashValues.find(db, a, f, 0, f.length);
                assertTrue(ref >= 0, "a listed field is found");
                final byte[] v = HashValues.valueBytes(db, a, ref);
                assertEquals(v.length, HashValues.valueLength(db, a, ref));
                m.put(new String(f, StandardCharsets.ISO_8859_1), new String(v, StandardCharsets.ISO_8859_1));
            }
            assertEquals(m.size(), HashValues.length(db, a));
            return m;
        }
    }

    @Test
    void shouldAnswerAlikeWhetherPackedOrTable() {
        Props.forAll("hash encodings agree", 300, HashValuesPropsTest::ops, ops -> {
            final Subject packed = new Subject(PACKED);
            final Subject table = new Subject(TABLE);
            final Subject converting = new Subject(DEFAULT);
            final Map<String, String> model = new TreeMap<>();
            int largest = 0;
            for (final Op op : ops) {
                final Object want = packed.apply(op);
                assertEquals(want, table.apply(op), op.toString());
                assertEquals(want, converting.apply(op), op.toString());
                if (op.kind() == 0 || op.kind() == 3) {
                    model.put(new String(op.field(), StandardCharsets.ISO_8859_1),
                            new String(op.value(), StandardCharsets.ISO_8859_1));
                    for (int k = 0; k < op.more().size(); k += 2) {
                        model.put(new String(op.more().get(k), StandardCharsets.ISO_8859_1),
                                new String(op.more().get(k + 1), StandardCharsets.ISO_8859_1));
                    }
                } else if (op.kind() == 1) {
                    model.remove(new String(op.field(), StandardCharsets.ISO_8859_1));
                } else if (want instanceof Long v) {
                    model.put(new String(op.field(), StandardCharsets.ISO_8859_1), Long.toString(v));
                }
                largest = Math.max(largest, model.size());
                final long a = packed.addr();
                assertEquals(model.isEmpty(), a == 0, "an empty hash has no key");
                if (a != 0) {
                    assertTrue(HashValues.isPacked(packed.db, a));
                    assertTrue(!HashValues.isPacked(table.db, table.addr()));
                }
            }
            assertEquals(model, packed.contents());
            assertEquals(model, table.contents());
            assertEquals(model, converting.contents());
            final long ca = converting.addr();
            if (ca != 0) {
                // converted exactly when Redis would have: more than 128 fields, or a long field or value seen
                final boolean longSeen = ops.stream().anyMatch(o -> o.kind() != 1
                        && (o.field().length > 64 || o.kind() != 2 && o.value().length > 64
                        || o.more().stream().anyMatch(m -> m.length > 64)));
                if (!longSeen && largest <= 128) {
                    assertTrue(HashValues.isPacked(converting.db, ca), "converted too early");
                }
            }
        });
    }

    @Test
    void shouldConvertLosslesslyAtBothThresholds() {
        Props.forAll("listpack to table conversion", 200, r -> {
            final Map<String, byte[]> pairs = new TreeMap<>();
            final int n = r.nextInt(140);
            for (int i = 0; i < n; i++) {
                final byte[] f = element(r);
                pairs.put(new String(f, StandardCharsets.ISO_8859_1), element(r));
            }
            return pairs;
        }, pairs -> {
            // by entries: a packed hash holding every pair, converted at once
            final Subject s = new Subject(PACKED);
            final Map<String, String> model = new TreeMap<>();
            for (final Map.Entry<String, byte[]> e : pairs.entrySet()) {
                final byte[] f = e.getKey().getBytes(StandardCharsets.ISO_8859_1);
                s.apply(new Op(0, f, e.getValue(), 0));
                model.put(e.getKey(), new String(e.getValue(), StandardCharsets.ISO_8859_1));
            }
            if (s.addr() == 0) {
                return;
            }
            final byte[] blob = java.util.Arrays.copyOfRange(s.db.page(s.addr()), s.db.valueOffset(s.addr()),
                    s.db.valueOffset(s.addr()) + s.db.valueLength(s.addr()));
            HashValues.convert(s.db, s.addr(), s.h, 0);
            assertEquals(Entry.KIND_HASH_HT, s.db.kind(s.addr()));
            assertEquals(model, s.contents());
            // by value length: one more pair with a 65-byte value under the default limits
            final Subject d = new Subject(new HashValues.Limits(Long.MAX_VALUE, 64));
            final long a = d.db.insertPacked(d.key, 0, 1, d.h, Entry.KIND_HASH_LP, blob, 0, blob.length);
            assertTrue(HashValues.isPacked(d.db, a));
            final byte[] longValue = new byte[65];
            java.util.Arrays.fill(longValue, (byte) 'x');
            assertEquals(1, d.apply(new Op(0, "zz-new".getBytes(StandardCharsets.ISO_8859_1), longValue, 0)));
            assertTrue(!HashValues.isPacked(d.db, d.addr()));
            model.put("zz-new", "x".repeat(65));
            assertEquals(model, d.contents());
        });
    }

    @Test
    void shouldStoreIncrementsInIntegerFormWhilePacked() {
        final Subject s = new Subject(PACKED);
        final byte[] f = "n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(5L, s.apply(new Op(2, f, null, 5)));
        assertEquals(-995L, s.apply(new Op(2, f, null, -1000)));
        final long a = s.addr();
        final byte[] p = s.db.page(a);
        final int v = Listpack.next(p, Listpack.first(p, s.db.valueOffset(a)));
        assertTrue(Listpack.isInt(p, v));
        assertEquals(-995, Listpack.intValue(p, v));
        assertArrayEquals("-995".getBytes(StandardCharsets.ISO_8859_1),
                HashValues.valueBytes(s.db, a, HashValues.find(s.db, a, f, 0, 1)));
    }
}
