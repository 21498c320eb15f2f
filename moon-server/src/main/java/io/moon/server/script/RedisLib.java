package io.moon.server.script;

import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.Version;
import io.moon.server.command.CommandSpec;
import io.moon.server.command.CommandTable;
import io.moon.server.command.Flags;
import io.moon.server.xshard.LockTable;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

import java.nio.charset.StandardCharsets;

/**
 * The "redis" table scripts see: call, pcall, error_reply, status_reply, sha1hex, log, setresp,
 * set_repl, replicate_commands, and Redis's constants. redis.call runs the command directly on
 * the shard the script runs on, through a context of its own (the script's context stays bound).
 */
final class RedisLib {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("io.moon.server.script");

    private RedisLib() {
    }

    static LuaTable table(final LuaShard l) {
        final LuaTable t = new LuaTable();
        t.rawset("call", fn(a -> l.runCommand(a, true)));
        t.rawset("pcall", fn(a -> l.runCommand(a, false)));
        t.rawset("error_reply", fn(a -> {
            if (a.narg() != 1 || a.arg1().type() != LuaValue.TSTRING) {
                return single("err", "ERR wrong number or type of arguments");
            }
            final String m = a.arg1().tojstring();
            return single("err", errorText(m.startsWith("-") ? m : "-" + m));
        }));
        t.rawset("status_reply", fn(a -> {
            if (a.narg() != 1 || a.arg1().type() != LuaValue.TSTRING) {
                return single("err", "ERR wrong number or type of arguments");
            }
            return single("ok", a.arg1().tojstring());
        }));
        t.rawset("sha1hex", fn(a -> {
            if (a.narg() != 1) {
                throw raised(l, "ERR wrong number of arguments");
            }
            final LuaValue v = a.arg1();
            return LuaValue.valueOf(ScriptCache.sha1hex(v.isstring() ? bytes(v.checkstring()) : new byte[0]));
        }));
        t.rawset("log", fn(a -> log(l, a)));
        t.rawset("acl_check_cmd", fn(a -> aclCheck(l, a)));
        // the debugger (SCRIPT DEBUG) is not there: outside it Redis answers false and nothing
        t.rawset("breakpoint", fn(a -> LuaValue.FALSE));
        t.rawset("debug", fn(a -> LuaValue.NONE));
        t.rawset("LOG_DEBUG", LuaValue.valueOf(0));
        t.rawset("LOG_VERBOSE", LuaValue.valueOf(1));
        t.rawset("LOG_NOTICE", LuaValue.valueOf(2));
        t.rawset("LOG_WARNING", LuaValue.valueOf(3));
        t.rawset("setresp", fn(a -> {
            if (a.narg() != 1) {
                throw raised(l, "ERR redis.setresp() requires one argument.");
            }
            final LuaValue n = a.arg1().tonumber();
            final int v = n.isnil() ? 0 : LuaNumbers.toInt(n.todouble());
            if (v != 2 && v != 3) {
                throw raised(l, "ERR RESP version must be 2 or 3.");
            }
            l.run.resp = v;
            return LuaValue.NONE;
        }));
        t.rawset("set_repl", fn(a -> {
            final int v = a.checkint(1);
            if ((v & ~3) != 0) {
                throw raised(l, "ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
            }
            return LuaValue.NONE; // Moon has no replication yet: the flags are accepted and kept nowhere
        }));
        t.rawset("replicate_commands", fn(a -> LuaValue.TRUE));
        t.rawset("REPL_NONE", LuaValue.valueOf(0));
        t.rawset("REPL_AOF", LuaValue.valueOf(1));
        t.rawset("REPL_SLAVE", LuaValue.valueOf(2));
        t.rawset("REPL_REPLICA", LuaValue.valueOf(2));
        t.rawset("REPL_ALL", LuaValue.valueOf(3));
        t.rawset("REDIS_VERSION", LuaValue.valueOf(Version.REDIS_COMPAT));
        t.rawset("REDIS_VERSION_NUM", LuaValue.valueOf(versionNum(Version.REDIS_COMPAT)));
        return t;
    }

    /** redis.log(level, message...): Redis's checks and errors; the message has no script position. */
    static Varargs log(final LuaShard l, final Varargs a) {
        if (a.narg() < 2) {
            throw raised(l, "ERR redis.log() requires two arguments or more.");
        }
        final LuaValue n = a.arg1().tonumber();
        if (n.isnil()) {
            throw raised(l, "ERR First argument must be a number (log level).");
        }
        final double level = n.todouble();
        if (!(level >= 0 && level < 4)) {
            throw raised(l, "ERR Invalid debug level.");
        }
        final StringBuilder s = new StringBuilder();
        for (int i = 2; i <= a.narg(); i++) {
            final LuaValue v = a.arg(i);
            if (v.isstring()) { // what lua_tolstring converts: strings and numbers
                s.append(i > 2 ? " " : "").append(v.type() == LuaValue.TNUMBER
                        ? LuaNumbers.tostring(v.todouble()) : v.tojstring());
            }
        }
        LOG.log((int) level >= 3 ? java.util.logging.Level.WARNING : java.util.logging.Level.INFO, s.toString());
        return LuaValue.NONE;
    }

    /** redis.acl_check_cmd(command, args...): whether the script's user may run that command with those arguments. */
    private static Varargs aclCheck(final LuaShard l, final Varargs a) {
        if (a.narg() == 0) {
            throw raised(l, "ERR Please specify at least one argument for this redis lib call");
        }
        final Request req = request(a);
        if (req == null) {
            throw raised(l, "ERR Lua redis lib command arguments must be strings or integers");
        }
        final ScriptRun r = l.run;
        final CommandSpec spec = spec(r.ctx, req);
        if (spec == null) {
            throw raised(l, "ERR Invalid command passed to redis.acl_check_cmd()");
        }
        final io.moon.server.acl.AclUser user = r.user;
        return LuaValue.valueOf(user == null || user.unrestricted()
                || io.moon.server.acl.AclCheck.check(user, spec, req) == io.moon.server.acl.AclCheck.OK);
    }

    /**
     * The err field of an error table made from a "-CODE message" line, as Redis's error tables
     * hold it: "CODE message", or "ERR message" when the line has no code; trailing CR/LF dropped.
     */
    static String errorText(final String line) {
        final String code;
        String msg;
        final int sp = line.indexOf(' ');
        if (sp < 0) {
            code = "ERR";
            msg = line.substring(1);
        } else {
            code = line.substring(1, sp);
            msg = line.substring(sp + 1);
        }
        int end = msg.length();
        int begin = 0;
        while (end > begin && (msg.charAt(end - 1) == '\r' || msg.charAt(end - 1) == '\n')) {
            end--;
        }
        while (begin < end && (msg.charAt(begin) == '\r' || msg.charAt(begin) == '\n')) {
            begin++;
        }
        msg = msg.substring(begin, end);
        return code + " " + msg;
    }

    static int versionNum(final String v) {
        final String[] p = v.split("\\.");
        return (Integer.parseInt(p[0]) << 16) | (Integer.parseInt(p[1]) << 8) | Integer.parseInt(p[2]);
    }

    interface Body {
        Varargs apply(Varargs a);
    }

    private static VarArgFunction fn(final Body b) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(final Varargs a) {
                return b.apply(a);
            }
        };
    }

    static LuaTable single(final String field, final String text) {
        final LuaTable t = new LuaTable();
        t.rawset(field, LuaValue.valueOf(text));
        return t;
    }

    static ScriptErrors.Raised raised(final LuaShard l, final String text) {
        return new ScriptErrors.Raised(single("err", text), l.line());
    }

    static byte[] bytes(final LuaString s) {
        return java.util.Arrays.copyOfRange(s.m_bytes, s.m_offset, s.m_offset + s.m_length);
    }

    /** The arguments of redis.call as a request, or null when one is neither a string nor a number. */
    static Request request(final Varargs a) {
        final Request r = new Request();
        final int n = a.narg();
        for (int i = 1; i <= n; i++) {
            final LuaValue v = a.arg(i);
            if (v.type() == LuaValue.TNUMBER) {
                // Redis formats numbers with %.17g here (not tostring's %.14g) to keep their precision
                r.add(LuaNumbers.formatG(v.todouble(), 17).getBytes(StandardCharsets.US_ASCII));
            } else if (v.type() == LuaValue.TSTRING) {
                final LuaString s = v.checkstring();
                r.add(s.m_bytes, s.m_offset, s.m_length);
            } else {
                return null;
            }
        }
        return r;
    }

    /**
     * XREAD and XREADGROUP with BLOCK: Redis refuses the option in scripts (in its argument parse,
     * before the streams are read); the error text, or null. Options are read up to STREAMS.
     */
    static String blockInScript(final CommandSpec spec, final Request r) {
        final boolean group = spec.name().equals("xreadgroup");
        if (!group && !spec.name().equals("xread")) {
            return null;
        }
        for (int i = 1; i < r.argc() - 1; i++) {
            final String o = r.argString(i);
            if (o.equalsIgnoreCase("streams")) {
                return null;
            }
            if (o.equalsIgnoreCase("block")) {
                return "ERR " + r.argString(0) + " command is not allowed with BLOCK option from scripts";
            }
            if (group && o.equalsIgnoreCase("group")) {
                i += 2;
            } else if (o.equalsIgnoreCase("count")) {
                i++;
            }
        }
        return null;
    }

    /** Finds the row for a request: the command, or its subcommand; null when unknown. */
    static CommandSpec spec(final Ctx c, final Request r) {
        CommandSpec spec = c.server.commands.lookup(r.buf(), r.off(0), r.len(0));
        if (spec != null && spec.subcommands().length > 0 && r.argc() >= 2) {
            spec = CommandTable.subcommand(spec, r.buf(), r.off(1), r.len(1));
        }
        return spec;
    }

    private static final String UNDECLARED = "ERR Moon: a script accessed a key it did not declare in KEYS and"
            + " that lives on another shard or is in use by another operation: declare every key the script touches";

    /** Whether the keys of a command a script runs may run here now (see LuaShard.runCommand). */
    static String placement(final Ctx c, final ScriptRun run, final CommandSpec spec, final Request r) {
        final int keys = spec.keyCount(r);
        final boolean scratch = c.keyspace != c.shard.keyspace;
        final int mode = spec.has(Flags.WRITE) ? LockTable.X : LockTable.S;
        for (int n = 0; n < keys; n++) {
            final int i = spec.keyArg(r, n);
            // over gathered copies only the declared keys in the script's first database are there
            // a declared key of the script's database is this run's own: admitted with the script,
            // or locked for it (a queued call runs holding its keys' locks), so the lock table is
            // asked only about the others
            if (scratch ? !declared(run, r, i) || run.db != c.dbIndex
                    : c.server.shardOf(r.buf(), r.off(i), r.len(i)) != c.shard.id
                    || !c.shard.locks.idle() && !(run.db == c.dbIndex && declared(run, r, i))
                    && !c.shard.locks.canRunNow(run.db, r.buf(), r.off(i), r.len(i), mode)) {
                return UNDECLARED;
            }
        }
        // MOVE, and COPY ... DB n, write a key in another database
        final long other = io.moon.server.net.KeyUse.otherDbKey(spec, r);
        if (other >= 0 && (scratch || !c.shard.locks.idle() && !c.shard.locks.canRunNow((int) (other >>> 32),
                r.buf(), r.off((int) other), r.len((int) other), LockTable.X))) {
            return UNDECLARED;
        }
        if (c.server.shardCount() > 1 && spec.reachesOtherKeys(r)) {
            return "ERR Moon: this command cannot run inside a script on a sharded server";
        }
        return null;
    }

    /** The first key the command names that the script did not declare, or null. */
    static String undeclared(final ScriptRun run, final CommandSpec spec, final Request r) {
        final int keys = spec.keyCount(r);
        for (int n = 0; n < keys; n++) {
            final int i = spec.keyArg(r, n);
            if (!declared(run, r, i)) {
                return new String(r.buf(), r.off(i), r.len(i), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static boolean declared(final ScriptRun run, final Request r, final int i) {
        final Ctx c = run.ctx;
        for (int k = 0; k < run.numkeys; k++) {
            if (java.util.Arrays.equals(c.buf(), c.off(3 + k), c.off(3 + k) + c.len(3 + k),
                    r.buf(), r.off(i), r.off(i) + r.len(i))) {
                return true;
            }
        }
        return false;
    }
}
