package io.moon.storage.rdb;

import io.moon.storage.Db;
import io.moon.storage.Listpack;
import io.moon.storage.StreamIter;
import io.moon.storage.ValueType;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Redis's DEBUG DIGEST arithmetic (debug.c), so the same data digests the same in Moon and in
 * Redis whatever the encodings. Two SHA-1 based steps: "xor" (digest ^= sha1(bytes), order
 * independent, for set-like members) and "mix" (digest = sha1(digest ^ sha1(bytes)), order
 * dependent). A value's digest mixes its type (big-endian int) then its elements; a key's
 * digest mixes the key first and xors "!!expire!!" in when the key has a TTL; a keyspace's
 * digest mixes each non-empty database's number, ascending, and xors each key's digest in.
 * Sorted set scores are digested as C's "%.17g" prints them. Cold path: allocates freely.
 */
public final class RdbDigest {
    private static final byte[] EXPIRE = "!!expire!!".getBytes(StandardCharsets.US_ASCII);
    /** Redis's OBJ_* number of each {@link ValueType} (string, list, hash, set, zset, stream). */
    private static final int[] REDIS_TYPE = {0, 1, 4, 2, 3, 6};

    private RdbDigest() {
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void xor(final byte[] digest, final byte[] b, final int off, final int len) {
        final MessageDigest md = sha1();
        md.update(b, off, len);
        final byte[] h = md.digest();
        for (int i = 0; i < 20; i++) {
            digest[i] ^= h[i];
        }
    }

    static void mix(final byte[] digest, final byte[] b, final int off, final int len) {
        xor(digest, b, off, len);
        final byte[] h = sha1().digest(digest);
        System.arraycopy(h, 0, digest, 0, 20);
    }

    private static void mix(final byte[] digest, final byte[] b) {
        mix(digest, b, 0, b.length);
    }

    private static byte[] int32(final int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** Mixes the value's type and contents into {@code digest} (xorObjectDigest). */
    public static void value(final byte[] digest, final RdbObject v) {
        mix(digest, int32(REDIS_TYPE[v.type()]));
        switch (v.type()) {
            case ValueType.STRING -> mix(digest, v.string());
            case ValueType.LIST -> {
                for (int i = 0; i < v.n(); i++) {
                    mix(digest, v.elements()[i]);
                }
            }
            case ValueType.SET -> {
                for (int i = 0; i < v.n(); i++) {
                    xor(digest, v.elements()[i], 0, v.elements()[i].length);
                }
            }
            case ValueType.HASH -> {
                for (int i = 0; i < v.n(); i++) {
                    final byte[] e = new byte[20];
                    mix(e, v.elements()[2 * i]);
                    mix(e, v.elements()[2 * i + 1]);
                    xor(digest, e, 0, 20);
                }
            }
            case ValueType.ZSET -> {
                for (int i = 0; i < v.n(); i++) {
                    final byte[] e = new byte[20];
                    mix(e, v.elements()[i]);
                    mix(e, formatG17(v.scores()[i]).getBytes(StandardCharsets.US_ASCII));
                    xor(digest, e, 0, 20);
                }
            }
            case ValueType.STREAM -> {
                // each entry: "ms.seq", then its fields and values in order
                final StreamIter it = new StreamIter(v.stream()).forward(0, 0, -1, -1);
                while (it.next()) {
                    mix(digest, (Long.toUnsignedString(it.ms) + "." + Long.toUnsignedString(it.seq))
                            .getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < it.fields; i++) {
                        mix(digest, Listpack.toBytes(it.node, it.fieldAt(i)));
                        mix(digest, Listpack.toBytes(it.node, it.valueAt(i)));
                    }
                }
            }
            default -> throw new IllegalStateException("type " + v.type());
        }
    }

    /**
     * DEBUG DIGEST-VALUE of the entry at addr: type and value, and the expire marker when the key
     * has a TTL (as Redis mixes it into the value's digest; only the key itself is left out).
     */
    public static byte[] value(final Db db, final long addr) {
        final byte[] d = new byte[20];
        value(d, decode(db, addr));
        if (db.hasExpire(addr)) {
            xor(d, EXPIRE, 0, EXPIRE.length);
        }
        return d;
    }

    /** The entry's value, decoded from its own RDB encoding: one walk for every encoding. */
    static RdbObject decode(final Db db, final long addr) {
        final byte[] enc = RdbValue.encode(db, addr, false);
        final RdbIn in = RdbIn.of(enc, 0, enc.length);
        return RdbValueReader.read(in, in.readByte());
    }

    /** A key's digest: key, type and value, and the expire marker. */
    public static byte[] key(final byte[] key, final RdbObject v, final boolean hasExpire) {
        final byte[] d = new byte[20];
        mix(d, key);
        value(d, v);
        if (hasExpire) {
            xor(d, EXPIRE, 0, EXPIRE.length);
        }
        return d;
    }

    /** The digest of the entry at addr as DEBUG DIGEST counts it. */
    public static byte[] key(final Db db, final long addr) {
        return key(db.keyBytes(addr), decode(db, addr), db.hasExpire(addr));
    }

    /** Mixes a non-empty database's number into a keyspace digest (before its keys). */
    public static void database(final byte[] digest, final int db) {
        mix(digest, int32(db));
    }

    /** Adds a key's digest into a keyspace digest. */
    public static void addKey(final byte[] digest, final byte[] keyDigest) {
        xor(digest, keyDigest, 0, 20);
    }

    /** The keyspace digest of one database's keys, added to {@code digest} (all keys, db's number first). */
    public static void database(final byte[] digest, final Db db) {
        if (db.size() == 0) {
            return;
        }
        database(digest, db.index());
        db.forEach(a -> addKey(digest, key(db, a)));
    }

    public static String hex(final byte[] d) {
        final StringBuilder sb = new StringBuilder(40);
        for (final byte b : d) {
            sb.append(Character.forDigit((b >>> 4) & 15, 16)).append(Character.forDigit(b & 15, 16));
        }
        return sb.toString();
    }

    /** C's printf("%.17g", d). */
    static String formatG17(final double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (Double.doubleToRawLongBits(d) < 0) ? "-0" : "0";
        }
        final BigDecimal r = new BigDecimal(d).round(new MathContext(17, RoundingMode.HALF_EVEN));
        final int exp = r.precision() - r.scale() - 1;
        final String s;
        if (exp < -4 || exp >= 17) {
            final String digits = r.unscaledValue().abs().toString();
            String mant = digits.charAt(0) + (digits.length() > 1 ? "." + digits.substring(1) : "");
            mant = stripZeros(mant);
            final String e = (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
            s = (r.signum() < 0 ? "-" : "") + mant + "e" + e;
        } else {
            s = stripZeros(r.setScale(Math.max(0, 16 - exp), RoundingMode.HALF_EVEN).toPlainString());
        }
        return s;
    }

    private static String stripZeros(final String s) {
        if (s.indexOf('.') < 0) {
            return s;
        }
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }
}
