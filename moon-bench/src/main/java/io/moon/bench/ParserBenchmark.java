package io.moon.bench;

import io.moon.protocol.Request;
import io.moon.protocol.RespParser;
import io.netty.buffer.ByteBuf;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Parsing one command from a direct receive buffer into the reusable Request: the first step of
 * every command. Run with {@code -prof gc}: gc.alloc.rate.norm must be 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseCompactObjectHeaders", "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class ParserBenchmark {
    @Param({"SET", "GET"})
    public String command;

    private ByteBuf in;
    private final RespParser parser = new RespParser();
    private final Request req = new Request();

    @Setup
    public void setup() {
        in = Commands.stream(command);
    }

    @Benchmark
    public int parse() {
        if (!in.isReadable()) {
            in.readerIndex(0);
        }
        final int r = parser.parse(in, req);
        final int argc = req.argc();
        req.reset();
        return r + argc;
    }
}
