package io.moon.server.persist;

import io.moon.storage.Db;
import io.moon.storage.Entry;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer holding part of an RDB stream, with the encodings the snapshot needs:
 * lengths, strings, opcodes and entries. Each shard fills its own chunk on its own thread; the
 * file writer then copies the chunks out in shard order.
 *
 * <p>Until the RDB value codec (branch rdb) is merged, only strings are encoded here; any other
 * value kind makes the save fail with a clear message instead of writing an incomplete file.
 */
final class RdbChunk {
    static final int OP_AUX = 0xfa;
    static final int OP_SELECTDB = 0xfe;
    static final int OP_EXPIRETIME_MS = 0xfc;
    static final int OP_EOF = 0xff;
    static final int TYPE_STRING = 0;

    private byte[] buf = new byte[4096];
    private int len;

    int length() {
        return len;
    }

    byte[] array() {
        return buf;
    }

    private void ensure(final int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length << 1, len + more));
        }
    }

    void put(final int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    void put(final byte[] b, final int off, final int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    void putLongLE(final long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[len++] = (byte) (v >>> (8 * i));
        }
    }

    /** RDB length encoding: 6 bits, 14 bits, or a marker and 32 or 64 bits big-endian. */
    void putLength(final long n) {
        if (n < 64) {
            put((int) n);
        } else if (n < 16384) {
            put(0x40 | (int) (n >>> 8));
            put((int) n & 0xff);
        } else if (n <= 0xffffffffL) {
            put(0x80);
            for (int s = 24; s >= 0; s -= 8) {
                put((int) (n >>> s) & 0xff);
            }
        } else {
            put(0x81);
            for (int s = 56; s >= 0; s -= 8) {
                put((int) (n >>> s) & 0xff);
            }
        }
    }

    void putString(final byte[] b, final int off, final int n) {
        putLength(n);
        put(b, off, n);
    }

    void putString(final String s) {
        final byte[] b = s.getBytes(StandardCharsets.UTF_8);
        putString(b, 0, b.length);
    }

    void aux(final String key, final String value) {
        put(OP_AUX);
        putString(key);
        putString(value);
    }

    void selectDb(final int db) {
        put(OP_SELECTDB);
        putLength(db);
    }

    /** One key with its value and expiry, as Redis's rdbSaveKeyValuePair lays it out. */
    void entry(final Db db, final long addr) {
        final int kind = db.kind(addr);
        if (kind != Entry.KIND_STR_BYTES && kind != Entry.KIND_STR_INT) {
            throw new UnsupportedOperationException(
                    "this build's snapshot writer encodes strings only (value kind " + kind + ")");
        }
        if (db.hasExpire(addr)) {
            put(OP_EXPIRETIME_MS);
            putLongLE(db.expireAt(addr));
        }
        put(TYPE_STRING);
        final byte[] page = db.page(addr);
        putString(page, db.keyOffset(addr), db.keyLength(addr));
        if (kind == Entry.KIND_STR_INT) {
            putString(Long.toString(db.intValue(addr)));
        } else {
            putString(page, db.valueOffset(addr), db.valueLength(addr));
        }
    }
}
