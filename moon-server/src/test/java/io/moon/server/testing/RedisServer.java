package io.moon.server.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server (the Debian package on PATH) on a free loopback port, started and stopped
 * by the test that needs it, as the oracle for behaviour. Fails with a clear message when
 * redis-server is not installed (.ci/run installs it), so the differential test cannot silently
 * pass.
 */
public final class RedisServer implements AutoCloseable {
    public final int port;
    private final Process process;
    private final Path dir;

    private RedisServer(final Process process, final int port, final Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static String binary() {
        for (final String p : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (new File(p).canExecute()) {
                return p;
            }
        }
        throw new IllegalStateException("redis-server is not installed: the differential tests need it"
                + " (apt-get install -y redis-server; .ci/run does this)");
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    public static RedisServer start(final String... extraArgs) throws IOException, InterruptedException {
        return startWithFile(null, extraArgs);
    }

    /** Starts with a config file (CONFIG REWRITE needs one); the options given here override it. */
    public static RedisServer startWithFile(final Path file, final String... extraArgs)
            throws IOException, InterruptedException {
        final String bin = binary();
        final int port = freePort();
        final Path dir = Files.createTempDirectory("redis-oracle");
        final List<String> cmd = new java.util.ArrayList<>(List.of(bin));
        if (file != null) {
            cmd.add(file.toString());
        }
        cmd.addAll(List.of("--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--enable-debug-command", "yes", "--daemonize", "no"));
        cmd.addAll(List.of(extraArgs));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return new RedisServer(p, port, dir);
            } catch (final IOException e) {
                if (!p.isAlive()) {
                    throw new IOException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
                }
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IOException("redis-server did not start on port " + port);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
