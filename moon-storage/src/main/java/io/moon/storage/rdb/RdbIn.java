package io.moon.storage.rdb;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The RDB primitive decodings over a stream, counting the offset (for error messages) and the
 * CRC-64 of everything read. Every allocation is bounded by the input left ({@code limit} bytes
 * in all), so a corrupt length can never ask for more memory than the input could fill.
 */
public final class RdbIn {
    private final InputStream in;
    private final long limit;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int end;
    private long consumed;
    private long crc;

    /** Reads at most {@code limit} bytes of {@code in} (its size, when known). */
    public RdbIn(final InputStream in, final long limit) {
        this.in = in;
        this.limit = limit;
    }

    public static RdbIn of(final byte[] b, final int off, final int len) {
        return new RdbIn(new java.io.ByteArrayInputStream(b, off, len), len);
    }

    /** Offset of the next byte to read. */
    public long offset() {
        return consumed - (end - pos);
    }

    /** CRC-64 of every byte read so far. */
    public long crc() {
        return Crc64.update(crc, buf, 0, pos);
    }

    long remaining() {
        return limit - offset();
    }

    private void fill() {
        crc = Crc64.update(crc, buf, 0, pos);
        pos = 0;
        end = 0;
        try {
            final int n = in.read(buf, 0, (int) Math.min(buf.length, Math.max(0, limit - consumed)));
            if (n > 0) {
                end = n;
                consumed += n;
            }
        } catch (final EOFException e) {
            end = 0;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        if (end == 0) {
            throw new RdbException("unexpected end of input", offset());
        }
    }

    public int readByte() {
        if (pos == end) {
            fill();
        }
        return buf[pos++] & 0xff;
    }

    public void readFully(final byte[] dst, int off, int n) {
        while (n > 0) {
            if (pos == end) {
                fill();
            }
            final int c = Math.min(n, end - pos);
            System.arraycopy(buf, pos, dst, off, c);
            pos += c;
            off += c;
            n -= c;
        }
    }

    public long readLongLE() {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (long) readByte() << 8 * i;
        }
        return v;
    }

    public int readIntLE() {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= readByte() << 8 * i;
        }
        return v;
    }

    /** A byte array of n bytes, refused when n exceeds what the input still holds. */
    byte[] alloc(final long n, final long at) {
        if (n < 0 || n > remaining() && n > 0 || n > Integer.MAX_VALUE - 16) {
            throw new RdbException("length " + n + " exceeds the input left", at);
        }
        return new byte[(int) n];
    }

    /** A count of elements, each at least one byte long: refused when the input cannot hold them. */
    long count(final long n, final long at) {
        if (n < 0 || n > remaining()) {
            throw new RdbException("count " + n + " exceeds the input left", at);
        }
        return n;
    }

    private long lenOrEncoding(final boolean[] encoded) {
        final int first = readByte();
        final int kind = first >>> 6;
        switch (kind) {
            case 0:
                return first & 0x3f;
            case 1:
                return (first & 0x3f) << 8 | readByte();
            case 2:
                if (first == 0x80) {
                    long v = 0;
                    for (int i = 0; i < 4; i++) {
                        v = v << 8 | readByte();
                    }
                    return v;
                }
                if (first == 0x81) {
                    long v = 0;
                    for (int i = 0; i < 8; i++) {
                        v = v << 8 | readByte();
                    }
                    return v;
                }
                throw new RdbException("unknown length encoding 0x" + Integer.toHexString(first), offset() - 1);
            default:
                if (encoded == null) {
                    throw new RdbException("encoded value where a length was expected", offset() - 1);
                }
                encoded[0] = true;
                return first & 0x3f;
        }
    }

    /** rdbLoadLen. */
    public long readLength() {
        return lenOrEncoding(null);
    }

    /** A length that must fit an int and the input left. */
    int readCount() {
        final long at = offset();
        return (int) count(readLength(), at);
    }

    /** rdbGenericLoadStringObject: a raw, integer-encoded or LZF string, as bytes. */
    public byte[] readString() {
        final long at = offset();
        final boolean[] enc = new boolean[1];
        final long n = lenOrEncoding(enc);
        if (!enc[0]) {
            final byte[] b = alloc(n, at);
            readFully(b, 0, b.length);
            return b;
        }
        return switch ((int) n) {
            case Rdb.ENC_INT8 -> ascii((byte) readByte());
            case Rdb.ENC_INT16 -> ascii((short) (readByte() | readByte() << 8));
            case Rdb.ENC_INT32 -> ascii(readIntLE());
            case Rdb.ENC_LZF -> {
                final long clen = readLength();
                final long ulen = readLength();
                final byte[] c = alloc(clen, at);
                readFully(c, 0, c.length);
                // LZF expands at most ~ 264/2 times per 2 input bytes; refuse claims beyond that
                if (ulen > clen * 132L + 32) {
                    throw new RdbException("LZF length " + ulen + " impossible for " + clen + " compressed bytes", at);
                }
                if (ulen == 0 || ulen > Integer.MAX_VALUE - 16) {
                    throw new RdbException("bad LZF length " + ulen, at);
                }
                final byte[] out = new byte[(int) ulen];
                Lzf.decompress(c, 0, c.length, out, at);
                yield out;
            }
            default -> throw new RdbException("unknown string encoding " + n, at);
        };
    }

    private static byte[] ascii(final long v) {
        return Long.toString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Binary double (ZSET_2). */
    public double readBinaryDouble() {
        return Double.longBitsToDouble(readLongLE());
    }

    /** The old ZSET's double: a length byte then that many ASCII chars (253 nan, 254 +inf, 255 -inf). */
    double readAsciiDouble() {
        final long at = offset();
        final int n = readByte();
        return switch (n) {
            case 253 -> Double.NaN;
            case 254 -> Double.POSITIVE_INFINITY;
            case 255 -> Double.NEGATIVE_INFINITY;
            default -> {
                final byte[] b = new byte[n];
                readFully(b, 0, n);
                try {
                    yield Double.parseDouble(new String(b, java.nio.charset.StandardCharsets.US_ASCII));
                } catch (final NumberFormatException e) {
                    throw new RdbException("bad double", at);
                }
            }
        };
    }
}
