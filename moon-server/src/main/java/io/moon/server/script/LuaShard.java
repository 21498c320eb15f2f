package io.moon.server.script;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.command.CommandSpec;
import io.moon.server.command.Flags;
import io.moon.server.Ctx;
import io.moon.server.Shard;
import io.moon.storage.Keyspace;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;

/**
 * One shard's Lua interpreter: its own sandboxed globals (LuaJ values are not thread-safe, so no
 * shard ever touches another's), the redis library bound to whatever script is running now, and
 * the instruction hook that enforces SCRIPT KILL and the memory budget.
 *
 * <p>Owned by its shard thread (created there on first use); not thread-safe. Compiled scripts
 * come from the server-wide {@link ScriptCache}: running one is a new closure over the shared,
 * immutable prototype and this shard's globals, nothing is compiled.
 */
public final class LuaShard {
    final Shard shard;
    final Sandbox.SealedGlobals globals;
    /** Reply buffer of the commands redis.call runs; reused, the script consumes it at once. */
    final ByteBuf callOut = Unpooled.buffer(256);
    final Reply callReply = new Reply();
    private Ctx nestedHome;
    private Ctx nestedScratch;
    private Keyspace scratchOf;
    private final LuaHook hook;
    private static final LuaString KEYS = LuaString.valueOf("KEYS");
    private static final LuaString ARGV = LuaString.valueOf("ARGV");
    /** The run in progress, or null. */
    ScriptRun run;
    /** Set on the engine of scripts that hold every shard (ScriptWide): commands go by message. */
    io.moon.server.xshard.BlockingSession wide;

    LuaShard(final Shard shard) {
        this.shard = shard;
        this.hook = new LuaHook();
        hook.owner = this;
        this.globals = Sandbox.build(RedisLib.table(this), hook);
    }

    /** The shard's engine, created on the shard's thread on first use. */
    public static LuaShard of(final Shard shard) {
        LuaShard l = shard.lua;
        if (l == null) {
            l = new LuaShard(shard);
            shard.lua = l;
        }
        return l;
    }

    /** A context for the commands the script runs, over the keyspace the script runs on. */
    Ctx nested(final Keyspace ks) {
        if (ks == shard.keyspace) {
            if (nestedHome == null) {
                nestedHome = new Ctx(shard, ks);
            }
            return nestedHome;
        }
        if (scratchOf != ks) {
            nestedScratch = new Ctx(shard, ks);
            scratchOf = ks;
        }
        return nestedScratch;
    }

    /**
     * Runs a compiled script with KEYS and ARGV, writing its reply (or its error) to the
     * context's reply.
     */
    void execute(final ScriptRun r, final Prototype p) {
        execute(r, p, null);
    }

    /** The function environment of this interpreter (FCALL), created on first use. */
    FunctionEnv functions() {
        if (functions == null) {
            functions = new FunctionEnv(this);
        }
        return functions;
    }

    private FunctionEnv functions;
    /** While a library's body runs: when it must have finished (Redis's load timeout), else 0. */
    long loadDeadlineMillis;

    void beginLoad(final long deadlineMillis) {
        hook.reset();
        loadDeadlineMillis = deadlineMillis;
    }

    void endLoad() {
        loadDeadlineMillis = 0;
    }

    /**
     * Runs a script (its compiled body, {@code fn} null) or a function (FCALL: {@code fn} called
     * with the KEYS and ARGV tables) and writes its reply, or its error, to the context's reply.
     */
    void execute(final ScriptRun r, final Prototype p, final org.luaj.vm2.LuaFunction fn) {
        final LuaTable keys = new LuaTable(r.numkeys, 0);
        final LuaTable argv = new LuaTable(Math.max(0, r.ctx.argc() - 3 - r.numkeys), 0);
        for (int i = 0; i < r.numkeys; i++) {
            keys.rawset(i + 1, arg(r.ctx, 3 + i));
        }
        for (int i = 3 + r.numkeys; i < r.ctx.argc(); i++) {
            argv.rawset(i - 2 - r.numkeys, arg(r.ctx, i));
        }
        if (fn == null) {
            globals.setUnchecked(KEYS, keys);
            globals.setUnchecked(ARGV, argv);
        }
        run = r;
        hook.reset();
        final ScriptRegistry reg = shard.server.scripts;
        shard.log.beginGroup(); // the script's writes here become one log record
        try {
            final LuaValue ret = fn != null ? fn.call(keys, argv) : new LuaClosure(p, globals).call();
            LuaToResp.write(r.ctx.out, ret, r.resp);
        } catch (final LuaError e) {
            r.ctx.out.error(ScriptErrors.runtime(e, r.sha, hook.line, r.chunk));
        } catch (final StackOverflowError e) {
            r.ctx.out.error(positioned(r, "stack overflow"));
        } catch (final ScriptRun.OutOfMemory e) {
            r.ctx.out.error(positioned(r, "not enough memory"));
        } catch (final OutOfMemoryError e) {
            // a single huge allocation (string.rep, a giant concat) failed before it happened
            r.ctx.out.error(positioned(r, "not enough memory"));
        } catch (final ScriptRun.Widen e) {
            r.ctx.widen = true; // no reply: the dispatcher runs the script again with every shard held
        } catch (final ScriptRun.Killed e) {
            r.ctx.out.error("ERR Script killed by user with SCRIPT KILL... script: " + r.sha + ", on @" + r.chunk + ":" + hook.line + ".");
        } finally {
            shard.log.endGroup();
            run = null;
            reg.finished(r);
            globals.setUnchecked(KEYS, LuaValue.NIL);
            globals.setUnchecked(ARGV, LuaValue.NIL);
        }
    }

    private String positioned(final ScriptRun r, final String what) {
        return "ERR " + r.chunk + ":" + hook.line + ": " + what + " script: " + r.sha + ", on @" + r.chunk + ":" + hook.line + ".";
    }

    /**
     * redis.call (raise) and redis.pcall: checks the command as Redis's scriptCall does, runs it
     * here through a context of its own, and converts its reply.
     */
    Varargs runCommand(final Varargs a, final boolean raise) {
        final ScriptRun r = run;
        if (a.narg() == 0) {
            return fail(raise, "ERR Please specify at least one argument for this redis lib call");
        }
        final Request req = RedisLib.request(a);
        if (req == null) {
            return fail(raise, "ERR Lua redis lib command arguments must be strings or integers");
        }
        final CommandSpec spec = RedisLib.spec(r.ctx, req);
        if (spec == null || spec.handler() == null && spec.multi() == null) {
            return fail(raise, "ERR Unknown Redis command called from script");
        }
        if (!spec.arityOk(req.argc())) {
            return fail(raise, "ERR Wrong number of args calling Redis command from script");
        }
        if (spec.has(Flags.NOSCRIPT)) {
            return fail(raise, "ERR This Redis command is not allowed from script");
        }
        final io.moon.server.acl.AclUser user = r.user;
        if (user != null && !user.unrestricted()) {
            final io.moon.server.net.Connection caller = r.ctx.client;
            final int denied = io.moon.server.acl.AclCheck.check(user, spec, req);
            if (denied != io.moon.server.acl.AclCheck.OK) {
                shard.stats.aclDenied[io.moon.server.acl.AclCheck.reason(denied)]++;
                io.moon.server.acl.AclCommands.logDenial(shard.server, caller, denied, "lua",
                        io.moon.server.acl.AclCheck.object(denied, spec, req), user.name());
                return fail(raise, "ERR ACL failure in script: "
                        + io.moon.server.acl.AclCheck.message(denied, user, spec, req, false));
            }
        }
        if (r.readOnly && (spec.has(Flags.WRITE) || spec.has(Flags.MAY_REPLICATE))) {
            // as Redis, a read-only script refuses what may replicate too (PUBLISH, PFCOUNT)
            return fail(raise, "ERR Write commands are not allowed from read-only scripts.");
        }
        if (r.oomAtStart && !r.allowOom && !r.wrote && spec.has(Flags.DENYOOM)) {
            // Redis's rule: over maxmemory when the script started, only its first write is refused
            return fail(raise, "OOM command not allowed when used memory > 'maxmemory'.");
        }
        final String blocking = RedisLib.blockInScript(spec, req);
        if (blocking != null) {
            return fail(raise, blocking);
        }
        if (spec.name().equals("select")) {
            if (!req.parseLong(1) || req.longValue < 0 || req.longValue >= shard.keyspace.databases()) {
                return fail(raise, "ERR DB index is out of range");
            }
            r.db = (int) req.longValue;
            if (shard.server.monitors.active()) {
                shard.server.monitors.feed(r.db, "lua", req);
            }
            return RedisLib.single("ok", "OK");
        }
        if (r.strict && spec.route() == CommandSpec.Route.KEYED) {
            final String undeclared = RedisLib.undeclared(r, spec, req);
            if (undeclared != null) {
                return fail(raise, "ERR Script attempted to access key '" + undeclared
                        + "' that is not declared in KEYS (lua-strict-keys is on)");
            }
        }
        if (wide != null) {
            // keyless commands (PUBLISH, COMMAND INFO...) run on the coordinator's shard thread
            if (spec.route() == CommandSpec.Route.COORDINATED
                    || spec.route() == CommandSpec.Route.KEYED && RedisLib.undeclared(r, spec, req) != null) {
                r.undeclared = true;
            }
            try {
                return wideCall(r, spec, req, raise);
            } finally {
                if (shard.server.monitors.active() && io.moon.server.observe.Monitors.shown(spec)) {
                    shard.server.monitors.feed(r.db, "lua", req);
                }
            }
        }
        if (spec.route() == CommandSpec.Route.COORDINATED && !r.strict) {
            widen(r);
        }
        if (spec.route() == CommandSpec.Route.COORDINATED || spec.handler() == null) {
            return fail(raise, "ERR Moon: '" + spec.fullName() + "' cannot run inside a script");
        }
        if (spec.route() == CommandSpec.Route.KEYED) {
            final String refused = RedisLib.placement(r.ctx, r, spec, req);
            if (refused != null) {
                widen(r);
                return fail(raise, r.mayWiden ? WROTE_FIRST : refused);
            }
        }
        callOut.clear();
        callReply.bind(callOut, r.resp);
        final Ctx x = nested(r.ctx.keyspace);
        x.bind(r.db, req, callReply, spec);
        x.inScript = true;
        x.client = spec.route() == CommandSpec.Route.LOCAL ? r.ctx.client : null;
        x.blockFor = null;
        x.trackFor = r.ctx.trackFor; // a script's reads are remembered for its caller, as in Redis
        x.changes = r.ctx.changes; // over gathered copies: what changes goes back to the owners
        x.proto = r.resp;
        x.noTouch = r.ctx.noTouch;
        x.inTransaction = true;
        x.runCommand();
        if (shard.server.monitors.active() && io.moon.server.observe.Monitors.shown(spec)) {
            shard.server.monitors.feed(r.db, "lua", req);
        }
        if (spec.has(Flags.WRITE)) {
            r.wrote = true;
        }
        if (RespToLua.isError(callOut)) {
            final LuaValue err = RespToLua.convert(callOut);
            if (raise) {
                throw new ScriptErrors.Raised(err, hook.line);
            }
            return err;
        }
        return RespToLua.convert(callOut);
    }

    /**
     * The script needs keys or commands this shard cannot serve: when it may, and has changed
     * nothing yet (or ran over copies, the gather form), it stops here and runs again with every
     * shard held; this script's later runs start that way.
     */
    private static final String WROTE_FIRST = "ERR Moon: this script wrote before touching a key it did not declare"
            + " on another shard, so it could not be moved to run with every shard held; its next runs will be"
            + " (declaring every key in KEYS avoids this)";

    private void widen(final ScriptRun r) {
        if (!r.mayWiden) {
            return;
        }
        shard.server.scripts.cache.markWide(r.cacheKey()); // its next runs hold every shard from the start
        if (!r.wrote || r.ctx.keyspace != shard.keyspace) {
            throw new ScriptRun.Widen();
        }
    }

    /** A command of a script that holds every shard: it runs where its keys live, by message. */
    private Varargs wideCall(final ScriptRun r, final CommandSpec spec, final Request req, final boolean raise) {
        final byte[] reply;
        try {
            reply = wide.call(r.db, r.resp, req, spec);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScriptRun.Killed();
        }
        if (spec.mayWrite()) {
            r.wrote = true;
        }
        final io.netty.buffer.ByteBuf in = Unpooled.wrappedBuffer(reply);
        if (RespToLua.isError(in)) {
            final LuaValue err = RespToLua.convert(in);
            if (raise) {
                throw new ScriptErrors.Raised(err, hook.line);
            }
            return err;
        }
        return RespToLua.convert(in);
    }

    private Varargs fail(final boolean raise, final String text) {
        final LuaTable err = RedisLib.single("err", text);
        if (raise) {
            throw new ScriptErrors.Raised(err, hook.line);
        }
        return err;
    }

    private static LuaString arg(final Ctx c, final int i) {
        return LuaString.valueOf(java.util.Arrays.copyOfRange(c.buf(), c.off(i), c.off(i) + c.len(i)));
    }

    /** The line the script is at (the last instruction run by a Lua function), for error texts. */
    int line() {
        return hook.line;
    }
}
