package io.moon.server.blocking;

import io.moon.server.Ctx;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;
import io.moon.storage.ValueType;

/**
 * A blocking pop (BLPOP, BRPOP, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP) whose keys live on several
 * shards. With every key write-locked it looks at all of them, as Redis would in one step: the
 * first key in argument order that exists decides (WRONGTYPE, or a pop on its shard). When none
 * exists the client blocks: each shard registers the waiter for its keys while the locks still
 * hold, so no push can be missed between the look and the registration; then the locks go and
 * the connection waits ({@link io.moon.server.net.Connection#onCoordinatedDone}).
 */
public final class BlockingOp extends Coordinated implements BlockingOutcome {
    private static final byte[] WRONGTYPE =
            io.moon.protocol.Reply.err("WRONGTYPE Operation against a key holding the wrong kind of value");

    private final BlockedPop pop;
    private final int type;
    private final long arg;
    private final long deadline;
    private final int firstKey;
    private final boolean mayBlock;
    /** Per key: 0 missing, 1 of the awaited type, 2 another type; written by each key's shard. */
    private final int[] seen;
    private final Part[] partOfKey;
    private int chosen = -1;
    private SharedWaiter waiter;

    public BlockingOp(final Ctx c, final BlockedPop pop, final int type, final long arg, final long deadline,
                      final int firstKey, final int lastKey) {
        super(c);
        this.pop = pop;
        this.type = type;
        this.arg = arg;
        this.deadline = deadline;
        this.firstKey = firstKey;
        this.mayBlock = Blocking.mayBlock(c);
        final int n = lastKey - firstKey + 1;
        this.seen = new int[n];
        this.partOfKey = new Part[n];
        for (int k = 0; k < n; k++) {
            final Part p = keyPart(firstKey + k, c.dbIndex, true);
            p.addArg(firstKey + k);
            partOfKey[k] = p;
        }
    }

    @Override
    public SharedWaiter waiter() {
        return waiter;
    }

    @Override
    protected void onLocked(final Part p, final Ctx x) {
        for (int a = 0; a < p.argCount; a++) {
            final int i = p.args[a];
            final long addr = x.find(i, x.keyHash(i));
            seen[i - firstKey] = addr == 0 ? 0 : ValueType.of(x.db, addr) == type ? 1 : 2;
        }
    }

    @Override
    protected void onAllLocked() {
        for (int k = 0; k < seen.length; k++) {
            if (seen[k] != 0) {
                chosen = k;
                break;
            }
        }
        if (chosen >= 0) {
            if (seen[chosen] == 2) {
                reply.raw(WRONGTYPE);
                finish();
            } else {
                step(partOfKey[chosen]);
            }
            return;
        }
        if (!mayBlock) {
            reply.nullArray();
            finish();
            return;
        }
        final SharedWaiter w = new SharedWaiter(conn, Blocking.copy(req), cmd, dbIndex, proto, noTouch, pop, type, arg,
                deadline, partCount());
        for (int k = 0; k < partCount(); k++) {
            final Part p = partAt(k);
            final Registration r = w.registration(p.shard);
            for (int a = 0; a < p.argCount; a++) {
                Blocking.addKey(r, w.req, p.args[a]);
            }
        }
        waiter = w;
        stepAllAndRelease();
    }

    @Override
    protected void onStep(final Part p, final Ctx x) {
        if (waiter != null) {
            x.shard.blocked.add(waiter.registration(x.shard));
            return;
        }
        final int i = firstKey + chosen;
        final long h = x.keyHash(i);
        pop.serve(x, arg, i, x.find(i, h), h);
    }

    @Override
    protected void onStepsDone() {
        if (waiter == null) {
            reply.raw(partOfKey[chosen].buf);
        }
        finish();
    }
}
