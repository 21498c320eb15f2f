package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.PauseState;
import io.moon.server.net.ClientState;
import io.moon.server.net.Connection;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;
import io.netty.channel.unix.UnixChannel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CLIENT subcommands. Most change the calling connection and run on its thread. CLIENT LIST and
 * CLIENT KILL concern connections on every shard, so they visit each shard (in parallel; they
 * lock nothing) and each shard reports or closes its own connections.
 */
public final class ClientCommands {
    private ClientCommands() {
    }

    static final byte[] BAD_NAME = Reply.err("ERR Client names cannot contain spaces, newlines or special characters.");
    private static final byte[] ON = {'O', 'N'};
    private static final byte[] OFF = {'O', 'F', 'F'};
    private static final byte[] SKIP = {'S', 'K', 'I', 'P'};

    /** Names may hold only printable ASCII without spaces ('!' to '~'). */
    static boolean validName(final Request r, final int i) {
        final byte[] b = r.buf();
        for (int k = r.off(i); k < r.off(i) + r.len(i); k++) {
            if (b[k] < '!' || b[k] > '~') {
                return false;
            }
        }
        return true;
    }

    // CLIENT ID
    public static void id(final Ctx c) {
        c.out.integer(c.client.id());
    }

    // CLIENT SETNAME connection-name
    public static void setname(final Ctx c) {
        if (!validName(c.req, 2)) {
            c.out.raw(BAD_NAME);
            return;
        }
        c.client.state().name = c.req.argString(2);
        c.out.ok();
    }

    // CLIENT GETNAME
    public static void getname(final Ctx c) {
        final String n = c.client.state().name;
        if (n.isEmpty()) {
            c.out.nullBulk();
        } else {
            c.out.bulk(n);
        }
    }

    // CLIENT SETINFO <LIB-NAME libname | LIB-VER libver>
    public static void setinfo(final Ctx c) {
        final String attr = c.req.argString(2).toLowerCase(Locale.ROOT);
        if (!attr.equals("lib-name") && !attr.equals("lib-ver")) {
            c.out.error("ERR Unrecognized option '" + c.req.argString(2) + "'");
            return;
        }
        if (!validName(c.req, 3)) {
            c.out.error("ERR " + c.req.argString(2) + " cannot contain spaces, newlines or special characters.");
            return;
        }
        if (attr.equals("lib-name")) {
            c.client.state().libName = c.req.argString(3);
        } else {
            c.client.state().libVer = c.req.argString(3);
        }
        c.out.ok();
    }

    // CLIENT INFO
    public static void info(final Ctx c) {
        c.out.verbatim(describe(c.client, System.currentTimeMillis()));
    }

    // CLIENT REPLY ON | OFF | SKIP
    public static void reply(final Ctx c) {
        final ClientState st = c.client.state();
        if (c.req.argIs(2, ON)) {
            st.replyOff = false;
            st.skipCurrent = false;
            c.out.ok();
        } else if (c.req.argIs(2, OFF)) {
            st.replyOff = true;
        } else if (c.req.argIs(2, SKIP)) {
            if (!st.replyOff) {
                st.skipArmed = true;
            }
        } else {
            c.out.raw(Errors.SYNTAX);
        }
    }

    // CLIENT NO-EVICT ON | OFF
    public static void noEvict(final Ctx c) {
        onOff(c, true);
    }

    // CLIENT NO-TOUCH ON | OFF
    public static void noTouch(final Ctx c) {
        onOff(c, false);
    }

    private static void onOff(final Ctx c, final boolean evict) {
        final boolean on;
        if (c.req.argIs(2, ON)) {
            on = true;
        } else if (c.req.argIs(2, OFF)) {
            on = false;
        } else {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        if (evict) {
            c.client.state().noEvict = on;
        } else {
            c.client.state().noTouch = on;
        }
        c.out.ok();
    }

    // CLIENT PAUSE timeout [WRITE | ALL]
    public static void pause(final Ctx c) {
        final Request r = c.req;
        if (r.argc() > 4) {
            c.out.error("ERR unknown subcommand or wrong number of arguments for '"
                    + io.moon.server.net.Dispatcher.cString(r, 1, 128) + "'. Try CLIENT HELP.");
            return;
        }
        int mode = PauseState.ALL;
        if (r.argc() == 4) {
            final String m = r.argString(3).toLowerCase(Locale.ROOT);
            if (m.equals("write")) {
                mode = PauseState.WRITE;
            } else if (!m.equals("all")) {
                c.out.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
                return;
            }
        }
        // getTimeoutFromObjectOrReply, in milliseconds
        if (!r.parseLong(2)) {
            c.out.error("ERR timeout is not an integer or out of range");
            return;
        }
        long t = r.longValue;
        if (t < 0) {
            c.out.error("ERR timeout is negative");
            return;
        }
        if (t > 0) {
            if (t > Long.MAX_VALUE - c.now) {
                c.out.error("ERR timeout is out of range");
                return;
            }
            t += c.now;
        }
        c.server.pause.pause(t, mode);
        c.out.ok();
    }

    // CLIENT UNPAUSE
    public static void unpause(final Ctx c) {
        c.server.pause.unpause(c.server);
        c.out.ok();
    }

    // CLIENT HELP: Redis 7.2's text, without the subcommands Moon does not have yet
    public static void help(final Ctx c) {
        Help.reply(c.out, "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "GETNAME",
                "    Reply with this connection's name, or null.",
                "ID",
                "    Reply with this connection's unique id.",
                "INFO",
                "    Describe this connection in CLIENT LIST's format.",
                "KILL <ip:port>",
                "    Close the connection coming from <ip:port>.",
                "KILL <filter> <value> [<filter> <value> ...]",
                "    Close every connection matching all filters, and reply how many. Filters:",
                "    * ADDR (<ip:port>|<unixsocket>:0)",
                "      the client's address",
                "    * LADDR (<ip:port>|<unixsocket>:0)",
                "      the server address the client connected to",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                "      the kind of connection",
                "    * USER <username>",
                "      the user the connection authenticated as",
                "    * SKIPME (YES|NO)",
                "      whether to spare the connection asking (YES by default)",
                "LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID <id> [<id> ...]]",
                "    Describe connections, one line each.",
                "UNPAUSE",
                "    End a pause started with CLIENT PAUSE.",
                "PAUSE <timeout> [WRITE|ALL]",
                "    Hold back every command (ALL) or only writes (WRITE) for <timeout> ms.",
                "REPLY (ON|OFF|SKIP)",
                "    Send replies, send none, or drop only the next command's reply.",
                "SETNAME <name>",
                "    Name this connection (empty removes the name).",
                "SETINFO (LIB-NAME|LIB-VER) <value>",
                "    Record the client library's name or version, shown by CLIENT LIST.",
                "UNBLOCK <clientid> [TIMEOUT|ERROR]",
                "    End a blocked client's wait, as if it timed out or with an UNBLOCKED error.",
                "NO-EVICT (ON|OFF)",
                "    Keep this connection out of client eviction.",
                "NO-TOUCH (ON|OFF)",
                "    Leave keys' access time alone when this connection reads them.");
    }

    /** The CLIENT LIST / CLIENT INFO line of a connection (7.2 field set). On its thread. */
    public static String describe(final Connection conn, final long now) {
        final ClientState st = conn.state();
        final StringBuilder flags = new StringBuilder();
        final io.moon.server.pubsub.Subscriptions subs = conn.subscriptions();
        final io.moon.server.tx.TxState tx = conn.tx;
        // Redis's order of the flag letters: O P x b d ... e T, N when none
        if (st.monitor) {
            flags.append('O');
        }
        if (subs.active()) {
            flags.append('P');
        }
        if (tx.inMulti) {
            flags.append('x');
        }
        if (conn.isBlocked() || conn.parkedByPause()) { // a command CLIENT PAUSE holds back blocks too
            flags.append('b');
        }
        conn.tracking.appendFlags(flags); // t R B
        if (!tx.watched.isEmpty() && tx.dirty()) {
            flags.append('d');
        }
        if (st.noEvict) {
            flags.append('e');
        }
        if (st.noTouch) {
            flags.append('T');
        }
        if (flags.isEmpty()) {
            flags.append('N');
        }
        final long qbuf = conn.queryBufferBytes();
        final long argvMem = io.moon.server.net.ClientMemory.argvBytes(conn);
        final long omem = conn.outputBufferBytes();
        final long rbs = io.moon.server.net.ClientMemory.readBufferBytes(conn);
        final String cmd = st.lastCommand == null ? "NULL" : st.lastCommand.fullName();
        final int fd = conn.channel() instanceof UnixChannel u ? u.fd().intValue() : -1;
        final long multiMem = io.moon.server.net.ClientMemory.multiBytes(conn);
        return "id=" + conn.id() + " addr=" + st.addr + " laddr=" + st.laddr + " fd=" + fd
                + " name=" + st.name + " age=" + (now - st.createdMillis) / 1000
                + " idle=" + (now - st.lastInteractionMillis) / 1000 + " flags=" + flags + " db=" + st.db
                + " sub=" + subs.channelCount() + " psub=" + subs.patternCount() + " ssub=" + subs.shardChannelCount()
                + " multi=" + (tx.inMulti ? tx.queue.size() : -1) + " qbuf=" + qbuf + " qbuf-free="
                + conn.queryBufferFreeBytes() + " argv-mem=" + argvMem
                + " multi-mem=" + multiMem + " rbs=" + rbs + " rbp=" + rbs + " obl=0 oll=0 omem=" + omem
                + " tot-mem=" + (qbuf + argvMem + multiMem + omem + rbs) + " events=" + (omem > 0 ? "rw" : "r")
                + " cmd=" + cmd + " user=" + st.user
                + " redir=" + conn.tracking.redirField() + " resp=" + st.proto + " lib-name=" + st.libName + " lib-ver=" + st.libVer + "\n";
    }

    // CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]
    public static Coordinated list(final Ctx c) {
        final Request r = c.req;
        List<Long> ids = null;
        int type = ANY_TYPE;
        if (r.argc() > 2) {
            final String opt = r.argString(2).toLowerCase(Locale.ROOT);
            if (opt.equals("type") && r.argc() == 4) {
                type = clientType(r.argString(3));
                if (type < 0) {
                    c.out.error("ERR Unknown client type '" + r.argString(3) + "'");
                    return null;
                }
            } else if (opt.equals("id") && r.argc() >= 4) {
                ids = new ArrayList<>();
                for (int j = 3; j < r.argc(); j++) {
                    if (!r.parseLong(j)) {
                        c.out.error("ERR Invalid client ID");
                        return null;
                    }
                    ids.add(r.longValue); // ids that no client has match nothing, as in Redis
                }
            } else {
                c.out.raw(Errors.SYNTAX);
                return null;
            }
        }
        final List<Long> only = ids;
        final int onlyType = type;
        final Coordinated op = new Coordinated(c) {
            {
                allShards(-1, false);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                final java.util.Map<Long, String> lines = new java.util.HashMap<>();
                final long now = System.currentTimeMillis();
                for (final Connection conn : x.shard.clients()) {
                    // one closed (CLIENT KILL, limits) may stay listed until its channel is gone: Redis
                    // frees it at once
                    if (!conn.isClosed() && (only == null || only.contains(conn.id())) && typeMatches(onlyType, conn)) {
                        lines.put(conn.id(), describe(conn, now));
                    }
                }
                p.data = lines;
            }

            @Override
            @SuppressWarnings("unchecked")
            protected void onAllLocked() {
                // Redis's order: the clients by age (id), or the ids in the order asked
                final java.util.TreeMap<Long, String> lines = new java.util.TreeMap<>();
                for (int k = 0; k < partCount(); k++) {
                    lines.putAll((java.util.Map<Long, String>) partAt(k).data);
                }
                final StringBuilder all = new StringBuilder();
                for (final String line : only == null ? lines.values()
                        : only.stream().map(lines::get).filter(java.util.Objects::nonNull).toList()) {
                    all.append(line);
                }
                reply.verbatim(all.toString());
                finish();
            }
        };
        op.start(true);
        return op;
    }

    /** CLIENT LIST / KILL without a TYPE filter. */
    private static final int ANY_TYPE = 0;
    /** Neither subscribed nor a replication link (MONITOR clients are normal, as in Redis). */
    private static final int NORMAL_TYPE = 1;
    /** Subscribed to a channel, pattern or shard channel (the 'P' flag), in RESP2 or RESP3. */
    private static final int PUBSUB_TYPE = 2;
    /** Master or replica: Moon has no replication links, so no client is of these types. */
    private static final int LINK_TYPE = 3;

    /** The type a TYPE filter names, or -1 when it names none. */
    private static int clientType(final String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "normal" -> NORMAL_TYPE;
            case "pubsub" -> PUBSUB_TYPE;
            case "master", "replica", "slave" -> LINK_TYPE;
            default -> -1;
        };
    }

    /** Whether a connection is of the type a filter asks for. On the connection's thread. */
    private static boolean typeMatches(final int type, final Connection conn) {
        return switch (type) {
            case ANY_TYPE -> true;
            case NORMAL_TYPE -> !conn.subscriptions().active();
            case PUBSUB_TYPE -> conn.subscriptions().active();
            default -> false;
        };
    }

    /** A CLIENT KILL filter, evaluated on each connection's own thread. */
    private record KillFilter(long id, String addr, String laddr, String user, boolean skipMe, long callerId,
                              int type) {
        boolean matches(final Connection conn) {
            final ClientState st = conn.state();
            if (!typeMatches(type, conn)) {
                return false;
            }
            if (id > 0 && conn.id() != id) {
                return false;
            }
            if (addr != null && !addr.equals(st.addr)) {
                return false;
            }
            if (laddr != null && !laddr.equals(st.laddr)) {
                return false;
            }
            if (user != null && !user.equals(st.user)) {
                return false;
            }
            return !skipMe || conn.id() != callerId;
        }
    }

    // CLIENT KILL ip:port | CLIENT KILL <filter> <value> ...
    public static Coordinated kill(final Ctx c) {
        final Request r = c.req;
        final KillFilter filter;
        final boolean oldStyle = r.argc() == 3;
        if (oldStyle) {
            filter = new KillFilter(0, r.argString(2), null, null, false, c.client.id(), ANY_TYPE);
        } else {
            long id = 0;
            String addr = null;
            String laddr = null;
            String user = null;
            boolean skipMe = true;
            int type = ANY_TYPE;
            for (int i = 2; i < r.argc(); i += 2) {
                if (i + 1 >= r.argc()) {
                    c.out.raw(Errors.SYNTAX);
                    return null;
                }
                final String opt = r.argString(i).toLowerCase(Locale.ROOT);
                final String val = r.argString(i + 1);
                switch (opt) {
                    case "id" -> {
                        if (!r.parseLong(i + 1) || r.longValue <= 0) {
                            c.out.error("ERR client-id should be greater than 0");
                            return null;
                        }
                        id = r.longValue;
                    }
                    case "type" -> {
                        type = clientType(val);
                        if (type < 0) {
                            c.out.error("ERR Unknown client type '" + val + "'");
                            return null;
                        }
                    }
                    case "addr" -> addr = val;
                    case "laddr" -> laddr = val;
                    case "user" -> {
                        if (c.server.acl.user(val) == null) {
                            c.out.error("ERR No such user '" + val + "'");
                            return null;
                        }
                        user = val;
                    }
                    case "skipme" -> {
                        if (val.equalsIgnoreCase("yes")) {
                            skipMe = true;
                        } else if (val.equalsIgnoreCase("no")) {
                            skipMe = false;
                        } else {
                            c.out.raw(Errors.SYNTAX);
                            return null;
                        }
                    }
                    default -> {
                        c.out.raw(Errors.SYNTAX);
                        return null;
                    }
                }
            }
            filter = new KillFilter(id, addr, laddr, user, skipMe, c.client.id(), type);
        }
        final Connection caller = c.client;
        final Coordinated op = new Coordinated(c) {
            {
                allShards(-1, false);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                long killed = 0;
                for (final Connection conn : x.shard.clients().toArray(new Connection[0])) {
                    if (!conn.isClosed() && filter.matches(conn)) {
                        killed++;
                        if (conn == caller) {
                            conn.closeAfterReply(); // the caller gets its reply first, as in Redis
                        } else {
                            conn.close();
                        }
                    }
                }
                p.n = killed;
            }

            @Override
            protected void onAllLocked() {
                long total = 0;
                for (int k = 0; k < partCount(); k++) {
                    total += partAt(k).n;
                }
                if (oldStyle) {
                    if (total == 0) {
                        reply.error("ERR No such client");
                    } else {
                        reply.ok();
                    }
                } else {
                    reply.integer(total);
                }
                finish();
            }
        };
        op.start(true);
        return op;
    }

    // CLIENT UNBLOCK client-id [TIMEOUT|ERROR]
    public static Coordinated unblock(final Ctx c) {
        final Request r = c.req;
        if (r.argc() > 4) {
            c.out.error("ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.");
            return null;
        }
        boolean error = false;
        if (r.argc() == 4) {
            final String how = r.argString(3).toLowerCase(Locale.ROOT);
            if (how.equals("error")) {
                error = true;
            } else if (!how.equals("timeout")) {
                c.out.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
                return null;
            }
        }
        if (!r.parseLong(2)) {
            c.out.raw(Errors.NOT_INTEGER);
            return null;
        }
        final long id = r.longValue;
        final boolean asError = error;
        // the client lives on one shard: visit them all (nothing locked), its own shard unblocks it
        final Coordinated op = new Coordinated(c) {
            {
                allShards(-1, false);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                p.n = 0;
                for (final Connection conn : x.shard.clients()) {
                    if (conn.id() == id && conn.unblock(asError)) {
                        p.n = 1;
                    }
                }
            }

            @Override
            protected void onAllLocked() {
                long n = 0;
                for (int k = 0; k < partCount(); k++) {
                    n += partAt(k).n;
                }
                reply.integer(n);
                finish();
            }
        };
        op.start(true);
        return op;
    }
}
