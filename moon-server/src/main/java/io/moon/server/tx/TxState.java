package io.moon.server.tx;

import io.moon.protocol.Request;
import io.moon.server.command.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A connection's MULTI/EXEC and WATCH state. Owned by the connection's thread, except
 * {@link #touchedGeneration}, which the shards owning watched keys set when they change one.
 */
public final class TxState {
    /** One queued command: its row, a copy of its arguments. */
    public record Queued(CommandSpec spec, Request req) {
    }

    /** One watched key: database, key bytes, owning shard, and its TTL when WATCH saw it alive. */
    public static final class Watched {
        private final int db;
        private final byte[] key;
        private final int shard;
        /**
         * The key's absolute expiry (ms) when the owning shard registered it alive, 0 when it had
         * none, was missing or was already past it. Set by the owner before WATCH replies.
         */
        volatile long expireAtWatch;

        public Watched(final int db, final byte[] key, final int shard) {
            this.db = db;
            this.key = key;
            this.shard = shard;
        }

        public int db() {
            return db;
        }

        public byte[] key() {
            return key;
        }

        public int shard() {
            return shard;
        }
    }

    public boolean inMulti;
    /** A command was refused while queuing: EXEC answers EXECABORT. */
    public boolean aborted;
    public final List<Queued> queue = new ArrayList<>();
    public final List<Watched> watched = new ArrayList<>();
    /**
     * Bumped by every UNWATCH (explicit or implied by EXEC, DISCARD, RESET, disconnect), so a
     * registration left behind on a shard, until its removal message arrives, cannot mark a later
     * WATCH's keys as touched.
     */
    private long generation = 1;
    /**
     * The generation in which a watched key changed (written by owning shards, read by EXEC on
     * this connection's thread after every lock it needs is held: the owners' writes happen before
     * they grant those locks, so EXEC sees them). Only ever raised: a registration of an older
     * generation that a shard has not yet dropped (its UNWATCH message is still queued there) can
     * be touched after a current one was, and must not hide it.
     */
    private final AtomicLong touchedGeneration = new AtomicLong();

    public long generation() {
        return generation;
    }

    /** Called by an owning shard: a key watched in generation {@code g} changed. */
    public void touched(final long g) {
        touchedGeneration.accumulateAndGet(g, Math::max);
    }

    /**
     * Whether a key watched in the current generation changed, or passed the TTL it had when
     * WATCH saw it alive (Redis 7.0's isWatchedKeyExpired at EXEC: such a key counts as changed
     * even before the expiry deletes it; its TTL cannot have moved without a touch).
     */
    public boolean dirty() {
        if (touchedGeneration.get() == generation) {
            return true;
        }
        if (!watched.isEmpty()) {
            final long now = System.currentTimeMillis();
            for (final Watched w : watched) {
                final long at = w.expireAtWatch;
                if (at > 0 && at <= now) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Forgets the watched keys locally and starts a new generation; returns what was watched. */
    public List<Watched> unwatch() {
        generation++;
        final List<Watched> w = new ArrayList<>(watched);
        watched.clear();
        return w;
    }

    public void discard() {
        inMulti = false;
        aborted = false;
        queue.clear();
    }
}
