package io.moon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moon.storage.wal.WalRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code moon --check-aof [--fix]} through the real command line. */
class CheckAofLaunchTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(final String... args) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final Main.Launch l = Main.launch(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        assertNull(l.config());
        return new Run(l.exitCode(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static byte[] rec(final long seq, final String... a) {
        final List<byte[]> args = Arrays.stream(a).map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        return new WalRecord(seq, 0, 1, 0, args).encode();
    }

    @Test
    void checksThenFixesATornTail() throws IOException {
        final Path f = dir.resolve("moon.0.1.incr.aof");
        final byte[] a = rec(1, "SET", "a", "1");
        final byte[] b = rec(2, "SET", "b", "2");
        final byte[] torn = new byte[a.length + b.length - 5];
        System.arraycopy(a, 0, torn, 0, a.length);
        System.arraycopy(b, 0, torn, a.length, b.length - 5);
        Files.write(f, torn);

        final Run check = run("--check-aof", dir.toString());
        assertEquals(1, check.code(), check.out());
        assertTrue(check.out().contains("truncated tail at offset " + a.length), check.out());
        assertEquals(torn.length, Files.size(f));

        final Run fix = run("--check-aof", "--fix", f.toString());
        assertEquals(0, fix.code(), fix.out());
        assertEquals(a.length, Files.size(f));
        assertEquals(0, run("--check-aof", f.toString()).code());
    }

    @Test
    void aMissingFileOrNoPathIsAnError() {
        final Run missing = run("--check-aof", dir.resolve("nope").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());
        assertEquals(1, run("--check-aof").code());
    }

    /** An RDB file with no key: header, EOF and a zero checksum ("not computed"). */
    private static byte[] emptyRdb() {
        final byte[] b = new byte[9 + 1 + 8];
        System.arraycopy("REDIS0010".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 9);
        b[9] = (byte) 0xff;
        return b;
    }

    @Test
    void aDirectoryIsCheckedThroughItsManifestAsStartupReadsIt() throws IOException {
        Files.writeString(dir.resolve("appendonly.aof.manifest"), "shards 1\nfile appendonly.aof.2.base.rdb seq 2 type b\n"
            + "file appendonly.aof.2.0.incr.aof seq 2 type i shard 0\n");
        Files.write(dir.resolve("appendonly.aof.2.0.incr.aof"), new byte[0]);
        final Run noBase = run("--check-aof", dir.toString());
        assertEquals(1, noBase.code(), noBase.out());
        assertTrue(noBase.out().contains("appendonly.aof.2.base.rdb: named in the manifest"), noBase.out());

        Files.write(dir.resolve("appendonly.aof.2.base.rdb"), emptyRdb());
        final Run ok = run("--check-aof", dir.toString());
        assertEquals(0, ok.code(), ok.out());
        assertTrue(ok.out().contains("base RDB file, ok"), ok.out());
        assertTrue(ok.out().contains("appendonly.aof.2.0.incr.aof: empty (0 records, 0 bytes), ok"), ok.out());
        assertTrue(!ok.out().contains("seq -"), ok.out());

        Files.write(dir.resolve("appendonly.aof.2.base.rdb"), "REDIS0010garbage".getBytes(StandardCharsets.US_ASCII));
        final Run badBase = run("--check-aof", dir.toString());
        assertEquals(1, badBase.code(), badBase.out());
        assertTrue(badBase.out().contains("damaged base RDB file"), badBase.out());

        Files.write(dir.resolve("appendonly.aof.2.base.rdb"), emptyRdb());
        Files.delete(dir.resolve("appendonly.aof.2.0.incr.aof"));
        final Run noSegment = run("--check-aof", dir.toString());
        assertEquals(1, noSegment.code(), noSegment.out());
        assertTrue(noSegment.out().contains("appendonly.aof.2.0.incr.aof: named in the manifest"), noSegment.out());
    }

    @Test
    void redisOwnAppendonlydirIsNamedAsSuch() throws IOException {
        Files.writeString(dir.resolve("appendonly.aof.manifest"),
            "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
        Files.write(dir.resolve("appendonly.aof.1.base.rdb"), emptyRdb());
        Files.write(dir.resolve("appendonly.aof.1.incr.aof"), new byte[0]);
        final Run r = run("--check-aof", dir.toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.out().contains("Moon cannot replay a Redis AOF"), r.out());
        assertTrue(!r.out().contains("AOF is valid"), r.out());
    }
}
