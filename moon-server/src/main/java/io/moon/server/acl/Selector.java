package io.moon.server.acl;

import io.moon.server.command.CommandSpec;
import io.moon.server.command.CommandTable;
import io.moon.server.command.Flags;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One ACL selector: the commands, keys and channels it allows. A user has a root selector and
 * any number of further ones ({@code (...)} in ACL SETUSER); a command runs when one of them
 * allows all of it.
 *
 * <p>Built and changed only by ACL SETUSER on a private copy ({@link #copy}); once its user's
 * {@link Perms} is published it is never changed again, so any thread may read it.
 */
final class Selector {
    static final int READ = 1;
    static final int WRITE = 2;
    static final int ALL = READ | WRITE;

    /** A key pattern with its %R / %W permissions. */
    record KeyPattern(String text, byte[] bytes, int perms) {
        KeyPattern(final String text, final int perms) {
            this(text, text.getBytes(StandardCharsets.ISO_8859_1), perms);
        }
    }

    /** Allowed commands, one bit per {@link CommandSpec#id()}. */
    long[] allowed;
    /** Set by +@all / allcommands only: commands added later would be allowed too (Redis's reserved bit). */
    boolean allCommands;
    /** The command rules as given, compacted (Redis 7.2's command_rules). */
    String rules = "";
    /** First arguments allowed for a command otherwise refused (+select|0), by command id. */
    Map<Integer, List<String>> firstArgs = new HashMap<>();
    boolean allKeys;
    List<KeyPattern> keys = new ArrayList<>();
    boolean allChannels;
    List<String> channels = new ArrayList<>();

    Selector(final int commandCount) {
        allowed = new long[(commandCount + 63) >>> 6];
    }

    Selector copy() {
        final Selector s = new Selector(0);
        s.allowed = allowed.clone();
        s.allCommands = allCommands;
        s.rules = rules;
        final Map<Integer, List<String>> fa = new HashMap<>();
        for (final Map.Entry<Integer, List<String>> e : firstArgs.entrySet()) {
            fa.put(e.getKey(), new ArrayList<>(e.getValue()));
        }
        s.firstArgs = fa;
        s.allKeys = allKeys;
        s.keys = new ArrayList<>(keys);
        s.allChannels = allChannels;
        s.channels = new ArrayList<>(channels);
        return s;
    }

    /** True when this selector allows every command, key and channel. */
    boolean unrestricted() {
        if (!allKeys || !allChannels) {
            return false;
        }
        for (final long w : allowed) {
            if (w != -1L) {
                return false;
            }
        }
        return true;
    }

    boolean commandBit(final int id) {
        return (allowed[id >>> 6] & (1L << id)) != 0;
    }

    private void setBit(final int id, final boolean on) {
        if (on) {
            allowed[id >>> 6] |= 1L << id;
        } else {
            allowed[id >>> 6] &= ~(1L << id);
        }
    }

    /** Redis's ACLChangeSelectorPerm: the command and all its subcommands; first args reset. */
    private void change(final CommandSpec spec, final boolean on) {
        if (!firstArgs.isEmpty()) {
            firstArgs.remove(spec.id());
        }
        setBit(spec.id(), on);
        for (final CommandSpec sub : spec.subcommands()) {
            change(sub, on);
        }
    }

    private void setAll(final boolean on) {
        java.util.Arrays.fill(allowed, on ? -1L : 0L);
        firstArgs = new HashMap<>();
    }

    /**
     * Applies one selector rule (Redis's ACLSetSelector). Returns null when done, or the error
     * text ACL SETUSER reports for it.
     */
    String apply(final String op, final CommandTable table) {
        final String lower = op.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "allkeys", "~*" -> {
                allKeys = true;
                keys.clear();
                return null;
            }
            case "resetkeys" -> {
                allKeys = false;
                keys.clear();
                return null;
            }
            case "allchannels", "&*" -> {
                allChannels = true;
                channels.clear();
                return null;
            }
            case "resetchannels" -> {
                allChannels = false;
                channels.clear();
                return null;
            }
            case "allcommands", "+@all" -> {
                setAll(true);
                allCommands = true;
                rules = "";
                return null;
            }
            case "nocommands", "-@all" -> {
                setAll(false);
                allCommands = false;
                rules = "";
                return null;
            }
            default -> {
            }
        }
        if (op.isEmpty()) {
            return AclErrors.SYNTAX;
        }
        final char c0 = op.charAt(0);
        if (c0 == '~' || c0 == '%') {
            return keyPattern(op);
        }
        if (c0 == '&') {
            if (allChannels) {
                return AclErrors.AFTER_ALLCHANNELS;
            }
            final String pat = op.substring(1);
            if (pat.equals("*")) {
                allChannels = true;
                channels.clear();
            } else if (!channels.contains(pat)) {
                channels.add(pat);
            }
            return null;
        }
        if ((c0 == '+' || c0 == '-') && op.length() > 1 && op.charAt(1) == '@') {
            final long cat = Flags.categoryBit(lower.substring(2));
            if (cat == 0) {
                return AclErrors.UNKNOWN_COMMAND;
            }
            for (final CommandSpec s : table.all()) {
                if ((s.categories() & cat) != 0) {
                    change(s, c0 == '+');
                }
            }
            updateRules(lower.substring(1), c0 == '+');
            return null;
        }
        if (c0 == '+' || c0 == '-') {
            return command(op.substring(1), c0 == '+', table);
        }
        return AclErrors.SYNTAX;
    }

    private String keyPattern(final String op) {
        if (allKeys) {
            return AclErrors.AFTER_ALLKEYS;
        }
        int perms = 0;
        int offset = 1;
        if (op.charAt(0) == '%') {
            for (; offset < op.length(); offset++) {
                final char ch = Character.toUpperCase(op.charAt(offset));
                if (ch == 'R' && (perms & READ) == 0) {
                    perms |= READ;
                } else if (ch == 'W' && (perms & WRITE) == 0) {
                    perms |= WRITE;
                } else if (op.charAt(offset) == '~') {
                    offset++;
                    break;
                } else {
                    return AclErrors.SYNTAX;
                }
            }
            if (perms == 0 || offset == op.length()) {
                return AclErrors.SYNTAX;
            }
        } else {
            perms = ALL;
        }
        final String pat = op.substring(offset);
        if (pat.equals("*") && perms == ALL) {
            allKeys = true;
            keys.clear();
            return null;
        }
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i).text().equals(pat)) {
                keys.set(i, new KeyPattern(pat, keys.get(i).perms() | perms));
                return null;
            }
        }
        keys.add(new KeyPattern(pat, perms));
        return null;
    }

    /** +cmd, -cmd, +cmd|sub, -cmd|sub, +cmd|firstarg. */
    private String command(final String name, final boolean allow, final CommandTable table) {
        final String lower = name.toLowerCase(Locale.ROOT);
        final int bar = lower.lastIndexOf('|');
        if (!allow || bar < 0) {
            final CommandSpec spec = lookup(lower, table);
            if (spec == null) {
                return AclErrors.UNKNOWN_COMMAND;
            }
            change(spec, allow);
            updateRules(spec.fullName(), allow);
            return null;
        }
        final CommandSpec cmd = lookup(lower.substring(0, bar), table);
        if (cmd == null) {
            return AclErrors.UNKNOWN_COMMAND;
        }
        if (cmd.parent() != null) {
            return AclErrors.FIRSTARG_OF_SUB;
        }
        final String sub = lower.substring(bar + 1);
        if (sub.isEmpty()) {
            return AclErrors.SYNTAX;
        }
        if (cmd.subcommands().length > 0) {
            final CommandSpec s = lookup(lower, table);
            if (s == null) {
                return AclErrors.UNKNOWN_COMMAND;
            }
            change(s, true);
        } else if (!commandBit(cmd.id())) {
            final List<String> list = firstArgs.computeIfAbsent(cmd.id(), k -> new ArrayList<>());
            if (!list.contains(sub)) {
                list.add(sub);
            }
        }
        updateRules(lower, true);
        return null;
    }

    /** A command by name or "parent|sub" (Redis's ACLLookupCommand), or null. */
    static CommandSpec lookup(final String lower, final CommandTable table) {
        final int bar = lower.indexOf('|');
        final String top = bar < 0 ? lower : lower.substring(0, bar);
        final byte[] b = top.getBytes(StandardCharsets.ISO_8859_1);
        final CommandSpec spec = table.lookup(b, 0, b.length);
        if (spec == null || bar < 0) {
            return spec;
        }
        final String rest = lower.substring(bar + 1);
        if (rest.indexOf('|') >= 0 || spec.subcommands().length == 0) {
            return null;
        }
        final byte[] s = rest.getBytes(StandardCharsets.ISO_8859_1);
        return CommandTable.subcommand(spec, s, 0, s.length);
    }

    /**
     * Redis 7.2's ACLUpdateCommandRules: drops earlier rules for the same command (or category),
     * subcommand rules of a command included, then appends this one.
     */
    private void updateRules(final String rule, final boolean allow) {
        final StringBuilder out = new StringBuilder();
        if (!rules.isEmpty()) {
            for (final String r : rules.split(" ")) {
                final String body = r.substring(1);
                if (body.equals(rule) || body.startsWith(rule) && body.charAt(rule.length()) == '|') {
                    continue;
                }
                if (!out.isEmpty()) {
                    out.append(' ');
                }
                out.append(r);
            }
        }
        if (!out.isEmpty()) {
            out.append(' ');
        }
        rules = out.append(allow ? '+' : '-').append(rule).toString();
    }

    /** The command part of ACL GETUSER/LIST: +@all or -@all, then the rules. */
    String describeCommands() {
        return rules.isEmpty() ? (allCommands ? "+@all" : "-@all") : (allCommands ? "+@all " : "-@all ") + rules;
    }

    /** The keys field of ACL GETUSER: "~*", or the patterns with their %R/%W prefixes. */
    String describeKeys() {
        if (allKeys) {
            return "~*";
        }
        final StringBuilder sb = new StringBuilder();
        for (final KeyPattern k : keys) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(k.perms() == ALL ? "~" : k.perms() == READ ? "%R~" : "%W~").append(k.text());
        }
        return sb.toString();
    }

    /** The channels field of ACL GETUSER: "&*" or the patterns. */
    String describeChannels() {
        if (allChannels) {
            return "&*";
        }
        final StringBuilder sb = new StringBuilder();
        for (final String ch : channels) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append('&').append(ch);
        }
        return sb.toString();
    }

    /** This selector as ACL LIST writes it (Redis's ACLDescribeSelector). */
    String describe() {
        final StringBuilder sb = new StringBuilder();
        final String k = describeKeys();
        if (!k.isEmpty()) {
            sb.append(k).append(' ');
        }
        if (allChannels) {
            sb.append("&* ");
        } else {
            sb.append("resetchannels ");
            for (final String ch : channels) {
                sb.append('&').append(ch).append(' ');
            }
        }
        return sb.append(describeCommands()).toString();
    }
}
