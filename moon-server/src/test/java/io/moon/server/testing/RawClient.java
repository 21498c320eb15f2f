package io.moon.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A plain-socket RESP client for tests: sends commands or raw bytes and decodes replies with
 * {@link Resp}. Works against Moon and against the real redis-server alike.
 */
public final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final byte[] buf = new byte[65536];

    public RawClient(final int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public Object run(final String... args) throws IOException {
        send(Resp.command(args));
        return read();
    }

    public void send(final byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** The next reply, or {@link Harness.Client#CLOSED} when the server closed the connection. */
    public Object read() throws IOException {
        while (true) {
            final byte[] all = pending.toByteArray();
            if (all.length > 0) {
                final Resp.Decoder d = new Resp.Decoder(all, 0, all.length);
                try {
                    final Object v = d.next();
                    pending.reset();
                    pending.write(all, d.position(), all.length - d.position());
                    return v;
                } catch (final Resp.Decoder.Incomplete e) {
                    // need more bytes
                }
            }
            final int n = in.read(buf);
            if (n < 0) {
                return Harness.Client.CLOSED;
            }
            pending.write(buf, 0, n);
        }
    }

    /** The next reply's exact bytes (for byte-for-byte comparisons), or null when the server closed. */
    public byte[] readRaw() throws IOException {
        while (true) {
            final byte[] all = pending.toByteArray();
            if (all.length > 0) {
                final Resp.Decoder d = new Resp.Decoder(all, 0, all.length);
                try {
                    d.next();
                    pending.reset();
                    pending.write(all, d.position(), all.length - d.position());
                    return java.util.Arrays.copyOf(all, d.position());
                } catch (final Resp.Decoder.Incomplete e) {
                    // need more bytes
                }
            }
            final int n = in.read(buf);
            if (n < 0) {
                return null;
            }
            pending.write(buf, 0, n);
        }
    }

    /** The next reply's exact bytes, or null when none arrives within the time given. */
    public byte[] readRawWithin(final int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            return readRaw();
        } catch (final SocketTimeoutException e) {
            return null;
        } finally {
            socket.setSoTimeout(10_000);
        }
    }

    /** Sends a command and answers its reply's exact bytes. */
    public byte[] runRaw(final String... args) throws IOException {
        send(Resp.command(args));
        return readRaw();
    }

    /** True when the server closes the connection within the timeout (after any pending replies). */
    public boolean closedWithin(final int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            while (true) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
        } catch (final SocketTimeoutException e) {
            return false;
        } finally {
            socket.setSoTimeout(10_000);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
