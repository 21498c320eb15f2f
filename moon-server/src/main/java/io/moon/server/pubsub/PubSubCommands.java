package io.moon.server.pubsub;

import io.moon.protocol.Reply;
import io.moon.server.Ctx;
import io.moon.server.command.CommandSpec;
import io.moon.server.net.Connection;
import io.moon.storage.Glob;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE, SUNSUBSCRIBE, PUBLISH, SPUBLISH
 * and PUBSUB. All run on the connection's own thread: subscriptions belong to its home shard, and
 * PUBLISH reaches the other homes through {@link PubSub#publish}. Confirmations are push messages
 * in RESP3 and arrays in RESP2, as in Redis 7.0.
 */
public final class PubSubCommands {
    private PubSubCommands() {
    }

    private static final byte[] SUBSCRIBE = Reply.ascii("subscribe");
    private static final byte[] UNSUBSCRIBE = Reply.ascii("unsubscribe");
    private static final byte[] PSUBSCRIBE = Reply.ascii("psubscribe");
    private static final byte[] PUNSUBSCRIBE = Reply.ascii("punsubscribe");
    private static final byte[] SSUBSCRIBE = Reply.ascii("ssubscribe");
    private static final byte[] SUNSUBSCRIBE = Reply.ascii("sunsubscribe");
    private static final byte[] PONG = Reply.ascii("pong");
    private static final byte[] SSUBSCRIBE_IN_MULTI = Reply.err("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
    private static final Set<String> ALLOWED_SUBSCRIBED = Set.of("ping", "subscribe", "unsubscribe", "psubscribe",
            "punsubscribe", "ssubscribe", "sunsubscribe", "quit", "reset");

    /** RESP2 subscribed mode refuses the command (Redis's processCommand check); null when it may run. */
    public static String refusal(final Connection c, final CommandSpec spec) {
        if (c.proto() != 2 || !c.subscriptions().active()) {
            return null;
        }
        final CommandSpec root = spec.parent() == null ? spec : spec.parent();
        if (ALLOWED_SUBSCRIBED.contains(root.name())) {
            return null;
        }
        return "ERR Can't execute '" + spec.fullName() + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT"
                + " / RESET are allowed in this context";
    }

    /** PING while subscribed in RESP2 answers ["pong", message]; true when it did. */
    public static boolean subscribedPing(final Ctx c) {
        final Connection conn = c.client;
        if (conn == null || conn.proto() != 2 || !conn.subscriptions().active()) {
            return false;
        }
        c.out.arrayHeader(2);
        c.out.bulk(PONG);
        if (c.argc() == 2) {
            c.out.bulk(c.buf(), c.off(1), c.len(1));
        } else {
            c.out.bulk(Reply.EMPTY_BULK, 0, 0);
        }
        return true;
    }

    public static void subscribe(final Ctx c) {
        subscribeAll(c, PubSub.Kind.CHANNEL, SUBSCRIBE);
    }

    public static void psubscribe(final Ctx c) {
        subscribeAll(c, PubSub.Kind.PATTERN, PSUBSCRIBE);
    }

    public static void ssubscribe(final Ctx c) {
        if (c.inTransaction) {
            // Unlike SUBSCRIBE, which Redis keeps allowing in MULTI for compatibility.
            c.out.raw(SSUBSCRIBE_IN_MULTI);
            return;
        }
        subscribeAll(c, PubSub.Kind.SHARD, SSUBSCRIBE);
    }

    public static void unsubscribe(final Ctx c) {
        unsubscribeAll(c, PubSub.Kind.CHANNEL, UNSUBSCRIBE);
    }

    public static void punsubscribe(final Ctx c) {
        unsubscribeAll(c, PubSub.Kind.PATTERN, PUNSUBSCRIBE);
    }

    public static void sunsubscribe(final Ctx c) {
        unsubscribeAll(c, PubSub.Kind.SHARD, SUNSUBSCRIBE);
    }

    private static void subscribeAll(final Ctx c, final PubSub.Kind kind, final byte[] word) {
        final Connection conn = c.client;
        final PubSub ps = c.server.pubsub;
        for (int i = 1; i < c.argc(); i++) {
            final Name n = Name.copyOf(c.buf(), c.off(i), c.len(i));
            ps.subscribe(conn, n, kind);
            confirm(c, word, n.bytes, count(conn, kind));
        }
    }

    private static void unsubscribeAll(final Ctx c, final PubSub.Kind kind, final byte[] word) {
        final Connection conn = c.client;
        final PubSub ps = c.server.pubsub;
        final Subscriptions s = conn.subscriptions();
        if (c.argc() == 1) {
            final Name[] all = s.names(kind);
            if (all.length == 0) {
                confirm(c, word, null, count(conn, kind));
            }
            for (final Name n : all) {
                ps.unsubscribe(conn, n, kind);
                confirm(c, word, n.bytes, count(conn, kind));
            }
            return;
        }
        for (int i = 1; i < c.argc(); i++) {
            final Name n = Name.copyOf(c.buf(), c.off(i), c.len(i));
            ps.unsubscribe(conn, n, kind);
            confirm(c, word, n.bytes, count(conn, kind));
        }
    }

    private static int count(final Connection conn, final PubSub.Kind kind) {
        final Subscriptions s = conn.subscriptions();
        return kind == PubSub.Kind.SHARD ? s.shardChannelCount() : s.count();
    }

    private static void confirm(final Ctx c, final byte[] word, final byte[] name, final long count) {
        c.out.pushHeader(3);
        c.out.bulk(word);
        if (name == null) {
            c.out.nullBulk();
        } else {
            c.out.bulk(name);
        }
        c.out.integer(count);
    }

    // PUBLISH channel message
    public static void publish(final Ctx c) {
        c.out.integer(c.server.pubsub.publish(c.shard.id, arg(c, 1), arg(c, 2), false));
    }

    // SPUBLISH shardchannel message
    public static void spublish(final Ctx c) {
        c.out.integer(c.server.pubsub.publish(c.shard.id, arg(c, 1), arg(c, 2), true));
    }

    private static byte[] arg(final Ctx c, final int i) {
        return Arrays.copyOfRange(c.buf(), c.off(i), c.off(i) + c.len(i));
    }

    // PUBSUB CHANNELS [pattern]
    public static void channels(final Ctx c) {
        listChannels(c, false);
    }

    // PUBSUB SHARDCHANNELS [pattern]
    public static void shardchannels(final Ctx c) {
        listChannels(c, true);
    }

    private static void listChannels(final Ctx c, final boolean sharded) {
        if (c.argc() > 3) {
            c.out.error("ERR unknown subcommand or wrong number of arguments for '"
                    + io.moon.server.net.Dispatcher.cString(c.req, 1, 128) + "'. Try PUBSUB HELP.");
            return;
        }
        final java.util.ArrayList<byte[]> found = new java.util.ArrayList<>();
        for (final Name n : c.server.pubsub.channelNames(sharded)) {
            if (c.argc() == 2 || Glob.matches(c.buf(), c.off(2), c.len(2), n.bytes, 0, n.bytes.length, false)) {
                found.add(n.bytes);
            }
        }
        c.out.arrayHeader(found.size());
        for (final byte[] b : found) {
            c.out.bulk(b);
        }
    }

    // PUBSUB NUMSUB [channel ...]
    public static void numsub(final Ctx c) {
        numsub(c, false);
    }

    // PUBSUB SHARDNUMSUB [shardchannel ...]
    public static void shardnumsub(final Ctx c) {
        numsub(c, true);
    }

    private static void numsub(final Ctx c, final boolean sharded) {
        c.out.arrayHeader((c.argc() - 2) * 2L);
        for (int i = 2; i < c.argc(); i++) {
            c.out.bulk(c.buf(), c.off(i), c.len(i));
            c.out.integer(c.server.pubsub.subscribers(Name.copyOf(c.buf(), c.off(i), c.len(i)), sharded));
        }
    }

    // PUBSUB NUMPAT
    public static void numpat(final Ctx c) {
        c.out.integer(c.server.pubsub.patternCount());
    }

    private static final String[] HELP = {
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
    };

    // PUBSUB HELP
    public static void help(final Ctx c) {
        c.out.arrayHeader(HELP.length);
        for (final String s : HELP) {
            c.out.simple(s.getBytes(StandardCharsets.US_ASCII));
        }
    }
}
