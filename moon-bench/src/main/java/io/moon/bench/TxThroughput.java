package io.moon.bench;

import io.moon.protocol.HashSlot;
import org.HdrHistogram.Histogram;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Throughput and latency of a 2-key atomic move, done as MULTI/EXEC and as EVAL, from many
 * concurrent connections against a running server (Moon or redis-server) on this machine.
 *
 * <pre>
 * java -cp moon-bench/target/benchmarks.jar io.moon.bench.TxThroughput --port 6379 [--clients 50] [--seconds 10] [--warmup 2] [--mode multi|eval|both] [--pid PID]
 * </pre>
 *
 * One operation is, per mode:
 * <ul>
 *   <li>{@code multi}: {@code MULTI; INCRBY k1 1; DECRBY k2 1; EXEC}, the four commands written
 *   at once (as client libraries pipeline a transaction), timed until EXEC's reply;</li>
 *   <li>{@code eval}: {@code EVAL "<INCRBY KEYS[1] 1, DECRBY KEYS[2] 1, return both>" 2 k1 k2}.</li>
 * </ul>
 * k1 and k2 have different hash tags and hash slots whose remainders differ for every shard count
 * from 2 to 8, so on Moon with {@code --shards} 2..8 every operation crosses shards (they are
 * printed with their slots). Each client is one connection and one thread with one operation in
 * flight; it records every operation's latency in its own HdrHistogram, merged at the end. After
 * {@code --warmup} seconds (not counted) each mode runs {@code --seconds}; the report gives
 * operations per second and p50/p99/p99.9/max latency. The sum k1+k2 is read before and after
 * and must not change (each operation moves one unit): a check that the moves were whole.
 * With {@code --pid} of the server, the CPU time it used during each measured period (all its
 * threads, from /proc) is reported too, with operations per server CPU-second: on a machine
 * shared with other work, a server's throughput follows the CPU share the scheduler gives its
 * threads (a 2-thread server gets more than a 1-thread one), while work per CPU-second does not.
 * Only 127.0.0.1 is connected to; the run is bounded by its durations and socket timeouts.
 */
public final class TxThroughput {
    private static final String SCRIPT =
            "local a=redis.call('INCRBY',KEYS[1],1) local b=redis.call('DECRBY',KEYS[2],1) return {a,b}";

    private TxThroughput() {
    }

    public static void main(final String[] args) throws Exception {
        int port = 6379;
        int clients = 50;
        int seconds = 10;
        int warmup = 2;
        String mode = "both";
        long pid = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--mode" -> mode = args[++i];
                case "--pid" -> pid = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        measure(port, clients, seconds, warmup, mode, pid, System.out);
    }

    /**
     * Runs the modes ({@code multi}, {@code eval} or {@code both}) and prints one line each to
     * {@code out}; returns the operations measured (warm-up excluded), mode by mode. Throws
     * when k1+k2 changed during a mode.
     */
    static long[] measure(final int port, final int clients, final int seconds, final int warmup, final String mode,
                          final long pid, final PrintStream out) throws Exception {
        if (!List.of("multi", "eval", "both").contains(mode)) {
            throw new IllegalArgumentException("--mode is multi, eval or both, not " + mode);
        }
        if (clients < 1 || seconds < 1 || warmup < 0) {
            throw new IllegalArgumentException("--clients and --seconds must be positive, --warmup not negative");
        }
        final String[] keys = crossShardKeys();
        out.printf("keys             %s (slot %d), %s (slot %d)%n", keys[0], slot(keys[0]), keys[1], slot(keys[1]));
        out.printf("clients          %d, %d s each mode after %d s warm-up%n", clients, seconds, warmup);
        final List<String> modes = mode.equals("both") ? List.of("multi", "eval") : List.of(mode);
        final long[] measured = new long[modes.size()];
        for (int i = 0; i < modes.size(); i++) {
            final String m = modes.get(i);
            final byte[] op = m.equals("multi")
                    ? resp("MULTI").concat(resp("INCRBY", keys[0], "1"), resp("DECRBY", keys[1], "1"), resp("EXEC"))
                    : resp("EVAL", SCRIPT, "2", keys[0], keys[1]).bytes;
            final int replies = m.equals("multi") ? 4 : 1;
            final long before = sum(port, keys);
            run(port, clients, warmup, op, replies, null);
            final Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            final long cpu0 = pid > 0 ? cpuMillis(pid) : 0;
            final long ops = run(port, clients, seconds, op, replies, h);
            final long cpu = pid > 0 ? cpuMillis(pid) - cpu0 : 0;
            final long after = sum(port, keys);
            out.printf("%-6s ops/s %,10.0f   p50 %7.1f us   p99 %7.1f us   p99.9 %8.1f us   max %8.1f us   (%,d ops; sum %s)%n",
                    m, ops / (double) seconds, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                    h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3, ops,
                    before == after ? "conserved" : "CHANGED " + before + " -> " + after);
            if (pid > 0) {
                out.printf("%-6s server cpu %.2f s (%.0f%% of one core), %,.0f ops per server cpu-second%n",
                        m, cpu / 1e3, cpu / (seconds * 10.0), ops / Math.max(1e-3, cpu / 1e3));
            }
            if (before != after) {
                throw new IllegalStateException(m + ": k1+k2 went from " + before + " to " + after + ": a move was not whole");
            }
            measured[i] = ops;
        }
        return measured;
    }

    /** Runs {@code clients} connections for {@code seconds}; returns the operations completed. */
    private static long run(final int port, final int clients, final int seconds, final byte[] op, final int replies,
                            final Histogram into) throws Exception {
        if (seconds == 0) {
            return 0;
        }
        final List<Socket> sockets = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            sockets.add(connect(port));
        }
        final long[] counts = new long[clients];
        final Histogram[] hs = new Histogram[clients];
        final IOException[] failures = new IOException[clients];
        final List<Thread> threads = new ArrayList<>();
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (int c = 0; c < clients; c++) {
            final int id = c;
            hs[c] = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            threads.add(Thread.ofPlatform().name("tx-client-" + c).start(() -> {
                try {
                    final Socket s = sockets.get(id);
                    final OutputStream out = s.getOutputStream();
                    final InputStream in = new BufferedInputStream(s.getInputStream(), 8192);
                    long n = 0;
                    for (long t0 = System.nanoTime(); t0 < end; t0 = System.nanoTime()) {
                        out.write(op);
                        for (int r = 0; r < replies; r++) {
                            skipReply(in);
                        }
                        hs[id].recordValue(Math.min(System.nanoTime() - t0, hs[id].getHighestTrackableValue()));
                        n++;
                    }
                    counts[id] = n;
                } catch (final IOException e) {
                    failures[id] = e;
                }
            }));
        }
        long total = 0;
        for (int c = 0; c < clients; c++) {
            threads.get(c).join();
            sockets.get(c).close();
            if (failures[c] != null) {
                throw new IOException("client " + c + " failed", failures[c]);
            }
            total += counts[c];
            if (into != null) {
                into.add(hs[c]);
            }
        }
        return total;
    }

    /** User + system CPU time of a process, all threads (clock ticks of 10 ms). */
    static long cpuMillis(final long pid) throws IOException {
        final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // fields after the command name (which may hold spaces) in parentheses; utime, stime are 14, 15
        final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    }

    /** Two keys with different hash tags whose slots differ modulo every shard count 2..8. */
    static String[] crossShardKeys() {
        final String first = "{tx-a}k";
        final int s1 = slot(first);
        for (int i = 0; i < 100_000; i++) {
            final String second = "{tx-b" + i + "}k";
            final int s2 = slot(second);
            boolean apart = true;
            for (int n = 2; n <= 8 && apart; n++) {
                apart = s1 % n != s2 % n;
            }
            if (apart) {
                return new String[] {first, second};
            }
        }
        throw new IllegalStateException("no second key found");
    }

    private static int slot(final String key) {
        final byte[] b = key.getBytes(StandardCharsets.UTF_8);
        return HashSlot.slot(b, 0, b.length);
    }

    /** GET k1 + GET k2 on a fresh connection (a missing key counts 0). */
    private static long sum(final int port, final String[] keys) throws IOException {
        try (Socket s = connect(port)) {
            s.getOutputStream().write(resp("GET", keys[0]).concat(resp("GET", keys[1])));
            final InputStream in = new BufferedInputStream(s.getInputStream());
            long total = 0;
            for (int k = 0; k < 2; k++) {
                final String v = readBulk(in);
                total += v == null ? 0 : Long.parseLong(v);
            }
            return total;
        }
    }

    private static Socket connect(final int port) throws IOException {
        final Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** A RESP array of bulk strings. */
    private record Resp(byte[] bytes) {
        byte[] concat(final Resp... more) {
            int n = bytes.length;
            for (final Resp r : more) {
                n += r.bytes.length;
            }
            final byte[] out = new byte[n];
            System.arraycopy(bytes, 0, out, 0, bytes.length);
            int at = bytes.length;
            for (final Resp r : more) {
                System.arraycopy(r.bytes, 0, out, at, r.bytes.length);
                at += r.bytes.length;
            }
            return out;
        }
    }

    private static Resp resp(final String... args) {
        final StringBuilder b = new StringBuilder().append('*').append(args.length).append("\r\n");
        for (final String a : args) {
            b.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return new Resp(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Reads one RESP2 reply, whole; an error reply fails the run (the benchmark must not count errors). */
    private static void skipReply(final InputStream in) throws IOException {
        final int type = in.read();
        final String line = readLine(in);
        switch (type) {
            case '+', ':' -> { }
            case '-' -> throw new IOException("error reply: -" + line);
            case '$' -> {
                final int len = Integer.parseInt(line);
                in.skipNBytes(len < 0 ? 0 : len + 2);
            }
            case '*' -> {
                final int n = Integer.parseInt(line);
                if (n < 0) {
                    throw new IOException("EXEC aborted (null reply)");
                }
                for (int i = 0; i < n; i++) {
                    skipReply(in);
                }
            }
            default -> throw new IOException("unexpected reply type " + (type < 0 ? "EOF" : String.valueOf((char) type)));
        }
    }

    private static String readBulk(final InputStream in) throws IOException {
        final int type = in.read();
        final String line = readLine(in);
        if (type != '$') {
            throw new IOException("expected a bulk string, got " + (char) type + line);
        }
        final int len = Integer.parseInt(line);
        if (len < 0) {
            return null;
        }
        final byte[] b = in.readNBytes(len + 2);
        return new String(b, 0, len, StandardCharsets.UTF_8);
    }

    private static String readLine(final InputStream in) throws IOException {
        final StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\r'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed by the server");
            }
            b.append((char) c);
        }
        if (in.read() != '\n') {
            throw new IOException("malformed reply line " + b);
        }
        return b.toString();
    }
}
