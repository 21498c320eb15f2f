package io.moon.storage;

/**
 * The value of a full-encoded collection (quicklist, hash table, skiplist): a Java object held
 * in its database's object table, which the entry names by index. Small collections never become
 * objects; they stay packed inside their entry.
 *
 * <p>Owned by its shard thread like the entry that names it. To reach another shard it travels
 * inside a {@link Dump}, either moved (the source key is deleted) or as a {@link #copy()}.
 */
public interface ValueObject {
    /** A deep copy that shares nothing mutable with this one. */
    ValueObject copy();

    /** Bytes this value holds, estimated from its structure (for MEMORY USAGE and used_memory). */
    long memoryBytes();
}
