package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.server.command.CommandSpec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * COMMAND DOCS text: summary, since, group and complexity per command, kept out of the hot table
 * in the resource {@code command-docs.txt} and loaded on first use.
 *
 * <p>Resource format: a line with the command's full name ("get", "config|get"), then indented
 * "field: value" lines.
 */
final class CommandDocs {
    private CommandDocs() {
    }

    private static volatile Map<String, Map<String, String>> docs;

    static Map<String, String> of(final String fullName) {
        Map<String, Map<String, String>> d = docs;
        if (d == null) {
            d = load();
            docs = d;
        }
        return d.getOrDefault(fullName, Map.of());
    }

    private static Map<String, Map<String, String>> load() {
        final Map<String, Map<String, String>> out = new HashMap<>();
        try (InputStream in = CommandDocs.class.getResourceAsStream("/io/moon/server/command-docs.txt")) {
            if (in == null) {
                return out;
            }
            final BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            Map<String, String> cur = null;
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (!Character.isWhitespace(line.charAt(0))) {
                    cur = new LinkedHashMap<>();
                    out.put(line.trim().toLowerCase(java.util.Locale.ROOT), cur);
                } else if (cur != null) {
                    final String t = line.trim();
                    final int colon = t.indexOf(':');
                    if (colon > 0) {
                        cur.put(t.substring(0, colon).trim(), t.substring(colon + 1).trim());
                    }
                }
            }
        } catch (final IOException e) {
            throw new IllegalStateException("cannot read command docs", e);
        }
        return out;
    }

    /** The docs map of one command (and its subcommands), as COMMAND DOCS replies it. */
    static void reply(final Reply o, final CommandSpec s) {
        final Map<String, String> d = of(s.fullName());
        int fields = 0;
        for (final String f : new String[] {"summary", "since", "group", "complexity"}) {
            if (d.containsKey(f)) {
                fields++;
            }
        }
        final boolean subs = s.subcommands().length > 0;
        o.mapHeader(fields + (subs ? 1 : 0));
        for (final String f : new String[] {"summary", "since", "group", "complexity"}) {
            if (d.containsKey(f)) {
                o.bulk(f);
                o.bulk(d.get(f));
            }
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
}
