package io.moon.storage;

/**
 * A value detached from its key, to be stored under another key, database or shard (RENAME,
 * COPY, MOVE). Holds a copy of the entry's value representation, or the value object of a
 * full-encoded collection, so it may travel to another shard's thread; the source entry is
 * untouched (an object dumped for a move must then be deleted at the source).
 *
 * @param meta        the entry's kind and flags (expiry bit cleared)
 * @param repr        the value's bytes as laid out after the key in the entry, or null for an object
 * @param object      the value object of an object kind, or null
 * @param expireAtMillis absolute expiry, or -1
 * @param stamp       the LRU/LFU stamp
 */
public record Dump(int meta, byte[] repr, ValueObject object, long expireAtMillis, int stamp) {
    /** The kind of value this dump holds (see {@link Entry}). */
    public int kind() {
        return meta & Entry.KIND_MASK;
    }
}
