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
 * record  = length:u32  seq:u64  crc:u32  payload[length]
 * payload = opId:u64  parts:u16  db:u16  argc:u32  (argLen:u32 arg[argLen])*
 * </pre>
 *
 * All integers are little-endian. The CRC32C covers the length, the sequence number and the
 * payload, so a flipped length or sequence byte is caught as surely as a flipped value byte.
 * {@code opId == 0} marks a single-shard write; otherwise the record is part of a cross-shard
 * atomic operation split into {@code parts} records, one per shard log (see
 * {@link ConsistentCut}). The command is stored as Redis propagates it: already deterministic.
 *
 * @param seq  per-shard sequence number, consecutive within a log
 * @param opId cross-shard operation id, 0 when the record stands alone
 * @param parts number of shard logs that hold a part of {@code opId} (1 when it stands alone)
 * @param db   logical database the command runs in
 * @param args the command and its arguments
 */
public record WalRecord(long seq, long opId, int parts, int db, List<byte[]> args) {

    /** Bytes before the payload: length, sequence, CRC. */
    public static final int HEADER = 4 + 8 + 4;
    /** Fixed part of the payload: opId, parts, db, argc. */
    static final int PAYLOAD_FIXED = 8 + 2 + 2 + 4;
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

    /** Payload size of a command with these arguments. */
    static long payloadSize(final List<byte[]> args) {
        long n = PAYLOAD_FIXED;
        for (final byte[] a : args) {
            n += 4L + a.length;
        }
        return n;
    }

    /** Whole encoded size, header included. */
    public long encodedSize() {
        return HEADER + payloadSize(args);
    }

    /** Encodes this record into a fresh little-endian buffer (cold paths and tests). */
    public byte[] encode() {
        final long size = encodedSize();
        if (size - HEADER > MAX_PAYLOAD) {
            throw new IllegalArgumentException("record too large: " + size);
        }
        final ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        encodeInto(b, seq, opId, parts, db, args);
        return b.array();
    }

    /**
     * Writes one record at {@code b}'s position; {@code b} must be little-endian with room for
     * {@link #HEADER} plus {@link #payloadSize} bytes.
     */
    static void encodeInto(final ByteBuffer b, final long seq, final long opId, final int parts, final int db,
                           final List<byte[]> args) {
        final int start = b.position();
        final int payload = (int) payloadSize(args);
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
    static WalRecord decodePayload(final long seq, final ByteBuffer p) {
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
        return new WalRecord(seq, opId, parts, db, args);
    }
}
