package io.moon.server.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Command flags and ACL categories, with Redis's names, in the order COMMAND INFO prints them.
 * The implicit categories (@read, @write, @fast, @slow, @admin, @dangerous, @blocking, @pubsub)
 * are derived from the flags in {@link #implicitCategories}, as Redis does.
 */
public final class Flags {
    private Flags() {
    }

    static final String[] FLAG_NAMES = {
        "write", "readonly", "denyoom", "module", "admin", "pubsub", "noscript", "blocking", "loading",
        "stale", "skip_monitor", "skip_slowlog", "asking", "fast", "no_auth", "may_replicate", "sentinel",
        "only_sentinel", "no_mandatory_keys", "protected", "no_async_loading", "no_multi", "movablekeys",
        "allow_busy",
    };

    public static final long WRITE = bit("write");
    public static final long READONLY = bit("readonly");
    public static final long DENYOOM = bit("denyoom");
    public static final long ADMIN = bit("admin");
    public static final long PUBSUB = bit("pubsub");
    public static final long NOSCRIPT = bit("noscript");
    public static final long BLOCKING = bit("blocking");
    public static final long LOADING = bit("loading");
    public static final long STALE = bit("stale");
    public static final long FAST = bit("fast");
    public static final long NO_AUTH = bit("no_auth");
    /** Refused unless enable-debug-command allows it (DEBUG); COMMAND INFO does not show it. */
    public static final long PROTECTED = bit("protected");
    public static final long MAY_REPLICATE = bit("may_replicate");
    public static final long NO_MANDATORY_KEYS = bit("no_mandatory_keys");
    public static final long NO_MULTI = bit("no_multi");
    public static final long MOVABLEKEYS = bit("movablekeys");
    public static final long ALLOW_BUSY = bit("allow_busy");
    public static final long SKIP_SLOWLOG = bit("skip_slowlog");
    public static final long SKIP_MONITOR = bit("skip_monitor");

    static final String[] CATEGORY_NAMES = {
        "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap", "hyperloglog",
        "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection",
        "transaction", "scripting",
    };

    public static final long CAT_READ = category("read");
    public static final long CAT_WRITE = category("write");
    public static final long CAT_ADMIN = category("admin");
    public static final long CAT_FAST = category("fast");
    public static final long CAT_SLOW = category("slow");
    public static final long CAT_BLOCKING = category("blocking");
    public static final long CAT_DANGEROUS = category("dangerous");
    public static final long CAT_PUBSUB = category("pubsub");
    public static final long CAT_SCRIPTING = category("scripting");

    private static long bit(final String name) {
        for (int i = 0; i < FLAG_NAMES.length; i++) {
            if (FLAG_NAMES[i].equals(name)) {
                return 1L << i;
            }
        }
        throw new IllegalArgumentException("unknown flag " + name);
    }

    private static long category(final String name) {
        for (int i = 0; i < CATEGORY_NAMES.length; i++) {
            if (CATEGORY_NAMES[i].equals(name)) {
                return 1L << i;
            }
        }
        throw new IllegalArgumentException("unknown ACL category " + name);
    }

    /** "write denyoom fast" -> bits. */
    static long parse(final String flags) {
        long f = 0;
        for (final String s : flags.trim().split("\\s+")) {
            if (!s.isEmpty()) {
                f |= bit(s.toLowerCase(Locale.ROOT));
            }
        }
        return f;
    }

    /** The bit of the ACL category named {@code name} (no '@', lower case), or 0 when there is none. */
    public static long categoryBit(final String name) {
        for (int i = 0; i < CATEGORY_NAMES.length; i++) {
            if (CATEGORY_NAMES[i].equals(name)) {
                return 1L << i;
            }
        }
        return 0;
    }

    /** "@string @keyspace" -> bits. */
    static long parseCategories(final String cats) {
        long c = 0;
        for (final String s : cats.trim().split("\\s+")) {
            if (!s.isEmpty()) {
                c |= category(s.startsWith("@") ? s.substring(1) : s);
            }
        }
        return c;
    }

    /** A command's categories with the implicit ones; read-only scripting commands are not @read, as in Redis. */
    static long withImplicit(final long categories, final long flags) {
        final long c = categories | implicitCategories(flags);
        return (categories & CAT_SCRIPTING) != 0 ? c & ~CAT_READ : c;
    }

    /** Categories every command gets from its flags (Redis's setImplicitACLCategories). */
    static long implicitCategories(final long flags) {
        long c = 0;
        if ((flags & WRITE) != 0) {
            c |= CAT_WRITE;
        }
        if ((flags & READONLY) != 0) {
            c |= CAT_READ;
        }
        if ((flags & ADMIN) != 0) {
            c |= CAT_ADMIN | CAT_DANGEROUS;
        }
        if ((flags & PUBSUB) != 0) {
            c |= CAT_PUBSUB;
        }
        if ((flags & FAST) != 0) {
            c |= CAT_FAST;
        }
        if ((flags & BLOCKING) != 0) {
            c |= CAT_BLOCKING;
        }
        if ((flags & FAST) == 0) {
            c |= CAT_SLOW;
        }
        return c;
    }

    /** Flag names set in {@code flags}, in COMMAND INFO order. */
    public static List<String> flagNames(final long flags) {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < FLAG_NAMES.length; i++) {
            if ((flags & (1L << i)) != 0) {
                out.add(FLAG_NAMES[i]);
            }
        }
        return out;
    }

    /** "@read", "@string", ... in COMMAND INFO order. */
    public static List<String> categoryNames(final long cats) {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < CATEGORY_NAMES.length; i++) {
            if ((cats & (1L << i)) != 0) {
                out.add("@" + CATEGORY_NAMES[i]);
            }
        }
        return out;
    }

    public static List<String> allCategoryNames() {
        return List.of(CATEGORY_NAMES);
    }
}
