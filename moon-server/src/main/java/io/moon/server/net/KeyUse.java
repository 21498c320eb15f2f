package io.moon.server.net;

import io.moon.protocol.Request;
import io.moon.server.command.CommandSpec;

/**
 * Keys a command touches beyond its key positions: MOVE writes its key in another database, and
 * COPY ... DB n writes its destination there. Consulted only when locks are held (slow path),
 * when a transaction gathers its keys (tx.ExecOp), and when a script runs over gathered copies.
 */
public final class KeyUse {
    private static final byte[] DB = {'D', 'B'};

    private KeyUse() {
    }

    /** (database << 32 | argument index) of the extra key, or -1. */
    public static long otherDbKey(final CommandSpec spec, final Request req) {
        final String n = spec.fullName();
        if (n.equals("move") && req.argc() == 3 && req.parseLong(2) && req.longValue >= 0
                && req.longValue <= Integer.MAX_VALUE) {
            return (req.longValue << 32) | 1;
        }
        if (n.equals("copy")) {
            // the last DB option wins, as in COPY itself; REPLACE takes no value
            long found = -1;
            for (int i = 3; i < req.argc(); i++) {
                if (req.argIs(i, DB) && i + 1 < req.argc()) {
                    if (req.parseLong(i + 1) && req.longValue >= 0 && req.longValue <= Integer.MAX_VALUE) {
                        found = (req.longValue << 32) | 2;
                    }
                    i++;
                }
            }
            return found;
        }
        return -1;
    }
}
