package io.moon.server.observe;

import io.moon.protocol.Request;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One shard's slow log (SLOWLOG): commands that ran longer than slowlog-log-slower-than on this
 * shard. Entries are touched only by the owning shard's thread; SLOWLOG visits every shard and
 * merges the copies by id, which a process-wide counter hands out so ids order entries as Redis's do.
 */
public final class SlowLog {
    /** Redis keeps at most 32 arguments of an entry and 128 bytes of each. */
    static final int MAX_ARGS = 32;
    static final int MAX_ARG_BYTES = 128;
    private static final AtomicLong IDS = new AtomicLong();

    /**
     * Threshold in nanoseconds, Long.MAX_VALUE when off; set by the shard's cron from config (until
     * its first tick nothing is logged, so startup's class loading does not fill the log).
     */
    public long thresholdNanos = Long.MAX_VALUE;
    public int maxLen = 128;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();

    /** An entry as SLOWLOG GET prints it. */
    public record Entry(long id, long unixSeconds, long micros, byte[][] args, String addr, String name) {
    }

    /** Reads the two parameters (cron: they change by CONFIG SET). */
    public void configure(final long slowerThanMicros, final long maxLen) {
        thresholdNanos = slowerThanMicros < 0 ? Long.MAX_VALUE : slowerThanMicros * 1000;
        this.maxLen = (int) Math.min(Integer.MAX_VALUE, maxLen);
        trim();
    }

    /** Records a command that took {@code nanos}; the caller has checked the threshold. */
    public void add(final Request req, final long nanos, final String addr, final String name) {
        final int argc = req.argc();
        final int kept = Math.min(argc, MAX_ARGS);
        final byte[][] args = new byte[kept][];
        for (int i = 0; i < kept; i++) {
            if (i == kept - 1 && argc > MAX_ARGS) {
                args[i] = ("... (" + (argc - MAX_ARGS + 1) + " more arguments)").getBytes();
                break;
            }
            final byte[] a = Redaction.redacted(req, i) ? Redaction.REDACTED : req.argBytes(i);
            if (a.length > MAX_ARG_BYTES) {
                final byte[] suffix = ("... (" + (a.length - MAX_ARG_BYTES) + " more bytes)").getBytes();
                final byte[] t = new byte[MAX_ARG_BYTES + suffix.length];
                System.arraycopy(a, 0, t, 0, MAX_ARG_BYTES);
                System.arraycopy(suffix, 0, t, MAX_ARG_BYTES, suffix.length);
                args[i] = t;
            } else {
                args[i] = a;
            }
        }
        entries.addFirst(new Entry(IDS.getAndIncrement(), System.currentTimeMillis() / 1000, nanos / 1000, args,
                addr, name));
        trim();
    }

    private void trim() {
        while (entries.size() > maxLen) {
            entries.removeLast();
        }
    }

    public int size() {
        return entries.size();
    }

    public void reset() {
        entries.clear();
    }

    /** Newest first, at most {@code n} (all when negative); a copy for another thread. */
    public java.util.List<Entry> newest(final long n) {
        final java.util.List<Entry> out = new java.util.ArrayList<>();
        final Iterator<Entry> it = entries.iterator();
        while (it.hasNext() && (n < 0 || out.size() < n)) {
            out.add(it.next());
        }
        return out;
    }
}
