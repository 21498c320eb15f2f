package io.moon.server.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every command Moon knows: one row each, with Redis's arity, flags, key positions, ACL
 * categories and key specs, and the handler that runs it. A command lives in three places: its
 * row (in {@link DataRows}, {@link ServerRows} or its family's rows class, gathered here), its
 * handler in its family class, and its tests (docs/adding-a-command.md).
 *
 * <p>Reading a row: {@code cmd(name, arity, flags)} then {@code .acl(extra categories)},
 * {@code .keys(first, last, step, key spec flags...)}, and how it runs: {@code .local(handler)}
 * on the connection's thread, {@code .keyed(handler, multi)} on the shard owning the keys (with
 * {@code multi} when keys may span shards), {@code .coordinated(multi)} across shards, or
 * {@code .routed(router, handler)}. Implicit categories (@read, @write, @fast, @slow, @admin,
 * @dangerous...) come from the flags.
 *
 * <p>Lookup by name is case-insensitive, over the request bytes, and allocates nothing.
 */
public final class CommandTable {
    private static final CommandTable INSTANCE = new CommandTable();

    private final List<CommandSpec> all;
    private final CommandSpec[] slots = new CommandSpec[1024];
    /** The name each slot answers to, upper case: the row's own, or the one rename-command gave it. */
    private final byte[][] slotNames = new byte[1024][];
    /** By row id: whether the row's top-level command can be called here (rename-command "" removes it). */
    private final boolean[] present;

    private CommandTable() {
        all = new ArrayList<>();
        for (final CommandSpec.Builder b : rows()) {
            final CommandSpec spec = build(b, null);
            put(spec.upperName, spec);
        }
        present = new boolean[all.size()];
        java.util.Arrays.fill(present, true);
    }

    /**
     * The same rows under other names (Redis's rename-command): {@code names} maps a top-level
     * command's name (lower case) to the name it answers to, or to "" when it cannot be called.
     * Rows keep their own names for COMMAND INFO, LIST and DOCS replies, ACL rules and
     * statistics, as in Redis; only lookup by name changes.
     */
    private CommandTable(final CommandTable base, final java.util.Map<String, String> names) {
        all = base.all;
        present = new boolean[all.size()];
        for (final CommandSpec spec : all) {
            if (spec.parent != null) {
                continue;
            }
            final String name = names.getOrDefault(spec.name(), spec.name());
            if (!name.isEmpty()) {
                put(name.toUpperCase(java.util.Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.UTF_8), spec);
                mark(spec);
            }
        }
    }

    private void mark(final CommandSpec spec) {
        present[spec.id] = true;
        for (final CommandSpec sub : spec.subcommands) {
            mark(sub);
        }
    }

    private void put(final byte[] upper, final CommandSpec spec) {
        final int i = slotFor(upper, 0, upper.length);
        slots[i] = spec;
        slotNames[i] = upper;
    }

    public static CommandTable instance() {
        return INSTANCE;
    }

    /** This table with commands renamed or removed (see the constructor); this one when there is nothing to do. */
    public CommandTable renamed(final java.util.Map<String, String> names) {
        return names.isEmpty() ? this : new CommandTable(this, names);
    }

    /** False for a command (or a subcommand of one) that rename-command removed or renamed away from here. */
    public boolean callable(final CommandSpec spec) {
        return present[spec.id];
    }

    private CommandSpec build(final CommandSpec.Builder b, final CommandSpec parent) {
        final CommandSpec spec = new CommandSpec(b, parent);
        spec.id = all.size();
        all.add(spec);
        final CommandSpec[] subs = new CommandSpec[b.subs.length];
        for (int i = 0; i < subs.length; i++) {
            subs[i] = build(b.subs[i], spec);
        }
        spec.subcommands = subs;
        return spec;
    }

    /** Every row, in the order COMMAND lists them; each family file adds its own. */
    private static CommandSpec.Builder[] rows() {
        final List<CommandSpec.Builder> rows = new ArrayList<>();
        Collections.addAll(rows, ServerRows.session());
        Collections.addAll(rows, DataRows.rows());
        Collections.addAll(rows, ServerRows.server());
        Collections.addAll(rows, HllRows.rows());
        Collections.addAll(rows, BitmapRows.rows());
        Collections.addAll(rows, GeoRows.rows());
        Collections.addAll(rows, FunctionRows.rows());
        Collections.addAll(rows, StandaloneRows.rows());
        Collections.addAll(rows, AclRows.rows());
        Collections.addAll(rows, StreamRows.rows());
        return rows.toArray(new CommandSpec.Builder[0]);
    }

    // ---- lookup --------------------------------------------------------------------------------

    private static int hash(final byte[] b, final int off, final int len) {
        int h = 0x811c9dc5;
        for (int i = off; i < off + len; i++) {
            int c = b[i];
            if (c >= 'a' && c <= 'z') {
                c -= 32;
            }
            h = (h ^ c) * 0x01000193;
        }
        return h ^ (h >>> 15);
    }

    private int slotFor(final byte[] upper, final int off, final int len) {
        final int mask = slots.length - 1;
        int i = hash(upper, off, len) & mask;
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** The top-level command named by b[off, off+len), any case, or null. */
    public CommandSpec lookup(final byte[] b, final int off, final int len) {
        final int mask = slots.length - 1;
        int i = hash(b, off, len) & mask;
        CommandSpec s;
        while ((s = slots[i]) != null) {
            if (equalsUpper(slotNames[i], b, off, len)) {
                return s;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** The subcommand of {@code parent} named by b[off, off+len), or null. */
    public static CommandSpec subcommand(final CommandSpec parent, final byte[] b, final int off, final int len) {
        for (final CommandSpec s : parent.subcommands) {
            if (equalsUpper(s.upperName, b, off, len)) {
                return s;
            }
        }
        return null;
    }

    private static boolean equalsUpper(final byte[] upper, final byte[] b, final int off, final int len) {
        if (upper.length != len) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            int c = b[off + k];
            if (c >= 'a' && c <= 'z') {
                c -= 32;
            }
            if (c != upper[k]) {
                return false;
            }
        }
        return true;
    }

    /** Top-level commands that can be called, in table order. */
    public List<CommandSpec> topLevel() {
        final List<CommandSpec> out = new ArrayList<>();
        for (final CommandSpec s : all) {
            if (s.parent == null && present[s.id]) {
                out.add(s);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Every row, subcommands included. */
    public List<CommandSpec> all() {
        return Collections.unmodifiableList(all);
    }

    /**
     * Finds "get" or "config|get" as a client names it (COMMAND INFO, COMMAND DOCS): the
     * top-level part by the name it answers to here (rename-command); cold path.
     */
    public CommandSpec byCalledName(final String name) {
        final int bar = name.indexOf('|');
        final byte[] top = (bar < 0 ? name : name.substring(0, bar)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        final CommandSpec spec = lookup(top, 0, top.length);
        if (spec == null || bar < 0) {
            return spec;
        }
        final byte[] sub = name.substring(bar + 1).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return subcommand(spec, sub, 0, sub.length);
    }

    /** Finds "get" or "config|get" by the row's own full name, whatever rename-command did; cold path. */
    public CommandSpec byFullName(final String fullName) {
        for (final CommandSpec s : all) {
            if (s.fullName.equalsIgnoreCase(fullName)) {
                return s;
            }
        }
        return null;
    }
}
