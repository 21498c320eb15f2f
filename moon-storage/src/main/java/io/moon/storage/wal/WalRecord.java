package io.moon.storage.wal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One replayable record of a shard's write-ahead log, and its byte layout.
 *
 * <pre>
 * record  = word:u32  seq:u64  crc:u32  payload[length]
 * word    = compact:1 bit (the top one)  length:31 bits
 * payload = opId parts db argc (argLen arg[argLen])*
 * </pre>
 *
 * The header's integers are little-endian. In a compact record (the top bit of the first word
 * set; what Moon writes) the payload's numbers are unsigned LEB128 varints, so a SET of a short
 * key and value takes 45 bytes, as in Redis's RESP log. A record without the bit (what earlier
 * builds wrote) has fixed-width fields: opId:u64 parts:u16 db:u16 argc:u32 and argLen:u32; readers
 * accept both, so older logs still replay. The CRC32C covers the first word, the sequence number
 * and the payload, so a flipped length, flag or sequence byte is caught as surely as a flipped
 * value byte. {@code opId == 0} marks a single-shard write; otherwise the record is part of a
 * cross-shard atomic operation split into {@code parts} records, one per shard log (see
 * {@link ConsistentCut}). The command is stored as Redis propagates it: already deterministic.
 *
 * @param seq  per-shard sequence number, consecutive within a log
 * @param opId cross-shard operation id, 0 when the record stands alone
 * @param parts number of shard logs that hold a part of {@code opId} (1 when it stands alone)
 * @param db   logical database the command runs in
 * @param args the command and its arguments
 * @param legacy whether the record is (or is to be) encoded in the fixed-width layout
 */
public record WalRecord(long seq, long opId, int parts, int db, List<byte[]> args, boolean legacy) {

    /** Bytes before the payload: length word, sequence, CRC. */
    public static final int HEADER = 4 + 8 + 4;
    /** The first word's top bit: the payload is in the compact (varint) layout. */
    static final int COMPACT = 0x80000000;
    /** Fixed part of a legacy payload: opId, parts, db, argc. */
    static final int PAYLOAD_FIXED = 8 + 2 + 2 + 4;
    /** Most bytes the numbers before a compact payload's arguments take: opId, parts, db, argc. */
    static final int COMPACT_FIXED_MAX = 10 + 3 + 3 + 5;
    /**
     * Largest payload a reader accepts: a bound that keeps a corrupt length from asking for an
     * absurd allocation (Redis's proto-max-bulk-len default is 512 MB; a record may hold a few).
     */
    public static final int MAX_PAYLOAD = Integer.MAX_VALUE - 64;

    public WalRecord {
        if (parts < 1 || parts > 0xFFFF) {
            throw new IllegalArgumentException("parts out of range: " + parts);
        }
        if (db < 0 || db > 0xFFFF) {
            throw new IllegalArgumentException("db out of range: " + db);
        }
        if (opId == 0 && parts != 1) {
            throw new IllegalArgumentException("a standalone record has one part");
        }
        args = List.copyOf(args);
    }

    /** A record in the compact layout, the one Moon writes. */
    public WalRecord(final long seq, final long opId, final int parts, final int db, final List<byte[]> args) {
        this(seq, opId, parts, db, args, false);
    }

    /** Compact payload size of a command with these arguments. */
    static long payloadSize(final long opId, final int parts, final int db, final List<byte[]> args) {
        long n = varintSize(opId) + varintSize(parts) + varintSize(db) + varintSize(args.size());
        for (final byte[] a : args) {
            n += varintSize(a.length) + a.length;
        }
        return n;
    }

    /** Legacy (fixed-width) payload size of a command with these arguments. */
    static long legacyPayloadSize(final List<byte[]> args) {
        long n = PAYLOAD_FIXED;
        for (final byte[] a : args) {
            n += 4L + a.length;
        }
        return n;
    }

    private long payloadSize() {
        return legacy ? legacyPayloadSize(args) : payloadSize(opId, parts, db, args);
    }

    /** Whole encoded size, header included, in this record's layout. */
    public long encodedSize() {
        return HEADER + payloadSize();
    }

    /** Bytes of {@code v} as an unsigned LEB128 varint. */
    static int varintSize(long v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    static void putVarint(final ByteBuffer b, long v) {
        while ((v & ~0x7FL) != 0) {
            b.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.put((byte) v);
    }

    /** Reads a varint of at most {@code maxBytes} bytes; malformed or truncated ones are format errors. */
    static long getVarint(final ByteBuffer b, final int maxBytes, final String what) {
        long v = 0;
        for (int i = 0; i < maxBytes; i++) {
            if (!b.hasRemaining()) {
                throw new WalFormatException(what + " is cut short");
            }
            final int x = b.get() & 0xFF;
            v |= (long) (x & 0x7F) << (7 * i);
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        throw new WalFormatException(what + " is not a varint of at most " + maxBytes + " bytes");
    }

    /** Encodes this record into a fresh little-endian buffer (cold paths and tests). */
    public byte[] encode() {
        final long size = encodedSize();
        if (size - HEADER > MAX_PAYLOAD) {
            throw new IllegalArgumentException("record too large: " + size);
        }
        final ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        if (legacy) {
            encodeLegacyInto(b, seq, opId, parts, db, args);
        } else {
            encodeInto(b, seq, opId, parts, db, args);
        }
        return b.array();
    }

    /**
     * Writes one record at {@code b}'s position; {@code b} must be little-endian with room for
     * {@link #HEADER} plus {@link #payloadSize} bytes.
     */
    static void encodeInto(final ByteBuffer b, final long seq, final long opId, final int parts, final int db,
                           final List<byte[]> args) {
        final int start = b.position();
        final int payload = (int) payloadSize(opId, parts, db, args);
        b.putInt(payload | COMPACT).putLong(seq).putInt(0);
        putVarint(b, opId);
        putVarint(b, parts);
        putVarint(b, db);
        putVarint(b, args.size());
        for (final byte[] a : args) {
            putVarint(b, a.length);
            b.put(a);
        }
        b.putInt(start + 12, crc(b, start, payload));
    }

    /** The fixed-width layout older Moon versions wrote (kept so tests can prove those logs still replay). */
    static void encodeLegacyInto(final ByteBuffer b, final long seq, final long opId, final int parts, final int db,
                                 final List<byte[]> args) {
        final int start = b.position();
        final int payload = (int) legacyPayloadSize(args);
        b.putInt(payload).putLong(seq).putInt(0);
        b.putLong(opId).putShort((short) parts).putShort((short) db).putInt(args.size());
        for (final byte[] a : args) {
            b.putInt(a.length).put(a);
        }
        b.putInt(start + 12, crc(b, start, payload));
    }

    /** CRC32C over length+seq (12 bytes at {@code start}) and the payload after the header. */
    static int crc(final ByteBuffer b, final int start, final int payload) {
        final CRC32C c = new CRC32C();
        c.update(b.duplicate().position(start).limit(start + 12));
        c.update(b.duplicate().position(start + HEADER).limit(start + HEADER + payload));
        return (int) c.getValue();
    }

    /**
     * Decodes a payload already checked by its CRC; structural errors (argument lengths that do
     * not add up) are still reported, because a CRC only proves the writer wrote these bytes.
     */
    static WalRecord decodePayload(final long seq, final ByteBuffer p, final boolean compact) {
        if (compact) {
            return decodeCompact(seq, p);
        }
        if (p.remaining() < PAYLOAD_FIXED) {
            throw new WalFormatException("payload shorter than its fixed part");
        }
        final long opId = p.getLong();
        final int parts = Short.toUnsignedInt(p.getShort());
        final int db = Short.toUnsignedInt(p.getShort());
        final long argc = Integer.toUnsignedLong(p.getInt());
        if (argc > p.remaining() / 4) {
            throw new WalFormatException("argument count " + argc + " exceeds the payload");
        }
        if (parts < 1 || (opId == 0 && parts != 1)) {
            throw new WalFormatException("bad part count " + parts);
        }
        final List<byte[]> args = new ArrayList<>((int) argc);
        for (long i = 0; i < argc; i++) {
            if (p.remaining() < 4) {
                throw new WalFormatException("argument " + i + " has no length");
            }
            final long len = Integer.toUnsignedLong(p.getInt());
            if (len > p.remaining()) {
                throw new WalFormatException("argument " + i + " longer than the payload");
            }
            final byte[] a = new byte[(int) len];
            p.get(a);
            args.add(a);
        }
        if (p.hasRemaining()) {
            throw new WalFormatException(p.remaining() + " stray bytes after the arguments");
        }
        return new WalRecord(seq, opId, parts, db, args, true);
    }

    private static WalRecord decodeCompact(final long seq, final ByteBuffer p) {
        final long opId = getVarint(p, 10, "the operation id");
        final long parts = getVarint(p, 3, "the part count");
        final long db = getVarint(p, 3, "the database");
        final long argc = getVarint(p, 5, "the argument count");
        if (parts < 1 || parts > 0xFFFF || (opId == 0 && parts != 1)) {
            throw new WalFormatException("bad part count " + parts);
        }
        if (db > 0xFFFF) {
            throw new WalFormatException("database " + db + " out of range");
        }
        if (argc > p.remaining()) { // every argument takes at least its length byte
            throw new WalFormatException("argument count " + argc + " exceeds the payload");
        }
        final List<byte[]> args = new ArrayList<>((int) argc);
        for (long i = 0; i < argc; i++) {
            final long len = getVarint(p, 5, "the length of argument " + i);
            if (len > p.remaining()) {
                throw new WalFormatException("argument " + i + " longer than the payload");
            }
            final byte[] a = new byte[(int) len];
            p.get(a);
            args.add(a);
        }
        if (p.hasRemaining()) {
            throw new WalFormatException(p.remaining() + " stray bytes after the arguments");
        }
        return new WalRecord(seq, opId, (int) parts, (int) db, args, false);
    }
}
