package io.moon.server.tx;

import io.moon.server.testing.Harness;
import io.moon.server.testing.Resp;
import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keyspace-wide commands (DBSIZE, KEYS, FLUSHDB, SWAPDB, RANDOMKEY) queued in transactions whose
 * keys span shards: the transaction holds every shard (tx.HeldExec) and they see and change the
 * whole database in queue order, as in Redis.
 */
class TransactionKeyspaceWideTest extends SharedHarnessTest {
    private static final Resp.Simple QUEUED = new Resp.Simple("QUEUED");

    private static List<String> keys() {
        final List<String> out = new ArrayList<>();
        final boolean[] used = new boolean[h.server.shardCount()];
        for (int i = 0; out.size() < 3; i++) {
            final byte[] k = ("kw" + i).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            final int s = h.server.shardOf(k, 0, k.length);
            if (!used[s]) {
                used[s] = true;
                out.add("kw" + i);
            }
        }
        return out;
    }

    @Test
    void shouldSeeAndChangeTheWholeDatabaseInQueueOrder() {
        final List<String> k = keys();
        run("SET", k.get(2), "old");
        assertOk(run("MULTI"));
        assertEquals(QUEUED, run("MSET", k.get(0), "1", k.get(1), "2"));
        assertEquals(QUEUED, run("DBSIZE"));
        assertEquals(QUEUED, run("KEYS", "kw*"));
        assertEquals(QUEUED, run("FLUSHDB"));
        assertEquals(QUEUED, run("DBSIZE"));
        assertEquals(QUEUED, run("SET", k.get(2), "new"));
        assertEquals(QUEUED, run("RANDOMKEY"));
        final List<?> r = (List<?>) run("EXEC");
        assertEquals(7, r.size(), r.toString());
        assertOk(r.get(0));
        assertEquals(3L, r.get(1));
        assertEquals(List.of(k.get(0), k.get(1), k.get(2)).stream().sorted().toList(),
                ((List<?>) r.get(2)).stream().map(Object::toString).sorted().toList());
        assertOk(r.get(3));
        assertEquals(0L, r.get(4));
        assertOk(r.get(5));
        assertEquals(k.get(2), r.get(6));
        assertEquals(1L, run("DBSIZE"));
    }

    @Test
    void shouldSelectAndSwapDatabasesInsideTheTransaction() {
        final List<String> k = keys();
        run("SET", k.get(0), "in0");
        assertOk(run("MULTI"));
        run("SELECT", "1");
        run("SET", k.get(1), "in1");
        run("SWAPDB", "0", "1");
        run("GET", k.get(0));
        run("DBSIZE");
        final List<?> r = (List<?>) run("EXEC");
        assertEquals(5, r.size(), r.toString());
        assertOk(r.get(0));
        assertOk(r.get(1));
        assertOk(r.get(2));
        assertEquals("in0", r.get(3)); // database 1 now holds what database 0 held
        assertEquals(1L, r.get(4));
        assertEquals("in0", run("GET", k.get(0))); // the connection stays in database 1
        assertOk(run("SELECT", "0"));
        assertEquals("in1", run("GET", k.get(1)));
    }

    @Test
    void shouldFailOnAWatchedKeyAndTouchWatchersOnFlush() {
        final List<String> k = keys();
        run("SET", k.get(0), "v");
        assertOk(run("WATCH", k.get(0)));
        final Harness.Client other = h.client();
        assertOk(other.run("SET", k.get(0), "w"));
        assertOk(run("MULTI"));
        run("DBSIZE");
        assertNull(run("EXEC"));
        // a FLUSHALL inside another connection's transaction fails this one's watch
        assertOk(run("WATCH", k.get(0)));
        assertOk(other.run("MULTI"));
        other.run("SET", k.get(1), "x");
        other.run("FLUSHALL");
        final Object done = other.run("EXEC");
        assertTrue(done instanceof List<?> l && l.size() == 2, String.valueOf(done));
        assertOk(run("MULTI"));
        run("GET", k.get(0));
        assertNull(run("EXEC"));
        other.close();
    }

    @Test
    void shouldKeepRuntimeErrorsInPlaceAndAnswerArgumentErrorsOfKeyspaceCommands() {
        final List<String> k = keys();
        assertOk(run("MULTI"));
        run("SET", k.get(0), "a");
        run("LPUSH", k.get(0), "x");
        run("SWAPDB", "0", "99");
        run("KEYS", "*");
        final List<?> r = (List<?>) run("EXEC");
        assertEquals(4, r.size(), r.toString());
        assertOk(r.get(0));
        assertTrue(r.get(1) instanceof Resp.Err e && e.text().startsWith("WRONGTYPE"), r.toString());
        assertTrue(r.get(2) instanceof Resp.Err, r.toString());
        assertEquals(List.of(k.get(0)), r.get(3));
    }
}
