package io.moon.server.script;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.Resp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.moon.server.script.ScriptDiff.printable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scripts against a real Moon process with a small heap (256 MB, 2 shards): memory bombs end with
 * a clear error and the server keeps serving; a script that wrote cannot be killed, and SHUTDOWN
 * NOSAVE still stops the process.
 */
@Tag("sockets")
class ScriptProcessTest {
    @TempDir
    Path dir;
    private Process process;
    private int port;

    private void start() throws Exception {
        port = RedisServer.freePort();
        final String java = ProcessHandle.current().info().command().orElse("java");
        final List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                "io.moon.server.Main", "--port", Integer.toString(port), "--shards", "2", "--save", "",
                "--appendonly", "no", "--dir", dir.toString()));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("moon.log").toFile()).start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try (RawClient c = new RawClient(port)) {
                if (new Resp.Simple("PONG").equals(c.run("PING"))) {
                    return;
                }
            } catch (final java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("moon did not start");
    }

    @AfterEach
    void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void assertServes(final RawClient c) throws Exception {
        assertEquals(new Resp.Simple("OK"), c.run("SET", "after", "1"));
        assertEquals("1", c.run("GET", "after"));
    }

    @Test
    void shouldStopMemoryBombsWithAClearError() throws Exception {
        start();
        try (RawClient c = new RawClient(port)) {
            final String[] bombs = {
                "local t = {} local i = 0 while true do i = i + 1 t[i] = string.rep('x', 1000) .. i end",
                "local t = {} while true do t[#t + 1] = {1, 2, 3, 4, 5, 6, 7, 8} end",
                "local s = 'x' while true do s = s .. s end",
                "return string.rep('x', 2 * 1024 * 1024 * 1024 - 1)", // (past 2^31 the count wraps, as in Redis)
                "return #string.rep('abc', 1024 * 1024 * 1024)",
                "local t = {} for i = 1, 1e9 do t[i] = 'element ' .. i end return #t",
            };
            for (final String bomb : bombs) {
                final Object r = c.run("EVAL", bomb, "0");
                assertTrue(r instanceof Resp.Err e && (e.text().contains("not enough memory")
                        || e.text().contains("too large")), bomb + " -> " + r);
                assertServes(c);
            }
        }
    }

    @Test
    void shouldShutdownNosaveWhileAnUnkillableScriptRuns() throws Exception {
        start();
        try (RawClient runner = new RawClient(port); RawClient a = new RawClient(port); RawClient b = new RawClient(port)) {
            a.run("CONFIG", "SET", "busy-reply-threshold", "100");
            // the script runs on its key's shard; of a and b (one per shard), one gets BUSY
            runner.send(Resp.command("EVAL", "redis.call('set', KEYS[1], 'v') while true do end", "1", "k"));
            Thread.sleep(300);
            RawClient free = null;
            // bounded in time: a cold process under load takes a while to run the script's first checks
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (free == null && System.nanoTime() < deadline) {
                for (final RawClient c : new RawClient[] {a, b}) {
                    c.send(Resp.command("PING"));
                }
                for (final RawClient c : new RawClient[] {a, b}) {
                    final byte[] r = c.readRawWithin(300);
                    if (r != null && printable(r).startsWith("-BUSY")) {
                        free = c;
                    }
                }
            }
            assertNotNull(free, "a client on the other shard gets BUSY");
            assertEquals("-UNKILLABLE Sorry the script already executed write commands against the dataset. You can"
                    + " either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE"
                    + " command.\\r\\n", printable(drainThen(free, "SCRIPT", "KILL")));
            free.send(Resp.command("SHUTDOWN", "NOSAVE"));
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "SHUTDOWN NOSAVE stops the server");
        }
    }

    /** Skips replies left from the probes (BUSY), then runs a command and returns its reply. */
    private static byte[] drainThen(final RawClient c, final String... cmd) throws Exception {
        while (c.readRawWithin(200) != null) {
            // an earlier probe's reply
        }
        return c.runRaw(cmd);
    }
}
