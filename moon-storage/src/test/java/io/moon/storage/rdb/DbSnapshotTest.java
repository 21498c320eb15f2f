package io.moon.storage.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moon.storage.Db;
import io.moon.storage.Keyspace;
import io.moon.storage.Strings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * DbSnapshot serializes the state of its cut while the database keeps changing between its
 * slices: overwrites, deletes, inserts, expiries and a FLUSH of one database. The file built from
 * its chunks loads into exactly the cut's dataset.
 */
final class DbSnapshotTest {
    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theChunksAreTheCutWhateverHappensBetweenSlices() throws Exception {
        for (final long seed : new long[] {1, 2}) {
            final SplittableRandom r = new SplittableRandom(seed);
            final Keyspace ks = new Keyspace(3, 1);
            final List<byte[]> keys = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                final byte[] k = b("key" + i);
                keys.add(k);
                // mostly small strings, every tenth key a collection of any type and size
                RdbInsert.insert(ks.db(i % 3), k, i % 10 == 0 ? RdbRoundTripTest.randomValue(r)
                                : RdbObject.ofString(b("value" + r.nextInt())),
                        r.nextInt(4) == 0 ? 4_000_000_000_000L + i : -1, RdbLimits.DEFAULTS);
            }
            final String atCut = RdbRoundTripTest.hex(ks, 3);
            final long[] cutKeys = new long[3];
            final long[] cutExpires = new long[3];
            for (int d = 0; d < 3; d++) {
                cutKeys[d] = ks.db(d).size();
                cutExpires[d] = ks.db(d).expiresCount();
            }
            final ByteArrayOutputStream chunks = new ByteArrayOutputStream();
            final List<DbSnapshot> snaps = new ArrayList<>();
            for (int d = 0; d < 3; d++) {
                snaps.add(new DbSnapshot(ks.db(d), chunks::write, seed % 2 == 0));
            }
            int steps = 0;
            boolean flushed = false;
            while (!snaps.stream().allMatch(DbSnapshot::finished)) {
                for (final DbSnapshot s : snaps) {
                    s.step(System.nanoTime()); // a slice of 64 buckets
                }
                steps++;
                for (int w = 0; w < 40; w++) {
                    final byte[] k = keys.get(r.nextInt(keys.size()));
                    final Db db = ks.db(Integer.parseInt(new String(k, StandardCharsets.UTF_8).substring(3)) % 3);
                    final long h = Db.hash(k, 0, k.length);
                    final long a = db.lookup(k, 0, k.length, h);
                    switch (r.nextInt(4)) {
                        case 0 -> db.delete(k, 0, k.length, h, 0);
                        case 1 -> {
                            if (a != 0) {
                                db.delete(k, 0, k.length, h, 0);
                            }
                            final byte[] v = b("new" + w);
                            Strings.set(db, k, 0, k.length, h, 0, v, 0, v.length, false);
                        }
                        case 2 -> {
                            if (a != 0) {
                                db.setExpire(a, h, 5_000_000_000_000L);
                            }
                        }
                        default -> {
                            final byte[] n = b("after" + steps + ":" + w);
                            if (db.lookup(n, 0, n.length, Db.hash(n, 0, n.length)) == 0) {
                                RdbInsert.insert(db, n, RdbObject.ofString(n), -1, RdbLimits.DEFAULTS);
                            }
                        }
                    }
                }
                if (steps == 10 && !flushed) {
                    ks.db(1).clear();
                    flushed = true;
                }
            }
            assertTrue(steps > 10, "the snapshot took several slices: " + steps);
            assertNotEquals(atCut, RdbRoundTripTest.hex(ks, 3), "the dataset changed meanwhile");
            for (int d = 0; d < 3; d++) {
                assertEquals(null, ks.db(d).writeBarrier(), "barrier removed at the end");
            }
            final ByteArrayOutputStream file = new ByteArrayOutputStream();
            final RdbWriter w = new RdbWriter(file, false, true).header();
            final byte[] c = chunks.toByteArray();
            w.raw(c, 0, c.length).eof();
            final byte[] f = file.toByteArray();
            final Keyspace back = new Keyspace(3, 1);
            final long[] hintedKeys = new long[3];
            final long[] hintedExpires = new long[3];
            final long n = new RdbReader(new ByteArrayInputStream(f), f.length).read(new RdbReader.Sink() {
                private int selected;

                @Override
                public void selectDb(final int db) {
                    selected = db;
                }

                @Override
                public void resizeDb(final long keys, final long expires) {
                    hintedKeys[selected] += keys;
                    hintedExpires[selected] += expires;
                }

                @Override
                public void entry(final int db, final byte[] key, final RdbObject value, final long exp,
                                  final long idle, final int freq) {
                    RdbInsert.insert(back.db(db), key, value, exp, RdbLimits.DEFAULTS);
                }
            });
            assertEquals(3000, n, "every cut key once, nothing added after the cut");
            for (int d = 0; d < 3; d++) {
                // db 1 was flushed mid-way: its part was written all at once, its hint still the cut's
                assertEquals(cutKeys[d], hintedKeys[d], "RESIZEDB announces the cut's keys, db " + d);
                assertEquals(cutExpires[d], hintedExpires[d], "and its expiries, db " + d);
            }
            assertEquals(atCut, RdbRoundTripTest.hex(back, 3));
        }
    }
}
