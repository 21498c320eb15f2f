package io.moon.server;

import io.moon.server.config.Config;
import io.moon.server.config.ConfigFile;
import io.moon.server.config.Param;
import io.moon.server.net.Transport;

import java.io.PrintStream;
import java.net.InetSocketAddress;
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
        if (!a.isEmpty() && a.getFirst().equals("--check-rdb")) {
            if (a.size() != 2) {
                err.println("moon: usage: moon --check-rdb FILE");
                return new Launch(null, 1);
            }
            return new Launch(null, io.moon.storage.rdb.RdbCheck.run(java.nio.file.Path.of(a.get(1)), out, err));
        }
        if (a.remove("--check-config")) {
            return new Launch(null, CheckConfig.run(a, out));
        }
        final List<ConfigFile.Problem> problems = new ArrayList<>();
        final Config config = configure(a, problems);
        if (!problems.isEmpty()) {
            err.print(fatal(problems.getFirst()));
            return new Launch(null, 1);
        }
        return new Launch(config, 0);
    }

    private static void start(final Config config) {
        try {
            Logging.setup(config);
        } catch (final java.io.IOException e) {
            fail("Can't open the log file: " + e.getMessage());
            return;
        }
        final Transport transport;
        try {
            transport = Transport.select(config.ioDriver);
        } catch (final IllegalStateException e) {
            fail(e.getMessage());
            return;
        }
        for (final String line : Banner.starting(config, transport)) {
            LOG.info(line);
        }
        final long fds = Limits.maxFileDescriptors();
        final long lowered = Limits.clientsThatFit(config.maxclients);
        if (lowered > 0) {
            // as Redis (adjustOpenFilesLimit): lower maxclients so that the extra client gets the
            // max-clients error instead of a failed accept
            LOG.warning("You requested maxclients of " + config.maxclients + " requiring at least "
                    + (config.maxclients + (long) Limits.RESERVED_FDS) + " max file descriptors, but this process"
                    + " may open " + fds + " (ulimit -Hn). maxclients has been reduced to " + lowered
                    + " to compensate for low ulimit.");
            try {
                config.set("maxclients", Long.toString(lowered), true);
            } catch (final io.moon.server.config.ConfigException e) {
                throw new IllegalStateException(e); // a positive number within maxclients' range
            }
        }
        final String notConverted = io.moon.server.wal.Reshard.convertIfNeeded(config, transport);
        if (notConverted != null) {
            System.err.println("moon: " + notConverted);
            System.exit(1);
        }
        final Server server = new Server(config, transport);
        server.aof.install();
        // bind first, as Redis does: a port in use is reported at once, not after loading a large
        // dataset; clients wait in the backlog until the load has started and then get -LOADING
        final List<String> bound = new ArrayList<>();
        try {
            for (final String addr : config.bind.trim().split("\\s+")) {
                final boolean optional = addr.startsWith("-");
                final String host = optional ? addr.substring(1) : addr;
                final String h = host.equals("*") ? "0.0.0.0" : host;
                try {
                    bound.add(server.listen(new InetSocketAddress(h, config.port), false).toString());
                } catch (final Exception e) {
                    if (!optional) {
                        throw e;
                    }
                }
            }
        } catch (final Exception e) {
            server.shutdown();
            fail(config, "cannot listen on " + config.bind + " port " + config.port + ": " + reason(e));
            return;
        }
        if (config.adminPort > 0) {
            try {
                bound.add("admin http://" + io.moon.server.admin.AdminServer.start(server, config.adminBind,
                        config.adminPort).address());
            } catch (final Exception e) {
                server.shutdown();
                fail(config, "cannot listen on admin-bind " + config.adminBind + " admin-port " + config.adminPort
                        + ": " + reason(e));
                return;
            }
        }
        // only once the port is ours: a server that fails to bind must not touch a running one's files
        final String pidfile = config.get("pidfile");
        PidFile.write(pidfile, ProcessHandle.current().pid());
        io.moon.server.persist.Snapshots.removeLeftovers(config.dir);
        if ("yes".equals(config.get("appendonly"))) {
            server.aof.recoverAtStartup(); // the base snapshot, then the log's records
        } else {
            server.snapshots.loadAtStartup(null);
        }
        // every exit of a server that started ends here: the steps and save already done by
        // SHUTDOWN or the signal's thread, or, for any other exit, done by the hook below
        final Runnable exit = () -> {
            server.shutdown();
            PidFile.remove(pidfile);
            LOG.warning("Moon is now ready to exit, bye bye...");
            System.exit(0);
        };
        server.onShutdownCommand(exit);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!server.stopped()) { // an exit that did not come through SHUTDOWN or SIGTERM/SIGINT
                LOG.warning("Received shutdown signal, scheduling shutdown...");
                server.snapshots.onSignal(60_000); // wal steps, then the final snapshot when save points are set
                server.shutdown();
                PidFile.remove(pidfile);
            }
        }, "moon-shutdown"));
        // SIGTERM and SIGINT as Redis: save when save points are set, then exit 0 (a plain JVM
        // shutdown would exit 143/130)
        for (final String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                    final Thread t = new Thread(() -> {
                        LOG.warning("Received SIG" + name + " scheduling shutdown...");
                        server.terminate(60_000); // /readyz 503, drain connections, save, stop
                        exit.run();
                    }, "moon-signal");
                    // not a daemon (as the signal dispatcher is): once the shard threads stop, the
                    // JVM would otherwise end on its own, before the last log line and the exit
                    t.setDaemon(false);
                    t.start();
                });
            } catch (final IllegalArgumentException unsupported) {
                // the platform has no such signal: the shutdown hook above still runs
            }
        }
        server.acceptConnections();
        final String why = transport == Transport.IO_URING ? "" : " (" + Transport.whyNotBetter(transport) + ")";
        LOG.info("Moon " + Version.MOON + " (Redis " + Version.REDIS_COMPAT + " compatible) ready to accept"
                + " connections on " + String.join(", ", bound) + "; shards " + server.shardCount()
                + ", io driver " + transport.label() + why + ", pid " + ProcessHandle.current().pid());
    }

    /** Builds the configuration from an optional file and "--name value" options; problems are added. */
    static Config configure(final List<String> args, final List<ConfigFile.Problem> problems) {
        final ConfigFile.Loaded loaded = ConfigFile.load(args);
        problems.addAll(loaded.problems());
        return loaded.config();
    }

    /**
     * What startup prints for the first refused directive: Redis's block for a file line (with
     * file:line where Redis says only the line), one line for a command-line option.
     */
    static String fatal(final ConfigFile.Problem p) {
        if (p.line().isEmpty()) {
            return "moon: " + p.reason() + System.lineSeparator();
        }
        if (p.inFile()) {
            return "\n*** FATAL CONFIG FILE ERROR (Moon " + Version.MOON + ") ***\n"
                    + "Reading the configuration file, at " + p.origin() + "\n"
                    + ">>> '" + p.line() + "'\n"
                    + p.reason() + "\n";
        }
        return "moon: " + switch (p.kind()) {
            case UNKNOWN -> p.reason().equals("unexpected argument")
                    ? "unexpected argument '" + p.param() + "' (options are --name value; see --help)"
                    : "unknown option '--" + p.param() + "' (see --help)";
            case IMMUTABLE, PROTECTED -> "option '" + p.param() + "' cannot be changed";
            case BAD_VALUE -> "bad value for '" + p.param() + "': " + p.reason();
        } + System.lineSeparator();
    }

    private static void fail(final String message) {
        System.err.println("moon: " + message);
        System.exit(1);
    }

    /** A startup that failed once logging is set up: the log says why too (stderr as well when it is a file). */
    private static void fail(final Config config, final String message) {
        LOG.severe(message + ". Exiting.");
        if (!config.get("logfile").isEmpty()) {
            System.err.println("moon: " + message);
        }
        System.exit(1);
    }

    /** An exception's message with its cause's, for a bind error ("Address already in use"). */
    private static String reason(final Throwable e) {
        final String m = io.moon.server.persist.IoErrors.describe(e);
        return e.getCause() != null && e.getCause() != e && !m.contains(String.valueOf(e.getCause().getMessage()))
                ? m + " (" + io.moon.server.persist.IoErrors.describe(e.getCause()) + ")" : m;
    }

    private static void usage(final PrintStream out) {
        out.println("Usage: moon [config-file] [--option value ...]");
        out.println("       moon --version | --help | --check-config [config-file] [--option value ...]");
        out.println("       moon --check-aof [--fix] FILE|DIR");
        out.println("       moon --check-rdb FILE");
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
