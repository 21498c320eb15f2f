package io.moon.server.persist;

import io.moon.server.Server;
import io.moon.server.Shard;
import io.moon.server.commands.DumpCommands;
import io.moon.storage.Db;
import io.moon.storage.rdb.RdbException;
import io.moon.storage.rdb.RdbInsert;
import io.moon.storage.rdb.RdbLimits;
import io.moon.storage.rdb.RdbObject;
import io.moon.storage.rdb.RdbReader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Reads an RDB file (versions 1 to 12, every type and encoding {@link RdbReader} knows) into the
 * shards: the loader thread decodes, each key goes to its owning shard in batches posted with
 * {@link Shard#execute} (the shards insert on their own threads, through {@link RdbInsert}, so a
 * value gets the encoding Moon's thresholds choose), and a semaphore bounds the batches in flight
 * so a large file never sits in memory twice. Keys already expired are skipped, as a Redis primary
 * does, and so are hash fields whose TTL has passed (a hash left with none is an expired key).
 * Function libraries are installed server-wide once the keys are in (replacing any of the same
 * name). Module values, module aux data and streams stop the load with an error naming them (see
 * RdbReader); so does a key the file holds twice.
 */
final class RdbLoader {
    private static final Logger LOG = Logger.getLogger(RdbLoader.class.getName());
    private static final int BATCH = 512;
    private static final int IN_FLIGHT = 64;
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(3);

    /** One key on its way to its shard. */
    private record Item(int db, byte[] key, RdbObject value, long expireAtMillis) {
    }

    private final Server server;
    private final Snapshots state;
    private final InputStream in;
    private final long size;
    private final RdbLimits limits;
    private final List<List<Item>> pending = new ArrayList<>();
    /** The file's function libraries, installed once every key is in. */
    private final List<byte[]> functionCodes = new ArrayList<>();
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    /** The first error a shard met inserting (a duplicate key or member); read by the loader thread. */
    private volatile String insertError;
    private long loaded;
    private long expired;
    private long lastLogNanos = System.nanoTime();

    /** Whether a key already present is replaced (DEBUG RELOAD MERGE) rather than an error. */
    private final boolean replace;

    RdbLoader(final Server server, final Snapshots state, final InputStream in, final long size) {
        this(server, state, in, size, false);
    }

    RdbLoader(final Server server, final Snapshots state, final InputStream in, final long size,
              final boolean replace) {
        this.replace = replace;
        this.server = server;
        this.state = state;
        this.in = in;
        this.size = size;
        this.limits = DumpCommands.limits(server.config);
        for (int s = 0; s < server.shardCount(); s++) {
            pending.add(new ArrayList<>());
        }
    }

    /** Loads the whole stream; returns the keys loaded. Throws on any malformed or unloadable content. */
    long run() throws IOException {
        final long now = System.currentTimeMillis();
        state.lastLoadKeys(0, 0); // as Redis, the counts are of the last load, reset when one starts
        final int databases = server.config.databases;
        final RdbReader reader = new RdbReader(in, size);
        try {
            reader.read(new RdbReader.Sink() {
                @Override
                public void aux(final byte[] key, final byte[] value) {
                    if ("redis-ver".equals(new String(key, StandardCharsets.US_ASCII))) {
                        LOG.info("Loading RDB produced by version " + new String(value, StandardCharsets.UTF_8));
                    }
                }

                private int selected;

                @Override
                public void function(final byte[] code) {
                    functionCodes.add(code);
                }

                @Override
                public void selectDb(final int db) {
                    selected = db;
                }

                /** Key counts the file's RESIZEDB hints announced so far, per database. */
                private final long[] announced = new long[databases];

                @Override
                public void resizeDb(final long keys, final long expires) {
                    // each shard sizes its table for its share at once (posted before the keys).
                    // Redis writes one hint per database; Moon one per shard's part of it, so the
                    // hints add up (a few resizes instead of one doubling after another)
                    if (selected < databases && keys > 0) {
                        final int d = selected;
                        announced[d] += keys;
                        final long total = announced[d];
                        final long share = total / server.shardCount() + total / (8L * server.shardCount()) + 16;
                        for (int s = 0; s < server.shardCount(); s++) {
                            final Shard shard = server.shard(s);
                            shard.execute(() -> shard.keyspace.db(d).reserve(share));
                        }
                    }
                }

                @Override
                public void entry(final int db, final byte[] key, final RdbObject value, final long expireAt,
                                  final long idle, final int freq) {
                    if (db >= databases) {
                        throw new RdbException("the file selects database " + db + ", beyond 'databases' ("
                                + databases + ")", -1);
                    }
                    final RdbObject live = value.withoutExpiredFields(now);
                    if (expireAt != -1 && expireAt < now || live == null) {
                        expired++;
                        return;
                    }
                    add(new Item(db, key, live, expireAt));
                }

                @Override
                public void progress(final long offset) {
                    state.loadedBytes(offset);
                    if (System.nanoTime() - lastLogNanos > LOG_EVERY_NANOS) {
                        lastLogNanos = System.nanoTime();
                        LOG.info("Loading RDB: " + state.loadingPercent() + "% (" + loaded + " keys)");
                    }
                }
            });
        } catch (final RdbException e) {
            throw new IOException(e.getMessage(), e);
        } catch (final java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        flushAll();
        try {
            io.moon.server.script.FunctionDump.installFromSnapshot(server, functionCodes);
        } catch (final io.moon.server.script.Libraries.Refused e) {
            throw new IOException("a function library of the file does not load: " + e.getMessage(), e);
        }
        state.loadedBytes(size);
        state.lastLoadKeys(loaded, expired);
        LOG.info("Done loading RDB, keys loaded: " + loaded + ", keys expired: " + expired + ".");
        return loaded;
    }

    private void add(final Item item) {
        final int s = server.shardOf(item.key, 0, item.key.length);
        final List<Item> batch = pending.get(s);
        batch.add(item);
        loaded++;
        if (batch.size() >= BATCH) {
            post(s);
        }
    }

    private void post(final int s) {
        checkInserted();
        final List<Item> batch = pending.get(s);
        if (batch.isEmpty()) {
            return;
        }
        pending.set(s, new ArrayList<>());
        try {
            inFlight.acquire();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RdbException("interrupted while loading", -1);
        }
        final Shard shard = server.shard(s);
        shard.execute(() -> {
            try {
                insertAll(shard, batch);
            } finally {
                inFlight.release();
            }
        });
    }

    /** Keys warmed together: their buckets and entries fit in the L1 cache with room to spare. */
    private static final int WARM_GROUP = 32;

    /**
     * Inserts a batch on the shard's thread, a group of keys at a time: the group's buckets are
     * read ahead ({@link Db#warm}), since a big table's lookups otherwise wait on memory one key
     * at a time.
     */
    private void insertAll(final Shard shard, final List<Item> batch) {
        final long[] hashes = new long[WARM_GROUP];
        final long[] heads = new long[WARM_GROUP];
        for (int from = 0; from < batch.size(); from += WARM_GROUP) {
            final int n = Math.min(WARM_GROUP, batch.size() - from);
            final Db db = shard.keyspace.db(batch.get(from).db);
            int same = 0;
            for (; same < n && batch.get(from + same).db == batch.get(from).db; same++) {
                final byte[] k = batch.get(from + same).key;
                hashes[same] = Db.hash(k, 0, k.length);
            }
            warmSink += db.warm(hashes, heads, same);
            for (int i = 0; i < n; i++) {
                if (insertError != null) {
                    return;
                }
                insert(shard, batch.get(from + i));
            }
        }
    }

    /** Where {@link Db#warm}'s results go, so the reads it does are not optimized away. */
    @SuppressWarnings("unused")
    private long warmSink;

    private void insert(final Shard shard, final Item r) {
        final Db db = shard.keyspace.db(r.db);
        final byte[] k = r.key;
        final long h = Db.hash(k, 0, k.length);
        if (replace) {
            db.delete(k, 0, k.length, h, Long.MIN_VALUE);
        } else if (db.lookup(k, 0, k.length, h) != 0) {
            insertError = "the file holds key '" + printable(k) + "' of db " + r.db + " twice";
            return;
        }
        try {
            RdbInsert.insert(db, k, r.value, r.expireAtMillis, limits);
        } catch (final RdbException e) {
            insertError = "key '" + printable(k) + "' of db " + r.db + ": " + e.getMessage();
        }
    }

    private void checkInserted() {
        final String e = insertError;
        if (e != null) {
            throw new RdbException(e.replace(" (at offset -1)", ""), -1);
        }
    }

    private static String printable(final byte[] k) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(k.length, 64); i++) {
            final int c = k[i] & 0xff;
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return k.length > 64 ? sb + "..." : sb.toString();
    }

    /** Posts what is left and waits until every shard has inserted it. */
    private void flushAll() throws IOException {
        try {
            for (int s = 0; s < pending.size(); s++) {
                post(s);
            }
        } catch (final RdbException e) {
            throw new IOException(e.getMessage(), e);
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
        final String e = insertError;
        if (e != null) {
            throw new IOException(e.replace(" (at offset -1)", ""));
        }
    }
}
