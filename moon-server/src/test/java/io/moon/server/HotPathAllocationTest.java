package io.moon.server;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.protocol.RespParser;
import io.moon.server.command.CommandSpec;
import io.moon.server.config.Config;
import io.moon.server.net.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GET/SET/INCR path from the receive buffer to the reply bytes (parse, table lookup, key hash,
 * table probe, handler, reply encoding) allocates nothing. Counted with the JVM's per-thread
 * allocation counter, not timed. The JMH benchmarks in moon-bench show the same with -prof gc.
 */
class HotPathAllocationTest {
    private static final int KEYS = 1000;
    private static final int WARMUP = 300_000;
    private static final int MEASURED = 300_000;
    private static Server server;

    @BeforeAll
    static void start() throws Exception {
        final Config cfg = new Config();
        cfg.set("shards", "1", true);
        server = new Server(cfg, Transport.LOCAL, false);
    }

    @AfterAll
    static void stop() {
        server.shutdown();
    }

    private static ByteBuf commands(final String name) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < KEYS; i++) {
            final String key = "key:" + (100000 + i);
            switch (name) {
                case "SET" -> sb.append("*3\r\n$3\r\nSET\r\n$10\r\n").append(key).append("\r\n$16\r\nvalue-0123456789\r\n");
                case "GET" -> sb.append("*2\r\n$3\r\nGET\r\n$10\r\n").append(key).append("\r\n");
                default -> sb.append("*2\r\n$4\r\nINCR\r\n$10\r\n").append("cnt:" + (100000 + i)).append("\r\n");
            }
        }
        // wrapped arrays are not tracked by Netty's leak detector (paranoid in tests), whose
        // bookkeeping would otherwise be the only allocation measured
        return Unpooled.wrappedBuffer(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @ValueSource(strings = {"SET", "GET", "INCR"})
    void shouldNotAllocatePerCommand(final String name) {
        final Shard shard = server.shard(0);
        final RespParser parser = new RespParser();
        final Request req = new Request();
        final Reply reply = new Reply();
        final ByteBuf out = Unpooled.wrappedBuffer(new byte[1 << 16]).clear();
        final ByteBuf set = commands("SET");
        final ByteBuf in = commands(name);
        run(shard, parser, req, reply, out, set, KEYS); // the keys exist before GET
        run(shard, parser, req, reply, out, in, WARMUP);
        final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long before = mx.getCurrentThreadAllocatedBytes();
        run(shard, parser, req, reply, out, in, MEASURED);
        final long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        final double perOp = (double) allocated / MEASURED;
        assertTrue(perOp < 0.05, name + " allocated " + perOp + " bytes per command (" + allocated + " in total)");
        out.release();
        set.release();
        in.release();
    }

    /** RESP for one command. */
    private static void resp(final StringBuilder sb, final String... args) {
        sb.append('*').append(args.length).append("\r\n");
        for (final String a : args) {
            sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
    }

    /**
     * The list commands' common paths allocate nothing either: on lists of ten short elements
     * (packed in their entries), LPUSH then RPOP keep each list's length steady while LINDEX,
     * LRANGE, LLEN and LPOS read it.
     */
    @Test
    void shouldNotAllocatePerListCommand() {
        final Shard shard = server.shard(0);
        final RespParser parser = new RespParser();
        final Request req = new Request();
        final Reply reply = new Reply();
        final ByteBuf out = Unpooled.wrappedBuffer(new byte[1 << 16]).clear();
        final StringBuilder setup = new StringBuilder();
        final StringBuilder ops = new StringBuilder();
        for (int i = 0; i < KEYS; i++) {
            final String key = "list:" + (100000 + i);
            resp(setup, "RPUSH", key, "a", "b", "c", "12", "345", "e", "f", "g", "h", "i");
            resp(ops, "LPUSH", key, "head-value");
            resp(ops, "LINDEX", key, "-1");
            resp(ops, "LRANGE", key, "0", "-1");
            resp(ops, "RPOP", key);
            resp(ops, "LLEN", key);
            resp(ops, "LPOS", key, "e");
        }
        final ByteBuf set = Unpooled.wrappedBuffer(setup.toString().getBytes(StandardCharsets.US_ASCII));
        final ByteBuf in = Unpooled.wrappedBuffer(ops.toString().getBytes(StandardCharsets.US_ASCII));
        run(shard, parser, req, reply, out, set, KEYS);
        run(shard, parser, req, reply, out, in, WARMUP);
        final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long before = mx.getCurrentThreadAllocatedBytes();
        run(shard, parser, req, reply, out, in, MEASURED);
        final long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        final double perOp = (double) allocated / MEASURED;
        assertTrue(perOp < 0.05, "list commands allocated " + perOp + " bytes per command (" + allocated + " in total)");
        out.release();
        set.release();
        in.release();
    }

    private static void run(final Shard shard, final RespParser parser, final Request req, final Reply reply,
                            final ByteBuf out, final ByteBuf in, final int n) {
        for (int i = 0; i < n; i++) {
            if (!in.isReadable()) {
                in.readerIndex(0);
            }
            assertEquals(RespParser.COMPLETE, parser.parse(in, req));
            final CommandSpec spec = server.commands.lookup(req.buf(), req.off(0), req.len(0));
            spec.handler().run(shard.directContext(0, req, reply.bind(out, 2), spec));
            req.reset();
            if (out.writerIndex() > 60_000) {
                out.clear();
            }
        }
    }
}
