package io.moon.server.observe;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Whether the server should receive traffic (/readyz): every subsystem that can make it unfit
 * (dataset still loading, persistence not writable, shutting down, replica out of sync) reports
 * a reason here and clears it when fixed. Ready means no reason is pending.
 *
 * <p>Concurrent because reporters run on any thread (loaders, the persistence writer, the
 * SIGTERM hook) and the admin HTTP thread reads it; a sorted map makes the reason shown stable.
 */
public final class Readiness {
    private final Map<String, String> reasons = new ConcurrentSkipListMap<>();

    /** Marks {@code component} not ready for the one-line {@code reason} (replaces an earlier one). */
    public void notReady(final String component, final String reason) {
        reasons.put(component, reason);
    }

    /** {@code component} no longer holds readiness back. */
    public void ready(final String component) {
        reasons.remove(component);
    }

    public boolean isReady() {
        return reasons.isEmpty();
    }

    /** "component: reason" of the first pending reason, or null when ready. */
    public String reason() {
        for (final var e : reasons.entrySet()) {
            return e.getKey() + ": " + e.getValue();
        }
        return null;
    }
}
