package io.moon.storage.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Reads a shard log from its start and says where its valid prefix ends.
 *
 * <p>The reader never trusts a length before checking it against the bytes that are really in
 * the file, so a corrupt length costs at most one allocation of the file's remaining size, never
 * more; and it never hands out a record before its CRC32C and its structure are checked, so
 * garbage is never replayed. What went wrong decides the {@link Outcome}: a record cut short by
 * the end of the file, or a bad record that is the last one, is a torn tail (a crash mid-write);
 * a bad record followed by more bytes is corruption.
 */
public final class WalReader {

    /** How a scan ended. */
    public enum Outcome {
        /** Every byte belongs to a valid record. */
        CLEAN,
        /** The last record is incomplete or fails its CRC: the crash-mid-write case. */
        TORN_TAIL,
        /** A bad record with more bytes after it: the file is damaged, not just torn. */
        CORRUPT
    }

    /**
     * @param outcome  how the scan ended
     * @param records  valid records read
     * @param lastSeq  sequence number of the last valid record, or {@code firstSeq - 1} when none
     * @param validEnd offset just past the last valid record: where a repair truncates
     * @param size     the file's size
     * @param problem  what was wrong at {@code validEnd}, null when clean
     */
    public record Scan(Outcome outcome, long records, long lastSeq, long validEnd, long size, String problem) {
        public String describe(final Object file) {
            return switch (outcome) {
                case CLEAN -> records == 0 ? file + ": empty (0 records, " + size + " bytes), ok"
                    : file + ": " + records + " records, last seq " + lastSeq + ", " + size + " bytes, ok";
                case TORN_TAIL -> file + ": truncated tail at offset " + validEnd + " of " + size + " (" + problem
                    + "), " + records + " valid records before it";
                case CORRUPT -> file + ": corrupt record at offset " + validEnd + " of " + size + " (" + problem
                    + "), " + records + " valid records before it";
            };
        }
    }

    private WalReader() {
    }

    /** Scans a file; see {@link #scan(FileChannel, long, Consumer)}. */
    public static Scan scan(final Path file, final long firstSeq, final Consumer<WalRecord> sink) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return scan(ch, firstSeq, sink);
        }
    }

    /**
     * Reads records from offset 0, giving each valid one to {@code sink}, and stops at the first
     * bad one. {@code firstSeq} is the sequence the first record must carry (the one after the
     * base snapshot's cut), or -1 to accept any start; after it, sequences must be consecutive.
     */
    public static Scan scan(final FileChannel ch, final long firstSeq, final Consumer<WalRecord> sink)
        throws IOException {
        final long size = ch.size();
        final ByteBuffer header = ByteBuffer.allocate(WalRecord.HEADER).order(ByteOrder.LITTLE_ENDIAN);
        long pos = 0;
        long records = 0;
        long expected = firstSeq;
        long last = firstSeq - 1;
        while (pos < size) {
            if (size - pos < WalRecord.HEADER) {
                return new Scan(Outcome.TORN_TAIL, records, last, pos, size, "incomplete header");
            }
            header.clear();
            readFully(ch, header, pos);
            final int word = header.getInt(0);
            final boolean compact = (word & WalRecord.COMPACT) != 0;
            final long len = word & ~WalRecord.COMPACT;
            final long seq = header.getLong(4);
            final int crc = header.getInt(12);
            final long end = pos + WalRecord.HEADER + len;
            if (len > WalRecord.MAX_PAYLOAD || end > size) {
                return new Scan(Outcome.TORN_TAIL, records, last, pos, size,
                    "record of " + len + " bytes runs past the end of the file");
            }
            final ByteBuffer rec = ByteBuffer.allocate((int) (WalRecord.HEADER + len)).order(ByteOrder.LITTLE_ENDIAN);
            rec.put(header.flip());
            readFully(ch, rec, pos + WalRecord.HEADER);
            final Outcome bad = end == size ? Outcome.TORN_TAIL : Outcome.CORRUPT;
            if (WalRecord.crc(rec, 0, (int) len) != crc) {
                return new Scan(bad, records, last, pos, size, "CRC32C mismatch");
            }
            if (expected >= 0 && seq != expected) {
                return new Scan(Outcome.CORRUPT, records, last, pos, size,
                    "sequence " + seq + " where " + expected + " was expected");
            }
            final WalRecord r;
            try {
                r = WalRecord.decodePayload(seq, rec.position(WalRecord.HEADER), compact);
            } catch (final WalFormatException e) {
                return new Scan(Outcome.CORRUPT, records, last, pos, size, e.getMessage());
            }
            sink.accept(r);
            records++;
            last = seq;
            expected = seq + 1;
            pos = end;
        }
        return new Scan(Outcome.CLEAN, records, last, pos, size, null);
    }

    private static void readFully(final FileChannel ch, final ByteBuffer b, final long at) throws IOException {
        long p = at;
        while (b.hasRemaining()) {
            final int n = ch.read(b, p);
            if (n < 0) {
                throw new IOException("file shrank while it was read");
            }
            p += n;
        }
    }
}
