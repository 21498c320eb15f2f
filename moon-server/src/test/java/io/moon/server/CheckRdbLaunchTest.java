package io.moon.server;

import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moon.server.testing.Harness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code moon --check-rdb FILE} through the real command line, on a file SAVE wrote. */
class CheckRdbLaunchTest {
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

    @Test
    void summarisesAValidFileAndReportsACorruptOneWithItsOffset() throws Exception {
        try (Harness h = Harness.start(3, "dir", dir.toString())) {
            assertOk(h.run("SET", "s", "v", "EX", "1000"));
            h.run("RPUSH", "l", "a", "b");
            h.run("HSET", "h", "f", "v");
            assertOk(h.run("SELECT", "2"));
            h.run("SADD", "set", "1", "2");
            h.run("ZADD", "z", "1", "m");
            assertOk(h.run("SAVE"));
        }
        final Path f = dir.resolve("dump.rdb");
        final Run ok = run("--check-rdb", f.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("version 10"), ok.out());
        assertTrue(ok.out().contains("db0: keys=3 expires=1"), ok.out());
        assertTrue(ok.out().contains("db2: keys=2 expires=0"), ok.out());
        assertTrue(ok.out().contains("aux redis-ver = 7.0.15"), ok.out());

        final byte[] b = Files.readAllBytes(f);
        final Path cut = dir.resolve("cut.rdb");
        Files.write(cut, java.util.Arrays.copyOf(b, b.length - 20));
        final Run bad = run("--check-rdb", cut.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("at offset"), bad.err());

        assertEquals(1, run("--check-rdb", dir.resolve("nope.rdb").toString()).code());
        assertEquals(1, run("--check-rdb").code());
    }
}
