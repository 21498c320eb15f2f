package io.moon.storage.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moon.storage.Db;
import io.moon.storage.HashTable;
import io.moon.storage.HashValues;
import io.moon.storage.Keyspace;
import io.moon.storage.Listpack;
import io.moon.storage.ValueType;
import io.moon.testkit.Props;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Hashes with field TTLs in RDB: Redis 7.4's RDB_TYPE_HASH_METADATA (24) and
 * RDB_TYPE_HASH_LISTPACK_EX (25), plus the release-candidate forms 22 and 23 on reading. The
 * byte-level cases are built by hand from the layout third-party Redis 7.4 parsers document
 * (see {@link RdbValueWriter}), so they pin the format, not just Moon's agreement with itself.
 */
final class HashFieldTtlRdbTest {
    /** A time far enough ahead that no test run reaches it, and below Redis's 2^46 limit. */
    private static final long FUTURE = 4_000_000_000_000L;

    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static long insert(final Db db, final String key, final RdbObject v) {
        return RdbInsert.insert(db, b(key), v, -1, RdbLimits.DEFAULTS);
    }

    /** A hash value with the given field TTLs (0: none), as a loader hands it over. */
    private static RdbObject hash(final long[] ttls, final String... fv) {
        final byte[][] e = new byte[fv.length][];
        for (int i = 0; i < fv.length; i++) {
            e[i] = b(fv[i]);
        }
        return new RdbObject(ValueType.HASH, null, e, null, fv.length / 2, ttls);
    }

    private static Map<String, Long> ttlsOf(final Db db, final long a) {
        final Map<String, Long> m = new HashMap<>();
        if (HashValues.isPacked(db, a)) {
            return m;
        }
        final HashTable t = HashValues.table(db, a);
        for (int s = t.nextSlot(0); s >= 0; s = t.nextSlot(s + 1)) {
            final byte[] d = t.data(s);
            m.put(new String(d, t.fieldOffset(s), t.fieldLength(s), StandardCharsets.US_ASCII) + "="
                    + new String(d, t.valueOffset(s), t.valueLength(s), StandardCharsets.US_ASCII), t.expireAt(s));
        }
        return m;
    }

    // ---- the writer's bytes ----------------------------------------------------------------------

    @Test
    void shouldWriteASmallHashWithTtlsAsListpackExSoonestFirst() {
        final Db db = new Keyspace(1, 1).db(0);
        final long a = insert(db, "h", hash(new long[] {FUTURE + 50, 0, FUTURE + 7},
                "late", "1", "none", "x", "soon", "y"));
        assertEquals("listpackex", ValueType.encoding(db, a));
        final byte[] enc = RdbValue.encode(db, a, false);
        assertEquals(Rdb.T_HASH_LISTPACK_EX, enc[0]);
        final RdbIn in = RdbIn.of(enc, 1, enc.length - 1);
        assertEquals(FUTURE + 7, in.readLongLE(), "the soonest expiry, 8 bytes little-endian");
        final byte[][] lp = Ziplists.listpack(in.readString(), 0);
        assertEquals(0, in.remaining());
        final String[] got = new String[lp.length];
        for (int i = 0; i < lp.length; i++) {
            got[i] = new String(lp[i], StandardCharsets.US_ASCII);
        }
        assertArrayEquals(new String[] {"soon", "y", Long.toString(FUTURE + 7), "late", "1",
                Long.toString(FUTURE + 50), "none", "x", "0"}, got);
        final byte[] dump = RdbValue.dump(db, a);
        assertEquals(12, dump[dump.length - 10], "a payload with field TTLs says RDB 12");
    }

    @Test
    void shouldWriteATableWithTtlsAsHashMetadataWithRelativeTtls() {
        final Db db = new Keyspace(1, 1).db(0);
        // a value past hash-max-listpack-value (64 here) makes it a table
        final long a = insert(db, "h", hash(new long[] {FUTURE + 1000, 0}, "f", "v".repeat(100), "g", "w"));
        assertEquals("hashtable", ValueType.encoding(db, a));
        final byte[] enc = RdbValue.encode(db, a, false);
        assertEquals(Rdb.T_HASH_METADATA, enc[0]);
        final RdbIn in = RdbIn.of(enc, 1, enc.length - 1);
        assertEquals(FUTURE + 1000, in.readLongLE());
        assertEquals(2, in.readLength());
        final Map<String, Long> rel = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            final long ttl = in.readLength();
            rel.put(new String(in.readString(), StandardCharsets.US_ASCII) + "="
                    + new String(in.readString(), StandardCharsets.US_ASCII), ttl);
        }
        assertEquals(Map.of("f=" + "v".repeat(100), 1L, "g=w", 0L), rel, "expiry - soonest + 1, and 0 for none");
    }

    @Test
    void shouldWriteAHashWhoseTtlsAllWentAsAPlainRdb10Hash() {
        final Db db = new Keyspace(1, 1).db(0);
        long a = insert(db, "h", hash(new long[] {FUTURE, 0}, "f", "v", "g", "w"));
        final HashTable t = HashValues.table(db, a);
        assertTrue(t.persist(t.find(b("f"), 0, 1)));
        final byte[] dump = RdbValue.dump(db, a);
        assertEquals(Rdb.T_HASH, dump[0]);
        assertEquals(10, dump[dump.length - 10]);
        assertFalse(HashValues.anyFieldTtl(db), "a tracked hash without TTLs left does not count");
        final Db plain = new Keyspace(1, 1).db(0);
        a = insert(plain, "p", hash(null, "f", "v"));
        assertEquals(Rdb.T_HASH_LISTPACK, RdbValue.dump(plain, a)[0]);
        assertFalse(HashValues.anyFieldTtl(plain));
    }

    // ---- reading hand-built bytes ----------------------------------------------------------------

    @Test
    void shouldReadHashMetadataAsDocumented() {
        final RdbOut out = new RdbOut(false);
        out.writeByte(Rdb.T_HASH_METADATA);
        out.writeLongLE(FUTURE);
        out.writeLength(3);
        out.writeLength(1);          // FUTURE itself
        out.writeString(b("a"));
        out.writeString(b("1"));
        out.writeLength(0);          // none
        out.writeString(b("b"));
        out.writeString(b("2"));
        out.writeLength(5001);       // FUTURE + 5000
        out.writeString(b("c"));
        out.writeString(b("3"));
        final RdbObject v = RdbValue.parse(payload(out, 12));
        assertEquals(3, v.n());
        assertArrayEquals(new long[] {FUTURE, 0, FUTURE + 5000}, v.fieldTtls());
        final Db db = new Keyspace(1, 1).db(0);
        final long a = insert(db, "h", v);
        assertEquals("listpackex", ValueType.encoding(db, a), "small: a listpackex, as Redis 7.4 loads it");
        assertEquals(Map.of("a=1", FUTURE, "b=2", 0L, "c=3", FUTURE + 5000), ttlsOf(db, a));
        assertTrue(HashValues.anyFieldTtl(db));
    }

    @Test
    void shouldReadListpackExAsDocumented() {
        final RdbOut out = new RdbOut(false);
        out.writeByte(Rdb.T_HASH_LISTPACK_EX);
        out.writeLongLE(FUTURE);
        final byte[] lp = Listpack.of(b("a"), b("1"), b(Long.toString(FUTURE)), b("b"), b("2"), b("0"));
        out.writeString(lp, 0, lp.length);
        final RdbObject v = RdbValue.parse(payload(out, 12));
        assertArrayEquals(new long[] {FUTURE, 0}, v.fieldTtls());
        final Db db = new Keyspace(1, 1).db(0);
        final long a = insert(db, "h", v);
        assertEquals("listpackex", ValueType.encoding(db, a));
        assertEquals(Map.of("a=1", FUTURE, "b=2", 0L), ttlsOf(db, a));
    }

    @Test
    void shouldReadTheReleaseCandidateFormsWithAbsoluteTtlsAndNoMinimum() {
        final RdbOut meta = new RdbOut(false);
        meta.writeByte(Rdb.T_HASH_METADATA_PRE_GA);
        meta.writeLength(1);
        meta.writeLength(FUTURE);
        meta.writeString(b("a"));
        meta.writeString(b("1"));
        assertArrayEquals(new long[] {FUTURE}, RdbValue.parse(payload(meta, 12)).fieldTtls());
        final RdbOut lpx = new RdbOut(false);
        lpx.writeByte(Rdb.T_HASH_LISTPACK_EX_PRE_GA);
        final byte[] lp = Listpack.of(b("a"), b("1"), b(Long.toString(FUTURE)));
        lpx.writeString(lp, 0, lp.length);
        assertArrayEquals(new long[] {FUTURE}, RdbValue.parse(payload(lpx, 12)).fieldTtls());
    }

    @Test
    void shouldRefuseMalformedFieldTtlValues() {
        // a TTL past Redis's 2^48 - 1, a listpack not of triplets, a non-numeric expiry, no pairs
        final RdbOut big = new RdbOut(false);
        big.writeByte(Rdb.T_HASH_METADATA);
        big.writeLongLE(1L << 47);
        big.writeLength(1);
        big.writeLength((1L << 47) + 2); // 2^48 + 1 once the minimum is added
        big.writeString(b("a"));
        big.writeString(b("1"));
        assertThrows(RdbException.class, () -> RdbValue.parse(payload(big, 12)));
        // a 64-bit length as TTL: refused, not wrapped around
        final RdbOut huge = new RdbOut(false);
        huge.writeByte(Rdb.T_HASH_METADATA);
        huge.writeLongLE(FUTURE);
        huge.writeLength(1);
        huge.writeLength(Long.MAX_VALUE - 5);
        huge.writeString(b("a"));
        huge.writeString(b("1"));
        assertThrows(RdbException.class, () -> RdbValue.parse(payload(huge, 12)));
        // a soonest expiry of 0 is legal: TTL 2 is then 1 ms after the epoch
        final RdbOut zero = new RdbOut(false);
        zero.writeByte(Rdb.T_HASH_METADATA);
        zero.writeLongLE(0);
        zero.writeLength(1);
        zero.writeLength(2);
        zero.writeString(b("a"));
        zero.writeString(b("1"));
        assertArrayEquals(new long[] {1}, RdbValue.parse(payload(zero, 12)).fieldTtls());
        for (final byte[] lp : List.of(Listpack.of(b("a"), b("1")), Listpack.of(b("a"), b("1"), b("soon")),
                Listpack.of(b("a"), b("1"), b("-5")))) {
            final RdbOut o = new RdbOut(false);
            o.writeByte(Rdb.T_HASH_LISTPACK_EX);
            o.writeLongLE(FUTURE);
            o.writeString(lp, 0, lp.length);
            assertThrows(RdbException.class, () -> RdbValue.parse(payload(o, 12)));
        }
        final RdbOut empty = new RdbOut(false);
        empty.writeByte(Rdb.T_HASH_METADATA);
        empty.writeLongLE(FUTURE);
        empty.writeLength(0);
        assertThrows(RdbException.class, () -> RdbValue.parse(payload(empty, 12)));
    }

    @Test
    void shouldDropFieldsAlreadyExpiredWhenLoadingAsAPrimary() {
        final RdbObject v = hash(new long[] {1000, 0, FUTURE}, "gone", "1", "kept", "2", "later", "3");
        final RdbObject live = v.withoutExpiredFields(2000);
        assertEquals(2, live.n());
        assertArrayEquals(new long[] {0, FUTURE}, live.fieldTtls());
        assertArrayEquals(new byte[][] {b("kept"), b("2"), b("later"), b("3")}, live.elements());
        assertNull(hash(new long[] {1000}, "gone", "1").withoutExpiredFields(1000), "due at now is due");
        final RdbObject plain = hash(null, "f", "v");
        assertEquals(plain, plain.withoutExpiredFields(Long.MAX_VALUE));
    }

    // ---- files -----------------------------------------------------------------------------------

    @Test
    void shouldSayVersion12OnlyInAFileThatHoldsFieldTtls() throws Exception {
        final Keyspace ks = new Keyspace(1, 1);
        insert(ks.db(0), "plain", hash(null, "f", "v"));
        assertEquals("REDIS0010", header(file(ks, HashValues.anyFieldTtl(ks.db(0)))));
        insert(ks.db(0), "ttl", hash(new long[] {FUTURE}, "f", "v"));
        final byte[] f = file(ks, HashValues.anyFieldTtl(ks.db(0)));
        assertEquals("REDIS0012", header(f));
        final Map<String, long[]> read = new HashMap<>();
        new RdbReader(new ByteArrayInputStream(f), f.length).read((db, key, v, exp, idle, freq) ->
                read.put(new String(key, StandardCharsets.US_ASCII), v.fieldTtls()));
        assertNull(read.get("plain"));
        assertArrayEquals(new long[] {FUTURE}, read.get("ttl"));
    }

    private static String header(final byte[] f) {
        return new String(f, 0, 9, StandardCharsets.US_ASCII);
    }

    private static byte[] file(final Keyspace ks, final boolean fieldTtls) throws Exception {
        final ByteArrayOutputStream bos = new ByteArrayOutputStream();
        final RdbWriter w = new RdbWriter(bos, true, true).header(fieldTtls);
        final Db db = ks.db(0);
        w.selectDb(0).resizeDb(db.size(), db.expiresCount());
        final List<Long> addrs = new ArrayList<>();
        db.forEach(addrs::add);
        for (final long a : addrs) {
            w.entry(db, a, -1, -1);
        }
        w.eof();
        return bos.toByteArray();
    }

    /** A DUMP payload of the value in {@code out}: version, then the CRC-64. */
    private static byte[] payload(final RdbOut out, final int version) {
        out.writeByte(version);
        out.writeByte(0);
        out.writeLongLE(Crc64.update(0, out.array(), 0, out.length()));
        final byte[] p = out.toBytes();
        assertTrue(RdbValue.verify(p));
        return p;
    }

    // ---- properties ------------------------------------------------------------------------------

    /** A random hash with random field TTLs: small or past the listpack limits, some fields without. */
    private static RdbObject randomVolatileHash(final SplittableRandom r) {
        final int n = r.nextInt(6) == 0 ? 129 + r.nextInt(200) : 1 + r.nextInt(20);
        final byte[][] fv = new byte[2 * n][];
        final long[] ttls = new long[n];
        boolean any = false;
        for (int i = 0; i < n; i++) {
            fv[2 * i] = r.nextInt(5) == 0 ? b(Long.toString(Props.interestingLong(r)) + "#" + i)
                    : b("f" + i + "-" + "x".repeat(r.nextInt(r.nextInt(10) == 0 ? 100 : 8)));
            fv[2 * i + 1] = r.nextInt(4) == 0 ? b(Long.toString(r.nextLong()))
                    : Props.bytes(r, r.nextInt(10) == 0 ? 90 : 12);
            if (r.nextInt(3) != 0) {
                ttls[i] = FUTURE + r.nextLong(1L << 40);
                any = true;
            }
        }
        if (!any) {
            ttls[0] = FUTURE + 1;
        }
        return new RdbObject(ValueType.HASH, null, fv, null, n, ttls);
    }

    @Test
    void shouldRoundTripRandomHashesWithFieldTtlsThroughDumpAndFiles() {
        Props.forAll("hash field TTLs survive DUMP and RESTORE", 300, HashFieldTtlRdbTest::randomVolatileHash, v -> {
            final Db src = new Keyspace(1, 1).db(0);
            final long a = insert(src, "k", v);
            final String encoding = ValueType.encoding(src, a);
            final Map<String, Long> ttls = ttlsOf(src, a);
            assertEquals(v.n(), ttls.size());
            final byte[] dump = RdbValue.dump(src, a);
            assertTrue(RdbValue.verify(dump));
            assertEquals(12, dump[dump.length - 10]);
            final RdbObject back = RdbValue.parse(dump);
            assertEquals(v.n(), back.n());
            final Db dst = new Keyspace(1, 1).db(0);
            final long b = insert(dst, "k", back);
            assertEquals(encoding, ValueType.encoding(dst, b), "OBJECT ENCODING survives");
            assertEquals(ttls, ttlsOf(dst, b));
            assertEquals(HashValues.table(src, a).minExpireAt(), HashValues.table(dst, b).minExpireAt());
            assertTrue(HashValues.anyFieldTtl(dst), "the loaded hash is swept");
            assertArrayEquals(dump, RdbValue.dump(dst, b),
                    "a loaded hash dumps to the same bytes");
        });
    }

    @Test
    void shouldEndCorruptRdb12FilesWithAnErrorNeverAHang() throws Exception {
        final SplittableRandom gen = new SplittableRandom(3);
        final Keyspace ks = new Keyspace(1, 1);
        for (int i = 0; i < 12; i++) {
            insert(ks.db(0), "k" + i, randomVolatileHash(gen));
        }
        final byte[] valid = file(ks, true);
        final long deadline = System.nanoTime() + 10_000_000_000L;
        final int[] refused = new int[1];
        Props.forAll("corrupt RDB 12 files are refused or load", 300, r -> {
            if (r.nextInt(4) == 0) {
                return java.util.Arrays.copyOf(valid, r.nextInt(valid.length));
            }
            final byte[] f = valid.clone();
            for (int k = 1 + r.nextInt(3); k > 0; k--) {
                f[9 + r.nextInt(f.length - 9)] ^= (byte) (1 + r.nextInt(255));
            }
            return f;
        }, f -> {
            if (System.nanoTime() > deadline) {
                return;
            }
            final Keyspace into = new Keyspace(1, 1);
            try {
                new RdbReader(new ByteArrayInputStream(f), f.length).read((db, key, v, exp, idle, freq) -> {
                    if (db == 0 && into.db(0).lookup(key, 0, key.length, Db.hash(key, 0, key.length)) == 0) {
                        RdbInsert.insert(into.db(0), key, v, exp, RdbLimits.DEFAULTS);
                    }
                });
            } catch (final RdbException e) {
                refused[0]++;
            }
        });
        assertTrue(refused[0] > 0);
    }

    @Test
    void shouldEndMalformedFieldTtlPayloadsWithAnErrorNeverAHang() {
        final SplittableRandom seedGen = new SplittableRandom(7);
        final List<byte[]> valid = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            final Db db = new Keyspace(1, 1).db(0);
            valid.add(RdbValue.dump(db, insert(db, "k", randomVolatileHash(seedGen))));
        }
        final long deadline = System.nanoTime() + 10_000_000_000L;
        final int[] refused = new int[1];
        Props.forAll("corrupt field-TTL payloads are refused or load", 600, r -> {
            final byte[] p = valid.get(r.nextInt(valid.size())).clone();
            if (r.nextInt(4) == 0) {
                return java.util.Arrays.copyOf(p, r.nextInt(p.length));
            }
            for (int k = 1 + r.nextInt(3); k > 0; k--) {
                p[r.nextInt(p.length - 10)] ^= (byte) (1 + r.nextInt(255));
            }
            return p;
        }, p -> {
            if (System.nanoTime() > deadline) {
                return;
            }
            // skip the checksum, as a fuzzer would: the structure alone must hold
            final RdbObject v;
            try {
                v = RdbValue.parse(p.length >= 10 ? p : new byte[10]);
            } catch (final RdbException e) {
                refused[0]++;
                return;
            }
            final Db db = new Keyspace(1, 1).db(0);
            try {
                insert(db, "k", v);
            } catch (final RdbException e) {
                refused[0]++;
            }
        });
        assertNotEquals(0, refused[0]);
    }
}
