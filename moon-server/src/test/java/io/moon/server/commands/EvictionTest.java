package io.moon.server.commands;

import io.moon.server.testing.Harness;
import org.junit.jupiter.api.Test;

import static io.moon.server.testing.Harness.assertErrorText;
import static io.moon.server.testing.Harness.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** maxmemory and its eight policies, over 3 shards: the limit is the servers' total. */
class EvictionTest {
    private static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";
    private static final String VALUE = "x".repeat(10_000);

    private static long info(final Harness h, final String field) {
        final String info = (String) h.run("INFO", "everything");
        for (final String line : info.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim());
            }
        }
        throw new AssertionError(field + " missing from INFO");
    }

    /** Waits (bounded) for every shard's cron to have published and evicted its share. */
    private static long settledUsedMemory(final Harness h, final long max) throws InterruptedException {
        long used = info(h, "used_memory");
        for (int i = 0; i < 40 && used > max; i++) {
            Thread.sleep(50);
            used = info(h, "used_memory");
        }
        return used;
    }

    @Test
    void shouldKeepServingAtTheCapUnderEveryAllkeysPolicy() throws Exception {
        for (final String policy : new String[] {"allkeys-lru", "allkeys-lfu", "allkeys-random"}) {
            try (Harness h = Harness.start(3, "maxmemory", "4mb", "maxmemory-policy", policy)) {
                for (int i = 0; i < 2000; i++) { // 20 MB into a 4 MB limit
                    assertOk(h.run("SET", "k" + i, VALUE));
                }
                final long max = 4L << 20;
                final long used = settledUsedMemory(h, max);
                assertTrue(used <= max, policy + ": used_memory " + used + " over " + max);
                assertTrue(used > max / 2, policy + ": evicted far too much, used_memory " + used);
                final long keys = (Long) h.run("DBSIZE");
                assertTrue(keys < 2000 && keys > 100, policy + ": " + keys + " keys left");
                assertEquals(2000 - keys, info(h, "evicted_keys"), policy);
                if (policy.equals("allkeys-lru")) {
                    assertTrue(VALUE.equals(h.run("GET", "k1999")), "LRU evicted the key written last");
                }
            }
        }
    }

    @Test
    void shouldRefuseQueuingAndExecOfGrowingCommandsInMultiWhenOverTheLimit() {
        try (Harness h = Harness.start(3, "maxmemory-policy", "noeviction")) {
            final Harness.Client admin = h.client();
            h.run("SET", "k", "v");
            assertOk(h.run("MULTI"));
            h.run("SET", "k", "w");
            h.run("GET", "k");
            assertOk(admin.run("CONFIG", "SET", "maxmemory", "1"));
            // EXEC holds a denyoom command: refused as a whole, and the transaction is gone
            assertErrorText("EXECABORT Transaction discarded because of: " + OOM, h.run("EXEC"));
            assertErrorText("ERR EXEC without MULTI", h.run("EXEC"));
            assertOk(h.run("MULTI"));
            assertErrorText(OOM, h.run("GET", "k")); // queuing takes memory: even a read is refused
            assertErrorText("EXECABORT Transaction discarded because of previous errors.", h.run("EXEC"));
            assertOk(h.run("MULTI"));
            assertOk(h.run("DISCARD"));
            assertEquals("v", h.run("GET", "k"));
            assertOk(admin.run("CONFIG", "SET", "maxmemory", "0"));
            admin.close();
        }
    }

    @Test
    void shouldRefuseWritesButServeReadsAndDeletesUnderNoeviction() {
        try (Harness h = Harness.start(3, "maxmemory", "2mb", "maxmemory-policy", "noeviction")) {
            Object r = null;
            int written = 0;
            for (int i = 0; i < 1000 && !(r instanceof io.moon.server.testing.Resp.Err); i++) {
                r = h.run("SET", "k" + i, VALUE);
                if (!(r instanceof io.moon.server.testing.Resp.Err)) {
                    written++;
                }
            }
            assertErrorText(OOM, r);
            assertTrue(written > 100 && written < 400, written + " writes before OOM");
            assertErrorText(OOM, h.run("LPUSH", "list", "a"));
            assertErrorText(OOM, h.run("MSET", "a", "1", "b", "2", "c", "3"));
            assertEquals(VALUE, h.run("GET", "k0"));
            assertEquals(0L, info(h, "evicted_keys"));
            for (int i = 0; i < written; i++) {
                h.run("DEL", "k" + i);
            }
            assertOk(h.run("SET", "after", "delete"));
        }
    }

    @Test
    void shouldEvictOnlyVolatileKeysUnderVolatilePoliciesAndRefuseWhenNoneIsLeft() throws Exception {
        for (final String policy : new String[] {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"}) {
            try (Harness h = Harness.start(3, "maxmemory", "3mb", "maxmemory-policy", policy)) {
                for (int i = 0; i < 100; i++) {
                    assertOk(h.run("SET", "p" + i, VALUE)); // 1 MB without a TTL
                }
                Object r = null;
                for (int i = 0; i < 2000 && !(r instanceof io.moon.server.testing.Resp.Err); i++) {
                    r = h.run("SET", "t" + i, VALUE, "EX", "1000");
                }
                // while keys with a TTL were left, writes went on; persistent keys were never chosen
                for (int i = 0; i < 100; i++) {
                    assertEquals(1L, h.run("EXISTS", "p" + i), policy + " evicted a key without TTL");
                }
                assertTrue(info(h, "evicted_keys") > 0, policy);
                // fill with persistent keys until nothing evictable is left: then OOM
                r = null;
                for (int i = 0; i < 2000 && !(r instanceof io.moon.server.testing.Resp.Err); i++) {
                    r = h.run("SET", "q" + i, VALUE);
                }
                assertErrorText(OOM, r);
            }
        }
    }

    @Test
    void shouldRefuseALimitTheHeapCannotHold() {
        try (Harness h = Harness.start(3)) {
            final Object r = h.run("CONFIG", "SET", "maxmemory", "1000gb");
            assertTrue(r instanceof io.moon.server.testing.Resp.Err e
                    && e.text().startsWith("ERR CONFIG SET failed (possibly related to argument 'maxmemory') - "
                            + "maxmemory is more than this server's heap can hold"), String.valueOf(r));
            assertEquals("0", ((java.util.List<?>) h.run("CONFIG", "GET", "maxmemory")).get(1));
        }
    }
}
