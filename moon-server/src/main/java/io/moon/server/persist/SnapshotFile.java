package io.moon.server.persist;

import io.moon.storage.rdb.RdbWriter;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One snapshot file being written: a writer thread takes the chunks the shards encode (each a
 * SELECTDB and entries, see {@link ShardSnapshot}) from a queue bounded in bytes and writes them
 * after the header and aux fields, then EOF and the CRC-64, to {@code temp-<pid>.rdb} next to
 * the target; fsyncs it, renames it over the target and fsyncs the directory. A failed save removes
 * its temp file and never touches the previous snapshot.
 *
 * <p>The header's RDB version waits for every shard's cut ({@link #declare}): 12 when some shard
 * holds a hash with field TTLs at its cut (only Redis 7.4's types carry them), else 10, so a
 * file without field TTLs stays one Redis 7.0 loads.
 *
 * <p>Thread contract: {@link #offer}, {@link #declare} and {@link #shardDone} are called from
 * shard threads, the rest of the work runs on the writer thread; the queue and the declarations
 * are guarded by this object's monitor.
 */
final class SnapshotFile {
    private static final Logger LOG = Logger.getLogger(SnapshotFile.class.getName());
    /** Bytes queued for the writer beyond which incremental serialization pauses. */
    static final long QUEUE_BYTES = 8L << 20;
    /** Size of the reused chunk buffers (a chunk is handed over at about 256 KB). */
    private static final int POOLED_BYTES = 512 << 10;
    /** Buffers kept for reuse: enough for a full queue, so a steady save allocates nothing. */
    private static final int POOL_MAX = (int) (QUEUE_BYTES / POOLED_BYTES) + 4;
    private static final Chunk END = new Chunk(new byte[0], 0);

    /** {@code len} bytes of {@code buf}. */
    private record Chunk(byte[] buf, int len) {
    }

    private final Path target;
    private final Path tmp;
    private final boolean checksum;
    private final long usedMem;
    private final int producers;
    private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
    private final ArrayDeque<byte[]> pool = new ArrayDeque<>();
    private long queuedBytes;
    /** Producers that said at their cut whether they hold field TTLs; guarded by this. */
    private int declared;
    private boolean fieldTtls;
    /** The function libraries' code (FUNCTION2 records); guarded by this until the header is written. */
    private java.util.List<byte[]> functions = java.util.List.of();
    private long peakQueuedBytes;
    private volatile String failure;
    private volatile boolean aborted;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    /** Run (on the writer thread) each time the queue drains below its bound: shards resume. */
    private volatile Runnable onRoom = () -> { };

    SnapshotFile(final Path target, final boolean checksum, final long usedMem, final int producers) {
        this.target = target;
        final Path dir = target.toAbsolutePath().getParent();
        // one save runs at a time, so the name Redis uses for its foreground save is enough
        this.tmp = dir.resolve("temp-" + ProcessHandle.current().pid() + ".rdb");
        this.checksum = checksum;
        this.usedMem = usedMem;
        this.producers = producers;
    }

    CompletableFuture<Void> done() {
        return done;
    }

    /** True when a shard could not encode its part (rather than the file failing to write). */
    boolean aborted() {
        return aborted;
    }

    /** Why the file could not be written, or null. */
    String failure() {
        return failure;
    }

    void onRoom(final Runnable r) {
        onRoom = r;
    }

    long peakQueuedBytes() {
        synchronized (this) {
            return peakQueuedBytes;
        }
    }

    /** True while the queue has room for more incremental chunks. */
    boolean hasRoom() {
        synchronized (this) {
            return queuedBytes < QUEUE_BYTES;
        }
    }

    /**
     * Queues a chunk (a shard thread). Never blocks: incremental producers check {@link #hasRoom}
     * first; a copy-before-write chunk goes in whatever the queue holds (its size is bounded by
     * the writes made during the save). Dropped once the save failed.
     */
    void offer(final byte[] src, final int off, final int len) {
        if (len == 0 || failure != null) {
            return;
        }
        synchronized (this) {
            byte[] b = len <= POOLED_BYTES ? pool.pollFirst() : null;
            if (b == null) {
                b = new byte[Math.max(len, POOLED_BYTES)];
            }
            System.arraycopy(src, off, b, 0, len);
            queue.addLast(new Chunk(b, len));
            queuedBytes += len;
            peakQueuedBytes = Math.max(peakQueuedBytes, queuedBytes);
            notifyAll();
        }
    }

    /** Makes the save fail with this reason (a shard could not encode its part). */
    void abort(final String why) {
        aborted = true;
        if (failure == null) {
            failure = why;
        }
        synchronized (this) {
            notifyAll(); // a writer waiting for the cuts' declarations goes on to fail
        }
    }

    /**
     * One producer's cut (its shard thread): whether the data it will send holds a hash with
     * field TTLs. The header is written once every producer said so.
     */
    void declare(final boolean holdsFieldTtls) {
        declare(holdsFieldTtls, null);
    }

    /**
     * As {@link #declare(boolean)}, from the producer that also carries the server's function
     * libraries as they were at its cut (shard 0, whose thread serializes every change to them):
     * they are written right after the aux fields.
     */
    void declare(final boolean holdsFieldTtls, final java.util.List<byte[]> functionCodes) {
        synchronized (this) {
            if (functionCodes != null) {
                functions = functionCodes;
            }
            declared++;
            fieldTtls |= holdsFieldTtls;
            notifyAll();
        }
    }

    /** Waits for every producer's {@link #declare} (or a failure); true when one holds field TTLs. */
    private boolean awaitDeclarations() throws InterruptedException {
        synchronized (this) {
            while (declared < producers && failure == null) {
                wait();
            }
            return fieldTtls;
        }
    }

    /** Set (under this object's monitor) once the file is complete and about to be renamed into place. */
    private boolean committing;

    /**
     * Shutdown: the save fails and its temp file is removed now, unless the file is complete and
     * being renamed into place. The writer thread, if it goes on, finds the failure and writes
     * nothing more.
     */
    void cancel(final String why) {
        synchronized (this) {
            if (committing) {
                return;
            }
            if (failure == null) {
                failure = why;
            }
            notifyAll();
        }
        try {
            Files.deleteIfExists(tmp);
        } catch (final IOException e) {
            LOG.warning("Could not remove " + tmp + ": " + IoErrors.describe(e));
        }
    }

    /** One producer (shard) has queued everything it will. */
    void shardDone() {
        synchronized (this) {
            queue.addLast(END);
            notifyAll();
        }
    }

    /** Starts the writer thread. */
    void start() {
        final Thread t = new Thread(this::write, "moon-snapshot-writer");
        t.setDaemon(true);
        t.start();
    }

    /** A written chunk's buffer goes back for reuse. */
    private void recycle(final Chunk c) {
        synchronized (this) {
            if (c.buf.length == POOLED_BYTES && pool.size() < POOL_MAX) {
                pool.addLast(c.buf);
            }
        }
    }

    private Chunk take() throws InterruptedException {
        final Chunk c;
        final boolean room;
        synchronized (this) {
            while (queue.isEmpty()) {
                wait();
            }
            c = queue.pollFirst();
            final boolean wasFull = queuedBytes >= QUEUE_BYTES;
            queuedBytes -= c.len;
            room = wasFull && queuedBytes < QUEUE_BYTES;
        }
        if (room) {
            onRoom.run();
        }
        return c;
    }

    private void write() {
        int ended = 0;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream os = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
                final RdbWriter w = new RdbWriter(os, false, checksum);
                w.header(awaitDeclarations()).standardAux("7.0.15", usedMem, false);
                final java.util.List<byte[]> libs;
                synchronized (this) {
                    libs = functions;
                }
                for (final byte[] code : libs) {
                    w.function(code);
                }
                while (ended < producers) {
                    final Chunk c = take();
                    if (c == END) {
                        ended++;
                    } else {
                        w.raw(c.buf, 0, c.len);
                        recycle(c);
                    }
                }
                if (failure != null) {
                    throw new IOException(failure);
                }
                w.eof();
                os.flush();
                ch.force(true);
            }
            synchronized (this) {
                if (failure != null) {
                    throw new IOException(failure); // cancelled at shutdown while the file was completed
                }
                committing = true;
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            final Path dir = target.toAbsolutePath().getParent();
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
            done.complete(null);
        } catch (final IOException | RuntimeException | InterruptedException e) {
            final String why = IoErrors.describe(e);
            failure = why;
            LOG.log(Level.WARNING, "Failed saving the snapshot to " + target + ": " + why);
            drain(ended);
            try {
                if (Files.isRegularFile(tmp, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(tmp);
                }
            } catch (final IOException ignored) {
                // the temp file is removed at the next startup anyway
            }
            done.completeExceptionally(new IOException(why, e));
        }
    }

    /** After a failure: takes (and drops) what the shards still send until all have ended. */
    private void drain(int ended) {
        synchronized (this) {
            for (final Chunk c : queue) {
                if (c == END) {
                    ended++;
                }
            }
            queuedBytes = 0;
            queue.clear();
        }
        onRoom.run();
        try {
            while (ended < producers) {
                if (take() == END) {
                    ended++;
                }
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
