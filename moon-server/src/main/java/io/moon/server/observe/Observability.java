package io.moon.server.observe;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Process-wide introspection state other subsystems report into: persistence fields for INFO
 * and readiness for /readyz. One per {@code Server} ({@code server.observe}).
 */
public final class Observability {
    /** Registered at startup, read by INFO: copy-on-write as writes are rare. */
    private final CopyOnWriteArrayList<PersistenceInfo> persistence = new CopyOnWriteArrayList<>();
    public final Readiness readiness = new Readiness();

    /** Adds a source of INFO persistence fields (snapshots, the write-ahead log). */
    public void persistence(final PersistenceInfo source) {
        persistence.add(source);
    }

    /** The persistence section: defaults of a server that never saved, then every source's fields. */
    public PersistenceFields persistenceFields(final long startSeconds) {
        final PersistenceFields f = new PersistenceFields(startSeconds);
        for (final PersistenceInfo p : persistence) {
            p.report(f);
        }
        return f;
    }
}
