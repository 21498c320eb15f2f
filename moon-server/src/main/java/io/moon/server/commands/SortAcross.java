package io.moon.server.commands;

import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;
import io.moon.storage.ListValues;
import io.moon.storage.ValueType;

import java.util.ArrayList;
import java.util.List;

/**
 * SORT and SORT_RO whose BY/GET patterns may name keys on other shards, or whose STORE
 * destination lives elsewhere: standalone Redis looks any key up, so this runs as one
 * {@link Coordinated} operation that read-locks the database on every shard (a database lock
 * covers every key a pattern may name; the destination's shard takes it for writing).
 *
 * <p>The sorted key's shard copies the elements out when its lock is granted; the coordinator
 * works out every key the patterns name, asks each owning shard for its share in one step, then
 * weighs, sorts, cuts and replies, or hands the result to the destination's shard to store.
 */
public final class SortAcross {
    private SortAcross() {
    }

    /** SORT/SORT_RO's cross-shard form; without looking-up patterns, the generic gather does. */
    public static Coordinated start(final Ctx c) {
        if (!SortCommand.hasLookups(c.req)) {
            return CrossShard.gather(c);
        }
        final boolean readonly = c.cmd.name().equals("sort_ro");
        final SortCommand.Opts o = SortCommand.Opts.parse(c.req, readonly, c.out);
        if (o == null) {
            return CrossShard.finished(c);
        }
        final Op op = new Op(c, o);
        op.start();
        return op;
    }

    /** The lookups one shard answers: key and field (null for a string), and where each answer goes. */
    private static final class Fetch {
        final List<byte[]> keys = new ArrayList<>();
        final List<byte[]> fields = new ArrayList<>();
        final List<Integer> slots = new ArrayList<>();
    }

    private static final class Op extends Coordinated {
        private static final int FETCH = 1;
        private static final int STORE = 2;

        private final SortCommand.Opts o;
        private final Part src;
        private final Part dst;
        private int phase;
        private int type;
        private boolean wrongType;
        private byte[][] elements;
        private SortCommand.Item[] items;
        /** Answers of the lookups: per item, BY first (when sorting by a pattern), then each GET. */
        private byte[][] answers;
        private int width;
        private List<byte[]> result;

        Op(final Ctx c, final SortCommand.Opts o) {
            super(c);
            this.o = o;
            final Request r = c.req;
            final int dstShard = o.storeArg == 0 ? -1
                    : server.shardOf(r.buf(), r.off(o.storeArg), r.len(o.storeArg));
            for (int s = 0; s < server.shardCount(); s++) {
                part(s).lockDb(c.dbIndex, s == dstShard);
            }
            src = part(server.shardOf(r.buf(), r.off(1), r.len(1)));
            dst = dstShard < 0 ? null : part(dstShard);
        }

        @Override
        protected void onLocked(final Part p, final Ctx x) {
            if (p != src) {
                return;
            }
            final long a = x.findRead(1, x.keyHash(1));
            type = a == 0 ? ValueType.LIST : ValueType.of(x.db, a);
            if (type != ValueType.SET && type != ValueType.LIST && type != ValueType.ZSET) {
                wrongType = true;
                return;
            }
            elements = a == 0 ? new byte[0][] : SortCommand.load(x.db, a, type);
        }

        @Override
        protected void onAllLocked() {
            if (wrongType) {
                reply.raw(Errors.WRONGTYPE);
                finish();
                return;
            }
            if (o.dontsort && type == ValueType.SET && o.storeArg != 0) {
                // a set has no order of its own: a stored result must not depend on its layout
                o.dontsort = false;
                o.alpha = true;
                o.by = 0;
            }
            final int n = elements.length;
            items = new SortCommand.Item[n];
            for (int i = 0; i < n; i++) {
                // a list or sorted set left unsorted keeps its order, reversed by DESC
                items[i] = new SortCommand.Item(elements[o.dontsort && o.desc && type != ValueType.SET ? n - 1 - i : i]);
            }
            width = 1 + o.gets.size();
            answers = new byte[n * width][];
            final Request r = req;
            for (int i = 0; i < n; i++) {
                if (!o.dontsort && o.by != 0) {
                    ask(r, o.by, i, 0);
                }
                for (int g = 0; g < o.gets.size(); g++) {
                    ask(r, o.gets.get(g), i, g + 1);
                }
            }
            phase = FETCH;
            boolean any = false;
            for (int i = 0; i < partCount(); i++) {
                final Part p = partAt(i);
                if (p.data != null) {
                    step(p);
                    any = true;
                }
            }
            if (!any) {
                onStepsDone();
            }
        }

        /** Queues the lookup pattern arg names for item i on the owning shard (a "#" answers at once). */
        private void ask(final Request r, final int arg, final int i, final int col) {
            final byte[] b = r.buf();
            final int po = r.off(arg);
            final int pl = r.len(arg);
            if (pl == 1 && b[po] == '#') {
                answers[i * width + col] = items[i].obj;
                return;
            }
            final byte[][] kf = SortCommand.patternKey(b, po, pl, items[i].obj);
            if (kf == null) {
                return;
            }
            final Part p = part(server.shardOf(kf[0], 0, kf[0].length));
            Fetch f = (Fetch) p.data;
            if (f == null) {
                f = new Fetch();
                p.data = f;
            }
            f.keys.add(kf[0]);
            f.fields.add(kf[1]);
            f.slots.add(i * width + col);
        }

        @Override
        protected void onStep(final Part p, final Ctx x) {
            if (phase == FETCH) {
                final Fetch f = (Fetch) p.data;
                for (int j = 0; j < f.keys.size(); j++) {
                    // each slot is written by one shard only
                    answers[f.slots.get(j)] = SortCommand.read(x, f.keys.get(j), f.fields.get(j));
                }
                return;
            }
            final Request r = x.req;
            final long h = x.keyHash(o.storeArg);
            x.db.delete(r.buf(), r.off(o.storeArg), r.len(o.storeArg), h, x.now);
            if (!result.isEmpty()) {
                ListValues.store(x.db, r.buf(), r.off(o.storeArg), r.len(o.storeArg), h,
                        result.toArray(new byte[0][]), result.size(), x.server.config.listMaxListpackSize);
            }
        }

        @Override
        protected void onStepsDone() {
            if (phase == STORE) {
                reply.integer(result.size());
                finish();
                return;
            }
            final int n = items.length;
            if (!o.dontsort) {
                boolean ok = true;
                for (int i = 0; i < n; i++) {
                    final SortCommand.Item it = items[i];
                    final byte[] w = o.by != 0 ? answers[i * width] : it.obj;
                    if (w == null) {
                        continue;
                    }
                    if (o.alpha) {
                        if (o.by != 0) {
                            it.by = w;
                        }
                    } else {
                        it.score = SortCommand.strtod(w);
                        ok &= !Double.isNaN(it.score);
                    }
                }
                if (!ok) {
                    reply.raw(SortCommand.NOT_DOUBLE);
                    finish();
                    return;
                }
            }
            // answers are indexed by the item's place before sorting
            final int[] place = new int[n];
            final java.util.IdentityHashMap<SortCommand.Item, Integer> before = new java.util.IdentityHashMap<>();
            for (int i = 0; i < n; i++) {
                before.put(items[i], i);
            }
            final int[] range = o.range(n);
            if (!o.dontsort) {
                SortCommand.sortItems(items, o.alpha, o.by != 0, o.storeArg != 0, o.desc, range[0], range[1]);
            }
            for (int i = 0; i < n; i++) {
                place[i] = before.get(items[i]);
            }
            result = new ArrayList<>();
            for (int j = range[0]; j <= range[1]; j++) {
                if (o.gets.isEmpty()) {
                    result.add(items[j].obj);
                }
                for (int g = 0; g < o.gets.size(); g++) {
                    final byte[] v = answers[place[j] * width + g + 1];
                    result.add(v == null && o.storeArg != 0 ? new byte[0] : v);
                }
            }
            if (o.storeArg == 0) {
                reply.arrayHeader(result.size());
                for (final byte[] v : result) {
                    if (v == null) {
                        reply.nullBulk();
                    } else {
                        reply.bulk(v);
                    }
                }
                finish();
                return;
            }
            phase = STORE;
            stepSomeAndReleaseAll(p -> p == dst);
        }
    }
}
