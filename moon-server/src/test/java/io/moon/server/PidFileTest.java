package io.moon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pidfile: written at startup, removed at exit, a failure is only a warning. */
class PidFileTest {
    @Test
    void shouldWriteThePidAndRemoveIt(@TempDir final Path dir) throws Exception {
        final Path f = dir.resolve("moon.pid");
        assertTrue(PidFile.write(f.toString(), 4242));
        assertEquals("4242\n", Files.readString(f));
        PidFile.remove(f.toString());
        assertFalse(Files.exists(f));
        PidFile.remove(f.toString()); // already gone: nothing to do, nothing thrown
    }

    @Test
    void shouldGoOnWhenThePidfileCannotBeWritten(@TempDir final Path dir) {
        assertFalse(PidFile.write(dir.resolve("no/such/dir/moon.pid").toString(), 1));
        assertTrue(PidFile.write("", 1)); // none configured
    }
}
