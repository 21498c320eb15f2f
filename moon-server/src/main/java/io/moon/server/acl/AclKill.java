package io.moon.server.acl;

import io.moon.server.Server;
import io.moon.server.Shard;
import io.moon.server.net.Connection;

import java.util.List;

/**
 * Ends the connections an ACL change takes rights from, as Redis 7.2: those authenticated as a
 * deleted user (ACL DELUSER, ACL LOAD), and subscribers whose user may no longer listen to one of
 * their channels or patterns (ACL SETUSER). Each shard closes its own connections, on its thread;
 * the connection that ran the ACL command gets its reply first.
 */
final class AclKill {
    private AclKill() {
    }

    static void clientsOf(final Server server, final List<AclUser> users, final Connection caller) {
        if (users.isEmpty()) {
            return;
        }
        if (caller != null && users.contains(caller.state().aclUser)) {
            caller.closeAfterReply();
        }
        for (int i = 0; i < server.shardCount(); i++) {
            final Shard shard = server.shard(i);
            shard.execute(() -> {
                for (final Connection conn : shard.clients().toArray(new Connection[0])) {
                    if (conn != caller && users.contains(conn.state().aclUser)) {
                        conn.close();
                    }
                }
            });
        }
    }

    static void pubsubIfNeeded(final Server server, final AclUser user, final Connection caller) {
        final Perms p = user.perms;
        if (p.root.allChannels) {
            return;
        }
        for (int i = 0; i < server.shardCount(); i++) {
            final Shard shard = server.shard(i);
            shard.execute(() -> {
                for (final Connection conn : shard.clients().toArray(new Connection[0])) {
                    if (conn.state().aclUser == user && !conn.subscriptions().all((name, pattern) -> allowed(p, name, pattern))) {
                        if (conn == caller) {
                            conn.closeAfterReply();
                        } else {
                            conn.close();
                        }
                    }
                }
            });
        }
    }

    private static boolean allowed(final Perms p, final String name, final boolean pattern) {
        if (AclCheck.channelAllowed(p.root, name, pattern)) {
            return true;
        }
        for (final Selector s : p.selectors) {
            if (AclCheck.channelAllowed(s, name, pattern)) {
                return true;
            }
        }
        return false;
    }
}
