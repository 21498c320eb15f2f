package io.moon.storage;

import java.util.Arrays;

/**
 * The side table of a {@link Db} holding the values of full-encoded collections: an entry of an
 * object kind stores its value's index here (4 bytes in the entry instead of a reference per key).
 * Freed slots are reused, so indexes stay small and the table only grows with the live count.
 * Owned by the database's shard thread.
 */
final class ObjectTable {
    private ValueObject[] objects = new ValueObject[16];
    private int top;
    private int[] free = new int[16];
    private int freeCount;

    ValueObject get(final int i) {
        return objects[i];
    }

    /** Stores o; returns its index. */
    int add(final ValueObject o) {
        final int i;
        if (freeCount > 0) {
            i = free[--freeCount];
        } else {
            if (top == objects.length) {
                objects = Arrays.copyOf(objects, objects.length << 1);
            }
            i = top++;
        }
        objects[i] = o;
        return i;
    }

    /** Drops the object at i and returns it; the index is reused by a later {@link #add}. */
    ValueObject remove(final int i) {
        final ValueObject o = objects[i];
        objects[i] = null;
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length << 1);
        }
        free[freeCount++] = i;
        return o;
    }

    int count() {
        return top - freeCount;
    }

    /**
     * Bytes held by the objects and the table. Walks the live objects: there is one per
     * full-encoded collection, each already big, so this stays far smaller than the key count.
     */
    long bytes() {
        long n = 4L * objects.length + 4L * free.length;
        for (int i = 0; i < top; i++) {
            if (objects[i] != null) {
                n += objects[i].memoryBytes();
            }
        }
        return n;
    }
}
