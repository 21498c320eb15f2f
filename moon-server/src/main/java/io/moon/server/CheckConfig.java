package io.moon.server;

import io.moon.server.config.Config;
import io.moon.server.config.ConfigFile;
import io.moon.server.net.Transport;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code moon --check-config [file] [--option value ...]}: reads the configuration as startup
 * would, then checks what startup would trip over later (folders, files, ports, the io driver),
 * and lists every problem with the file:line that set the value.
 *
 * <p>It changes nothing: no file or folder is created, no port is bound. A port is "in use" when
 * something accepts a connection on it, so a port held by a listener that refuses loopback
 * connections (or a firewall) is not seen; binding would see it, but would also be a side effect.
 */
final class CheckConfig {
    /** How long a connection attempt to a port may take before the port counts as free. */
    static final int CONNECT_TIMEOUT_MILLIS = 300;

    private CheckConfig() {
    }

    /** Prints "Configuration is valid" and returns 0, or prints every problem and returns 1. */
    static int run(final List<String> args, final PrintStream out) {
        final ConfigFile.Loaded loaded = ConfigFile.load(args);
        final List<ConfigFile.Problem> problems = new ArrayList<>(loaded.problems());
        problems.addAll(environment(loaded));
        for (final String w : warnings(loaded.config())) {
            out.println("warning: " + w);
        }
        // a pidfile that cannot be written is a warning at startup (as in Redis), so here too
        final List<ConfigFile.Problem> pid = new ArrayList<>();
        writableFile(loaded, "pidfile", pid);
        for (final ConfigFile.Problem p : pid) {
            out.println("warning: " + p.oneLine());
        }
        if (problems.isEmpty()) {
            out.println("Configuration is valid");
            return 0;
        }
        for (final ConfigFile.Problem p : problems) {
            out.println(p.oneLine());
        }
        out.println(problems.size() + (problems.size() == 1 ? " problem" : " problems") + " found");
        return 1;
    }

    /** What the values ask of this machine: folders and files usable, ports free, driver present. */
    static List<ConfigFile.Problem> environment(final ConfigFile.Loaded l) {
        final Config c = l.config();
        final List<ConfigFile.Problem> out = new ArrayList<>();
        final Path dir = Path.of(c.dir);
        if (Files.isDirectory(dir) && !Files.isWritable(dir)) {
            out.add(l.problem("dir", "directory '" + dir + "' is not writable"));
        }
        final Path rdb = dir.resolve(c.get("dbfilename"));
        if (Files.isDirectory(rdb)) {
            out.add(l.problem("dbfilename", "'" + rdb + "' is a directory"));
        } else if (!"yes".equals(c.get("appendonly")) && Files.exists(rdb) && !Files.isReadable(rdb)) {
            out.add(l.problem("dbfilename", "'" + rdb + "' is not readable (it is loaded at startup)"));
        }
        if ("yes".equals(c.get("appendonly"))) {
            final Path aof = dir.resolve(c.get("appenddirname"));
            if (Files.exists(aof) && (!Files.isDirectory(aof) || !Files.isWritable(aof))) {
                out.add(l.problem("appenddirname", "'" + aof + "' is not a writable directory"));
            }
        }
        writableFile(l, "logfile", out);
        try {
            Transport.select(c.ioDriver);
        } catch (final IllegalStateException | IllegalArgumentException e) {
            out.add(l.problem("io-driver", e.getMessage()));
        }
        ports(l, out);
        return out;
    }

    /** A file the server writes: an existing one must be a writable file, a new one needs a writable folder. */
    private static void writableFile(final ConfigFile.Loaded l, final String param, final List<ConfigFile.Problem> out) {
        final String value = l.config().get(param);
        if (value == null || value.isEmpty()) {
            return;
        }
        final Path f;
        try {
            f = Path.of(value).toAbsolutePath();
        } catch (final InvalidPathException e) {
            out.add(l.problem(param, "'" + value + "' is not a valid path"));
            return;
        }
        if (Files.exists(f)) {
            if (!Files.isRegularFile(f) || !Files.isWritable(f)) {
                out.add(l.problem(param, "'" + f + "' is not a writable file"));
            }
            return;
        }
        final Path parent = f.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            out.add(l.problem(param, "directory '" + parent + "' does not exist"));
        } else if (!Files.isWritable(parent)) {
            out.add(l.problem(param, "directory '" + parent + "' is not writable"));
        }
    }

    /** Every listening port: no two the same, each address local, nothing already accepting on it. */
    private static void ports(final ConfigFile.Loaded l, final List<ConfigFile.Problem> out) {
        final Config c = l.config();
        // parameter -> (port, addresses); admin-port joins when the server declares it
        final Map<String, Integer> portOf = new HashMap<>();
        final List<String[]> listeners = new ArrayList<>();
        for (final String[] pair : new String[][] {{"port", "bind"}, {"tls-port", "bind"}, {"admin-port", "admin-bind"}}) {
            if (c.param(pair[0]) == null || c.param(pair[1]) == null) {
                continue;
            }
            final int port = Integer.parseInt(c.get(pair[0]));
            if (port == 0) {
                continue;
            }
            for (final Map.Entry<String, Integer> e : portOf.entrySet()) {
                if (e.getValue() == port) { // name the other directive and where it was set
                    final ConfigFile.Directive d = l.setBy().get(e.getKey());
                    out.add(l.problem(pair[0], pair[0] + " " + port + " is the same port as '" + e.getKey() + "' ("
                            + (d == null ? "default" : d.origin()) + ")"));
                }
            }
            portOf.put(pair[0], port);
            listeners.add(pair);
        }
        for (final String[] pair : listeners) {
            final int port = portOf.get(pair[0]);
            for (final String word : c.get(pair[1]).trim().split("\\s+")) {
                if (word.isEmpty()) {
                    continue;
                }
                final boolean optional = word.startsWith("-");
                final String host = optional ? word.substring(1) : word;
                final InetAddress addr;
                try {
                    addr = InetAddress.getByName(host.equals("*") ? "0.0.0.0" : host);
                } catch (final java.net.UnknownHostException e) {
                    if (!optional) {
                        out.add(l.problem(pair[1], "unknown address '" + host + "'"));
                    }
                    continue;
                }
                if (!addr.isAnyLocalAddress() && !isLocal(addr)) {
                    if (!optional) {
                        out.add(l.problem(pair[1], "'" + host + "' is not an address of this machine"));
                    }
                    continue;
                }
                final InetAddress probe = addr.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : addr;
                if (accepts(probe, port)) {
                    out.add(l.problem(pair[0], "port " + port + " is already in use on " + host));
                }
            }
        }
    }

    private static boolean isLocal(final InetAddress addr) {
        try {
            return addr.isLoopbackAddress() || NetworkInterface.getByInetAddress(addr) != null;
        } catch (final java.net.SocketException e) {
            return false;
        }
    }

    /** True when something accepts connections there (a connection is opened and closed at once). */
    static boolean accepts(final InetAddress addr, final int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(addr, port), CONNECT_TIMEOUT_MILLIS);
            return true;
        } catch (final java.io.IOException e) {
            return false;
        }
    }

    /** What would work but probably not as meant: maxclients above the file-descriptor limit. */
    static List<String> warnings(final Config c) {
        final List<String> out = new ArrayList<>();
        final long limit = Limits.maxFileDescriptors();
        final long needed = (long) c.maxclients + Limits.RESERVED_FDS;
        if (limit > 0 && needed > limit) {
            out.add("maxclients " + c.maxclients + " needs " + needed + " file descriptors but the limit is "
                    + limit + " (ulimit -n): about " + Math.max(0, limit - Limits.RESERVED_FDS)
                    + " clients can connect");
        }
        return out;
    }
}
