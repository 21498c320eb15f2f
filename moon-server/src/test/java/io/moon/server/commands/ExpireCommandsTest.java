package io.moon.server.commands;

import io.moon.server.testing.Harness;
import io.moon.server.testing.SharedHarnessTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertInt;
import static io.moon.server.testing.Harness.assertNil;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Expiry on three shards: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX, XX, GT and LT; TTL, PTTL,
 * EXPIRETIME, PEXPIRETIME and PERSIST; millisecond precision; keys deleted lazily when read, and
 * actively when nobody reads them.
 */
class ExpireCommandsTest extends SharedHarnessTest {
    /** 2100-01-01T00:00:00Z in ms: an absolute time that stays in the future. */
    private static final long Y2100_MILLIS = 4_102_444_800_000L;

    private static long pttl(final String key) {
        return (Long) run("PTTL", key);
    }

    @Test
    void shouldSetExpiriesInSecondsAndMilliseconds() {
        for (final String k : KeyPlacement.onDistinctShards(h, "e", 3)) {
            assertOk(run("SET", k, "v"));
            assertInt(1, run("EXPIRE", k, "100"));
            assertInt(100, run("TTL", k));
            assertInt(1, run("PEXPIRE", k, "123456"));
            final long p = pttl(k);
            assertTrue(p > 122_000 && p <= 123_456, "PTTL " + p);
            assertInt(123, run("TTL", k));
            assertInt(1, run("EXPIREAT", k, Long.toString(Y2100_MILLIS / 1000)));
            assertInt(Y2100_MILLIS / 1000, run("EXPIRETIME", k));
            assertInt(Y2100_MILLIS, run("PEXPIRETIME", k));
            assertInt(1, run("PEXPIREAT", k, Long.toString(Y2100_MILLIS + 1)));
            assertInt(Y2100_MILLIS + 1, run("PEXPIRETIME", k));
        }
    }

    @Test
    void shouldRoundSecondsToTheNearest() {
        assertOk(run("SET", "k", "v"));
        assertInt(1, run("PEXPIREAT", "k", Long.toString(Y2100_MILLIS + 499)));
        assertInt(Y2100_MILLIS / 1000, run("EXPIRETIME", "k"));
        assertInt(1, run("PEXPIREAT", "k", Long.toString(Y2100_MILLIS + 500)));
        assertInt(Y2100_MILLIS / 1000 + 1, run("EXPIRETIME", "k"));
        // the largest time Redis accepts, reported as Redis does (rounded up, not wrapped)
        assertInt(1, run("PEXPIREAT", "k", "9223372036854775807"));
        assertInt(9223372036854775807L, run("PEXPIRETIME", "k"));
        assertInt(9223372036854776L, run("EXPIRETIME", "k"));
    }

    @Test
    void shouldReportMissingKeysAndKeysWithoutExpiry() {
        for (final String cmd : List.of("TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME")) {
            assertInt(-2, run(cmd, "missing"));
        }
        assertOk(run("SET", "k", "v"));
        for (final String cmd : List.of("TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME")) {
            assertInt(-1, run(cmd, "k"));
        }
        for (final String cmd : List.of("EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT")) {
            assertInt(0, run(cmd, "missing", "100"));
        }
        assertInt(0, run("EXISTS", "missing"));
    }

    @Test
    void shouldDeleteAtOnceForTimesInThePast() {
        for (final String[] cmd : List.of(new String[] {"EXPIRE", "-1"}, new String[] {"PEXPIRE", "0"},
                new String[] {"EXPIREAT", "1"}, new String[] {"PEXPIREAT", "1"},
                new String[] {"PEXPIRE", "-9223372036854775808"})) {
            assertOk(run("SET", "k", "v"));
            assertInt(1, run(cmd[0], "k", cmd[1]));
            assertInt(0, run("EXISTS", "k"));
            assertInt(0, run("DBSIZE"));
        }
    }

    @Test
    void shouldApplyNxXxGtLt() {
        assertOk(run("SET", "k", "v"));
        assertInt(0, run("EXPIRE", "k", "100", "XX"));
        assertEquals(0L, run("EXPIRE", "k", "100", "GT"), "no TTL counts as infinite for GT");
        assertInt(1, run("EXPIRE", "k", "100", "NX"));
        assertInt(0, run("EXPIRE", "k", "200", "NX"));
        assertInt(1, run("EXPIRE", "k", "200", "XX"));
        assertInt(0, run("EXPIRE", "k", "100", "GT"));
        assertInt(1, run("EXPIRE", "k", "300", "GT"));
        assertInt(0, run("EXPIRE", "k", "400", "LT"));
        assertInt(1, run("EXPIRE", "k", "50", "lt"));
        assertInt(50, run("TTL", "k"));
        assertInt(1, run("EXPIRE", "k", "60", "XX", "GT"));
        assertInt(0, run("EXPIRE", "k", "70", "XX", "LT"));
        assertInt(1, run("PERSIST", "k"));
        assertEquals(1L, run("EXPIRE", "k", "70", "LT"), "no TTL counts as infinite for LT");
        assertInt(0, run("PEXPIREAT", "k", Long.toString(Y2100_MILLIS), "NX", "NX"));
        assertInt(1, run("PEXPIREAT", "k", Long.toString(Y2100_MILLIS), "GT"));
        assertInt(Y2100_MILLIS, run("PEXPIRETIME", "k"));
    }

    @Test
    void shouldRejectBadExpireArguments() {
        assertOk(run("SET", "k", "v"));
        assertErrorText("ERR NX and XX, GT or LT options at the same time are not compatible",
                run("EXPIRE", "k", "10", "NX", "XX"));
        assertErrorText("ERR NX and XX, GT or LT options at the same time are not compatible",
                run("PEXPIRE", "k", "10", "GT", "NX"));
        assertErrorText("ERR GT and LT options at the same time are not compatible", run("EXPIREAT", "k", "10", "GT", "LT"));
        assertErrorText("ERR Unsupported option foo", run("EXPIRE", "k", "10", "foo"));
        assertErrorText("ERR NX and XX, GT or LT options at the same time are not compatible",
                run("EXPIRE", "k", "ten", "NX", "XX"));
        assertErrorText("ERR value is not an integer or out of range", run("EXPIRE", "k", "ten"));
        assertErrorText("ERR value is not an integer or out of range", run("PEXPIRE", "k", "1.5"));
        assertErrorText("ERR invalid expire time in 'expire' command", run("EXPIRE", "k", "9223372036854775"));
        assertErrorText("ERR invalid expire time in 'pexpire' command", run("PEXPIRE", "k", "9223372036854775807"));
        assertErrorText("ERR invalid expire time in 'expireat' command", run("EXPIREAT", "k", "9223372036854775807"));
        assertErrorText("ERR invalid expire time in 'expire' command", run("EXPIRE", "k", "-9223372036854775808"));
        assertErrorText("ERR wrong number of arguments for 'expire' command", run("EXPIRE", "k"));
        assertErrorText("ERR wrong number of arguments for 'ttl' command", run("TTL", "k", "x"));
        assertInt(-1, run("TTL", "k"));
    }

    @Test
    void shouldPersist() {
        assertInt(0, run("PERSIST", "missing"));
        assertOk(run("SET", "k", "v"));
        assertInt(0, run("PERSIST", "k"));
        assertOk(run("SET", "k", "v", "EX", "100"));
        assertInt(1, run("PERSIST", "k"));
        assertInt(-1, run("TTL", "k"));
        assertEquals("v", run("GET", "k"));
    }

    @Test
    void shouldExpireAtTheMillisecond() throws InterruptedException {
        final long at = System.currentTimeMillis() + 300;
        final String[] k = KeyPlacement.onDistinctShards(h, "ms", 3);
        for (final String key : k) {
            assertOk(run("SET", key, "v", "PXAT", Long.toString(at)));
            assertInt(at, run("PEXPIRETIME", key));
        }
        // before the time every key reads; from the time on none does. A read may be delayed on
        // a loaded machine, so a miss is only wrong when the whole call ended before the time.
        while (System.currentTimeMillis() < at - 50) {
            for (final String key : k) {
                final Object v = run("GET", key);
                if (v == null) {
                    assertTrue(System.currentTimeMillis() >= at, "expired before its time");
                } else {
                    assertEquals("v", v);
                }
            }
        }
        while (System.currentTimeMillis() <= at) {
            Thread.sleep(1);
        }
        for (final String key : k) {
            assertNil(run("GET", key));
            assertInt(-2, run("PTTL", key));
        }
        assertOk(run("SET", "past", "v", "PXAT", Long.toString(System.currentTimeMillis() - 1)));
        assertInt(0, run("EXISTS", "past"));
    }

    @Test
    void shouldDeleteExpiredKeysWhenTheyAreRead() throws InterruptedException {
        assertOk(run("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
        final String[] k = KeyPlacement.onDistinctShards(h, "lazy", 3);
        for (final String key : k) {
            assertOk(run("SET", key, "v", "PX", "30"));
        }
        assertOk(run("SET", "stays", "v"));
        Thread.sleep(60);
        // nobody looked: still in the table (DBSIZE counts them, as Redis does)
        assertInt(4, run("DBSIZE"));
        assertEquals(List.of("stays"), run("KEYS", "*"));
        assertNil(run("GET", k[0]));
        assertInt(0, run("EXISTS", k[1]));
        assertInt(-2, run("TTL", k[2]));
        assertInt(1, run("DBSIZE"));
    }

    @Test
    void shouldDeleteExpiredKeysThatNobodyReads() throws InterruptedException {
        for (int i = 0; i < 60; i++) {
            assertOk(run("SET", "short:" + i, "v", "PX", Integer.toString(20 + i)));
        }
        assertOk(run("SET", "long", "v", "EX", "100"));
        assertOk(run("SET", "forever", "v"));
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while ((Long) run("DBSIZE") != 2) {
            if (System.nanoTime() > deadline) {
                fail("expired keys still counted after 5 s: " + run("DBSIZE"));
            }
            Thread.sleep(20);
        }
        assertInt(2, run("EXISTS", "long", "forever"));
    }
}
