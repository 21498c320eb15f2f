package io.moon.server.commands;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.pubsub.Notify;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;
import io.moon.storage.rdb.RdbValue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
 * [AUTH2 username password] [KEYS key ...]: moves keys to another Redis-protocol server as
 * RESTOREs of their DUMP payloads, then deletes those the target accepted (unless COPY).
 *
 * <p>Redis does the network round trip inside the command, with the whole server waiting. Here
 * the keys are locked (for writing, or for reading with COPY) through the cross-shard mechanism,
 * their payloads taken on their shards, and the round trip runs on a virtual thread: the event
 * loops go on serving everything else, while commands on the migrating keys wait for the locks,
 * so nobody sees a key both here and there, or changes one between its DUMP and its deletion.
 * The deletions run under the same locks and are logged as DELs, as Redis propagates MIGRATE.
 * One connection per call (Redis caches them for 10 s); the target's timeout bounds every step.
 */
public final class Migrate {
    private static final byte[] COPY = {'C', 'O', 'P', 'Y'};
    private static final byte[] REPLACE = {'R', 'E', 'P', 'L', 'A', 'C', 'E'};
    private static final byte[] AUTH = {'A', 'U', 'T', 'H'};
    private static final byte[] AUTH2 = {'A', 'U', 'T', 'H', '2'};
    private static final byte[] KEYS = {'K', 'E', 'Y', 'S'};
    private static final byte[] NOKEY = Reply.ascii("+NOKEY\r\n");
    private static final byte[] KEYS_NEED_EMPTY_KEY =
            Reply.err("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string");

    private Migrate() {
    }

    /** MIGRATE's keys, as Redis's migrateGetKeys finds them: the key argument, or those after KEYS. */
    public static final io.moon.server.command.KeyFinder KEY_FINDER = new io.moon.server.command.KeyFinder() {
        @Override
        public int keyCount(final Request r) {
            final int k = keysOption(r);
            return k < 0 ? 1 : r.argc() - k - 1;
        }

        @Override
        public int keyArg(final Request r, final int n) {
            final int k = keysOption(r);
            return k < 0 ? 3 : k + 1 + n;
        }
    };

    /** Index of the KEYS option among the options (from argument 6 on), or -1. */
    private static int keysOption(final Request r) {
        for (int j = 6; j < r.argc(); j++) {
            if (r.argIs(j, KEYS)) {
                return j;
            }
        }
        return -1;
    }

    /** What the round trip with the target found: which keys it accepted, or the error to reply. */
    private static final class Outcome {
        final boolean[] accepted;
        String error;

        Outcome(final int keys) {
            accepted = new boolean[keys];
        }
    }

    // MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password] [AUTH2 username password] [KEYS key ...]
    public static Coordinated migrate(final Ctx c) {
        final Request r = c.req;
        boolean copy = false;
        boolean replace = false;
        byte[] user = null;
        byte[] password = null;
        int firstKey = 3;
        int keyCount = 1;
        for (int j = 6; j < r.argc(); j++) {
            final int more = r.argc() - 1 - j;
            if (r.argIs(j, COPY)) {
                copy = true;
            } else if (r.argIs(j, REPLACE)) {
                replace = true;
            } else if (r.argIs(j, AUTH)) {
                if (more < 1) {
                    c.out.raw(Errors.SYNTAX);
                    return CrossShard.finished(c);
                }
                password = r.argBytes(++j);
            } else if (r.argIs(j, AUTH2)) {
                if (more < 2) {
                    c.out.raw(Errors.SYNTAX);
                    return CrossShard.finished(c);
                }
                user = r.argBytes(++j);
                password = r.argBytes(++j);
            } else if (r.argIs(j, KEYS)) {
                if (r.len(3) != 0) {
                    c.out.raw(KEYS_NEED_EMPTY_KEY);
                    return CrossShard.finished(c);
                }
                firstKey = j + 1;
                keyCount = r.argc() - j - 1;
                break;
            } else {
                c.out.raw(Errors.SYNTAX);
                return CrossShard.finished(c);
            }
        }
        if (!r.parseLong(5)) {
            c.out.raw(Errors.NOT_INTEGER);
            return CrossShard.finished(c);
        }
        final long timeoutMs = r.longValue <= 0 ? 1000 : r.longValue;
        if (!r.parseLong(4)) {
            c.out.raw(Errors.NOT_INTEGER);
            return CrossShard.finished(c);
        }
        final long targetDb = r.longValue;
        final String host = r.argString(1);
        final String port = r.argString(2);
        final boolean keepKeys = copy;
        final boolean replaceThere = replace;
        final byte[] authUser = user;
        final byte[] authPassword = password;
        final int first = firstKey;
        final int n = keyCount;
        final Coordinated op = new Coordinated(c) {
            /** Per key (in argument order): its payload and absolute expiry, filled on its shard. */
            private final byte[][] payloads = new byte[n][];
            private final long[] expireAt = new long[n];
            private final Part[] partOf = new Part[n];
            private Outcome outcome;

            {
                for (int k = 0; k < n; k++) {
                    partOf[k] = keyPart(first + k, dbIndex, !keepKeys);
                    partOf[k].addArg(first + k);
                }
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                for (int k = 0; k < n; k++) {
                    if (partOf[k] == p) {
                        final int i = first + k;
                        final long a = x.findRead(i, x.keyHash(i));
                        if (a != 0) {
                            payloads[k] = RdbValue.dump(x.db, a);
                            expireAt[k] = x.db.expireAt(a);
                        }
                    }
                }
            }

            @Override
            protected void onAllLocked() {
                boolean any = false;
                for (final byte[] p : payloads) {
                    any |= p != null;
                }
                if (!any) {
                    reply.raw(NOKEY);
                    finish();
                    return;
                }
                // the round trip leaves the event loops; its end comes back to this one
                Thread.ofVirtual().name("moon-migrate").start(() -> {
                    final Outcome o = transfer(host, port, timeoutMs, targetDb, authUser, authPassword, req, first,
                            payloads, expireAt, replaceThere);
                    home.execute(() -> transferred(o));
                });
            }

            private void transferred(final Outcome o) {
                outcome = o;
                boolean delete = false;
                if (!keepKeys) {
                    for (final boolean a : o.accepted) {
                        delete |= a;
                    }
                }
                if (!delete) {
                    onStepsDone();
                    return;
                }
                stepSomeAndReleaseAll(p -> {
                    for (int k = 0; k < n; k++) {
                        if (partOf[k] == p && o.accepted[k]) {
                            return true;
                        }
                    }
                    return false;
                });
            }

            @Override
            protected void onStep(final Part p, final Ctx x) {
                for (int k = 0; k < n; k++) {
                    if (partOf[k] == p && outcome.accepted[k]) {
                        final int i = first + k;
                        if (x.db.delete(x.req.buf(), x.req.off(i), x.req.len(i), x.keyHash(i), x.now)) {
                            Notify.event(x, Notify.GENERIC, "del", i);
                        }
                    }
                }
            }

            @Override
            protected void onStepsDone() {
                if (outcome.error != null) {
                    reply.error(outcome.error);
                } else {
                    reply.ok();
                }
                finish();
            }
        };
        op.start();
        return op;
    }

    /**
     * The round trip, on its own thread: connect, send AUTH, SELECT and one RESTORE per present key
     * in one write, then read the replies in order. Keys whose TTL ran out meanwhile are not sent.
     */
    static Outcome transfer(final String host, final String port, final long timeoutMs, final long db,
                            final byte[] user, final byte[] password, final Request r, final int first,
                            final byte[][] payloads, final long[] expireAt, final boolean replace) {
        final Outcome o = new Outcome(payloads.length);
        final int timeout = (int) Math.min(Integer.MAX_VALUE, timeoutMs);
        final List<Integer> sent = new ArrayList<>();
        final ByteArrayOutputStream cmd = new ByteArrayOutputStream();
        if (password != null) {
            command(cmd, user == null ? List.of(AUTH, password) : List.of(AUTH, user, password));
        }
        command(cmd, List.of(ascii("SELECT"), ascii(Long.toString(db))));
        final long now = System.currentTimeMillis();
        for (int k = 0; k < payloads.length; k++) {
            if (payloads[k] == null) {
                continue;
            }
            long ttl = 0;
            if (expireAt[k] != -1) {
                ttl = expireAt[k] - now;
                if (ttl < 0) {
                    continue; // expired since it was read
                }
                ttl = Math.max(1, ttl);
            }
            final List<byte[]> a = new ArrayList<>(List.of(ascii("RESTORE"), r.argBytes(first + k),
                    ascii(Long.toString(ttl)), payloads[k]));
            if (replace) {
                a.add(REPLACE);
            }
            command(cmd, a);
            sent.add(k);
        }
        try (Socket s = new Socket()) {
            try {
                s.connect(new InetSocketAddress(host, portNumber(port)), timeout);
                s.setSoTimeout(timeout);
                s.setTcpNoDelay(true);
            } catch (final java.net.ConnectException e) {
                // refused: Redis connects without blocking, sees the socket writable and fails writing
                o.error = "IOERR error or timeout writing to target instance";
                return o;
            } catch (final IOException | IllegalArgumentException | SecurityException e) {
                o.error = "IOERR error or timeout connecting to the client"; // timed out, unknown host
                return o;
            }
            try {
                final OutputStream out = s.getOutputStream();
                out.write(cmd.toByteArray());
                out.flush();
            } catch (final IOException e) {
                o.error = "IOERR error or timeout writing to target instance";
                return o;
            }
            try {
                final InputStream in = new java.io.BufferedInputStream(s.getInputStream());
                final String auth = password != null ? line(in) : null;
                final String select = line(in);
                for (final int k : sent) {
                    final String restore = line(in);
                    final String err = auth != null && auth.startsWith("-") ? auth
                            : select.startsWith("-") ? select : restore.startsWith("-") ? restore : null;
                    if (err == null) {
                        o.accepted[k] = true;
                    } else if (o.error == null) {
                        o.error = "ERR Target instance replied with error: " + err.substring(1);
                    }
                }
            } catch (final IOException e) {
                if (o.error == null) {
                    o.error = "IOERR error or timeout reading to target instance";
                }
            }
        } catch (final IOException e) {
            // closing the socket failed: what was read stands
        }
        return o;
    }

    /** The port as Redis's atoi reads it: leading digits, 0 when none (the connection then fails). */
    private static int portNumber(final String port) {
        int n = 0;
        for (int i = 0; i < port.length() && Character.isDigit(port.charAt(i)) && n < 65536; i++) {
            n = n * 10 + (port.charAt(i) - '0');
        }
        return n > 65535 ? 0 : n;
    }

    /** One reply line without its CRLF; a closed connection is an I/O error. */
    private static String line(final InputStream in) throws IOException {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            final int ch = in.read();
            if (ch < 0) {
                throw new IOException("connection closed");
            }
            if (prev == '\r' && ch == '\n') {
                final byte[] all = b.toByteArray();
                return new String(all, 0, all.length - 1, StandardCharsets.UTF_8);
            }
            b.write(ch);
            prev = ch;
        }
    }

    private static void command(final ByteArrayOutputStream out, final List<byte[]> args) {
        out.writeBytes(ascii("*" + args.size() + "\r\n"));
        for (final byte[] a : args) {
            out.writeBytes(ascii("$" + a.length + "\r\n"));
            out.writeBytes(a);
            out.writeBytes(ascii("\r\n"));
        }
    }

    private static byte[] ascii(final String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
