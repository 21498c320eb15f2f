package io.moon.server.persist;

import io.moon.server.Server;
import io.moon.server.Shard;
import io.moon.storage.Db;
import io.moon.storage.Strings;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Reads an RDB file into the shards: the loader thread parses, each key goes to its owning
 * shard in batches posted with {@link Shard#execute} (the shards insert on their own threads), and
 * a semaphore bounds the batches in flight so a large file never sits in memory twice.
 *
 * <p>This reader knows strings (plain, integer-encoded and LZF-compressed) and the opcodes Redis
 * 2.6 to 7.2 write around them; any other value type stops the load with a message naming the
 * type (the full value codec belongs to the RDB codec work). Keys already expired are skipped, as
 * a Redis primary does.
 */
final class RdbLoader {
    private static final Logger LOG = Logger.getLogger(RdbLoader.class.getName());
    private static final int BATCH = 512;
    private static final int IN_FLIGHT = 64;

    private final Server server;
    private final Snapshots state;
    private final CountingInput in;
    private final List<List<Object[]>> pending = new ArrayList<>();
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    private long loaded;
    private long expired;

    RdbLoader(final Server server, final Snapshots state, final InputStream raw) {
        this.server = server;
        this.state = state;
        this.in = new CountingInput(new BufferedInputStream(raw, 1 << 16), state);
        for (int s = 0; s < server.shardCount(); s++) {
            pending.add(new ArrayList<>());
        }
    }

    long run() throws IOException {
        final byte[] magic = in.bytes(9);
        final String head = new String(magic, java.nio.charset.StandardCharsets.US_ASCII);
        if (!head.startsWith("REDIS")) {
            throw new IOException("Wrong signature trying to load DB from file");
        }
        final int version = Integer.parseInt(head.substring(5));
        if (version < 1 || version > 11) {
            throw new IOException("Can't handle RDB format version " + version);
        }
        int db = 0;
        long expireAt = -1;
        final long now = System.currentTimeMillis();
        long lastLog = System.nanoTime();
        while (true) {
            final int type = in.u8();
            switch (type) {
                case 0xff -> {
                    if (version >= 5) {
                        final long computed = in.crc();
                        final byte[] c = in.bytes(8);
                        long stored = 0;
                        for (int i = 0; i < 8; i++) {
                            stored |= (c[i] & 0xffL) << (8 * i);
                        }
                        if (stored != 0 && stored != computed) {
                            throw new IOException("Wrong RDB checksum expected: (" + Long.toHexString(stored)
                                    + ") got: (" + Long.toHexString(computed) + ")");
                        }
                    }
                    flushAll();
                    return loaded;
                }
                case 0xfe -> db = (int) in.length();
                case 0xfd -> expireAt = (in.u8() | in.u8() << 8 | in.u8() << 16 | (long) in.u8() << 24) * 1000L;
                case 0xfc -> {
                    long v = 0;
                    for (int i = 0; i < 8; i++) {
                        v |= (long) in.u8() << (8 * i);
                    }
                    expireAt = v;
                }
                case 0xfb -> {
                    in.length();
                    in.length();
                }
                case 0xfa -> {
                    in.string();
                    in.string();
                }
                case 0xf9 -> in.u8(); // LFU frequency
                case 0xf8 -> in.length(); // LRU idle time
                case 0xf7 -> throw new IOException("The RDB file holds module auxiliary data, which Moon cannot load");
                case 0xf5, 0xf6 -> throw new IOException("The RDB file holds function libraries, which Moon cannot load");
                case 0 -> {
                    final byte[] key = in.string();
                    final byte[] value = in.string();
                    if (db >= server.config.databases) {
                        throw new IOException("The RDB file selects database " + db + ", beyond 'databases'");
                    }
                    if (expireAt != -1 && expireAt < now) {
                        expired++;
                    } else {
                        add(db, key, value, expireAt);
                    }
                    expireAt = -1;
                }
                default -> throw new IOException("The RDB file holds a value of type " + type
                        + ", which this build's loader cannot read yet (strings only)");
            }
            if (System.nanoTime() - lastLog > TimeUnit.SECONDS.toNanos(3)) {
                lastLog = System.nanoTime();
                LOG.info("Loading RDB: " + state.loadingPercent() + "% (" + loaded + " keys)");
            }
        }
    }

    long expired() {
        return expired;
    }

    private void add(final int db, final byte[] key, final byte[] value, final long expireAt) throws IOException {
        final int s = server.shardOf(key, 0, key.length);
        final List<Object[]> batch = pending.get(s);
        batch.add(new Object[] {db, key, value, expireAt});
        loaded++;
        if (batch.size() >= BATCH) {
            post(s);
        }
    }

    private void post(final int s) throws IOException {
        final List<Object[]> batch = pending.get(s);
        if (batch.isEmpty()) {
            return;
        }
        pending.set(s, new ArrayList<>());
        try {
            inFlight.acquire();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while loading");
        }
        final Shard shard = server.shard(s);
        shard.execute(() -> {
            try {
                for (final Object[] r : batch) {
                    insert(shard, (Integer) r[0], (byte[]) r[1], (byte[]) r[2], (Long) r[3]);
                }
            } finally {
                inFlight.release();
            }
        });
    }

    private static void insert(final Shard shard, final int dbIndex, final byte[] k, final byte[] v, final long expireAt) {
        final Db db = shard.keyspace.db(dbIndex);
        final long h = Db.hash(k, 0, k.length);
        final long existing = db.lookup(k, 0, k.length, h);
        final long a = Strings.set(db, k, 0, k.length, h, existing, v, 0, v.length, false);
        if (expireAt != -1) {
            db.setExpire(a, h, expireAt);
        }
    }

    /** Posts what is left and waits until every shard has inserted it. */
    private void flushAll() throws IOException {
        for (int s = 0; s < pending.size(); s++) {
            post(s);
        }
        final CountDownLatch done = new CountDownLatch(server.shardCount());
        for (int s = 0; s < server.shardCount(); s++) {
            server.shard(s).execute(done::countDown);
        }
        try {
            done.await();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while loading");
        }
    }

    /** The stream with RDB's primitive encodings, counting bytes for the loading progress. */
    private static final class CountingInput {
        private final InputStream in;
        private final Snapshots state;
        private long count;
        private long crc;

        CountingInput(final InputStream in, final Snapshots state) {
            this.in = in;
            this.state = state;
        }

        int u8() throws IOException {
            final int b = in.read();
            if (b < 0) {
                throw new EOFException("Short read or OOM loading DB. Unrecoverable error, aborting now.");
            }
            crc = Crc64.update(crc, b);
            if ((++count & 0xffff) == 0) {
                state.loadedBytes(count);
            }
            return b;
        }

        byte[] bytes(final int n) throws IOException {
            final byte[] b = new byte[n];
            int got = 0;
            while (got < n) {
                final int r = in.read(b, got, n - got);
                if (r < 0) {
                    throw new EOFException("Short read or OOM loading DB. Unrecoverable error, aborting now.");
                }
                got += r;
            }
            count += n;
            crc = Crc64.update(crc, b, 0, n);
            state.loadedBytes(count);
            return b;
        }

        long crc() {
            return crc;
        }

        /** A length; for the special string encodings, -1 - (encoding) is returned. */
        private long lengthOrEncoding() throws IOException {
            final int b = u8();
            switch (b >>> 6) {
                case 0:
                    return b & 0x3f;
                case 1:
                    return ((b & 0x3f) << 8) | u8();
                case 2:
                    if (b == 0x80) {
                        return (long) u8() << 24 | u8() << 16 | u8() << 8 | u8();
                    }
                    if (b == 0x81) {
                        long v = 0;
                        for (int i = 0; i < 8; i++) {
                            v = v << 8 | u8();
                        }
                        return v;
                    }
                    throw new IOException("Unknown length encoding " + b + " in the RDB file");
                default:
                    return -1 - (b & 0x3f);
            }
        }

        long length() throws IOException {
            final long n = lengthOrEncoding();
            if (n < 0) {
                throw new IOException("Unexpected string encoding where a length belongs in the RDB file");
            }
            return n;
        }

        byte[] string() throws IOException {
            final long n = lengthOrEncoding();
            if (n >= 0) {
                return bytes(checked(n));
            }
            final int enc = (int) (-1 - n);
            return switch (enc) {
                case 0 -> Long.toString((byte) u8()).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                case 1 -> Long.toString((short) (u8() | u8() << 8)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                case 2 -> Long.toString(u8() | u8() << 8 | u8() << 16 | u8() << 24)
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                case 3 -> {
                    final int clen = checked(length());
                    final int len = checked(length());
                    yield Lzf.decompress(bytes(clen), len);
                }
                default -> throw new IOException("Unknown RDB string encoding " + enc);
            };
        }

        private static int checked(final long n) throws IOException {
            if (n > 512L * 1024 * 1024) {
                throw new IOException("A string of " + n + " bytes in the RDB file is beyond 512 MB");
            }
            return (int) n;
        }
    }
}
