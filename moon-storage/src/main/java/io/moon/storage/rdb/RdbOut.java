package io.moon.storage.rdb;

import java.util.Arrays;

/**
 * A growable byte buffer with the RDB primitive encodings: lengths, strings (integer-encoded or
 * LZF-compressed as Redis would write them), binary doubles. Values are encoded here, then
 * copied to a file or into a DUMP payload.
 */
public final class RdbOut {
    /** Redis compresses strings longer than this (rdbSaveRawString). */
    private static final int COMPRESS_MIN = 20;

    private final boolean compress;
    private byte[] buf = new byte[256];
    private int len;
    private byte[] scratch;

    public RdbOut(final boolean compress) {
        this.compress = compress;
    }

    public byte[] array() {
        return buf;
    }

    public int length() {
        return len;
    }

    public void reset() {
        len = 0;
    }

    public byte[] toBytes() {
        return Arrays.copyOf(buf, len);
    }

    private void ensure(final long more) {
        final long need = len + more;
        if (need > buf.length) {
            if (need > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("value too large to encode: " + need + " bytes");
            }
            buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, buf.length * 2L)));
        }
    }

    public void writeByte(final int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    public void write(final byte[] b, final int off, final int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    public void writeLongLE(final long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[len++] = (byte) (v >>> 8 * i);
        }
    }

    public void writeIntLE(final int v) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[len++] = (byte) (v >>> 8 * i);
        }
    }

    /** rdbSaveLen: 6, 14, 32 or 64 bits. */
    public void writeLength(final long n) {
        // unsigned: a stream ID or counter may use all 64 bits (uint64 in Redis)
        if (n >= 0 && n < 1 << 6) {
            writeByte((int) n);
        } else if (n >= 0 && n < 1 << 14) {
            writeByte((int) (n >>> 8) | 0x40);
            writeByte((int) n);
        } else if (n >= 0 && n <= 0xFFFFFFFFL) {
            writeByte(0x80);
            for (int i = 3; i >= 0; i--) {
                writeByte((int) (n >>> 8 * i));
            }
        } else {
            writeByte(0x81);
            for (int i = 7; i >= 0; i--) {
                writeByte((int) (n >>> 8 * i));
            }
        }
    }

    /** Binary double, little-endian (RDB_TYPE_ZSET_2). */
    public void writeDouble(final double d) {
        writeLongLE(Double.doubleToRawLongBits(d));
    }

    /** A long as Redis saves an integer-encoded string: special encoding when it fits 32 bits, else its digits. */
    public void writeLongString(final long v) {
        if (!writeIntEncoded(v)) {
            final byte[] d = Long.toString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            writeLength(d.length);
            write(d, 0, d.length);
        }
    }

    private boolean writeIntEncoded(final long v) {
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            writeByte(0xC0 | Rdb.ENC_INT8);
            writeByte((int) v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            writeByte(0xC0 | Rdb.ENC_INT16);
            writeByte((int) v);
            writeByte((int) (v >>> 8));
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            writeByte(0xC0 | Rdb.ENC_INT32);
            writeIntLE((int) v);
        } else {
            return false;
        }
        return true;
    }

    /**
     * rdbSaveRawString: strings of up to 11 bytes that are canonical 32-bit integers as integers,
     * longer than 20 bytes LZF-compressed when compression is on and saves at least 4 bytes,
     * else length-prefixed as they are.
     */
    public void writeString(final byte[] s, final int off, final int n) {
        if (n <= 11 && n > 0) {
            final long v = RdbNumbers.canonicalLong(s, off, n);
            if (v != RdbNumbers.NOT_CANONICAL && writeIntEncoded(v)) {
                return;
            }
        }
        if (compress && n > COMPRESS_MIN) {
            final int max = n - 4;
            if (scratch == null || scratch.length < max) {
                scratch = new byte[Math.max(max, 64)];
            }
            final byte[] in = off == 0 ? s : Arrays.copyOfRange(s, off, off + n);
            final int c = Lzf.compress(in, n, scratch, max);
            if (c > 0) {
                writeByte(0xC0 | Rdb.ENC_LZF);
                writeLength(c);
                writeLength(n);
                write(scratch, 0, c);
                return;
            }
        }
        writeLength(n);
        write(s, off, n);
    }

    public void writeString(final byte[] s) {
        writeString(s, 0, s.length);
    }
}
