package io.moon.server.command;

import io.moon.server.testing.Resp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical text form of COMMAND INFO that the golden file holds: one line per command
 * (subcommands on their own line, as "parent|sub"), fields as name=value with no spaces inside a
 * value, so a drift shows as a one-field diff. Works on replies decoded by {@link Resp} in RESP2
 * or RESP3 alike.
 *
 * <pre>
 *   rename arity=3 flags=write keys=1,2,1 acl=@keyspace,@write,@slow tips=-
 *          specs=RW,access,delete/index:1/range:0,1,0;OW,update/index:2/range:0,1,0
 * </pre>
 * (one line in the file). Empty lists print as "-". Key spec notes are prose and left out.
 */
final class CommandInfoLines {
    static final String GOLDEN_RESOURCE = "/io/moon/server/command/command-info-golden.txt";
    static final String[] FIELDS = {"arity", "flags", "keys", "acl", "tips", "specs"};

    private CommandInfoLines() {
    }

    /** name -> line for every entry of a COMMAND (or COMMAND INFO) reply, subcommands included. */
    static Map<String, String> fromReply(final Object reply) {
        final Map<String, String> out = new TreeMap<>();
        for (final Object e : (List<?>) reply) {
            add(out, (List<?>) e);
        }
        return out;
    }

    private static void add(final Map<String, String> out, final List<?> e) {
        final String name = (String) e.get(0);
        out.put(name, line(e));
        for (final Object sub : (Collection<?>) e.get(9)) {
            add(out, (List<?>) sub);
        }
    }

    /** One entry (10 elements) as its line, without its subcommands. */
    static String line(final List<?> e) {
        final StringBuilder sb = new StringBuilder();
        sb.append(e.get(0));
        sb.append(" arity=").append(e.get(1));
        sb.append(" flags=").append(words((Collection<?>) e.get(2)));
        sb.append(" keys=").append(e.get(3)).append(',').append(e.get(4)).append(',').append(e.get(5));
        sb.append(" acl=").append(words((Collection<?>) e.get(6)));
        sb.append(" tips=").append(words((Collection<?>) e.get(7)));
        final List<String> specs = new ArrayList<>();
        for (final Object s : (Collection<?>) e.get(8)) {
            specs.add(keySpec(asMap(s)));
        }
        sb.append(" specs=").append(specs.isEmpty() ? "-" : String.join(";", specs));
        return sb.toString();
    }

    private static String keySpec(final Map<String, Object> m) {
        final StringBuilder sb = new StringBuilder(words((Collection<?>) m.get("flags")));
        final Map<String, Object> begin = asMap(m.get("begin_search"));
        final Map<String, Object> bspec = asMap(begin.get("spec"));
        sb.append('/').append(begin.get("type"));
        switch ((String) begin.get("type")) {
            case "index" -> sb.append(':').append(bspec.get("index"));
            case "keyword" -> sb.append(':').append(bspec.get("keyword")).append(',').append(bspec.get("startfrom"));
            default -> { }
        }
        final Map<String, Object> find = asMap(m.get("find_keys"));
        final Map<String, Object> fspec = asMap(find.get("spec"));
        sb.append('/').append(find.get("type"));
        switch ((String) find.get("type")) {
            case "range" -> sb.append(':').append(fspec.get("lastkey")).append(',').append(fspec.get("keystep"))
                    .append(',').append(fspec.get("limit"));
            case "keynum" -> sb.append(':').append(fspec.get("keynumidx")).append(',').append(fspec.get("firstkey"))
                    .append(',').append(fspec.get("keystep"));
            default -> { }
        }
        return sb.toString();
    }

    /** A RESP3 map as is, or a RESP2 flat array of pairs as a map. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(final Object o) {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        final Map<String, Object> m = new LinkedHashMap<>();
        final Iterator<?> it = ((List<?>) o).iterator();
        while (it.hasNext()) {
            m.put((String) it.next(), it.next());
        }
        return m;
    }

    private static String words(final Collection<?> items) {
        if (items.isEmpty()) {
            return "-";
        }
        final List<String> w = new ArrayList<>();
        for (final Object o : items) {
            w.add(o instanceof Resp.Simple s ? s.text() : String.valueOf(o));
        }
        return String.join(",", w);
    }

    /** "get arity=2 flags=..." -> {name=get, arity=2, flags=...}. */
    static Map<String, String> fields(final String line) {
        final Map<String, String> m = new LinkedHashMap<>();
        final String[] parts = line.split(" ");
        m.put("name", parts[0]);
        for (int i = 1; i < parts.length; i++) {
            final int eq = parts[i].indexOf('=');
            m.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        return m;
    }

    /** The committed golden: name -> line, comments skipped. */
    static Map<String, String> golden() throws IOException {
        try (InputStream in = CommandInfoLines.class.getResourceAsStream(GOLDEN_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + GOLDEN_RESOURCE);
            }
            final Map<String, String> out = new TreeMap<>();
            for (final String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!l.isBlank() && !l.startsWith("#")) {
                    out.put(l.substring(0, l.indexOf(' ')), l);
                }
            }
            return out;
        }
    }
}
