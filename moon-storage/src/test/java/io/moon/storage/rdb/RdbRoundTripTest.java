package io.moon.storage.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.moon.storage.Db;
import io.moon.storage.Keyspace;
import io.moon.storage.ValueType;
import io.moon.testkit.Props;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Values of every kind and encoding survive DUMP payloads and whole files unchanged (by digest). */
final class RdbRoundTripTest {
    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A random value of a random type, sized to land in small or large encodings. */
    static RdbObject randomValue(final SplittableRandom r) {
        final int type = r.nextInt(5);
        final boolean big = r.nextInt(3) == 0;
        final int n = 1 + r.nextInt(big ? 400 : 10);
        final boolean ints = r.nextBoolean();
        final List<byte[]> els = new ArrayList<>();
        final java.util.Set<String> seen = new java.util.HashSet<>();
        while (els.size() < n) {
            final String s = ints ? Long.toString(r.nextLong(-100000, 100000))
                    : "e" + r.nextInt(100000) + (big && r.nextInt(10) == 0 ? "x".repeat(100) : "");
            if (type != ValueType.LIST && !seen.add(s)) {
                continue;
            }
            els.add(b(s));
        }
        return switch (type) {
            case ValueType.STRING -> RdbObject.ofString(big ? b("abc".repeat(50 + r.nextInt(100)))
                    : b(ints ? Long.toString(r.nextLong()) : "v" + r.nextInt()));
            case ValueType.HASH -> {
                final byte[][] fv = new byte[2 * n][];
                for (int i = 0; i < n; i++) {
                    fv[2 * i] = els.get(i);
                    fv[2 * i + 1] = b(ints ? Integer.toString(r.nextInt()) : "val" + r.nextInt());
                }
                yield new RdbObject(type, null, fv, null, n);
            }
            case ValueType.ZSET -> {
                final double[] s = new double[n];
                for (int i = 0; i < n; i++) {
                    s[i] = r.nextInt(4) == 0 ? r.nextInt(100) : r.nextDouble() * 1e6 - 5e5;
                }
                yield new RdbObject(type, null, els.toArray(new byte[0][]), s, n);
            }
            default -> new RdbObject(type, null, els.toArray(new byte[0][]), null, n);
        };
    }

    @Test
    void dumpPayloadsRoundTripEveryKind() {
        Props.forAll("dump-restore", 300, RdbRoundTripTest::randomValue, v -> {
            final Db src = new Keyspace(1, 1).db(0);
            final long a = RdbInsert.insert(src, b("k"), v, -1, RdbLimits.DEFAULTS);
            final byte[] payload = RdbValue.dump(src, a);
            assertEquals(true, RdbValue.verify(payload));
            final RdbObject back = RdbValue.parse(payload);
            final Db dst = new Keyspace(1, 1).db(0);
            final long a2 = RdbInsert.insert(dst, b("k"), back, -1, RdbLimits.DEFAULTS);
            assertEquals(src.kind(a), dst.kind(a2));
            assertArrayEquals(RdbDigest.value(src, a), RdbDigest.value(dst, a2));
            final byte[] d = new byte[20];
            RdbDigest.value(d, v);
            assertArrayEquals(d, RdbDigest.value(src, a));
        });
    }

    @Test
    void filesRoundTripSeveralDatabasesWithExpiries() throws Exception {
        final SplittableRandom r = new SplittableRandom(7);
        final Keyspace ks = new Keyspace(4, 1);
        for (int i = 0; i < 200; i++) {
            final Db db = ks.db(r.nextInt(4));
            RdbInsert.insert(db, b("key" + i), randomValue(r), r.nextBoolean() ? -1 : 4_000_000_000_000L + i,
                    RdbLimits.DEFAULTS);
        }
        for (final boolean compress : new boolean[] {true, false}) {
            final ByteArrayOutputStream bos = new ByteArrayOutputStream();
            final RdbWriter w = new RdbWriter(bos, compress, true).header().standardAux("7.0.15", 0, false);
            for (int i = 0; i < 4; i++) {
                final Db db = ks.db(i);
                if (db.size() == 0) {
                    continue;
                }
                w.selectDb(i).resizeDb(db.size(), db.expiresCount());
                final RdbWriter fw = w;
                db.forEach(a -> {
                    try {
                        fw.entry(db, a, -1, -1);
                    } catch (final java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
            w.eof();
            final byte[] file = bos.toByteArray();
            final Keyspace back = new Keyspace(4, 1);
            final long keys = new RdbReader(new ByteArrayInputStream(file), file.length).read(
                    (db, key, value, exp, idle, freq) -> RdbInsert.insert(back.db(db), key, value, exp,
                            RdbLimits.DEFAULTS));
            assertEquals(200, keys);
            assertEquals(hex(ks, 4), hex(back, 4));
        }
    }

    static String hex(final Keyspace ks, final int dbs) {
        final byte[] d = new byte[20];
        for (int i = 0; i < dbs; i++) {
            RdbDigest.database(d, ks.db(i));
        }
        return RdbDigest.hex(d);
    }

    @Test
    void corruptPayloadsAreRefused() {
        assertEquals(false, RdbValue.verify(new byte[] {0, 1, 2}));
        final RdbIn in = RdbIn.of(new byte[] {(byte) 0x80, 0x7f, 0, 0, 0}, 0, 5);
        assertThrows(RdbException.class, in::readString);
    }

    @Test
    void crc64MatchesRedisCheckValue() {
        assertEquals(0xe9c6d914c4b8d9caL, Crc64.update(0, b("123456789"), 0, 9));
    }

    @Test
    void lzfRoundTrips() {
        Props.forAll("lzf", 300, r -> {
            final int n = r.nextInt(2000);
            final byte[] in = new byte[n];
            for (int i = 0; i < n; i++) {
                in[i] = (byte) (r.nextInt(4) == 0 ? r.nextInt(256) : 'a' + r.nextInt(3));
            }
            return in;
        }, in -> {
            final byte[] out = new byte[in.length + 64];
            final int c = Lzf.compress(in, in.length, out, out.length);
            if (c > 0) {
                final byte[] back = new byte[in.length];
                Lzf.decompress(out, 0, c, back, 0);
                assertArrayEquals(in, back);
            }
        });
    }

    @Test
    void formatsScoresAsPrintfG17() {
        assertEquals("1.1000000000000001", RdbDigest.formatG17(1.1));
        assertEquals("1", RdbDigest.formatG17(1));
        assertEquals("-2.5", RdbDigest.formatG17(-2.5));
        assertEquals("1e+20", RdbDigest.formatG17(1e20));
        assertEquals("1.0000000000000001e-05", RdbDigest.formatG17(1e-5));
        assertEquals("0.0001", RdbDigest.formatG17(1e-4));
        assertEquals("inf", RdbDigest.formatG17(Double.POSITIVE_INFINITY));
    }
}
