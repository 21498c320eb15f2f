package io.moon.server.commands;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The argument syntax of {@code command-docs.txt}, parsed into the argument tree that COMMAND
 * DOCS replies and redis-cli turns into its hints. A line reads like the usage line of the
 * command, with the facts the tree needs written next to each argument:
 *
 * <pre>
 *   key value [condition(NX | XX)@2.6.12] [GET@6.2.0] [expiration(EX seconds:integer | KEEPTTL@6.0.0)]
 * </pre>
 *
 * <ul>
 *   <li>{@code name} is an argument (lowercase; {@code "NAME"} in double quotes for any other
 *       spelling). Its type is {@code string}, or {@code key} for an argument named {@code key};
 *       {@code name:type} sets another (integer, double, key, pattern, unix-time).</li>
 *   <li>A word without lowercase letters, or any text in single quotes ({@code 'normal'}), is a
 *       token. Directly before an argument or group it is that argument's token
 *       ({@code EX seconds}); anywhere else it is a pure token, named after itself in lowercase
 *       unless {@code =name} follows ({@code CH=change}).</li>
 *   <li>{@code name(a | b)} is a group of alternatives (oneof), {@code name(a b)} a group of
 *       arguments that go together (block); {@code name(a |)} is a oneof with one member.</li>
 *   <li>{@code [item]} makes an item optional.</li>
 *   <li>Suffixes, in this order: {@code #n} the key spec this key argument belongs to (default
 *       0), {@code {text}} the display text when it is not the name, {@code =name},
 *       {@code ...} the item may repeat, {@code +} its token repeats with it,
 *       {@code @version} the version that added it, {@code !version} the version that deprecated
 *       it.</li>
 * </ul>
 * Cold path: parsed once, when COMMAND DOCS first needs the file.
 */
final class DocArgs {
    private DocArgs() {
    }

    private static final Set<String> LEAF_TYPES = Set.of("string", "integer", "double", "key", "pattern", "unix-time");

    /** One argument of a command's docs; {@code args} holds the members of a oneof or block. */
    record Arg(String name, String type, String displayText, int keySpecIndex, String token, String since,
               String deprecatedSince, boolean optional, boolean multiple, boolean multipleToken, List<Arg> args) {

        boolean isGroup() {
            return type.equals("oneof") || type.equals("block");
        }

        Arg asOptional() {
            return new Arg(name, type, displayText, keySpecIndex, token, since, deprecatedSince, true, multiple,
                    multipleToken, args);
        }
    }

    /** Parses one syntax line; throws IllegalArgumentException naming the position of an error. */
    static List<Arg> parse(final String syntax) {
        final Parser p = new Parser(syntax);
        final List<Arg> out = p.sequence();
        p.skipSpaces();
        if (!p.atEnd()) {
            throw p.error("unexpected '" + p.peek() + "'");
        }
        return List.copyOf(out);
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(final String s) {
            this.s = s;
        }

        IllegalArgumentException error(final String what) {
            return new IllegalArgumentException(what + " at column " + (pos + 1) + " of: " + s);
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        char peek() {
            return s.charAt(pos);
        }

        boolean at(final char c) {
            return pos < s.length() && s.charAt(pos) == c;
        }

        void expect(final char c) {
            if (!at(c)) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        void skipSpaces() {
            while (pos < s.length() && s.charAt(pos) == ' ') {
                pos++;
            }
        }

        /** Items up to the end, a '|', ')' or ']'. */
        List<Arg> sequence() {
            final List<Arg> items = new ArrayList<>();
            while (true) {
                skipSpaces();
                if (atEnd() || at('|') || at(')') || at(']')) {
                    return items;
                }
                items.add(item());
            }
        }

        Arg item() {
            if (at('[')) {
                pos++;
                skipSpaces();
                final Arg inner = item();
                skipSpaces();
                expect(']');
                return inner.asOptional();
            }
            String token = null;
            if (atToken()) {
                token = token();
                final int after = pos;
                skipSpaces();
                if (!atName()) {
                    pos = after;
                    return suffixes(token.toLowerCase(Locale.ROOT), "pure-token", null, -1, token, List.of());
                }
            }
            final String name = name();
            if (at('(')) {
                pos++;
                final List<List<Arg>> alternatives = new ArrayList<>();
                alternatives.add(sequence());
                while (at('|')) {
                    pos++;
                    alternatives.add(sequence());
                }
                expect(')');
                if (alternatives.size() == 1) {
                    if (alternatives.get(0).isEmpty()) {
                        throw error("empty group " + name);
                    }
                    return suffixes(name, "block", null, -1, token, alternatives.get(0));
                }
                final List<Arg> members = new ArrayList<>();
                for (int i = 0; i < alternatives.size(); i++) {
                    final List<Arg> alt = alternatives.get(i);
                    if (alt.isEmpty() && i == alternatives.size() - 1 && i == 1) {
                        continue; // "name(a |)": a oneof with one member
                    }
                    if (alt.size() != 1) {
                        throw error("each alternative of " + name + " must be one item (name a block for more)");
                    }
                    members.add(alt.get(0));
                }
                return suffixes(name, "oneof", null, -1, token, members);
            }
            String type = name.equals("key") ? "key" : "string";
            if (at(':')) {
                pos++;
                final int start = pos;
                while (pos < s.length() && (Character.isLowerCase(peek()) || peek() == '-')) {
                    pos++;
                }
                type = s.substring(start, pos);
                if (!LEAF_TYPES.contains(type)) {
                    throw error("unknown argument type '" + type + "'");
                }
            }
            int keySpec = type.equals("key") ? 0 : -1;
            if (at('#')) {
                pos++;
                keySpec = digits();
            }
            String display = name;
            if (at('{')) {
                final int close = s.indexOf('}', pos);
                if (close < 0) {
                    throw error("unclosed '{'");
                }
                display = s.substring(pos + 1, close);
                pos = close + 1;
            }
            return suffixes(name, type, display, keySpec, token, List.of());
        }

        /** The suffixes every item may have, then the finished argument. */
        private Arg suffixes(final String defaultName, final String type, final String display, final int keySpec,
                             final String token, final List<Arg> members) {
            String name = defaultName;
            if (at('=')) {
                if (!type.equals("pure-token")) {
                    throw error("'=name' applies to pure tokens; name the argument itself");
                }
                pos++;
                name = name();
            }
            boolean multiple = false;
            boolean multipleToken = false;
            if (s.startsWith("...", pos)) {
                pos += 3;
                multiple = true;
                if (at('+')) {
                    pos++;
                    multipleToken = true;
                }
            }
            String since = null;
            if (at('@')) {
                pos++;
                since = version();
            }
            String deprecated = null;
            if (at('!')) {
                pos++;
                deprecated = version();
            }
            if (!atEnd() && " |)]".indexOf(peek()) < 0) {
                throw error("unexpected '" + peek() + "' after " + name);
            }
            // Redis 7.2 gives every argument but a group a display text, a pure token its name.
            final String text = type.equals("pure-token") ? name : display;
            return new Arg(name, type, text, keySpec, token, since, deprecated, false, multiple, multipleToken,
                    List.copyOf(members));
        }

        private boolean atToken() {
            if (at('\'')) {
                return true;
            }
            int i = pos;
            boolean letter = false;
            while (i < s.length() && isWordChar(s.charAt(i))) {
                final char c = s.charAt(i);
                if (Character.isLowerCase(c)) {
                    return false;
                }
                letter |= Character.isUpperCase(c);
                i++;
            }
            return letter;
        }

        private boolean atName() {
            return at('"') || (!atEnd() && Character.isLowerCase(peek()));
        }

        private String token() {
            if (at('\'')) {
                return quoted('\'');
            }
            final int start = pos;
            while (pos < s.length() && isWordChar(peek())) {
                pos++;
            }
            return s.substring(start, pos);
        }

        private String name() {
            if (at('"')) {
                return quoted('"');
            }
            if (!atName()) {
                throw error("expected an argument name");
            }
            final int start = pos;
            while (pos < s.length() && (Character.isLowerCase(peek()) || Character.isDigit(peek()) || peek() == '-'
                    || peek() == '_')) {
                pos++;
            }
            return s.substring(start, pos);
        }

        private String quoted(final char q) {
            final int close = s.indexOf(q, pos + 1);
            if (close < 0) {
                throw error("unclosed " + q);
            }
            final String text = s.substring(pos + 1, close);
            pos = close + 1;
            return text;
        }

        private String version() {
            final int start = pos;
            while (pos < s.length() && (Character.isDigit(peek()) || peek() == '.')) {
                pos++;
            }
            if (start == pos) {
                throw error("expected a version");
            }
            return s.substring(start, pos);
        }

        private int digits() {
            final int start = pos;
            while (pos < s.length() && Character.isDigit(peek())) {
                pos++;
            }
            if (start == pos) {
                throw error("expected a number");
            }
            return Integer.parseInt(s.substring(start, pos));
        }

        private static boolean isWordChar(final char c) {
            return Character.isLetterOrDigit(c) || c == '-' || c == '_';
        }
    }
}
