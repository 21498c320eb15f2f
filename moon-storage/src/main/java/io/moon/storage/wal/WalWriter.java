package io.moon.storage.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Appends one shard's records to its log segment. Owned by the shard's thread: no lock, no
 * shared writer, and the shard decides when an event-loop iteration ends.
 *
 * <p>{@link #append} only stages bytes in memory. {@link #endOfIteration} writes what the
 * iteration staged in one call and, with {@link FsyncPolicy#ALWAYS}, forces it to disk once
 * (group commit): the caller releases the iteration's replies only when it returns true.
 * {@link #cron} runs the once-a-second fsync of {@link FsyncPolicy#EVERYSEC} and retries after a
 * failure. A failed write is undone by truncating the file back to the last complete write, and
 * the staged records stay staged, so a retry writes whole records or nothing: the log never keeps
 * half a record that a later record would follow.
 */
public final class WalWriter implements AutoCloseable {
    private final FileChannel ch;
    private final Path file;
    private FsyncPolicy policy;
    private ByteBuffer staged = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    private long nextSeq;
    private long written;
    private long synced;
    private long lastFsyncMillis;
    private String lastError;
    private long delayedFsyncs;

    /**
     * Test seam: when set, asked before every write and fsync with "write" or "fsync"; an
     * exception it returns is thrown as if the file system had failed (disk full, EIO).
     */
    public static volatile java.util.function.Function<String, IOException> faults;

    private static void fault(final String op) throws IOException {
        final java.util.function.Function<String, IOException> f = faults;
        if (f != null) {
            final IOException e = f.apply(op);
            if (e != null) {
                throw e;
            }
        }
    }

    /**
     * Opens {@code file} for appending after its valid prefix; {@code validEnd} comes from a
     * {@link WalReader} scan (anything after it is cut off) and {@code nextSeq} is the sequence
     * number the next record gets.
     */
    public WalWriter(final Path file, final long validEnd, final long nextSeq, final FsyncPolicy policy)
        throws IOException {
        this.file = file;
        this.ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (ch.size() > validEnd) {
            ch.truncate(validEnd);
        }
        this.written = validEnd;
        this.synced = validEnd;
        this.syncedOwner = validEnd;
        this.nextSeq = nextSeq;
        this.policy = policy;
    }

    public void policy(final FsyncPolicy p) {
        policy = p;
    }

    public Path file() {
        return file;
    }

    /** Stages one record and returns its sequence number. */
    public long append(final long opId, final int parts, final int db, final List<byte[]> args) {
        final long size = WalRecord.HEADER + WalRecord.payloadSize(opId, parts, db, args);
        if (size - WalRecord.HEADER > WalRecord.MAX_PAYLOAD) {
            throw new IllegalArgumentException("record too large: " + size);
        }
        reserve(size);
        final long seq = nextSeq++;
        WalRecord.encodeInto(staged, seq, opId, parts, db, args);
        return seq;
    }

    private void reserve(final long size) {
        if (staged.remaining() >= size) {
            return;
        }
        final long need = staged.position() + size;
        final int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, 2L * staged.capacity()));
        if (cap < need) {
            throw new IllegalArgumentException("staged records too large");
        }
        final ByteBuffer bigger = ByteBuffer.allocate(cap).order(ByteOrder.LITTLE_ENDIAN);
        bigger.put(staged.flip());
        staged = bigger;
    }

    // ---- streaming a record without building an argument list (the server's hot path) ----------

    private final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    private int recordStart = -1;
    private int recordArgc;
    private int recordArgs;

    /**
     * Starts staging one record of {@code argc} arguments; follow with exactly {@code argc}
     * {@link #arg} calls and one {@link #end}. Allocates nothing once the staging buffer has grown
     * to the iteration's size. Returns the record's sequence number.
     */
    public long begin(final long opId, final int parts, final int db, final int argc) {
        if (recordStart >= 0) {
            throw new IllegalStateException("a record is already open");
        }
        reserve(WalRecord.HEADER + WalRecord.COMPACT_FIXED_MAX);
        recordStart = staged.position();
        recordArgc = argc;
        recordArgs = 0;
        staged.putInt(0).putLong(nextSeq).putInt(0);
        WalRecord.putVarint(staged, opId);
        WalRecord.putVarint(staged, parts);
        WalRecord.putVarint(staged, db);
        WalRecord.putVarint(staged, argc);
        return nextSeq++;
    }

    /** One argument of the open record. */
    public void arg(final byte[] b, final int off, final int len) {
        reserve(5L + len);
        WalRecord.putVarint(staged, len);
        staged.put(b, off, len);
        recordArgs++;
    }

    /** Closes the open record: fills in its length and CRC32C. */
    public void end() {
        if (recordArgs != recordArgc) {
            throw new IllegalStateException(recordArgs + " arguments staged where " + recordArgc + " were announced");
        }
        final int start = recordStart;
        recordStart = -1;
        final int payload = staged.position() - start - WalRecord.HEADER;
        staged.putInt(start, payload | WalRecord.COMPACT);
        crc.reset();
        crc.update(staged.array(), start, 12);
        crc.update(staged.array(), start + WalRecord.HEADER, payload);
        staged.putInt(start + 12, (int) crc.getValue());
    }

    /** True when records are staged but not yet written. */
    public boolean pending() {
        return staged.position() > 0;
    }

    /**
     * Writes the staged records (and fsyncs them in always mode). Returns true when they are as
     * durable as the policy promises, false after an I/O error (see {@link #lastError()}): the
     * records stay staged for {@link #cron} to retry and the shard must refuse writes meanwhile.
     */
    public boolean endOfIteration(final long nowMillis) {
        if (!writeStaged()) {
            return false;
        }
        if (policy == FsyncPolicy.ALWAYS && synced < written) {
            try {
                force(nowMillis);
            } catch (final IOException e) {
                lastError = message(e);
                return false;
            }
        }
        lastError = null;
        return true;
    }

    /**
     * Writes the staged records to the OS without forcing them, whatever the policy (the caller
     * fsyncs elsewhere, with {@link #syncWritten}). False after an I/O error: the records stay
     * staged and the partial write is cut off.
     */
    public boolean writeStaged() {
        if (pending()) {
            staged.flip();
            try {
                fault("write");
                while (staged.hasRemaining()) {
                    ch.write(staged, written + staged.position());
                }
            } catch (final IOException | RuntimeException e) {
                undo(e);
                return false;
            }
            written += staged.limit();
            writtenVisible = written;
            staged.clear();
        }
        lastError = null;
        return true;
    }

    public FsyncPolicy policy() {
        return policy;
    }

    /** Puts the staged records back and cuts the partial write off the file. */
    private void undo(final Exception e) {
        lastError = message(e);
        staged.position(staged.limit()).limit(staged.capacity());
        try {
            if (ch.size() > written) {
                ch.truncate(written);
            }
        } catch (final IOException ignored) {
            // the reader stops at the torn record anyway, and the next retry truncates again
        }
    }

    private static String message(final Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private void force(final long nowMillis) throws IOException {
        fault("fsync");
        ch.force(false);
        synced = written;
        syncedOwner = written;
        lastFsyncMillis = nowMillis;
    }

    /**
     * Once-a-second duties from the shard's cron: the everysec fsync, and a retry of staged
     * records after a failed write. Returns true when the log is healthy afterwards.
     */
    public boolean cron(final long nowMillis) {
        if (lastError != null && !endOfIteration(nowMillis)) {
            return false;
        }
        if (policy == FsyncPolicy.EVERYSEC && synced < written && nowMillis - lastFsyncMillis >= 1000) {
            try {
                force(nowMillis);
            } catch (final IOException e) {
                lastError = message(e);
                delayedFsyncs++;
                return false;
            }
        }
        return lastError == null;
    }

    private volatile long writtenVisible;
    private volatile long syncedVisible;
    /** {@link #synced} for other threads (an fsync on the owner's thread); once per fsync. */
    private volatile long syncedOwner;
    private volatile boolean backgroundFailed;

    /**
     * The everysec fsync from a thread other than the owner's: forces what was written so far
     * ({@code FileChannel.force} may run next to the owner's positional writes). Retries after a
     * failure even when nothing new was written; a segment closed meanwhile is not an error.
     */
    public void syncWritten() throws IOException {
        final long target = writtenVisible;
        if (target <= syncedVisible && !backgroundFailed) {
            return;
        }
        try {
            fault("fsync");
            ch.force(false);
            backgroundFailed = false;
            syncedVisible = target;
        } catch (final java.nio.channels.ClosedChannelException e) {
            backgroundFailed = false;
        } catch (final IOException e) {
            backgroundFailed = true;
            delayedFsyncs++;
            throw e;
        }
    }

    /** Writes and fsyncs everything staged: the SHUTDOWN / SIGTERM step. */
    public boolean flushAndSync(final long nowMillis) {
        if (!endOfIteration(nowMillis)) {
            return false;
        }
        try {
            force(nowMillis);
            return true;
        } catch (final IOException e) {
            lastError = message(e);
            return false;
        }
    }

    /** Message of the last failed write or fsync, null when the log is healthy. */
    public String lastError() {
        return lastError;
    }

    /** True after a failed write or fsync, until a retry succeeds. */
    public boolean failing() {
        return lastError != null;
    }

    public long nextSeq() {
        return nextSeq;
    }

    /** Bytes written to the file (aof_current_size's share of this shard). */
    public long size() {
        return written;
    }

    public long syncedSize() {
        return synced;
    }

    /** Owner thread: where the records staged so far will end in the file once written. */
    public long stagedEnd() {
        return written + staged.position();
    }

    /** Any thread: bytes written to the OS by the last completed write of staged records. */
    public long writtenVisible() {
        return writtenVisible;
    }

    /** Any thread: bytes known to be on disk (forced by the owner or by a background fsync). */
    public long fsyncedVisible() {
        return Math.max(syncedOwner, syncedVisible);
    }

    public long delayedFsyncs() {
        return delayedFsyncs;
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
