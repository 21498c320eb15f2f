package io.moon.server.rdb;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds, byte by byte from the format's description, an RDB version 6 file (Redis 3.2's era) whose
 * values use the old encodings: a ziplist list, a zipmap hash, an intset, a ziplist sorted set, a
 * ziplist hash and a quicklist of ziplists. No checksum (zeros, as rdbchecksum no writes).
 */
final class OldRdb {
    private OldRdb() {
    }

    static byte[] file() {
        final ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.writeBytes("REDIS0006".getBytes(StandardCharsets.US_ASCII));
        f.write(0xfe);
        f.write(0);
        entry(f, 10, "zl:list", ziplist("a", -5, 1000, "b".repeat(70)));
        entry(f, 9, "zm:hash", zipmap("f1", "v1", "f2", "v2"));
        entry(f, 11, "is:set", intset(-70000, 1, 300));
        entry(f, 12, "zl:zset", ziplist("m1", "1", "m2", "2.5"));
        entry(f, 13, "zl:hash", ziplist("f", "v", "n", 12));
        // a quicklist (type 14): a count of nodes, each a ziplist
        f.write(14);
        string(f, "ql:list".getBytes(StandardCharsets.US_ASCII));
        f.write(2);
        string(f, ziplist("q1", 7));
        string(f, ziplist("q3", "q4"));
        f.write(0xff);
        f.writeBytes(new byte[8]);
        return f.toByteArray();
    }

    private static void entry(final ByteArrayOutputStream f, final int type, final String key, final byte[] blob) {
        f.write(type);
        string(f, key.getBytes(StandardCharsets.US_ASCII));
        string(f, blob);
    }

    /** A length-prefixed RDB string (lengths under 16384). */
    private static void string(final ByteArrayOutputStream f, final byte[] b) {
        if (b.length < 64) {
            f.write(b.length);
        } else {
            f.write(0x40 | b.length >>> 8);
            f.write(b.length & 0xff);
        }
        f.writeBytes(b);
    }

    /** A ziplist of strings and (Integer) 16-bit integers. */
    static byte[] ziplist(final Object... items) {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        int prev = 0;
        int tail = 10;
        for (final Object it : items) {
            final ByteArrayOutputStream e = new ByteArrayOutputStream();
            e.write(prev); // all entries here are shorter than 254 bytes
            if (it instanceof final Integer n) {
                e.write(0xc0);
                e.write(n & 0xff);
                e.write(n >>> 8 & 0xff);
            } else {
                final byte[] s = ((String) it).getBytes(StandardCharsets.US_ASCII);
                if (s.length < 64) {
                    e.write(s.length); // 00pppppp
                } else {
                    e.write(0x40 | s.length >>> 8); // 01pppppp qqqqqqqq
                    e.write(s.length & 0xff);
                }
                e.writeBytes(s);
            }
            tail = 10 + body.size();
            prev = e.size();
            body.writeBytes(e.toByteArray());
        }
        final int total = 10 + body.size() + 1;
        final ByteArrayOutputStream z = new ByteArrayOutputStream();
        le32(z, total);
        le32(z, tail);
        z.write(items.length & 0xff);
        z.write(items.length >>> 8);
        z.writeBytes(body.toByteArray());
        z.write(0xff);
        return z.toByteArray();
    }

    private static byte[] zipmap(final String... kv) {
        final ByteArrayOutputStream z = new ByteArrayOutputStream();
        z.write(kv.length / 2);
        for (int i = 0; i < kv.length; i += 2) {
            final byte[] k = kv[i].getBytes(StandardCharsets.US_ASCII);
            final byte[] v = kv[i + 1].getBytes(StandardCharsets.US_ASCII);
            z.write(k.length);
            z.writeBytes(k);
            z.write(v.length);
            z.write(0); // free bytes after the value
            z.writeBytes(v);
        }
        z.write(0xff);
        return z.toByteArray();
    }

    /** An intset of 32-bit members, given sorted. */
    private static byte[] intset(final int... sorted) {
        final ByteArrayOutputStream z = new ByteArrayOutputStream();
        le32(z, 4);
        le32(z, sorted.length);
        for (final int v : sorted) {
            le32(z, v);
        }
        return z.toByteArray();
    }

    private static void le32(final ByteArrayOutputStream z, final int v) {
        for (int i = 0; i < 4; i++) {
            z.write(v >>> 8 * i & 0xff);
        }
    }
}
