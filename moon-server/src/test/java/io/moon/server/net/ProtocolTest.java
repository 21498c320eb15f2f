package io.moon.server.net;

import io.moon.server.testing.Harness;
import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The protocol over real sockets, side by side with the real redis-server: malformed input gets
 * Redis's exact error and the connection closes where Redis closes it, the other clients carry
 * on; limits, pipelines, inline commands, clients that vanish mid-command or never read.
 */
@Tag("sockets")
class ProtocolTest {
    private static final java.util.concurrent.ExecutorService RUNNER =
            java.util.concurrent.Executors.newFixedThreadPool(16);
    private static RedisServer redis;
    private static TestServer moon;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        moon = TestServer.start(3);
        assertMoonHealthy(); // warm up, so that the first exchange is not slowed by class loading
    }

    @AfterAll
    static void stop() {
        RUNNER.shutdownNow();
        if (moon != null) {
            moon.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** What a fresh connection got back for some input: the bytes, and whether the server closed it. */
    record Exchange(String text, boolean closed) {
    }

    /** Sends the bytes on a new connection and collects replies until the server closes or goes quiet. */
    static Exchange exchange(final int port, final byte[] input) throws IOException {
        return exchange(port, input, null);
    }

    /**
     * Like {@link #exchange(int, byte[])}; with {@code expected} (the oracle's exchange), first waits
     * up to 10 s for at least as many bytes as it got (and for the close when it closed), so a reply
     * delayed on a loaded machine is not taken for a missing one, then for quiet.
     */
    static Exchange exchange(final int port, final byte[] input, final Exchange expected) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setTcpNoDelay(true);
            try {
                s.getOutputStream().write(input);
                s.getOutputStream().flush();
            } catch (final IOException e) {
                // the server closed before taking all of it (a limit): what it said still counts
            }
            return collect(s, expected == null ? 1000 : 250, expected);
        }
    }

    private static Exchange collect(final Socket s, final int quietMillis, final Exchange expected) throws IOException {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final InputStream in = s.getInputStream();
        final byte[] buf = new byte[65536];
        final long patience = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            while (true) {
                final boolean waiting = expected != null && (got.size() < expected.text().length() || expected.closed())
                        && System.nanoTime() < patience;
                s.setSoTimeout(waiting ? 200 : quietMillis);
                final int n;
                try {
                    n = in.read(buf);
                } catch (final SocketTimeoutException e) {
                    if (waiting) {
                        continue;
                    }
                    return new Exchange(got.toString(StandardCharsets.ISO_8859_1), false);
                }
                if (n < 0) {
                    return new Exchange(got.toString(StandardCharsets.ISO_8859_1), true);
                }
                got.write(buf, 0, n);
            }
        } catch (final IOException e) {
            // a reset after the server closed with unread input
            return new Exchange(got.toString(StandardCharsets.ISO_8859_1), true);
        }
    }

    private static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(final byte[]... parts) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static void assertMoonHealthy() throws IOException {
        try (RawClient c = new RawClient(moon.port)) {
            assertEquals(new Resp.Simple("PONG"), c.run("PING"));
            assertEquals(new Resp.Simple("OK"), c.run("MSET", "h1", "1", "h2", "2", "h3", "3"));
            assertEquals(List.of("1", "2", "3"), c.run("MGET", "h1", "h2", "h3"));
        }
    }

    @Test
    void shouldAnswerMalformedInputExactlyAsRedisAndCloseWhereItCloses() throws Exception {
        final List<byte[]> cases = List.of(
                bytes("*abc\r\n"),
                bytes("*3\r\n$3\r\nSET\r\n:1\r\n"),
                bytes("*1\r\n$-1\r\n"),
                bytes("*1\r\n$abc\r\n"),
                bytes("*1\r\n$600000000\r\n"),
                bytes("*2147483648\r\n"),
                bytes("*-5\r\nPING\r\n"),
                bytes("*0\r\nPING\r\n"),
                bytes("SET k \"a b\r\nPING\r\n"),
                bytes("ECHO 'x\\'y'\r\n"),
                bytes("ECHO \"\\x41\\n\"\r\n"),
                bytes("\r\n\r\nPING\r\n"),
                bytes("PING\n"),
                bytes("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n"),
                bytes("*1\r\n$4\r\nPING\r\n*1\r\nxyz\r\n"),
                bytes("*1\r\n\r\n"),
                bytes("*\r\n"),
                bytes("*1\r\n$\r\n"),
                bytes("*1\r\n$01\r\nx\r\n"),
                bytes("*01\r\n$1\r\nx\r\n"),
                bytes("*+1\r\n$4\r\nPING\r\n"),
                bytes("*1\r\n$+4\r\nPING\r\n"),
                bytes("*1\r\n$ 4\r\nPING\r\n"),
                bytes("*1 \r\n$4\r\nPING\r\n"),
                bytes("*1\r\n$4\nPING\r\n"),
                bytes("*1\n$4\r\nPING\r\n"),
                bytes("*1\r\n$0\r\n\r\n"),
                bytes("*2\r\n$0\r\n\r\n$0\r\n\r\n"),
                bytes("*1\r\n$4\r\nQUIT\r\nPING\r\n"),
                bytes("NOSUCH a b\r\nPING\r\n"),
                // the unknown-command text keeps 128 bytes of arguments, the last cut to what is left
                bytes("NOSUCH " + "x".repeat(200) + "\r\n"),
                bytes("NOSUCH " + "x".repeat(127) + " " + "y".repeat(10) + "\r\n"),
                bytes("NOSUCH a b c d e f g h i j k l m n o p q r s t u v w x y z " + "x".repeat(40) + " z\r\n"),
                bytes("CONFIG " + "x".repeat(200) + "\r\n"),
                bytes("N" + "o".repeat(200) + " a\r\n"),
                bytes("POST / HTTP/1.1\r\nHost: example\r\n\r\n"),
                bytes("GET / HTTP/1.1\r\n"),
                concat(bytes("*1\r\n$4\r\nPING\r\n"), "x".repeat(70_000).getBytes(StandardCharsets.ISO_8859_1)),
                concat(bytes("*"), "1".repeat(70_000).getBytes(StandardCharsets.ISO_8859_1)),
                concat(bytes("*1\r\n$"), "1".repeat(70_000).getBytes(StandardCharsets.ISO_8859_1)),
                "y".repeat(70_000).getBytes(StandardCharsets.ISO_8859_1));
        // each case on its own connections, all at once: the ones that do not close wait for quiet
        final List<CompletableFuture<Exchange[]>> runs = new ArrayList<>();
        for (final byte[] input : cases) {
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    final Exchange oracle = exchange(redis.port, input);
                    return new Exchange[] {oracle, exchange(moon.port, input, oracle)};
                } catch (final IOException e) {
                    throw new IllegalStateException(e);
                }
            }, RUNNER));
        }
        for (int i = 0; i < cases.size(); i++) {
            final byte[] input = cases.get(i);
            final String what = new String(input, 0, Math.min(40, input.length), StandardCharsets.ISO_8859_1);
            final Exchange[] got = runs.get(i).get(30, TimeUnit.SECONDS);
            assertEquals(got[0], got[1], what);
        }
        assertMoonHealthy();
    }

    @Test
    void shouldSilenceAProtocolErrorUnderClientReplyOffOrSkip() throws Exception {
        // Redis silences the error reply as any reply; it then leaves the connection open but reads
        // nothing more from it (it closes after a reply that never comes), where Moon closes it
        for (final String mode : List.of("OFF", "SKIP")) {
            for (final String bad : List.of("*1\r\n$x\r\n", "PING\r\n\"unbalanced\r\n")) {
                final byte[] input = concat(Resp.command("CLIENT", "REPLY", mode), bytes(bad));
                final Exchange want = exchange(redis.port, input);
                final Exchange got = exchange(moon.port, input, new Exchange(want.text(), true));
                assertEquals(want.text(), got.text(), mode + " " + bad);
                assertTrue(got.closed(), mode + " " + bad);
            }
        }
        assertMoonHealthy();
    }

    @Test
    void shouldRefuseA2GbBulkHeader() throws Exception {
        for (final String header : List.of("*1\r\n$2147483648\r\n", "*2\r\n$3\r\nGET\r\n$2000000000\r\n",
                "*1\r\n$9223372036854775807\r\n", "*1\r\n$99999999999999999999\r\n")) {
            final Exchange e = exchange(moon.port, bytes(header));
            assertEquals(new Exchange("-ERR Protocol error: invalid bulk length\r\n", true), e, header);
            assertEquals(e, exchange(redis.port, bytes(header)), header);
        }
        assertMoonHealthy();
    }

    @Test
    void shouldStayHealthyWhenClientsVanishMidCommand() throws Exception {
        final List<byte[]> partial = List.of(
                bytes("*3\r\n$3\r\nSET\r\n$2\r\nmk\r\n$100000\r\n" + "z".repeat(50_000)),
                bytes("*3\r\n$3\r\nSET\r\n$2\r\nmk\r\n$5\r\nab"),
                bytes("*3\r\n$3\r\nSET\r\n$2\r\nmk"),
                bytes("*3\r\n"),
                bytes("SET mk \"unfinished"),
                bytes("*1\r\n$2000000000\r\n"));
        for (int round = 0; round < 20; round++) {
            for (final byte[] p : partial) {
                try (Socket s = new Socket("127.0.0.1", moon.port)) {
                    s.getOutputStream().write(p);
                    s.getOutputStream().flush();
                }
            }
        }
        // and while a command of theirs is out on other shards
        try (RawClient sleeper = new RawClient(moon.port)) {
            sleeper.send(Resp.command("DEBUG", "SLEEP", "0.2"));
            Thread.sleep(20);
            for (int i = 0; i < 10; i++) {
                try (Socket s = new Socket("127.0.0.1", moon.port)) {
                    s.getOutputStream().write(concat(Resp.command("MSET", "v1", "a", "v2", "b", "v3", "c"),
                            Resp.command("GET", "v1"), bytes("*2\r\n$3\r\nGET\r\n$2\r\nv")));
                    s.getOutputStream().flush();
                }
            }
            assertEquals(new Resp.Simple("OK"), sleeper.read());
        }
        try (RawClient c = new RawClient(moon.port)) {
            assertEquals(null, c.run("GET", "mk"));
            for (int i = 0; i < 100; i++) {
                final String clients = (String) c.run("INFO", "clients");
                if (clients.contains("connected_clients:1\r\n")) {
                    break;
                }
                Thread.sleep(20);
            }
            assertTrue(((String) c.run("INFO", "clients")).contains("connected_clients:1\r\n"));
        }
        assertMoonHealthy();
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldAnswerA1000CommandPipelineInOrder() throws Exception {
        final ByteArrayOutputStream pipe = new ByteArrayOutputStream();
        final List<Object> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            switch (i % 5) {
                case 0 -> {
                    pipe.writeBytes(Resp.command("SET", "p" + i, "v" + i));
                    expected.add(new Resp.Simple("OK"));
                }
                case 1 -> {
                    pipe.writeBytes(Resp.command("GET", "p" + (i - 1)));
                    expected.add("v" + (i - 1));
                }
                case 2 -> {
                    pipe.writeBytes(Resp.command("MSET", "q" + i, "a", "r" + i, "b", "s" + i, "c"));
                    expected.add(new Resp.Simple("OK"));
                }
                case 3 -> {
                    pipe.writeBytes(Resp.command("MGET", "q" + (i - 1), "r" + (i - 1), "s" + (i - 1), "none"));
                    expected.add(java.util.Arrays.asList("a", "b", "c", null));
                }
                default -> {
                    pipe.writeBytes(bytes("INCR counter\r\n")); // inline, in the middle of RESP
                    expected.add((long) (i / 5 + 1));
                }
            }
        }
        try (RawClient c = new RawClient(moon.port); RawClient r = new RawClient(redis.port)) {
            c.send(pipe.toByteArray());
            r.send(pipe.toByteArray());
            for (int i = 0; i < 1000; i++) {
                final Object got = c.read();
                assertEquals(expected.get(i), got, "reply " + i);
                assertEquals(r.read(), got, "reply " + i + " as Redis");
            }
            assertEquals(new Resp.Simple("PONG"), c.run("PING"));
        }
    }

    @Test
    void shouldRunInlineCommandsLikeATelnetSession() throws Exception {
        final String session = "SET greeting \"hello world\"\r\nGET greeting\r\nset  spaced   'single quoted'\r\n"
                + "get spaced\r\nEXISTS greeting spaced nothing\r\nECHO \"tab\\there\"\r\nMGET greeting spaced\r\n"
                + "\r\nping\nDEL greeting spaced\r\nquit\r\n";
        final Exchange expected = exchange(redis.port, bytes(session));
        final Exchange actual = exchange(moon.port, bytes(session), expected);
        assertEquals(expected, actual);
        assertTrue(actual.closed());
        assertTrue(actual.text().startsWith("+OK\r\n$11\r\nhello world\r\n+OK\r\n$13\r\nsingle quoted\r\n:2\r\n"),
                actual.text());
    }

    @Test
    void shouldCloseOnlyTheClientOverTheQueryBufferLimit() throws Exception {
        try (TestServer small = TestServer.start(3, "client-query-buffer-limit", "1mb");
             RawClient bystander = new RawClient(small.port)) {
            assertEquals(new Resp.Simple("OK"), bystander.run("SET", "b", "1"));
            // one argument bigger than the limit
            final byte[] big = concat(bytes("*2\r\n$4\r\nECHO\r\n$2000000\r\n"), new byte[1_500_000]);
            final Exchange e = exchange(small.port, big);
            assertEquals(new Exchange("", true), e);
            // an inline line without its end is refused by the protocol, not the limit
            // a well-behaved pipeline larger than the limit is fine, including commands that go to other shards
            final ByteArrayOutputStream pipe = new ByteArrayOutputStream();
            final String value = "v".repeat(200);
            for (int i = 0; i < 6_000; i++) {
                pipe.writeBytes(Resp.command("MSET", "x" + i, value, "y" + i, value));
            }
            assertTrue(pipe.size() > 2 * 1024 * 1024);
            try (Socket heavy = new Socket("127.0.0.1", small.port)) {
                final CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                    try {
                        heavy.getOutputStream().write(pipe.toByteArray());
                        heavy.getOutputStream().flush();
                    } catch (final IOException ex) {
                        throw new IllegalStateException(ex);
                    }
                });
                final byte[] replies = heavy.getInputStream().readNBytes(6_000 * 5);
                assertEquals("+OK\r\n".repeat(6_000), new String(replies, StandardCharsets.ISO_8859_1));
                sent.get(10, TimeUnit.SECONDS);
            }
            assertEquals("1", bystander.run("GET", "b"));
            assertEquals(new Resp.Simple("PONG"), bystander.run("PING"));
        }
        // Redis closes such a client too, without a reply
        try (RedisServer r = RedisServer.start("--client-query-buffer-limit", "1mb")) {
            final byte[] big = concat(bytes("*2\r\n$4\r\nECHO\r\n$2000000\r\n"), new byte[1_500_000]);
            assertEquals(new Exchange("", true), exchange(r.port, big));
        }
    }

    @Test
    void shouldBoundMemoryForAClientThatPipelinesWithoutReading() throws Exception {
        final int replyBytes = 100_000;
        final int commands = 1_000_000; // 14 MB of requests, 100 GB of replies if nothing pushed back
        final byte[] oneReply = bytes("$100000\r\n" + "x".repeat(replyBytes) + "\r\n");
        try (RawClient admin = new RawClient(moon.port)) {
            assertEquals(new Resp.Simple("OK"), admin.run("SET", "bigvalue", "x".repeat(replyBytes)));
            final Socket greedy = new Socket("127.0.0.1", moon.port);
            try {
                final OutputStream out = greedy.getOutputStream();
                final byte[] pipeline = bytes("GET bigvalue\r\n".repeat(commands));
                final CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    try {
                        out.write(pipeline);
                        out.flush();
                    } catch (final IOException e) {
                        // the socket is closed at the end of the test
                    }
                });
                long maxOmem = 0;
                long maxQbuf = 0;
                for (int i = 0; i < 15; i++) {
                    Thread.sleep(100);
                    final long start = System.nanoTime();
                    assertEquals(new Resp.Simple("PONG"), admin.run("PING"));
                    assertEquals(replyBytes, ((String) admin.run("GET", "bigvalue")).length());
                    assertTrue(System.nanoTime() - start < 1_000_000_000L, "others are served");
                    for (final String line : ((String) admin.run("CLIENT", "LIST")).split("\n")) {
                        final Map<String, String> f = io.moon.server.commands.ClientCommandsTestAccess.fields(line);
                        if (f.get("cmd").equals("get")) {
                            maxOmem = Math.max(maxOmem, Long.parseLong(f.get("omem")));
                            maxQbuf = Math.max(maxQbuf, Long.parseLong(f.get("qbuf")));
                        }
                    }
                }
                assertTrue(maxOmem > 0 && maxOmem < 8L * 1024 * 1024, "output held for the greedy client: " + maxOmem);
                assertTrue(maxQbuf < 1024 * 1024, "input held for the greedy client: " + maxQbuf);
                assertFalse(writer.isDone(), "the server stopped reading the greedy client");
                // once it reads, its replies arrive whole and in order
                final InputStream in = greedy.getInputStream();
                greedy.setSoTimeout(10_000);
                final byte[] reply = new byte[oneReply.length];
                for (int r = 0; r < 2000; r++) {
                    int got = 0;
                    while (got < reply.length) {
                        final int n = in.read(reply, got, reply.length - got);
                        assertTrue(n > 0, "closed at reply " + r);
                        got += n;
                    }
                    assertTrue(java.util.Arrays.equals(oneReply, reply), "reply " + r);
                }
            } finally {
                greedy.close();
            }
            for (int i = 0; i < 100 && !((String) admin.run("INFO", "clients")).contains("connected_clients:1\r\n");
                 i++) {
                Thread.sleep(20);
            }
            assertTrue(((String) admin.run("INFO", "clients")).contains("connected_clients:1\r\n"));
        }
        assertMoonHealthy();
    }

    @Test
    void shouldKeepHarnessClientsApartFromAProtocolError() {
        try (Harness h = Harness.start()) {
            final Harness.Client bad = h.client();
            final Harness.Client good = h.client();
            bad.send(bytes("*1\r\n$x\r\n"));
            assertEquals(new Resp.Err("ERR Protocol error: invalid bulk length"), bad.read());
            assertSame(Harness.Client.CLOSED, bad.read());
            assertEquals(new Resp.Simple("PONG"), good.run("PING"));
        }
    }
}
