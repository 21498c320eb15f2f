package io.moon.server.tx;

import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Concurrent clients (Jedis, real sockets, 4 shards) moving money between accounts on different
 * shards with MULTI/EXEC, and with WATCH-based check-and-set, while readers total the accounts in
 * transactions of their own. No reader ever sees a partial transfer, the total never changes, and
 * overlapping transactions never deadlock (every client finishes within the time bound).
 */
@Tag("sockets")
class TransactionConcurrencyTest {
    private static final int ACCOUNTS = 8;
    private static final long START = 1000;

    @Test
    void shouldConserveTheTotalUnderConcurrentCrossShardTransactions() throws Exception {
        try (TestServer s = TestServer.start(4)) {
            try (Jedis j = new Jedis("127.0.0.1", s.port)) {
                for (int i = 0; i < ACCOUNTS; i++) {
                    j.set("acct:" + i, Long.toString(START));
                }
            }
            final AtomicBoolean bad = new AtomicBoolean();
            final AtomicLong transfers = new AtomicLong();
            final AtomicLong casDone = new AtomicLong();
            final AtomicLong reads = new AtomicLong();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            final ExecutorService pool = Executors.newFixedThreadPool(7);
            final List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                final int seed = w;
                fs.add(pool.submit(() -> {
                    final SplittableRandom r = new SplittableRandom(seed);
                    try (Jedis j = new Jedis("127.0.0.1", s.port, 20_000)) {
                        for (int n = 0; n < 5_000 && System.nanoTime() < deadline; n++) {
                            final int a = r.nextInt(ACCOUNTS);
                            final int b = (a + 1 + r.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                            final long amount = 1 + r.nextInt(5);
                            final Transaction t = j.multi();
                            t.decrBy("acct:" + a, amount);
                            t.incrBy("acct:" + b, amount);
                            t.exec();
                            transfers.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (int w = 0; w < 2; w++) {
                final int seed = 100 + w;
                fs.add(pool.submit(() -> {
                    // check-and-set: move everything but 1 from a to b if a has more than 10
                    final SplittableRandom r = new SplittableRandom(seed);
                    try (Jedis j = new Jedis("127.0.0.1", s.port, 20_000)) {
                        for (int n = 0; n < 2_000 && System.nanoTime() < deadline; n++) {
                            final int a = r.nextInt(ACCOUNTS);
                            final int b = (a + 1) % ACCOUNTS;
                            j.watch("acct:" + a, "acct:" + b);
                            final long va = Long.parseLong(j.get("acct:" + a));
                            final long vb = Long.parseLong(j.get("acct:" + b));
                            if (va <= 10) {
                                j.unwatch();
                                continue;
                            }
                            final Transaction t = j.multi();
                            t.set("acct:" + a, "1");
                            t.set("acct:" + b, Long.toString(vb + va - 1));
                            if (t.exec() != null) {
                                casDone.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (int w = 0; w < 2; w++) {
                fs.add(pool.submit(() -> {
                    try (Jedis j = new Jedis("127.0.0.1", s.port, 20_000)) {
                        while (System.nanoTime() < deadline) {
                            final Transaction t = j.multi();
                            final List<Response<String>> rs = new ArrayList<>();
                            for (int i = 0; i < ACCOUNTS; i++) {
                                rs.add(t.get("acct:" + i));
                            }
                            t.exec();
                            long total = 0;
                            for (final Response<String> x : rs) {
                                total += Long.parseLong(x.get());
                            }
                            if (total != ACCOUNTS * START) {
                                bad.set(true);
                            }
                            reads.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (final Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS); // a deadlock would hang here
            }
            pool.shutdown();
            try (Jedis j = new Jedis("127.0.0.1", s.port)) {
                long total = 0;
                for (int i = 0; i < ACCOUNTS; i++) {
                    total += Long.parseLong(j.get("acct:" + i));
                }
                assertEquals(ACCOUNTS * START, total);
            }
            assertTrue(!bad.get(), "a reader saw a partial transfer");
            assertTrue(transfers.get() > 100 && reads.get() > 10 && casDone.get() > 0,
                    transfers + " transfers, " + casDone + " CAS, " + reads + " reads");
        }
    }
}
