package io.moon.server.config;

import io.moon.storage.Glob;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's configuration: every parameter Moon accepts, its current value, and typed copies
 * of the values the data path reads.
 *
 * <p>Parameters are declared once in {@link Params} (name, default, kind, whether CONFIG SET may
 * change it). The same declarations serve the config file, the command line, CONFIG GET and
 * CONFIG SET, so the four can never disagree.
 *
 * <p>Thread contract: values are written only by {@link #set} (startup, or CONFIG SET on one
 * connection's thread) and read from any thread. String values live in a concurrent map; the
 * typed fields are volatile, so a shard sees a new value at its next read.
 */
public final class Config {
    private final Map<String, Param> params = new LinkedHashMap<>();
    private final Map<String, String> values = new ConcurrentHashMap<>();

    // typed, hot-read copies (volatile: CONFIG SET on one thread, reads on all shards)
    public volatile int port;
    public volatile String bind;
    public volatile int adminPort;
    /** latency-tracking-info-percentiles, parsed (INFO latencystats). */
    public volatile double[] latencyPercentiles;
    public volatile String adminBind;
    public volatile String dir;
    public volatile int databases;
    public volatile String requirepass;
    /** Told of a new requirepass (the ACL default user's password follows it); set by the server. */
    public volatile java.util.function.Consumer<String> requirepassListener;
    /** The ACL users as "user" lines, for CONFIG REWRITE; set by the server. */
    public volatile java.util.function.Supplier<java.util.List<String>> users;
    /**
     * rename-command lines of the config file, applied: a command's own name (lower case) to the
     * name it answers to, "" when it was removed. Read when the server builds its command table.
     */
    public final java.util.Map<String, String> commandRenames = new java.util.LinkedHashMap<>();
    /** The "user" lines of the config file (their words after "user"), applied to ACL at startup. */
    public final java.util.List<java.util.List<String>> userDirectives = new java.util.ArrayList<>();

    /** acllog-max-len. */
    public long acllogMaxLen() {
        return Long.parseLong(values.get("acllog-max-len"));
    }
    public volatile int shards;
    public volatile String ioDriver;
    public volatile long maxmemory;
    /** maxmemory-clients in bytes as Redis's getClientEvictionLimit reads it (a percentage of maxmemory, at least 128 KB); 0: no eviction. */
    public volatile long maxmemoryClientsBytes;
    public volatile String maxmemoryPolicy;
    public volatile long protoMaxBulkLen;
    /** busy-reply-threshold (lua-time-limit), ms; read by every script run. */
    public volatile long busyReplyThreshold;
    /** lua-strict-keys (Moon); read by every script run. */
    public volatile boolean luaStrictKeys;
    public volatile long clientQueryBufferLimit;
    /** client-output-buffer-limit as CONFIG GET shows it (OutputLimits parses it once per change). */
    public volatile String clientOutputBufferLimit;
    /** notify-keyspace-events as pubsub.Notify's class bits; 0 when off. */
    public volatile int notifyKeyspaceEvents;
    public volatile int hz;
    public volatile int maxclients;
    public volatile long timeoutSeconds;
    public volatile int tcpKeepalive;
    public volatile int tcpBacklog;
    public volatile String enableDebugCommand;
    public volatile int maxmemorySamples;
    /** tracking-table-max-keys: keys the tracking tables of all shards may remember (0 = no limit). */
    public volatile long trackingTableMaxKeys;
    public volatile int lfuLogFactor;
    public volatile int lfuDecayTime;
    public volatile String loglevel;
    public volatile String logfile;
    public volatile boolean activeExpire = true;
    // conversion thresholds of the packed collection encodings
    public volatile int listMaxListpackSize;
    public volatile long hashMaxListpackEntries;
    public volatile long hashMaxListpackValue;
    public volatile long setMaxIntsetEntries;
    /** Redis's hll-sparse-max-bytes: a sparse HLL that would grow past it turns dense. */
    public volatile long hllSparseMaxBytes;
    /** Redis's stream-node-max-bytes and stream-node-max-entries: when XADD starts a new node (0: no limit). */
    public volatile long streamNodeMaxBytes;
    public volatile long streamNodeMaxEntries;
    public volatile long setMaxListpackEntries;
    public volatile long setMaxListpackValue;
    public volatile long zsetMaxListpackEntries;
    public volatile long zsetMaxListpackValue;
    /** The configuration file the server was started with (absolute), or null: CONFIG REWRITE, INFO. */
    private volatile java.nio.file.Path file;

    public Config() {
        for (final Param p : Params.ALL) {
            params.put(p.name(), p);
            for (final String a : p.aliases()) {
                params.put(a, p);
            }
            values.put(p.name(), p.defaultValue());
        }
        try {
            refresh();
        } catch (final ConfigException e) {
            throw new IllegalStateException("built-in defaults are invalid", e);
        }
    }

    /** The configuration file read at startup, or null when there was none. */
    public java.nio.file.Path file() {
        return file;
    }

    public void file(final java.nio.file.Path configFile) {
        this.file = configFile == null ? null : configFile.toAbsolutePath();
    }

    /** The declaration of a parameter (by name or alias, any case), or null. */
    public Param param(final String name) {
        return params.get(name.toLowerCase(Locale.ROOT));
    }

    public String get(final String name) {
        final Param p = param(name);
        return p == null ? null : values.get(p.name());
    }

    /**
     * Sets a parameter from its text form, validating it as Redis would.
     *
     * @param startup true while reading the config file or command line (immutable ones allowed)
     * @throws ConfigException with Redis's reason text when the value is refused
     */
    public void set(final String name, final String value, final boolean startup) throws ConfigException {
        final Param p = param(name);
        if (p == null) {
            throw new ConfigException(ConfigException.Kind.UNKNOWN, name, "Unknown option or number of arguments");
        }
        if (!startup && !p.mutable()) {
            throw new ConfigException(ConfigException.Kind.IMMUTABLE, p.name(), "can't set immutable config");
        }
        final String plain = p.kind().normalize(p, value);
        String normalized = Params.adjust(p, plain);
        final String oldNotify = notifyRaw;
        if (p.name().equals("notify-keyspace-events")) {
            // CONFIG GET shows Redis's form, which drops 'n' next to 'A' (Redis keeps the flag
            // itself): the flags come from what was set, not from the shown form
            notifyRaw = plain;
        }
        if (p.name().equals("client-output-buffer-limit")) { // classes not named keep their limits, as in Redis
            normalized = io.moon.server.pubsub.OutputLimits.merge(values.get(p.name()), normalized);
        }
        final String old = values.put(p.name(), normalized);
        try {
            refresh();
        } catch (final ConfigException e) {
            values.put(p.name(), old);
            notifyRaw = oldNotify;
            refresh();
            throw e;
        }
    }

    /** notify-keyspace-events as last set (see {@link #set}), or null before any set. */
    private String notifyRaw;

    /**
     * Every parameter whose name (or alias) matches the glob, with its value, in declaration order
     * (Redis replies in hash order; clients read the reply as a map).
     */
    public List<Map.Entry<String, String>> matching(final String pattern) {
        final List<Map.Entry<String, String>> out = new ArrayList<>();
        final java.util.Set<String> seen = new java.util.HashSet<>();
        for (final Map.Entry<String, Param> e : params.entrySet()) {
            final String n = e.getKey();
            if (Glob.matches(pattern, n, true) && seen.add(n)) {
                out.add(Map.entry(n, values.get(e.getValue().name())));
            }
        }
        return out;
    }

    /** Every parameter, in declaration order (for --help and docs). */
    public List<Param> declared() {
        return List.of(Params.ALL);
    }

    /** Re-reads the typed copies from the values (after a change). */
    private void refresh() throws ConfigException {
        port = (int) num("port");
        bind = values.get("bind");
        adminPort = (int) num("admin-port");
        latencyPercentiles = Params.percentiles(param("latency-tracking-info-percentiles"),
                values.get("latency-tracking-info-percentiles"));
        adminBind = values.get("admin-bind");
        dir = values.get("dir");
        databases = (int) num("databases");
        final String pass = values.get("requirepass");
        if (requirepassListener != null && !pass.equals(requirepass)) {
            requirepassListener.accept(pass);
        }
        requirepass = pass;
        final long s = num("shards");
        shards = s <= 0 ? Runtime.getRuntime().availableProcessors() : (int) s;
        ioDriver = values.get("io-driver");
        final long limit = num("maxmemory");
        if (limit > 0 && io.moon.server.memory.MemoryLimit.heapNeeded(limit) > Runtime.getRuntime().maxMemory()) {
            // the limit must bind before the JVM's own: a heap smaller than the data would end in
            // OutOfMemoryError instead of eviction or OOM replies
            throw new ConfigException(ConfigException.Kind.BAD_VALUE, "maxmemory",
                    "maxmemory is more than this server's heap can hold (max heap "
                            + (Runtime.getRuntime().maxMemory() >> 20) + " MB; it needs maxmemory x1.5 + 256 MB:"
                            + " start Moon with a larger -Xmx in MOON_JAVA_OPTS)");
        }
        maxmemory = limit;
        maxmemoryClientsBytes = clientEvictionLimit(values.get("maxmemory-clients"), limit);
        maxmemorySamples = (int) num("maxmemory-samples");
        trackingTableMaxKeys = num("tracking-table-max-keys");
        maxmemoryPolicy = values.get("maxmemory-policy");
        protoMaxBulkLen = num("proto-max-bulk-len");
        busyReplyThreshold = num("busy-reply-threshold");
        luaStrictKeys = values.get("lua-strict-keys").equals("yes");
        clientQueryBufferLimit = num("client-query-buffer-limit");
        clientOutputBufferLimit = values.get("client-output-buffer-limit");
        notifyKeyspaceEvents = io.moon.server.pubsub.Notify.parse(
                notifyRaw != null ? notifyRaw : values.get("notify-keyspace-events"));
        hz = (int) num("hz");
        maxclients = (int) Math.min(Integer.MAX_VALUE, num("maxclients"));
        timeoutSeconds = num("timeout");
        tcpKeepalive = (int) num("tcp-keepalive");
        tcpBacklog = (int) num("tcp-backlog");
        enableDebugCommand = values.get("enable-debug-command");
        lfuLogFactor = (int) num("lfu-log-factor");
        lfuDecayTime = (int) num("lfu-decay-time");
        loglevel = values.get("loglevel");
        logfile = values.get("logfile");
        listMaxListpackSize = (int) num("list-max-listpack-size");
        hashMaxListpackEntries = num("hash-max-listpack-entries");
        hashMaxListpackValue = num("hash-max-listpack-value");
        setMaxIntsetEntries = num("set-max-intset-entries");
        setMaxListpackEntries = num("set-max-listpack-entries");
        setMaxListpackValue = num("set-max-listpack-value");
        zsetMaxListpackEntries = num("zset-max-listpack-entries");
        zsetMaxListpackValue = num("zset-max-listpack-value");
        hllSparseMaxBytes = num("hll-sparse-max-bytes");
        streamNodeMaxBytes = num("stream-node-max-bytes");
        streamNodeMaxEntries = num("stream-node-max-entries");
    }

    /** Redis's getClientEvictionLimit: N% of maxmemory (none without maxmemory), or bytes; never below 128 KB. */
    static long clientEvictionLimit(final String value, final long maxmemory) {
        final long bytes;
        if (value.endsWith("%")) {
            if (maxmemory == 0) {
                return 0;
            }
            bytes = (long) ((double) maxmemory * Long.parseLong(value.substring(0, value.length() - 1)) / 100);
        } else {
            bytes = Long.parseLong(value);
        }
        return bytes == 0 ? 0 : Math.max(bytes, 128 * 1024);
    }

    private long num(final String name) {
        return Long.parseLong(values.get(name));
    }
}
