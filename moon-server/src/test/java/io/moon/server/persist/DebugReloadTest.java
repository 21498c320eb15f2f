package io.moon.server.persist;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moon.server.testing.Harness;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DEBUG RELOAD and its options, and the removal of a crashed save's temp files. */
final class DebugReloadTest {
    @TempDir
    Path dir;

    @Test
    void reloadKeepsTheDatasetAndItsOptionsBehaveAsRedis() {
        try (Harness h = Harness.start(3, "dir", dir.toString(), "enable-debug-command", "yes")) {
            for (int i = 0; i < 50; i++) {
                h.run("SET", "s" + i, "v" + i);
            }
            h.run("RPUSH", "l", "a", "b", "c");
            h.run("HSET", "h", "f", "v", "g", "w");
            h.run("SADD", "set", "1", "x");
            h.run("ZADD", "z", "1.5", "m", "2", "n");
            h.run("PEXPIRE", "l", "100000000");
            assertOk(h.run("SELECT", "4"));
            h.run("SET", "in4", "four");
            assertOk(h.run("SELECT", "0"));
            final String digest = h.run("DEBUG", "DIGEST").toString();
            assertOk(h.run("DEBUG", "RELOAD"));
            assertTrue(Files.exists(dir.resolve("dump.rdb")));
            assertEquals(digest, h.run("DEBUG", "DIGEST").toString());
            assertInt(54, h.run("DBSIZE"));

            // NOSAVE: the file on disk as it is, so a key added since is gone
            h.run("SET", "later", "x");
            assertNotEquals(digest, h.run("DEBUG", "DIGEST").toString());
            assertOk(h.run("DEBUG", "RELOAD", "NOSAVE"));
            assertEquals(digest, h.run("DEBUG", "DIGEST").toString());

            // NOFLUSH loads over the current keys: the file's keys exist, so that fails; MERGE replaces
            assertErrorText("ERR Error trying to load the RDB dump, check server logs.",
                    h.run("DEBUG", "RELOAD", "NOFLUSH", "NOSAVE"));
            h.run("SET", "s1", "changed");
            h.run("SET", "extra", "e");
            assertOk(h.run("DEBUG", "RELOAD", "MERGE", "NOFLUSH", "NOSAVE"));
            assertEquals("v1", String.valueOf(h.run("GET", "s1")));
            assertInt(1, h.run("EXISTS", "extra"));
            assertErrorText("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.",
                    h.run("DEBUG", "RELOAD", "FAST"));
        }
    }

    @Test
    void leftoverTempFilesAreRemovedAndNothingElse() throws Exception {
        // pids of processes that ended: a live process's temp file is left alone (ShutdownProcessTest)
        final long gone1 = endedPid();
        final long gone2 = endedPid();
        final long live = ProcessHandle.current().pid();
        Files.writeString(dir.resolve("temp-" + gone1 + ".rdb"), "half");
        Files.writeString(dir.resolve("temp-" + gone2 + ".rdb"), "half");
        Files.writeString(dir.resolve("temp-" + live + ".rdb"), "this process's own: a leftover too");
        Files.createDirectory(dir.resolve("temp-dir.rdb"));
        Files.writeString(dir.resolve("dump.rdb"), "keep");
        Files.writeString(dir.resolve("temp-1.txt"), "keep");
        Snapshots.removeLeftovers(dir.toString());
        assertFalse(Files.exists(dir.resolve("temp-" + gone1 + ".rdb")));
        assertFalse(Files.exists(dir.resolve("temp-" + gone2 + ".rdb")));
        assertFalse(Files.exists(dir.resolve("temp-" + live + ".rdb")));
        assertTrue(Files.isDirectory(dir.resolve("temp-dir.rdb")));
        assertTrue(Files.exists(dir.resolve("dump.rdb")));
        assertTrue(Files.exists(dir.resolve("temp-1.txt")));
    }

    private static long endedPid() throws Exception {
        final Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
