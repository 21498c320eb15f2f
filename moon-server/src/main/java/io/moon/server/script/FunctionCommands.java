package io.moon.server.script;

import io.moon.protocol.Reply;
import io.moon.server.Ctx;
import io.moon.server.commands.Help;
import io.moon.storage.Glob;

import java.nio.charset.StandardCharsets;

/**
 * FCALL, FCALL_RO and FUNCTION (Redis 7 functions). FCALL runs like EVALSHA: on the shard owning
 * its declared keys, over copies of them when they span shards, or with every shard held when
 * the function touches keys it did not declare (docs/architecture.md, "Scripts"). The libraries
 * are server-wide ({@link Libraries}); FUNCTION DUMP and RESTORE are in {@link FunctionDump}.
 */
public final class FunctionCommands {
    static final byte[] BUSY = Reply.err("BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.");
    private static final byte[] NOT_FOUND = Reply.err("ERR Function not found");
    private static final byte[] BAD_NUMKEYS = Reply.err("ERR Bad number of keys provided");
    private static final byte[] RO_WRITE = Reply.err("ERR Can not execute a script with write flag using *_ro command.");
    private static final byte[] OOM = Reply.err("OOM command not allowed when used memory > 'maxmemory'.");
    private static final byte[] LIB_NOT_FOUND = Reply.err("ERR Library not found");

    private FunctionCommands() {
    }

    // FCALL function numkeys [key ...] [arg ...]
    public static void fcall(final Ctx c) {
        run(c, false, null);
    }

    // FCALL_RO function numkeys [key ...] [arg ...]
    public static void fcallRo(final Ctx c) {
        run(c, true, null);
    }

    /**
     * Runs the FCALL bound in {@code c}: in place on this shard's interpreter, or (engine given) on
     * the interpreter of scripts that hold every shard (ScriptWide, on a thread of its own).
     */
    static void run(final Ctx c, final boolean readOnly, final LuaShard wideEngine) {
        final ScriptRegistry reg = c.server.scripts;
        final Libraries.State state = reg.libraries.state();
        final String name = c.req.argString(1);
        final Libraries.Function f = state.function(name);
        if (f == null) {
            c.out.raw(NOT_FOUND);
            return;
        }
        final long numkeys = ScriptCommands.numkeys(c, BAD_NUMKEYS);
        if (numkeys < 0) {
            return;
        }
        final boolean noWrites = (f.flags() & Shebang.NO_WRITES) != 0;
        if (readOnly && !noWrites) {
            c.out.raw(RO_WRITE);
            return;
        }
        final boolean allowOom = (f.flags() & Shebang.ALLOW_OOM) != 0;
        final boolean oom = wideEngine == null ? ScriptRun.overMaxmemory(c) : c.scriptOomAtStart;
        if (!noWrites && !allowOom && oom) {
            c.out.raw(OOM); // a function that may write, without allow-oom, does not start over maxmemory
            return;
        }
        final String key = "function:" + f.name();
        final boolean strict = wideEngine == null && c.server.config.luaStrictKeys;
        if (wideEngine == null && !strict && c.scriptMayWiden && c.server.shardCount() > 1 && reg.cache.runsWide(key)) {
            c.widen = true; // new, or known to touch undeclared keys: run with every shard held
            return;
        }
        final LuaShard engine = wideEngine != null ? wideEngine : LuaShard.of(c.shard);
        final org.luaj.vm2.LuaFunction callback;
        try {
            callback = engine.functions().callback(f, state.generation());
        } catch (final Libraries.Refused e) {
            c.out.error(e.getMessage()); // its body ran at FUNCTION LOAD; only a timeout under load gets here
            return;
        }
        if (callback == null) {
            c.out.raw(NOT_FOUND); // the body registers only what it did at load (it sees nothing else): not reached
            return;
        }
        final long limit = c.server.config.busyReplyThreshold;
        final ScriptRun r = new ScriptRun(c, f.name(), (int) numkeys, readOnly || noWrites, limit);
        r.function = true;
        r.chunk = "user_function";
        r.allowOom = allowOom;
        r.oomAtStart = oom;
        r.strict = strict;
        r.mayWiden = wideEngine == null && c.scriptMayWiden && !strict;
        engine.execute(r, null, callback);
        if (wideEngine != null) {
            if (r.undeclared) {
                reg.cache.markWide(key);
            } else {
                reg.cache.markLocal(key);
            }
        }
    }

    // FUNCTION LOAD [REPLACE] function-code
    public static void load(final Ctx c) {
        boolean replace = false;
        int i = 2;
        for (; i < c.argc() - 1; i++) {
            final String opt = c.req.argString(i);
            if (!opt.equalsIgnoreCase("replace")) {
                c.out.error("ERR Unknown option given: " + opt);
                return;
            }
            replace = true;
        }
        if (i >= c.argc()) {
            c.out.error("ERR Function code is missing");
            return;
        }
        final byte[] code = c.req.argBytes(i);
        try {
            final Libraries libs = c.server.scripts.libraries;
            if (!replace) {
                final String name = Libraries.metadataName(code);
                if (libs.state().libraries().containsKey(name)) {
                    throw new Libraries.Refused("ERR Library '" + name + "' already exists");
                }
            }
            final Libraries.Library lib = Libraries.compile(code, LuaShard.of(c.shard).functions());
            c.out.bulk(libs.publish(lib, replace).getBytes(StandardCharsets.UTF_8));
        } catch (final Libraries.Refused e) {
            c.out.error(e.getMessage());
        }
    }

    // FUNCTION DELETE library-name
    public static void delete(final Ctx c) {
        if (c.server.scripts.libraries.delete(c.req.argString(2))) {
            c.out.ok();
        } else {
            c.out.raw(LIB_NOT_FOUND);
        }
    }

    // FUNCTION FLUSH [ASYNC|SYNC]
    public static void flush(final Ctx c) {
        if (c.argc() > 3 || c.argc() == 3 && !c.req.argString(2).equalsIgnoreCase("sync")
                && !c.req.argString(2).equalsIgnoreCase("async")) {
            c.out.error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
            return;
        }
        c.server.scripts.libraries.flush();
        c.out.ok();
    }

    // FUNCTION LIST [LIBRARYNAME library-name-pattern] [WITHCODE]
    public static void list(final Ctx c) {
        boolean withCode = false;
        String pattern = null;
        for (int i = 2; i < c.argc(); i++) {
            final String a = c.req.argString(i);
            if (!withCode && a.equalsIgnoreCase("withcode")) {
                withCode = true;
            } else if (pattern == null && a.equalsIgnoreCase("libraryname")) {
                if (i >= c.argc() - 1) {
                    c.out.error("ERR library name argument was not given");
                    return;
                }
                pattern = c.req.argString(++i);
            } else {
                c.out.error("ERR Unknown argument " + a);
                return;
            }
        }
        final java.util.List<Libraries.Library> shown = new java.util.ArrayList<>();
        for (final Libraries.Library l : c.server.scripts.libraries.libraries()) {
            if (pattern == null || Glob.matches(pattern, l.name, true)) {
                shown.add(l);
            }
        }
        final Reply out = c.out;
        out.arrayHeader(shown.size());
        for (final Libraries.Library l : shown) {
            out.mapHeader(withCode ? 4 : 3);
            out.bulk("library_name");
            out.bulk(l.name);
            out.bulk("engine");
            out.bulk("LUA");
            out.bulk("functions");
            out.arrayHeader(l.functions.size());
            for (final Libraries.Function f : l.functions.values()) {
                out.mapHeader(3);
                out.bulk("name");
                out.bulk(f.name());
                out.bulk("description");
                if (f.description() == null) {
                    out.nullBulk();
                } else {
                    out.bulk(f.description());
                }
                out.bulk("flags");
                final java.util.List<String> flags = flagNames(f.flags());
                out.setHeader(flags.size());
                for (final String s : flags) {
                    out.simple(s); // status replies, as Redis lists them
                }
            }
            if (withCode) {
                out.bulk("library_code");
                out.bulk(l.code);
            }
        }
    }

    static java.util.List<String> flagNames(final int flags) {
        final java.util.List<String> l = new java.util.ArrayList<>();
        if ((flags & Shebang.NO_WRITES) != 0) {
            l.add("no-writes");
        }
        if ((flags & Shebang.ALLOW_OOM) != 0) {
            l.add("allow-oom");
        }
        if ((flags & Shebang.ALLOW_STALE) != 0) {
            l.add("allow-stale");
        }
        if ((flags & Shebang.NO_CLUSTER) != 0) {
            l.add("no-cluster");
        }
        if ((flags & Shebang.ALLOW_CROSS_SLOT) != 0) {
            l.add("allow-cross-slot-keys");
        }
        return l;
    }

    // FUNCTION STATS
    public static void stats(final Ctx c) {
        final ScriptRegistry reg = c.server.scripts;
        final ScriptRun r = reg.busyRun();
        if (r != null && !r.function) {
            c.out.raw(ScriptCommands.BUSY); // an EVAL script holds the server, as Redis answers
            return;
        }
        final Reply out = c.out;
        out.mapHeader(2);
        out.bulk("running_script");
        if (r == null) {
            out.nullBulk();
        } else {
            out.mapHeader(3);
            out.bulk("name");
            out.bulk(r.sha);
            out.bulk("command");
            out.arrayHeader(r.command.length);
            for (final byte[] a : r.command) {
                out.bulk(a);
            }
            out.bulk("duration_ms");
            out.integer(System.currentTimeMillis() - r.startMillis);
        }
        out.bulk("engines");
        out.mapHeader(1);
        out.bulk("LUA");
        out.mapHeader(2);
        out.bulk("libraries_count");
        out.integer(reg.libraries.libraries().size());
        out.bulk("functions_count");
        out.integer(reg.libraries.functionCount());
    }

    // FUNCTION KILL
    public static void kill(final Ctx c) {
        ScriptCommands.replyKill(c, c.server.scripts.kill(false));
    }

    // FUNCTION HELP
    public static void help(final Ctx c) {
        Help.reply(c.out, "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "LOAD [REPLACE] <FUNCTION CODE>",
                "    Load a library (first line \"#!lua name=<library>\"); REPLACE replaces one of that name.",
                "DELETE <LIBRARY NAME>",
                "    Delete a library and its functions.",
                "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
                "    Reply with each library (or those whose name matches PATTERN): its name, engine and",
                "    functions (name, description, flags), and its code with WITHCODE.",
                "STATS",
                "    Reply with the function running now (name, command, milliseconds), or nil, and the",
                "    number of libraries and functions of each engine.",
                "KILL",
                "    Stop the function that made the server busy, if it has not written yet.",
                "FLUSH [ASYNC|SYNC]",
                "    Delete every library (both modes delete them at once).",
                "DUMP",
                "    Reply with every library as a payload for FUNCTION RESTORE (Redis's format).",
                "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
                "    Load the libraries of a FUNCTION DUMP payload. APPEND (the default) fails when a",
                "    library exists already, REPLACE replaces it, FLUSH deletes every library first.");
    }
}
