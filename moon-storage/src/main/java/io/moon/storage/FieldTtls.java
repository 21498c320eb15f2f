package io.moon.storage;

import java.util.Arrays;

/**
 * The field TTLs of one {@link HashTable}: an absolute expiry per slot and a binary min-heap of
 * the slots that have one, so the soonest expiry is read in O(1) and set, cleared or popped in
 * O(log n). Redis 7.4 keeps the same order in a per-hash radix tree of buckets (ebuckets); a heap
 * does the one thing Moon needs of it, "what expires next", with two int arrays.
 *
 * <p>Owned by its table; not thread-safe.
 */
final class FieldTtls {
    /** Absolute expiry (ms) per slot; 0 when the slot has none. */
    private long[] at;
    /** Heap position plus one per slot; 0 when not in the heap. */
    private int[] pos;
    /** Slots with a TTL, ordered by expiry. */
    private int[] heap;
    private int count;

    FieldTtls(final int slots) {
        at = new long[slots];
        pos = new int[slots];
        heap = new int[8];
    }

    int count() {
        return count;
    }

    long at(final int slot) {
        return at[slot];
    }

    /** The soonest expiry, or {@link Long#MAX_VALUE} when none. */
    long min() {
        return count == 0 ? Long.MAX_VALUE : at[heap[0]];
    }

    /** The slot that expires soonest; only when {@link #count()} is positive. */
    int minSlot() {
        return heap[0];
    }

    /** The slot arrays grew to {@code slots}. */
    void capacity(final int slots) {
        at = Arrays.copyOf(at, slots);
        pos = Arrays.copyOf(pos, slots);
    }

    void set(final int slot, final long atMillis) {
        final long old = at[slot];
        at[slot] = atMillis;
        if (pos[slot] == 0) {
            if (count == heap.length) {
                heap = Arrays.copyOf(heap, count << 1);
            }
            heap[count] = slot;
            pos[slot] = count + 1;
            up(count++);
        } else if (atMillis < old) {
            up(pos[slot] - 1);
        } else {
            down(pos[slot] - 1);
        }
    }

    /** Removes the slot's TTL; returns whether it had one. */
    boolean clear(final int slot) {
        final int p = pos[slot] - 1;
        if (p < 0) {
            return false;
        }
        at[slot] = 0;
        pos[slot] = 0;
        final int last = heap[--count];
        if (p != count) {
            heap[p] = last;
            pos[last] = p + 1;
            down(p);
            up(pos[last] - 1);
        }
        return true;
    }

    /** The table compacted its slots: slot i is now {@code moved[i]}, in arrays of {@code slots}. */
    void remap(final int[] moved, final int slots) {
        final long[] nat = new long[slots];
        final int[] npos = new int[slots];
        for (int k = 0; k < count; k++) {
            final int s = moved[heap[k]];
            nat[s] = at[heap[k]];
            npos[s] = k + 1;
            heap[k] = s;
        }
        at = nat;
        pos = npos;
    }

    private void up(int i) {
        final int s = heap[i];
        final long t = at[s];
        while (i > 0) {
            final int parent = (i - 1) >>> 1;
            final int ps = heap[parent];
            if (at[ps] <= t) {
                break;
            }
            heap[i] = ps;
            pos[ps] = i + 1;
            i = parent;
        }
        heap[i] = s;
        pos[s] = i + 1;
    }

    private void down(int i) {
        final int s = heap[i];
        final long t = at[s];
        while (true) {
            int child = 2 * i + 1;
            if (child >= count) {
                break;
            }
            if (child + 1 < count && at[heap[child + 1]] < at[heap[child]]) {
                child++;
            }
            final int cs = heap[child];
            if (at[cs] >= t) {
                break;
            }
            heap[i] = cs;
            pos[cs] = i + 1;
            i = child;
        }
        heap[i] = s;
        pos[s] = i + 1;
    }

    FieldTtls copy() {
        final FieldTtls c = new FieldTtls(0);
        c.at = at.clone();
        c.pos = pos.clone();
        c.heap = heap.clone();
        c.count = count;
        return c;
    }

    long memoryBytes() {
        return 64 + 12L * at.length + 4L * heap.length;
    }
}
