package io.moon.server.wal;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.Resp;
import io.moon.server.testing.ShardKeys;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * WAITAOF (Redis 7.2) over sockets with 2 shards: the local count is 1 only once the client's
 * writes, on any shard, are fsynced; replicas never acknowledge; Redis's argument errors.
 */
class WaitAofTest {
    private static final List<Long> ACKED = List.of(1L, 0L);
    private static final List<Long> NOT_ACKED = List.of(0L, 0L);

    @Test
    void shouldRefuseBadArgumentsAndLocalWaitsWithoutTheLog() throws Exception {
        try (TestServer ts = TestServer.start(2); RawClient c = new RawClient(ts.port)) {
            assertEquals("-ERR value is out of range, value must between 0 and 1\r\n", raw(c, "WAITAOF", "2", "0", "0"));
            assertEquals("-ERR value is out of range, value must between 0 and 1\r\n", raw(c, "WAITAOF", "-1", "0", "0"));
            assertEquals("-ERR value is not an integer or out of range\r\n", raw(c, "WAITAOF", "x", "0", "0"));
            assertEquals("-ERR value is out of range, must be positive\r\n", raw(c, "WAITAOF", "0", "-1", "0"));
            assertEquals("-ERR timeout is negative\r\n", raw(c, "WAITAOF", "0", "0", "-1"));
            assertEquals("-ERR timeout is not an integer or out of range\r\n", raw(c, "WAITAOF", "0", "0", "0.5"));
            assertEquals("-ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.\r\n",
                    raw(c, "WAITAOF", "1", "0", "0"));
            assertEquals(NOT_ACKED, c.run("WAITAOF", "0", "0", "0"), "no AOF: nothing is fsynced to it");
        }
    }

    private static String raw(final RawClient c, final String... args) throws Exception {
        return new String(c.runRaw(args), StandardCharsets.UTF_8);
    }

    @Test
    void shouldAcknowledgeWritesOnEveryShardOnceFsyncedEverysec(@TempDir final Path dir) throws Exception {
        try (AofNode n = AofNode.start(dir, 2, "appendfsync", "everysec"); RawClient c = new RawClient(n.ts.port)) {
            for (final String k : ShardKeys.onDistinctShards(n.ts.server, "w", 2)) {
                assertEquals("+OK", String.valueOf(c.run("SET", k, "v")));
            }
            // blocks until the once-a-second fsync has both shards' records
            assertEquals(ACKED, c.run("WAITAOF", "1", "0", "0"));
            // asking for a replica too: only the timeout ends it, and the local count is reported
            assertEquals(ACKED, c.run("WAITAOF", "1", "1", "50"));
        }
    }

    @Test
    void shouldAcknowledgeAtOnceWithAppendfsyncAlways(@TempDir final Path dir) throws Exception {
        try (AofNode n = AofNode.start(dir, 2); RawClient c = new RawClient(n.ts.port)) {
            for (final String k : ShardKeys.onDistinctShards(n.ts.server, "a", 2)) {
                c.send(Resp.command("SET", k, "v"));
            }
            c.send(Resp.command("WAITAOF", "1", "0", "0"));
            assertEquals("+OK", String.valueOf(c.read()));
            assertEquals("+OK", String.valueOf(c.read()));
            assertEquals(ACKED, c.read());
            // inside MULTI it cannot block: the transaction's own writes are logged when it ends
            assertEquals("+OK", String.valueOf(c.run("MULTI")));
            assertEquals("+QUEUED", String.valueOf(c.run("WAITAOF", "1", "0", "0")));
            assertEquals(List.of(ACKED), c.run("EXEC"));
        }
    }

    @Test
    void shouldNotAcknowledgeWhatAppendfsyncNoNeverForces(@TempDir final Path dir) throws Exception {
        try (AofNode n = AofNode.start(dir, 2, "appendfsync", "no"); RawClient c = new RawClient(n.ts.port)) {
            assertEquals("+OK", String.valueOf(c.run("SET", "k", "v")));
            assertEquals(NOT_ACKED, c.run("WAITAOF", "1", "0", "60"), "times out: nothing fsyncs the log");
            c.send(Resp.command("WAITAOF", "1", "0", "0"));
            assertNull(c.readRawWithin(100), "blocks while the write is not on disk");
            try (RawClient admin = new RawClient(n.ts.port)) {
                assertEquals("+OK", String.valueOf(admin.run("CONFIG", "SET", "appendonly", "no")));
            }
            assertEquals("-ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.\r\n",
                    new String(c.readRaw(), StandardCharsets.UTF_8));
        }
    }
}
