package io.moon.bench;

import io.moon.storage.Db;
import io.moon.storage.Keyspace;
import io.moon.storage.Strings;
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

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The keyspace alone: hash a key, find its entry among N keys, overwrite a value in place, add to
 * an int in place. The table is large enough that most probes miss the CPU caches, as in
 * production. Run with {@code -prof gc}: 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseCompactObjectHeaders"})
public class KeyspaceBenchmark {
    @Param({"1000000"})
    public int keys;

    private Db db;
    private byte[][] names;
    private final byte[] value = "value-0123456789".getBytes(StandardCharsets.US_ASCII);
    private int next;

    @Setup
    public void setup() {
        db = new Keyspace(1, 1).db(0);
        names = new byte[keys][];
        for (int i = 0; i < keys; i++) {
            names[i] = ("key:" + i).getBytes(StandardCharsets.US_ASCII);
            final long h = Db.hash(names[i], 0, names[i].length);
            Strings.set(db, names[i], 0, names[i].length, h, 0, value, 0, value.length, false);
        }
    }

    private byte[] nextKey() {
        next = (next + 7919) % keys;
        return names[next];
    }

    @Benchmark
    public long find() {
        final byte[] k = nextKey();
        return db.find(k, 0, k.length, Db.hash(k, 0, k.length), 0);
    }

    @Benchmark
    public long overwrite() {
        final byte[] k = nextKey();
        final long h = Db.hash(k, 0, k.length);
        final long a = db.find(k, 0, k.length, h, 0);
        return Strings.set(db, k, 0, k.length, h, a, value, 0, value.length, false);
    }

    @Benchmark
    public long hash() {
        final byte[] k = nextKey();
        return Db.hash(k, 0, k.length);
    }
}
