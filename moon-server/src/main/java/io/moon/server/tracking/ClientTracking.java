package io.moon.server.tracking;

import io.moon.protocol.Reply;
import io.moon.server.net.Connection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * One connection's client-side caching state (CLIENT TRACKING and friends) and the delivery of
 * its invalidation messages. Owned by the connection's home thread. Owner shards read
 * {@link #remembers()} while running the connection's command: the fields were written on the
 * home thread before the command was handed to them (a task hand-off publishes them).
 *
 * <p>Invalidations arrive here from the shards owning the keys ({@link TrackingTable}) as tasks on
 * this home thread, then go out as Redis sends them: a RESP3 push {@code >2 invalidate [keys]}, or
 * through REDIRECT to another connection (a push if it speaks RESP3, a message on
 * {@code __redis__:invalidate} if it is subscribed in RESP2). While the receiving connection runs
 * a command they wait for its reply (Redis 7.2: an invalidation never lands inside a reply).
 */
public final class ClientTracking {
    static final byte[] INVALIDATE = Reply.ascii("invalidate");
    static final byte[] REDIR_BROKEN = Reply.ascii("tracking-redir-broken");
    static final byte[] MESSAGE = Reply.ascii("message");
    static final byte[] CHANNEL = Reply.ascii("__redis__:invalidate");

    private static final int SELF = 0;
    private static final int REDIRECTED = 1;
    private static final int BROKEN = 2;

    /** A message held back while the receiving connection runs a command. */
    private record Pending(int kind, byte[] payload, long id) {
    }

    private final Connection conn;
    boolean on;
    boolean bcast;
    boolean optin;
    boolean optout;
    boolean noloop;
    /** CLIENT CACHING YES (optin) or NO (optout) was given for the next command. */
    boolean caching;
    boolean brokenRedirect;
    long redirect;
    /** BCAST prefixes of this client, sorted as Redis lists them. */
    final TreeSet<byte[]> prefixes = new TreeSet<>(Arrays::compareUnsigned);
    /** The connection is running a command (set by the dispatcher, cleared after its reply). */
    public boolean inCommand;
    private ArrayList<Pending> pending;

    public ClientTracking(final Connection conn) {
        this.conn = conn;
    }

    public boolean on() {
        return on;
    }

    /** Whether the keys of the read-only command now running are to be remembered (any shard). */
    public boolean remembers() {
        return on && !bcast && (optin ? caching : !(optout && caching));
    }

    /** CLIENT CACHING was given for the next command (which must then run on its own). */
    public boolean caching() {
        return caching;
    }

    boolean noloop() {
        return noloop;
    }

    /** CLIENT LIST flags: t (tracking), R (broken redirect), B (BCAST). */
    public void appendFlags(final StringBuilder flags) {
        if (on) {
            flags.append('t');
            if (brokenRedirect) {
                flags.append('R');
            }
            if (bcast) {
                flags.append('B');
            }
        }
    }

    /** CLIENT LIST redir: the redirect id while tracking, -1 otherwise. */
    public long redirField() {
        return on ? redirect : -1;
    }

    // ---- turning on and off (home thread) ------------------------------------------------------

    void enable(final long redirectTo, final boolean bcastMode, final boolean in, final boolean out,
                final boolean noLoop, final java.util.List<byte[]> newPrefixes) {
        final Tracking t = conn.server().tracking;
        if (!on) {
            t.clients.incrementAndGet();
        }
        on = true;
        brokenRedirect = false;
        bcast = false;
        optin = false;
        optout = false;
        noloop = false;
        redirect = redirectTo;
        if (bcastMode) {
            bcast = true;
            if (newPrefixes.isEmpty()) {
                addPrefix(t, new byte[0]);
            }
            for (final byte[] p : newPrefixes) {
                addPrefix(t, p);
            }
        }
        optin = in;
        optout = out;
        noloop = noLoop;
    }

    private void addPrefix(final Tracking t, final byte[] p) {
        if (prefixes.add(p)) {
            t.addPrefix(p, conn);
        }
    }

    /**
     * The connection is closing: it stops counting among tracking clients at once (INFO
     * tracking_clients, as Redis frees it); {@link #disable} forgets its prefixes when it is gone.
     */
    public void closing() {
        if (on) {
            conn.server().tracking.clients.decrementAndGet();
            on = false;
        }
    }

    /**
     * CLIENT TRACKING OFF, RESET and disconnecting: the BCAST prefixes go at once; the keys this
     * client read stay in the shards' tables and are dropped when next modified, as Redis does.
     */
    public void disable() {
        final Tracking t = conn.server().tracking;
        for (final byte[] p : prefixes) {
            t.removePrefix(p, conn);
        }
        prefixes.clear();
        if (on) {
            t.clients.decrementAndGet();
        }
        on = false;
        bcast = false;
        optin = false;
        optout = false;
        noloop = false;
        caching = false;
        brokenRedirect = false;
        if (pending != null) {
            pending.clear();
        }
    }

    // ---- delivery (home thread) ----------------------------------------------------------------

    /**
     * An invalidation for this client: {@code payload} is the encoded array of keys, or null for
     * "every key" (FLUSHALL/FLUSHDB). {@code anyMode}: also for a client in BCAST mode (prefix
     * messages, flushes); a key it read before switching to BCAST is not sent, as in Redis.
     */
    public void invalidate(final byte[] payload, final boolean anyMode) {
        if (!on || conn.isClosed() || (bcast && !anyMode)) {
            return;
        }
        if (redirect == 0) {
            write(SELF, payload, 0);
            return;
        }
        final Connection r = conn.server().tracking.byId(redirect);
        if (r == null) {
            brokenRedirect = true;
            if (conn.proto() >= 3) {
                write(BROKEN, null, redirect);
            }
            return;
        }
        if (r.home() == conn.home()) {
            r.tracking.write(REDIRECTED, payload, 0);
        } else {
            r.home().execute(() -> r.tracking.write(REDIRECTED, payload, 0));
        }
    }

    /** BCAST keys of one prefix changed during a turn of some shard, each with who changed it last. */
    void broadcast(final byte[] all, final java.util.Map<byte[], Object> changedBy) {
        if (!noloop) {
            invalidate(all, true);
            return;
        }
        final ArrayList<byte[]> others = new ArrayList<>(changedBy.size());
        for (final java.util.Map.Entry<byte[], Object> k : changedBy.entrySet()) {
            if (k.getValue() != conn) {
                others.add(k.getKey());
            }
        }
        if (!others.isEmpty()) {
            invalidate(TrackingTable.encode(others), true);
        }
    }

    private void write(final int kind, final byte[] payload, final long id) {
        if (conn.isClosed()) {
            return;
        }
        if (inCommand && !conn.isBlocked()) { // a blocked client hears at once, as in Redis
            if (pending == null) {
                pending = new ArrayList<>(2);
            }
            pending.add(new Pending(kind, payload, id));
            return;
        }
        final boolean resp3 = conn.proto() >= 3;
        if (!resp3 && (kind != REDIRECTED || !conn.subscriptions().active())) {
            return; // RESP2 has no pushes: only a subscribed redirect target hears of it
        }
        final Reply r = conn.pushStart();
        if (r == null) {
            return;
        }
        if (kind == BROKEN) {
            r.pushHeader(2);
            r.bulk(REDIR_BROKEN);
            r.integer(id);
        } else {
            if (resp3) {
                r.pushHeader(2);
                r.bulk(INVALIDATE);
            } else {
                r.pushHeader(3);
                r.bulk(MESSAGE);
                r.bulk(CHANNEL);
            }
            if (payload == null) {
                r.nullBulk();
            } else {
                r.raw(payload);
            }
        }
        conn.pushEnd();
    }

    /**
     * After a command's reply is in the output buffer: messages held back meanwhile go out, and
     * CLIENT CACHING applies to one command only (but to a whole MULTI, and survives CLIENT
     * commands), as Redis's resetClient.
     */
    public void afterCommand(final boolean inMulti, final io.moon.server.command.CommandSpec last) {
        inCommand = false;
        if (caching && !inMulti && (last == null || !last.fullName().startsWith("client|"))) {
            caching = false;
        }
        if (pending != null && !pending.isEmpty()) {
            final Pending[] ps = pending.toArray(new Pending[0]);
            pending.clear();
            for (final Pending p : ps) {
                write(p.kind, p.payload, p.id);
            }
        }
    }
}
