package io.moon.server.pubsub;

import io.moon.protocol.Reply;
import io.moon.server.Server;
import io.moon.server.net.Connection;
import io.moon.storage.Glob;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pub/Sub across shards. A connection's subscriptions live on its home shard ({@link Local});
 * a registry shared by all shards says, per channel and per pattern, how many subscriptions each
 * home shard holds. PUBLISH, on any thread, reads the registry without locking to count the
 * receivers and posts the message once to each home shard that has some; the home delivers to
 * its connections. See the "Pub/Sub" section of docs/architecture.md for why this is safe.
 *
 * <p>Registry values are never mutated once published: a writer (SUBSCRIBE and friends, rare)
 * builds a new per-shard count array, or a new pattern array, and publishes it with a
 * ConcurrentHashMap put or a volatile write; writers serialize on this object.
 */
public final class PubSub {
    static final byte[] MESSAGE = Reply.ascii("message");
    static final byte[] PMESSAGE = Reply.ascii("pmessage");
    static final byte[] SMESSAGE = Reply.ascii("smessage");

    /** A pattern and its subscriptions per home shard; immutable. */
    record Pattern(Name name, int[] counts) {
    }

    private final Server server;
    private final int shards;
    /** Channel to subscriptions per home shard (arrays immutable once in the map). */
    private final ConcurrentHashMap<Name, int[]> channels = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Name, int[]> shardChannels = new ConcurrentHashMap<>();
    /** Copy-on-write list of patterns with subscribers; read without locking. */
    private volatile Pattern[] patterns = new Pattern[0];
    /** Per home shard: who subscribed to what; each touched only by its shard's thread. */
    private final Local[] locals;

    public PubSub(final Server server, final int shards) {
        this.server = server;
        this.shards = shards;
        this.locals = new Local[shards];
        for (int i = 0; i < shards; i++) {
            locals[i] = new Local();
        }
    }

    /** Channels, patterns and shard channels with at least one subscriber (INFO stats, /metrics). */
    public int channelCount() {
        return channels.size();
    }

    public int patternCount() {
        return patterns.length;
    }

    public int shardChannelCount() {
        return shardChannels.size();
    }

    // ---- registry (writers) --------------------------------------------------------------------

    private synchronized void count(final ConcurrentHashMap<Name, int[]> map, final Name n, final int shard,
                                    final int delta) {
        final int[] old = map.get(n);
        final int[] now = old == null ? new int[shards] : old.clone();
        now[shard] += delta;
        boolean any = false;
        for (final int v : now) {
            any |= v > 0;
        }
        if (any) {
            map.put(n, now);
        } else {
            map.remove(n);
        }
    }

    private synchronized void countPattern(final Name n, final int shard, final int delta) {
        final Pattern[] old = patterns;
        final ArrayList<Pattern> next = new ArrayList<>(old.length + 1);
        boolean found = false;
        for (final Pattern p : old) {
            if (p.name.equals(n)) {
                found = true;
                final int[] c = p.counts.clone();
                c[shard] += delta;
                if (!allZero(c)) {
                    next.add(new Pattern(p.name, c));
                }
            } else {
                next.add(p);
            }
        }
        if (!found && delta > 0) {
            final int[] c = new int[shards];
            c[shard] = delta;
            next.add(new Pattern(n, c));
        }
        patterns = next.toArray(new Pattern[0]);
    }

    private static boolean allZero(final int[] c) {
        for (final int v : c) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    // ---- subscribing (on the connection's home thread) -----------------------------------------

    /** Adds the subscription; false if the connection already had it. */
    boolean subscribe(final Connection c, final Name n, final Kind kind) {
        final Subscriptions s = c.subscriptions();
        final Local local = locals[c.home().id];
        final int home = c.home().id;
        switch (kind) {
            case CHANNEL -> {
                if (!s.add(Kind.CHANNEL, n)) {
                    return false;
                }
                local.channels.computeIfAbsent(n, k -> new ArrayList<>()).add(c);
                count(channels, n, home, 1);
            }
            case SHARD -> {
                if (!s.add(Kind.SHARD, n)) {
                    return false;
                }
                local.shardChannels.computeIfAbsent(n, k -> new ArrayList<>()).add(c);
                count(shardChannels, n, home, 1);
            }
            case PATTERN -> {
                if (!s.add(Kind.PATTERN, n)) {
                    return false;
                }
                local.patterns.computeIfAbsent(n, k -> new ArrayList<>()).add(c);
                countPattern(n, home, 1);
            }
            default -> throw new IllegalStateException();
        }
        return true;
    }

    /** Removes the subscription; false if the connection did not have it. */
    boolean unsubscribe(final Connection c, final Name n, final Kind kind) {
        final Subscriptions s = c.subscriptions();
        final Local local = locals[c.home().id];
        final int home = c.home().id;
        if (!s.remove(kind, n)) {
            return false;
        }
        // the registry first: a publisher that still finds this home finds nobody there, harmlessly
        switch (kind) {
            case CHANNEL -> count(channels, n, home, -1);
            case SHARD -> count(shardChannels, n, home, -1);
            case PATTERN -> countPattern(n, home, -1);
            default -> throw new IllegalStateException();
        }
        final Map<Name, ArrayList<Connection>> m = kind == Kind.CHANNEL ? local.channels
                : kind == Kind.SHARD ? local.shardChannels : local.patterns;
        final ArrayList<Connection> list = m.get(n);
        list.remove(c);
        if (list.isEmpty()) {
            m.remove(n);
        }
        return true;
    }

    /** On close and RESET: every subscription of the connection goes, without replies. */
    public void dropAll(final Connection c) {
        final Subscriptions s = c.subscriptions();
        if (!s.active()) {
            return;
        }
        for (final Name n : s.names(Kind.CHANNEL)) {
            unsubscribe(c, n, Kind.CHANNEL);
        }
        for (final Name n : s.names(Kind.PATTERN)) {
            unsubscribe(c, n, Kind.PATTERN);
        }
        for (final Name n : s.names(Kind.SHARD)) {
            unsubscribe(c, n, Kind.SHARD);
        }
    }

    enum Kind { CHANNEL, PATTERN, SHARD }

    // ---- publishing (any shard thread) ---------------------------------------------------------

    /**
     * Publishes from the thread of shard {@code from}: counts the receivers everywhere, delivers at
     * once to this shard's own connections and posts one task to every other home with receivers.
     * The channel and message arrays are not copied: the caller hands them over.
     */
    public long publish(final int from, final byte[] channel, final byte[] message, final boolean sharded) {
        final Name n = new Name(channel);
        final int[] direct = (sharded ? shardChannels : channels).get(n);
        final Pattern[] pats = sharded ? null : patterns;
        long total = 0;
        long homesLow = 0; // bit i: shard i has receivers (first 64 shards); others use the array
        boolean[] homes = null;
        for (int s = 0; s < shards; s++) {
            int r = direct == null ? 0 : direct[s];
            if (pats != null) {
                for (final Pattern p : pats) {
                    if (p.counts[s] > 0 && Glob.matches(p.name.bytes, 0, p.name.bytes.length, channel, 0,
                            channel.length, false)) {
                        r += p.counts[s];
                    }
                }
            }
            if (r > 0) {
                total += r;
                if (s < 64) {
                    homesLow |= 1L << s;
                } else {
                    if (homes == null) {
                        homes = new boolean[shards];
                    }
                    homes[s] = true;
                }
            }
        }
        for (int s = 0; s < shards; s++) {
            if (s < 64 ? (homesLow & (1L << s)) == 0 : homes == null || !homes[s]) {
                continue;
            }
            final Local local = locals[s];
            if (s == from) {
                local.deliver(n, message, sharded);
            } else {
                server.shard(s).execute(() -> local.deliver(n, message, sharded));
            }
        }
        return total;
    }

    // ---- introspection (PUBSUB) ----------------------------------------------------------------

    java.util.Set<Name> channelNames(final boolean sharded) {
        return (sharded ? shardChannels : channels).keySet();
    }

    long subscribers(final Name n, final boolean sharded) {
        final int[] c = (sharded ? shardChannels : channels).get(n);
        long t = 0;
        if (c != null) {
            for (final int v : c) {
                t += v;
            }
        }
        return t;
    }

    /** One home shard's subscribers; touched only on that shard's thread. */
    static final class Local {
        final HashMap<Name, ArrayList<Connection>> channels = new HashMap<>();
        final HashMap<Name, ArrayList<Connection>> shardChannels = new HashMap<>();
        final LinkedHashMap<Name, ArrayList<Connection>> patterns = new LinkedHashMap<>();

        /** Channel subscribers first, then pattern subscribers, as Redis delivers. */
        void deliver(final Name channel, final byte[] message, final boolean sharded) {
            final ArrayList<Connection> direct = (sharded ? shardChannels : channels).get(channel);
            if (direct != null) {
                for (final Connection c : direct.toArray(new Connection[0])) {
                    final Reply r = c.pushStart();
                    if (r != null) {
                        r.pushHeader(3);
                        r.bulk(sharded ? SMESSAGE : MESSAGE);
                        r.bulk(channel.bytes);
                        r.bulk(message);
                        c.pushEnd();
                    }
                }
            }
            if (sharded || patterns.isEmpty()) {
                return;
            }
            for (final Map.Entry<Name, ArrayList<Connection>> e : patterns.entrySet().toArray(new Map.Entry[0])) {
                final byte[] p = e.getKey().bytes;
                if (!Glob.matches(p, 0, p.length, channel.bytes, 0, channel.bytes.length, false)) {
                    continue;
                }
                for (final Connection c : e.getValue().toArray(new Connection[0])) {
                    final Reply r = c.pushStart();
                    if (r != null) {
                        r.pushHeader(4);
                        r.bulk(PMESSAGE);
                        r.bulk(p);
                        r.bulk(channel.bytes);
                        r.bulk(message);
                        c.pushEnd();
                    }
                }
            }
        }
    }
}
