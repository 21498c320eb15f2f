package io.moon.storage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The string helpers of the bitmap commands: {@link Strings#growZeroed} and {@link Strings#setRaw}. */
class StringsGrowTest {
    private final Keyspace ks = new Keyspace(1, 7);
    private final Db db = ks.db(0);
    private final byte[] k = "bits".getBytes(StandardCharsets.US_ASCII);
    private final long h = Db.hash(k, 0, k.length);

    private long find() {
        return db.find(k, 0, k.length, h, 0);
    }

    @Test
    void shouldGrowByteByByteAcrossLengthHeaderWidthsKeepingEveryByte() {
        // one byte more each time, each new byte written like SETBIT writes it: the length
        // header goes from one to two to three bytes (127/128, 16383/16384) and bytes must stay put
        int moves = 0;
        long last = 0;
        for (int n = 1; n <= 20_000; n++) {
            final long a = Strings.growZeroed(db, k, 0, k.length, h, find(), n);
            assertEquals(n, db.valueLength(a));
            assertEquals(0, db.page(a)[db.valueOffset(a) + n - 1], "a new byte is zero");
            db.page(a)[db.valueOffset(a) + n - 1] = (byte) (n * 31);
            if (a != last) {
                moves++;
                last = a;
            }
        }
        final long a = find();
        for (int i = 0; i < 20_000; i++) {
            assertEquals((byte) ((i + 1) * 31), db.page(a)[db.valueOffset(a) + i], "byte " + i);
        }
        assertEquals("raw", Strings.encoding(db, a));
        assertTrue(moves < 20, "moved " + moves + " times"); // grows by doubling: about 10 moves, not 20,000
    }

    @Test
    void shouldSpellAnIntOutAndMakeAnyValueRawWithoutShortening() {
        final byte[] v = "12".getBytes(StandardCharsets.US_ASCII);
        Strings.set(db, k, 0, k.length, h, 0, v, 0, v.length, false);
        assertEquals("int", Strings.encoding(db, find()));
        long a = Strings.growZeroed(db, k, 0, k.length, h, find(), 1);
        assertEquals("raw", Strings.encoding(db, a));
        assertEquals("12", new String(Strings.valueBytes(db, a), StandardCharsets.US_ASCII));
        a = Strings.growZeroed(db, k, 0, k.length, h, a, 4);
        assertEquals("12\0\0", new String(Strings.valueBytes(db, a), StandardCharsets.US_ASCII));
        final byte[] e = "abc".getBytes(StandardCharsets.US_ASCII);
        Strings.set(db, k, 0, k.length, h, a, e, 0, e.length, false);
        assertEquals("embstr", Strings.encoding(db, find()));
        a = Strings.growZeroed(db, k, 0, k.length, h, find(), 2);
        assertEquals("raw", Strings.encoding(db, a));
        assertEquals("abc", new String(Strings.valueBytes(db, a), StandardCharsets.US_ASCII));
    }

    @Test
    void shouldStoreRawWhateverTheBytesAndDropTheTtl() {
        final byte[] v = "42".getBytes(StandardCharsets.US_ASCII);
        Strings.set(db, k, 0, k.length, h, 0, v, 0, v.length, false);
        db.setExpire(find(), h, 1L << 50);
        final long a = Strings.setRaw(db, k, 0, k.length, h, find(), v, 0, v.length);
        assertEquals("raw", Strings.encoding(db, a));
        assertEquals(-1, db.expireAt(a));
        assertEquals("42", new String(Strings.valueBytes(db, a), StandardCharsets.US_ASCII));
    }
}
