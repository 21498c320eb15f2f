package io.moon.server.tx;

import io.moon.server.testing.Harness;
import io.moon.server.testing.Resp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** MULTI, EXEC, DISCARD, WATCH, UNWATCH over 3 shards. */
class TransactionCommandsTest {
    private static final Resp.Simple QUEUED = new Resp.Simple("QUEUED");
    private static Harness h;
    private static List<String> keys;

    @BeforeAll
    static void start() {
        h = Harness.start(3);
        keys = List.of(io.moon.server.testing.ShardKeys.onDistinctShards(h.server, "tx", 3));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @BeforeEach
    void flush() {
        h.run("FLUSHALL");
    }

    @Test
    void shouldQueueAndRunInOrderWithRuntimeErrorsInPlace() {
        final String a = keys.get(0);
        assertOk(h.run("MULTI"));
        assertEquals(QUEUED, h.run("SET", a, "v"));
        assertEquals(QUEUED, h.run("LPUSH", a, "x"));
        assertEquals(QUEUED, h.run("APPEND", a, "w"));
        assertEquals(QUEUED, h.run("GET", a));
        final List<?> r = (List<?>) h.run("EXEC");
        assertEquals(4, r.size());
        assertOk(r.get(0));
        assertEquals(new Resp.Err("WRONGTYPE Operation against a key holding the wrong kind of value"), r.get(1));
        assertEquals(2L, r.get(2));
        assertEquals("vw", r.get(3));
    }

    @Test
    void shouldRunAtomicallyAcrossShards() {
        final String a = keys.get(0);
        final String b = keys.get(1);
        final String c = keys.get(2);
        h.run("SET", a, "10");
        assertOk(h.run("MULTI"));
        h.run("DECRBY", a, "3");
        h.run("INCRBY", b, "3");
        h.run("MSET", c, "x", b + "-copy", "y");
        h.run("RENAME", c, c + "-renamed");
        h.run("MGET", a, b, c, c + "-renamed");
        final List<?> r = (List<?>) h.run("EXEC");
        assertEquals(List.of(7L, 3L, new Resp.Simple("OK"), new Resp.Simple("OK"), java.util.Arrays.asList("7", "3", null, "x")), r);
        assertEquals("7", h.run("GET", a));
        assertEquals("3", h.run("GET", b));
        assertEquals("x", h.run("GET", c + "-renamed"));
        assertEquals(0L, h.run("EXISTS", c));
    }

    @Test
    void shouldAbortOnQueueTimeErrorsWithRedisTexts() {
        assertErrorText("ERR EXEC without MULTI", h.run("EXEC"));
        assertErrorText("ERR DISCARD without MULTI", h.run("DISCARD"));
        assertOk(h.run("MULTI"));
        assertErrorText("ERR MULTI calls can not be nested", h.run("MULTI"));
        assertErrorText("ERR WATCH inside MULTI is not allowed", h.run("WATCH", "k"));
        assertEquals(QUEUED, h.run("SET", "k", "1"));
        // errors of MULTI and WATCH themselves do not abort the transaction (as in Redis)
        assertEquals(List.of(new Resp.Simple("OK")), h.run("EXEC"));
    }

    @Test
    void shouldDiscardEverythingQueued() {
        assertOk(h.run("MULTI"));
        h.run("SET", "d", "1");
        assertOk(h.run("DISCARD"));
        assertNil(h.run("GET", "d"));
        assertOk(h.run("MULTI"));
        h.run("NOSUCHCOMMAND");
        h.run("SET", "d", "1");
        assertErrorText("EXECABORT Transaction discarded because of previous errors.", h.run("EXEC"));
        assertNil(h.run("GET", "d"));
        assertOk(h.run("MULTI"));
        assertErrorText("ERR wrong number of arguments for 'get' command", h.run("GET"));
        assertErrorText("EXECABORT Transaction discarded because of previous errors.", h.run("EXEC"));
    }

    @Test
    void shouldFailExecWhenMoveOrCopyWritesTheWatchedKeyInAnotherDatabase() {
        final Harness.Client watcher = h.client();
        final String k = keys.get(0);
        final String dst = keys.get(1);
        try {
            watcher.run("SELECT", "5");
            h.run("SET", k, "v");
            // MOVE: the key appears in database 5 (same shard)
            assertOk(watcher.run("WATCH", k));
            assertEquals(1L, h.run("MOVE", k, "5"));
            assertOk(watcher.run("MULTI"));
            watcher.run("PING");
            assertNil(watcher.run("EXEC"));
            // COPY ... DB 5 REPLACE over an existing destination (on another shard)
            h.run("SET", k, "v2");
            assertOk(watcher.run("SET", dst, "old"));
            assertOk(watcher.run("WATCH", dst));
            assertEquals(1L, h.run("COPY", k, dst, "DB", "5", "REPLACE"));
            assertOk(watcher.run("MULTI"));
            watcher.run("PING");
            assertNil(watcher.run("EXEC"));
            // a MOVE of a missing key changes nothing: the watch holds
            assertOk(watcher.run("WATCH", "missing-in-5"));
            assertEquals(0L, h.run("MOVE", "missing-in-5", "5"));
            assertOk(watcher.run("MULTI"));
            watcher.run("PING");
            assertEquals(List.of(new Resp.Simple("PONG")), watcher.run("EXEC"));
        } finally {
            watcher.close();
        }
    }

    @Test
    void shouldFailExecWhenAWatchedKeyChangesOnAnyShard() {
        final Harness.Client other = h.client();
        for (final String k : keys) {
            assertOk(h.run("WATCH", keys.get(0), keys.get(1), keys.get(2)));
            assertOk(other.run("SET", k, "changed"));
            assertOk(h.run("MULTI"));
            h.run("SET", "result", "1");
            assertNil(h.run("EXEC"));
            assertNil(h.run("GET", "result"));
        }
        // untouched: EXEC goes through, and the watch ends with it
        assertOk(h.run("WATCH", keys.get(0)));
        assertOk(h.run("MULTI"));
        h.run("SET", "result", "2");
        assertEquals(List.of(new Resp.Simple("OK")), h.run("EXEC"));
        assertOk(other.run("SET", keys.get(0), "later"));
        assertOk(h.run("MULTI"));
        h.run("SET", "result", "3");
        assertEquals(List.of(new Resp.Simple("OK")), h.run("EXEC"));
    }

    /**
     * Writes whose reply says they changed nothing leave a watched key alone, as in Redis; a write
     * that changed it fails the EXEC. (Keys of one shard: a write spanning shards counts any key it
     * may write that exists, docs/differences.md.)
     */
    @Test
    void shouldFailExecOnlyWhenAHashFieldTtlChanged() {
        // Redis 7.4 (which the 7.0 oracle of WatchSignalDiffTest lacks): HEXPIRE and HPERSIST
        // signal the key only when a field's TTL was set, removed or expired it
        final Harness.Client other = h.client();
        try {
            final String k = keys.get(2);
            other.run("HSET", k, "f", "v");
            final String[][] noops = {
                {"HEXPIRE", k, "100", "FIELDS", "1", "absent"}, {"HPERSIST", k, "FIELDS", "1", "f"},
                {"HEXPIRE", k, "100", "XX", "FIELDS", "1", "f"},
            };
            for (final String[] noop : noops) {
                assertOk(h.run("WATCH", k));
                other.run(noop);
                assertOk(h.run("MULTI"));
                h.run("PING");
                assertEquals(List.of(new Resp.Simple("PONG")), h.run("EXEC"), String.join(" ", noop));
            }
            for (final String[] change : new String[][] {{"HEXPIRE", k, "100", "FIELDS", "1", "f"},
                    {"HPERSIST", k, "FIELDS", "1", "f"}}) {
                assertOk(h.run("WATCH", k));
                assertEquals(List.of(1L), other.run(change));
                assertOk(h.run("MULTI"));
                h.run("PING");
                assertEquals(null, h.run("EXEC"), String.join(" ", change));
            }
        } finally {
            other.close();
        }
    }

    @Test
    void shouldKeepTheWatchThroughWritesThatChangedNothing() {
        final Harness.Client other = h.client();
        try {
            final String k = keys.get(1);
            other.run("DEL", k, "wl");
            assertEquals(1L, other.run("SADD", k, "m"));
            final String[][] noops = {
                {"SADD", k, "m"}, {"SREM", k, "absent"}, {"SETNX", k, "v"}, {"EXPIRE", k, "100", "XX"},
                {"SMOVE", k, "{" + k + "}other", "absent"}, {"LPOP", "wl"}, {"INCR", k}, // the last one fails (WRONGTYPE)
            };
            for (final String[] noop : noops) {
                assertOk(h.run("WATCH", k, "wl"));
                other.run(noop);
                assertOk(h.run("MULTI"));
                h.run("PING");
                assertEquals(List.of(new Resp.Simple("PONG")), h.run("EXEC"), String.join(" ", noop));
            }
            // a change does fail it
            assertOk(h.run("WATCH", k));
            assertEquals(1L, other.run("SADD", k, "n"));
            assertOk(h.run("MULTI"));
            h.run("PING");
            assertNil(h.run("EXEC"));
        } finally {
            other.close();
        }
    }

    @Test
    void shouldFailExecAfterDeleteExpiryFlushOrOwnWriteButNotAfterUnwatch() throws InterruptedException {
        final Harness.Client other = h.client();
        final String k = keys.get(1);
        h.run("SET", k, "v");
        // delete
        assertOk(h.run("WATCH", k));
        assertEquals(1L, other.run("DEL", k));
        assertOk(h.run("MULTI"));
        h.run("PING");
        assertNil(h.run("EXEC"));
        // expiry
        h.run("SET", k, "v", "PX", "20");
        assertOk(h.run("WATCH", k));
        Thread.sleep(60);
        assertEquals(0L, other.run("EXISTS", k)); // lazy expiry on access
        assertOk(h.run("MULTI"));
        h.run("PING");
        assertNil(h.run("EXEC"));
        // FLUSHALL of an existing key
        h.run("SET", k, "v");
        assertOk(h.run("WATCH", k));
        assertOk(other.run("FLUSHALL"));
        assertOk(h.run("MULTI"));
        h.run("PING");
        assertNil(h.run("EXEC"));
        // the client's own write
        assertOk(h.run("WATCH", k));
        h.run("SET", k, "mine");
        assertOk(h.run("MULTI"));
        h.run("PING");
        assertNil(h.run("EXEC"));
        // UNWATCH forgets
        assertOk(h.run("WATCH", k));
        assertOk(h.run("UNWATCH"));
        other.run("SET", k, "x");
        assertOk(h.run("MULTI"));
        h.run("PING");
        assertEquals(List.of(new Resp.Simple("PONG")), h.run("EXEC"));
        // DISCARD forgets too
        assertOk(h.run("WATCH", k));
        assertOk(h.run("MULTI"));
        assertOk(h.run("DISCARD"));
        other.run("SET", k, "y");
        assertOk(h.run("MULTI"));
        h.run("PING");
        assertEquals(List.of(new Resp.Simple("PONG")), h.run("EXEC"));
    }

    @Test
    void shouldNotBlockInsideExecAndFollowSelect() {
        assertOk(h.run("MULTI"));
        h.run("BLPOP", "nolist", "0");
        h.run("SELECT", "3");
        h.run("SET", "in3", "x");
        h.run("SELECT", "0");
        h.run("GET", "in3");
        final List<?> r = (List<?>) h.run("EXEC");
        assertEquals(java.util.Arrays.asList(null, new Resp.Simple("OK"), new Resp.Simple("OK"), new Resp.Simple("OK"), null), r);
        h.run("SELECT", "3");
        assertEquals("x", h.run("GET", "in3"));
        h.run("SELECT", "0");
    }

    @Test
    void shouldDiscardTheTransactionWhenExecItselfIsRefused() {
        assertErrorText("EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command",
                h.run("EXEC", "x"));
        assertOk(h.run("MULTI"));
        assertEquals(QUEUED, h.run("SET", "refused", "1"));
        assertErrorText("EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command",
                h.run("EXEC", "x"));
        assertErrorText("ERR EXEC without MULTI", h.run("EXEC"));
        assertNil(h.run("GET", "refused"));
        final Harness.Client sub = h.client();
        try {
            sub.run("SUBSCRIBE", "ch");
            assertErrorText("EXECABORT Transaction discarded because of: Can't execute 'exec': only (P|S)SUBSCRIBE /"
                    + " (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", sub.run("EXEC"));
        } finally {
            sub.close();
        }
    }

    @Test
    void shouldRefuseNoMultiCommandsWhenQueued() {
        assertOk(h.run("MULTI"));
        assertErrorText("ERR Command not allowed inside a transaction", h.run("SHUTDOWN", "NOSAVE"));
        assertErrorText("ERR Command not allowed inside a transaction", h.run("SAVE"));
        assertEquals(QUEUED, h.run("PING"));
        assertErrorText("EXECABORT Transaction discarded because of previous errors.", h.run("EXEC"));
        assertEquals(new Resp.Simple("PONG"), h.run("PING")); // SHUTDOWN did not run
    }

    @Test
    void shouldRunClientKillAndRefuseSsubscribeAndMonitorInsideExec() {
        final String a = keys.get(0);
        assertOk(h.run("MULTI"));
        h.run("SET", a, "1");
        h.run("CLIENT", "KILL", "ID", "999999");
        h.run("CLIENT", "KILL", "127.0.0.1:1");
        h.run("SSUBSCRIBE", "ch");
        h.run("GET", a);
        assertEquals(List.of(new Resp.Simple("OK"), 0L, new Resp.Err("ERR No such client"),
                new Resp.Err("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client"), "1"), h.run("EXEC"));
        assertEquals(new Resp.Simple("PONG"), h.run("PING")); // not left in subscribed mode
        assertOk(h.run("MULTI"));
        h.run("MONITOR");
        h.run("SET", a, "2");
        assertEquals(List.of(new Resp.Err("ERR MONITOR isn't allowed for DENY BLOCKING client"), new Resp.Simple("OK")),
                h.run("EXEC"));
        assertEquals("2", h.run("GET", a)); // not turned into a monitor: replies as usual
    }

    @Test
    void shouldRefuseWritesWhenQueuedAndExecOfQueuedWritesAfterAFailedSave(@org.junit.jupiter.api.io.TempDir
                                                                            final java.nio.file.Path dir)
            throws Exception {
        final String misconf = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to"
                + " persist to disk. Commands that may modify the data set are disabled, because this instance is"
                + " configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error"
                + " option). Please check the Redis logs for details about the RDB error.";
        try (Harness s = Harness.start(3, "dir", dir.toString(), "save", "3600 1")) {
            final Harness.Client admin = s.client();
            assertOk(s.run("MULTI"));
            assertEquals(QUEUED, s.run("SET", "k", "1"));
            // a directory where the save's temp file goes makes the background save fail
            java.nio.file.Files.createDirectory(dir.resolve("temp-" + ProcessHandle.current().pid() + ".rdb"));
            assertEquals(new Resp.Simple("Background saving started"), admin.run("BGSAVE"));
            final long deadline = System.nanoTime() + 30_000_000_000L;
            while ((s.server.snapshots.inProgress() || !s.server.snapshots.refuseWrites()) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertErrorText("EXECABORT Transaction discarded because of: " + misconf, s.run("EXEC"));
            assertNil(s.run("GET", "k"));
            assertOk(s.run("MULTI"));
            assertEquals(QUEUED, s.run("GET", "k"));
            assertErrorText(misconf, s.run("SET", "k", "2"));
            assertErrorText("EXECABORT Transaction discarded because of previous errors.", s.run("EXEC"));
            assertErrorText(misconf, s.run("PING")); // as Redis: health checks see the error
            admin.close();
        }
    }

    @Test
    void shouldFailExecWhenAWatchedKeyPassedItsTtlEvenBeforeItIsDeleted() throws InterruptedException {
        assertOk(h.run("DEBUG", "SET-ACTIVE-EXPIRE", "0")); // nothing deletes the key behind our back
        try {
            // queued commands on the home shard, on another shard, and a keyspace-wide one
            final String[][] queues = {{"PING"}, {"SET", keys.get(2) + ":q", "x"}, {"DBSIZE"}};
            for (int n = 0; n < queues.length; n++) {
                final String key = keys.get(n % keys.size()) + ":ttl" + n;
                assertOk(h.run("SET", key, "v", "PX", "40"));
                assertOk(h.run("WATCH", key)); // alive when watched
                Thread.sleep(80);
                assertOk(h.run("MULTI"));
                h.run(queues[n]);
                assertEquals(null, h.run("EXEC"), "after " + queues[n][0]);
            }
            // a TTL still ahead does not fail it
            final String key = keys.get(0) + ":later";
            assertOk(h.run("SET", key, "v", "EX", "100"));
            assertOk(h.run("WATCH", key));
            assertOk(h.run("MULTI"));
            h.run("PING");
            assertEquals(List.of(new Resp.Simple("PONG")), h.run("EXEC"));
        } finally {
            assertOk(h.run("DEBUG", "SET-ACTIVE-EXPIRE", "1"));
        }
    }

    @Test
    void shouldNotCountTheDeletionOfAKeyWatchedAlreadyExpired() throws InterruptedException {
        final Harness.Client other = h.client();
        assertOk(h.run("DEBUG", "SET-ACTIVE-EXPIRE", "0")); // expired keys stay until something reads them
        try {
            final String[][] cases = {{"GET"}, {"DEL"}, {"EXPIRE", "100"}, {"SET", "new"}, {}};
            for (int n = 0; n < cases.length; n++) {
                final String key = keys.get(n % keys.size()) + ":exp" + n;
                assertOk(h.run("SET", key, "v", "PX", "20"));
                Thread.sleep(60);
                assertOk(h.run("WATCH", key)); // past its TTL, not yet deleted: watched as missing
                final String[] touch = cases[n];
                if (touch.length > 0) {
                    final String[] cmd = new String[touch.length + 1];
                    cmd[0] = touch[0];
                    cmd[1] = key;
                    System.arraycopy(touch, 1, cmd, 2, touch.length - 1);
                    other.run(cmd);
                }
                assertOk(h.run("MULTI"));
                h.run("PING");
                final Object r = h.run("EXEC");
                if (touch.length > 0 && touch[0].equals("SET")) {
                    assertNil(r); // a real change after the lazy deletion
                } else {
                    assertEquals(List.of(new Resp.Simple("PONG")), r, "after " + String.join(" ", touch));
                }
            }
        } finally {
            assertOk(h.run("DEBUG", "SET-ACTIVE-EXPIRE", "1"));
            other.close();
        }
    }

    @Test
    void shouldMoveAndCopyToOtherDatabasesInsideATransactionAcrossShards() {
        final String a = keys.get(0);
        final String b = keys.get(1);
        final String c = keys.get(2);
        h.run("SET", a, "va");
        h.run("SET", b, "vb");
        h.run("SELECT", "6");
        h.run("SET", b, "old");
        h.run("SELECT", "0");
        try {
            moveAndCopy(a, b, c);
        } finally {
            h.run("SELECT", "0");
        }
    }

    private static void moveAndCopy(final String a, final String b, final String c) {
        assertOk(h.run("MULTI"));
        h.run("MOVE", a, "5");
        h.run("COPY", b, c, "DB", "6");
        h.run("COPY", b, b, "DB", "6", "REPLACE");
        h.run("SET", c, "here");
        final List<?> r = (List<?>) h.run("EXEC");
        assertEquals(List.of(1L, 1L, 1L, new Resp.Simple("OK")), r);
        assertEquals(0L, h.run("EXISTS", a));
        assertEquals("vb", h.run("GET", b));
        assertEquals("here", h.run("GET", c));
        h.run("SELECT", "5");
        assertEquals("va", h.run("GET", a));
        h.run("SELECT", "6");
        assertEquals("vb", h.run("GET", c));
        assertEquals("vb", h.run("GET", b));
    }
}
