package io.moon.server.commands;

import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.blocking.Blocking;
import io.moon.server.blocking.BlockingOutcome;
import io.moon.server.blocking.SharedWaiter;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;
import io.moon.storage.ListCursor;
import io.moon.storage.ListValues;
import io.moon.storage.ValueType;

/**
 * BLMOVE / BRPOPLPUSH with the source and the destination on two shards. Both keys are locked;
 * a missing source blocks the client on its shard (registered while locked); otherwise the pop on
 * the source's shard and the push on the destination's happen under the locks, so no client sees
 * the element in neither list or in both. A client blocked this way is served by running the
 * command again on its home (the waiter has no local pop), which lands here once more: it moves
 * the element, or blocks again with its first deadline if another client took it meanwhile.
 */
final class BlockingMove extends Coordinated implements BlockingOutcome {
    private static final int ABSENT = 0;
    private static final int LIST = 1;
    private static final int OTHER = 2;

    private final boolean fromLeft;
    private final boolean toLeft;
    private final long arg;
    private final long deadline;
    private final boolean mayBlock;
    private final Part src;
    private final Part dst;
    private boolean pushed;
    private SharedWaiter waiter;

    BlockingMove(final Ctx c, final long arg, final long deadline) {
        super(c);
        this.arg = arg;
        this.fromLeft = (arg & 2) != 0;
        this.toLeft = (arg & 1) != 0;
        this.deadline = deadline;
        this.mayBlock = Blocking.mayBlock(c);
        src = keyPart(1, c.dbIndex, true);
        dst = keyPart(2, c.dbIndex, true);
    }

    @Override
    public SharedWaiter waiter() {
        return waiter;
    }

    @Override
    protected void onLocked(final Part p, final Ctx x) {
        if (p == src) {
            final long a = ListCommands.findWrite(x, 1, x.keyHash(1));
            p.n = a == 0 ? ABSENT : ListValues.isList(x.db, a) ? LIST : OTHER;
        } else {
            final Request r = x.req;
            final long a = x.db.lookup(r.buf(), r.off(2), r.len(2), x.keyHash(2));
            p.n = a == 0 || x.db.isExpired(a, x.now) ? ABSENT : ListValues.isList(x.db, a) ? LIST : OTHER;
        }
    }

    @Override
    protected void onAllLocked() {
        if (src.n == ABSENT) {
            if (!mayBlock) {
                reply.nullBulk();
                finish();
                return;
            }
            waiter = Blocking.waiter(conn, req, cmd, dbIndex, proto, noTouch, null, ValueType.LIST, arg, deadline, 1);
            Blocking.registerKey(waiter, src.shard, 1);
            stepAllAndRelease();
        } else if (src.n == OTHER || dst.n == OTHER) {
            reply.raw(Errors.WRONGTYPE);
            finish();
        } else {
            step(src);
        }
    }

    @Override
    protected void onStep(final Part p, final Ctx x) {
        if (waiter != null) {
            if (p == src) {
                Blocking.activate(waiter, x.shard);
            }
            return;
        }
        final int fill = ListCommands.fill(x);
        if (p == src) {
            final long h = x.keyHash(1);
            final long a = x.find(1, h);
            final long len = ListValues.length(x.db, a);
            final long at = fromLeft ? 0 : len - 1;
            final ListCursor cur = x.listCursor.seek(x.db, a, at);
            // what Redis's conversion check counts for a re-pushed element (0 for a quicklist integer)
            p.n = cur.inQuickList() && cur.isInt() ? 0 : cur.length();
            p.data = cur.toBytes(); // allocates: the element travels to the destination's shard
            ListValues.afterRemoval(x.db, ListValues.deleteRange(x.db, a, at, 1), h, fill);
            ListCommands.popped(x, 1, h, fromLeft);
        } else {
            final Request r = x.req;
            final long h = x.keyHash(2);
            final byte[] e = (byte[]) src.data;
            ListValues.pushOne(x.db, ListCommands.findWrite(x, 2, h), r.buf(), r.off(2), r.len(2), h, toLeft, e, 0,
                    e.length, src.n, fill);
            ListCommands.pushed(x, 2, toLeft);
        }
    }

    @Override
    protected void onStepsDone() {
        if (waiter != null) {
            finish();
            return;
        }
        if (!pushed) {
            pushed = true;
            step(dst);
            return;
        }
        reply.bulk((byte[]) src.data);
        finish();
    }
}
