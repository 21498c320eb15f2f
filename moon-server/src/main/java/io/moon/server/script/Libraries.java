package io.moon.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.Prototype;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's function libraries (FUNCTION LOAD, FCALL): one set for the whole server, as in
 * Redis. Every change builds a new immutable {@link State} and publishes it with one volatile
 * write, under this object's lock, before the command that made it replies; every shard reads
 * the current state with one volatile read when it runs FCALL, so a loaded library is visible to
 * all shards at once and a half-loaded one never is. Each shard's Lua interpreter instantiates a
 * library from its compiled (immutable, shareable) body the first time it runs one of its
 * functions ({@link FunctionEnv}).
 */
public final class Libraries {
    /** The chunk name Redis gives libraries; error positions read "user_function:LINE:". */
    static final String CHUNK = "@user_function";
    static final String NAME_RULE =
            "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

    /** One function of a library, as registered by its body. */
    public record Function(String name, String description, int flags, Library library) {
    }

    /** A loaded library: its code, its compiled body and its functions in registration order. */
    public static final class Library {
        public final String name;
        public final byte[] code;
        final Prototype proto;
        public final Map<String, Function> functions = new LinkedHashMap<>();

        Library(final String name, final byte[] code, final Prototype proto) {
            this.name = name;
            this.code = code;
            this.proto = proto;
        }
    }

    /**
     * Every library and function at one moment; never changed once published. Functions are keyed
     * by their lower-case name: as in Redis, function names are unique regardless of case across
     * libraries (FCALL FOO finds foo), while library names are case-sensitive.
     */
    record State(Map<String, Library> libraries, Map<String, Function> functions, long generation) {
        Function function(final String name) {
            return functions.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** A refused load or restore: the whole error reply text. */
    public static final class Refused extends RuntimeException {
        Refused(final String reply) {
            super(reply, null, false, false);
        }
    }

    private volatile State state = new State(Map.of(), Map.of(), 0);

    /** The function named so, in any case, or null. */
    Function function(final String name) {
        return state.function(name);
    }

    State state() {
        return state;
    }

    /** Libraries in load order. */
    public List<Library> libraries() {
        return new ArrayList<>(state.libraries.values());
    }

    public int functionCount() {
        return state.functions.size();
    }

    /**
     * Estimated memory of the loaded libraries (INFO used_memory_functions): each library's code
     * and name, each function's name and description, and an entry's overhead for each.
     */
    public long bytes() {
        long n = 0;
        for (final Library l : state.libraries.values()) {
            n += l.code.length + l.name.length() + 64;
            for (final Function f : l.functions.values()) {
                n += f.name().length() + (f.description() == null ? 0 : f.description().length()) + 64;
            }
        }
        return n;
    }

    /** Whether a library or function name is valid: letters, digits and underscores, at least one. */
    static boolean validName(final String n) {
        if (n.isEmpty()) {
            return false;
        }
        for (int i = 0; i < n.length(); i++) {
            final char ch = n.charAt(i);
            if (!(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_')) {
                return false;
            }
        }
        return true;
    }

    /** The library name in a code's "#!lua name=..." first line; throws {@link Refused}. */
    static String metadataName(final byte[] code) {
        if (code.length < 2 || code[0] != '#' || code[1] != '!') {
            throw new Refused("ERR Missing library metadata");
        }
        int end = 2;
        while (end < code.length && code[end] != '\n') {
            end++;
        }
        final String[] parts = new String(code, 2, end - 2, StandardCharsets.ISO_8859_1).trim().split("[ \t\r]+");
        if (!parts[0].equalsIgnoreCase("lua")) {
            throw new Refused("ERR Engine '" + parts[0] + "' not found");
        }
        String name = null;
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].startsWith("name=")) {
                if (name != null) {
                    throw new Refused("ERR Invalid metadata value, name argument was given multiple times");
                }
                name = parts[i].substring(5);
            } else {
                throw new Refused("ERR Invalid metadata value given: " + parts[i]);
            }
        }
        if (name == null) {
            throw new Refused("ERR Library name was not given");
        }
        if (!validName(name)) {
            throw new Refused(NAME_RULE);
        }
        return name;
    }

    /**
     * Checks and compiles a library and runs its body once in {@code env} (load mode) to learn its
     * functions; throws {@link Refused} with Redis's reply. Nothing is published.
     */
    static Library compile(final byte[] code, final FunctionEnv env) {
        final String name = metadataName(code);
        final Prototype p;
        try {
            p = Lua51Syntax.compile(Shebang.strip(code), CHUNK.substring(1), 0, CHUNK);
        } catch (final Lua51Syntax.Failure e) {
            throw new Refused("ERR Error compiling function: " + e.getMessage());
        } catch (final LuaError e) {
            throw new Refused("ERR Error compiling function: " + ScriptErrors.bare(e.getMessage())
                    .replace(CHUNK.substring(1) + ":", "user_function:"));
        }
        final Library lib = new Library(name, code, p);
        for (final FunctionEnv.Registered r : env.load(p).values()) {
            lib.functions.put(r.name(), new Function(r.name(), r.description(), r.flags(), lib));
        }
        if (lib.functions.isEmpty()) {
            throw new Refused("ERR No functions registered");
        }
        return lib;
    }

    /** FUNCTION LOAD: publishes a compiled library; answers its name or throws {@link Refused}. */
    synchronized String publish(final Library lib, final boolean replace) {
        final State s = state;
        final Library old = s.libraries.get(lib.name);
        if (old != null && !replace) {
            throw new Refused("ERR Library '" + lib.name + "' already exists");
        }
        for (final String f : lib.functions.keySet()) {
            final Function other = s.function(f);
            if (other != null && other.library() != old) {
                throw new Refused("ERR Function " + f + " already exists");
            }
        }
        final Map<String, Library> libs = new LinkedHashMap<>(s.libraries);
        libs.remove(lib.name);
        libs.put(lib.name, lib);
        state = build(libs, s.generation + 1);
        return lib.name;
    }

    /** FUNCTION DELETE: whether the library was there. */
    synchronized boolean delete(final String name) {
        final State s = state;
        if (!s.libraries.containsKey(name)) {
            return false;
        }
        final Map<String, Library> libs = new LinkedHashMap<>(s.libraries);
        libs.remove(name);
        state = build(libs, s.generation + 1);
        return true;
    }

    /** FUNCTION FLUSH, FLUSHALL-independent: drops every library. */
    public synchronized void flush() {
        state = build(new LinkedHashMap<>(), state.generation + 1);
    }

    /** How FUNCTION RESTORE treats libraries already loaded. */
    enum Policy { APPEND, REPLACE, FLUSH }

    /**
     * FUNCTION RESTORE and loading a snapshot: installs every library at once, or none (throws
     * {@link Refused}).
     */
    synchronized void restore(final List<Library> incoming, final Policy policy) {
        final State s = state;
        final Map<String, Library> libs = policy == Policy.FLUSH ? new LinkedHashMap<>() : new LinkedHashMap<>(s.libraries);
        for (final Library lib : incoming) {
            if (libs.containsKey(lib.name) && policy == Policy.APPEND) {
                throw new Refused("ERR Library " + lib.name + " already exists");
            }
            libs.remove(lib.name);
        }
        for (final Library lib : incoming) {
            libs.put(lib.name, lib);
        }
        final Map<String, Function> seen = new LinkedHashMap<>();
        for (final Library lib : libs.values()) {
            for (final Function f : lib.functions.values()) {
                final Function other = seen.putIfAbsent(f.name().toLowerCase(java.util.Locale.ROOT), f);
                if (other != null && other.library() != lib) {
                    throw new Refused("ERR Function " + f.name() + " already exists");
                }
            }
        }
        state = build(libs, s.generation + 1);
    }

    private static State build(final Map<String, Library> libs, final long generation) {
        final Map<String, Function> fns = new LinkedHashMap<>();
        for (final Library l : libs.values()) {
            for (final Function f : l.functions.values()) {
                fns.put(f.name().toLowerCase(java.util.Locale.ROOT), f); // "a" then "A" in one library: "A", as in Redis
            }
        }
        return new State(Collections.unmodifiableMap(libs), Collections.unmodifiableMap(fns), generation);
    }
}
