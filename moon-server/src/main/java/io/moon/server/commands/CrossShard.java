package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.command.Flags;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;
import io.moon.storage.Db;
import io.moon.storage.Dump;
import io.moon.storage.Strings;
import io.netty.buffer.ByteBuf;

/**
 * The cross-shard forms of multi-key commands, for when their keys live on several shards. Each
 * is a {@link Coordinated} operation: lock the keys on every shard involved (in shard order),
 * run the per-shard step, merge in argument order, release.
 *
 * <p>For DEL/UNLINK/EXISTS/TOUCH, MGET and MSET the per-shard step is the command's own handler
 * run on a sub-command holding only that shard's keys; the merge adds the counts or puts MGET's
 * values back in argument order. RENAME, COPY, MSETNX and LCS move data between shards, so they
 * have their own steps.
 */
public final class CrossShard {
    private CrossShard() {
    }

    /**
     * Splits the request's keys (or key-value pairs with {@code stride} 2) by owning shard and
     * gives each part a sub-command: the command name and that shard's arguments, in order.
     */
    static final class Split extends Coordinated {
        private final Merge merge;

        Split(final Ctx c, final int stride, final Merge merge) {
            super(c);
            this.merge = merge;
            final boolean write = c.cmd.has(Flags.WRITE);
            final Request r = c.req;
            for (int i = 1; i < r.argc(); i += stride) {
                keyPart(i, c.dbIndex, write).addArg(i);
            }
            for (int k = 0; k < partCount(); k++) {
                final Part p = partAt(k);
                final Request sub = new Request();
                sub.add(r.buf(), r.off(0), r.len(0));
                for (int a = 0; a < p.argCount; a++) {
                    for (int s = 0; s < stride; s++) {
                        final int i = p.args[a] + s;
                        sub.add(r.buf(), r.off(i), r.len(i));
                    }
                }
                p.req = sub;
            }
        }

        /** Runs the command's own handler on this shard's sub-command, as soon as it is locked. */
        @Override
        protected void onLocked(final Part p, final Ctx c) {
            c.stepOfOperation = !nested(); // counted once by its connection when done
            c.runCommand();
        }

        @Override
        protected void onAllLocked() {
            releaseAll();
            merge.merge(this, reply);
            finish();
        }

        int parts() {
            return partCount();
        }

        Part shardPart(final int k) {
            return partAt(k);
        }

        Request request() {
            return req;
        }
    }

    /** How a split command's per-shard replies become the client's reply. */
    @FunctionalInterface
    interface Merge {
        void merge(Split op, Reply out);
    }

    // DEL, UNLINK, EXISTS, TOUCH: the sum of the shards' counts
    public static Coordinated sum(final Ctx c) {
        final Split op = new Split(c, 1, (s, out) -> {
            long total = 0;
            for (int k = 0; k < s.parts(); k++) {
                total += RespScan.integer(s.shardPart(k).buf);
            }
            out.integer(total);
        });
        op.start();
        return op;
    }

    // MGET: each shard's values put back in argument order
    public static Coordinated mget(final Ctx c) {
        final Split op = new Split(c, 1, (s, out) -> {
            final int n = s.request().argc() - 1;
            final ByteBuf[] bufs = new ByteBuf[s.parts()];
            // which part holds each argument's value; each part's values are in its argument order
            final int[] partOf = new int[n + 1];
            for (int k = 0; k < s.parts(); k++) {
                final Part p = s.shardPart(k);
                bufs[k] = p.buf;
                RespScan.skipHeader(p.buf);
                for (int a = 0; a < p.argCount; a++) {
                    partOf[p.args[a]] = k;
                }
            }
            out.arrayHeader(n);
            for (int i = 1; i <= n; i++) {
                final int k = partOf[i];
                final ByteBuf b = bufs[k];
                final int start = b.readerIndex();
                RespScan.skipElement(b);
                out.out().writeBytes(b, start, b.readerIndex() - start);
            }
        });
        op.start();
        return op;
    }

    // MSET: every shard stores its pairs
    public static Coordinated mset(final Ctx c) {
        if (!StringCommands.pairsOk(c)) {
            return finished(c);
        }
        final Split op = new Split(c, 2, (s, out) -> out.ok());
        op.start();
        return op;
    }

    // MSETNX: check every shard first (all locked), then write everywhere or nowhere
    public static Coordinated msetnx(final Ctx c) {
        if (!StringCommands.pairsOk(c)) {
            return finished(c);
        }
        final Coordinated op = new Coordinated(c) {
            /** Argument index of the first key that exists, in argument order; 0 when none does. */
            private int firstLive;

            {
                for (int i = 1; i < c.req.argc(); i += 2) {
                    keyPart(i, c.dbIndex, true).addArg(i);
                }
            }

            /**
             * Redis stops at the first key that exists, and only the keys before it have been
             * looked up (expired ones among them deleted). So each shard only peeks here: the
             * lowest argument index of a live key, in {@code n}.
             */
            @Override
            protected void onLocked(final Part p, final Ctx x) {
                p.n = 0;
                for (int a = 0; a < p.argCount; a++) {
                    if (isLive(x.db, x, p.args[a])) {
                        p.n = p.args[a];
                        return;
                    }
                }
            }

            @Override
            protected boolean writesWhenLocked() {
                return false; // the locked phase only peeks; the steps write (and signal watchers)
            }

            @Override
            protected void onAllLocked() {
                for (int k = 0; k < partCount(); k++) {
                    final int i = (int) partAt(k).n;
                    if (i != 0 && (firstLive == 0 || i < firstLive)) {
                        firstLive = i;
                    }
                }
                stepAllAndRelease();
            }

            /** Writes every pair, or (a key exists) looks up the keys before it, as Redis did. */
            @Override
            protected void onStep(final Part p, final Ctx x) {
                p.keysUnchanged = firstLive != 0; // a key exists: nothing is set, nobody is signalled
                for (int a = 0; a < p.argCount; a++) {
                    final int i = p.args[a];
                    if (firstLive == 0) {
                        StringCommands.setPair(x, i);
                    } else if (i < firstLive) {
                        x.find(i, x.keyHash(i));
                    }
                }
            }

            @Override
            protected void onStepsDone() {
                reply.integer(firstLive == 0 ? 1 : 0);
                finish();
            }
        };
        op.start();
        return op;
    }

    /** Whether argument i names a live key in db, without deleting it when it has expired. */
    static boolean isLive(final Db db, final Ctx x, final int i) {
        final Request r = x.req;
        final long a = db.lookup(r.buf(), r.off(i), r.len(i), x.keyHash(i));
        return a != 0 && !db.isExpired(a, x.now);
    }

    // RENAME / RENAMENX key newkey, with the keys on two shards
    public static Coordinated rename(final Ctx c) {
        final boolean nx = c.cmd.name().equals("renamenx");
        final Coordinated op = new Coordinated(c) {
            private final Part src;
            private final Part dst;

            {
                src = keyPart(1, c.dbIndex, true);
                dst = keyPart(2, c.dbIndex, true);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                if (p == src) {
                    final long a = x.find(1, x.keyHash(1));
                    p.data = a == 0 ? null : x.db.dump(a, true); // the source is deleted once it moves
                } else {
                    // Redis looks at the destination only once the source exists: peek, and leave
                    // an expired destination to the step
                    p.n = isLive(x.db, x, 2) ? 1 : 0;
                }
            }

            @Override
            protected boolean writesWhenLocked() {
                return false; // the locked phase only peeks; the steps write (and signal watchers)
            }

            @Override
            protected void onAllLocked() {
                if (src.data == null) {
                    reply.raw(Errors.NO_SUCH_KEY);
                    finish();
                    return;
                }
                if (nx && dst.n != 0) {
                    reply.integer(0);
                    finish();
                    return;
                }
                stepAllAndRelease();
            }

            @Override
            protected void onStep(final Part p, final Ctx x) {
                final Request r = x.req;
                // each shard notifies its own key (so the two events may reach a subscriber in
                // either order, unlike Redis's rename_from then rename_to: docs/differences.md)
                if (p == src) {
                    x.db.delete(r.buf(), r.off(1), r.len(1), x.keyHash(1), x.now);
                    io.moon.server.pubsub.Notify.event(x.server, x.shard.id, io.moon.server.pubsub.Notify.GENERIC,
                            "rename_from", dbIndex, r.buf(), r.off(1), r.len(1));
                } else {
                    final long h = x.keyHash(2);
                    x.db.delete(r.buf(), r.off(2), r.len(2), h, x.now);
                    x.db.restore(r.buf(), r.off(2), r.len(2), h, (Dump) src.data, true);
                    io.moon.server.pubsub.Notify.event(x.server, x.shard.id, io.moon.server.pubsub.Notify.GENERIC,
                            "rename_to", dbIndex, r.buf(), r.off(2), r.len(2));
                }
            }

            @Override
            protected void onStepsDone() {
                reply.raw(nx ? Reply.ONE : Reply.OK);
                finish();
            }
        };
        op.start();
        return op;
    }

    // COPY source destination [DB db] [REPLACE], with the keys on two shards
    public static Coordinated copy(final Ctx c) {
        final long opts = KeyCommands.copyOptions(c);
        if (opts < 0) {
            return finished(c);
        }
        final int dstDb = (int) (opts >>> 1);
        final boolean replace = (opts & 1) != 0;
        final Coordinated op = new Coordinated(c) {
            private final Part src;
            private final Part dst;

            {
                src = keyPart(1, c.dbIndex, false);
                dst = keyPart(2, dstDb, true);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                if (p == src) {
                    final long a = x.findRead(1, x.keyHash(1));
                    p.data = a == 0 ? null : x.db.dump(a);
                } else {
                    // peek, as for RENAME: Redis looks at the destination only once the source exists
                    p.n = isLive(x.keyspace.db(dstDb), x, 2) ? 1 : 0;
                }
            }

            @Override
            protected boolean writesWhenLocked() {
                return false; // the locked phase only peeks; the steps write (and signal watchers)
            }

            @Override
            protected void onAllLocked() {
                if (src.data == null || (dst.n != 0 && !replace)) {
                    reply.integer(0);
                    finish();
                    return;
                }
                step(dst);
            }

            @Override
            protected void onStep(final Part p, final Ctx x) {
                final Request r = x.req;
                final long h = x.keyHash(2);
                final Db to = x.keyspace.db(dstDb);
                to.delete(r.buf(), r.off(2), r.len(2), h, x.now);
                x.keyspace.commandStarts(); // Redis deletes and adds the key again: a "new" event
                Strings.unshare(to, to.restore(r.buf(), r.off(2), r.len(2), h, (Dump) src.data, false));
                io.moon.server.pubsub.Notify.event(x.server, x.shard.id, io.moon.server.pubsub.Notify.GENERIC, "copy_to",
                        dstDb, r.buf(), r.off(2), r.len(2));
            }

            @Override
            protected void onStepsDone() {
                reply.integer(1);
                finish();
            }
        };
        op.start();
        return op;
    }

    // LCS key1 key2 ..., with the keys on two shards: fetch both values, compute here
    public static Coordinated lcs(final Ctx c) {
        final long maxBulk = c.server.config.protoMaxBulkLen;
        final Coordinated op = new Coordinated(c) {
            private final Part first;
            private final Part second;

            {
                first = keyPart(1, c.dbIndex, false);
                second = keyPart(2, c.dbIndex, false);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                final int arg = p == first ? 1 : 2;
                final long a = x.findRead(arg, x.keyHash(arg));
                if (a == 0) {
                    p.data = new byte[0];
                } else if (!Strings.isString(x.db, a)) {
                    p.data = null;
                } else {
                    p.data = Strings.valueBytes(x.db, a);
                }
            }

            @Override
            protected void onAllLocked() {
                releaseAll();
                if (first.data == null || second.data == null) {
                    reply.raw(Lcs.NOT_STRINGS);
                } else {
                    Lcs.reply(reply, req, (byte[]) first.data, (byte[]) second.data, maxBulk);
                }
                finish();
            }
        };
        op.start();
        return op;
    }

    /**
     * Any keyed command whose keys span shards: its handler runs over copies of the keys on the
     * coordinator, and the keys it writes go back to their owners (see {@link Gather}).
     */
    public static Coordinated gather(final Ctx c) {
        final Gather op = new Gather(c);
        op.start();
        return op;
    }

    /** The command already replied (an argument error): no operation, no shard involved. */
    static Coordinated finished(final Ctx c) {
        return null;
    }
}
