package io.moon.server.commands;

import io.moon.server.testing.Harness;

/** KeyPlacement for tests in other packages. */
public final class KeyPlacementAccess {
    private KeyPlacementAccess() {
    }

    public static String[] onDistinctShards(final Harness h, final String prefix, final int n) {
        return KeyPlacement.onDistinctShards(h, prefix, n);
    }
}
