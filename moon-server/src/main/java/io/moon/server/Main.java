package io.moon.server;

import io.moon.server.config.Config;
import io.moon.server.config.ConfigException;
import io.moon.server.config.ConfigFile;
import io.moon.server.config.Param;
import io.moon.server.net.Transport;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;

/**
 * Command line: {@code moon [config-file] [--option value ...]}, like redis-server.
 * {@code --version}, {@code --help} and {@code --check-config} print and exit. Any problem with
 * the configuration is one line on stderr and exit code 1.
 */
public final class Main {
    private static final Logger LOG = Logger.getLogger(Main.class.getName());

    private Main() {
    }

    public static void main(final String[] args) {
        final Launch launch = launch(args, System.out, System.err);
        if (launch.config() == null) {
            if (launch.exitCode() != 0) {
                System.exit(launch.exitCode());
            }
            return;
        }
        start(launch.config());
    }

    /** What the command line asks for: a configuration to start with, or an exit code (after printing). */
    record Launch(Config config, int exitCode) {
    }

    /**
     * Reads the command line: prints the version, the usage or the configuration check and says
     * to exit, or returns the configuration to start with. A problem is one line on {@code err}
     * and exit code 1.
     */
    static Launch launch(final String[] args, final PrintStream out, final PrintStream err) {
        final List<String> a = new ArrayList<>(Arrays.asList(args));
        if (a.contains("--version") || a.contains("-v")) {
            out.println("Moon server v=" + Version.MOON + " redis-compat=" + Version.REDIS_COMPAT
                    + " java=" + Runtime.version());
            return new Launch(null, 0);
        }
        if (a.contains("--help") || a.contains("-h")) {
            usage(out);
            return new Launch(null, 0);
        }
        if (!a.isEmpty() && a.getFirst().equals("--check-aof")) {
            return new Launch(null, io.moon.server.wal.CheckAof.run(a.subList(1, a.size()), out, err));
        }
        final boolean checkOnly = a.remove("--check-config");
        final Config config;
        try {
            config = configure(a);
        } catch (final ConfigException e) {
            err.println("moon: " + describe(e));
            return new Launch(null, 1);
        } catch (final java.io.IOException e) {
            err.println("moon: cannot read the configuration file: " + e.getMessage());
            return new Launch(null, 1);
        }
        if (checkOnly) {
            out.println("moon: configuration OK");
            return new Launch(null, 0);
        }
        return new Launch(config, 0);
    }

    private static void start(final Config config) {
        Logging.setup(config);
        final Transport transport;
        try {
            transport = Transport.select(config.ioDriver);
        } catch (final IllegalStateException e) {
            fail(e.getMessage());
            return;
        }
        io.moon.server.persist.Snapshots.removeLeftovers(config.dir);
        final Server server = new Server(config, transport);
        server.aof.install();
        if ("yes".equals(config.get("appendonly"))) {
            server.aof.recoverAtStartup(); // the base snapshot, then the log's records
        } else {
            server.snapshots.loadAtStartup(null);
        }
        server.onShutdownCommand(() -> {
            LOG.info("User requested shutdown, stopping");
            server.shutdown();
            System.exit(0);
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Received shutdown signal, stopping");
            server.snapshots.onSignal(60_000); // wal steps, then the final snapshot when save points are set
            server.shutdown();
        }, "moon-shutdown"));
        // SIGTERM and SIGINT as Redis: save when save points are set, then exit 0 (a plain JVM
        // shutdown would exit 143/130)
        for (final String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> new Thread(() -> {
                    LOG.info("Received SIG" + name + " scheduling shutdown...");
                    server.snapshots.onSignal(60_000);
                    server.shutdown();
                    System.exit(0);
                }, "moon-signal").start());
            } catch (final IllegalArgumentException unsupported) {
                // the platform has no such signal: the shutdown hook above still runs
            }
        }
        final List<String> bound = new ArrayList<>();
        try {
            for (final String addr : config.bind.trim().split("\\s+")) {
                final boolean optional = addr.startsWith("-");
                final String host = optional ? addr.substring(1) : addr;
                final String h = host.equals("*") ? "0.0.0.0" : host;
                try {
                    bound.add(server.listen(new InetSocketAddress(h, config.port)).toString());
                } catch (final Exception e) {
                    if (!optional) {
                        throw e;
                    }
                }
            }
        } catch (final Exception e) {
            server.shutdown();
            fail("cannot listen on " + config.bind + " port " + config.port + ": " + e.getMessage());
            return;
        }
        final String why = transport == Transport.IO_URING ? "" : " (" + Transport.whyNotBetter(transport) + ")";
        LOG.info("Moon " + Version.MOON + " (Redis " + Version.REDIS_COMPAT + " compatible) ready to accept"
                + " connections on " + String.join(", ", bound) + "; shards " + server.shardCount()
                + ", io driver " + transport.label() + why + ", pid " + ProcessHandle.current().pid());
    }

    /** Builds the configuration from an optional file and "--name value" options. */
    static Config configure(final List<String> args) throws ConfigException, java.io.IOException {
        final Config config = new Config();
        int i = 0;
        if (!args.isEmpty() && !args.get(0).startsWith("--")) {
            final Path file = Path.of(args.get(0));
            if (!Files.isReadable(file)) {
                throw new java.io.IOException(file + " is not a readable file");
            }
            ConfigFile.apply(config, ConfigFile.parseFile(file));
            config.file(file);
            i = 1;
        }
        ConfigFile.apply(config, ConfigFile.parseArgs(args.subList(i, args.size())));
        config.set("dir", config.dir, true); // checks it and makes it absolute, as Redis's chdir does
        return config;
    }

    private static String describe(final ConfigException e) {
        return switch (e.kind()) {
            case UNKNOWN -> e.reason().equals("unexpected argument")
                    ? "unexpected argument '" + e.param() + "' (options are --name value; see --help)"
                    : "unknown option '--" + e.param() + "' (see --help)";
            case IMMUTABLE, PROTECTED -> "option '" + e.param() + "' cannot be changed";
            case BAD_VALUE -> "bad value for '" + e.param() + "': " + e.reason();
        };
    }

    private static void fail(final String message) {
        System.err.println("moon: " + message);
        System.exit(1);
    }

    private static void usage(final PrintStream out) {
        out.println("Usage: moon [config-file] [--option value ...]");
        out.println("       moon --version | --help | --check-config [config-file] [--option value ...]");
        out.println("       moon --check-aof [--fix] FILE|DIR");
        out.println();
        out.println("Starts Moon in the foreground. Options are redis.conf directives; a config file");
        out.println("is read first, then options given here override it. Examples:");
        out.println("  moon --port 6380 --shards 4");
        out.println("  moon /etc/moon.conf --save \"\" --appendonly no");
        out.println();
        out.println("Options (default):");
        for (final Param p : new Config().declared()) {
            final String def = p.defaultValue().isEmpty() ? "\"\"" : p.defaultValue();
            out.printf("  --%-28s %s (%s)%n", p.name(), p.help(), def);
        }
    }
}
