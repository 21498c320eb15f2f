package io.moon.server.xshard;

import io.moon.protocol.Request;
import io.moon.server.Server;
import io.moon.storage.Db;
import io.moon.storage.Dump;
import io.moon.storage.Keyspace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The keys of a gathered operation (a multi-key command or a whole transaction run over copies on
 * the coordinator): where each is named, its database, and whether the operation may write it.
 * It carries the operation's three data steps, which must be the same for every gathered form:
 * copy the live values out on each owner ({@link #copy}), rebuild them in a scratch keyspace on
 * the coordinator ({@link #scratch}), and after the run take the written keys' new states
 * ({@link #collect}) back to their owners ({@link #install}).
 *
 * <p>Key numbers are the order of {@link #add}; an operation files each key number on the part of
 * its owner with {@link Part#addArg}, so {@code p.args[a]} is a key number. Copies are deep
 * ({@link Db#dump}), so no owner's data leaves its thread.
 */
public final class GatheredKeys {
    private final List<Request> reqs = new ArrayList<>();
    private int[] args = new int[4];
    private int[] dbs = new int[4];
    private boolean[] written = new boolean[4];
    private int count;
    /** Set by {@link #collect}: the written keys to take back (null: all). */
    private boolean[] collectOnly;

    /** Keys added so far (the next one's number). */
    public int count() {
        return count;
    }

    /** Files a key: argument {@code arg} of {@code req}, in database {@code db}; returns its number. */
    public int add(final Request req, final int arg, final int db, final boolean writes) {
        if (count == args.length) {
            args = Arrays.copyOf(args, count << 1);
            dbs = Arrays.copyOf(dbs, count << 1);
            written = Arrays.copyOf(written, count << 1);
        }
        reqs.add(req);
        args[count] = arg;
        dbs[count] = db;
        written[count] = writes;
        return count++;
    }

    /**
     * Sets {@code marks[k]} for every key number k that names key {@code b[off..off+len)} in
     * database {@code db}; false when none does.
     */
    public boolean mark(final boolean[] marks, final int db, final byte[] b, final int off, final int len) {
        boolean found = false;
        for (int k = 0; k < count; k++) {
            final Request r = reqs.get(k);
            if (dbs[k] == db && Arrays.equals(r.buf(), r.off(args[k]), r.off(args[k]) + r.len(args[k]), b, off, off + len)) {
                marks[k] = true;
                found = true;
            }
        }
        return found;
    }

    public boolean anyWritten() {
        for (int k = 0; k < count; k++) {
            if (written[k]) {
                return true;
            }
        }
        return false;
    }

    private long hash(final int k) {
        final Request r = reqs.get(k);
        return Db.hash(r.buf(), r.off(args[k]), r.len(args[k]));
    }

    private long find(final Db db, final int k, final long now) {
        final Request r = reqs.get(k);
        return db.find(r.buf(), r.off(args[k]), r.len(args[k]), hash(k), now);
    }

    /** On an owner: copies of the live values of part p's keys (null for a missing key), into p.data. */
    public void copy(final Part p, final Keyspace owner, final long now) {
        final Dump[] copies = new Dump[p.argCount];
        for (int a = 0; a < p.argCount; a++) {
            final int k = p.args[a];
            final Db db = owner.db(dbs[k]);
            final long addr = find(db, k, now);
            copies[a] = addr == 0 ? null : db.dump(addr, false);
        }
        p.data = copies;
    }

    /**
     * On the coordinator: a scratch keyspace holding every part's copies (a key named twice once).
     * It is the home shard's to reuse: give it back ({@link io.moon.server.Shard#giveScratch}) once
     * {@link #collect} took the written keys out.
     */
    public Keyspace scratch(final Coordinated op, final Server server) {
        final Keyspace scratch = op.home.takeScratch();
        scratch.lfu(server.config.maxmemoryPolicy.endsWith("lfu"), server.config.lfuLogFactor,
                server.config.lfuDecayTime);
        for (int pi = 0; pi < op.partCount(); pi++) {
            final Part p = op.partAt(pi);
            final Dump[] copies = (Dump[]) p.data;
            for (int a = 0; copies != null && a < p.argCount; a++) {
                final int k = p.args[a];
                final Request r = reqs.get(k);
                final Db db = scratch.db(dbs[k]);
                final long h = hash(k);
                if (copies[a] != null && db.lookup(r.buf(), r.off(args[k]), r.len(args[k]), h) == 0) {
                    db.restore(r.buf(), r.off(args[k]), r.len(args[k]), h, copies[a], true);
                }
            }
            p.data = null;
        }
        return scratch;
    }

    /**
     * After the run: on every part owning written keys, their states in the scratch keyspace go to
     * p.data and p.n is set to 1 (the parts to step). Returns whether any part has one.
     */
    public boolean collect(final Coordinated op, final Keyspace scratch, final long now) {
        return collect(op, scratch, now, null);
    }

    /**
     * As {@link #collect(Coordinated, Keyspace, long)}, taking back only the written keys set in
     * {@code changed} (all of them when null): the others stay as their owners hold them, and
     * {@link #install} leaves them alone.
     */
    public boolean collect(final Coordinated op, final Keyspace scratch, final long now, final boolean[] changed) {
        collectOnly = changed;
        boolean any = false;
        for (int pi = 0; pi < op.partCount(); pi++) {
            final Part p = op.partAt(pi);
            final Dump[] result = new Dump[p.argCount];
            boolean writes = false;
            for (int a = 0; a < p.argCount; a++) {
                final int k = p.args[a];
                if (skipped(p, a)) {
                    continue;
                }
                writes = true;
                final Db db = scratch.db(dbs[k]);
                final long addr = find(db, k, now);
                result[a] = addr == 0 ? null : db.dump(addr, true);
            }
            if (writes) {
                p.data = result;
                p.n = 1;
                any = true;
            }
        }
        return any;
    }

    /** On an owner: installs the collected states of part p's written keys (a value, or nothing). */
    public void install(final Part p, final Keyspace owner, final long now) {
        install(p, owner, now, null, null);
    }

    /**
     * As {@link #install(Part, Keyspace, long)}; with {@code shard} given, every installed key that
     * existed before or exists after is signalled as changed (WATCH, client-side caching), for
     * operations whose own run judged which keys changed (a script: see {@link #collect}).
     */
    public void install(final Part p, final Keyspace owner, final long now, final io.moon.server.Shard shard,
            final io.moon.server.net.Connection writer) {
        final Dump[] result = (Dump[]) p.data;
        for (int a = 0; a < p.argCount; a++) {
            if (skipped(p, a)) {
                continue;
            }
            final int k = p.args[a];
            final Request r = reqs.get(k);
            final Db db = owner.db(dbs[k]);
            final long h = hash(k);
            final boolean existed = db.delete(r.buf(), r.off(args[k]), r.len(args[k]), h, now);
            if (result[a] != null) {
                db.restore(r.buf(), r.off(args[k]), r.len(args[k]), h, result[a], true);
            }
            if (shard != null && (existed || result[a] != null)) {
                LockRequest.signalModified(shard, dbs[k], r.buf(), r.off(args[k]), r.len(args[k]), writer);
            }
        }
    }

    /** Part p's a-th key is not written back: only read, named before in the part, or not changed. */
    private boolean skipped(final Part p, final int a) {
        final int k = p.args[a];
        return !written[k] || collectOnly != null && !collectOnly[k] || namedBefore(p, a);
    }

    /** True when an earlier written key of part p is the same key (it carries the state). */
    private boolean namedBefore(final Part p, final int a) {
        final int k = p.args[a];
        final Request r = reqs.get(k);
        for (int b = 0; b < a; b++) {
            final int o = p.args[b];
            final Request ro = reqs.get(o);
            if (written[o] && dbs[o] == dbs[k] && Arrays.equals(ro.buf(), ro.off(args[o]), ro.off(args[o]) + ro.len(args[o]),
                    r.buf(), r.off(args[k]), r.off(args[k]) + r.len(args[k]))) {
                return true;
            }
        }
        return false;
    }
}
