package io.moon.server.pubsub;

import java.util.LinkedHashSet;

/**
 * One connection's subscriptions, in the order they were made (UNSUBSCRIBE without arguments
 * leaves them in that order). Owned by the connection's home thread, like the connection.
 */
public final class Subscriptions {
    final LinkedHashSet<Name> channels = new LinkedHashSet<>();
    final LinkedHashSet<Name> patterns = new LinkedHashSet<>();
    final LinkedHashSet<Name> shardChannels = new LinkedHashSet<>();
    /** When the output buffer first went past the soft limit, or 0 (client-output-buffer-limit). */
    long softLimitSinceMillis;

    /** Channels plus patterns: the count SUBSCRIBE and PSUBSCRIBE report (Redis 7.0). */
    int count() {
        return channels.size() + patterns.size();
    }

    /** CLIENT LIST sub, psub and ssub. */
    public int channelCount() {
        return channels.size();
    }

    public int patternCount() {
        return patterns.size();
    }

    public int shardChannelCount() {
        return shardChannels.size();
    }

    /** RESP2 subscribed mode: only the (un)subscribe family, PING, QUIT and RESET are accepted. */
    public boolean active() {
        return !channels.isEmpty() || !patterns.isEmpty() || !shardChannels.isEmpty();
    }

    /**
     * Whether every subscription passes {@code allowed} (name, is a pattern): ACL checks a user's
     * subscribers again after their channels changed.
     */
    public boolean all(final java.util.function.BiPredicate<String, Boolean> allowed) {
        for (final Name n : channels) {
            if (!allowed.test(new String(n.bytes, java.nio.charset.StandardCharsets.ISO_8859_1), false)) {
                return false;
            }
        }
        for (final Name n : shardChannels) {
            if (!allowed.test(new String(n.bytes, java.nio.charset.StandardCharsets.ISO_8859_1), false)) {
                return false;
            }
        }
        for (final Name n : patterns) {
            if (!allowed.test(new String(n.bytes, java.nio.charset.StandardCharsets.ISO_8859_1), true)) {
                return false;
            }
        }
        return true;
    }
}
