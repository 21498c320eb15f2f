package io.moon.server.observe;

/**
 * What a persistence subsystem (snapshots, write-ahead log) reports for INFO persistence.
 *
 * <p>INFO owns the field list and its order (so the section stays identical to Redis 7.2's
 * whatever is enabled); a subsystem registers one of these with
 * {@link Observability#persistence(PersistenceInfo)} and overwrites only the fields it knows
 * about. Called on the thread that builds the INFO reply, never a shard's: implementations read
 * volatile or otherwise safely published state.
 */
@FunctionalInterface
public interface PersistenceInfo {
    /** Sets this subsystem's fields, e.g. {@code f.set("rdb_saves", saves)}. */
    void report(PersistenceFields f);
}
