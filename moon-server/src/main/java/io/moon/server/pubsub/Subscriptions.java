package io.moon.server.pubsub;

import java.util.LinkedHashSet;

/**
 * One connection's subscriptions, in the order they were made (UNSUBSCRIBE without arguments
 * leaves them in that order). Owned by the connection's home thread, like the connection.
 */
public final class Subscriptions {
    private static final Name[] NONE = new Name[0];
    // made on the first subscription of their kind: most connections never subscribe
    private LinkedHashSet<Name> channels;
    private LinkedHashSet<Name> patterns;
    private LinkedHashSet<Name> shardChannels;
    /** When the output buffer first went past the soft limit, or 0 (client-output-buffer-limit). */
    long softLimitSinceMillis;

    private static int size(final LinkedHashSet<Name> set) {
        return set == null ? 0 : set.size();
    }

    private LinkedHashSet<Name> set(final PubSub.Kind kind) {
        return switch (kind) {
            case CHANNEL -> channels;
            case PATTERN -> patterns;
            case SHARD -> shardChannels;
        };
    }

    /** Adds the subscription; false when it was there. */
    boolean add(final PubSub.Kind kind, final Name n) {
        LinkedHashSet<Name> set = set(kind);
        if (set == null) {
            set = new LinkedHashSet<>();
            switch (kind) {
                case CHANNEL -> channels = set;
                case PATTERN -> patterns = set;
                case SHARD -> shardChannels = set;
            }
        }
        return set.add(n);
    }

    /** Removes the subscription; false when it was not there. */
    boolean remove(final PubSub.Kind kind, final Name n) {
        final LinkedHashSet<Name> set = set(kind);
        return set != null && set.remove(n);
    }

    /** The subscriptions of a kind, in the order they were made (a copy). */
    Name[] names(final PubSub.Kind kind) {
        final LinkedHashSet<Name> set = set(kind);
        return set == null ? NONE : set.toArray(NONE);
    }

    /** Channels plus patterns: the count SUBSCRIBE and PSUBSCRIBE report (Redis 7.0). */
    int count() {
        return size(channels) + size(patterns);
    }

    /** CLIENT LIST sub, psub and ssub. */
    public int channelCount() {
        return size(channels);
    }

    public int patternCount() {
        return size(patterns);
    }

    public int shardChannelCount() {
        return size(shardChannels);
    }

    /** RESP2 subscribed mode: only the (un)subscribe family, PING, QUIT and RESET are accepted. */
    public boolean active() {
        return size(channels) + size(patterns) + size(shardChannels) > 0;
    }

    /**
     * Whether every subscription passes {@code allowed} (name, is a pattern): ACL checks a user's
     * subscribers again after their channels changed.
     */
    public boolean all(final java.util.function.BiPredicate<String, Boolean> allowed) {
        for (final Name n : names(PubSub.Kind.CHANNEL)) {
            if (!allowed.test(new String(n.bytes, java.nio.charset.StandardCharsets.ISO_8859_1), false)) {
                return false;
            }
        }
        for (final Name n : names(PubSub.Kind.SHARD)) {
            if (!allowed.test(new String(n.bytes, java.nio.charset.StandardCharsets.ISO_8859_1), false)) {
                return false;
            }
        }
        for (final Name n : names(PubSub.Kind.PATTERN)) {
            if (!allowed.test(new String(n.bytes, java.nio.charset.StandardCharsets.ISO_8859_1), true)) {
                return false;
            }
        }
        return true;
    }
}
