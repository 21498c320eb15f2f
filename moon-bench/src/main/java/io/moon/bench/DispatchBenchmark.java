package io.moon.bench;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.protocol.RespParser;
import io.moon.server.Server;
import io.moon.server.Shard;
import io.moon.server.command.CommandSpec;
import io.moon.server.config.Config;
import io.moon.server.net.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * A command's whole path inside a shard: parse from the receive buffer, look the command up in the
 * table, hash the key, probe the database, run the handler and encode the reply into the output
 * buffer. Network I/O is left out (that is Netty's and the kernel's). Run with {@code -prof gc}:
 * GET, SET and INCR must show 0 B/op.
 *
 * <p>The shard's thread is idle (no connections, background work off), so calling its handlers
 * from the benchmark thread does not race with it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseCompactObjectHeaders", "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class DispatchBenchmark {
    @Param({"GET", "SET", "INCR"})
    public String command;

    private Server server;
    private Shard shard;
    private ByteBuf in;
    private final RespParser parser = new RespParser();
    private final Request req = new Request();
    private final Reply reply = new Reply();
    private final ByteBuf out = Unpooled.directBuffer(1 << 16);

    @Setup(Level.Trial)
    public void setup() throws Exception {
        final Config cfg = new Config();
        cfg.set("shards", "1", true);
        server = new Server(cfg, Transport.LOCAL, false);
        shard = server.shard(0);
        in = Commands.stream("SET");
        for (int i = 0; i < Commands.KEYS; i++) {
            dispatch();
        }
        in = Commands.stream(command);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        server.shutdown();
    }

    @Benchmark
    public int dispatch() {
        if (!in.isReadable()) {
            in.readerIndex(0);
        }
        if (out.writerIndex() > 60_000) {
            out.clear();
        }
        parser.parse(in, req);
        final CommandSpec spec = server.commands.lookup(req.buf(), req.off(0), req.len(0));
        spec.handler().run(shard.directContext(0, req, reply.bind(out, 2), spec));
        req.reset();
        return out.writerIndex();
    }
}
