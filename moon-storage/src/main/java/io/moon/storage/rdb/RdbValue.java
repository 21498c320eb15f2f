package io.moon.storage.rdb;

import io.moon.storage.Db;

/**
 * DUMP payloads (Redis's createDumpPayload / verifyDumpPayload): the value as RDB encodes it
 * (type byte and value), the 2-byte RDB version, then the CRC-64 of all that, both little-endian.
 * Moon writes version 10, so Redis 7.0 restores them, except for a hash with field TTLs, whose
 * payload needs Redis 7.4's types and says version 12 (Redis 7.0 refuses it with its "payload
 * version or checksum are wrong" error rather than losing the TTLs). Accepts versions up to 12.
 */
public final class RdbValue {
    private RdbValue() {
    }

    /** Type byte and value of the entry at addr, as an RDB file would hold it after the key. */
    public static byte[] encode(final Db db, final long addr, final boolean compress) {
        final RdbOut out = new RdbOut(compress);
        RdbValueWriter.write(out, db, addr);
        return out.toBytes();
    }

    /** The DUMP payload of the entry at addr (compressed, as Redis always dumps). */
    public static byte[] dump(final Db db, final long addr) {
        final RdbOut out = new RdbOut(true);
        RdbValueWriter.write(out, db, addr);
        out.writeByte(RdbValueWriter.needsFieldTtlTypes(db, addr) ? Rdb.VERSION_FIELD_TTLS : Rdb.VERSION);
        out.writeByte(0);
        out.writeLongLE(Crc64.update(0, out.array(), 0, out.length()));
        return out.toBytes();
    }

    /** True when the payload's footer names a version Moon reads and its checksum matches. */
    public static boolean verify(final byte[] p) {
        if (p.length < 10) {
            return false;
        }
        final int footer = p.length - 10;
        final int version = (p[footer] & 0xff) | (p[footer + 1] & 0xff) << 8;
        if (version > Rdb.MAX_VERSION) {
            return false;
        }
        long crc = 0;
        for (int i = 7; i >= 0; i--) {
            crc = crc << 8 | (p[footer + 2 + i] & 0xff);
        }
        return crc == Crc64.update(0, p, 0, footer + 2);
    }

    /** Decodes a verified payload's value; {@link RdbException} when it is malformed. */
    public static RdbObject parse(final byte[] p) {
        final RdbIn in = RdbIn.of(p, 0, p.length - 10);
        final int type = in.readByte();
        if (!Rdb.isDataType(type)) {
            throw new RdbException("cannot restore " + RdbValueReader.typeName(type), 0);
        }
        return RdbValueReader.read(in, type);
    }
}
