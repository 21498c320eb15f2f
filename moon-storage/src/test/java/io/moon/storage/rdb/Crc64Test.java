package io.moon.storage.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.moon.testkit.Props;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Crc64: Redis's check value, and the eight-bytes-a-step path against the one-byte reference. */
final class Crc64Test {
    /** The plain definition, bit by bit: what every table must agree with. */
    private static long reference(long crc, final byte[] b, final int off, final int len) {
        for (int i = off; i < off + len; i++) {
            crc ^= b[i] & 0xff;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x95ac9329ac4bc9b5L : crc >>> 1;
            }
        }
        return crc;
    }

    @Test
    void matchesRedisCheckValue() {
        // redis/src/crc64.c's self test: crc64(0, "123456789") = e9c6d914c4b8d9ca
        final byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xe9c6d914c4b8d9caL, Crc64.update(0, b, 0, b.length));
        final byte[] longer = "123456789123456789123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(reference(0, longer, 0, longer.length), Crc64.update(0, longer, 0, longer.length));
    }

    private record Case(byte[] bytes, int off, int len, int split, long seed) {
    }

    @Test
    void anySplitAndOffsetGivesTheReferenceCrc() {
        Props.forAll("crc64", 500, r -> {
            final byte[] b = new byte[r.nextInt(Props.weighted(r, 4, 4, 2) == 0 ? 20 : 2000)];
            r.nextBytes(b);
            final int off = b.length == 0 ? 0 : r.nextInt(b.length);
            final int len = r.nextInt(b.length - off + 1);
            return new Case(b, off, len, r.nextInt(len + 1), r.nextLong());
        }, c -> {
            final long want = reference(c.seed(), c.bytes(), c.off(), c.len());
            assertEquals(want, Crc64.update(c.seed(), c.bytes(), c.off(), c.len()));
            final long first = Crc64.update(c.seed(), c.bytes(), c.off(), c.split());
            assertEquals(want, Crc64.update(first, c.bytes(), c.off() + c.split(), c.len() - c.split()), "in two calls");
        });
    }
}
