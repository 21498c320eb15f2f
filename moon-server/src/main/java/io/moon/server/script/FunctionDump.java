package io.moon.server.script;

import io.moon.server.Ctx;
import io.moon.server.Server;
import io.moon.storage.rdb.Crc64;
import io.moon.storage.rdb.Rdb;
import io.moon.storage.rdb.RdbException;
import io.moon.storage.rdb.RdbIn;
import io.moon.storage.rdb.RdbOut;

import java.util.ArrayList;
import java.util.List;

/**
 * FUNCTION DUMP and FUNCTION RESTORE, and the libraries of snapshots. A payload is Redis's: each
 * library as an RDB FUNCTION2 record (opcode 245, then its code as an RDB string), then the RDB
 * version (2 bytes, little-endian) and the CRC-64 of everything before it (8 bytes), so payloads
 * move between Moon and Redis 7 both ways.
 */
public final class FunctionDump {
    private static final String WRONG = "ERR DUMP payload version or checksum are wrong";

    private FunctionDump() {
    }

    // FUNCTION DUMP
    public static void dump(final Ctx c) {
        final RdbOut out = new RdbOut(false);
        for (final Libraries.Library l : c.server.scripts.libraries.libraries()) {
            out.writeByte(Rdb.OP_FUNCTION2);
            out.writeString(l.code);
        }
        out.writeByte(Rdb.VERSION & 0xff);
        out.writeByte(Rdb.VERSION >>> 8);
        out.writeLongLE(Crc64.update(0, out.array(), 0, out.length()));
        c.out.bulk(out.array(), 0, out.length());
    }

    // FUNCTION RESTORE serialized-value [FLUSH|APPEND|REPLACE]
    public static void restore(final Ctx c) {
        if (c.argc() > 4) {
            c.out.error("ERR unknown subcommand or wrong number of arguments for '" + c.req.argString(1) + "'. Try FUNCTION HELP.");
            return;
        }
        Libraries.Policy policy = Libraries.Policy.APPEND;
        if (c.argc() == 4) {
            policy = switch (c.req.argString(3).toLowerCase(java.util.Locale.ROOT)) {
                case "flush" -> Libraries.Policy.FLUSH;
                case "append" -> Libraries.Policy.APPEND;
                case "replace" -> Libraries.Policy.REPLACE;
                default -> null;
            };
            if (policy == null) {
                c.out.error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
                return;
            }
        }
        final byte[] p = c.req.argBytes(2);
        final int n = p.length - 10;
        if (n < 0 || (p[n] & 0xff | (p[n + 1] & 0xff) << 8) > Rdb.MAX_VERSION
                || Crc64.update(0, p, 0, n + 2) != readLongLE(p, n + 2)) {
            c.out.error(WRONG);
            return;
        }
        final List<byte[]> codes = new ArrayList<>();
        // records are read while they start before the footer; as in Redis, a string may run on
        // into the footer's bytes (its length is not checked against the records' end)
        final RdbIn in = RdbIn.of(p, 0, p.length);
        while (in.offset() < n) {
            if (in.readByte() != Rdb.OP_FUNCTION2) {
                c.out.error("ERR given type is not a function");
                return;
            }
            try {
                codes.add(in.readString());
            } catch (final RdbException e) {
                c.out.error("ERR Failed loading library payload");
                return;
            }
        }
        try {
            install(codes, LuaShard.of(c.shard).functions(), c.server.scripts.libraries, policy);
            c.out.ok();
        } catch (final Libraries.Refused e) {
            c.out.error(e.getMessage());
        }
    }

    private static void install(final List<byte[]> codes, final FunctionEnv env, final Libraries libs,
                                final Libraries.Policy policy) {
        final List<Libraries.Library> incoming = new ArrayList<>();
        final java.util.Set<String> names = new java.util.HashSet<>();
        for (final byte[] code : codes) {
            final Libraries.Library l = Libraries.compile(code, env);
            if (!names.add(l.name)) {
                throw new Libraries.Refused("ERR Library " + l.name + " already exists");
            }
            incoming.add(l);
        }
        libs.restore(incoming, policy);
    }

    /**
     * Installs the libraries a snapshot holds (at startup or DEBUG RELOAD, before clients are
     * served), replacing any of the same name. Runs on the loader's thread with an interpreter of
     * its own. Throws {@link Libraries.Refused} when one does not load.
     */
    public static void installFromSnapshot(final Server server, final List<byte[]> codes) {
        if (codes.isEmpty()) {
            return;
        }
        install(codes, new LuaShard(server.shard(0)).functions(), server.scripts.libraries, Libraries.Policy.REPLACE);
    }

    /** The code of every library, in load order (snapshots and the log's rewrite). */
    public static List<byte[]> codes(final Server server) {
        final List<byte[]> out = new ArrayList<>();
        for (final Libraries.Library l : server.scripts.libraries.libraries()) {
            out.add(l.code);
        }
        return out;
    }

    private static long readLongLE(final byte[] b, final int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | b[off + i] & 0xff;
        }
        return v;
    }
}
