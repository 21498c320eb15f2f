package io.moon.server.commands;

import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.config.Config;
import io.moon.server.config.ConfigException;
import io.moon.server.config.ConfigFile;
import io.moon.server.config.Param;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** CONFIG GET / SET / RESETSTAT / REWRITE / HELP. */
public final class ConfigCommands {
    private ConfigCommands() {
    }

    // CONFIG GET parameter [parameter ...]
    public static void get(final Ctx c) {
        final Config cfg = c.server.config;
        // name as replied -> canonical name; a plain name replies as typed, a pattern with the
        // matching names and aliases (Redis's configGetCommand)
        final Map<String, String> out = new LinkedHashMap<>();
        for (int i = 2; i < c.req.argc(); i++) {
            final String pattern = c.req.argString(i);
            if (!hasGlob(pattern)) {
                final Param p = cfg.param(pattern);
                if (p != null && !out.containsKey(pattern)) {
                    out.put(pattern, p.name());
                }
                continue;
            }
            for (final Map.Entry<String, String> e : cfg.matching(pattern)) {
                if (!out.containsKey(e.getKey())) {
                    out.put(e.getKey(), cfg.param(e.getKey()).name());
                }
            }
        }
        c.out.mapHeader(out.size());
        for (final Map.Entry<String, String> e : out.entrySet()) {
            c.out.bulk(e.getKey());
            c.out.bulk(cfg.get(e.getValue()));
        }
    }

    private static boolean hasGlob(final String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
    }

    // CONFIG SET parameter value [parameter value ...]
    public static void set(final Ctx c) {
        final Config cfg = c.server.config;
        final Request r = c.req;
        if ((r.argc() & 1) != 0) {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        // Checks in Redis's order (configSetCommand); the first problem in argument order wins.
        final int n = (r.argc() - 2) / 2;
        final Param[] params = new Param[n];
        final String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            final String typed = r.argString(2 + 2 * i);
            final Param p = cfg.param(typed);
            if (p == null) {
                c.out.error("ERR Unknown option or number of arguments for CONFIG SET - '" + typed + "'");
                return;
            }
            if (!p.mutable()) {
                setFailed(c, typed, "can't set immutable config");
                return;
            }
            if (p.protectedConfig() && !protectedAllowed(c)) {
                setFailed(c, typed, "can't set protected config");
                return;
            }
            // A name and its alias are two configs to Redis here: only the same name twice is a duplicate.
            final String key = typed.toLowerCase(Locale.ROOT);
            for (int j = 0; j < i; j++) {
                if (names[j].equals(key)) {
                    setFailed(c, typed, "duplicate parameter");
                    return;
                }
            }
            params[i] = p;
            names[i] = key;
        }
        // all or nothing: remember the old values and put them back if one fails
        final String[] old = new String[n];
        for (int i = 0; i < n; i++) {
            old[i] = cfg.get(params[i].name());
        }
        for (int i = 0; i < n; i++) {
            try {
                cfg.set(names[i], r.argString(3 + 2 * i), true);
            } catch (final ConfigException e) {
                for (int k = i; k >= 0; k--) {
                    try {
                        cfg.set(params[k].name(), old[k], true);
                    } catch (final ConfigException ignored) {
                        // the old value was valid when it was set
                    }
                }
                setFailed(c, names[i], e.reason());
                return;
            }
        }
        // Redis's updateMaxclients, run when the value changed: refused when the process cannot
        // open that many descriptors, naming the number it could serve; everything set is undone
        for (int i = 0; i < n; i++) {
            if (params[i].name().equals("maxclients") && !cfg.get("maxclients").equals(old[i])) {
                final long fit = io.moon.server.Limits.clientsThatFit(cfg.maxclients);
                if (fit > 0) {
                    for (int k = n - 1; k >= 0; k--) {
                        try {
                            cfg.set(params[k].name(), old[k], true);
                        } catch (final ConfigException ignored) {
                            // the old value was valid when it was set
                        }
                    }
                    setFailed(c, params[i].name(), "The operating system is not able to handle the specified number of"
                            + " clients, try with " + fit);
                    return;
                }
            }
        }
        io.moon.server.Logging.loglevel(cfg.loglevel);
        // shards keep a copy of some settings (the access-stamp policy): hand them the new values,
        // this one's at once, so this very command is judged by them (SLOWLOG, as in Redis)
        for (int s = 0; s < c.server.shardCount(); s++) {
            final io.moon.server.Shard shard = c.server.shard(s);
            if (shard == c.shard) {
                shard.applyConfig();
            } else {
                shard.execute(shard::applyConfig);
            }
        }
        c.server.aof.configChanged(); // appendonly and appendfsync take effect now
        c.out.ok();
    }

    private static void setFailed(final Ctx c, final String name, final String reason) {
        c.out.error("ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + reason);
    }

    /** enable-protected-configs: yes, or local and the client is on a loopback or local connection. */
    private static boolean protectedAllowed(final Ctx c) {
        final String mode = c.server.config.get("enable-protected-configs");
        return mode.equals("yes") || (mode.equals("local") && DebugCommands.isLocal(c.client));
    }

    // CONFIG RESETSTAT
    public static Coordinated resetstat(final Ctx c) {
        final Coordinated op = new Coordinated(c) {
            {
                allShards(-1, false);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                x.shard.stats.reset();
                x.keyspace.stats.reset();
            }

            @Override
            protected void onAllLocked() {
                InfoCommand.resetPeak();
                server.resetRejectedConnections();
                reply.ok();
                finish();
            }
        };
        op.start(true);
        return op;
    }

    // CONFIG REWRITE
    public static void rewrite(final Ctx c) {
        final java.nio.file.Path file = c.server.config.file();
        if (file == null) {
            c.out.error("ERR The server is running without a config file");
            return;
        }
        try {
            io.moon.server.config.ConfigRewrite.rewrite(file, c.server.config);
            c.out.ok();
        } catch (final java.io.IOException e) {
            c.out.error("ERR Rewriting config file: " + e.getMessage());
        }
    }

    // CONFIG HELP
    public static void help(final Ctx c) {
        Help.reply(c.out, "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "GET <pattern> [<pattern> ...]",
                "    Reply with every parameter whose name matches a glob <pattern>, and its value.",
                "SET <parameter> <value> [<parameter> <value> ...]",
                "    Change parameters at run time; all of them change, or none does.",
                "RESETSTAT",
                "    Zero the counters INFO shows (commands, connections, hits, errors...).",
                "REWRITE",
                "    Write the running configuration back into the file the server was started with.");
    }

    static String lower(final String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
