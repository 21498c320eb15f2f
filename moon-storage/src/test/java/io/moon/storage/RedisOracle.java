package io.moon.storage;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A redis-server started by a test on a free loopback port, and a minimal RESP2 client for it
 * (plain socket, no client library): the arbiter of behaviour for differential tests.
 *
 * <p>Fails loudly when redis-server is not on PATH: a differential test that quietly passes
 * without its oracle proves nothing. CI installs redis-server.
 */
final class RedisOracle implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RedisOracle(final Process process, final Path dir, final Socket socket) throws IOException {
        this.process = process;
        this.dir = dir;
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static RedisOracle start() {
        final String exe = findOnPath("redis-server");
        if (exe == null) {
            throw new AssertionError("redis-server is not on PATH. This test compares Moon with a real Redis 7 "
                    + "and cannot run without it: install it (apt-get install redis-server) or put it on PATH.");
        }
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            Process p = null;
            Path dir = null;
            try {
                final int port = freePort();
                dir = Files.createTempDirectory("moon-redis-oracle");
                p = new ProcessBuilder(exe, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                        "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(),
                        "--logfile", "")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                final Socket s = connect(port, p);
                final Process started = p;
                Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
                return new RedisOracle(p, dir, s);
            } catch (final IOException e) {
                last = e; // most likely another process took the port between probe and bind
                if (p != null) {
                    p.destroyForcibly();
                }
            }
        }
        throw new AssertionError("could not start redis-server", last);
    }

    private static Socket connect(final int port, final Process p) throws IOException {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                final Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                s.setTcpNoDelay(true);
                s.setSoTimeout(10_000);
                return s;
            } catch (final IOException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("redis-server did not come up on port " + port, e);
                }
                try {
                    Thread.sleep(20);
                } catch (final InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException(ie);
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String findOnPath(final String name) {
        final String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (final String d : path.split(File.pathSeparator)) {
            final File f = new File(d, name);
            if (f.isFile() && f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    /** Sends one command and reads its reply: byte[] (bulk), String (status; errors start "-"), Long, List, or null. */
    Object call(final byte[]... args) {
        try {
            final ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (final byte[] a : args) {
                b.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                b.writeBytes(a);
                b.writeBytes(new byte[] {'\r', '\n'});
            }
            out.write(b.toByteArray());
            out.flush();
            return read();
        } catch (final IOException e) {
            throw new AssertionError("redis-server connection failed", e);
        }
    }

    Object call(final String... args) {
        final byte[][] b = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            b[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return call(b);
    }

    /**
     * The encoded value inside DUMP's payload (listpack, intset...), after checking its RDB type
     * byte; null when the key does not exist. Needs {@code CONFIG SET rdbcompression no}, or a
     * value over 20 bytes may come LZF-compressed.
     */
    byte[] dumpedBlob(final String key, final int rdbType) {
        final byte[] d = (byte[]) call("DUMP", key);
        if (d == null) {
            return null;
        }
        if (d[0] != rdbType) {
            throw new AssertionError("DUMP of " + key + " has RDB type " + d[0] + ", not " + rdbType);
        }
        final int c = d[1] & 0xff;
        final int off;
        final int len;
        if (c >> 6 == 0) {
            off = 2;
            len = c & 0x3f;
        } else if (c >> 6 == 1) {
            off = 3;
            len = (c & 0x3f) << 8 | (d[2] & 0xff);
        } else if (c == 0x80) {
            off = 6;
            len = (d[2] & 0xff) << 24 | (d[3] & 0xff) << 16 | (d[4] & 0xff) << 8 | (d[5] & 0xff);
        } else {
            throw new AssertionError("DUMP of " + key + " has a compressed or unexpected length 0x" + Integer.toHexString(c));
        }
        return java.util.Arrays.copyOfRange(d, off, off + len);
    }

    private Object read() throws IOException {
        final int type = in.read();
        final String line = readLine();
        switch (type) {
            case '+' -> {
                return line;
            }
            case '-' -> {
                return "-" + line;
            }
            case ':' -> {
                return Long.parseLong(line);
            }
            case '$' -> {
                final int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                final byte[] data = in.readNBytes(n);
                in.readNBytes(2);
                return data;
            }
            case '*' -> {
                final int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                final List<Object> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(read());
                }
                return items;
            }
            default -> throw new IOException("unexpected reply type " + type);
        }
    }

    private String readLine() throws IOException {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            final int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c == '\r') {
                in.read(); // '\n'
                return b.toString(StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (final IOException ignored) {
            // the process is stopped below either way
        }
        process.destroy();
        try {
            process.waitFor();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.list(dir)) {
            for (final Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (final IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
