package io.moon.storage.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --check-rdb: a summary and exit 0 for a valid file, the error with its offset and exit 1 otherwise. */
final class RdbCheckTest {
    /**
     * A hand-built RDB version 6 file (Redis 4-era layout, before listpacks):
     * "REDIS0006"; SELECTDB(0xFE) 0; key "h" of type HASH_ZIPMAP (9) holding a zipmap; key "l"
     * of type LIST_ZIPLIST (10) with EXPIRETIME (0xFD, seconds); EOF (0xFF); checksum 0 (unchecked).
     */
    static byte[] oldFile() {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("REDIS0006".getBytes(StandardCharsets.US_ASCII));
        b.write(0xFE);
        b.write(0);
        // zipmap {"a" -> "bc"}: zmlen 1, len 1 "a", len 2 free 0 "bc", end 0xFF
        final byte[] zipmap = {1, 1, 'a', 2, 0, 'b', 'c', (byte) 0xFF};
        b.write(9);
        b.write(1);
        b.write('h');
        b.write(zipmap.length);
        b.writeBytes(zipmap);
        // EXPIRETIME 2_000_000_000 s, little-endian
        b.write(0xFD);
        b.writeBytes(new byte[] {0x00, (byte) 0x94, 0x35, 0x77});
        // ziplist [ "x", 7 ]: zlbytes 16, zltail 13, zllen 2, entry at 10 (prevlen 0, string of
        // length 1, 'x'), entry at 13 (prevlen 3, immediate int 0xF8 = 8 - 1 = 7), end 0xFF
        final byte[] zl2 = {16, 0, 0, 0, 13, 0, 0, 0, 2, 0, 0, 0x01, 'x', 3, (byte) 0xF8, (byte) 0xFF};
        b.write(10);
        b.write(1);
        b.write('l');
        b.write(zl2.length);
        b.writeBytes(zl2);
        b.write(0xFF);
        b.writeBytes(new byte[8]);
        return b.toByteArray();
    }

    @Test
    void summarizesAValidOldFile(@TempDir final Path dir) throws Exception {
        final Path f = dir.resolve("dump.rdb");
        Files.write(f, oldFile());
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, RdbCheck.run(f, new PrintStream(out), new PrintStream(err)), err.toString());
        final String s = out.toString();
        assertTrue(s.contains("version 6"), s);
        assertTrue(s.contains("db0: keys=2 expires=1 list=1 hash=1"), s);
    }

    @Test
    void reportsTheOffsetOfACorruptFile(@TempDir final Path dir) throws Exception {
        final byte[] b = oldFile();
        final Path f = dir.resolve("bad.rdb");
        Files.write(f, java.util.Arrays.copyOf(b, 20));
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, RdbCheck.run(f, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err)));
        assertTrue(err.toString().contains("at offset"), err.toString());
    }
}
