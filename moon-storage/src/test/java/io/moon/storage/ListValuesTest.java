package io.moon.storage;

import io.moon.protocol.Request;
import io.moon.testkit.Props;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lists in both encodings: random operation sequences run against a plain Java list and against
 * Moon's lists under several list-max-listpack-size values (so the same sequence runs packed in
 * one and as quicklists of small nodes in another), compared after every step; conversions at the
 * thresholds; node splitting and merging as Redis's quicklist does it.
 */
class ListValuesTest {
    private static final byte[] KEY = b("list");
    private static final long H = Db.hash(KEY, 0, KEY.length);
    /** Fills the random sequences run under: the default, tiny byte and count budgets, and 64 KB. */
    private static final int[] FILLS = {-2, -1, 1, 2, 3, 5, -5};

    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String s(final byte[] v) {
        return new String(v, StandardCharsets.ISO_8859_1);
    }

    private static long find(final Db db) {
        return db.lookup(KEY, 0, KEY.length, H);
    }

    private static List<String> contents(final Db db) {
        final List<String> out = new ArrayList<>();
        final long a = find(db);
        if (a == 0) {
            return out;
        }
        final long n = ListValues.length(db, a);
        final ListCursor c = new ListCursor().seek(db, a, 0);
        for (long i = 0; i < n; i++) {
            assertTrue(c.valid(), "cursor ran out at " + i + " of " + n);
            out.add(s(c.toBytes()));
            c.next();
        }
        assertTrue(!c.valid(), "cursor goes past the length");
        // and backwards
        final ListCursor r = new ListCursor().seek(db, a, n - 1);
        for (long i = n - 1; i >= 0; i--) {
            assertEquals(out.get((int) i), s(r.toBytes()));
            r.prev();
        }
        return out;
    }

    private static void push(final Db db, final boolean left, final int fill, final String... elements) {
        final String[] args = new String[elements.length + 2];
        args[0] = left ? "LPUSH" : "RPUSH";
        args[1] = "list";
        System.arraycopy(elements, 0, args, 2, elements.length);
        final Request r = Request.of(args);
        ListValues.push(db, find(db), KEY, 0, KEY.length, H, left, r, 2, r.argc() - 1, fill);
    }

    private static int kind(final Db db) {
        return db.kind(find(db));
    }

    /** Structural invariants of the list's representation. */
    private static void checkShape(final Db db, final int fill) {
        final long a = find(db);
        if (a == 0) {
            return;
        }
        if (db.kind(a) == Entry.KIND_LIST_LP) {
            final byte[] p = db.page(a);
            final int base = db.valueOffset(a);
            assertTrue(Listpack.validate(p, base, Listpack.totalBytes(p, base), true), "packed list is a valid listpack");
            assertTrue(Listpack.count(p, base) > 0, "no empty lists");
            return;
        }
        final QuickList ql = (QuickList) db.object(a);
        long sum = 0;
        for (int i = 0; i < ql.nodeCount(); i++) {
            final byte[] node = ql.node(i);
            assertTrue(Listpack.validate(node, 0, Listpack.totalBytes(node, 0), true), "node " + i + " is a listpack");
            assertEquals(ql.countOf(i), Listpack.count(node, 0), "node " + i + " count");
            assertTrue(ql.countOf(i) > 0, "no empty nodes");
            sum += ql.countOf(i);
        }
        assertEquals(ql.count(), sum);
        assertTrue(ql.count() > 0);
    }

    // ---- random sequences against a model ------------------------------------------------------

    private static String element(final SplittableRandom r) {
        return switch (Props.weighted(r, 6, 3, 2, 1, 1)) {
            case 0 -> String.valueOf((char) ('a' + r.nextInt(4)));
            case 1 -> String.valueOf(r.nextInt(-300, 300));
            case 2 -> String.valueOf(Props.interestingLong(r));
            case 3 -> "x".repeat(r.nextInt(40, 200));
            default -> "y".repeat(r.nextInt(1000, 5000));
        };
    }

    /** One operation: a name and its arguments, applied alike to the model and to the db. */
    record Op(String name, long x, long y, String e, String f, int n) {
        @Override
        public String toString() {
            return name + " " + x + " " + y + " " + (e == null ? "" : e.length() > 20 ? e.length() + "B" : e)
                    + " " + (f == null ? "" : f.length() > 20 ? f.length() + "B" : f) + " n=" + n;
        }
    }

    private static Op op(final SplittableRandom r) {
        final int len = 40;
        return switch (Props.weighted(r, 8, 8, 3, 3, 2, 2, 2, 1, 2)) {
            case 0 -> new Op("lpush", 0, 0, element(r), null, 1 + r.nextInt(r.nextInt(10) == 0 ? 60 : 4));
            case 1 -> new Op("rpush", 0, 0, element(r), null, 1 + r.nextInt(r.nextInt(10) == 0 ? 60 : 4));
            case 2 -> new Op("lpop", 1 + r.nextInt(r.nextInt(8) == 0 ? 80 : 3), 0, null, null, 0);
            case 3 -> new Op("rpop", 1 + r.nextInt(r.nextInt(8) == 0 ? 80 : 3), 0, null, null, 0);
            case 4 -> new Op("lset", r.nextInt(-len, len), 0, element(r), null, 0);
            case 5 -> new Op("linsert", r.nextBoolean() ? 1 : 0, 0, element(r), element(r), 0);
            case 6 -> new Op("lrem", r.nextInt(-3, 4), 0, element(r), null, 0);
            case 7 -> new Op("ltrim", r.nextInt(-len, len), r.nextInt(-len, len), null, null, 0);
            default -> new Op("ltrim", r.nextInt(0, 3), -1 - r.nextInt(3), null, null, 0);
        };
    }

    private static void applyModel(final List<String> m, final Op o) {
        switch (o.name) {
            case "lpush" -> {
                for (int i = 0; i < o.n; i++) {
                    m.add(0, o.e + (i == 0 ? "" : i));
                }
            }
            case "rpush" -> {
                for (int i = 0; i < o.n; i++) {
                    m.add(o.e + (i == 0 ? "" : i));
                }
            }
            case "lpop" -> {
                for (int i = 0; i < o.x && !m.isEmpty(); i++) {
                    m.remove(0);
                }
            }
            case "rpop" -> {
                for (int i = 0; i < o.x && !m.isEmpty(); i++) {
                    m.remove(m.size() - 1);
                }
            }
            case "lset" -> {
                final long i = o.x < 0 ? o.x + m.size() : o.x;
                if (i >= 0 && i < m.size()) {
                    m.set((int) i, o.e);
                }
            }
            case "linsert" -> {
                final int i = m.indexOf(o.f);
                if (i >= 0) {
                    m.add(o.x == 1 ? i + 1 : i, o.e);
                }
            }
            case "lrem" -> {
                long left = o.x == 0 ? Long.MAX_VALUE : Math.abs(o.x);
                if (o.x >= 0) {
                    for (int i = 0; i < m.size() && left > 0; ) {
                        if (m.get(i).equals(o.e)) {
                            m.remove(i);
                            left--;
                        } else {
                            i++;
                        }
                    }
                } else {
                    for (int i = m.size() - 1; i >= 0 && left > 0; i--) {
                        if (m.get(i).equals(o.e)) {
                            m.remove(i);
                            left--;
                        }
                    }
                }
            }
            case "ltrim" -> {
                long start = o.x < 0 ? o.x + m.size() : o.x;
                long stop = o.y < 0 ? o.y + m.size() : o.y;
                start = Math.max(start, 0);
                if (start > stop || start >= m.size()) {
                    m.clear();
                } else {
                    stop = Math.min(stop, m.size() - 1);
                    final List<String> kept = new ArrayList<>(m.subList((int) start, (int) stop + 1));
                    m.clear();
                    m.addAll(kept);
                }
            }
            default -> throw new IllegalStateException(o.name);
        }
    }

    private static void applyDb(final Db db, final Op o, final int fill) {
        final long a = find(db);
        switch (o.name) {
            case "lpush", "rpush" -> {
                final String[] es = new String[o.n];
                for (int i = 0; i < o.n; i++) {
                    es[i] = o.e + (i == 0 ? "" : i);
                }
                push(db, o.name.equals("lpush"), fill, es);
            }
            case "lpop", "rpop" -> {
                if (a != 0) {
                    final long len = ListValues.length(db, a);
                    final long n = Math.min(o.x, len);
                    ListValues.afterRemoval(db, ListValues.deleteRange(db, a, o.name.equals("lpop") ? 0 : len - n, n), H,
                            fill);
                }
            }
            case "lset" -> {
                if (a != 0) {
                    final byte[] e = b(o.e);
                    ListValues.set(db, a, H, o.x, e, 0, e.length, fill);
                }
            }
            case "linsert" -> {
                if (a != 0) {
                    final byte[] e = b(o.e);
                    final byte[] p = b(o.f);
                    ListValues.insert(db, a, H, o.x == 1, p, 0, p.length, e, 0, e.length, fill);
                }
            }
            case "lrem" -> {
                if (a != 0) {
                    final byte[] e = b(o.e);
                    ListValues.remove(db, a, H, o.x, e, 0, e.length, fill);
                }
            }
            case "ltrim" -> {
                if (a != 0) {
                    ListValues.trim(db, a, H, o.x, o.y, fill);
                }
            }
            default -> throw new IllegalStateException(o.name);
        }
    }

    @Test
    void shouldAnswerLikeAPlainListInEveryEncoding() {
        final boolean[] sawPacked = new boolean[FILLS.length];
        final boolean[] sawQuick = new boolean[FILLS.length];
        Props.forAll("list ops in every encoding", 120, r -> {
            final List<Op> ops = new ArrayList<>();
            final int n = 20 + r.nextInt(150);
            for (int i = 0; i < n; i++) {
                ops.add(op(r));
            }
            return ops;
        }, ops -> {
            final Keyspace ks = new Keyspace(FILLS.length, 7);
            final List<String> model = new ArrayList<>();
            for (int step = 0; step < ops.size(); step++) {
                final Op o = ops.get(step);
                applyModel(model, o);
                for (int f = 0; f < FILLS.length; f++) {
                    final Db db = ks.db(f);
                    applyDb(db, o, FILLS[f]);
                    assertEquals(model, contents(db), "fill " + FILLS[f] + " after step " + step + " " + o);
                    checkShape(db, FILLS[f]);
                    if (find(db) != 0) {
                        sawPacked[f] |= kind(db) == Entry.KIND_LIST_LP;
                        sawQuick[f] |= kind(db) == Entry.KIND_LIST_QL;
                    }
                }
            }
        });
        for (int f = 0; f < FILLS.length; f++) {
            assertTrue(sawPacked[f] && sawQuick[f], "fill " + FILLS[f] + " ran both encodings");
        }
    }

    // ---- conversions ---------------------------------------------------------------------------

    @Test
    void shouldConvertAtTheByteLimitAndBackAtHalfOfIt() {
        final Db db = new Keyspace(1, 1).db(0);
        // each element: 101 raw bytes, 104 as an entry; the check is total + raw length > 8192
        final String e = "e".repeat(100);
        int n = 0;
        while (true) {
            final long a = find(db);
            final int before = a == 0 ? Listpack.EMPTY_BYTES : db.valueLength(a);
            push(db, false, -2, e + n % 10);
            n++;
            if (kind(db) == Entry.KIND_LIST_QL) {
                assertTrue(before + 101 > 8192, "converted at " + before);
                break;
            }
            assertTrue(before + 101 <= 8192, "still packed at " + before);
        }
        assertEquals(79, n);
        final QuickList ql = (QuickList) db.object(find(db));
        assertEquals(2, ql.nodeCount(), "the old listpack is the first node, the new element the second");
        final List<String> before = contents(db);
        // popping from the tail: one node of 78 elements (8119 bytes) stays a quicklist down to
        // 40 elements (4167 bytes); at 39 (4063 bytes, under half of 8192) it is packed again
        long a = find(db);
        for (long len = 79; len > 39; len--) {
            assertEquals(Entry.KIND_LIST_QL, db.kind(a), "at " + len);
            a = ListValues.afterRemoval(db, ListValues.deleteRange(db, a, len - 1, 1), H, -2);
        }
        assertEquals(Entry.KIND_LIST_LP, db.kind(a));
        assertEquals(before.subList(0, 39), contents(db));
    }

    @Test
    void shouldConvertAtTheCountLimit() {
        final Db db = new Keyspace(1, 1).db(0);
        for (int i = 0; i < 8; i++) {
            push(db, true, 8, "v" + i);
        }
        assertEquals(Entry.KIND_LIST_LP, kind(db));
        push(db, true, 8, "w");
        assertEquals(Entry.KIND_LIST_QL, kind(db));
        // a batch is checked whole, before any element goes in
        final Db other = new Keyspace(1, 1).db(0);
        push(other, false, 8, "1", "2", "3", "4", "5", "6", "7", "8", "9");
        assertEquals(Entry.KIND_LIST_QL, kind(other));
        final QuickList ql = (QuickList) other.object(find(other));
        assertEquals(2, ql.nodeCount(), "8 + 1 elements in nodes of 8");
        // LTRIM to 4 (half of 8) in one node converts back
        ListValues.trim(other, find(other), H, 0, 3, 8);
        assertEquals(Entry.KIND_LIST_LP, kind(other));
        assertEquals(List.of("1", "2", "3", "4"), contents(other));
    }

    @Test
    void shouldConvertBeforeLookingForThePivotOrTheIndex() {
        final Db db = new Keyspace(1, 1).db(0);
        push(db, false, 2, "a", "b");
        assertEquals(Entry.KIND_LIST_LP, kind(db));
        final byte[] x = b("x");
        assertEquals(0, ListValues.insert(db, find(db), H, true, b("missing"), 0, 7, x, 0, 1, 2));
        assertEquals(Entry.KIND_LIST_QL, kind(db), "LINSERT converts even when the pivot is missing");
        assertEquals(List.of("a", "b"), contents(db));
        final Db other = new Keyspace(1, 1).db(0);
        push(other, false, 2, "a", "b");
        assertEquals(0, ListValues.set(other, find(other), H, 5, x, 0, 1, 2));
        assertEquals(Entry.KIND_LIST_QL, kind(other), "LSET converts even when out of range");
    }

    @Test
    void shouldCreateAQuicklistAtOnceForABigFirstPush() {
        final Db db = new Keyspace(1, 1).db(0);
        push(db, false, -1, "z".repeat(5000));
        assertEquals(Entry.KIND_LIST_QL, kind(db));
        assertEquals(1, ((QuickList) db.object(find(db))).nodeCount());
    }

    @Test
    void shouldStoreBuiltListsPackedWhenOneNodeHoldsThem() {
        final Db db = new Keyspace(1, 1).db(0);
        final byte[][] es = {b("a"), b("b"), b("c")};
        ListValues.store(db, KEY, 0, KEY.length, H, es, 3, 3);
        assertEquals(Entry.KIND_LIST_LP, kind(db));
        db.unlinkAndFree(find(db), H);
        ListValues.store(db, KEY, 0, KEY.length, H, new byte[][] {b("a"), b("b"), b("c"), b("d")}, 4, 3);
        assertEquals(Entry.KIND_LIST_QL, kind(db));
        assertEquals(List.of("a", "b", "c", "d"), contents(db));
    }

    // ---- quicklist node shapes -----------------------------------------------------------------

    private static int[] shape(final QuickList ql) {
        final int[] s = new int[ql.nodeCount()];
        for (int i = 0; i < s.length; i++) {
            s[i] = ql.countOf(i);
        }
        return s;
    }

    private static QuickList threeFullNodes() {
        final QuickList ql = new QuickList(4);
        for (int i = 0; i < 12; i++) {
            final byte[] e = b("e" + i);
            ql.pushTail(e, 0, e.length);
        }
        assertEquals(List.of(4, 4, 4), java.util.Arrays.stream(shape(ql)).boxed().toList());
        return ql;
    }

    @Test
    void shouldSplitAFullNodeAndMergeAroundItAsRedisDoes() {
        final byte[] x = b("x");
        QuickList ql = threeFullNodes();
        ql.insert(1, 2, false, x, 0, 1); // before e6: [e4 e5 x] [e6 e7]
        assertEquals(List.of(4, 3, 2, 4), java.util.Arrays.stream(shape(ql)).boxed().toList());
        ql = threeFullNodes();
        ql.insert(1, 3, true, x, 0, 1); // after the tail of a full node, next full: a new node
        assertEquals(List.of(4, 4, 1, 4), java.util.Arrays.stream(shape(ql)).boxed().toList());
        ql = threeFullNodes();
        ql.deleteRange(8, 2); // third node down to 2
        ql.insert(1, 3, true, x, 0, 1); // the next node has room: x goes to its head
        assertEquals(List.of(4, 4, 3), java.util.Arrays.stream(shape(ql)).boxed().toList());
        ql = threeFullNodes();
        ql.deleteRange(0, 3); // [e3] [e4..e7] [e8..e11]
        ql.deleteRange(5, 3); // [e3] [e4..e7] [e11]
        ql.insert(1, 1, true, x, 0, 1); // split [e4 e5] [x e6 e7], then merges: [e3 e4 e5] [x e6 e7 e11]
        assertEquals(List.of(3, 4), java.util.Arrays.stream(shape(ql)).boxed().toList());
        final List<String> all = new ArrayList<>();
        for (int i = 0; i < ql.nodeCount(); i++) {
            final byte[] n = ql.node(i);
            for (int p = Listpack.first(n, 0); p >= 0; p = Listpack.next(n, p)) {
                all.add(s(Listpack.toBytes(n, p)));
            }
        }
        assertEquals(List.of("e3", "e4", "e5", "x", "e6", "e7", "e11"), all);
    }

    @Test
    void shouldCopyDeeply() {
        final QuickList ql = threeFullNodes();
        final QuickList c = ql.copy();
        ql.deleteRange(0, 12);
        assertEquals(12, c.count());
        assertEquals(3, c.nodeCount());
        assertTrue(c.memoryBytes() > 0);
    }

    // ---- a long list ---------------------------------------------------------------------------

    @Test
    void shouldKeepEndsFastOnAMillionElements() {
        final Db db = new Keyspace(1, 1).db(0);
        final long t0 = System.nanoTime();
        final String[] batch = new String[1000];
        for (int i = 0; i < 1000; i++) {
            for (int j = 0; j < batch.length; j++) {
                batch[j] = "element:" + (i * 1000 + j);
            }
            push(db, false, -2, batch);
        }
        final long t1 = System.nanoTime();
        long a = find(db);
        assertEquals(1_000_000, ListValues.length(db, a));
        final ListCursor c = new ListCursor();
        for (int i = 0; i < 100_000; i++) {
            assertEquals("element:0", s(c.seek(db, a, 0).toBytes()));
            assertEquals("element:999999", s(c.seek(db, a, 999_999).toBytes()));
        }
        final long t2 = System.nanoTime();
        for (int i = 0; i < 200_000; i++) {
            final long len = ListValues.length(db, a);
            a = ListValues.afterRemoval(db, ListValues.deleteRange(db, a, (i & 1) == 0 ? 0 : len - 1, 1), H, -2);
        }
        final long t3 = System.nanoTime();
        assertEquals(800_000, ListValues.length(db, a));
        assertEquals("element:100000", s(c.seek(db, a, 0).toBytes()));
        System.out.printf("1M list: push %d ms, 200K LINDEX 0/-1 pairs %d ms, 200K pops %d ms, %d KB%n",
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000,
                db.object(a).memoryBytes() / 1024);
    }
}
