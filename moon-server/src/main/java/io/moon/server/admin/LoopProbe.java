package io.moon.server.admin;

import io.moon.server.Server;
import io.netty.channel.EventLoop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * Watches the shards' event loops from the admin thread: how late a tiny task runs on each
 * (event-loop lag, for /metrics) and whether each answers at all within a bound (/healthz).
 *
 * <p>Lag: every {@value #LAG_PERIOD_MILLIS} ms the admin thread posts one preallocated task to each
 * shard that has none outstanding; the task measures the time from posting to running. A shard
 * that is stuck never runs it, so its lag is read as the age of the outstanding task and keeps
 * growing until the shard is free again.
 *
 * <p>Memory ordering: {@link #sentNanos} and {@link #lagNanos} are atomic arrays; the admin thread
 * writes a shard's sent time before posting the task (the post publishes it), the shard writes
 * the lag and then clears the sent time, and the admin thread reads both at any time. A cleared
 * sent time (0) means no task is outstanding.
 */
final class LoopProbe {
    static final long LAG_PERIOD_MILLIS = 100;

    private final Server server;
    private final EventLoop admin;
    private final AtomicLongArray sentNanos;
    private final AtomicLongArray lagNanos;
    private final Runnable[] pings;

    LoopProbe(final Server server, final EventLoop admin) {
        this.server = server;
        this.admin = admin;
        final int n = server.shardCount();
        sentNanos = new AtomicLongArray(n);
        lagNanos = new AtomicLongArray(n);
        pings = new Runnable[n];
        for (int i = 0; i < n; i++) {
            final int shard = i;
            pings[i] = () -> {
                final long sent = sentNanos.get(shard);
                lagNanos.set(shard, Math.max(0, System.nanoTime() - sent));
                sentNanos.set(shard, 0);
            };
        }
    }

    void start() {
        admin.scheduleAtFixedRate(this::tick, LAG_PERIOD_MILLIS, LAG_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** On the admin thread: one lag task to each shard that has none outstanding. */
    private void tick() {
        for (int i = 0; i < pings.length; i++) {
            if (sentNanos.get(i) == 0) {
                sentNanos.set(i, Math.max(1, System.nanoTime()));
                server.shard(i).execute(pings[i]);
            }
        }
    }

    /** Shard {@code i}'s event-loop lag in seconds: the last measured one, or the outstanding task's age. */
    double lagSeconds(final int i) {
        final long sent = sentNanos.get(i);
        long lag = lagNanos.get(i);
        if (sent != 0) {
            lag = Math.max(lag, System.nanoTime() - sent);
        }
        return lag / 1e9;
    }

    /**
     * On the admin thread: posts a task to every shard and calls {@code done} (on the admin thread)
     * with the shards that did not run it within {@code boundMillis}, empty when all did.
     */
    void health(final long boundMillis, final Consumer<List<Integer>> done) {
        new HealthRound(boundMillis, done).start();
    }

    /** One /healthz check. Touched only on the admin thread. */
    private final class HealthRound {
        private final boolean[] answered = new boolean[pings.length];
        private final long boundMillis;
        private final Consumer<List<Integer>> done;
        private int left = pings.length;
        private boolean finished;

        HealthRound(final long boundMillis, final Consumer<List<Integer>> done) {
            this.boundMillis = boundMillis;
            this.done = done;
        }

        void start() {
            admin.schedule(this::finish, boundMillis, TimeUnit.MILLISECONDS);
            for (int i = 0; i < answered.length; i++) {
                final int shard = i;
                server.shard(i).execute(() -> admin.execute(() -> answer(shard)));
            }
        }

        private void answer(final int shard) {
            answered[shard] = true;
            if (--left == 0) {
                finish();
            }
        }

        private void finish() {
            if (finished) {
                return;
            }
            finished = true;
            final List<Integer> stuck = new ArrayList<>();
            for (int i = 0; i < answered.length; i++) {
                if (!answered[i]) {
                    stuck.add(i);
                }
            }
            done.accept(stuck);
        }
    }
}
