package io.moon.server.linear;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The operations the linearizability test's clients mix, each recorded with its invocation and
 * completion times and its meaning in the register model. The state has one register per key:
 * indices {@code 0..accounts-1} are accounts (transfers keep their sum), the rest are plain
 * registers (written with unique values, read, compare-and-set under WATCH).
 *
 * <p>Scripts also transfer over keys they do not declare (run with every shard held) and read two
 * registers at once. Transfers and snapshots come in two forms: MULTI/EXEC and EVAL with every key declared in
 * KEYS (so a script spans shards). The EVAL transfer reads both balances, then writes both: a
 * read-modify-write that only an atomic, isolated script keeps exact (two interleaved ones would
 * lose an update, which the model and the conserved sum both catch). To add an operation,
 * implement {@link Operation} and add it to {@link #OPERATIONS}.
 */
final class Workload {
    /** Keys and per-client context handed to every operation. */
    record Keys(String[] names, int accounts, int client, long[] seq) {
        int registers() {
            return names.length - accounts;
        }

        int account(final SplittableRandom r) {
            return r.nextInt(accounts);
        }

        int register(final SplittableRandom r) {
            return accounts + r.nextInt(registers());
        }

        /** A value no other write of the test uses. */
        long unique() {
            return (client + 1) * 1_000_000L + ++seq[0];
        }
    }

    /** One kind of operation: runs it on {@code j} and returns its record. */
    interface Operation {
        Recorded run(Jedis j, SplittableRandom r, Keys k);
    }

    private static long parse(final String v) {
        return v == null ? 0 : Long.parseLong(v);
    }

    /** MULTI; DECRBY from n; INCRBY to n; EXEC — between two accounts (on different shards). */
    static final Operation TRANSFER = (j, r, k) -> {
        final int a = k.account(r);
        final int b = (a + 1 + r.nextInt(k.accounts - 1)) % k.accounts;
        final long n = 1 + r.nextInt(9);
        final long t0 = System.nanoTime();
        final Transaction t = j.multi();
        final Response<Long> ra = t.decrBy(k.names[a], n);
        final Response<Long> rb = t.incrBy(k.names[b], n);
        t.exec();
        final long t1 = System.nanoTime();
        final long va = ra.get();
        final long vb = rb.get();
        return new Recorded(t0, t1, "transfer " + a + "->" + b + " " + n + " = " + va + "," + vb, s -> {
            if (s[a] - n != va || s[b] + n != vb) {
                return null;
            }
            final long[] x = s.clone();
            x[a] = va;
            x[b] = vb;
            return x;
        });
    };

    /** MULTI; GET of every account; EXEC: one snapshot, whose sum is also checked on the spot. */
    static final Operation READ_ACCOUNTS = (j, r, k) -> {
        final long t0 = System.nanoTime();
        final Transaction t = j.multi();
        for (int i = 0; i < k.accounts; i++) {
            t.get(k.names[i]);
        }
        final List<Object> out = t.exec();
        final long t1 = System.nanoTime();
        final long[] v = new long[k.accounts];
        for (int i = 0; i < k.accounts; i++) {
            v[i] = parse((String) out.get(i));
        }
        return new Recorded(t0, t1, "read-accounts = " + Arrays.toString(v), s -> {
            for (int i = 0; i < v.length; i++) {
                if (s[i] != v[i]) {
                    return null;
                }
            }
            return s;
        });
    };

    /** SET of a unique value. */
    static final Operation WRITE = (j, r, k) -> {
        final int i = k.register(r);
        final long v = k.unique();
        final long t0 = System.nanoTime();
        j.set(k.names[i], Long.toString(v));
        final long t1 = System.nanoTime();
        return new Recorded(t0, t1, "set " + i + " " + v, s -> {
            final long[] x = s.clone();
            x[i] = v;
            return x;
        });
    };

    /** GET of a register or an account. */
    static final Operation READ = (j, r, k) -> {
        final int i = r.nextInt(k.names.length);
        final long t0 = System.nanoTime();
        final long v = parse(j.get(k.names[i]));
        final long t1 = System.nanoTime();
        return new Recorded(t0, t1, "get " + i + " = " + v, s -> s[i] == v ? s : null);
    };

    /** MULTI; SET r1 v; SET r2 v; EXEC: both registers change together. */
    static final Operation WRITE_TWO = (j, r, k) -> {
        final int a = k.register(r);
        final int b = k.accounts + (a - k.accounts + 1) % k.registers();
        final long v = k.unique();
        final long t0 = System.nanoTime();
        final Transaction t = j.multi();
        t.set(k.names[a], Long.toString(v));
        t.set(k.names[b], Long.toString(v));
        t.exec();
        final long t1 = System.nanoTime();
        return new Recorded(t0, t1, "set2 " + a + "," + b + " " + v, s -> {
            final long[] x = s.clone();
            x[a] = v;
            x[b] = v;
            return x;
        });
    };

    /** MULTI; GET r1; GET r2; EXEC. */
    static final Operation READ_TWO = (j, r, k) -> {
        final int a = k.register(r);
        final int b = k.accounts + (a - k.accounts + 1) % k.registers();
        final long t0 = System.nanoTime();
        final Transaction t = j.multi();
        final Response<String> ra = t.get(k.names[a]);
        final Response<String> rb = t.get(k.names[b]);
        t.exec();
        final long t1 = System.nanoTime();
        final long va = parse(ra.get());
        final long vb = parse(rb.get());
        return new Recorded(t0, t1, "get2 " + a + "," + b + " = " + va + "," + vb,
                s -> s[a] == va && s[b] == vb ? s : null);
    };

    /**
     * WATCH r; GET r; MULTI; SET r unique; EXEC. When EXEC runs, nothing changed r since the GET, so
     * the whole is one step at EXEC: r held the value read, and now holds the new one. A null
     * EXEC (someone wrote r) changed nothing.
     */
    static final Operation CAS = (j, r, k) -> {
        final int i = k.register(r);
        final long v = k.unique();
        final long t0 = System.nanoTime();
        j.watch(k.names[i]);
        final long seen = parse(j.get(k.names[i]));
        final Transaction t = j.multi();
        t.set(k.names[i], Long.toString(v));
        final List<Object> out = t.exec();
        final long t1 = System.nanoTime();
        if (out == null) {
            return new Recorded(t0, t1, "cas " + i + " " + seen + "->" + v + " aborted", s -> s);
        }
        return new Recorded(t0, t1, "cas " + i + " " + seen + "->" + v, s -> {
            if (s[i] != seen) {
                return null;
            }
            final long[] x = s.clone();
            x[i] = v;
            return x;
        });
    };

    /**
     * Reads both balances and writes both back moved by ARGV[1]; replies the balances it read.
     * GET/SET rather than DECRBY/INCRBY on purpose: the script must see and write one state.
     */
    static final String TRANSFER_SCRIPT = "local a=tonumber(redis.call('GET',KEYS[1])) "
            + "local b=tonumber(redis.call('GET',KEYS[2])) local n=tonumber(ARGV[1]) "
            + "redis.call('SET',KEYS[1],a-n) redis.call('SET',KEYS[2],b+n) return {a,b}";

    /** Replies every declared key's value as an integer, in KEYS order. */
    static final String SNAPSHOT_SCRIPT = "local r={} for i=1,#KEYS do "
            + "r[i]=tonumber(redis.call('GET',KEYS[i])) end return r";

    /** EVAL of {@link #TRANSFER_SCRIPT} between two accounts (on different shards). */
    static final Operation EVAL_TRANSFER = (j, r, k) -> {
        final int a = k.account(r);
        final int b = (a + 1 + r.nextInt(k.accounts - 1)) % k.accounts;
        final long n = 1 + r.nextInt(9);
        final long t0 = System.nanoTime();
        final List<?> out = (List<?>) j.eval(TRANSFER_SCRIPT, 2, k.names[a], k.names[b], Long.toString(n));
        final long t1 = System.nanoTime();
        final long va = (Long) out.get(0);
        final long vb = (Long) out.get(1);
        return new Recorded(t0, t1, "eval-transfer " + a + "->" + b + " " + n + " saw " + va + "," + vb, s -> {
            if (s[a] != va || s[b] != vb) {
                return null;
            }
            final long[] x = s.clone();
            x[a] = va - n;
            x[b] = vb + n;
            return x;
        });
    };

    /** EVAL of {@link #SNAPSHOT_SCRIPT} over every account: one snapshot, sum checked too. */
    static final Operation EVAL_READ_ACCOUNTS = (j, r, k) -> {
        final String[] keys = Arrays.copyOf(k.names, k.accounts);
        final long t0 = System.nanoTime();
        final List<?> out = (List<?>) j.eval(SNAPSHOT_SCRIPT, k.accounts, keys);
        final long t1 = System.nanoTime();
        final long[] v = new long[k.accounts];
        for (int i = 0; i < k.accounts; i++) {
            v[i] = (Long) out.get(i);
        }
        return new Recorded(t0, t1, "eval-read-accounts = " + Arrays.toString(v), s -> {
            for (int i = 0; i < v.length; i++) {
                if (s[i] != v[i]) {
                    return null;
                }
            }
            return s;
        });
    };

    private static final String MOVE_UNDECLARED = "local a = redis.call('DECRBY', ARGV[2], ARGV[1])"
            + " local b = redis.call('INCRBY', ARGV[3], ARGV[1]) return {a, b}";

    /** A transfer by a script that does not declare its keys (it then runs with every shard held). */
    static final Operation EVAL_TRANSFER_UNDECLARED = (j, r, k) -> {
        final int a = k.account(r);
        final int b = (a + 1 + r.nextInt(k.accounts - 1)) % k.accounts;
        final long n = 1 + r.nextInt(9);
        final long t0 = System.nanoTime();
        final List<?> ab = (List<?>) j.eval(MOVE_UNDECLARED, List.of(), List.of(Long.toString(n), k.names[a], k.names[b]));
        final long t1 = System.nanoTime();
        final long va = (Long) ab.get(0);
        final long vb = (Long) ab.get(1);
        return new Recorded(t0, t1, "eval-undeclared transfer " + a + "->" + b + " " + n + " = " + va + "," + vb, s -> {
            if (s[a] - n != va || s[b] + n != vb) {
                return null;
            }
            final long[] x = s.clone();
            x[a] = va;
            x[b] = vb;
            return x;
        });
    };

    /** EVAL reading two registers in one script. */
    static final Operation EVAL_READ_TWO = (j, r, k) -> {
        final int a = k.register(r);
        final int b = k.accounts + (a - k.accounts + 1) % k.registers();
        final long t0 = System.nanoTime();
        final List<?> out = (List<?>) j.eval("return {redis.call('GET', KEYS[1]) or '0', redis.call('GET', KEYS[2]) or '0'}",
                List.of(k.names[a], k.names[b]), List.of());
        final long t1 = System.nanoTime();
        final long va = parse((String) out.get(0));
        final long vb = parse((String) out.get(1));
        return new Recorded(t0, t1, "eval-get2 " + a + "," + b + " = " + va + "," + vb,
                s -> s[a] == va && s[b] == vb ? s : null);
    };

    /** What the clients mix, with repetition as weight. */
    static final List<Operation> OPERATIONS = List.of(
            TRANSFER, TRANSFER, EVAL_TRANSFER, EVAL_TRANSFER, EVAL_TRANSFER_UNDECLARED, READ_ACCOUNTS,
            EVAL_READ_ACCOUNTS, READ, READ, WRITE, WRITE_TWO, READ_TWO, EVAL_READ_TWO, CAS);

    private Workload() {
    }
}
