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

    private final List<CommandSpec> all = new ArrayList<>();
    private final CommandSpec[] slots = new CommandSpec[1024];

    private CommandTable() {
        for (final CommandSpec.Builder b : rows()) {
            final CommandSpec spec = build(b, null);
            final int i = slotFor(spec.upperName, 0, spec.upperName.length);
            slots[i] = spec;
        }
    }

    public static CommandTable instance() {
        return INSTANCE;
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
            if (equalsUpper(s.upperName, b, off, len)) {
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

    /** Top-level commands, in table order. */
    public List<CommandSpec> topLevel() {
        final List<CommandSpec> out = new ArrayList<>();
        for (final CommandSpec s : all) {
            if (s.parent == null) {
                out.add(s);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Every row, subcommands included. */
    public List<CommandSpec> all() {
        return Collections.unmodifiableList(all);
    }

    /** Finds "get" or "config|get" by full name; cold path. */
    public CommandSpec byFullName(final String fullName) {
        for (final CommandSpec s : all) {
            if (s.fullName.equalsIgnoreCase(fullName)) {
                return s;
            }
        }
        return null;
    }
}
