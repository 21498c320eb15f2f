package io.moon.storage;

/**
 * A value detached from its key, to be stored under another key, database or shard (RENAME,
 * COPY, MOVE). Holds a copy of the entry's value representation, so it may travel to another
 * shard's thread; the source entry is untouched.
 *
 * @param meta        the entry's kind and flags (expiry bit cleared)
 * @param repr        the value's bytes as laid out after the key in the entry
 * @param expireAtMillis absolute expiry, or -1
 * @param stamp       the LRU/LFU stamp
 */
public record Dump(int meta, byte[] repr, long expireAtMillis, int stamp) {
}
