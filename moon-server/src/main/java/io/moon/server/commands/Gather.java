package io.moon.server.commands;

import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;
import io.moon.storage.Db;
import io.moon.storage.Dump;
import io.moon.storage.Keyspace;

/**
 * The generic cross-shard form of a keyed command: run the command's own handler over copies of
 * all its keys, gathered on the coordinator, then write the keys it may have changed back to
 * their owners. Used by multi-key collection commands (SINTERSTORE, ZUNIONSTORE, LMPOP...) when
 * their keys span shards, so each handler is written once, as if every key were local.
 *
 * <p>Steps: lock every key of the command (a write lock where its key spec says the command
 * writes it), and on each owner copy the live values ({@link Db#dump}: deep copies, so the
 * owner's data never leaves its thread). On the coordinator, restore the copies into a scratch
 * {@link Keyspace} and run the handler there; its reply is the client's reply. Then every
 * written key's new state (a value, or nothing) is installed on its owner, and the locks go.
 * Because every lock is held from the copy to the write-back, the command is as atomic and
 * isolated as any other cross-shard operation.
 *
 * <p>Costs: the values travel twice, so a command that is O(1) in Redis on large collections
 * (SMOVE, LMOVE) is better served by a dedicated operation; this is the general fallback. The
 * scratch keyspace's hit/miss counters are not merged into the shards'.
 */
final class Gather extends Coordinated {
    /** Per key (in key order): its argument index, and whether it is written back. */
    private final int[] keyArg;
    private final boolean[] written;
    private final Part[] keyPartOf;

    Gather(final Ctx c) {
        super(c);
        final Request r = c.req;
        final int n = c.cmd.keyCount(r);
        keyArg = new int[n];
        written = new boolean[n];
        keyPartOf = new Part[n];
        for (int k = 0; k < n; k++) {
            final int arg = c.cmd.keyArg(r, k);
            keyArg[k] = arg;
            // the key spec says (EVAL has no write flag but writes its RW keys)
            written[k] = c.cmd.writesKeyAt(r, arg);
            final Part p = keyPart(arg, c.dbIndex, written[k]);
            p.addArg(k);
            keyPartOf[k] = p;
        }
    }

    @Override
    protected boolean writesWhenLocked() {
        return false; // it only copies there; the write-back steps are what change keys
    }

    /** The keys its key specs say are written are locked exclusively and written back (EVAL too): logged. */
    @Override
    protected boolean mayWrite() {
        return true;
    }

    /** On each owner: copies of its keys' live values (null for a missing key), by key number. */
    @Override
    protected void onLocked(final Part p, final Ctx x) {
        final Dump[] copies = new Dump[p.argCount];
        for (int a = 0; a < p.argCount; a++) {
            final int arg = keyArg[p.args[a]];
            final long addr = x.find(arg, x.keyHash(arg));
            copies[a] = addr == 0 ? null : x.db.dump(addr, false);
        }
        p.data = copies;
    }

    @Override
    protected void onAllLocked() {
        final Keyspace scratch = new Keyspace(home.keyspace.databases(), System.nanoTime());
        scratch.lfu(server.config.maxmemoryPolicy.endsWith("lfu"), server.config.lfuLogFactor,
                server.config.lfuDecayTime);
        final Db db = scratch.db(dbIndex);
        for (int pi = 0; pi < partCount(); pi++) {
            final Part p = partAt(pi);
            final Dump[] copies = (Dump[]) p.data;
            for (int a = 0; a < p.argCount; a++) {
                final int arg = keyArg[p.args[a]];
                final long h = Db.hash(req.buf(), req.off(arg), req.len(arg));
                // a key named twice (SINTER k k) is copied twice; keep one
                if (copies[a] != null && db.lookup(req.buf(), req.off(arg), req.len(arg), h) == 0) {
                    db.restore(req.buf(), req.off(arg), req.len(arg), h, copies[a], true);
                }
            }
            p.data = null;
        }
        final Ctx x = new Ctx(home, scratch);
        x.bind(dbIndex, req, reply, cmd);
        x.proto = proto;
        x.noTouch = noTouch;
        x.client = null;
        x.inTransaction = true;
        x.runCommand();

        boolean anyWrite = false;
        for (int pi = 0; pi < partCount(); pi++) {
            final Part p = partAt(pi);
            final Dump[] result = new Dump[p.argCount];
            boolean writes = false;
            for (int a = 0; a < p.argCount; a++) {
                final int k = p.args[a];
                if (!written[k]) {
                    continue;
                }
                writes = true;
                final int arg = keyArg[k];
                final long h = Db.hash(req.buf(), req.off(arg), req.len(arg));
                final long addr = db.find(req.buf(), req.off(arg), req.len(arg), h, x.now);
                result[a] = addr == 0 ? null : db.dump(addr, true);
            }
            if (writes) {
                p.data = result;
                p.n = 1;
                anyWrite = true;
            }
        }
        if (!anyWrite) {
            finish();
            return;
        }
        stepSomeAndReleaseAll(p -> p.n == 1);
    }

    /** On each owner of written keys: install their new state. */
    @Override
    protected void onStep(final Part p, final Ctx x) {
        final Dump[] result = (Dump[]) p.data;
        final Request r = req;
        for (int a = 0; a < p.argCount; a++) {
            final int k = p.args[a];
            if (!written[k]) {
                continue;
            }
            final int arg = keyArg[k];
            final long h = x.keyHash(arg);
            // a key named twice is written once (the first time; the second finds it installed)
            if (result[a] == null) {
                x.db.delete(r.buf(), r.off(arg), r.len(arg), h, x.now);
            } else if (!installed(p, a, arg)) {
                x.db.delete(r.buf(), r.off(arg), r.len(arg), h, x.now);
                x.db.restore(r.buf(), r.off(arg), r.len(arg), h, result[a], true);
            }
        }
    }

    /** True when an earlier key number on this part names the same key (already installed). */
    private boolean installed(final Part p, final int a, final int arg) {
        for (int b = 0; b < a; b++) {
            final int other = keyArg[p.args[b]];
            if (written[p.args[b]] && java.util.Arrays.equals(req.buf(), req.off(other), req.off(other) + req.len(other),
                    req.buf(), req.off(arg), req.off(arg) + req.len(arg))) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected void onStepsDone() {
        finish();
    }
}
