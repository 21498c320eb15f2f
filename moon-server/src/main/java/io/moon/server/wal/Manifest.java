package io.moon.server.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The list of files that make up the log, in the spirit of Redis 7's multi-part AOF manifest:
 * one optional base (an RDB file of a consistent cut) and, per shard, the segments written after
 * it, oldest first. Text, one file a line:
 *
 * <pre>
 * shards 2
 * file appendonly.aof.3.base.rdb seq 3 type b
 * file appendonly.aof.2.0.incr.aof seq 2 type i shard 0
 * file appendonly.aof.3.0.incr.aof seq 3 type i shard 0
 * </pre>
 *
 * The manifest is replaced atomically (temp file, fsync, rename, directory fsync), so it always
 * names a complete history: recovery loads the base, then replays each shard's segments in order.
 *
 * @param shards   shard count the segments were written with
 * @param base     base file name, or null
 * @param baseSeq  generation of the base (0 without one)
 * @param segments segments, oldest generation first
 */
record Manifest(int shards, String base, long baseSeq, List<Segment> segments) {

    /** One shard's segment of one generation. */
    record Segment(String name, long seq, int shard) {
    }

    static String manifestName(final String appendfilename) {
        return appendfilename + ".manifest";
    }

    static String baseName(final String appendfilename, final long seq) {
        return appendfilename + "." + seq + ".base.rdb";
    }

    static String segmentName(final String appendfilename, final long seq, final int shard) {
        return appendfilename + "." + seq + "." + shard + io.moon.storage.wal.WalCheck.SUFFIX;
    }

    /** The newest generation named here. */
    long lastSeq() {
        long s = baseSeq;
        for (final Segment g : segments) {
            s = Math.max(s, g.seq());
        }
        return s;
    }

    /** One shard's segments, oldest first. */
    List<Segment> of(final int shard) {
        final List<Segment> r = new ArrayList<>();
        for (final Segment g : segments) {
            if (g.shard() == shard) {
                r.add(g);
            }
        }
        return r;
    }

    /** A manifest Redis 7 wrote (no shard count; incr files not tied to a shard): Moon cannot replay it. */
    static final class RedisAof extends IOException {
        RedisAof(final Path manifest, final String base) {
            super("The append only file of " + manifest.getParent() + " is Redis's (its manifest " + manifest.getFileName()
                    + " has no shard count): Moon cannot replay a Redis AOF. Start Moon from an RDB file instead: run"
                    + " SAVE or BGSAVE on the Redis server, put its dump.rdb in Moon's dir and start with appendonly no"
                    + " (CONFIG SET appendonly yes then starts Moon's own log)"
                    + (base == null || !base.endsWith(".rdb") ? "" : "; the AOF's base " + base + " is such a file,"
                    + " but without the writes its incr files hold after it"));
        }
    }

    /** The names this manifest lists that are not regular files in {@code dir}: the base first, then segments in order. */
    List<String> missing(final Path dir) {
        final List<String> gone = new ArrayList<>();
        if (base != null && !Files.isRegularFile(dir.resolve(base))) {
            gone.add(base);
        }
        for (final Segment g : segments) {
            if (!Files.isRegularFile(dir.resolve(g.name()))) {
                gone.add(g.name());
            }
        }
        return gone;
    }

    /** Reads the manifest in {@code dir}, or null when there is none. */
    static Manifest read(final Path dir, final String appendfilename) throws IOException {
        final Path f = dir.resolve(manifestName(appendfilename));
        if (!Files.isRegularFile(f)) {
            return null;
        }
        int shards = -1;
        String base = null;
        long baseSeq = 0;
        final List<Segment> segs = new ArrayList<>();
        boolean redisLines = false; // "file <name> seq <n> type i|h" without a shard: Redis 7's layout
        int lineNo = 0;
        for (final String raw : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            lineNo++;
            final String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            final String[] w = line.split("\\s+");
            try {
                if (w[0].equals("shards") && w.length == 2) {
                    shards = Integer.parseInt(w[1]);
                } else if (w[0].equals("file") && w.length >= 6 && w[2].equals("seq") && w[4].equals("type")) {
                    final long seq = Long.parseLong(w[3]);
                    if (w[5].equals("b")) {
                        base = w[1];
                        baseSeq = seq;
                    } else if (w[5].equals("i") && w.length == 8 && w[6].equals("shard")) {
                        segs.add(new Segment(w[1], seq, Integer.parseInt(w[7])));
                    } else if ((w[5].equals("i") || w[5].equals("h")) && w.length == 6 && shards <= 0) {
                        redisLines = true;
                    } else {
                        throw new IOException("bad file line");
                    }
                } else {
                    throw new IOException("unknown line");
                }
            } catch (final NumberFormatException | IOException e) {
                throw new IOException("invalid AOF manifest " + f + " line " + lineNo + ": '" + line + "'");
            }
        }
        if (shards <= 0) {
            if (redisLines || base != null) {
                throw new RedisAof(f, base);
            }
            throw new IOException("invalid AOF manifest " + f + ": no shard count");
        }
        if (redisLines) {
            throw new IOException("invalid AOF manifest " + f + ": an incr file without a shard");
        }
        segs.sort(java.util.Comparator.comparingLong(Segment::seq).thenComparingInt(Segment::shard));
        return new Manifest(shards, base, baseSeq, List.copyOf(segs));
    }

    /** Replaces the manifest in {@code dir} atomically. */
    void write(final Path dir, final String appendfilename) throws IOException {
        final StringBuilder sb = new StringBuilder();
        sb.append("shards ").append(shards).append('\n');
        if (base != null) {
            sb.append("file ").append(base).append(" seq ").append(baseSeq).append(" type b\n");
        }
        for (final Segment g : segments) {
            sb.append("file ").append(g.name()).append(" seq ").append(g.seq()).append(" type i shard ")
                    .append(g.shard()).append('\n');
        }
        final Path tmp = dir.resolve("temp-" + manifestName(appendfilename));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            final java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(manifestName(appendfilename)), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        syncDir(dir);
    }

    static void syncDir(final Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /** Every file name this manifest keeps. */
    java.util.Set<String> names() {
        final java.util.Set<String> n = new java.util.HashSet<>();
        if (base != null) {
            n.add(base);
        }
        for (final Segment g : segments) {
            n.add(g.name());
        }
        return n;
    }
}
