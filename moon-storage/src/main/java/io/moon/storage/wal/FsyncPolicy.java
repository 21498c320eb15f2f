package io.moon.storage.wal;

import java.util.Locale;

/** Redis's appendfsync values. */
public enum FsyncPolicy {
    /** Records are written and fsynced before the replies of their event-loop iteration leave. */
    ALWAYS,
    /** Records reach the OS before the reply; fsync at most about once a second. */
    EVERYSEC,
    /** Records reach the OS before the reply; the OS decides when they reach the disk (cache mode). */
    NO;

    /** Parses a config value as Redis does (case-insensitive), or null. */
    public static FsyncPolicy parse(final String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "always" -> ALWAYS;
            case "everysec" -> EVERYSEC;
            case "no" -> NO;
            default -> null;
        };
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
