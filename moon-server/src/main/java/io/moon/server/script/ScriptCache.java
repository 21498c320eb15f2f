package io.moon.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.Prototype;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-wide script cache: SHA1 of a script's body to its compiled prototype.
 *
 * <p>Shared by every shard thread, hence a concurrent map. What it holds is safe to share: a LuaJ
 * {@link Prototype} is the compiled, immutable form of a chunk (code, constants, nested
 * prototypes); nothing executing ever writes to it. Each shard wraps it in its own closure over
 * its own sandboxed globals ({@link LuaShard}), so no Lua value is ever touched by two threads.
 */
public final class ScriptCache {
    /** The chunk name Redis 7 gives scripts; error positions read "user_script:LINE:". */
    static final String CHUNK = "@user_script";

    private final ConcurrentHashMap<String, Compiled> bySha = new ConcurrentHashMap<>();
    /**
     * Scripts seen touching keys they did not declare (or running keyspace-wide commands): their
     * runs hold every shard (ScriptWide). A script runs that way the first time it is seen; if it
     * then touches only its declared keys it joins {@link #local} and later runs go in place.
     */
    private final java.util.Set<String> wide = ConcurrentHashMap.newKeySet();
    /** Scripts seen touching only their declared keys: they run in place, on their keys' shards. */
    private final java.util.Set<String> local = ConcurrentHashMap.newKeySet();
    /** Compilations done, for tests proving that EVALSHA of a cached script compiles nothing. */
    private final AtomicLong compilations = new AtomicLong();
    /** Estimated bytes the cached scripts take (INFO used_memory_scripts_eval): sources plus entries. */
    private final AtomicLong bytes = new AtomicLong();
    /** Per cached script beyond its source: the SHA1 key and the map entry, as Redis counts its sds and dict entry. */
    private static final int ENTRY_BYTES = 96;

    /** A compiled script and its shebang flags. */
    record Compiled(Prototype proto, int flags) {
    }

    /** The cached script, or null. */
    Compiled get(final String sha) {
        return bySha.get(sha);
    }

    public boolean exists(final String sha) {
        return bySha.containsKey(sha);
    }

    public long compilations() {
        return compilations.get();
    }

    public int size() {
        return bySha.size();
    }

    /** Estimated memory of the cache: each script's source and its entry (INFO used_memory_scripts_eval). */
    public long bytes() {
        return bytes.get();
    }

    /** Whether the script must run with every shard held: known to need it, or never seen run. */
    boolean runsWide(final String sha) {
        return !local.contains(sha) || !wide.isEmpty() && wide.contains(sha);
    }

    void markWide(final String sha) {
        wide.add(sha);
        local.remove(sha);
    }

    void markLocal(final String sha) {
        if (!wide.contains(sha)) {
            local.add(sha);
        }
    }

    public void flush() {
        wide.clear();
        local.clear();
        bySha.clear();
        bytes.set(0);
    }

    /**
     * Compiles a script's source and caches it under its SHA1. Throws {@link LuaError} with the
     * compiler's message: Lua 5.1's for source Lua 5.1 refuses ({@link Lua51Syntax}). A binary
     * chunk is source like any other, as in Redis (whose Lua has no undumper): it fails to compile.
     */
    Compiled compile(final String sha, final byte[] body) {
        final Compiled cached = bySha.get(sha);
        if (cached != null) {
            return cached;
        }
        final int flags = Shebang.flags(body);
        // Lua 5.1's grammar and errors first ("user_script:1: ... near '<eof>'"), then LuaJ
        final Prototype p = Lua51Syntax.compile(Shebang.strip(body), CHUNK.substring(1), 0, CHUNK);
        compilations.incrementAndGet();
        final Compiled c = new Compiled(p, flags);
        final Compiled raced = bySha.putIfAbsent(sha, c);
        if (raced != null) {
            return raced;
        }
        bytes.addAndGet(body.length + ENTRY_BYTES);
        return c;
    }

    /**
     * One SHA-1 digest per thread: every EVAL hashes its body, and MessageDigest.getInstance (a
     * provider lookup) cost as much as the hashing.
     */
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    /** Lower-case hex SHA1, as SCRIPT LOAD and redis.sha1hex answer. */
    public static String sha1hex(final byte[] b) {
        return HexFormat.of().formatHex(SHA1.get().digest(b)); // digest() also resets it
    }
}
