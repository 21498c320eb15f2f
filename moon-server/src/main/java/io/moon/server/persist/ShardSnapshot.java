package io.moon.server.persist;

import io.moon.storage.Db;
import io.moon.storage.Keyspace;
import io.moon.storage.rdb.RdbOut;
import io.moon.storage.rdb.RdbWriter;

/**
 * Encodes one shard's keyspace into chunks for a {@link SnapshotFile}: each chunk starts with its
 * SELECTDB (chunks of several shards interleave in the file) and holds whole entries, about
 * {@link #CHUNK_BYTES} of them.
 *
 * <p>Owned by its shard thread; not thread-safe.
 */
final class ShardSnapshot {
    static final int CHUNK_BYTES = 1 << 20;

    private ShardSnapshot() {
    }

    /** Encodes every database of the keyspace now (the caller holds the cut's locks). */
    static void encodeAll(final Keyspace ks, final SnapshotFile file, final boolean compress) {
        final RdbOut out = new RdbOut(compress);
        for (int d = 0; d < ks.databases(); d++) {
            final Db db = ks.db(d);
            if (db.size() == 0) {
                continue;
            }
            final int index = d;
            RdbWriter.encodeSelectDb(out, index);
            db.forEach(addr -> {
                RdbWriter.encodeEntry(out, db, addr);
                if (out.length() >= CHUNK_BYTES) {
                    file.offer(out.toBytes());
                    out.reset();
                    RdbWriter.encodeSelectDb(out, index);
                }
            });
            file.offer(out.toBytes());
            out.reset();
        }
    }
}
