package io.moon.storage.rdb;

import io.moon.storage.Db;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes an RDB version 10 file as Redis 7.0 does (version 12 when it holds hashes with field
 * TTLs, see {@link #header(boolean)}): {@link #header}, {@link #aux} fields,
 * then per database {@link #selectDb}, {@link #resizeDb} and its {@link #entry entries}, then
 * {@link #eof} (the terminator and the CRC-64, or zeros when checksums are off). Encodes into a
 * buffer and flushes it to the stream every 64 KB; not thread-safe, one writer per file.
 * {@link #entry(byte[], long, int, byte[], int, int)} takes a value encoded earlier (by
 * {@link RdbValue#encode}, e.g. on the owning shard's thread) so the file can be written elsewhere.
 */
public final class RdbWriter {
    private static final int FLUSH_AT = 1 << 16;

    private final OutputStream os;
    private final boolean checksum;
    private final RdbOut out;
    private long crc;
    private long written;

    public RdbWriter(final OutputStream os, final boolean compress, final boolean checksum) {
        this.os = os;
        this.checksum = checksum;
        this.out = new RdbOut(compress);
    }

    /** "REDIS0010". */
    public RdbWriter header() throws IOException {
        return header(false);
    }

    /**
     * "REDIS0010", or "REDIS0012" when {@code fieldTtls}: the file will hold a hash with field
     * TTLs, which only Redis 7.4's types (RDB 12) can carry (see {@link RdbValueWriter}).
     */
    public RdbWriter header(final boolean fieldTtls) throws IOException {
        final int version = fieldTtls ? Rdb.VERSION_FIELD_TTLS : Rdb.VERSION;
        final byte[] magic = String.format("REDIS%04d", version).getBytes(StandardCharsets.US_ASCII);
        out.write(magic, 0, magic.length);
        return maybeFlush();
    }

    public RdbWriter aux(final String key, final String value) throws IOException {
        out.writeByte(Rdb.OP_AUX);
        out.writeString(key.getBytes(StandardCharsets.UTF_8));
        out.writeString(value.getBytes(StandardCharsets.UTF_8));
        return maybeFlush();
    }

    /** The aux fields Redis 7.0 writes: redis-ver, redis-bits, ctime, used-mem, aof-base. */
    public RdbWriter standardAux(final String version, final long usedMem, final boolean aofBase) throws IOException {
        aux("redis-ver", version);
        aux("redis-bits", "64");
        aux("ctime", Long.toString(System.currentTimeMillis() / 1000));
        aux("used-mem", Long.toString(usedMem));
        return aux("aof-base", aofBase ? "1" : "0");
    }

    /** A function library (FUNCTION2): its code, as Redis 7 writes it after the aux fields. */
    public RdbWriter function(final byte[] code) throws IOException {
        out.writeByte(Rdb.OP_FUNCTION2);
        out.writeString(code);
        return maybeFlush();
    }

    public RdbWriter selectDb(final int db) throws IOException {
        out.writeByte(Rdb.OP_SELECTDB);
        out.writeLength(db);
        return maybeFlush();
    }

    public RdbWriter resizeDb(final long keys, final long expires) throws IOException {
        out.writeByte(Rdb.OP_RESIZEDB);
        out.writeLength(keys);
        out.writeLength(expires);
        return maybeFlush();
    }

    /**
     * The entry at addr: its expiry (EXPIRETIME_MS), the LRU idle seconds or LFU counter when
     * {@code idleSeconds} / {@code freq} are not negative, its type, key and value.
     */
    public RdbWriter entry(final Db db, final long addr, final long idleSeconds, final int freq) throws IOException {
        prefix(db.hasExpire(addr) ? db.expireAt(addr) : -1, idleSeconds, freq);
        RdbValueWriter.write(out, db, addr, db.keyBytes(addr));
        return maybeFlush();
    }

    /** An entry whose value was encoded earlier: {@code enc[off, off+len)} is type byte plus value. */
    public RdbWriter entry(final byte[] key, final long expireAtMillis, final int unused, final byte[] enc,
                           final int off, final int len) throws IOException {
        prefix(expireAtMillis, -1, -1);
        out.writeByte(enc[off]);
        out.writeString(key);
        out.write(enc, off + 1, len - 1);
        return maybeFlush();
    }

    private void prefix(final long expireAt, final long idleSeconds, final int freq) {
        if (expireAt >= 0) {
            out.writeByte(Rdb.OP_EXPIRETIME_MS);
            out.writeLongLE(expireAt);
        }
        if (idleSeconds >= 0) {
            out.writeByte(Rdb.OP_IDLE);
            out.writeLength(idleSeconds);
        }
        if (freq >= 0) {
            out.writeByte(Rdb.OP_FREQ);
            out.writeByte(freq);
        }
    }

    /**
     * Bytes encoded elsewhere (by {@link #encodeSelectDb} and {@link #encodeEntry} on the owning
     * shard's thread) that continue the file as they are.
     */
    public RdbWriter raw(final byte[] b, final int off, final int len) throws IOException {
        flush();
        crc = Crc64.update(crc, b, off, len);
        os.write(b, off, len);
        written += len;
        return this;
    }

    /** Appends a RESIZEDB opcode (a loader's table-size hint) to {@code out}, for {@link #raw}. */
    public static void encodeResizeDb(final RdbOut out, final long keys, final long expires) {
        out.writeByte(Rdb.OP_RESIZEDB);
        out.writeLength(keys);
        out.writeLength(expires);
    }

    /** Appends a SELECTDB opcode to {@code out}, for {@link #raw}. */
    public static void encodeSelectDb(final RdbOut out, final int db) {
        out.writeByte(Rdb.OP_SELECTDB);
        out.writeLength(db);
    }

    /**
     * Appends the entry at addr as a file lays it out (its expiry, type, key and value) to
     * {@code out}, for {@link #raw}. On the owning shard's thread.
     */
    public static void encodeEntry(final RdbOut out, final Db db, final long addr) {
        if (db.hasExpire(addr)) {
            out.writeByte(Rdb.OP_EXPIRETIME_MS);
            out.writeLongLE(db.expireAt(addr));
        }
        RdbValueWriter.writeWithKey(out, db, addr);
    }

    /** The terminator and the checksum; flushes (the caller fsyncs and closes). */
    public void eof() throws IOException {
        out.writeByte(Rdb.OP_EOF);
        flush();
        out.writeLongLE(checksum ? crc : 0);
        os.write(out.array(), 0, 8);
        written += 8;
        out.reset();
        os.flush();
    }

    /** Bytes handed to the stream so far. */
    public long written() {
        return written + out.length();
    }

    private RdbWriter maybeFlush() throws IOException {
        if (out.length() >= FLUSH_AT) {
            flush();
        }
        return this;
    }

    private void flush() throws IOException {
        crc = Crc64.update(crc, out.array(), 0, out.length());
        os.write(out.array(), 0, out.length());
        written += out.length();
        out.reset();
    }
}
