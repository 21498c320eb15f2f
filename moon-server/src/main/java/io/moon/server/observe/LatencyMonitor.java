package io.moon.server.observe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One shard's latency monitor (LATENCY LATEST/HISTORY/RESET/DOCTOR): for each event class
 * ("command", "fast-command", "expire-cycle"), the spikes of at least latency-monitor-threshold
 * milliseconds seen on this shard, one sample per second (the worst of that second), the last
 * {@value #HISTORY} seconds that had one, and the worst ever.
 *
 * <p>Owned by its shard thread; LATENCY visits every shard and merges copies ({@link #copy}).
 * The hot path pays one comparison ({@code elapsedNanos >= thresholdNanos}); a spike allocates
 * only the first time its event class appears on the shard.
 */
public final class LatencyMonitor {
    /** Redis keeps the last 160 samples of each event. */
    public static final int HISTORY = 160;

    /** Threshold in nanoseconds; Long.MAX_VALUE while latency-monitor-threshold is 0 (off). */
    public long thresholdNanos = Long.MAX_VALUE;
    private final Map<String, Series> events = new HashMap<>();

    /** One event class's samples: a ring of (unix second, milliseconds), and the worst ever. */
    public static final class Series {
        final long[] seconds = new long[HISTORY];
        final long[] millis = new long[HISTORY];
        int next;
        int count;
        long maxMillis;

        /** Samples oldest first. */
        public List<long[]> samples() {
            final List<long[]> out = new ArrayList<>(count);
            for (int k = 0; k < count; k++) {
                final int i = (next - count + k + HISTORY) % HISTORY;
                out.add(new long[] {seconds[i], millis[i]});
            }
            return out;
        }

        public long maxMillis() {
            return maxMillis;
        }

        /** The newest sample (second, milliseconds). */
        public long[] latest() {
            final int i = (next - 1 + HISTORY) % HISTORY;
            return new long[] {seconds[i], millis[i]};
        }

        void add(final long second, final long ms) {
            maxMillis = Math.max(maxMillis, ms);
            final int last = (next - 1 + HISTORY) % HISTORY;
            if (count > 0 && seconds[last] == second) {
                millis[last] = Math.max(millis[last], ms); // one sample per second: its worst
                return;
            }
            seconds[next] = second;
            millis[next] = ms;
            next = (next + 1) % HISTORY;
            count = Math.min(HISTORY, count + 1);
        }

        Series copy() {
            final Series s = new Series();
            System.arraycopy(seconds, 0, s.seconds, 0, HISTORY);
            System.arraycopy(millis, 0, s.millis, 0, HISTORY);
            s.next = next;
            s.count = count;
            s.maxMillis = maxMillis;
            return s;
        }
    }

    /** Reads latency-monitor-threshold (milliseconds; 0 = off); the shard's cron calls it. */
    public void configure(final long thresholdMillis) {
        thresholdNanos = thresholdMillis <= 0 ? Long.MAX_VALUE : thresholdMillis * 1_000_000L;
    }

    /** Records a spike of {@code nanos}; the caller has compared it with {@link #thresholdNanos}. */
    public void add(final String event, final long nanos) {
        Series s = events.get(event);
        if (s == null) {
            s = new Series();
            events.put(event, s);
        }
        s.add(System.currentTimeMillis() / 1000, nanos / 1_000_000L);
    }

    /** LATENCY RESET: the named events (all when {@code names} is empty); returns how many were dropped. */
    public int reset(final List<String> names) {
        if (names.isEmpty()) {
            final int n = events.size();
            events.clear();
            return n;
        }
        int n = 0;
        for (final String e : names) {
            if (events.remove(e) != null) {
                n++;
            }
        }
        return n;
    }

    /** A copy for merging on another thread, made on the owning shard's thread. */
    public Map<String, Series> copy() {
        final Map<String, Series> out = new TreeMap<>();
        events.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    /** Merges shards' copies into one series per event: per second the worst sample, the newest {@value #HISTORY}. */
    public static Map<String, Series> merge(final List<Map<String, Series>> shards) {
        final Map<String, TreeMap<Long, Long>> bySecond = new TreeMap<>();
        final Map<String, Long> max = new HashMap<>();
        for (final Map<String, Series> m : shards) {
            m.forEach((event, s) -> {
                final TreeMap<Long, Long> t = bySecond.computeIfAbsent(event, k -> new TreeMap<>());
                for (final long[] sample : s.samples()) {
                    t.merge(sample[0], sample[1], Math::max);
                }
                max.merge(event, s.maxMillis, Math::max);
            });
        }
        final Map<String, Series> out = new TreeMap<>();
        bySecond.forEach((event, t) -> {
            final Series s = new Series();
            t.forEach(s::add);
            s.maxMillis = max.get(event);
            out.put(event, s);
        });
        return out;
    }
}
