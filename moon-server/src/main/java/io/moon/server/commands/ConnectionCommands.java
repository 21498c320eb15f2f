package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.Version;
import io.moon.server.net.ClientState;
import io.moon.server.net.Connection;

/**
 * Connection commands: PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET. They run on the
 * connection's own thread and change its state.
 */
public final class ConnectionCommands {
    private ConnectionCommands() {
    }

    private static final byte[] AUTH = {'A', 'U', 'T', 'H'};
    private static final byte[] SETNAME = "SETNAME".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] RESET = Reply.ascii("+RESET\r\n");
    private static final byte[] NOPASS = Reply.err("ERR AUTH <password> called without any password configured for"
            + " the default user. Are you sure your configuration is correct?");
    private static final byte[] NOT_INT_RANGE =
            Reply.err("ERR value is out of range, value must between -2147483648 and 2147483647");
    static final byte[] WRONGPASS = Reply.err("WRONGPASS invalid username-password pair or user is disabled.");

    // PING [message]
    public static void ping(final Ctx c) {
        if (c.req.argc() > 2) {
            c.out.error("ERR wrong number of arguments for 'ping' command");
        } else if (io.moon.server.pubsub.PubSubCommands.subscribedPing(c)) {
            return;
        } else if (c.req.argc() == 1) {
            c.out.raw(Reply.PONG);
        } else {
            c.out.bulk(c.buf(), c.off(1), c.len(1));
        }
    }

    // ECHO message
    public static void echo(final Ctx c) {
        c.out.bulk(c.buf(), c.off(1), c.len(1));
    }

    // SELECT index
    public static void select(final Ctx c) {
        final Request r = c.req;
        if (!r.parseLong(1)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        if (r.longValue < Integer.MIN_VALUE || r.longValue > Integer.MAX_VALUE) {
            c.out.raw(NOT_INT_RANGE); // getIntFromObjectOrReply
            return;
        }
        if (r.longValue < 0 || r.longValue >= c.keyspace.databases()) {
            c.out.raw(Errors.DB_OUT_OF_RANGE);
            return;
        }
        c.client.state().db = (int) r.longValue;
        c.out.ok();
    }

    /**
     * Checks a user/password pair against the ACL users; on success the connection runs as that
     * user from now on. A refusal is counted and logged (ACL LOG reason auth).
     */
    static boolean authenticate(final Ctx c, final String user, final byte[] pass, final int off, final int len) {
        final io.moon.server.acl.AclUser u = c.server.acl.authenticate(user, pass, off, len);
        if (u == null) {
            c.shard.stats.aclDeniedAuth++;
            io.moon.server.acl.AclCommands.logDenial(c.server, c.client, io.moon.server.acl.AclCheck.DENIED_AUTH,
                    c.client.tx.inMulti || c.inTransaction ? "multi" : "toplevel", c.cmd.fullName(), user);
            return false;
        }
        final ClientState st = c.client.state();
        st.authenticated = true;
        st.aclUser = u;
        st.user = u.name();
        return true;
    }

    // AUTH [username] password
    public static void auth(final Ctx c) {
        final Request r = c.req;
        if (r.argc() > 3) {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        final String user;
        final int passArg;
        if (r.argc() == 2) {
            if (c.server.acl.defaultUser().noAuthNeeded()) {
                c.out.raw(NOPASS);
                return;
            }
            user = "default";
            passArg = 1;
        } else {
            user = r.argString(1);
            passArg = 2;
        }
        if (authenticate(c, user, r.buf(), r.off(passArg), r.len(passArg))) {
            c.out.ok();
        } else {
            c.out.raw(WRONGPASS);
        }
    }

    // HELLO [protover [AUTH username password] [SETNAME clientname]]
    public static void hello(final Ctx c) {
        final Request r = c.req;
        final Connection conn = c.client;
        final ClientState st = conn.state();
        long ver = 0;
        int next = 1;
        if (r.argc() >= 2) {
            if (!r.parseLong(next++)) {
                c.out.error("ERR Protocol version is not an integer or out of range");
                return;
            }
            ver = r.longValue;
            if (ver < 2 || ver > 3) {
                c.out.error("NOPROTO unsupported protocol version");
                return;
            }
        }
        int userArg = -1;
        int nameArg = -1;
        for (int j = next; j < r.argc(); j++) {
            final int more = r.argc() - 1 - j;
            if (r.argIs(j, AUTH) && more >= 2) {
                userArg = j + 1;
                j += 2;
            } else if (r.argIs(j, SETNAME) && more >= 1) {
                if (!ClientCommands.validName(r, j + 1)) {
                    c.out.raw(ClientCommands.BAD_NAME);
                    return;
                }
                nameArg = j + 1;
                j++;
            } else {
                c.out.error("ERR Syntax error in HELLO option '"
                        + io.moon.server.net.Dispatcher.cString(r, j, Integer.MAX_VALUE) + "'");
                return;
            }
        }
        if (userArg >= 0) {
            if (!authenticate(c, r.argString(userArg), r.buf(), r.off(userArg + 1), r.len(userArg + 1))) {
                c.out.raw(WRONGPASS);
                return;
            }
        }
        if (!st.authenticated) {
            c.out.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO"
                    + " <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP"
                    + " protocol version at the same time");
            return;
        }
        if (nameArg >= 0) {
            st.name = r.argString(nameArg);
        }
        if (ver != 0) {
            st.proto = (int) ver;
            c.out.bind(c.out.out(), st.proto);
        }
        final Reply o = c.out;
        o.mapHeader(7);
        o.bulk("server");
        o.bulk("redis");
        o.bulk("version");
        o.bulk(Version.REDIS_COMPAT);
        o.bulk("proto");
        o.integer(st.proto);
        o.bulk("id");
        o.integer(conn.id());
        o.bulk("mode");
        o.bulk("standalone");
        o.bulk("role");
        o.bulk("master");
        o.bulk("modules");
        o.arrayHeader(0);
    }

    // QUIT
    public static void quit(final Ctx c) {
        c.out.ok();
        c.client.closeAfterReply();
    }

    // MONITOR: from now on this connection receives a line for every command the server runs
    public static void monitor(final Ctx c) {
        final Connection conn = c.client;
        if (c.inTransaction) {
            c.out.error("ERR MONITOR isn't allowed for DENY BLOCKING client"); // a reply per command is expected
            return;
        }
        if (conn.state().monitor) {
            return; // Redis ignores a second MONITOR, without a reply
        }
        conn.state().monitor = true;
        c.server.monitors.add(conn);
        c.out.ok();
    }

    // RESET
    public static void reset(final Ctx c) {
        final Connection conn = c.client;
        // back to a fresh connection's state
        if (conn.state().monitor) {
            c.server.monitors.remove(conn);
        }
        conn.tx.discard();
        io.moon.server.tx.TransactionCommands.unwatchAll(conn);
        conn.state().reset(c.server.acl.defaultUser());
        c.server.pubsub.dropAll(conn);
        conn.tracking.disable();
        c.out.bind(c.out.out(), 2);
        c.out.raw(RESET);
    }
}
