package io.moon.storage.rdb;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads an RDB file of version 1 to 12 (Redis 2.6 to 7.4) as a stream, handing what it finds to a
 * {@link Sink}: aux fields, database switches and size hints, and each key with its decoded value,
 * expiry and LRU/LFU hints. The checksum is verified at the end (unless the file says 0, as Redis
 * writes with rdbchecksum no). Function libraries go to the sink as their code.
 * Streams, module values and module aux data
 * cannot live in Moon: they stop the read with an {@link RdbException} naming them and their
 * offset rather than being dropped. Any malformed input is an {@link RdbException} with its offset.
 */
public final class RdbReader {
    /** Receives what the file holds, in file order. */
    public interface Sink {
        default void aux(final byte[] key, final byte[] value) {
        }

        default void selectDb(final int db) {
        }

        /** A function library (FUNCTION2 record): its code, "#!lua name=..." first. */
        default void function(final byte[] code) {
        }

        default void resizeDb(final long keys, final long expires) {
        }

        /**
         * A key of database {@code db}; {@code expireAtMillis} is -1 without expiry,
         * {@code idleSeconds} and {@code freq} -1 when the file gives none. May throw an
         * {@link RdbException} (e.g. duplicate members); the reader adds the key's offset.
         */
        void entry(int db, byte[] key, RdbObject value, long expireAtMillis, long idleSeconds, int freq);

        /** Called every few thousand keys with the bytes read so far (progress reports). */
        default void progress(final long offset) {
        }
    }

    private static final String MODULE_CHARSET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private final RdbIn in;
    private int version;

    /** A reader of {@code size} bytes (the file's length) of {@code is}. */
    public RdbReader(final InputStream is, final long size) {
        this.in = new RdbIn(is, size);
    }

    /** The file's RDB version, once {@link #read} has read the header. */
    public int version() {
        return version;
    }

    /** Reads the whole file into the sink; returns the number of keys. */
    public long read(final Sink sink) {
        final byte[] magic = new byte[9];
        in.readFully(magic, 0, 9);
        final String m = new String(magic, StandardCharsets.US_ASCII);
        if (!m.startsWith("REDIS")) {
            throw new RdbException("not an RDB file (no REDIS signature)", 0);
        }
        try {
            version = Integer.parseInt(m.substring(5));
        } catch (final NumberFormatException e) {
            throw new RdbException("bad RDB version field '" + m.substring(5) + "'", 5);
        }
        if (version < 1 || version > Rdb.MAX_VERSION) {
            throw new RdbException("can't handle RDB format version " + version, 5);
        }
        int db = 0;
        long keys = 0;
        long expireAt = -1;
        long idle = -1;
        int freq = -1;
        while (true) {
            final long at = in.offset();
            final int op = in.readByte();
            switch (op) {
                case Rdb.OP_EXPIRETIME -> {
                    expireAt = (in.readIntLE() & 0xFFFFFFFFL) * 1000;
                    continue;
                }
                case Rdb.OP_EXPIRETIME_MS -> {
                    expireAt = in.readLongLE();
                    continue;
                }
                case Rdb.OP_IDLE -> {
                    idle = in.readLength();
                    continue;
                }
                case Rdb.OP_FREQ -> {
                    freq = in.readByte();
                    continue;
                }
                case Rdb.OP_SELECTDB -> {
                    final long d = in.readLength();
                    if (d > Integer.MAX_VALUE) {
                        throw new RdbException("bad database number " + d, at);
                    }
                    db = (int) d;
                    sink.selectDb(db);
                    continue;
                }
                case Rdb.OP_RESIZEDB -> {
                    sink.resizeDb(in.readLength(), in.readLength());
                    continue;
                }
                case Rdb.OP_AUX -> {
                    sink.aux(in.readString(), in.readString());
                    continue;
                }
                case Rdb.OP_MODULE_AUX -> throw new RdbException("module aux data of module "
                        + moduleName(in.readLength()) + " cannot be loaded (Moon has no modules)", at);
                case Rdb.OP_FUNCTION2 -> {
                    sink.function(in.readString());
                    continue;
                }
                case Rdb.OP_FUNCTION_PRE_GA -> throw new RdbException(
                        "function library (Redis 7.0 release-candidate format) cannot be loaded", at);
                case Rdb.OP_EOF -> {
                    if (version >= 5) {
                        final long computed = in.crc();
                        final long stored = in.readLongLE();
                        if (stored != 0 && stored != computed) {
                            throw new RdbException("wrong RDB checksum: expected " + Long.toHexString(stored)
                                    + ", got " + Long.toHexString(computed), at + 1);
                        }
                    }
                    return keys;
                }
                default -> {
                    // a key
                }
            }
            if (!Rdb.isKnownType(op)) {
                throw new RdbException("unknown RDB type or opcode " + op, at);
            }
            final byte[] key = in.readString();
            if (!Rdb.isDataType(op)) {
                throw new RdbException("key '" + printable(key) + "' in db " + db + " holds a value of module "
                        + moduleName(in.readLength()) + ", which Moon cannot load", at);
            }
            final RdbObject v = RdbValueReader.read(in, op);
            try {
                sink.entry(db, key, v, expireAt, idle, freq);
            } catch (final RdbException e) {
                if (e.offset() >= 0) {
                    throw e;
                }
                throw new RdbException("key '" + printable(key) + "': " + e.getMessage().replace(" (at offset -1)", ""),
                        at);
            }
            keys++;
            if ((keys & 4095) == 0) {
                sink.progress(in.offset());
            }
            expireAt = -1;
            idle = -1;
            freq = -1;
        }
    }

    /** The nine-character module name packed in the top 54 bits of a module type id. */
    static String moduleName(final long id) {
        final StringBuilder sb = new StringBuilder(9);
        for (int j = 0; j < 9; j++) {
            sb.append(MODULE_CHARSET.charAt((int) (id >>> (64 - 6 * (j + 1))) & 63));
        }
        return sb.toString();
    }

    static String printable(final byte[] key) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(key.length, 64); i++) {
            final int c = key[i] & 0xff;
            if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        return key.length > 64 ? sb + "..." : sb.toString();
    }
}
