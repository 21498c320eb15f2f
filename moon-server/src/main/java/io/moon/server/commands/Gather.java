package io.moon.server.commands;

import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.GatheredKeys;
import io.moon.server.xshard.Part;
import io.moon.storage.Db;
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
class Gather extends Coordinated implements Ctx.KeyChanges {
    private final GatheredKeys keys = new GatheredKeys();
    /**
     * A script's run (EVAL, FCALL): the gathered keys its commands changed, as each command run
     * in place would signal them (Ctx#changes). Only those go back to their owners and are
     * signalled there; null for other commands, which signal by their key specs and reply.
     */
    private boolean[] scriptChanged;
    /** A script's command changed a key that was not gathered (another database): all count. */
    private boolean changedOther;
    /** The request argument of each gathered key (GatheredKeys numbers them in order). */
    private final int[] argOf;
    /** The gathered key of each of the command's keys, in key order (a key named twice is gathered once). */
    private final int[] gatheredOf;

    Gather(final Ctx c) {
        super(c);
        final Request r = c.req;
        final int n = c.cmd.keyCount(r);
        argOf = new int[n];
        gatheredOf = new int[n];
        for (int k = 0; k < n; k++) {
            final int arg = c.cmd.keyArg(r, k);
            // the key spec says (EVAL has no write flag but writes its RW keys)
            final boolean written = c.cmd.writesKeyAt(r, arg);
            final int g = keys.add(r, arg, c.dbIndex, written);
            gatheredOf[k] = g;
            argOf[g] = arg;
            keyPart(arg, c.dbIndex, written).addArg(g);
        }
    }

    /** The request argument of gathered key {@code g} (as {@link Part#args} number them). */
    protected final int argOf(final int g) {
        return argOf[g];
    }

    /** Sets up the coordinator's context before the handler runs over the copies. */
    protected void prepare(final Ctx x) {
        x.scriptMayWiden = !nested();
        if (cmd.isScript()) {
            scriptChanged = new boolean[keys.count()];
            x.changes = this;
        }
    }

    @Override
    public final void changed(final int db, final byte[] k, final int off, final int len) {
        if (!keys.mark(scriptChanged, db, k, off, len)) {
            changedOther = true;
        }
    }

    /**
     * After the handler ran over the copies: true when the outcome is not a write-back, and this
     * method has already ended the operation or moved it on ({@code scratch} given back).
     */
    protected boolean endedInstead(final Ctx x, final Keyspace scratch) {
        if (!x.widen) {
            return false;
        }
        // a script asked for every shard: nothing it did in the scratch keyspace is kept
        widen = true;
        home.giveScratch(scratch);
        finish();
        return true;
    }

    @Override
    protected final boolean writesWhenLocked() {
        return false; // it only copies there; the write-back steps are what change keys
    }

    /** The keys its key specs say are written are locked exclusively and written back (EVAL too): logged. */
    @Override
    protected boolean mayWrite() {
        return true;
    }

    /** On each owner: copies of its keys' live values. */
    @Override
    protected void onLocked(final Part p, final Ctx x) {
        keys.copy(p, x.keyspace, x.now);
    }

    @Override
    protected void onAllLocked() {
        final Keyspace scratch = keys.scratch(this, server);
        final Ctx x = new Ctx(home, scratch);
        x.bind(dbIndex, req, reply, cmd);
        x.proto = proto;
        x.noTouch = noTouch;
        x.client = null;
        x.inTransaction = true;
        x.stepOfOperation = !nested(); // counted once by its connection when done
        prepare(x);
        final int mark = reply.out().writerIndex();
        x.runCommand();
        if (endedInstead(x, scratch)) {
            return;
        }
        final boolean writes = keys.collect(this, scratch, x.now, changedOther ? null : scriptChanged);
        home.giveScratch(scratch);
        if (!writes) {
            finish();
            return;
        }
        quietUnchanged(x.keysUnchanged == -1L || server.aof.changedNothing(cmd, reply.out(), mark)
                ? -1L : x.keysUnchanged);
        stepSomeAndReleaseAll(p -> p.n == 1);
    }

    /**
     * Every written key is installed back on its owner, changed or not; the parts whose keys the
     * handler left unchanged (bit n of {@code unchanged} for the command's n-th key, -1 when the
     * reply or the handler says nothing changed) signal none of them to WATCH and client-side
     * caching, as the command run in place would not (an LMPOP or ZMPOP pops one of its keys).
     */
    private void quietUnchanged(final long unchanged) {
        if (unchanged == 0) {
            return;
        }
        final boolean[] changed = new boolean[argOf.length];
        for (int k = 0; k < gatheredOf.length; k++) {
            if (k >= 63 ? unchanged >= 0 : (unchanged & (1L << k)) == 0) {
                changed[gatheredOf[k]] = true;
            }
        }
        quietUnchangedParts(changed);
    }

    /** On each owner of written keys: install their new state. */
    @Override
    protected void onStep(final Part p, final Ctx x) {
        if (scriptChanged != null) {
            // EVAL and FCALL carry no write flag, so the step signals nothing itself: the keys
            // the script changed are signalled as they are installed
            keys.install(p, x.keyspace, x.now, x.shard, conn);
        } else {
            keys.install(p, x.keyspace, x.now);
        }
    }

    @Override
    protected void onStepsDone() {
        finish();
    }
}
