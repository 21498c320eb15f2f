package io.moon.server.wal;

import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.command.CommandTable;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a write command leaves in the log: the command as it ran, or a form whose replay gives
 * the same result at any later time, as Redis propagates commands. Relative expiries become
 * absolute (EXPIRE, SET EX, SETEX, GETEX, RESTORE's TTL, HEXPIRE → PEXPIREAT, PXAT, ABSTTL,
 * HPEXPIREAT, computed from the time the command ran with), random or float-formatting effects
 * become their result (SPOP → SREM of the popped members, INCRBYFLOAT → SET ... KEEPTTL,
 * HINCRBYFLOAT → HSET), and blocking pops and moves become their non-blocking twins for the key
 * they served. A reply that says nothing changed (an error, {@code :0} from a counting command, a
 * nil pop) logs nothing.
 *
 * <p>The plain case, most writes, copies the request's bytes straight into the staging buffer;
 * only the rewritten forms allocate.
 */
final class Rewrite {
    static final byte PLAIN = 0;
    /** Logged unless the reply is :0 (DEL, SADD, EXPIRE's "not set"...). */
    static final byte ZERO_IS_NOOP = 1;
    /** Logged unless the reply is nil. */
    static final byte NIL_IS_NOOP = 2;
    static final byte EXPIRE = 3;
    static final byte PEXPIRE = 4;
    static final byte EXPIREAT = 5;
    static final byte SET = 6;
    static final byte SETEX = 7;
    static final byte PSETEX = 8;
    static final byte GETEX = 9;
    static final byte INCRBYFLOAT = 10;
    static final byte HINCRBYFLOAT = 11;
    static final byte SPOP = 12;
    static final byte BLPOP = 13;
    static final byte BRPOP = 14;
    static final byte BLMOVE = 15;
    static final byte BRPOPLPUSH = 16;
    static final byte BLMPOP = 17;
    static final byte BZPOPMIN = 18;
    static final byte BZPOPMAX = 19;
    static final byte BZMPOP = 20;
    static final byte RESTORE = 21;
    static final byte HEXPIRE = 22;
    static final byte HPEXPIRE = 23;
    static final byte HEXPIREAT = 24;
    /** Logged unless every subcommand is a GET (Redis propagates nothing then). */
    static final byte BITFIELD = 25;
    /** Logged only when the reply is an integer: GEORADIUS with STORE (without, it only reads). */
    static final byte STORE_FORM = 26;
    /** XADD with the ID it generated, XTRIM and XADD's approximate trims as exact ones (StreamRewrite). */
    static final byte XADD = 27;
    static final byte XTRIM = 28;
    static final byte XREADGROUP = 29;

    private Rewrite() {
    }

    /** The rewrite kind of every command id of the table (top-level and subcommands). */
    static byte[] kinds(final CommandTable table) {
        int max = 0;
        for (final var s : table.all()) {
            max = Math.max(max, s.id());
        }
        final byte[] k = new byte[max + 1];
        for (final var s : table.all()) {
            k[s.id()] = kindOf(s.fullName().toLowerCase(Locale.ROOT));
        }
        return k;
    }

    private static byte kindOf(final String name) {
        return switch (name) {
            case "del", "unlink", "persist", "srem", "hdel", "zrem", "lrem", "smove", "hsetnx", "setnx", "msetnx",
                 "renamenx", "sadd", "lpushx", "rpushx", "zremrangebyscore", "zremrangebyrank", "zremrangebylex",
                 "move", "copy", "pexpireat", "hpersist", "pfadd", "xdel", "xack" -> ZERO_IS_NOOP;
            case "lpop", "rpop", "getdel", "lmove", "rpoplpush" -> NIL_IS_NOOP;
            case "expire" -> EXPIRE;
            case "pexpire" -> PEXPIRE;
            case "expireat" -> EXPIREAT;
            case "set" -> SET;
            case "setex" -> SETEX;
            case "psetex" -> PSETEX;
            case "getex" -> GETEX;
            case "incrbyfloat" -> INCRBYFLOAT;
            case "hincrbyfloat" -> HINCRBYFLOAT;
            case "spop" -> SPOP;
            case "blpop" -> BLPOP;
            case "brpop" -> BRPOP;
            case "blmove" -> BLMOVE;
            case "brpoplpush" -> BRPOPLPUSH;
            case "blmpop" -> BLMPOP;
            case "bzpopmin" -> BZPOPMIN;
            case "bzpopmax" -> BZPOPMAX;
            case "bzmpop" -> BZMPOP;
            case "restore" -> RESTORE;
            case "hexpire" -> HEXPIRE;
            case "hpexpire" -> HPEXPIRE;
            case "hexpireat" -> HEXPIREAT;
            case "bitfield" -> BITFIELD;
            case "georadius", "georadiusbymember" -> STORE_FORM;
            case "xadd" -> XADD;
            case "xtrim" -> XTRIM;
            case "xreadgroup", "xclaim", "xautoclaim" -> XREADGROUP;
            default -> PLAIN;
        };
    }

    /**
     * Logs the command bound in {@code c}, whose reply starts at {@code mark} in {@code out}, in
     * its deterministic form (or not at all when it changed nothing).
     */
    static void emit(final ShardLog log, final byte kind, final Ctx c, final ByteBuf out, final int mark) {
        if (out.writerIndex() <= mark) {
            if (kind == XREADGROUP && c.waiter != null) {
                StreamRewrite.groupOps(log, c, c.req, null, 0); // blocked, having created or seen its consumer
            }
            return; // blocked (no reply yet): nothing else happened
        }
        final byte first = out.getByte(mark);
        if (first == '-') {
            return;
        }
        final Request r = c.req;
        final int db = c.dbIndex;
        switch (kind) {
            case PLAIN -> log.emit(db, r);
            case ZERO_IS_NOOP -> {
                if (!isZero(out, mark)) {
                    log.emit(db, r);
                }
            }
            case NIL_IS_NOOP -> {
                if (!isNil(out, mark)) {
                    log.emit(db, r);
                }
            }
            case STORE_FORM -> {
                if (first == ':') {
                    log.emit(db, r);
                }
            }
            case EXPIRE, PEXPIRE, EXPIREAT -> {
                if (isZero(out, mark) || !r.parseLong(2)) {
                    return;
                }
                final long at = kind == EXPIRE ? plus(c.now, times(r.longValue, 1000))
                        : kind == PEXPIRE ? plus(c.now, r.longValue) : times(r.longValue, 1000);
                final List<byte[]> a = args("PEXPIREAT", r.argBytes(1), num(at));
                for (int i = 3; i < r.argc(); i++) {
                    a.add(r.argBytes(i));
                }
                log.emit(db, a);
            }
            case SET -> set(log, c, r, out, mark);
            case SETEX, PSETEX -> {
                if (!r.parseLong(2)) {
                    return;
                }
                final long at = plus(c.now, kind == SETEX ? times(r.longValue, 1000) : r.longValue);
                log.emit(db, args("SET", r.argBytes(1), r.argBytes(3), bytes("PXAT"), num(at)));
            }
            case GETEX -> getex(log, c, r, out, mark);
            case INCRBYFLOAT -> log.emit(db, args("SET", r.argBytes(1), flat(out, mark).getFirst(), bytes("KEEPTTL")));
            case HINCRBYFLOAT -> log.emit(db, args("HSET", r.argBytes(1), r.argBytes(2), flat(out, mark).getFirst()));
            case SPOP -> {
                if (isNil(out, mark)) {
                    return;
                }
                final List<byte[]> popped = flat(out, mark);
                if (popped.isEmpty()) {
                    return;
                }
                final List<byte[]> a = args("SREM", r.argBytes(1));
                a.addAll(popped);
                log.emit(db, a);
            }
            case BLPOP, BRPOP, BZPOPMIN, BZPOPMAX -> {
                if (isNil(out, mark)) {
                    return;
                }
                final String name = switch (kind) {
                    case BLPOP -> "LPOP";
                    case BRPOP -> "RPOP";
                    case BZPOPMIN -> "ZPOPMIN";
                    default -> "ZPOPMAX";
                };
                log.emit(db, args(name, flat(out, mark).getFirst()));
            }
            case BLMOVE -> {
                if (!isNil(out, mark)) {
                    log.emit(db, args("LMOVE", r.argBytes(1), r.argBytes(2), r.argBytes(3), r.argBytes(4)));
                }
            }
            case BRPOPLPUSH -> {
                if (!isNil(out, mark)) {
                    log.emit(db, args("RPOPLPUSH", r.argBytes(1), r.argBytes(2)));
                }
            }
            case BLMPOP, BZMPOP -> mpop(log, kind, c, r, out, mark);
            case XADD -> StreamRewrite.xadd(log, c, r, out, mark);
            case XTRIM -> StreamRewrite.xtrim(log, c, r, out, mark);
            case XREADGROUP -> StreamRewrite.groupOps(log, c, r, out, mark);
            case RESTORE -> restore(log, c, r);
            case HEXPIRE, HPEXPIRE, HEXPIREAT -> {
                if (!r.parseLong(2)) {
                    return;
                }
                final long at = kind == HEXPIRE ? plus(c.now, times(r.longValue, 1000))
                        : kind == HPEXPIRE ? plus(c.now, r.longValue) : times(r.longValue, 1000);
                final List<byte[]> a = args("HPEXPIREAT", r.argBytes(1), num(at));
                for (int i = 3; i < r.argc(); i++) {
                    a.add(r.argBytes(i));
                }
                log.emit(db, a);
            }
            case BITFIELD -> {
                if (bitfieldWrites(r)) {
                    log.emit(db, r);
                }
            }
            default -> log.emit(db, r);
        }
    }

    // SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL]
    private static void set(final ShardLog log, final Ctx c, final Request r, final ByteBuf out, final int mark) {
        int expiryArg = -1;
        long at = 0;
        boolean get = false;
        for (int i = 3; i < r.argc(); i++) {
            final String o = r.argString(i).toUpperCase(Locale.ROOT);
            switch (o) {
                case "EX", "PX", "EXAT", "PXAT" -> {
                    if (i + 1 >= r.argc() || !r.parseLong(i + 1)) {
                        return;
                    }
                    final long v = r.longValue;
                    at = switch (o) {
                        case "EX" -> plus(c.now, times(v, 1000));
                        case "PX" -> plus(c.now, v);
                        case "EXAT" -> times(v, 1000);
                        default -> v;
                    };
                    expiryArg = i;
                    i++;
                }
                case "GET" -> get = true;
                default -> {
                }
            }
        }
        if (!get && isNil(out, mark)) {
            return; // NX or XX refused: nothing changed
        }
        if (expiryArg < 0) {
            log.emit(c.dbIndex, r);
            return;
        }
        final List<byte[]> a = new ArrayList<>(r.argc());
        for (int i = 0; i < r.argc(); i++) {
            if (i == expiryArg) {
                a.add(bytes("PXAT"));
                a.add(num(at));
                i++;
            } else {
                a.add(r.argBytes(i));
            }
        }
        log.emit(c.dbIndex, a);
    }

    // GETEX key [EX s|PX ms|EXAT s|PXAT ms|PERSIST]
    private static void getex(final ShardLog log, final Ctx c, final Request r, final ByteBuf out, final int mark) {
        if (r.argc() < 3 || isNil(out, mark)) {
            return;
        }
        final String o = r.argString(2).toUpperCase(Locale.ROOT);
        if (o.equals("PERSIST")) {
            log.emit(c.dbIndex, args("PERSIST", r.argBytes(1)));
            return;
        }
        if (r.argc() < 4 || !r.parseLong(3)) {
            return;
        }
        final long v = r.longValue;
        final long at = switch (o) {
            case "EX" -> plus(c.now, times(v, 1000));
            case "PX" -> plus(c.now, v);
            case "EXAT" -> times(v, 1000);
            default -> v;
        };
        log.emit(c.dbIndex, args("PEXPIREAT", r.argBytes(1), num(at)));
    }

    // BLMPOP timeout numkeys key... LEFT|RIGHT [COUNT n]; BZMPOP timeout numkeys key... MIN|MAX [COUNT n]
    private static void mpop(final ShardLog log, final byte kind, final Ctx c, final Request r, final ByteBuf out,
                             final int mark) {
        if (isNil(out, mark) || !r.parseLong(2)) {
            return;
        }
        final int where = 3 + (int) r.longValue;
        if (where >= r.argc()) {
            return;
        }
        final List<byte[]> items = flat(out, mark);
        if (items.size() < 2) {
            return;
        }
        final int popped = kind == BLMPOP ? items.size() - 1 : (items.size() - 1) / 2;
        log.emit(c.dbIndex, args(kind == BLMPOP ? "LMPOP" : "ZMPOP", bytes("1"), items.getFirst(),
                r.argBytes(where), bytes("COUNT"), num(popped)));
    }

    // RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f]
    private static void restore(final ShardLog log, final Ctx c, final Request r) {
        boolean abs = false;
        for (int i = 4; i < r.argc(); i++) {
            if (r.argString(i).equalsIgnoreCase("ABSTTL")) {
                abs = true;
            }
        }
        if (abs || !r.parseLong(2) || r.longValue == 0) {
            log.emit(c.dbIndex, r);
            return;
        }
        final long at = c.now + r.longValue; // wraps as RESTORE's own sum does
        if (at <= c.now) {
            // the TTL overflowed into the past: nothing was created, a replaced key was deleted
            log.emit(c.dbIndex, args("DEL", r.argBytes(1)));
            return;
        }
        final List<byte[]> a = new ArrayList<>(r.argc() + 1);
        for (int i = 0; i < r.argc(); i++) {
            a.add(i == 2 ? num(at) : r.argBytes(i));
        }
        a.add(bytes("ABSTTL"));
        log.emit(c.dbIndex, a);
    }

    // ---- reply inspection ----------------------------------------------------------------------

    private static final byte[] SET_TOKEN = {'S', 'E', 'T'};
    private static final byte[] INCRBY_TOKEN = {'I', 'N', 'C', 'R', 'B', 'Y'};

    /**
     * Whether a BITFIELD that ran has a SET or INCRBY (it replied, so its arguments parsed: no type,
     * offset, value or OVERFLOW mode can be spelled SET or INCRBY).
     */
    private static boolean bitfieldWrites(final Request r) {
        for (int i = 2; i < r.argc(); i++) {
            if (r.argIs(i, SET_TOKEN) || r.argIs(i, INCRBY_TOKEN)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the reply says the command changed nothing, the test that also decides what the log
     * skips: no reply (it blocked), an error, :0 from a counting command or an EXPIRE that set
     * nothing, nil from a pop. WATCH then leaves the command's keys alone, as Redis signals only
     * real changes.
     */
    static boolean changedNothing(final byte kind, final ByteBuf out, final int mark) {
        if (out.writerIndex() <= mark || out.getByte(mark) == '-') {
            return true;
        }
        return switch (kind) {
            case ZERO_IS_NOOP, EXPIRE, PEXPIRE, EXPIREAT -> isZero(out, mark);
            case NIL_IS_NOOP -> isNil(out, mark);
            default -> false;
        };
    }

    static boolean isZero(final ByteBuf out, final int mark) {
        return out.writerIndex() - mark == 4 && out.getByte(mark) == ':' && out.getByte(mark + 1) == '0';
    }

    static boolean isNil(final ByteBuf out, final int mark) {
        final byte b = out.getByte(mark);
        if (b == '_') {
            return true;
        }
        return (b == '$' || b == '*') && out.getByte(mark + 1) == '-';
    }

    /** Every scalar of a reply (bulk and simple strings, numbers, doubles) in order, nesting flattened. */
    static List<byte[]> flat(final ByteBuf out, final int mark) {
        final List<byte[]> items = new ArrayList<>();
        int p = mark;
        final int end = out.writerIndex();
        while (p < end) {
            final byte t = out.getByte(p);
            final int eol = out.indexOf(p, end, (byte) '\r');
            if (eol < 0) {
                break;
            }
            final String head = out.toString(p + 1, eol - p - 1, StandardCharsets.US_ASCII);
            p = eol + 2;
            switch (t) {
                case '$', '=' -> {
                    final int n = Integer.parseInt(head);
                    if (n >= 0) {
                        final byte[] b = new byte[n];
                        out.getBytes(p, b);
                        items.add(b);
                        p += n + 2;
                    }
                }
                case '+', ':', ',' -> items.add(head.getBytes(StandardCharsets.US_ASCII));
                default -> {
                    // aggregate headers (*, ~, %, >): their elements follow
                }
            }
        }
        return items;
    }

    // ---- building arguments (rewritten forms only) ----------------------------------------------

    private static List<byte[]> args(final String name, final byte[]... rest) {
        final List<byte[]> a = new ArrayList<>(rest.length + 4);
        a.add(bytes(name));
        a.addAll(java.util.Arrays.asList(rest));
        return a;
    }

    static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] num(final long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    private static long plus(final long a, final long b) {
        final long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : r;
    }

    private static long times(final long a, final long b) {
        final long hi = Math.multiplyHigh(a, b);
        final long lo = a * b;
        return (hi == 0 && lo >= 0) || (hi == -1 && lo < 0) ? lo : (a > 0 ? Long.MAX_VALUE : Long.MIN_VALUE);
    }
}
