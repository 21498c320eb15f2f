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

    /** One watched key: database, key bytes, owning shard. */
    public record Watched(int db, byte[] key, int shard) {
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

    /** Whether a key watched in the current generation changed. */
    public boolean dirty() {
        return touchedGeneration.get() == generation;
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
