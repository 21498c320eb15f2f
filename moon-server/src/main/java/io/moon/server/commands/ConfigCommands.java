package io.moon.server.commands;

import io.moon.server.Ctx;
import io.moon.server.config.Config;
import io.moon.server.config.ConfigException;
import io.moon.server.config.ConfigFile;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** CONFIG GET / SET / RESETSTAT / REWRITE / HELP. */
public final class ConfigCommands {
    private ConfigCommands() {
    }

    // CONFIG GET parameter [parameter ...]
    public static void get(final Ctx c) {
        final Config cfg = c.server.config;
        final Map<String, String> out = new LinkedHashMap<>();
        for (int i = 2; i < c.req.argc(); i++) {
            for (final Map.Entry<String, String> e : cfg.matching(c.req.argString(i))) {
                out.putIfAbsent(e.getKey(), e.getValue());
            }
        }
        c.out.mapHeader(out.size());
        for (final Map.Entry<String, String> e : out.entrySet()) {
            c.out.bulk(e.getKey());
            c.out.bulk(e.getValue());
        }
    }

    // CONFIG SET parameter value [parameter value ...]
    public static void set(final Ctx c) {
        final Config cfg = c.server.config;
        if (c.req.argc() % 2 != 0) {
            c.out.error("ERR wrong number of arguments for 'config|set' command");
            return;
        }
        final Set<String> seen = new HashSet<>();
        final List<String[]> pairs = new ArrayList<>();
        for (int i = 2; i < c.req.argc(); i += 2) {
            final String name = c.req.argString(i);
            final var p = cfg.param(name);
            if (p == null) {
                c.out.error("ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'");
                return;
            }
            if (!seen.add(p.name())) {
                c.out.error("ERR Duplicate parameter - '" + name + "'");
                return;
            }
            pairs.add(new String[] {name, c.req.argString(i + 1)});
        }
        // all or nothing: remember the old values and put them back if one fails
        final List<String[]> applied = new ArrayList<>();
        for (final String[] p : pairs) {
            final String old = cfg.get(p[0]);
            try {
                cfg.set(p[0], p[1], false);
                applied.add(new String[] {p[0], old});
            } catch (final ConfigException e) {
                for (int k = applied.size() - 1; k >= 0; k--) {
                    try {
                        cfg.set(applied.get(k)[0], applied.get(k)[1], true);
                    } catch (final ConfigException ignored) {
                        // the old value was valid when it was set
                    }
                }
                c.out.error("ERR CONFIG SET failed (possibly related to argument '" + p[0] + "') - " + e.reason());
                return;
            }
        }
        c.out.ok();
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
                reply.ok();
                finish();
            }
        };
        op.start(true);
        return op;
    }

    // CONFIG REWRITE
    public static void rewrite(final Ctx c) {
        final String file = System.getProperty("moon.config", "");
        if (file.isEmpty()) {
            c.out.error("ERR The server is running without a config file");
            return;
        }
        try {
            ConfigFile.rewrite(java.nio.file.Path.of(file), c.server.config);
            c.out.ok();
        } catch (final java.io.IOException e) {
            c.out.error("ERR Rewriting config file: " + e.getMessage());
        }
    }

    // CONFIG HELP
    public static void help(final Ctx c) {
        Help.reply(c.out, "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "GET <pattern>",
                "    Return parameters matching the glob-like <pattern> and their values.",
                "SET <directive> <value>",
                "    Set the configuration <directive> to <value>.",
                "RESETSTAT",
                "    Reset statistics reported by the INFO command.",
                "REWRITE",
                "    Rewrite the configuration file.");
    }

    static String lower(final String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
