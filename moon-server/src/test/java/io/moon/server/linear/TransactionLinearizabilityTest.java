package io.moon.server.linear;

import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Jepsen-style: concurrent clients over real sockets against 4 shards mix cross-shard transfers
 * (MULTI/EXEC, and EVAL scripts that read both balances and write both), snapshot reads of every
 * account (MULTI/EXEC and EVAL), register reads and writes (plain and transactional) and
 * WATCH-based compare-and-set, recording when each operation was invoked and
 * when its reply arrived. Each round's history (at most 64 operations, from a known state) must be
 * linearizable (Wing–Gong, {@link Linearizability}), every snapshot must show the conserved sum,
 * and the whole test is bounded in rounds and time.
 */
@Tag("sockets")
class TransactionLinearizabilityTest {
    private static final int SHARDS = 4;
    private static final int ACCOUNTS = 4;
    private static final int REGISTERS = 3;
    private static final int CLIENTS = 4;
    private static final int OPS_PER_CLIENT = 14;
    private static final int MAX_ROUNDS = 40;
    private static final long START = 100;

    @Test
    void shouldBeLinearizableWithConservedSums() throws Exception {
        try (TestServer s = TestServer.start(SHARDS)) {
            final String[] names = keysOnDistinctShards(s, ACCOUNTS + REGISTERS);
            final long[] initial = new long[names.length];
            Arrays.fill(initial, 0, ACCOUNTS, START);
            final ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            final List<Jedis> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(new Jedis("127.0.0.1", s.port, 20_000));
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
            int rounds = 0;
            int ops = 0;
            final Map<String, Integer> kinds = new TreeMap<>();
            try (Jedis admin = new Jedis("127.0.0.1", s.port, 20_000)) {
                for (; rounds < MAX_ROUNDS && System.nanoTime() < deadline; rounds++) {
                    for (int i = 0; i < names.length; i++) {
                        admin.set(names[i], Long.toString(initial[i]));
                    }
                    final List<Future<List<Recorded>>> fs = new ArrayList<>();
                    for (int c = 0; c < CLIENTS; c++) {
                        final Jedis j = clients.get(c);
                        final Workload.Keys keys = new Workload.Keys(names, ACCOUNTS, c, new long[] {rounds * 1000L});
                        final SplittableRandom r = new SplittableRandom(rounds * 31L + c);
                        fs.add(pool.submit(() -> {
                            final List<Recorded> h = new ArrayList<>();
                            for (int n = 0; n < OPS_PER_CLIENT; n++) {
                                final Workload.Operation op = Workload.OPERATIONS.get(r.nextInt(Workload.OPERATIONS.size()));
                                h.add(op.run(j, r, keys));
                            }
                            return h;
                        }));
                    }
                    final List<Recorded> history = new ArrayList<>();
                    for (final Future<List<Recorded>> f : fs) {
                        history.addAll(f.get(60, TimeUnit.SECONDS));
                    }
                    for (final Recorded op : history) {
                        kinds.merge(op.what().substring(0, op.what().indexOf(' ')), 1, Integer::sum);
                        if (op.what().contains("read-accounts")) {
                            assertEquals(ACCOUNTS * START, snapshotSum(op), "a snapshot broke the conserved sum: " + op);
                        }
                    }
                    if (!Linearizability.check(history, initial)) {
                        final StringBuilder b = new StringBuilder("round " + rounds + " is not linearizable:\n");
                        history.stream().sorted((x, y) -> Long.compare(x.invoke(), y.invoke()))
                                .forEach(op -> b.append("  ").append(op).append('\n'));
                        fail(b.toString());
                    }
                    ops += history.size();
                    long total = 0;
                    for (int i = 0; i < ACCOUNTS; i++) {
                        total += Long.parseLong(admin.get(names[i]));
                    }
                    assertEquals(ACCOUNTS * START, total, "total after round " + rounds);
                }
            } finally {
                for (final Jedis j : clients) {
                    j.close();
                }
                pool.shutdownNow();
            }
            assertTrue(rounds >= 3, "only " + rounds + " rounds in the time bound");
            for (final String kind : List.of("transfer", "eval-transfer", "eval-undeclared", "read-accounts", "eval-read-accounts", "eval-get2")) {
                assertTrue(kinds.getOrDefault(kind, 0) > 0, "no " + kind + " ran: " + kinds);
            }
            System.out.println("linearizability: " + rounds + " rounds, " + ops + " operations checked " + kinds);
        }
    }

    /** The values of a snapshot read, from its description. */
    private static long snapshotSum(final Recorded op) {
        final String list = op.what().substring(op.what().indexOf('[') + 1, op.what().indexOf(']'));
        return Arrays.stream(list.split(", ")).mapToLong(Long::parseLong).sum();
    }

    private static String[] keysOnDistinctShards(final TestServer s, final int n) {
        final String[] out = new String[n];
        int found = 0;
        for (int i = 0; found < n; i++) {
            final byte[] k = ("lin:" + i).getBytes(StandardCharsets.UTF_8);
            // spread keys round-robin over the shards so every transfer and pair crosses shards
            if (s.server.shardOf(k, 0, k.length) == found % SHARDS) {
                out[found++] = "lin:" + i;
            }
        }
        return out;
    }
}
