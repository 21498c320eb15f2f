package io.moon.server.observe;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The INFO persistence section as field/value pairs, in Redis 7.2's order, filled with the values
 * of a server that never saved; {@link PersistenceInfo} sources overwrite theirs.
 */
public final class PersistenceFields {
    private final Map<String, Object> values = new LinkedHashMap<>();

    PersistenceFields(final long startSeconds) {
        put("loading", 0);
        put("async_loading", 0);
        put("current_cow_peak", 0);
        put("current_cow_size", 0);
        put("current_cow_size_age", 0);
        put("current_fork_perc", "0.00");
        put("current_save_keys_processed", 0);
        put("current_save_keys_total", 0);
        put("rdb_changes_since_last_save", 0);
        put("rdb_bgsave_in_progress", 0);
        put("rdb_last_save_time", startSeconds);
        put("rdb_last_bgsave_status", "ok");
        put("rdb_last_bgsave_time_sec", -1);
        put("rdb_current_bgsave_time_sec", -1);
        put("rdb_saves", 0);
        put("rdb_last_cow_size", 0);
        put("rdb_last_load_keys_expired", 0);
        put("rdb_last_load_keys_loaded", 0);
        put("aof_enabled", 0);
        put("aof_rewrite_in_progress", 0);
        put("aof_rewrite_scheduled", 0);
        put("aof_last_rewrite_time_sec", -1);
        put("aof_current_rewrite_time_sec", -1);
        put("aof_last_bgrewrite_status", "ok");
        put("aof_rewrites", 0);
        put("aof_rewrites_consecutive_failures", 0);
        put("aof_last_write_status", "ok");
        put("aof_last_cow_size", 0);
        put("module_fork_in_progress", 0);
        put("module_fork_last_cow_size", 0);
    }

    private void put(final String k, final Object v) {
        values.put(k, v);
    }

    /**
     * Overwrites a field Redis prints in this section. Fields Redis prints only in some states
     * (aof_* details while AOF is on, loading_* while loading) may be added with {@link #add}.
     *
     * @throws IllegalArgumentException for a name that is not a field of the section
     */
    public PersistenceFields set(final String field, final Object value) {
        if (!values.containsKey(field)) {
            throw new IllegalArgumentException("not an INFO persistence field: " + field);
        }
        values.put(field, value);
        return this;
    }

    /** Appends a conditional field (Redis's aof_current_size, loading_eta_seconds, ...). */
    public PersistenceFields add(final String field, final Object value) {
        values.put(field, value);
        return this;
    }

    public void appendTo(final StringBuilder sb) {
        sb.append("# Persistence\r\n");
        values.forEach((k, v) -> sb.append(k).append(':').append(v).append("\r\n"));
    }
}
