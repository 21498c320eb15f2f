package io.moon.server.script;

import io.moon.protocol.Reply;
import io.moon.server.Ctx;
import io.moon.server.commands.Help;
import org.luaj.vm2.LuaError;

import java.nio.charset.StandardCharsets;

/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT. A script runs on the shard owning its declared
 * keys (the dispatcher routes EVAL by its keynum key spec); when they span shards the generic
 * cross-shard form runs it over copies of every declared key, all locked, and writes back what
 * it changed (docs/architecture.md, "Scripts").
 */
public final class ScriptCommands {
    static final byte[] NOSCRIPT = Reply.err("NOSCRIPT No matching script. Please use EVAL.");
    private static final byte[] NOT_INTEGER = Reply.err("ERR value is not an integer or out of range");
    private static final byte[] NEGATIVE = Reply.err("ERR Number of keys can't be negative");
    private static final byte[] TOO_MANY = Reply.err("ERR Number of keys can't be greater than number of args");
    static final byte[] OOM = Reply.err("OOM command not allowed when used memory > 'maxmemory'.");
    static final byte[] RO_WRITE = Reply.err("ERR Can not execute a script with write flag using *_ro command.");
    static final byte[] NOTBUSY = Reply.err("NOTBUSY No scripts in execution right now.");
    public static final byte[] BUSY = Reply.err("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");

    private ScriptCommands() {
    }

    // EVAL script numkeys [key ...] [arg ...]
    public static void eval(final Ctx c) {
        run(c, false, false);
    }

    // EVAL_RO script numkeys [key ...] [arg ...]
    public static void evalRo(final Ctx c) {
        run(c, false, true);
    }

    // EVALSHA sha1 numkeys [key ...] [arg ...]
    public static void evalsha(final Ctx c) {
        run(c, true, false);
    }

    // EVALSHA_RO sha1 numkeys [key ...] [arg ...]
    public static void evalshaRo(final Ctx c) {
        run(c, true, true);
    }

    private static void run(final Ctx c, final boolean bySha, final boolean readOnly) {
        run(c, bySha, readOnly, null);
    }

    /**
     * EVAL's and FCALL's numkeys (argument 2): the count, or -1 after answering Redis's error (not a
     * number: {@code notANumber}; negative; more keys than arguments).
     */
    static long numkeys(final Ctx c, final byte[] notANumber) {
        if (!c.req.parseLong(2)) {
            c.out.raw(notANumber);
            return -1;
        }
        final long n = c.req.longValue;
        if (n < 0) {
            c.out.raw(NEGATIVE);
            return -1;
        }
        if (n > c.argc() - 3) {
            c.out.raw(TOO_MANY);
            return -1;
        }
        return n;
    }

    /**
     * Runs EVAL/EVALSHA bound in {@code c}: in place on this shard's engine, or (engine given) on
     * the engine of a script that holds every shard (ScriptWide, on a thread of its own).
     */
    static void run(final Ctx c, final boolean bySha, final boolean readOnly, final LuaShard wideEngine) {
        final long numkeys = numkeys(c, NOT_INTEGER);
        if (numkeys < 0) {
            return;
        }
        final ScriptCache cache = c.server.scripts.cache;
        final String sha;
        final ScriptCache.Compiled compiled;
        if (bySha) {
            sha = c.req.argString(1).toLowerCase(java.util.Locale.ROOT);
            compiled = sha.length() == 40 ? cache.get(sha) : null;
            if (compiled == null) {
                c.out.raw(NOSCRIPT);
                return;
            }
        } else {
            final byte[] body = c.req.argBytes(1);
            sha = ScriptCache.sha1hex(body);
            compiled = compile(c, cache, sha, body);
            if (compiled == null) {
                return;
            }
        }
        final int flags = compiled.flags();
        final boolean noWrites = (flags & Shebang.NO_WRITES) != 0;
        final boolean allowOom = (flags & Shebang.ALLOW_OOM) != 0;
        if ((flags & Shebang.HAS_SHEBANG) != 0 && readOnly && !noWrites) {
            c.out.raw(RO_WRITE);
            return;
        }
        final boolean oom = wideEngine == null ? ScriptRun.overMaxmemory(c) : c.scriptOomAtStart;
        if ((flags & Shebang.HAS_SHEBANG) != 0 && oom && !noWrites && !allowOom) {
            c.out.raw(OOM); // a script with flags that may write, without allow-oom, does not start
            return;
        }
        final boolean strict = wideEngine == null && c.server.config.luaStrictKeys;
        if (wideEngine == null && !strict && c.scriptMayWiden && c.server.shardCount() > 1 && cache.runsWide(sha)) {
            c.widen = true; // new, or known to touch undeclared keys: run with every shard held
            return;
        }
        final long limit = c.server.config.busyReplyThreshold;
        final ScriptRun r = new ScriptRun(c, sha, (int) numkeys, readOnly || noWrites, limit);
        r.allowOom = allowOom;
        r.oomAtStart = oom;
        r.strict = strict;
        r.mayWiden = wideEngine == null && c.scriptMayWiden && !strict;
        (wideEngine != null ? wideEngine : LuaShard.of(c.shard)).execute(r, compiled.proto());
        if (wideEngine != null) {
            if (r.undeclared) {
                cache.markWide(sha);
            } else {
                cache.markLocal(sha);
            }
        }
    }

    /** Compiles (or finds) a script; on a compile error replies it and answers null. */
    private static ScriptCache.Compiled compile(final Ctx c, final ScriptCache cache, final String sha, final byte[] body) {
        try {
            return cache.compile(sha, body);
        } catch (final Shebang.Invalid e) {
            c.out.error(e.getMessage());
        } catch (final LuaError e) {
            c.out.error("ERR Error compiling script (new function): " + e.getMessage());
        }
        return null;
    }

    // SCRIPT LOAD script
    public static void load(final Ctx c) {
        final byte[] body = c.req.argBytes(2);
        final String sha = ScriptCache.sha1hex(body);
        if (compile(c, c.server.scripts.cache, sha, body) != null) {
            c.out.bulk(sha.getBytes(StandardCharsets.US_ASCII));
        }
    }

    // SCRIPT EXISTS sha1 [sha1 ...]
    public static void exists(final Ctx c) {
        c.out.arrayHeader(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            c.out.integer(c.server.scripts.cache.exists(c.req.argString(i).toLowerCase(java.util.Locale.ROOT)) ? 1 : 0);
        }
    }

    // SCRIPT FLUSH [ASYNC|SYNC]
    public static void flush(final Ctx c) {
        if (c.argc() > 3 || c.argc() == 3 && !c.req.argString(2).equalsIgnoreCase("sync")
                && !c.req.argString(2).equalsIgnoreCase("async")) {
            c.out.error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
            return;
        }
        c.server.scripts.cache.flush();
        c.out.ok();
    }

    // SCRIPT KILL
    public static void kill(final Ctx c) {
        replyKill(c, c.server.scripts.kill(true));
    }

    /** SCRIPT KILL's and FUNCTION KILL's reply to what the kill said: null not busy, "" killed, else the refusal. */
    static void replyKill(final Ctx c, final String r) {
        if (r == null) {
            c.out.raw(NOTBUSY);
        } else if (r.isEmpty()) {
            c.out.ok();
        } else {
            c.out.error(r);
        }
    }

    // SCRIPT HELP
    public static void help(final Ctx c) {
        Help.reply(c.out, "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "EXISTS <sha1> [<sha1> ...]",
                "    Reply with 1 for each script in the cache and 0 for each one that is not.",
                "FLUSH [ASYNC|SYNC]",
                "    Empty the script cache (both modes empty it at once).",
                "KILL",
                "    Stop the script that made the server busy, if it has not written yet.",
                "LOAD <script>",
                "    Compile a script and cache it without running it; reply with its SHA1.");
    }
}
