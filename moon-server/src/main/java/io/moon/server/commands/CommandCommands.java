package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.command.CommandSpec;
import io.moon.server.command.CommandTable;
import io.moon.server.command.Flags;
import io.moon.server.command.KeyFinder;
import io.moon.server.command.KeySpec;
import io.moon.storage.Glob;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * COMMAND and its subcommands, answered from the command table (clients such as Lettuce read
 * COMMAND at connect time). Replies have Redis 7.2's shapes, type for type, so RESP3 clients see
 * the same sets and maps: flags and categories are sets of status strings, tips a set of bulk
 * strings, key specs a set of maps, and a command without subcommands has an empty set of them.
 */
public final class CommandCommands {
    /** Flags Redis keeps to itself: COMMAND never shows them. */
    private static final Set<String> HIDDEN_FLAGS = Set.of("may_replicate", "sentinel", "only_sentinel", "protected");

    private CommandCommands() {
    }

    // COMMAND
    public static void command(final Ctx c) {
        final List<CommandSpec> top = c.server.commands.topLevel();
        c.out.arrayHeader(top.size());
        for (final CommandSpec s : top) {
            info(c.out, s);
        }
    }

    // COMMAND COUNT
    public static void count(final Ctx c) {
        c.out.integer(c.server.commands.topLevel().size());
    }

    // COMMAND INFO [command-name ...]
    public static void info(final Ctx c) {
        final Request r = c.req;
        if (r.argc() == 2) {
            command(c);
            return;
        }
        c.out.arrayHeader(r.argc() - 2);
        for (int i = 2; i < r.argc(); i++) {
            final CommandSpec s = c.server.commands.byCalledName(r.argString(i));
            if (s == null) {
                c.out.nullBulk(); // Redis's addReplyNull: "$-1" in RESP2
            } else {
                info(c.out, s);
            }
        }
    }

    /** One command's COMMAND INFO entry (10 elements). */
    static void info(final Reply o, final CommandSpec s) {
        o.arrayHeader(10);
        o.bulk(s.fullName());
        o.integer(s.arity());
        final List<String> flags = new ArrayList<>(Flags.flagNames(s.flags()));
        flags.removeAll(HIDDEN_FLAGS);
        o.setHeader(flags.size());
        for (final String f : flags) {
            o.simple(f);
        }
        o.integer(Math.max(0, s.firstKey()));
        o.integer(s.firstKey() <= 0 ? 0 : s.lastKey());
        o.integer(s.firstKey() <= 0 ? 0 : s.keyStep());
        final List<String> cats = Flags.categoryNames(s.categories());
        o.setHeader(cats.size());
        for (final String cat : cats) {
            o.simple(cat);
        }
        o.setHeader(s.tips().length);
        for (final String t : s.tips()) {
            o.bulk(t);
        }
        o.setHeader(s.keySpecs().length);
        for (int i = 0; i < s.keySpecs().length; i++) {
            keySpec(o, s.keySpecs()[i], CommandDocs.keySpecNote(s.fullName(), i));
        }
        if (s.subcommands().length == 0) {
            o.setHeader(0);
        } else {
            o.arrayHeader(s.subcommands().length);
        }
        for (final CommandSpec sub : s.subcommands()) {
            info(o, sub);
        }
    }

    /** One key spec map; {@code notes} (prose, kept with the docs) comes first when there is one. */
    private static void keySpec(final Reply o, final KeySpec k, final String notes) {
        o.mapHeader(notes == null ? 3 : 4);
        if (notes != null) {
            o.bulk("notes");
            o.bulk(notes);
        }
        o.bulk("flags");
        o.setHeader(k.flags().length);
        for (final String f : k.flags()) {
            o.simple(f);
        }
        o.bulk("begin_search");
        o.mapHeader(2);
        o.bulk("type");
        if (k.isUnknown()) {
            o.bulk("unknown");
            o.bulk("spec");
            o.mapHeader(0);
            o.bulk("find_keys");
            o.mapHeader(2);
            o.bulk("type");
            o.bulk("unknown");
            o.bulk("spec");
            o.mapHeader(0);
            return;
        }
        if (k.keyword() != null) {
            o.bulk("keyword");
            o.bulk("spec");
            o.mapHeader(2);
            o.bulk("keyword");
            o.bulk(k.keyword());
            o.bulk("startfrom");
            o.integer(k.beginIndex());
        } else {
            o.bulk("index");
            o.bulk("spec");
            o.mapHeader(1);
            o.bulk("index");
            o.integer(k.beginIndex());
        }
        o.bulk("find_keys");
        o.mapHeader(2);
        o.bulk("type");
        if (k.keynum()) {
            o.bulk("keynum");
            o.bulk("spec");
            o.mapHeader(3);
            o.bulk("keynumidx");
            o.integer(k.lastKeyOrKeynumIdx());
            o.bulk("firstkey");
            o.integer(k.limitOrFirstKey());
            o.bulk("keystep");
            o.integer(k.keyStep());
        } else {
            o.bulk("range");
            o.bulk("spec");
            o.mapHeader(3);
            o.bulk("lastkey");
            o.integer(k.lastKeyOrKeynumIdx());
            o.bulk("keystep");
            o.integer(k.keyStep());
            o.bulk("limit");
            o.integer(k.limitOrFirstKey());
        }
    }

    // COMMAND DOCS [command-name ...]
    public static void docs(final Ctx c) {
        final Request r = c.req;
        final List<CommandSpec> which = new ArrayList<>();
        if (r.argc() == 2) {
            which.addAll(c.server.commands.topLevel());
        } else {
            for (int i = 2; i < r.argc(); i++) {
                final CommandSpec s = c.server.commands.byCalledName(r.argString(i));
                if (s != null) {
                    which.add(s);
                }
            }
        }
        c.out.mapHeader(which.size());
        for (final CommandSpec s : which) {
            c.out.bulk(s.fullName());
            CommandDocs.reply(c.out, s);
        }
    }

    // COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]
    public static void list(final Ctx c) {
        final Request r = c.req;
        String module = null;
        String aclcat = null;
        String pattern = null;
        if (r.argc() == 5 && r.argString(2).equalsIgnoreCase("filterby")) {
            final String kind = r.argString(3).toLowerCase(Locale.ROOT);
            switch (kind) {
                case "module" -> module = r.argString(4);
                case "aclcat" -> aclcat = r.argString(4).toLowerCase(Locale.ROOT);
                case "pattern" -> pattern = r.argString(4);
                default -> {
                    c.out.raw(Errors.SYNTAX);
                    return;
                }
            }
        } else if (r.argc() != 2) {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        final List<String> names = new ArrayList<>();
        for (final CommandSpec s : c.server.commands.all()) {
            if (module != null || !c.server.commands.callable(s)) {
                continue; // no modules; a command rename-command removed is not listed (a renamed one is, by its own name)
            }
            if (aclcat != null && !Flags.categoryNames(s.categories()).contains("@" + aclcat)) {
                continue;
            }
            if (pattern != null && !Glob.matches(pattern, s.fullName(), true)) {
                continue;
            }
            names.add(s.fullName());
        }
        c.out.arrayHeader(names.size());
        for (final String n : names) {
            c.out.bulk(n);
        }
    }

    /**
     * The command whose keys COMMAND GETKEYS asks about, or null after replying the error. The
     * checks run in Redis's order: known command, has keys at all, then the command's arity.
     */
    private static CommandSpec target(final Ctx c) {
        final Request r = c.req;
        CommandSpec s = c.server.commands.lookup(r.buf(), r.off(2), r.len(2));
        int argc = r.argc() - 2;
        if (s != null && s.subcommands().length > 0 && argc >= 2) {
            s = CommandTable.subcommand(s, r.buf(), r.off(3), r.len(3));
        }
        if (s == null) {
            c.out.error("ERR Invalid command specified");
            return null;
        }
        if (s.firstKey() <= 0 && s.keySpecs().length == 0) {
            c.out.error("ERR The command has no key arguments");
            return null;
        }
        if (!s.arityOk(argc)) {
            c.out.error("ERR Invalid number of arguments specified for command");
            return null;
        }
        return s;
    }

    // COMMAND GETKEYS command [arg ...]
    public static void getkeys(final Ctx c) {
        keys(c, false);
    }

    // COMMAND GETKEYSANDFLAGS command [arg ...]
    public static void getkeysandflags(final Ctx c) {
        keys(c, true);
    }

    private static void keys(final Ctx c, final boolean withFlags) {
        final CommandSpec s = target(c);
        if (s == null) {
            return;
        }
        final Request r = c.req;
        // the command being asked about, as its own request (arguments from index 2 on)
        final Request sub = new Request();
        for (int i = 2; i < r.argc(); i++) {
            sub.add(r.buf(), r.off(i), r.len(i));
        }
        final List<Integer> idx = new ArrayList<>();
        final io.moon.server.command.KeyFinder.GetKeys own = s.finder() != null ? s.finder().getKeys(sub) : null;
        if (own != null) {
            for (final int p : own.positions()) {
                idx.add(p);
            }
        } else {
            final int keys = s.keynumSpecsFindKeys(sub) ? s.keyCount(sub) : 0; // ZUNIONSTORE d 3 a b: none
            for (int n = 0; n < keys; n++) {
                idx.add(s.keyArg(sub, n));
            }
        }
        if (idx.isEmpty() && !s.has(Flags.NO_MANDATORY_KEYS)) {
            c.out.error("ERR Invalid arguments specified for command");
            return;
        }
        c.out.arrayHeader(idx.size());
        for (final int i : idx) {
            if (withFlags) {
                c.out.arrayHeader(2);
                c.out.bulk(r.buf(), r.off(i + 2), r.len(i + 2));
                // keys found without key specs (XREAD's own parse) carry no flags, as in Redis
                final String[] f = own == null ? flagsForKey(s, r, sub, i)
                        : own.fromSpecs() ? s.keySpecs()[0].flags() : new String[0];
                c.out.setHeader(f.length);
                for (final String x : f) {
                    c.out.simple(x);
                }
            } else {
                c.out.bulk(r.buf(), r.off(i + 2), r.len(i + 2));
            }
        }
    }

    /**
     * Key spec flags of the spec covering argument position i (counted from the command name,
     * which is request argument 2). SET's spec has variable flags; like Redis's setGetKeys, the
     * key is then RW when the GET option is present and OW otherwise.
     */
    private static String[] flagsForKey(final CommandSpec s, final Request r, final Request sub, final int i) {
        if (s.fullName().equals("sort") && i > 1) {
            return new String[] {"OW", "update"}; // the STORE destination, as Redis's sortGetKeys
        }
        if (s.fullName().equals("set")) {
            for (int a = 5; a < r.argc(); a++) {
                if (r.argString(a).equalsIgnoreCase("get")) {
                    return new String[] {"RW", "access", "update"};
                }
            }
            return new String[] {"OW", "update"};
        }
        for (final KeySpec k : s.keySpecs()) {
            if (k.keynum()) {
                return k.flags();
            }
            if (k.keyword() != null) {
                final KeyFinder one = new KeyFinder.FromSpecs(new KeySpec[] {k});
                if (one.keyCount(sub) > 0 && one.keyArg(sub, 0) == i) {
                    return k.flags();
                }
                continue;
            }
            final int first = k.beginIndex();
            final int last = k.lastKeyOrKeynumIdx() < 0 ? Integer.MAX_VALUE : first + k.lastKeyOrKeynumIdx();
            if (i >= first && i <= last) {
                return k.flags();
            }
        }
        return new String[0];
    }

    // COMMAND HELP
    public static void help(final Ctx c) {
        Help.reply(c.out, "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "(no subcommand)",
                "    Describe every command: arity, flags, key positions, ACL categories, tips, key specs.",
                "COUNT",
                "    Reply with how many commands this server knows.",
                "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
                "    Reply with the name of every command and subcommand, or of those the filter keeps.",
                "INFO [<command-name> ...]",
                "    Describe the named commands (null for an unknown name), or all when none is named.",
                "DOCS [<command-name> ...]",
                "    Reply with the documentation of the named commands, or of all when none is named.",
                "GETKEYS <full-command>",
                "    Reply with the key names in a complete command line.",
                "GETKEYSANDFLAGS <full-command>",
                "    Reply with the key names in a complete command line, each with its access flags.");
    }
}
