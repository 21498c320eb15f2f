package io.moon.server.command;

import io.moon.protocol.Request;

import java.util.Locale;

/**
 * One row of the command table: everything the dispatcher, admission and COMMAND need to know
 * about a command, and the code that runs it.
 *
 * <p>Routing:
 * <ul>
 *   <li>{@link Route#LOCAL}: no keys; runs on the connection's own thread and may use its state
 *       (PING, SELECT, CLIENT ...).</li>
 *   <li>{@link Route#KEYED}: runs on the shard that owns its keys. When the keys span shards the
 *       dispatcher starts {@link #multi} instead, a cross-shard transaction.</li>
 *   <li>{@link Route#COORDINATED}: always goes through {@link #multi} (keyspace-wide commands,
 *       fan-outs).</li>
 * </ul>
 * Immutable after the table is built; shared by all threads.
 */
public final class CommandSpec {
    public enum Route { LOCAL, KEYED, COORDINATED }

    final String name;
    final String fullName;
    final byte[] upperName;
    final int arity;
    final long flags;
    final long categories;
    final int firstKey;
    final int lastKey;
    final int keyStep;
    final KeySpec[] keySpecs;
    final String[] tips;
    /** Every key counts as written whatever its key spec says (XREADGROUP changes a group under an RO spec). */
    private final boolean keysWritten;
    final Route route;
    final Handler handler;
    final MultiShard multi;
    final KeyRouter router;
    /** Finds the keys when their positions depend on the arguments; null for a fixed range. */
    final KeyFinder finder;
    /** One finder per key spec (null for an unknown spec), for ACL's per-spec key permissions. */
    private final KeyFinder[] specFinders;
    final CommandSpec parent;
    CommandSpec[] subcommands = new CommandSpec[0];
    /** Index in the table, for per-command statistics. Never persisted. */
    int id;

    CommandSpec(final Builder b, final CommandSpec parent) {
        this.name = b.name.toLowerCase(Locale.ROOT);
        this.parent = parent;
        this.fullName = parent == null ? name : parent.name + "|" + name;
        this.upperName = name.toUpperCase(Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        this.arity = b.arity;
        this.flags = b.flags;
        this.categories = Flags.withImplicit(b.categories, b.flags);
        this.firstKey = b.firstKey;
        this.lastKey = b.lastKey;
        this.keyStep = b.keyStep;
        this.keySpecs = b.keySpecs;
        this.tips = b.tips;
        this.keysWritten = b.keysWritten;
        this.route = b.route;
        this.handler = b.handler;
        this.multi = b.multi;
        this.router = b.router;
        KeyFinder f = b.finder;
        if (f == null) {
            for (final KeySpec k : b.keySpecs) {
                if (k.keynum() || k.keyword() != null) {
                    f = new KeyFinder.FromSpecs(b.keySpecs);
                    break;
                }
            }
        }
        this.finder = f;
        this.specFinders = new KeyFinder[b.keySpecs.length];
        for (int i = 0; i < specFinders.length; i++) {
            specFinders[i] = b.keySpecs[i].isUnknown() ? null : new KeyFinder.FromSpecs(new KeySpec[] {b.keySpecs[i]});
        }
    }

    /** Number of keys key spec {@code spec} finds in r (0 for an unknown spec). For ACL key checks. */
    public int specKeyCount(final int spec, final Request r) {
        final KeyFinder f = specFinders[spec];
        return f == null ? 0 : f.keyCount(r);
    }

    /** Argument index of the n-th key key spec {@code spec} finds in r. */
    public int specKeyArg(final int spec, final Request r, final int n) {
        return specFinders[spec].keyArg(r, n);
    }

    public String name() {
        return name;
    }

    /** "config|get" for subcommands, the name otherwise. */
    public String fullName() {
        return fullName;
    }

    public int arity() {
        return arity;
    }

    public long flags() {
        return flags;
    }

    public boolean has(final long flag) {
        return (flags & flag) != 0;
    }

    public long categories() {
        return categories;
    }

    public int firstKey() {
        return firstKey;
    }

    public int lastKey() {
        return lastKey;
    }

    public int keyStep() {
        return keyStep;
    }

    public KeySpec[] keySpecs() {
        return keySpecs;
    }

    public String[] tips() {
        return tips;
    }

    public Route route() {
        return route;
    }

    public Handler handler() {
        return handler;
    }

    public MultiShard multi() {
        return multi;
    }

    public KeyRouter router() {
        return router;
    }

    public CommandSpec parent() {
        return parent;
    }

    public CommandSpec[] subcommands() {
        return subcommands;
    }

    public int id() {
        return id;
    }

    /** True when the argument count fits the arity (exact when positive, a minimum when negative). */
    public boolean arityOk(final int argc) {
        return arity > 0 ? argc == arity : argc >= -arity;
    }

    /** See {@link KeyFinder#reachesOtherKeys}. */
    public boolean reachesOtherKeys(final Request r) {
        return finder != null && finder.reachesOtherKeys(r);
    }

    /** Number of keys in the request (from the fixed range, or the key finder for movable keys). */
    public int keyCount(final Request r) {
        if (finder != null) {
            return finder.keyCount(r);
        }
        if (firstKey <= 0) {
            return 0;
        }
        final int last = lastKeyIndex(r.argc());
        return last < firstKey ? 0 : (last - firstKey) / keyStep + 1;
    }

    /**
     * Whether every keynum key spec finds its keys in r (numkeys an integer of at least 1, the keys
     * within the arguments). When one does not, Redis's key extraction fails as a whole (COMMAND
     * GETKEYS: "Invalid arguments specified for command") even if other specs found keys. Cold path.
     */
    public boolean keynumSpecsFindKeys(final Request r) {
        for (final KeySpec s : keySpecs) {
            if (s.keynum() && new KeyFinder.FromSpecs(new KeySpec[] {s}).keyCount(r) == 0) {
                return false;
            }
        }
        return true;
    }

    /** Argument index of the request's n-th key (0 <= n < {@link #keyCount}). */
    public int keyArg(final Request r, final int n) {
        return finder != null ? finder.keyArg(r, n) : firstKey + n * keyStep;
    }

    /** The key finder of a movable-key command, or null. */
    public KeyFinder finder() {
        return finder;
    }

    /** True when key positions depend on the arguments (Redis's movablekeys). */
    public boolean movableKeys() {
        return finder != null;
    }

    /**
     * Whether the command writes the key at argument {@code arg}: the flags of the key spec that
     * covers it (RW, OW, RM), or the command's WRITE flag when it declares no key specs.
     */
    /** EVAL, EVALSHA and their _RO forms (and FCALL): what they touch is known only as they run. */
    public boolean isScript() {
        return name.startsWith("eval") || name.startsWith("fcall");
    }

    /**
     * Whether the command may change data: a WRITE command, or one not flagged either way whose
     * key specs say it writes (EVAL, EVALSHA: a script's writes are not known in advance).
     */
    public boolean mayWrite() {
        if (has(Flags.WRITE)) {
            return true;
        }
        if (has(Flags.READONLY)) {
            return false;
        }
        for (final KeySpec s : keySpecs) {
            for (final String f : s.flags()) {
                if (f.equals("RW") || f.equals("OW") || f.equals("RM")) {
                    return true;
                }
            }
        }
        return false;
    }

    public boolean writesKeyAt(final Request r, final int arg) {
        if (keysWritten) {
            return true;
        }
        if (keySpecs.length == 0) {
            return has(Flags.WRITE);
        }
        for (final KeySpec s : keySpecs) {
            final KeyFinder one = new KeyFinder.FromSpecs(new KeySpec[] {s});
            final int n = one.keyCount(r);
            for (int i = 0; i < n; i++) {
                if (one.keyArg(r, i) == arg) {
                    for (final String f : s.flags()) {
                        if (f.equals("RW") || f.equals("OW") || f.equals("RM")) {
                            return true;
                        }
                    }
                    return false;
                }
            }
        }
        return has(Flags.WRITE);
    }

    /** Index of the last key for a request of argc arguments, or -1 when there are no keys. */
    public int lastKeyIndex(final int argc) {
        if (firstKey <= 0) {
            return -1;
        }
        final int last = lastKey >= 0 ? lastKey : argc + lastKey;
        return Math.min(last, argc - 1);
    }

    @Override
    public String toString() {
        return fullName;
    }

    // ---- building ------------------------------------------------------------------------------

    /** Starts a row; see {@link CommandTable} for how rows read. */
    public static Builder cmd(final String name, final int arity, final String flags) {
        return new Builder(name, arity, Flags.parse(flags));
    }

    /** Fluent builder for one table row. */
    public static final class Builder {
        final String name;
        final int arity;
        final long flags;
        long categories;
        int firstKey;
        int lastKey;
        int keyStep;
        KeySpec[] keySpecs = new KeySpec[0];
        String[] tips = new String[0];
        boolean keysWritten;
        Route route = Route.LOCAL;
        Handler handler;
        MultiShard multi;
        KeyRouter router;
        KeyFinder finder;
        Builder[] subs = new Builder[0];

        Builder(final String name, final int arity, final long flags) {
            this.name = name;
            this.arity = arity;
            this.flags = flags;
        }

        /** ACL categories beyond the ones implied by the flags, e.g. "@string @keyspace". */
        public Builder acl(final String categories) {
            this.categories |= Flags.parseCategories(categories);
            return this;
        }

        /** Key positions (first, last, step; last may be negative, counted from the end). */
        public Builder keys(final int first, final int last, final int step, final String... keySpecFlags) {
            this.firstKey = first;
            this.lastKey = last;
            this.keyStep = step;
            if (route == Route.LOCAL) {
                route = Route.KEYED;
            }
            if (keySpecFlags.length > 0) {
                this.keySpecs = KeySpec.range(first, last, step, keySpecFlags);
            }
            return this;
        }

        /** Explicit key specs for COMMAND INFO/DOCS when the simple range form is not enough. */
        public Builder keySpecs(final KeySpec... specs) {
            this.keySpecs = specs;
            return this;
        }

        /** A custom key finder (SORT's STORE); keynum key specs get one without this. */
        public Builder finder(final KeyFinder f) {
            this.finder = f;
            return this;
        }

        /** Marks every key as written (see {@link #writesKeyAt}), whatever the key specs say. */
        public Builder keysWritten() {
            this.keysWritten = true;
            return this;
        }

        public Builder tips(final String... tips) {
            this.tips = tips;
            return this;
        }

        /** Runs on the connection's thread. */
        public Builder local(final Handler h) {
            this.route = Route.LOCAL;
            this.handler = h;
            return this;
        }

        /** Runs on the shard owning the keys; {@code multi} handles keys that span shards. */
        public Builder keyed(final Handler h, final MultiShard multi) {
            this.route = Route.KEYED;
            this.handler = h;
            this.multi = multi;
            return this;
        }

        public Builder keyed(final Handler h) {
            return keyed(h, null);
        }

        /** Runs on the shard {@code router} picks from the arguments (e.g. SCAN's cursor). */
        public Builder routed(final KeyRouter router, final Handler h) {
            this.route = Route.KEYED;
            this.router = router;
            this.handler = h;
            return this;
        }

        /** Always coordinated across shards. */
        public Builder coordinated(final MultiShard multi) {
            this.route = Route.COORDINATED;
            this.multi = multi;
            return this;
        }

        public Builder subcommands(final Builder... subs) {
            this.subs = subs;
            return this;
        }
    }
}
