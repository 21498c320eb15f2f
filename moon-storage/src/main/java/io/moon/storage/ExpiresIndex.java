package io.moon.storage;

import java.util.Arrays;

/**
 * The entries of a {@link Db} that carry an expiry, in a dense array; each such entry stores its
 * position here (4 bytes after its expiry time), so adding, removing, following a move and
 * uniform sampling (the active expire cycle, volatile-* eviction) are all O(1).
 * Owned by the database's shard thread.
 */
final class ExpiresIndex {
    /** Offset, from an entry's start, of its position in this index. */
    private static final int POS = Entry.HEADER + 8;

    private long[] addrs = new long[16];
    private int count;

    int count() {
        return count;
    }

    /** The i-th entry with an expiry (0 <= i < count). */
    long at(final int i) {
        return addrs[i];
    }

    /** Lists the entry at addr, which has just gained its expiry. */
    void add(final Slabs slabs, final long addr) {
        if (count == addrs.length) {
            addrs = Arrays.copyOf(addrs, addrs.length << 1);
        }
        addrs[count] = addr;
        Entry.putInt(slabs.page(addr), (int) addr + POS, count);
        count++;
    }

    /** Unlists the entry at addr (it loses its expiry or goes away). */
    void remove(final Slabs slabs, final long addr) {
        final int i = Entry.getInt(slabs.page(addr), (int) addr + POS);
        final long last = addrs[--count];
        addrs[i] = last;
        addrs[count] = 0;
        if (last != addr) {
            Entry.putInt(slabs.page(last), (int) last + POS, i);
        }
    }

    /** The entry with an expiry now lives at {@code addr} (its slot moved). */
    void moved(final byte[] page, final long addr) {
        addrs[Entry.getInt(page, (int) addr + POS)] = addr;
    }

    long bytes() {
        return 8L * addrs.length;
    }
}
