package io.moon.server.pubsub;

import io.moon.server.Ctx;
import io.moon.server.Server;
import io.moon.server.config.ConfigException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keyspace notifications (notify-keyspace-events). Family handlers call {@link #event} next to
 * each write; when the class is off (the default) that is one volatile int test and nothing is
 * allocated. When on, the event goes out as Pub/Sub messages on {@code __keyspace@<db>__:<key>}
 * (the event name) and {@code __keyevent@<db>__:<event>} (the key), published from whichever
 * shard runs the write, so subscribers on every shard receive it.
 */
public final class Notify {
    public static final int KEYSPACE = 1;
    public static final int KEYEVENT = 1 << 1;
    public static final int GENERIC = 1 << 2;
    public static final int STRING = 1 << 3;
    public static final int LIST = 1 << 4;
    public static final int SET = 1 << 5;
    public static final int HASH = 1 << 6;
    public static final int ZSET = 1 << 7;
    public static final int EXPIRED = 1 << 8;
    public static final int EVICTED = 1 << 9;
    public static final int STREAM = 1 << 10;
    public static final int KEY_MISS = 1 << 11;
    public static final int NEW = 1 << 14;
    /** What 'A' stands for: every class but key misses and new keys. */
    static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM;

    private Notify() {
    }

    /** Notifies {@code event} of class {@code type} for the key in argument {@code keyArg}. */
    public static void event(final Ctx c, final int type, final String event, final int keyArg) {
        final int flags = c.server.config.notifyKeyspaceEvents;
        if ((flags & type) == 0) {
            return;
        }
        emit(c.server, c.shard.id, flags, event, c.dbIndex,
                Arrays.copyOfRange(c.buf(), c.off(keyArg), c.off(keyArg) + c.len(keyArg)));
    }

    /** As {@link #event} for a key given by its bytes (expired keys, cross-shard steps). */
    public static void event(final Server server, final int shard, final int type, final String event, final int db,
                             final byte[] k, final int ko, final int kl) {
        final int flags = server.config.notifyKeyspaceEvents;
        if ((flags & type) == 0) {
            return;
        }
        emit(server, shard, flags, event, db, Arrays.copyOfRange(k, ko, ko + kl));
    }

    private static void emit(final Server server, final int shard, final int flags, final String event, final int db,
                             final byte[] key) {
        final byte[] ev = event.getBytes(StandardCharsets.US_ASCII);
        if ((flags & KEYSPACE) != 0) {
            server.pubsub.publish(shard, concat("__keyspace@" + db + "__:", key), ev, false);
        }
        if ((flags & KEYEVENT) != 0) {
            server.pubsub.publish(shard, concat("__keyevent@" + db + "__:", ev), key, false);
        }
    }

    private static byte[] concat(final String prefix, final byte[] tail) {
        final byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
        final byte[] r = Arrays.copyOf(p, p.length + tail.length);
        System.arraycopy(tail, 0, r, p.length, tail.length);
        return r;
    }

    /** The flags of a notify-keyspace-events value (already validated). */
    public static int parse(final String value) {
        try {
            return flags(value);
        } catch (final ConfigException e) {
            return 0;
        }
    }

    private static int flags(final String value) throws ConfigException {
        int f = 0;
        for (int i = 0; i < value.length(); i++) {
            f |= switch (value.charAt(i)) {
                case 'A' -> ALL | 1 << 13;
                case 'g' -> GENERIC;
                case '$' -> STRING;
                case 'l' -> LIST;
                case 's' -> SET;
                case 'h' -> HASH;
                case 'z' -> ZSET;
                case 'x' -> EXPIRED;
                case 'e' -> EVICTED;
                case 'K' -> KEYSPACE;
                case 'E' -> KEYEVENT;
                case 't' -> STREAM;
                case 'm' -> KEY_MISS;
                case 'd' -> 1 << 13; // module key type events: accepted, no module emits them
                case 'n' -> NEW;
                default -> throw new ConfigException(ConfigException.Kind.BAD_VALUE, "notify-keyspace-events",
                        "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
            };
        }
        return f;
    }

    /** CONFIG SET's check and Redis's CONFIG GET form of the flags ("KEA" reads back as "AKE"). */
    public static String normalize(final String value) throws ConfigException {
        final int f = flags(value);
        final StringBuilder b = new StringBuilder();
        if ((f & (ALL | 1 << 13)) == (ALL | 1 << 13)) {
            b.append('A');
        } else {
            final char[] letters = {'g', '$', 'l', 's', 'h', 'z', 'x', 'e', 't', 'd', 'n'};
            final int[] bits = {GENERIC, STRING, LIST, SET, HASH, ZSET, EXPIRED, EVICTED, STREAM, 1 << 13, NEW};
            for (int i = 0; i < letters.length; i++) {
                if ((f & bits[i]) != 0) {
                    b.append(letters[i]);
                }
            }
        }
        if ((f & KEYSPACE) != 0) {
            b.append('K');
        }
        if ((f & KEYEVENT) != 0) {
            b.append('E');
        }
        if ((f & KEY_MISS) != 0) {
            b.append('m');
        }
        return b.toString();
    }
}
