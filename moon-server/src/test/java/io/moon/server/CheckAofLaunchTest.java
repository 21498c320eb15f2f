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
}
