package io.moon.server.commands;

import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.Server;
import io.moon.server.net.Connection;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;
import io.moon.storage.Db;
import io.moon.storage.Strings;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * DEBUG subcommands for tests and operators: SLEEP, POPULATE, OBJECT, DIGEST, RELOAD, SET-ACTIVE-EXPIRE, HELP.
 * Refused unless enable-debug-command allows it (by default it does not, as in Redis 7).
 *
 * <p>DEBUG SLEEP holds an exclusive lock on every database of every shard for the given time, so
 * every command that touches data waits, as when Redis sleeps; no thread is blocked meanwhile.
 */
public final class DebugCommands {
    private DebugCommands() {
    }

    private static final byte[] NOT_POSITIVE = io.moon.protocol.Reply.err("ERR value is out of range, must be positive");

    // DEBUG <subcommand> [args]: replies at once (returns null) or starts a cross-shard operation
    public static Coordinated debug(final Ctx c) {
        final Request r = c.req;
        final String sub = r.argString(1).toLowerCase(Locale.ROOT);
        final int argc = r.argc();
        if (sub.equals("help") && argc == 2) {
            help(c);
        } else if (sub.equals("sleep") && argc == 3) {
            return sleep(c);
        } else if (sub.equals("populate") && argc >= 3 && argc <= 5) {
            return populate(c);
        } else if (sub.equals("object") && argc == 3) {
            return object(c);
        } else if (sub.equals("digest") && argc == 2) {
            return DigestCommands.digest(c);
        } else if (sub.equals("digest-value") && argc >= 2) {
            return DigestCommands.digestValue(c);
        } else if (sub.equals("reload")) {
            return io.moon.server.persist.DebugReload.reload(c);
        } else if (sub.equals("set-active-expire") && argc == 3) {
            c.server.config.activeExpire = atoi(r.argString(2)) != 0;
            c.out.ok();
        } else {
            // Redis's addReplySubcommandSyntaxError
            c.out.error("ERR unknown subcommand or wrong number of arguments for '"
                    + io.moon.server.net.Dispatcher.cString(r, 1, 128) + "'. Try DEBUG HELP.");
        }
        return null;
    }

    /** C's atoi: leading spaces, an optional sign, then as many digits as there are (0 if none). */
    static long atoi(final String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9' && v < Integer.MAX_VALUE) {
            v = v * 10 + (s.charAt(i) - '0');
            i++;
        }
        return negative ? -v : v;
    }

    /** C's strtod on the longest prefix that is a decimal number (0 if none), as DEBUG SLEEP reads it. */
    static double strtodPrefix(final String s) {
        final java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("^\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?").matcher(s);
        if (!m.find()) {
            return 0;
        }
        return Double.parseDouble(m.group().trim());
    }

    /** True on a loopback or in-process connection (enable-debug-command local and the like). */
    static boolean isLocal(final Connection conn) {
        if (conn == null) {
            return false;
        }
        final String addr = conn.state().addr;
        return addr.startsWith("127.") || addr.startsWith("[::1]") || addr.isEmpty() || addr.startsWith("local:");
    }

    public static boolean allowed(final Server server, final Connection conn) {
        return allowed(server.config.enableDebugCommand, conn);
    }

    private static boolean allowed(final String mode, final Connection conn) {
        return mode.equals("yes") || mode.equals("local") && isLocal(conn);
    }

    /**
     * The refusal of a protected command (DEBUG under enable-debug-command, MODULE LOAD/LOADEX/UNLOAD
     * under enable-module-command) for this connection, or null when it may run.
     */
    public static String protectedRefusal(final Server server, final Connection conn,
                                          final io.moon.server.command.CommandSpec spec) {
        final boolean module = spec.parent() != null && spec.parent().name().equals("module");
        final String option = module ? "enable-module-command" : "enable-debug-command";
        if (allowed(module ? server.config.get(option) : server.config.enableDebugCommand, conn)) {
            return null;
        }
        return "ERR " + (module ? "MODULE" : "DEBUG") + " command not allowed. If the " + option + " option is set to"
                + " \"local\", you can run it from a local connection, otherwise you need to set this option in the"
                + " configuration file, and then restart the server.";
    }

    private static void help(final Ctx c) {
        Help.reply(c.out, "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "DIGEST", "    Output a hex signature representing the current DB content.",
                "DIGEST-VALUE <key> [<key> ...]", "    Output a hex signature of the values of all the specified keys.",
                "OBJECT <key>", "    Show low-level information about the key.",
                "POPULATE <count> [<prefix>] [<size>]",
                "    Create <count> string keys named key:<num> (or <prefix>:<num>) holding value:<num>,",
                "    padded with zero bytes to <size> when given. Existing keys are left alone.",
                "RELOAD [MERGE] [NOFLUSH] [NOSAVE]",
                "    Save the RDB on disk and reload it back to memory. MERGE replaces keys that exist,",
                "    NOFLUSH keeps the current keys, NOSAVE loads the file on disk as it is.",
                "SET-ACTIVE-EXPIRE <0|1>", "    Turn the active expire cycle off or on.",
                "SLEEP <seconds>", "    Stall every command that touches data for <seconds> (decimals allowed).");
    }

    // DEBUG SLEEP seconds
    private static Coordinated sleep(final Ctx c) {
        final double seconds = strtodPrefix(c.req.argString(2));
        final long micros = (long) (seconds * 1_000_000);
        final Coordinated op = new Coordinated(c) {
            {
                allDatabases(true);
            }

            @Override
            protected void onAllLocked() {
                home.loop().schedule(() -> {
                    reply.ok();
                    finish();
                }, Math.max(0, micros), TimeUnit.MICROSECONDS);
            }
        };
        op.start();
        return op;
    }

    // DEBUG POPULATE count [prefix] [size]
    private static Coordinated populate(final Ctx c) {
        final Request r = c.req;
        // getPositiveLongFromObjectOrReply: one message for "not a number" and "negative"
        if (!r.parseLong(2) || r.longValue < 0) {
            c.out.raw(NOT_POSITIVE);
            return null;
        }
        final long count = r.longValue;
        long size = 0;
        if (r.argc() == 5) {
            if (!r.parseLong(4) || r.longValue < 0) {
                c.out.raw(NOT_POSITIVE);
                return null;
            }
            size = r.longValue;
        }
        final String prefix = r.argc() >= 4 ? r.argString(3) : "key";
        final long valueSize = size;
        final int db = c.dbIndex;
        final Coordinated op = new Coordinated(c) {
            {
                allShards(db, true);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                final Db d = x.keyspace.db(db);
                final byte[] pre = prefix.getBytes(StandardCharsets.ISO_8859_1);
                for (long j = 0; j < count; j++) {
                    final byte[] key = concat(pre, (":" + j).getBytes(StandardCharsets.ISO_8859_1));
                    if (x.server.shardOf(key, 0, key.length) != x.shard.id) {
                        continue;
                    }
                    final long h = Db.hash(key, 0, key.length);
                    if (d.find(key, 0, key.length, h, x.now) != 0) {
                        continue;
                    }
                    byte[] val = ("value:" + j).getBytes(StandardCharsets.ISO_8859_1);
                    if (valueSize > 0) {
                        val = java.util.Arrays.copyOf(val, (int) valueSize);
                    }
                    Strings.set(d, key, 0, key.length, h, 0, val, 0, val.length, false);
                }
            }

            @Override
            protected void onAllLocked() {
                reply.ok();
                finish();
            }
        };
        op.start();
        return op;
    }

    private static byte[] concat(final byte[] a, final byte[] b) {
        final byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // DEBUG OBJECT key
    private static Coordinated object(final Ctx c) {
        final Coordinated op = new Coordinated(c) {
            {
                keyPart(2, c.dbIndex, false);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                final long a = x.find(2, x.keyHash(2));
                if (a == 0) {
                    return;
                }
                final Db d = x.db;
                final String enc = io.moon.storage.ValueType.encoding(d, a);
                final long serialized = serializedLength(d, a);
                final int lru = d.lru(a);
                p.data = "Value at:0x" + Long.toHexString(a) + " refcount:" + (Strings.isSharedInt(d, a) ? Integer.MAX_VALUE : 1) + " encoding:" + enc
                        + " serializedlength:" + serialized + " lru:" + lru
                        + " lru_seconds_idle:" + x.keyspace.idleMillis(lru) / 1000;
            }

            @Override
            protected void onAllLocked() {
                final Object d = partAt(0).data;
                if (d == null) {
                    reply.error("ERR no such key");
                } else {
                    reply.simple((String) d);
                }
                finish();
            }
        };
        op.start();
        return op;
    }

    /** Bytes the value takes in an RDB file without compression (Redis compresses long strings with LZF). */
    static long serializedLength(final Db d, final long a) {
        if (Strings.isInt(d, a)) {
            final long v = d.intValue(a);
            if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
                return 2;
            }
            if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
                return 3;
            }
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                return 5;
            }
        }
        final long len = Strings.length(d, a);
        final int lenBytes = len < 64 ? 1 : len < 16384 ? 2 : len <= 0xffffffffL ? 5 : 9;
        return lenBytes + len;
    }
}
