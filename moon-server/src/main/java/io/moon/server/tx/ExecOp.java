package io.moon.server.tx;

import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.command.CommandSpec;
import io.moon.server.command.CommandSpec.Route;
import io.moon.server.net.Connection;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.GatheredKeys;
import io.moon.server.xshard.LockTable;
import io.moon.server.xshard.Part;
import io.moon.storage.Keyspace;

import java.util.List;

/**
 * EXEC over keys on several shards: the generic gather form (see commands.Gather) for a whole
 * transaction. Every key any queued command names is locked (written keys exclusively, the others
 * and the watched keys shared), their values are copied from their owners, the commands run in
 * order over the copies in a scratch keyspace on the coordinator, and the keys the commands may
 * have written go back to their owners before any lock is released. So no client sees part of the
 * transaction, and the WATCH check, made once every lock is held, cannot be overtaken by a write.
 *
 * <p>Keyspace-wide commands (DBSIZE, KEYS, FLUSHALL, SCAN...) cannot run over copies: inside a
 * transaction that spans shards they answer an error of their own (docs/differences.md).
 */
final class ExecOp extends Coordinated {
    private final Connection client;
    private final List<TxState.Queued> queued;
    /** The user EXEC runs as: each command's rights are checked again as it runs. */
    private final io.moon.server.acl.AclUser user;
    /** Every key a queued command names, by command, argument and database. */
    private final GatheredKeys keys = new GatheredKeys();
    private final int[] dbAt;
    /** The gathered numbers of each queued command's keys: from firstKey (its n-th key is this + n) to endKey. */
    private final int[] firstKey;
    private final int[] endKey;

    ExecOp(final Ctx c, final Connection client, final List<TxState.Queued> queued) {
        super(c);
        this.client = client;
        this.queued = queued;
        this.user = client.state().aclUser;
        this.dbAt = new int[queued.size()];
        this.firstKey = new int[queued.size()];
        this.endKey = new int[queued.size()];
        int db = client.db();
        final int databases = c.keyspace.databases();
        for (int q = 0; q < queued.size(); q++) {
            final CommandSpec s = queued.get(q).spec();
            final Request r = queued.get(q).req();
            dbAt[q] = db;
            if (s.name().equals("select")) {
                db = selected(r, db, databases);
                continue;
            }
            if (s.route() != Route.KEYED) {
                continue;
            }
            final boolean writeCmd = s.mayWrite();
            final int keyCount = s.keyCount(r);
            // MOVE writes its key in another database, COPY ... DB n its destination: that key is
            // gathered too (in its own database), or the run would change only the scratch copy
            final long other = io.moon.server.net.KeyUse.otherDbKey(s, r);
            final int otherDb = other >= 0 && (other >>> 32) < databases ? (int) (other >>> 32) : -1;
            final boolean isMove = s.name().equals("move");
            firstKey[q] = keys.count();
            for (int n = 0; n < keyCount; n++) {
                final int i = s.keyArg(r, n);
                final boolean written = writeCmd && s.writesKeyAt(r, i);
                final int keyDb = otherDb >= 0 && !isMove && i == (int) other ? otherDb : db;
                addKey(r, i, keyDb, written);
            }
            if (otherDb >= 0 && isMove) {
                addKey(r, (int) other, otherDb, true);
            }
            endKey[q] = keys.count();
        }
        for (final TxState.Watched w : client.tx.watched) {
            part(w.shard()).lockKey(w.db(), w.key(), 0, w.key().length, false);
        }
        if (partCount() == 0) {
            part(home.id); // nothing keyed: still one (empty) part so the operation runs
        }
        boolean oneShard = partCount() == 1;
        for (final TxState.Queued q : queued) {
            final CommandSpec s = q.spec();
            if (s.route() == Route.COORDINATED || (s.route() == Route.LOCAL
                    && !s.name().equals("ping") && !s.name().equals("echo"))) {
                oneShard = false;
            }
        }
        this.inPlace = oneShard;
    }

    private void addKey(final Request r, final int i, final int db, final boolean written) {
        final Part p = part(server.shardOf(r.buf(), r.off(i), r.len(i)));
        p.lockKey(db, r.buf(), r.off(i), r.len(i), written);
        p.addArg(keys.add(r, i, db, written));
    }

    /**
     * All keys (watched ones included) on one shard, and nothing that needs the connection: the
     * commands run in place on that shard while it holds their locks, with no copies.
     */
    private final boolean inPlace;

    /** The database a queued SELECT switches to (unchanged when its argument is invalid: it then fails). */
    static int selected(final Request r, final int current, final int databases) {
        if (r.argc() == 2 && r.parseLong(1) && r.longValue >= 0 && r.longValue < databases) {
            return (int) r.longValue;
        }
        return current;
    }

    /** Whether a single-shard command could run on this shard now, given its locks. */
    static boolean free(final io.moon.server.Shard shard, final CommandSpec s, final Request r, final int db) {
        final int mode = s.mayWrite() ? LockTable.X : LockTable.S;
        final int keys = s.keyCount(r);
        for (int n = 0; n < keys; n++) {
            final int i = s.keyArg(r, n);
            if (!shard.locks.canRunNow(db, r.buf(), r.off(i), r.len(i), mode)) {
                return false;
            }
        }
        final long other = io.moon.server.net.KeyUse.otherDbKey(s, r);
        if (other >= 0) {
            final int k = (int) other;
            return shard.locks.canRunNow((int) (other >>> 32), r.buf(), r.off(k), r.len(k), LockTable.X);
        }
        return true;
    }

    @Override
    protected boolean writes() {
        return keys.anyWritten();
    }

    @Override
    protected boolean writesWhenLocked() {
        // it only copies there (in place, Ctx.runCommand touches what each command writes); its own
        // watches are checked once everything is locked
        return false;
    }

    /** On each owner: copies of its keys' live values (null for a missing key). */
    @Override
    protected void onLocked(final Part p, final Ctx x) {
        if (inPlace) {
            // every watched key lives here too, and only this thread touches them: the check and
            // the commands are one step
            if (client.tx.dirty()) {
                p.n = -1;
                return;
            }
            p.out.arrayHeader(queued.size());
            for (int q = 0; q < queued.size(); q++) {
                final TxState.Queued item = queued.get(q);
                final String refused = io.moon.server.acl.AclCheck.execRefusal(server, user, null, item.spec(),
                        item.req());
                if (refused != null) {
                    p.out.error(refused);
                    continue;
                }
                x.bind(dbAt[q], item.req(), p.out, item.spec());
                x.proto = proto;
                x.noTouch = noTouch;
                x.client = null;
                x.blockFor = null;
                x.inTransaction = true;
                x.runCommand();
            }
            return;
        }
        keys.copy(p, x.keyspace, x.now);
    }

    @Override
    protected void onAllLocked() {
        final TxState tx = client.tx;
        if (inPlace) {
            TransactionCommands.unwatchAll(client);
            final Part p = partAt(0);
            if (p.n == -1) {
                reply.nullArray();
            } else {
                replyBuf.writeBytes(p.buf);
            }
            finish();
            return;
        }
        if (tx.dirty()) {
            TransactionCommands.unwatchAll(client);
            reply.nullArray();
            finish();
            return;
        }
        TransactionCommands.unwatchAll(client);
        final Keyspace scratch = keys.scratch(this, server);
        reply.arrayHeader(queued.size());
        final boolean[] changed = new boolean[keys.count()];
        for (int q = 0; q < queued.size(); q++) {
            final TxState.Queued item = queued.get(q);
            final CommandSpec s = item.spec();
            final String refused = io.moon.server.acl.AclCheck.execRefusal(server, user, null, s, item.req());
            if (refused != null) {
                reply.error(refused);
                continue;
            }
            if (s.route() == Route.COORDINATED) {
                reply.error("ERR '" + s.fullName() + "' cannot run inside a transaction whose keys span shards");
                continue;
            }
            final Ctx x = new Ctx(home, scratch);
            x.bind(dbAt[q], item.req(), reply, s);
            x.proto = proto;
            x.noTouch = noTouch;
            x.client = s.route() == Route.LOCAL ? client : null;
            x.inTransaction = true;
            if (s.isScript()) {
                // its commands are judged one by one, as when it runs alone (Gather)
                final int first = firstKey[q];
                final int end = endKey[q];
                x.changes = (db, k, off, len) -> {
                    if (!keys.mark(changed, db, k, off, len)) {
                        java.util.Arrays.fill(changed, first, end, true); // another database: all count
                    }
                };
                x.runCommand();
                continue;
            }
            final boolean keyed = s.route() == Route.KEYED && s.mayWrite();
            final long before = keyed ? x.existing() : 0;
            final int mark = reply.out().writerIndex();
            x.runCommand();
            if (keyed) {
                noteChanges(x, s, item.req(), q, before, mark, changed);
            }
        }
        // written keys go back to their owners: their state after the whole transaction
        final boolean writes = keys.collect(this, scratch, System.currentTimeMillis());
        home.giveScratch(scratch);
        if (!writes) {
            finish();
            return;
        }
        // a shard none of whose keys a command changed signals none of them (WATCH, tracking),
        // as the commands run in place would not
        quietUnchangedParts(changed);
        stepSomeAndReleaseAll(p -> p.n == 1);
    }

    /**
     * Marks the gathered keys queued command q may have changed, by the rule a command run in
     * place follows (Ctx#touchWatchedKeys): it existed before or exists after, the handler did not
     * call it unchanged, and the reply does not say nothing changed. A key past the 63rd, and every
     * key of a MOVE or a COPY ... DB (one of them lives in another database), always counts.
     */
    private void noteChanges(final Ctx x, final CommandSpec s, final Request r, final int q, final long before,
                             final int mark, final boolean[] changed) {
        if (x.keysUnchanged == -1L || server.aof.changedNothing(s, reply.out(), mark)) {
            return;
        }
        if (io.moon.server.net.KeyUse.otherDbKey(s, r) >= 0) {
            for (int g = firstKey[q]; g < endKey[q]; g++) {
                changed[g] = true; // MOVE, COPY ... DB: a key in another database, every key counts
            }
            return;
        }
        final long bits = (before | x.existing()) & ~x.keysUnchanged;
        for (int g = firstKey[q]; g < endKey[q]; g++) {
            final int n = g - firstKey[q];
            if (n >= 63 || (bits & (1L << n)) != 0) {
                changed[g] = true;
            }
        }
    }

    /** On each owner of written keys: install their state after the transaction. */
    @Override
    protected void onStep(final Part p, final Ctx x) {
        keys.install(p, x.keyspace, x.now);
    }

    @Override
    protected void onStepsDone() {
        finish();
    }
}
