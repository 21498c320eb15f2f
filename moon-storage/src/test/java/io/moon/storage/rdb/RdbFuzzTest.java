package io.moon.storage.rdb;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moon.storage.Db;
import io.moon.storage.Keyspace;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Flipped and truncated bytes at random offsets of valid files and DUMP payloads: the reader ends
 * with a value or an {@link RdbException}, never another exception, a hang or an OutOfMemoryError.
 * Bounded in cases and in time.
 */
final class RdbFuzzTest {
    private static final long BUDGET_NANOS = 10_000_000_000L;

    private static byte[] validFile(final SplittableRandom r) throws Exception {
        final Keyspace ks = new Keyspace(2, 1);
        for (int i = 0; i < 30; i++) {
            RdbInsert.insert(ks.db(r.nextInt(2)), ("k" + i).getBytes(StandardCharsets.US_ASCII),
                    RdbRoundTripTest.randomValue(r), r.nextBoolean() ? -1 : 5_000_000_000_000L, RdbLimits.DEFAULTS);
        }
        final ByteArrayOutputStream bos = new ByteArrayOutputStream();
        final RdbWriter w = new RdbWriter(bos, true, true).header().standardAux("7.0.15", 0, false);
        for (int d = 0; d < 2; d++) {
            final Db db = ks.db(d);
            w.selectDb(d).resizeDb(db.size(), db.expiresCount());
            db.forEach(a -> {
                try {
                    w.entry(db, a, -1, -1);
                } catch (final java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        w.eof();
        return bos.toByteArray();
    }

    private static byte[] mutate(final byte[] valid, final SplittableRandom r) {
        if (r.nextInt(4) == 0) {
            return java.util.Arrays.copyOf(valid, r.nextInt(valid.length));
        }
        final byte[] b = valid.clone();
        for (int k = 1 + r.nextInt(3); k > 0; k--) {
            b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
        }
        return b;
    }

    @Test
    void corruptFilesGiveErrorsNotHangsOrOom() throws Exception {
        final SplittableRandom r = new SplittableRandom(11);
        final byte[] valid = validFile(r);
        final long deadline = System.nanoTime() + BUDGET_NANOS;
        int cases = 0;
        int refused = 0;
        for (; cases < 400 && System.nanoTime() < deadline; cases++) {
            final byte[] bad = mutate(valid, r);
            final Keyspace ks = new Keyspace(2, 1);
            try {
                new RdbReader(new ByteArrayInputStream(bad), bad.length).read((db, key, v, exp, idle, freq) -> {
                    if (db < 2 && ks.db(db).lookup(key, 0, key.length, Db.hash(key, 0, key.length)) == 0) {
                        RdbInsert.insert(ks.db(db), key, v, exp, RdbLimits.DEFAULTS);
                    }
                });
            } catch (final RdbException e) {
                refused++;
            }
        }
        assertTrue(cases >= 50, "ran " + cases);
        // the checksum catches every flip the structure does not
        assertTrue(refused >= cases * 9 / 10, refused + " of " + cases + " refused");
    }

    @Test
    void corruptPayloadsGiveErrors() throws Exception {
        final SplittableRandom r = new SplittableRandom(12);
        final long deadline = System.nanoTime() + BUDGET_NANOS;
        for (int cases = 0; cases < 400 && System.nanoTime() < deadline; cases++) {
            final Db db = new Keyspace(1, 1).db(0);
            final long a = RdbInsert.insert(db, "k".getBytes(StandardCharsets.US_ASCII),
                    RdbRoundTripTest.randomValue(r), -1, RdbLimits.DEFAULTS);
            final byte[] bad = mutate(RdbValue.dump(db, a), r);
            // skip the checksum, as a payload forged to pass it would, and parse whatever is there
            if (bad.length >= 10) {
                try {
                    final RdbObject v = RdbValue.parse(bad);
                    RdbInsert.insert(new Keyspace(1, 1).db(0), "k".getBytes(StandardCharsets.US_ASCII), v, -1,
                            RdbLimits.DEFAULTS);
                } catch (final RdbException e) {
                    // refused: fine
                }
            }
        }
    }
}
