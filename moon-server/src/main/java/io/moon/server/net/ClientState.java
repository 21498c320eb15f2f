package io.moon.server.net;

import io.moon.server.command.CommandSpec;

/**
 * What a connection remembers between commands: selected database, protocol, authentication,
 * names, reply mode and flags. Owned by the connection's thread; read by CLIENT LIST/INFO on that
 * thread only (CLIENT LIST fans out to each shard for its own connections).
 */
public final class ClientState {
    public int db;
    public int proto = 2;
    public boolean authenticated;
    public String user = "default";
    /** The ACL user this connection runs as; its rights are read once per command (Dispatcher). */
    public io.moon.server.acl.AclUser aclUser;
    public String name = "";
    public String libName = "";
    public String libVer = "";
    /** CLIENT REPLY OFF. */
    public boolean replyOff;
    /** CLIENT REPLY SKIP was the last command: the next command's reply is dropped. */
    public boolean skipArmed;
    /** The running command's reply is dropped (it follows CLIENT REPLY SKIP). */
    public boolean skipCurrent;
    public boolean noEvict;
    /** The memory this connection last reported to client eviction (net.ClientEviction); its shard's thread. */
    long reportedMemoryBytes;
    public boolean noTouch;
    /** MONITOR mode (CLIENT LIST flag O). */
    public boolean monitor;
    public long createdMillis;
    public long lastInteractionMillis;
    public CommandSpec lastCommand;
    public String addr = "";
    public String laddr = "";

    /** Back to a fresh connection's state (RESET): the default user, authenticated when it needs no password. */
    public void reset(final io.moon.server.acl.AclUser defaultUser) {
        db = 0;
        proto = 2;
        authenticated = defaultUser.noAuthNeeded();
        aclUser = defaultUser;
        user = defaultUser.name();
        name = "";
        replyOff = false;
        skipArmed = false;
        // skipCurrent stays: after CLIENT REPLY SKIP, RESET's own reply is the one skipped (Redis
        // clears REPLY_OFF and SKIP_NEXT, not the SKIP already in force)
        noEvict = false;
        noTouch = false;
        monitor = false;
    }

    /** ip:port as CLIENT LIST shows it ([v6]:port for IPv6). */
    static String address(final java.net.SocketAddress a) {
        if (a instanceof java.net.InetSocketAddress i) {
            final String host = i.getAddress() == null ? i.getHostString() : i.getAddress().getHostAddress();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + i.getPort();
        }
        return a == null ? "" : a.toString();
    }
}
