package io.moon.server.persist;

import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moon.server.testing.Harness;
import io.moon.server.testing.Resp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seam for the write-ahead log: {@link Snapshots#saveTo}. */
final class SaveToTest {
    @TempDir
    Path dir;

    @Test
    void atCutRunsOnEachShardsThreadAndASaveInProgressIsWaitedFor() throws Exception {
        try (Harness h = Harness.start(3, "dir", dir.toString(), "save", "", "enable-debug-command", "yes")) {
            assertOk(h.run("DEBUG", "POPULATE", "30000"));
            assertEquals(new Resp.Simple("Background saving started"), h.run("BGSAVE"));
            final Map<Integer, Boolean> onOwnThread = new ConcurrentHashMap<>();
            final Path target = dir.resolve("base.rdb");
            h.server.snapshots.saveTo(target, s -> onOwnThread.merge(s.id, s.inThread(), (a, b) -> false))
                    .get(60, TimeUnit.SECONDS);
            assertEquals(Map.of(0, true, 1, true, 2, true), onOwnThread);
            assertTrue(Files.size(target) > 30000);
            assertTrue(Files.exists(dir.resolve("dump.rdb")), "the BGSAVE finished too");
            assertFalse(h.server.snapshots.inProgress());
            try (var s = Files.list(dir)) {
                assertEquals(0, s.filter(p -> p.getFileName().toString().startsWith("temp-")).count());
            }
            try (Harness b = Harness.start(2, "dir", dir.toString(), "dbfilename", "base.rdb")) {
                b.server.snapshots.loadAtStartup(null);
                assertTrue(b.server.snapshots.awaitLoaded(60_000));
                Harness.assertInt(30000, b.run("DBSIZE"));
            }
        }
    }

    @Test
    void aFailedSaveFailsTheFutureAndLeavesTheTargetAlone() throws Exception {
        try (Harness h = Harness.start(2, "dir", dir.toString(), "save", "")) {
            h.run("SET", "k", "v");
            final Path target = dir.resolve("missing-dir").resolve("base.rdb");
            final ExecutionException e = assertThrows(ExecutionException.class,
                    () -> h.server.snapshots.saveTo(target, null).get(60, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof java.io.IOException, String.valueOf(e.getCause()));
            assertFalse(Files.exists(target));
            assertFalse(h.server.snapshots.inProgress());
            assertOk(h.run("SAVE"));
        }
    }
}
