package io.moon.server.observe;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;

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
    /** Conditions read when asked (state other classes already keep, e.g. MISCONF). */
    private final Map<String, Supplier<String>> checks = new ConcurrentSkipListMap<>();

    /** Marks {@code component} not ready for the one-line {@code reason} (replaces an earlier one). */
    public void notReady(final String component, final String reason) {
        reasons.put(component, reason);
    }

    /** {@code component} no longer holds readiness back. */
    public void ready(final String component) {
        reasons.remove(component);
    }

    /**
     * Adds a condition asked at every readiness check: {@code reason} returns the one-line reason
     * {@code component} is not ready, or null. It must be cheap and safe to call from any thread.
     */
    public void check(final String component, final Supplier<String> reason) {
        checks.put(component, reason);
    }

    public boolean isReady() {
        return reason() == null;
    }

    /** "component: reason" of the first pending reason (reported ones, then checks), or null when ready. */
    public String reason() {
        for (final var e : reasons.entrySet()) {
            return e.getKey() + ": " + e.getValue();
        }
        for (final var e : checks.entrySet()) {
            final String r = e.getValue().get();
            if (r != null) {
                return e.getKey() + ": " + r;
            }
        }
        return null;
    }
}
