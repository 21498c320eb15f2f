package io.moon.server.tracking;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.Ctx;
import io.moon.server.commands.Errors;
import io.moon.server.net.Connection;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * CLIENT TRACKING, CLIENT CACHING, CLIENT GETREDIR and CLIENT TRACKINGINFO: local commands, on
 * the client's home thread. Checks and error texts in Redis 7.0's order.
 */
public final class TrackingCommands {
    private static final byte[] ON = Reply.ascii("ON");
    private static final byte[] OFF = Reply.ascii("OFF");
    private static final byte[] YES = Reply.ascii("YES");
    private static final byte[] NO = Reply.ascii("NO");
    private static final byte[] REDIRECT = Reply.ascii("REDIRECT");
    private static final byte[] BCAST = Reply.ascii("BCAST");
    private static final byte[] OPTIN = Reply.ascii("OPTIN");
    private static final byte[] OPTOUT = Reply.ascii("OPTOUT");
    private static final byte[] NOLOOP = Reply.ascii("NOLOOP");
    private static final byte[] PREFIX = Reply.ascii("PREFIX");

    private TrackingCommands() {
    }

    // CLIENT TRACKING ON|OFF [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
    public static void tracking(final Ctx c) {
        final Request r = c.req;
        final Connection conn = c.client;
        final ClientTracking t = conn.tracking;
        long redirect = 0;
        boolean bcast = false;
        boolean optin = false;
        boolean optout = false;
        boolean noloop = false;
        final List<byte[]> prefixes = new ArrayList<>();
        for (int j = 3; j < r.argc(); j++) {
            final boolean more = j < r.argc() - 1;
            if (r.argIs(j, REDIRECT) && more) {
                j++;
                if (redirect != 0) {
                    c.out.error("ERR A client can only redirect to a single other client");
                    return;
                }
                if (!r.parseLong(j)) {
                    c.out.raw(Errors.NOT_INTEGER);
                    return;
                }
                redirect = r.longValue;
                if (c.server.tracking.byId(redirect) == null) {
                    c.out.error("ERR The client ID you want redirect to does not exist");
                    return;
                }
            } else if (r.argIs(j, BCAST)) {
                bcast = true;
            } else if (r.argIs(j, OPTIN)) {
                optin = true;
            } else if (r.argIs(j, OPTOUT)) {
                optout = true;
            } else if (r.argIs(j, NOLOOP)) {
                noloop = true;
            } else if (r.argIs(j, PREFIX) && more) {
                j++;
                prefixes.add(r.argBytes(j));
            } else {
                c.out.raw(Errors.SYNTAX);
                return;
            }
        }
        if (r.argIs(2, OFF)) {
            t.disable();
            c.out.ok();
            return;
        }
        if (!r.argIs(2, ON)) {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        if (!bcast && !prefixes.isEmpty()) {
            c.out.error("ERR PREFIX option requires BCAST mode to be enabled");
            return;
        }
        if (t.on && t.bcast != bcast) {
            c.out.error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then"
                    + " re-enabling it with a different mode.");
            return;
        }
        if (bcast && (optin || optout)) {
            c.out.error("ERR OPTIN and OPTOUT are not compatible with BCAST");
            return;
        }
        if (optin && optout) {
            c.out.error("ERR You can't specify both OPTIN mode and OPTOUT mode");
            return;
        }
        if ((optin && t.optout) || (optout && t.optin)) {
            c.out.error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then"
                    + " re-enabling it with a different mode.");
            return;
        }
        if (bcast && !prefixesOk(c, t, prefixes)) {
            return;
        }
        t.enable(redirect, bcast, optin, optout, noloop, prefixes);
        c.out.ok();
    }

    /**
     * Redis's checkPrefixCollisionsOrReply: no new prefix may be a prefix of another, new or held.
     * Redis 7.0 reports an overlap among the new prefixes found from the second one on as an error
     * and then goes on (its check returns the index as success): both replies are kept here.
     */
    private static boolean prefixesOk(final Ctx c, final ClientTracking t, final List<byte[]> ps) {
        for (int i = 0; i < ps.size(); i++) {
            final byte[] p = ps.get(i);
            for (final byte[] held : t.prefixes) {
                if (overlap(held, p)) {
                    c.out.error("ERR Prefix '" + text(p) + "' overlaps with an existing prefix '" + text(held)
                            + "'. Prefixes for a single client must not overlap.");
                    return false;
                }
            }
            for (int j = i + 1; j < ps.size(); j++) {
                if (overlap(p, ps.get(j))) {
                    c.out.error("ERR Prefix '" + text(p) + "' overlaps with another provided prefix '"
                            + text(ps.get(j)) + "'. Prefixes for a single client must not overlap.");
                    return i != 0;
                }
            }
        }
        return true;
    }

    private static boolean overlap(final byte[] a, final byte[] b) {
        final int n = Math.min(a.length, b.length);
        return java.util.Arrays.equals(a, 0, n, b, 0, n);
    }

    /** A prefix as C's "%s" prints it: up to its first NUL byte. */
    private static String text(final byte[] p) {
        int n = 0;
        while (n < p.length && p[n] != 0) {
            n++;
        }
        return new String(p, 0, n, StandardCharsets.ISO_8859_1);
    }

    // CLIENT CACHING YES|NO
    public static void caching(final Ctx c) {
        final ClientTracking t = c.client.tracking;
        if (!t.on) {
            c.out.error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or"
                    + " OPTOUT mode enabled");
            return;
        }
        if (c.req.argIs(2, YES)) {
            if (!t.optin) {
                c.out.error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
                return;
            }
        } else if (c.req.argIs(2, NO)) {
            if (!t.optout) {
                c.out.error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
                return;
            }
        } else {
            c.out.raw(Errors.SYNTAX);
            return;
        }
        t.caching = true;
        c.out.ok();
    }

    // CLIENT GETREDIR
    public static void getredir(final Ctx c) {
        c.out.integer(c.client.tracking.redirField());
    }

    // CLIENT TRACKINGINFO
    public static void trackinginfo(final Ctx c) {
        final ClientTracking t = c.client.tracking;
        final Reply out = c.out;
        out.mapHeader(3);
        out.bulk("flags");
        final List<String> flags = new ArrayList<>(6);
        if (!t.on) {
            flags.add("off");
        } else {
            flags.add("on");
            if (t.bcast) {
                flags.add("bcast");
            }
            if (t.optin) {
                flags.add("optin");
                if (t.caching) {
                    flags.add("caching-yes");
                }
            }
            if (t.optout) {
                flags.add("optout");
                if (t.caching) {
                    flags.add("caching-no");
                }
            }
            if (t.noloop) {
                flags.add("noloop");
            }
            if (t.brokenRedirect) {
                flags.add("broken_redirect");
            }
        }
        out.setHeader(flags.size());
        for (final String f : flags) {
            out.bulk(f);
        }
        out.bulk("redirect");
        out.integer(t.redirField());
        out.bulk("prefixes");
        out.arrayHeader(t.prefixes.size());
        for (final byte[] p : t.prefixes) {
            out.bulk(p);
        }
    }
}
