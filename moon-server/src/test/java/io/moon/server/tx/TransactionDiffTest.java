package io.moon.server.tx;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Differential test of transactions against a real redis-server: random programs of MULTI, EXEC,
 * DISCARD, WATCH and UNWATCH around queued commands (valid ones, runtime errors, unknown commands,
 * wrong arity, SELECT, a blocking pop), with a second connection writing watched keys in between,
 * over keys that land on different shards of a 3-shard Moon. Every reply must be identical.
 */
@Tag("sockets")
class TransactionDiffTest {
    private static final int TRIES = 400;
    private static final String[] KEYS = {"k0", "k1", "k2", "k3", "k4", "{t}a", "{t}b"};
    private static RedisServer redisServer;
    private static TestServer moonServer;
    private static RawClient redisA;
    private static RawClient redisB;
    private static RawClient moonA;
    private static RawClient moonB;

    @BeforeAll
    static void start() throws Exception {
        redisServer = RedisServer.start();
        moonServer = TestServer.start(3);
        redisA = new RawClient(redisServer.port);
        redisB = new RawClient(redisServer.port);
        moonA = new RawClient(moonServer.port);
        moonB = new RawClient(moonServer.port);
    }

    @AfterAll
    static void stop() throws Exception {
        for (final RawClient c : new RawClient[] {redisA, redisB, moonA, moonB}) {
            c.close();
        }
        moonServer.close();
        redisServer.close();
    }

    private static String key(final SplittableRandom r) {
        return KEYS[r.nextInt(KEYS.length)];
    }

    /** A command for the transaction's connection (queued when inside MULTI). */
    private static String[] command(final SplittableRandom r) {
        final String k = key(r);
        return switch (r.nextInt(20)) {
            case 0 -> new String[] {"SET", k, "v" + r.nextInt(3)};
            case 1 -> new String[] {"GET", k};
            case 2 -> new String[] {"INCR", k};
            case 3 -> new String[] {"DEL", k, key(r)};
            case 4 -> new String[] {"LPUSH", k, "x"};
            case 5 -> new String[] {"RPOP", k};
            case 6 -> new String[] {"SADD", k, "m" + r.nextInt(3)};
            case 7 -> new String[] {"MSET", k, "1", key(r), "2"};
            case 8 -> new String[] {"MGET", k, key(r), key(r)};
            case 9 -> new String[] {"RENAME", k, key(r)};
            case 10 -> new String[] {"APPEND", k, "z"};
            case 11 -> new String[] {"SELECT", r.nextBoolean() ? "0" : r.nextBoolean() ? "1" : "99"};
            case 12 -> new String[] {"NOSUCH", k};
            case 13 -> new String[] {"GET"};
            case 14 -> new String[] {"BLPOP", k, "0.01"};
            case 15 -> new String[] {"EXISTS", k, key(r)};
            case 16 -> new String[] {"PEXPIRE", k, "100000"};
            case 17 -> new String[] {"TYPE", k};
            case 18 -> new String[] {"SUNIONSTORE", k, key(r), key(r)};
            default -> new String[] {"PING"};
        };
    }

    private static String[] step(final SplittableRandom r, final List<String> log) {
        final int w = r.nextInt(20);
        final String[] c;
        if (w < 3) {
            c = new String[] {"MULTI"};
        } else if (w < 6) {
            c = new String[] {"EXEC"};
        } else if (w < 7) {
            c = new String[] {"DISCARD"};
        } else if (w < 9) {
            c = r.nextBoolean() ? new String[] {"WATCH", key(r)} : new String[] {"WATCH", key(r), key(r)};
        } else if (w < 10) {
            c = new String[] {"UNWATCH"};
        } else {
            c = command(r);
        }
        log.add(String.join(" ", c));
        return c;
    }

    @Test
    void shouldAnswerEveryTransactionProgramAsRedisDoes() throws Exception {
        for (int t = 0; t < TRIES; t++) {
            final SplittableRandom r = new SplittableRandom(t * 7919L + 1);
            final List<String> log = new ArrayList<>();
            final int steps = 5 + r.nextInt(20);
            for (int s = 0; s < steps; s++) {
                if (r.nextInt(8) == 0) {
                    // another client changes a key (a watched one, maybe)
                    final String[] other = r.nextBoolean() ? new String[] {"SET", key(r), "other"}
                            : new String[] {"DEL", key(r)};
                    log.add("(other) " + String.join(" ", other));
                    assertEquals(redisB.run(other), moonB.run(other), "try " + t + ": " + log);
                }
                final String[] c = step(r, log);
                final Object expected = redisA.run(c);
                final Object actual = moonA.run(c);
                assertEquals(expected, actual, "try " + t + ": " + log);
            }
            for (final RawClient c : new RawClient[] {redisA, moonA}) {
                c.run("DISCARD");
                c.run("UNWATCH");
                c.run("SELECT", "0");
                c.run("FLUSHALL");
            }
        }
    }
}
