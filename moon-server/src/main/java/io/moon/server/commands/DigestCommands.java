package io.moon.server.commands;

import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;
import io.moon.storage.Db;
import io.moon.storage.rdb.RdbDigest;

/**
 * DEBUG DIGEST and DEBUG DIGEST-VALUE with Redis's arithmetic ({@link RdbDigest}), so the same
 * data digests the same here and in Redis. DIGEST read-locks every database on every shard and
 * combines the per-shard parts once all locks are held: a consistent cut of the whole keyspace.
 */
final class DigestCommands {
    private DigestCommands() {
    }

    // DEBUG DIGEST
    static Coordinated digest(final Ctx c) {
        final int dbs = c.keyspace.databases();
        final Coordinated op = new Coordinated(c) {
            {
                allDatabases(false);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                // per database: the xor of this shard's key digests, or null when it has no keys there
                final byte[][] perDb = new byte[dbs][];
                for (int i = 0; i < dbs; i++) {
                    final Db d = x.keyspace.db(i);
                    if (d.size() == 0) {
                        continue;
                    }
                    final byte[] acc = new byte[20];
                    d.forEach(a -> RdbDigest.addKey(acc, RdbDigest.key(d, a)));
                    perDb[i] = acc;
                }
                p.data = perDb;
            }

            @Override
            protected void onAllLocked() {
                final byte[] digest = new byte[20];
                for (int i = 0; i < dbs; i++) {
                    boolean any = false;
                    for (int s = 0; s < partCount(); s++) {
                        any |= ((byte[][]) partAt(s).data)[i] != null;
                    }
                    if (!any) {
                        continue;
                    }
                    RdbDigest.database(digest, i);
                    for (int s = 0; s < partCount(); s++) {
                        final byte[] part = ((byte[][]) partAt(s).data)[i];
                        if (part != null) {
                            for (int b = 0; b < 20; b++) {
                                digest[b] ^= part[b];
                            }
                        }
                    }
                }
                reply.simple(RdbDigest.hex(digest));
                finish();
            }
        };
        op.start();
        return op;
    }

    // DEBUG DIGEST-VALUE [key ...]
    static Coordinated digestValue(final Ctx c) {
        final Request r = c.req;
        final int n = r.argc() - 2;
        final String[] out = new String[n];
        final int db = c.dbIndex;
        final Coordinated op = new Coordinated(c) {
            {
                for (int j = 2; j < r.argc(); j++) {
                    keyPart(j, db, false);
                }
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                final Db d = x.keyspace.db(db);
                for (int j = 2; j < req.argc(); j++) {
                    if (x.server.shardOf(req.buf(), req.off(j), req.len(j)) != x.shard.id) {
                        continue;
                    }
                    final long h = Db.hash(req.buf(), req.off(j), req.len(j));
                    // as Redis, a key whose time passed but that is not deleted yet still has a digest
                    final long a = d.lookup(req.buf(), req.off(j), req.len(j), h);
                    // each slot is written by the one shard owning that key, read after all parts locked
                    out[j - 2] = RdbDigest.hex(a == 0 ? new byte[20] : RdbDigest.value(d, a));
                }
            }

            @Override
            protected void onAllLocked() {
                reply.arrayHeader(n);
                for (final String s : out) {
                    reply.simple(s);
                }
                finish();
            }
        };
        op.start();
        return op;
    }
}
