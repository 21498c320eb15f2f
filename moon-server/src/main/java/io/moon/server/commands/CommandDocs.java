package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.server.command.CommandSpec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * COMMAND DOCS: what a command does, since when, how it scales and what arguments it takes, kept
 * out of the hot command table in the resource {@code command-docs.txt} (its header describes
 * the format) and read on first use. Replies have Redis 7.2's shape, which redis-cli 7 reads for
 * its argument hints.
 *
 * <p>Loaded once by the first thread that asks (the holder idiom makes the load thread-safe);
 * immutable afterwards.
 */
final class CommandDocs {
    static final String RESOURCE = "/io/moon/server/command-docs.txt";

    private CommandDocs() {
    }

    /**
     * One command's docs; {@code args} is null for a command that takes no arguments.
     * {@code keySpecNotes} maps a key spec's index to the note COMMAND INFO shows with it.
     */
    record Doc(String summary, String since, String group, String complexity, List<String> docFlags,
               String deprecatedSince, String replacedBy, List<String[]> history, List<DocArgs.Arg> args,
               Map<Integer, String> keySpecNotes) {
    }

    private static final class Holder {
        static final Map<String, Doc> DOCS = load();
    }

    /** Docs by full name ("get", "config|get"). */
    static Map<String, Doc> all() {
        return Holder.DOCS;
    }

    /** The docs of one command, or null. */
    static Doc of(final String fullName) {
        return Holder.DOCS.get(fullName);
    }

    /** The note on key spec {@code index} of a command, or null: COMMAND INFO prints it. */
    static String keySpecNote(final String fullName, final int index) {
        final Doc d = of(fullName);
        return d == null ? null : d.keySpecNotes().get(index);
    }

    private static Map<String, Doc> load() {
        try (InputStream in = CommandDocs.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (final IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
    }

    /**
     * Parses the file: a command's full name alone on a line, then its fields indented by four
     * spaces as "field: value"; a line indented further continues the field above.
     */
    static Map<String, Doc> parse(final BufferedReader r) throws IOException {
        final Map<String, Doc> out = new HashMap<>();
        String name = null;
        Map<String, List<String>> fields = null;
        String lastField = null;
        int lineNo = 0;
        String line;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (!line.startsWith(" ")) {
                if (name != null) {
                    out.put(name, doc(name, fields));
                }
                name = line.trim().toLowerCase(Locale.ROOT);
                fields = new HashMap<>();
                lastField = null;
            } else if (line.startsWith("     ") && lastField != null) {
                final List<String> values = fields.get(lastField);
                values.set(values.size() - 1, values.get(values.size() - 1) + " " + line.trim());
            } else {
                final int colon = line.indexOf(':');
                if (name == null || colon < 0) {
                    throw new IllegalStateException(RESOURCE + ":" + lineNo + ": expected 'field: value'");
                }
                lastField = line.substring(0, colon).trim();
                fields.computeIfAbsent(lastField, k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
            }
        }
        if (name != null) {
            out.put(name, doc(name, fields));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Doc doc(final String name, final Map<String, List<String>> f) {
        final List<String[]> history = new ArrayList<>();
        for (final String h : f.getOrDefault("history", List.of())) {
            final int space = h.indexOf(' ');
            history.add(new String[] {h.substring(0, space), h.substring(space + 1)});
        }
        final Map<Integer, String> notes = new HashMap<>();
        for (final String n : f.getOrDefault("key_spec_note", List.of())) {
            final int space = n.indexOf(' ');
            notes.put(Integer.parseInt(n.substring(0, space)), n.substring(space + 1));
        }
        final String flags = one(f, "doc_flags");
        final String syntax = one(f, "args");
        final List<DocArgs.Arg> args;
        try {
            args = syntax == null ? null : DocArgs.parse(syntax);
        } catch (final IllegalArgumentException e) {
            throw new IllegalStateException(RESOURCE + ", " + name + ": " + e.getMessage(), e);
        }
        return new Doc(one(f, "summary"), one(f, "since"), one(f, "group"), one(f, "complexity"),
                flags == null ? List.of() : List.of(flags.split(" ")), one(f, "deprecated_since"),
                one(f, "replaced_by"), List.copyOf(history), args, Map.copyOf(notes));
    }

    private static String one(final Map<String, List<String>> f, final String field) {
        final List<String> v = f.get(field);
        return v == null ? null : v.get(v.size() - 1);
    }

    // ---- replies ---------------------------------------------------------------------------------

    /** The docs map of one command and, nested, its subcommands' (Redis's addReplyCommandDocs). */
    static void reply(final Reply o, final CommandSpec s) {
        Doc d = of(s.fullName());
        if (d == null) {
            // Every row has docs (CommandDocsTest); this keeps the reply valid if one is missing.
            d = new Doc(null, null, "generic", null, List.of(), null, null, List.of(), null, Map.of());
        }
        final boolean subs = s.subcommands().length > 0;
        o.mapHeader(1 + count(d.summary) + count(d.since) + count(d.complexity) + (d.docFlags.isEmpty() ? 0 : 1)
                + count(d.deprecatedSince) + count(d.replacedBy) + (d.history.isEmpty() ? 0 : 1)
                + (d.args == null ? 0 : 1) + (subs ? 1 : 0));
        field(o, "summary", d.summary);
        field(o, "since", d.since);
        field(o, "group", d.group);
        field(o, "complexity", d.complexity);
        if (!d.docFlags.isEmpty()) {
            o.bulk("doc_flags");
            o.setHeader(d.docFlags.size());
            for (final String flag : d.docFlags) {
                o.simple(flag);
            }
        }
        field(o, "deprecated_since", d.deprecatedSince);
        field(o, "replaced_by", d.replacedBy);
        if (!d.history.isEmpty()) {
            o.bulk("history");
            o.setHeader(d.history.size());
            for (final String[] h : d.history) {
                o.arrayHeader(2);
                o.bulk(h[0]);
                o.bulk(h[1]);
            }
        }
        if (d.args != null) {
            o.bulk("arguments");
            args(o, d.args);
        }
        if (subs) {
            o.bulk("subcommands");
            o.mapHeader(s.subcommands().length);
            for (final CommandSpec sub : s.subcommands()) {
                o.bulk(sub.fullName());
                reply(o, sub);
            }
        }
    }

    /** Redis's addReplyCommandArgList: a map per argument, fields in Redis's order. */
    private static void args(final Reply o, final List<DocArgs.Arg> args) {
        o.arrayHeader(args.size());
        for (final DocArgs.Arg a : args) {
            final int flags = (a.optional() ? 1 : 0) + (a.multiple() ? 1 : 0) + (a.multipleToken() ? 1 : 0);
            // name, type, and display_text for a leaf or arguments for a group, then the optional ones
            o.mapHeader(3 + (a.keySpecIndex() >= 0 ? 1 : 0) + count(a.token())
                    + count(a.since()) + count(a.deprecatedSince()) + (flags > 0 ? 1 : 0));
            field(o, "name", a.name());
            field(o, "type", a.type());
            if (!a.isGroup()) {
                field(o, "display_text", a.displayText());
            }
            if (a.keySpecIndex() >= 0) {
                o.bulk("key_spec_index");
                o.integer(a.keySpecIndex());
            }
            field(o, "token", a.token());
            field(o, "since", a.since());
            field(o, "deprecated_since", a.deprecatedSince());
            if (flags > 0) {
                o.bulk("flags");
                o.setHeader(flags);
                if (a.optional()) {
                    o.simple("optional");
                }
                if (a.multiple()) {
                    o.simple("multiple");
                }
                if (a.multipleToken()) {
                    o.simple("multiple_token");
                }
            }
            if (a.isGroup()) {
                o.bulk("arguments");
                args(o, a.args());
            }
        }
    }

    private static int count(final String field) {
        return field == null ? 0 : 1;
    }

    private static void field(final Reply o, final String name, final String value) {
        if (value != null) {
            o.bulk(name);
            o.bulk(value);
        }
    }
}
