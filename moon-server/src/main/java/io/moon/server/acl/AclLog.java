package io.moon.server.acl;

import java.util.ArrayList;
import java.util.List;

/**
 * ACL LOG: the recent refusals (commands, keys, channels, AUTH), newest first, a similar one
 * within 60 seconds counted into the same entry, as Redis's addACLLogEntry does.
 *
 * <p>Thread-safe: every method holds this object's monitor. Only refusals reach it (cold path).
 */
public final class AclLog {
    static final long GROUPING_MILLIS = 60_000;
    static final int SCAN = 10;

    /** One entry; fields as ACL LOG shows them. */
    public static final class Entry {
        public long count = 1;
        public final String reason;
        public final String context;
        public final String object;
        public final String username;
        public String clientInfo;
        public final long entryId;
        public final long createdMillis;
        public long updatedMillis;

        Entry(final String reason, final String context, final String object, final String username,
              final String clientInfo, final long entryId, final long now) {
            this.reason = reason;
            this.context = context;
            this.object = object;
            this.username = username;
            this.clientInfo = clientInfo;
            this.entryId = entryId;
            this.createdMillis = now;
            this.updatedMillis = now;
        }

        Entry snapshot() {
            final Entry e = new Entry(reason, context, object, username, clientInfo, entryId, createdMillis);
            e.count = count;
            e.updatedMillis = updatedMillis;
            return e;
        }
    }

    private final List<Entry> entries = new ArrayList<>(); // newest first
    private long nextId;

    /** Records a refusal; {@code maxLen} is acllog-max-len. */
    public synchronized void add(final String reason, final String context, final String object,
                                 final String username, final String clientInfo, final long now, final long maxLen) {
        for (int i = 0; i < Math.min(SCAN, entries.size()); i++) {
            final Entry e = entries.get(i);
            if (e.reason.equals(reason) && e.context.equals(context) && e.object.equals(object)
                    && e.username.equals(username) && now - e.updatedMillis <= GROUPING_MILLIS) {
                entries.remove(i);
                entries.add(0, e);
                e.count++;
                e.clientInfo = clientInfo;
                e.updatedMillis = now;
                return;
            }
        }
        entries.add(0, new Entry(reason, context, object, username, clientInfo, nextId++, now));
        while (entries.size() > maxLen) {
            entries.remove(entries.size() - 1);
        }
    }

    /** Copies of the newest {@code count} entries. */
    public synchronized List<Entry> newest(final long count) {
        final List<Entry> out = new ArrayList<>();
        for (int i = 0; i < Math.min(count, entries.size()); i++) {
            out.add(entries.get(i).snapshot());
        }
        return out;
    }

    public synchronized void reset() {
        entries.clear();
    }

    /** Reason names as ACL LOG shows them. */
    public static String reasonName(final int reason) {
        return switch (reason) {
            case AclCheck.DENIED_CMD -> "command";
            case AclCheck.DENIED_KEY -> "key";
            case AclCheck.DENIED_CHANNEL -> "channel";
            default -> "auth";
        };
    }
}
