package io.moon.storage;

import java.util.Arrays;

/**
 * The hashes of one {@link Db} whose fields carry TTLs, ordered by their soonest field expiry, so
 * the active expire cycle reclaims fields nobody reads (Redis 7.4 keeps a per-database ebuckets
 * of such hashes for the same purpose). A min-heap of object-table indices: the hash's
 * {@link HashTable} is the database's object at that index, and the key that names it is kept
 * beside it, to delete the key when its last field goes.
 *
 * <p>A hash's place in the heap is a time at or before its real soonest expiry: commands that set
 * a TTL lower it at once ({@link Db#fieldTtlChanged}); commands that remove TTLs or fields leave
 * it early, and the sweep, finding nothing due, moves the hash to its real time. Registration
 * follows the object: the database forgets an index when it frees the object or dumps it to move
 * away (from then on another database, maybe on another thread, owns it), and adopts it when a
 * dump carrying TTLs is restored.
 *
 * <p>Owned by its database, on the shard thread; not thread-safe.
 */
final class FieldExpiry {
    /** Fields deleted per hash per visit, so one huge hash does not hold the sweep. */
    private static final int FIELDS_PER_VISIT = 64;

    private final Db db;
    /** Object indices, heap-ordered by {@link #dueAt}. */
    private int[] heap = new int[8];
    private long[] dueAt = new long[8];
    private int count;
    /** Per object index: heap position plus one, 0 when not tracked. */
    private int[] pos = new int[16];
    /** Per object index: the key that names the tracked hash. */
    private byte[][] keys = new byte[16][];
    /** Heap bytes of the kept keys. */
    private long keyBytes;
    /** Fields the sweep deleted, for tests and statistics. */
    long expiredFields;

    FieldExpiry(final Db db) {
        this.db = db;
    }

    int count() {
        return count;
    }

    void clear() {
        heap = new int[8];
        dueAt = new long[8];
        count = 0;
        pos = new int[16];
        keys = new byte[16][];
        keyBytes = 0;
    }

    /**
     * True when a tracked hash still has a field TTL. Every hash with one is tracked (see the
     * class comment); a tracked hash whose TTLs all went is passed over, so this stops at the
     * first hash that has one and walks at most the tracked hashes.
     */
    boolean anyFieldTtl() {
        for (int i = 0; i < count; i++) {
            if (((HashTable) db.objectAt(heap[i])).ttlCount() > 0) {
                return true;
            }
        }
        return false;
    }

    boolean tracked(final int obj) {
        return obj < pos.length && pos[obj] != 0;
    }

    /** Tracks the hash at object index {@code obj} (named by {@code key}) as due at {@code at}, or earlier. */
    void track(final int obj, final byte[] key, final long at) {
        if (obj >= pos.length) {
            final int n = Math.max(pos.length << 1, obj + 1);
            pos = Arrays.copyOf(pos, n);
            keys = Arrays.copyOf(keys, n);
        }
        final int p = pos[obj] - 1;
        if (p >= 0) {
            if (at < dueAt[p]) {
                dueAt[p] = at;
                up(p);
            }
            return;
        }
        if (count == heap.length) {
            heap = Arrays.copyOf(heap, count << 1);
            dueAt = Arrays.copyOf(dueAt, count << 1);
        }
        heap[count] = obj;
        dueAt[count] = at;
        pos[obj] = count + 1;
        keys[obj] = key;
        keyBytes += 16 + key.length;
        up(count++);
    }

    /** Stops tracking object index {@code obj}, if tracked. */
    void forget(final int obj) {
        if (obj >= pos.length || pos[obj] == 0) {
            return;
        }
        final int p = pos[obj] - 1;
        pos[obj] = 0;
        keyBytes -= 16 + keys[obj].length;
        keys[obj] = null;
        final int last = --count;
        if (p != last) {
            final int moved = heap[last];
            heap[p] = moved;
            dueAt[p] = dueAt[last];
            pos[moved] = p + 1;
            down(p);
            up(pos[moved] - 1);
        }
    }

    /**
     * Deletes fields whose time has come, soonest hash first, until none is due or
     * {@code deadlineNanos} (a {@link System#nanoTime()} value) passes; a hash left empty loses
     * its key. Returns the fields deleted.
     */
    long sweep(final long nowMillis, final long deadlineNanos) {
        long deleted = 0;
        int visits = 0;
        while (count > 0 && dueAt[0] <= nowMillis) {
            final int obj = heap[0];
            final HashTable t = (HashTable) db.objectAt(obj);
            if (db.writeBarrier() != null) {
                db.beforeWrite(Db.hash(keys[obj], 0, keys[obj].length)); // fields go in place
            }
            final int n = t.expireDue(nowMillis, FIELDS_PER_VISIT);
            deleted += n;
            final Keyspace.KeyEvents events = db.keyspace().keyEvents;
            if (n > 0 && events != null) {
                final byte[] k = keys[obj];
                events.fieldsExpired(db.index(), k, 0, k.length, t.size() == 0);
            }
            if (t.size() == 0) {
                deleteKey(obj);
            } else if (t.ttlCount() == 0) {
                forget(obj);
            } else {
                dueAt[0] = t.minExpireAt();
                down(0);
            }
            if ((++visits & 15) == 0 && System.nanoTime() - deadlineNanos > 0) {
                break;
            }
        }
        expiredFields += deleted;
        return deleted;
    }

    private void deleteKey(final int obj) {
        final byte[] k = keys[obj];
        final long h = Db.hash(k, 0, k.length);
        final long a = db.lookup(k, 0, k.length, h);
        if (a != 0 && Entry.isObjectKind(db.kind(a)) && db.objectIndex(a) == obj) {
            db.unlinkAndFree(a, h); // frees the object, which forgets it here
        }
        forget(obj);
    }

    private void up(int i) {
        final int o = heap[i];
        final long t = dueAt[i];
        while (i > 0) {
            final int parent = (i - 1) >>> 1;
            if (dueAt[parent] <= t) {
                break;
            }
            heap[i] = heap[parent];
            dueAt[i] = dueAt[parent];
            pos[heap[i]] = i + 1;
            i = parent;
        }
        heap[i] = o;
        dueAt[i] = t;
        pos[o] = i + 1;
    }

    private void down(int i) {
        final int o = heap[i];
        final long t = dueAt[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= count) {
                break;
            }
            if (child + 1 < count && dueAt[child + 1] < dueAt[child]) {
                child++;
            }
            if (dueAt[child] >= t) {
                break;
            }
            heap[i] = heap[child];
            dueAt[i] = dueAt[child];
            pos[heap[i]] = i + 1;
            i = child;
        }
        heap[i] = o;
        dueAt[i] = t;
        pos[o] = i + 1;
    }

    long memoryBytes() {
        return 64 + 12L * heap.length + 8L * pos.length + keyBytes;
    }
}
