package io.moon.server.acl;

import io.moon.protocol.Request;
import io.moon.server.command.CommandSpec;
import io.moon.server.command.Flags;
import io.moon.server.command.KeySpec;
import io.moon.storage.Glob;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Whether a user may run one command with its arguments (Redis's ACLCheckAllUserCommandPerm):
 * the command (or subcommand, or an allowed first argument), the keys by their key specs' read
 * and write flags against the %R/%W patterns, and the channels of PUBLISH and the SUBSCRIBE
 * family. A command is allowed when one selector allows all of it; otherwise the most telling
 * refusal (channel, then key, then command) is reported.
 *
 * <p>Only reached for users that are not {@link AclUser#unrestricted()}: the common case pays one
 * field read in admission. A result packs the reason (low byte) and the refused argument (above).
 */
public final class AclCheck {
    public static final int OK = 0;
    public static final int DENIED_CMD = 1;
    public static final int DENIED_KEY = 2;
    public static final int DENIED_AUTH = 3;
    public static final int DENIED_CHANNEL = 4;

    private AclCheck() {
    }

    public static int reason(final int result) {
        return result & 0xff;
    }

    public static int argIndex(final int result) {
        return result >>> 8;
    }

    /** OK, or the packed refusal of {@code spec} with request {@code r} for this user. */
    public static int check(final AclUser user, final CommandSpec spec, final Request r) {
        final Perms p = user.perms;
        if (p.unrestricted) {
            return OK;
        }
        int res = selector(p.root, spec, r);
        if (res == OK) {
            return OK;
        }
        for (final Selector s : p.selectors) {
            final int one = selector(s, spec, r);
            if (one == OK) {
                return OK;
            }
            if (reason(one) > reason(res)) {
                res = one;
            }
        }
        return res;
    }

    private static int selector(final Selector s, final CommandSpec spec, final Request r) {
        if (!spec.has(Flags.NO_AUTH) && !s.commandBit(spec.id()) && !firstArgAllowed(s, spec, r)) {
            return DENIED_CMD;
        }
        if (!s.allKeys) {
            final int k = keys(s, spec, r);
            if (k != OK) {
                return k;
            }
        }
        if (!s.allChannels) {
            return channels(s, spec, r);
        }
        return OK;
    }

    private static boolean firstArgAllowed(final Selector s, final CommandSpec spec, final Request r) {
        final List<String> args = s.firstArgs.get(spec.id());
        final int idx = spec.parent() != null ? 2 : 1;
        if (args == null || r.argc() <= idx) {
            return false;
        }
        final String a = r.argString(idx);
        for (final String allowed : args) {
            if (allowed.equalsIgnoreCase(a)) {
                return true;
            }
        }
        return false;
    }

    private static int keys(final Selector s, final CommandSpec spec, final Request r) {
        final KeySpec[] specs = spec.keySpecs();
        boolean unknown = false;
        for (int i = 0; i < specs.length; i++) {
            final KeySpec ks = specs[i];
            if (ks.isUnknown()) {
                unknown = true;
                continue;
            }
            final int need = needs(ks);
            if (need < 0) {
                continue; // not_key: a shard channel, not a key
            }
            final int n = spec.specKeyCount(i, r);
            for (int j = 0; j < n; j++) {
                final int arg = spec.specKeyArg(i, r, j);
                if (!keyAllowed(s, r, arg, need)) {
                    return DENIED_KEY | arg << 8;
                }
            }
        }
        if (unknown) {
            // keys found by the command's own rules (SORT's STORE): read, or written
            final int n = spec.keyCount(r);
            for (int j = 0; j < n; j++) {
                final int arg = spec.keyArg(r, j);
                if (!keyAllowed(s, r, arg, spec.writesKeyAt(r, arg) ? Selector.WRITE : Selector.READ)) {
                    return DENIED_KEY | arg << 8;
                }
            }
        }
        return OK;
    }

    /** The permissions a key spec needs (ACCESS reads; INSERT, DELETE, UPDATE write), -1 for not_key. */
    private static int needs(final KeySpec ks) {
        int need = 0;
        for (final String f : ks.flags()) {
            switch (f.toLowerCase(java.util.Locale.ROOT)) {
                case "not_key" -> {
                    return -1;
                }
                case "access" -> need |= Selector.READ;
                case "insert", "delete", "update" -> need |= Selector.WRITE;
                default -> {
                }
            }
        }
        return need;
    }

    private static boolean keyAllowed(final Selector s, final Request r, final int arg, final int need) {
        for (final Selector.KeyPattern k : s.keys) {
            if ((k.perms() & need) == need
                    && Glob.matches(k.bytes(), 0, k.bytes().length, r.buf(), r.off(arg), r.len(arg), false)) {
                return true;
            }
        }
        return false;
    }

    private static int channels(final Selector s, final CommandSpec spec, final Request r) {
        final int first;
        final int last;
        boolean pattern = false;
        switch (spec.fullName()) {
            case "publish", "spublish" -> {
                first = 1;
                last = 1;
            }
            case "subscribe", "ssubscribe" -> {
                first = 1;
                last = r.argc() - 1;
            }
            case "psubscribe" -> {
                first = 1;
                last = r.argc() - 1;
                pattern = true;
            }
            default -> {
                return OK;
            }
        }
        for (int i = first; i <= last && i < r.argc(); i++) {
            if (!channelAllowed(s, r.argString(i), pattern)) {
                return DENIED_CHANNEL | i << 8;
            }
        }
        return OK;
    }

    /** A channel against the selector's patterns; a PSUBSCRIBE pattern must equal one of them. */
    static boolean channelAllowed(final Selector s, final String channel, final boolean isPattern) {
        if (s.allChannels) {
            return true;
        }
        for (final String p : s.channels) {
            if (isPattern ? p.equals(channel) : Glob.matches(p, channel, false)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Redis 7.2's getAclErrorMessage: what a refusal says (after "-NOPERM " at top level, after
     * "ACL failure in script: " in scripts); verbose for ACL DRYRUN names the key or channel.
     */
    public static String message(final int result, final AclUser user, final CommandSpec spec, final Request r,
                                 final boolean verbose) {
        final int reason = reason(result);
        if (reason == DENIED_CMD) {
            return "User " + user.name + " has no permissions to run the '" + spec.fullName() + "' command";
        }
        final String what = reason == DENIED_KEY ? "key" : "channel";
        if (!verbose) {
            return "No permissions to access a " + what;
        }
        final int arg = argIndex(result);
        return "User " + user.name + " has no permissions to access the '"
                + new String(r.buf(), r.off(arg), r.len(arg), StandardCharsets.ISO_8859_1) + "' " + what;
    }

    /**
     * EXEC checks each queued command again, as Redis 7.2 does (the user's rights may have changed
     * since it was queued): null when it may run, otherwise the error to reply in its place (also
     * logged, context multi). {@code conn} is given only on the connection's own thread (for the
     * log's client-info).
     */
    public static String execRefusal(final io.moon.server.Server server, final AclUser user,
                                     final io.moon.server.net.Connection conn, final CommandSpec spec, final Request r) {
        if (user == null || user.unrestricted()) {
            return null;
        }
        final int res = check(user, spec, r);
        if (res == OK) {
            return null;
        }
        AclCommands.logDenial(server, conn, res, "multi", object(res, spec, r), user.name);
        final String reason = switch (reason(res)) {
            case DENIED_CMD -> "no permission to execute the command or subcommand";
            case DENIED_KEY -> "no permission to touch the specified keys";
            default -> "no permission to access one of the channels used as arguments";
        };
        return "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call."
                + " This command is no longer allowed for the following reason: " + reason;
    }

    /** The object an ACL LOG entry names: the command's full name, or the refused key or channel. */
    public static String object(final int result, final CommandSpec spec, final Request r) {
        if (reason(result) == DENIED_CMD) {
            return spec.fullName();
        }
        return r.argString(argIndex(result));
    }
}
