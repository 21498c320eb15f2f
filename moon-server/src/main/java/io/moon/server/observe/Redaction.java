package io.moon.server.observe;

import io.moon.protocol.Request;

import java.nio.charset.StandardCharsets;

/**
 * The arguments SLOWLOG and MONITOR show as "(redacted)", as Redis hides secrets: AUTH's
 * arguments, HELLO's AUTH username and password, MIGRATE's AUTH password and AUTH2 pair, ACL
 * SETUSER's user and rules, and the values CONFIG SET gives requirepass, masterauth and
 * masteruser. Asked only when an entry or a MONITOR line is written (cold paths).
 */
public final class Redaction {
    /** What a redacted argument shows. */
    public static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] AUTH = {'A', 'U', 'T', 'H'};
    private static final byte[] AUTH2 = {'A', 'U', 'T', 'H', '2'};
    private static final byte[] KEYS = {'K', 'E', 'Y', 'S'};
    private static final byte[] HELLO = {'H', 'E', 'L', 'L', 'O'};
    private static final byte[] MIGRATE = {'M', 'I', 'G', 'R', 'A', 'T', 'E'};
    private static final byte[] ACL = {'A', 'C', 'L'};
    private static final byte[] SETUSER = {'S', 'E', 'T', 'U', 'S', 'E', 'R'};
    private static final byte[] CONFIG = {'C', 'O', 'N', 'F', 'I', 'G'};
    private static final byte[] SET = {'S', 'E', 'T'};
    /** Upper case, as {@link Request#argIs} compares. */
    private static final byte[][] SECRET_CONFIGS = {
        "REQUIREPASS".getBytes(StandardCharsets.US_ASCII), "MASTERAUTH".getBytes(StandardCharsets.US_ASCII),
        "MASTERUSER".getBytes(StandardCharsets.US_ASCII)};

    private Redaction() {
    }

    /** Whether argument i of the request is shown as "(redacted)". */
    public static boolean redacted(final Request r, final int i) {
        if (i == 0) {
            return false;
        }
        if (r.argIs(0, AUTH)) {
            return true;
        }
        if (r.argIs(0, HELLO)) {
            for (int j = 2; j + 2 < r.argc(); j++) {
                if (r.argIs(j, AUTH)) {
                    return i == j + 1 || i == j + 2;
                }
            }
            return false;
        }
        if (r.argIs(0, MIGRATE)) {
            for (int j = 6; j < r.argc() && j < i; j++) {
                if (r.argIs(j, KEYS)) {
                    return false;
                }
                if (r.argIs(j, AUTH) && i == j + 1) {
                    return true;
                }
                if (r.argIs(j, AUTH2) && (i == j + 1 || i == j + 2)) {
                    return true;
                }
            }
            return false;
        }
        if (r.argIs(0, ACL)) {
            return r.argc() > 1 && r.argIs(1, SETUSER) && i >= 2;
        }
        if (r.argIs(0, CONFIG) && r.argc() > 1 && r.argIs(1, SET) && i >= 3 && (i - 2) % 2 == 1) {
            for (final byte[] name : SECRET_CONFIGS) {
                if (r.argIs(i - 1, name)) {
                    return true;
                }
            }
        }
        return false;
    }
}
