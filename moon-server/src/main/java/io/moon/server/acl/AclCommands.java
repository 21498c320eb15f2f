package io.moon.server.acl;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.Server;
import io.moon.server.command.CommandSpec;
import io.moon.server.command.Flags;
import io.moon.server.commands.Errors;
import io.moon.server.commands.Help;
import io.moon.server.net.Connection;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The ACL command: SETUSER, GETUSER, DELUSER, LIST, USERS, WHOAMI, CAT, GENPASS, LOG, DRYRUN,
 * LOAD, SAVE, HELP. They run on the connection's thread; the user table is server-wide
 * ({@link Acl}). Cold paths.
 */
public final class AclCommands {
    private AclCommands() {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    // ACL SETUSER username [rule [rule ...]]
    public static void setuser(final Ctx c) {
        final Request r = c.req;
        final String name = r.argString(2);
        if (name.indexOf(' ') >= 0 || name.indexOf('\0') >= 0) {
            c.out.error("ERR Usernames can't contain spaces or null characters");
            return;
        }
        final List<String> words = new ArrayList<>();
        for (int j = 3; j < r.argc(); j++) {
            words.add(r.argString(j));
        }
        final String[] unclosed = new String[1];
        final List<String> ops = AclFile.merge(words, unclosed);
        if (ops == null) {
            c.out.error("ERR Unmatched parenthesis in acl selector starting at '" + unclosed[0] + "'.");
            return;
        }
        final Acl.Refusal refused = c.server.acl.setUser(name, ops);
        if (refused != null) {
            c.out.error("ERR Error in ACL SETUSER modifier '" + ops.get(refused.index()) + "': " + refused.reason());
            return;
        }
        AclKill.pubsubIfNeeded(c.server, c.server.acl.user(name), c.client);
        c.out.ok();
    }

    // ACL GETUSER username
    public static void getuser(final Ctx c) {
        final AclUser u = c.server.acl.user(c.req.argString(2));
        if (u == null) {
            c.out.nullBulk();
            return;
        }
        final Perms p = u.perms;
        final Reply o = c.out;
        o.mapHeader(6);
        o.bulk("flags");
        final List<String> flags = p.flags();
        o.setHeader(flags.size());
        for (final String f : flags) {
            o.bulk(f);
        }
        o.bulk("passwords");
        o.arrayHeader(p.passwords.size());
        for (final String pw : p.passwords) {
            o.bulk(pw);
        }
        selectorFields(o, p.root);
        o.bulk("selectors");
        o.arrayHeader(p.selectors.size());
        for (final Selector s : p.selectors) {
            o.mapHeader(3);
            selectorFields(o, s);
        }
    }

    private static void selectorFields(final Reply o, final Selector s) {
        o.bulk("commands");
        o.bulk(s.describeCommands());
        o.bulk("keys");
        o.bulk(s.describeKeys());
        o.bulk("channels");
        o.bulk(s.describeChannels());
    }

    // ACL DELUSER username [username ...]
    public static void deluser(final Ctx c) {
        final Request r = c.req;
        final List<String> names = new ArrayList<>();
        for (int j = 2; j < r.argc(); j++) {
            final String n = r.argString(j);
            if (n.equals(Acl.DEFAULT)) {
                c.out.error("ERR The 'default' user cannot be removed");
                return;
            }
            names.add(n);
        }
        final List<AclUser> removed = c.server.acl.delete(names);
        AclKill.clientsOf(c.server, removed, c.client);
        c.out.integer(removed.size());
    }

    // ACL LIST
    public static void list(final Ctx c) {
        final List<String> lines = c.server.acl.describeAll();
        c.out.arrayHeader(lines.size());
        for (final String l : lines) {
            c.out.bulk(l);
        }
    }

    // ACL USERS
    public static void users(final Ctx c) {
        final List<AclUser> all = c.server.acl.all();
        c.out.arrayHeader(all.size());
        for (final AclUser u : all) {
            c.out.bulk(u.name);
        }
    }

    // ACL WHOAMI
    public static void whoami(final Ctx c) {
        c.out.bulk(c.client.state().aclUser.name);
    }

    // ACL CAT [category]
    public static void cat(final Ctx c) {
        final Request r = c.req;
        if (r.argc() > 3) {
            wrongArgs(c, "cat");
            return;
        }
        if (r.argc() == 2) {
            final List<String> all = Flags.allCategoryNames();
            c.out.arrayHeader(all.size());
            for (final String s : all) {
                c.out.bulk(s);
            }
            return;
        }
        final String name = r.argString(2);
        final long cat = Flags.categoryBit(name.toLowerCase(Locale.ROOT));
        if (cat == 0) {
            c.out.error("ERR Unknown category '" + name + "'");
            return;
        }
        final List<String> names = new ArrayList<>();
        for (final CommandSpec s : c.server.commands.all()) {
            if ((s.categories() & cat) != 0) {
                names.add(s.fullName());
            }
        }
        c.out.arrayHeader(names.size());
        for (final String n : names) {
            c.out.bulk(n);
        }
    }

    // ACL GENPASS [bits]
    public static void genpass(final Ctx c) {
        final Request r = c.req;
        if (r.argc() > 3) {
            wrongArgs(c, "genpass");
            return;
        }
        long bits = 256;
        if (r.argc() == 3) {
            if (!r.parseLong(2)) {
                c.out.raw(Errors.NOT_INTEGER);
                return;
            }
            bits = r.longValue;
            if (bits <= 0 || bits > 4096) {
                c.out.error("ERR ACL GENPASS argument must be the number of bits for the output password, a"
                        + " positive number up to 4096");
                return;
            }
        }
        final int chars = (int) ((bits + 3) / 4);
        final byte[] rnd = new byte[(chars + 1) / 2];
        RANDOM.nextBytes(rnd);
        c.out.bulk(HexFormat.of().formatHex(rnd).substring(0, chars));
    }

    // ACL LOG [count | RESET]
    public static void log(final Ctx c) {
        final Request r = c.req;
        if (r.argc() > 3) {
            wrongArgs(c, "log");
            return;
        }
        long count = 10;
        if (r.argc() == 3) {
            if (r.argString(2).equalsIgnoreCase("reset")) {
                c.server.acl.log.reset();
                c.out.ok();
                return;
            }
            if (!r.parseLong(2)) {
                c.out.raw(Errors.NOT_INTEGER);
                return;
            }
            count = Math.max(0, r.longValue);
        }
        final long now = System.currentTimeMillis();
        final List<AclLog.Entry> entries = c.server.acl.log.newest(count);
        final Reply o = c.out;
        o.arrayHeader(entries.size());
        for (final AclLog.Entry e : entries) {
            o.mapHeader(10);
            o.bulk("count");
            o.integer(e.count);
            o.bulk("reason");
            o.bulk(e.reason);
            o.bulk("context");
            o.bulk(e.context);
            o.bulk("object");
            o.bulk(e.object);
            o.bulk("username");
            o.bulk(e.username);
            o.bulk("age-seconds");
            o.doubleValue((now - e.updatedMillis) / 1000.0);
            o.bulk("client-info");
            o.bulk(e.clientInfo);
            o.bulk("entry-id");
            o.integer(e.entryId);
            o.bulk("timestamp-created");
            o.integer(e.createdMillis);
            o.bulk("timestamp-last-updated");
            o.integer(e.updatedMillis);
        }
    }

    // ACL DRYRUN username command [arg ...]
    public static void dryrun(final Ctx c) {
        final Request r = c.req;
        final String name = r.argString(2);
        final AclUser u = c.server.acl.user(name);
        if (u == null) {
            c.out.error("ERR User '" + name + "' not found");
            return;
        }
        final Request sub = new Request();
        for (int j = 3; j < r.argc(); j++) {
            sub.add(r.buf(), r.off(j), r.len(j));
        }
        CommandSpec spec = c.server.commands.lookup(sub.buf(), sub.off(0), sub.len(0));
        if (spec != null && spec.subcommands().length > 0 && sub.argc() >= 2) {
            spec = io.moon.server.command.CommandTable.subcommand(spec, sub.buf(), sub.off(1), sub.len(1));
        }
        if (spec == null) {
            c.out.error("ERR Command '" + r.argString(3) + "' not found");
            return;
        }
        if (!spec.arityOk(sub.argc())) {
            c.out.error("ERR wrong number of arguments for '" + spec.fullName() + "' command");
            return;
        }
        final int res = AclCheck.check(u, spec, sub);
        if (res == AclCheck.OK) {
            c.out.ok();
        } else {
            c.out.bulk(AclCheck.message(res, u, spec, sub, true));
        }
    }

    // ACL LOAD
    public static void load(final Ctx c) {
        final String err = AclFile.load(c.server, c.client);
        if (err != null) {
            c.out.error(err);
        } else {
            c.out.ok();
        }
    }

    // ACL SAVE
    public static void save(final Ctx c) {
        final String err = AclFile.save(c.server);
        if (err != null) {
            c.out.error(err);
        } else {
            c.out.ok();
        }
    }

    // ACL HELP
    public static void help(final Ctx c) {
        Help.reply(c.out, "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "CAT [<category>]",
                "    List all commands that belong to <category>, or all command categories",
                "    when no category is specified.",
                "DELUSER <username> [<username> ...]",
                "    Delete a list of users.",
                "DRYRUN <username> <command> [<arg> ...]",
                "    Returns whether the user can execute the given command without executing the command.",
                "GETUSER <username>",
                "    Get the user's details.",
                "GENPASS [<bits>]",
                "    Generate a secure 256-bit user password. The optional `bits` argument can",
                "    be used to specify a different size.",
                "LIST",
                "    Show users details in config file format.",
                "LOAD",
                "    Reload users from the ACL file.",
                "LOG [<count> | RESET]",
                "    Show the ACL log entries.",
                "SAVE",
                "    Save the current config to the ACL file.",
                "SETUSER <username> <attribute> [<attribute> ...]",
                "    Create or modify a user with the specified attributes.",
                "USERS",
                "    List all the registered usernames.",
                "WHOAMI",
                "    Return the current connection username.");
    }

    private static void wrongArgs(final Ctx c, final String sub) {
        c.out.error("ERR unknown subcommand or wrong number of arguments for '" + sub + "'. Try ACL HELP.");
    }

    /**
     * Records a refusal in ACL LOG (Redis's addACLLogEntry); {@code context} is toplevel, multi
     * or lua. Runs on the connection's thread.
     */
    public static void logDenial(final Server server, final Connection conn, final int result, final String context,
                                 final String object, final String username) {
        server.acl.log.add(AclLog.reasonName(AclCheck.reason(result)), context, object, username,
                conn == null ? "" : clientInfo(conn), System.currentTimeMillis(), server.config.acllogMaxLen());
    }

    private static String clientInfo(final Connection conn) {
        final String line = io.moon.server.commands.ClientCommands.describe(conn, System.currentTimeMillis());
        return line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
    }
}
