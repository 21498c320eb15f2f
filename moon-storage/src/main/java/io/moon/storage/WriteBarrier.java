package io.moon.storage;

/**
 * Told by a {@link Db}, on its shard thread, before an entry is inserted, changed or removed and
 * before the database is emptied, while a point-in-time snapshot of it is being written (see
 * rdb.DbSnapshot). Commands that change values in place call {@link Db#beforeWrite} for their keys
 * first. While a barrier is set the key table does not resize, so every key stays in the bucket
 * the snapshot's cut saw it in.
 */
public interface WriteBarrier {
    /** An entry whose key hashes to {@code h} is about to be inserted, changed or removed. */
    void beforeWrite(long h);

    /** Every entry is about to go ({@link Db#clear}); the barrier is removed right after. */
    void beforeClear();
}
