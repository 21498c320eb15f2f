package io.moon.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Holds many idle connections against a running server on this machine and reports what they
 * cost it: the growth of the server's resident memory divided by the number of connections.
 *
 * <pre>
 * java -cp moon-bench/target/classes io.moon.bench.IdleConnections --port 6379 --pid 1234 [--connections 10000] [--gc]
 * </pre>
 *
 * Each connection sends one PING and waits for its PONG, so every one is accepted and registered
 * by the server before the second reading. {@code --gc} asks the server's JVM for a full
 * collection (jcmd GC.run) before each reading, so that heap growth the collector would give back
 * is not counted; without it the figure is an upper bound. Works for redis-server too (no --gc).
 * This process and the server each need a file-descriptor limit above the count (ulimit -n).
 * Only 127.0.0.1 is ever connected to; the run is bounded by the count and a 5-minute deadline.
 */
public final class IdleConnections {
    private IdleConnections() {
    }

    public static void main(final String[] args) throws Exception {
        int port = 6379;
        long pid = -1;
        int count = 10_000;
        boolean gc = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--pid" -> pid = Long.parseLong(args[++i]);
                case "--connections" -> count = Integer.parseInt(args[++i]);
                case "--gc" -> gc = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (pid <= 0) {
            throw new IllegalArgumentException("--pid of the server is required (its resident memory is measured)");
        }
        final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        // warm up: the first connections initialise per-thread pools that later ones reuse
        final List<Socket> warm = open(port, 64, deadline);
        for (final Socket s : warm) {
            s.close();
        }
        settle(pid, gc);
        final long before = rssBytes(pid);
        final long start = System.nanoTime();
        final List<Socket> held = open(port, count, deadline);
        final long openedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        settle(pid, gc);
        final long after = rssBytes(pid);
        System.out.printf("connections      %d (opened and answered PING in %d ms)%n", held.size(), openedMillis);
        System.out.printf("server RSS       %.1f MB before, %.1f MB with the connections%n", before / 1e6, after / 1e6);
        System.out.printf("per connection   %d bytes%n", (after - before) / Math.max(1, held.size()));
        for (final Socket s : held) {
            s.close();
        }
    }

    /** Opens count connections, each answering one PING before the next opens. */
    private static List<Socket> open(final int port, final int count, final long deadline) throws IOException {
        final List<Socket> out = new ArrayList<>(count);
        final byte[] ping = "PING\r\n".getBytes(StandardCharsets.US_ASCII);
        final byte[] reply = new byte[7];
        for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
            final Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(5_000);
            s.getOutputStream().write(ping);
            final InputStream in = s.getInputStream();
            int got = 0;
            while (got < reply.length) {
                final int n = in.read(reply, got, reply.length - got);
                if (n < 0) {
                    throw new IOException("connection " + i + " closed by the server (maxclients? ulimit -n?)");
                }
                got += n;
            }
            if (!new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n")) {
                throw new IOException("connection " + i + " got " + new String(reply, StandardCharsets.US_ASCII));
            }
            out.add(s);
        }
        return out;
    }

    /** Lets the server's cron run; with gc, asks its JVM for a full collection first. */
    private static void settle(final long pid, final boolean gc) throws Exception {
        if (gc) {
            final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            final Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(60, TimeUnit.SECONDS);
        }
        Thread.sleep(2_000);
    }

    /** VmRSS of the process, from /proc. */
    static long rssBytes(final long pid) throws IOException {
        for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for pid " + pid);
    }
}
