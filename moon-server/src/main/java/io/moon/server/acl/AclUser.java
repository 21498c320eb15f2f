package io.moon.server.acl;

/**
 * An ACL user. Connections hold a reference to the user they authenticated as; the user's
 * rights are one immutable {@link Perms} behind a volatile reference, replaced whole by ACL
 * SETUSER (and ACL LOAD), so a connection sees a change from its next command on.
 *
 * <p>Memory ordering: {@link #perms} is written under {@link Acl}'s lock and read by any thread
 * without one; the volatile write publishes the Perms and everything it references.
 */
public final class AclUser {
    final String name;
    volatile Perms perms;
    /** Removed by ACL DELUSER or ACL LOAD: authenticating as it fails, its connections are closed. */
    volatile boolean deleted;

    AclUser(final String name, final Perms perms) {
        this.name = name;
        this.perms = perms;
    }

    public String name() {
        return name;
    }

    /** True when the user may run everything: admission then checks nothing more. The hot-path check. */
    public boolean unrestricted() {
        return perms.unrestricted;
    }

    /** Whether a connection authenticates as this user without a password (Redis: nopass and on). */
    public boolean noAuthNeeded() {
        final Perms p = perms;
        return p.nopass && p.on;
    }
}
