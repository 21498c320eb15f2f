package io.moon.server.acl;

import io.moon.server.Server;
import io.moon.server.net.Connection;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Users from text: the aclfile (ACL LOAD, ACL SAVE, startup) and "user" lines of the config
 * file. A line is "user NAME rule rule ...", as ACL LIST writes it. Loading is all or nothing:
 * one bad line leaves the users as they were. Cold path.
 */
public final class AclFile {
    static final String NO_FILE = "ERR This Redis instance is not configured to use an ACL file. You may want to"
            + " specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis"
            + " configuration file set) in order to store users in the Redis configuration.";

    private AclFile() {
    }

    /**
     * Parses user lines into users, each starting from a new user's rights. Returns the users, or throws with the errors, "origin:line: reason. ".
     */
    static Map<String, Perms> parse(final Acl acl, final List<List<String>> lines, final List<String> origins) {
        final Map<String, Perms> out = new LinkedHashMap<>();
        final StringBuilder errors = new StringBuilder();
        final boolean allChannels = acl.pubsubAllChannels();
        for (int n = 0; n < lines.size(); n++) {
            final List<String> w = lines.get(n);
            final String origin = origins.get(n);
            if (w.isEmpty()) {
                continue;
            }
            if (!w.getFirst().equals("user") || w.size() < 2) {
                errors.append(origin).append(": line should start with user keyword. ");
                continue;
            }
            final String name = w.get(1);
            if (name.indexOf(' ') >= 0 || name.indexOf('\0') >= 0) {
                errors.append(origin).append(": username '").append(name).append("' contains invalid characters. ");
                continue;
            }
            if (out.containsKey(name)) {
                errors.append(origin).append(": ").append(AclErrors.DUPLICATE_USER).append(". ");
                continue;
            }
            final Perms p = new Perms(acl.commandCount());
            if (allChannels) {
                p.root.apply("allchannels", acl.table);
            }
            final List<String> ops = merge(w.subList(2, w.size()));
            String err = null;
            for (final String op : ops) {
                err = p.apply(op, acl.table, allChannels);
                if (err != null) {
                    errors.append(origin).append(": ").append(err).append(". ");
                    break;
                }
            }
            if (err == null) {
                out.put(name, p);
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(errors.toString().trim());
        }
        return out;
    }

    /** Joins the words of a selector written with spaces, "(+get ~k*)", back into one rule. */
    static List<String> merge(final List<String> words) {
        final List<String> ops = new ArrayList<>();
        String open = null;
        for (final String op : words) {
            if (open == null && op.startsWith("(") && !op.endsWith(")")) {
                open = op;
            } else if (open != null) {
                open = open + " " + op;
                if (op.endsWith(")")) {
                    ops.add(open);
                    open = null;
                }
            } else {
                ops.add(op);
            }
        }
        if (open != null) {
            ops.add(open); // refused by the rule parser as a syntax error
        }
        return ops;
    }

    /** The "user" lines of the config file, at startup. Returns the errors, or null. */
    public static String loadConfigUsers(final Server server, final List<List<String>> lines) {
        final List<List<String>> withKeyword = new ArrayList<>();
        final List<String> origins = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            final List<String> w = new ArrayList<>();
            w.add("user");
            w.addAll(lines.get(i));
            withKeyword.add(w);
            origins.add("config user " + (i + 1));
        }
        try {
            apply(server, parse(server.acl, withKeyword, origins), null);
            return null;
        } catch (final IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** ACL LOAD (and startup with an aclfile): null when loaded, or the error reply text. */
    public static String load(final Server server, final Connection caller) {
        final String file = server.config.get("aclfile");
        if (file == null || file.isEmpty()) {
            return NO_FILE;
        }
        final List<String> text;
        try {
            text = Files.readAllLines(Path.of(file), StandardCharsets.ISO_8859_1);
        } catch (final IOException e) {
            return "ERR Error loading ACLs, opening file '" + file + "': " + e.getMessage();
        }
        final List<List<String>> lines = new ArrayList<>();
        final List<String> origins = new ArrayList<>();
        for (int n = 0; n < text.size(); n++) {
            final String line = text.get(n).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            lines.add(List.of(line.split("\\s+")));
            origins.add(file + ":" + (n + 1));
        }
        try {
            apply(server, parse(server.acl, lines, origins), caller);
            return null;
        } catch (final IllegalArgumentException e) {
            return "ERR " + e.getMessage();
        }
    }

    private static void apply(final Server server, final Map<String, Perms> users, final Connection caller) {
        if (!users.containsKey(Acl.DEFAULT)) {
            // the default user as it was, when the file does not define it
            users.put(Acl.DEFAULT, server.acl.defaultUser().perms.copy());
        }
        AclKill.clientsOf(server, server.acl.replaceAll(users), caller);
    }

    /** ACL SAVE: writes every user to the aclfile (through a temporary file, renamed over it). */
    public static String save(final Server server) {
        final String file = server.config.get("aclfile");
        if (file == null || file.isEmpty()) {
            return NO_FILE;
        }
        final StringBuilder sb = new StringBuilder();
        for (final String line : server.acl.describeAll()) {
            sb.append(line).append('\n');
        }
        final Path target = Path.of(file);
        try {
            final Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
            Files.writeString(tmp, sb, StandardCharsets.ISO_8859_1);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return null;
        } catch (final IOException e) {
            return "ERR There was an error trying to save the ACLs. Please check the server logs for more information";
        }
    }
}
