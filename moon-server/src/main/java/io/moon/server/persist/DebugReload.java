package io.moon.server.persist;

import io.moon.server.Ctx;
import io.moon.server.Server;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: saves the dataset to {@code dir/dbfilename}, empties
 * it and loads the file back, as Redis does, all under an exclusive lock on every database of
 * every shard, so no client sees the dataset in between. NOSAVE loads the file as it is, NOFLUSH
 * keeps the current keys (a key in the file that exists is an error), MERGE replaces such keys.
 */
public final class DebugReload {
    private static final Logger LOG = Logger.getLogger(DebugReload.class.getName());

    private DebugReload() {
    }

    // DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]
    public static Coordinated reload(final Ctx c) {
        boolean merge = false;
        boolean flush = true;
        boolean save = true;
        for (int i = 2; i < c.req.argc(); i++) {
            switch (c.req.argString(i).toUpperCase(Locale.ROOT)) {
                case "MERGE" -> merge = true;
                case "NOFLUSH" -> flush = false;
                case "NOSAVE" -> save = false;
                default -> {
                    c.out.error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
                    return null;
                }
            }
        }
        final Server server = c.server;
        final Snapshots snapshots = server.snapshots;
        final java.util.concurrent.CompletableFuture<Void> running = snapshots.begin();
        if (running == null) {
            c.out.error("ERR Background save already in progress");
            return null;
        }
        final Path target = snapshots.dumpFile();
        final SnapshotFile file = save ? new SnapshotFile(target, !"no".equals(server.config.get("rdbchecksum")),
                server.memoryLimit.total(), server.shardCount()) : null;
        if (file != null) {
            file.start();
        }
        final boolean compress = !"no".equals(server.config.get("rdbcompression"));
        final boolean emptyFirst = flush;
        final boolean replace = merge;
        final int dbs = c.keyspace.databases();
        final Coordinated op = new Coordinated(c) {
            {
                allDatabases(true);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                if (file == null) {
                    return;
                }
                try {
                    ShardSnapshot.encodeAll(x.shard, file, compress);
                } catch (final RuntimeException e) {
                    file.abort(String.valueOf(e.getMessage()));
                } finally {
                    file.shardDone();
                }
            }

            @Override
            protected void onAllLocked() {
                final Thread t = new Thread(() -> {
                    final String err = saveAndLoad();
                    home.execute(() -> {
                        if (err == null) {
                            reply.ok();
                        } else {
                            reply.error(err);
                        }
                        finish();
                    });
                }, "moon-debug-reload");
                t.setDaemon(true);
                t.start();
            }

            /** Saves (waits for the file), empties, loads; returns null or the error reply. */
            private String saveAndLoad() {
                try {
                    if (file != null) {
                        try {
                            file.done().join();
                        } catch (final RuntimeException e) {
                            return "ERR Error trying to save the DB";
                        } finally {
                            snapshots.finished(file.failure(), false, false, 0, true);
                        }
                    } else {
                        snapshots.finished(null, false, false, 0, true);
                    }
                    if (emptyFirst) {
                        server.scripts.libraries.flush(); // as Redis empties its functions too; the file has them
                        final CountDownLatch cleared = new CountDownLatch(server.shardCount());
                        for (int s = 0; s < server.shardCount(); s++) {
                            final io.moon.server.Shard shard = server.shard(s);
                            shard.execute(() -> {
                                for (int d = 0; d < dbs; d++) {
                                    shard.keyspace.db(d).clear();
                                }
                                cleared.countDown();
                            });
                        }
                        cleared.await();
                    }
                    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(target), 1 << 16)) {
                        new RdbLoader(server, snapshots, in, Files.size(target), replace).run();
                    }
                    LOG.info("DB reloaded by DEBUG RELOAD");
                    return null;
                } catch (final IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "DEBUG RELOAD failed loading: " + e.getMessage());
                    return "ERR Error trying to load the RDB dump, check server logs.";
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return "ERR interrupted";
                }
            }
        };
        op.start();
        return op;
    }
}
