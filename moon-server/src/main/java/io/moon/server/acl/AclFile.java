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
     * Parses user lines into users, each starting from a new user's rights, as Redis's
     * ACLLoadFromFile: every line is checked, and the errors are gathered in Redis's words
     * ("file:line: reason. ", unknown commands named, otherwise the first error of a line). Returns
     * the users, or throws with the errors.
     */
    static Map<String, Perms> parse(final Acl acl, final List<List<String>> lines, final List<String> origins,
                                    final boolean configFile) {
        final Map<String, Perms> out = new LinkedHashMap<>();
        final StringBuilder errors = new StringBuilder();
        final boolean allChannels = acl.pubsubAllChannels();
        for (int n = 0; n < lines.size(); n++) {
            final List<String> w = lines.get(n);
            final String origin = origins.get(n);
            if (!w.getFirst().equals("user") || w.size() < 2) {
                errors.append(origin).append(" should start with user keyword followed by the username. ");
                continue;
            }
            final String name = w.get(1);
            if (name.indexOf(' ') >= 0 || name.indexOf('\0') >= 0) {
                errors.append('\'').append(origin).append(": username '").append(name)
                        .append("' contains invalid characters. ");
                continue;
            }
            if (out.containsKey(name)) {
                errors.append("WARNING: Duplicate user '").append(name).append("' found on line ")
                        .append(origin.substring(origin.lastIndexOf(':') + 1)).append(". ");
                continue;
            }
            final Perms p = new Perms(acl.commandCount());
            if (allChannels) {
                p.root.apply("allchannels", acl.table);
            }
            if (configFile && name.equals(Acl.DEFAULT)) {
                p.apply("reset", acl.table, allChannels); // as Redis: the config file's default user starts reset
            }
            final List<String> ops = merge(w.subList(2, w.size()), null);
            if (ops == null) {
                String open = "";
                for (final String word : w.subList(2, w.size())) {
                    if (word.startsWith("(") && !word.endsWith(")")) {
                        open = word;
                    }
                }
                errors.append(origin).append(": Unmatched parenthesis in acl selector starting at '").append(open)
                        .append("'. ");
                continue;
            }
            boolean failed = false;
            boolean reported = false;
            for (final String op : ops) {
                final String err = p.apply(op, acl.table, allChannels);
                if (err == null) {
                    continue;
                }
                failed = true;
                if (err.equals(AclErrors.UNKNOWN_COMMAND)) {
                    errors.append(origin).append(": Error in applying operation '").append(op).append("': ")
                            .append(err).append(". ");
                } else if (!reported) {
                    errors.append(origin).append(": ").append(err).append(". ");
                    reported = true;
                }
            }
            if (!failed) {
                out.put(name, p);
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(errors
                    + "WARNING: ACL errors detected, no change to the previously active ACL rules was performed");
        }
        return out;
    }

    /**
     * Joins the words of a selector written with spaces, "(+get ~k*)", back into one rule; null
     * when one is not closed (its first word then goes to {@code unclosed[0]}, when given).
     */
    static List<String> merge(final List<String> words, final String[] unclosed) {
        final List<String> ops = new ArrayList<>();
        String open = null;
        String first = null;
        for (final String op : words) {
            if (open == null && op.startsWith("(") && !op.endsWith(")")) {
                open = op;
                first = op;
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
            if (unclosed != null) {
                unclosed[0] = first;
            }
            return null;
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
            apply(server, parse(server.acl, withKeyword, origins, true), null, true);
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
            // as Redis: the line trimmed, then split at each single space (two spaces make an empty rule)
            final String line = trim(text.get(n));
            if (line.isEmpty()) {
                continue;
            }
            lines.add(List.of(line.split(" ", -1)));
            origins.add(file + ":" + (n + 1));
        }
        try {
            apply(server, parse(server.acl, lines, origins, false), caller, false);
            return null;
        } catch (final IllegalArgumentException e) {
            return "ERR " + e.getMessage();
        }
    }

    private static String trim(final String s) {
        int b = 0;
        int e = s.length();
        while (b < e && " \t\r\n".indexOf(s.charAt(b)) >= 0) {
            b++;
        }
        while (e > b && " \t\r\n".indexOf(s.charAt(e - 1)) >= 0) {
            e--;
        }
        return s.substring(b, e);
    }

    /** Installs the users; without a line of its own the default user is kept (config) or fresh (aclfile), as Redis. */
    private static void apply(final Server server, final Map<String, Perms> users, final Connection caller,
                              final boolean keepDefault) {
        if (!users.containsKey(Acl.DEFAULT)) {
            users.put(Acl.DEFAULT, keepDefault ? server.acl.defaultUser().perms.copy() : server.acl.defaultPerms(""));
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
