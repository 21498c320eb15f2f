package io.moon.server.acl;

import io.moon.server.command.CommandTable;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server's ACL users, shared by every shard's connections.
 *
 * <p>Memory ordering: the user table is an immutable sorted map behind one volatile reference
 * ({@link #users}), replaced whole on every change; changes (ACL SETUSER, DELUSER, LOAD, CONFIG
 * SET requirepass) are serialized by this object's monitor. Readers take no lock.
 */
public final class Acl {
    public static final String DEFAULT = "default";

    final CommandTable table;
    private volatile Map<String, AclUser> users;
    /** The default user: the one every new connection starts as. */
    private final AclUser defaultUser;
    private final io.moon.server.config.Config config;
    public final AclLog log = new AclLog();

    public Acl(final CommandTable table, final io.moon.server.config.Config config) {
        this.table = table;
        this.config = config;
        this.defaultUser = new AclUser(DEFAULT, defaultPerms(config.requirepass));
        this.users = Collections.unmodifiableMap(new TreeMap<>(Map.of(DEFAULT, defaultUser)));
    }

    int commandCount() {
        return table.all().size();
    }

    /** Redis's default user: on, nopass (or requirepass), every key, channel and command. */
    Perms defaultPerms(final String requirepass) {
        final Perms p = new Perms(commandCount());
        for (final String op : new String[] {"on", "~*", "&*", "+@all"}) {
            p.apply(op, table, true);
        }
        p.apply(requirepass.isEmpty() ? "nopass" : ">" + requirepass, table, true);
        return p.freeze();
    }

    public AclUser defaultUser() {
        return defaultUser;
    }

    /** The user named {@code name}, or null. */
    public AclUser user(final String name) {
        return users.get(name);
    }

    /** Every user, sorted by name (ACL USERS, ACL LIST). */
    public List<AclUser> all() {
        return List.copyOf(users.values());
    }

    /** acl-pubsub-default: whether new users and selectors start with allchannels. */
    boolean pubsubAllChannels() {
        return "allchannels".equals(config.get("acl-pubsub-default"));
    }

    /** CONFIG SET requirepass (and startup): the default user's password becomes it, as in Redis. */
    public synchronized void requirepass(final String pass) {
        final Perms p = defaultUser.perms.copy();
        p.apply("resetpass", table, false);
        p.apply(pass.isEmpty() ? "nopass" : ">" + pass, table, false);
        defaultUser.perms = p.freeze();
    }

    /**
     * ACL SETUSER: applies the rules in order to a copy of the user (a new user when it does not
     * exist), and publishes it when every rule applied. Returns null, or the refused rule's index
     * and reason.
     */
    public synchronized Refusal setUser(final String name, final List<String> ops) {
        final boolean pubsubAllChannels = pubsubAllChannels();
        final AclUser existing = users.get(name);
        final Perms p;
        if (existing != null) {
            p = existing.perms.copy();
        } else {
            p = new Perms(commandCount());
            if (pubsubAllChannels) {
                p.root.apply("allchannels", table);
            }
        }
        for (int i = 0; i < ops.size(); i++) {
            final String err = p.apply(ops.get(i), table, pubsubAllChannels);
            if (err != null) {
                return new Refusal(i, err);
            }
        }
        if (existing != null) {
            existing.perms = p.freeze();
        } else {
            final TreeMap<String, AclUser> next = new TreeMap<>(users);
            next.put(name, new AclUser(name, p.freeze()));
            users = Collections.unmodifiableMap(next);
        }
        return null;
    }

    /** A rule ACL SETUSER refused: its position among the rules and the reason. */
    public record Refusal(int index, String reason) {
    }

    /** ACL DELUSER: removes the users (never the default one); returns those removed. */
    public synchronized List<AclUser> delete(final List<String> names) {
        final TreeMap<String, AclUser> next = new TreeMap<>(users);
        final List<AclUser> removed = new java.util.ArrayList<>();
        for (final String n : names) {
            final AclUser u = next.remove(n);
            if (u != null) {
                u.deleted = true;
                removed.add(u);
            }
        }
        users = Collections.unmodifiableMap(next);
        return removed;
    }

    /**
     * Replaces the whole table (ACL LOAD, startup from the aclfile or config "user" lines). Users
     * kept by name keep their identity; the others are marked deleted. Returns the users whose
     * connections are to be closed: those removed, and those whose rules changed (not the default).
     */
    synchronized List<AclUser> replaceAll(final Map<String, Perms> loaded) {
        final TreeMap<String, AclUser> next = new TreeMap<>();
        final List<AclUser> gone = new java.util.ArrayList<>();
        for (final AclUser u : users.values()) {
            final Perms p = loaded.get(u.name);
            if (p == null && !u.name.equals(DEFAULT)) {
                u.deleted = true;
                gone.add(u);
            } else {
                final Perms now = p != null ? p.freeze() : defaultPerms("");
                if (!u.name.equals(DEFAULT) && !now.describe().equals(u.perms.describe())) {
                    gone.add(u); // Redis 7.2: a user whose rules changed loses its connections
                }
                u.perms = now;
                next.put(u.name, u);
            }
        }
        for (final Map.Entry<String, Perms> e : loaded.entrySet()) {
            if (!next.containsKey(e.getKey())) {
                next.put(e.getKey(), new AclUser(e.getKey(), e.getValue().freeze()));
            }
        }
        users = Collections.unmodifiableMap(next);
        return gone;
    }

    /**
     * AUTH and HELLO AUTH: the user when it exists, is on and the password opens it; null
     * otherwise. Cold path.
     */
    public AclUser authenticate(final String name, final byte[] pass, final int off, final int len) {
        final AclUser u = users.get(name);
        if (u == null) {
            return null;
        }
        final Perms p = u.perms;
        return p.on && p.checkPassword(pass, off, len) ? u : null;
    }

    /** ACL LIST: "user NAME rules" for every user. */
    public List<String> describeAll() {
        final List<String> out = new java.util.ArrayList<>();
        for (final AclUser u : users.values()) {
            out.add("user " + u.name + " " + u.perms.describe());
        }
        return out;
    }
}
