package io.moon.server;

import io.moon.protocol.HashSlot;
import io.moon.server.command.CommandTable;
import io.moon.server.config.Config;
import io.moon.server.net.Connection;
import io.moon.server.net.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.EventExecutor;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * A running Moon: N shards, each one event-loop thread and the keyspace partition it owns, and
 * the listening sockets. Connections are spread over the event loops by Netty; a connection's
 * loop is its "home" shard, which parses its commands and sends each to the shard owning its
 * keys (see docs/architecture.md).
 *
 * <p>Holds only what all threads share and never change after start (shards, the command table,
 * the slot map), plus state that is explicitly concurrent: configuration (volatile fields), the
 * client-id counter and connection count (atomics), and {@link PauseState}.
 */
public final class Server {
    private static final Logger LOG = Logger.getLogger(Server.class.getName());

    public final Config config;
    public final CommandTable commands;
    /** ACL users, shared by every shard's connections. */
    public final io.moon.server.acl.Acl acl;
    public final PauseState pause = new PauseState();
    /** Scripting: the script cache and the busy-script state (io.moon.server.script). */
    public final io.moon.server.script.ScriptRegistry scripts = new io.moon.server.script.ScriptRegistry();
    /** Every shard's data bytes, for maxmemory and used_memory. */
    public final io.moon.server.memory.MemoryLimit memoryLimit;
    /** What clients' buffers hold, per shard: client eviction (maxmemory-clients). */
    public final io.moon.server.net.ClientMemoryCounters clientMemory;
    /** INFO persistence sources and readiness reasons (io.moon.server.observe). */
    public final io.moon.server.observe.Observability observe = new io.moon.server.observe.Observability();
    /** SAVE/BGSAVE state and the snapshot writer (persist package); registers with observe. */
    public final io.moon.server.persist.Snapshots snapshots = new io.moon.server.persist.Snapshots(this);
    /** The write-ahead log (appendonly); each shard has its side of it (Shard.log). */
    public final io.moon.server.wal.Aof aof;
    /** MONITOR: the connections that see every command (observe.Monitors). */
    public final io.moon.server.observe.Monitors monitors = new io.moon.server.observe.Monitors();
    /** Pub/Sub subscriptions and delivery across shards. */
    public final io.moon.server.pubsub.PubSub pubsub;
    /** Client-side caching: tracking clients, connections by id, BCAST prefixes (io.moon.server.tracking). */
    public final io.moon.server.tracking.Tracking tracking = new io.moon.server.tracking.Tracking(this);
    public final long startMillis = System.currentTimeMillis();
    public final long startNanos = System.nanoTime();
    /** Process-wide run id for INFO (40 hex chars like Redis's). */
    public final String runId;
    /** INFO's master_replid: a random id made at startup, as Redis makes its replication id. */
    public final String replId;
    /** The process before any data: used_memory_startup and the fragmentation baseline. */
    public final io.moon.server.memory.MemoryReport.Baseline memoryBaseline;
    private final Shard[] shards;
    private final int[] slotToShard = new int[HashSlot.SLOTS];
    private final Map<EventExecutor, Shard> byLoop = new IdentityHashMap<>();
    private final AtomicLong nextClientId = new AtomicLong(1);
    private final AtomicInteger connected = new AtomicInteger();
    /**
     * Registrations of blocked clients on keys, over all shards (a client blocked on keys of three
     * shards counts three). While any exist, a connection does not batch its pipelined commands
     * across shards (net.PipelineBatch): a batch runs its shards' parts in shard order under locks,
     * and Redis serves a blocked client right after the command that fed its key, before the next
     * command, which only one command at a time reproduces.
     */
    public final AtomicInteger keyWaiters = new AtomicInteger();
    private final AtomicLong rejectedConnections = new AtomicLong();
    private final Transport transport;
    private final EventLoopGroup group;
    private final List<Channel> listeners = new ArrayList<>();

    /** Builds the shards and their threads; {@link #listen} opens the sockets. */
    public Server(final Config config, final Transport transport) {
        this(config, transport, true);
    }

    /**
     * As above; {@code background} false leaves the shards' cron (active expiry, rehashing) off,
     * for benchmarks that drive a shard's handlers directly while its thread is idle.
     */
    public Server(final Config config, final Transport transport, final boolean background) {
        this.config = config;
        this.transport = transport;
        this.commands = CommandTable.instance().renamed(config.commandRenames);
        // ACL rules name commands by their own names, whatever rename-command did (as Redis)
        this.acl = new io.moon.server.acl.Acl(CommandTable.instance(), config);
        config.requirepassListener = acl::requirepass;
        config.users = acl::describeAll;
        this.aof = new io.moon.server.wal.Aof(this);
        if ("0".equals(config.get("shards"))) {
            final int logged = io.moon.server.wal.Aof.loggedShards(config);
            if (logged > 0 && logged != config.shards) {
                LOG.info("Running " + logged + " shards, as the append only file was written (not one per processor,"
                        + " " + config.shards + "); to change the count see docs/durability.md");
                config.shards = logged;
            }
        }
        final int n = config.shards;
        this.memoryLimit = new io.moon.server.memory.MemoryLimit(n);
        this.clientMemory = new io.moon.server.net.ClientMemoryCounters(n);
        this.group = transport.newGroup(n, "moon-shard");
        this.shards = new Shard[n];
        this.pubsub = new io.moon.server.pubsub.PubSub(this, n);
        int i = 0;
        final java.util.SplittableRandom seeds = new java.util.SplittableRandom();
        for (final EventExecutor e : group) {
            final Shard s = new Shard(this, i, (EventLoop) e, config.databases, seeds.nextLong());
            shards[i] = s;
            byLoop.put(e, s);
            i++;
        }
        for (int slot = 0; slot < HashSlot.SLOTS; slot++) {
            slotToShard[slot] = slot % n;
        }
        final java.security.SecureRandom r = new java.security.SecureRandom();
        this.runId = randomHexId(r);
        this.replId = randomHexId(r);
        long startupBytes = 0;
        for (final Shard s : shards) {
            startupBytes += s.keyspace.usedBytes(); // before the loops run: read here, then only by them
        }
        this.memoryBaseline = io.moon.server.memory.MemoryReport.Baseline.measure(startupBytes);
        loadUsers();
        observe.readiness.check("persistence", this::persistenceProblem);
        if (background) {
            for (final Shard s : shards) {
                s.startCron();
            }
        }
    }

    /** Users from the config file's "user" lines or the aclfile, as Redis at startup (not both). */
    private void loadUsers() {
        final boolean file = !config.get("aclfile").isEmpty();
        if (file && !config.userDirectives.isEmpty()) {
            throw new IllegalStateException("Configuring Redis with users defined in redis.conf and at the same"
                    + " setting an ACL file path is invalid. This setup is very likely to lead to configuration errors"
                    + " and security holes, please define either an ACL file or declare users directly in your"
                    + " redis.conf, but not both.");
        }
        final String err = file ? io.moon.server.acl.AclFile.load(this, null)
                : config.userDirectives.isEmpty() ? null
                : io.moon.server.acl.AclFile.loadConfigUsers(this, config.userDirectives);
        if (err != null) {
            throw new IllegalStateException("Aborting startup because of ACL errors: " + err);
        }
    }

    private static String randomHexId(final java.security.SecureRandom r) {
        final StringBuilder id = new StringBuilder(40);
        for (int k = 0; k < 40; k++) {
            id.append(Character.forDigit(r.nextInt(16), 16));
        }
        return id.toString();
    }

    public int shardCount() {
        return shards.length;
    }

    public Shard shard(final int i) {
        return shards[i];
    }

    /** The shard owning key b[off, off+len) (by its Redis Cluster hash slot). */
    public int shardOf(final byte[] b, final int off, final int len) {
        return shards.length == 1 ? 0 : slotToShard[HashSlot.slot(b, off, len)];
    }

    public Transport transport() {
        return transport;
    }

    public long newClientId() {
        return nextClientId.getAndIncrement();
    }

    public int connectedClients() {
        return connected.get();
    }

    public long rejectedConnections() {
        return rejectedConnections.get();
    }

    /** CONFIG RESETSTAT. */
    public void resetRejectedConnections() {
        rejectedConnections.set(0);
    }

    /** Called by a new connection; false when maxclients is reached. */
    public boolean admitConnection() {
        if (connected.incrementAndGet() > config.maxclients) {
            connected.decrementAndGet();
            rejectedConnections.incrementAndGet();
            return false;
        }
        return true;
    }

    public void connectionClosed() {
        connected.decrementAndGet();
    }

    /** Opens a listening socket that accepts at once; returns its bound address. */
    public SocketAddress listen(final SocketAddress address) throws InterruptedException {
        return listen(address, true);
    }

    /**
     * Opens a listening socket; returns its bound address. With {@code accept} false the socket is
     * bound (so a port in use is found at once, before a long load, as Redis binds first) but
     * accepts nothing until {@link #acceptConnections}: clients wait in the kernel's backlog.
     */
    public SocketAddress listen(final SocketAddress address, final boolean accept) throws InterruptedException {
        final ServerBootstrap b = new ServerBootstrap()
                .group(group, group)
                .channel(transport.serverChannel())
                // The pooled allocator recycles its ByteBuf objects per thread, so the per-batch
                // reply buffer and Netty's read buffers create no garbage (Netty 4.2's default,
                // the adaptive allocator, is younger; we measured with this one).
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(final Channel ch) {
                        final Shard home = byLoop.get(ch.eventLoop());
                        io.moon.server.net.Keepalive.apply(ch, config.tcpKeepalive); // read per connection: CONFIG SET
                        ch.pipeline().addLast(new Connection(Server.this, home));
                    }
                });
        if (transport.usesBufferRing()) {
            b.childOption(io.netty.channel.uring.IoUringChannelOption.IO_URING_BUFFER_GROUP_ID, Transport.RECV_BUFFER_GROUP);
        }
        if (transport != Transport.LOCAL) {
            b.option(ChannelOption.SO_BACKLOG, Math.max(1, config.tcpBacklog))
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true);
        }
        b.option(ChannelOption.AUTO_READ, accept);
        final Channel ch = b.bind(address).sync().channel();
        listeners.add(ch);
        return ch.localAddress();
    }

    /** Listeners bound with {@code accept} false start accepting (the launcher, once loading has started). */
    public void acceptConnections() {
        setAccepting(true);
    }

    private void setAccepting(final boolean on) {
        for (final Channel ch : listeners) {
            ch.config().setAutoRead(on);
        }
    }

    /**
     * What SHUTDOWN does once it is accepted, on a thread of its own (shard threads cannot wait for
     * themselves to stop). The launcher makes it exit the process; embedded servers only stop.
     */
    private volatile Runnable onShutdownCommand = this::shutdown;
    private final java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();

    public void onShutdownCommand(final Runnable action) {
        this.onShutdownCommand = action;
    }

    /** SHUTDOWN: stops the server (and, under the launcher, the process) from another thread. */
    public void requestShutdown() {
        final Thread t = new Thread(onShutdownCommand, "moon-shutdown-command");
        t.setDaemon(false);
        t.start();
    }

    /** The admin HTTP endpoint while it runs (admin.AdminServer registers itself), else null. */
    private volatile io.moon.server.admin.AdminServer admin;

    public void admin(final io.moon.server.admin.AdminServer endpoint) {
        this.admin = endpoint;
    }

    public io.moon.server.admin.AdminServer admin() {
        return admin;
    }

    /**
     * Why persistence cannot write, or null (/readyz): a failed background save that refuses writes
     * (MISCONF), or, while snapshots or the append-only file are on, a data directory that is gone or
     * not writable.
     */
    private String persistenceProblem() {
        if (snapshots.refuseWrites()) {
            return "last background save failed: writes are refused (MISCONF)";
        }
        final String save = config.get("save");
        final boolean enabled = save != null && !save.isBlank() || "yes".equals(config.get("appendonly"));
        final java.nio.file.Path dir = java.nio.file.Path.of(config.dir);
        if (enabled && !(java.nio.file.Files.isDirectory(dir) && java.nio.file.Files.isWritable(dir))) {
            return "dir " + dir + " is not a writable directory";
        }
        return null;
    }

    /** How long {@link #terminate} lets connections finish their command before closing them anyway. */
    static final long DRAIN_MILLIS = 10_000;

    /**
     * SIGTERM: /readyz answers 503 first (for admin-shutdown-delay ms while the admin endpoint runs,
     * so a load balancer can stop sending traffic), then the listeners stop accepting, every
     * connection gets the reply of the command it is running and is closed ({@link #drain}), then
     * the shutdown steps and the final save run ({@code Snapshots.onSignal}) and the server stops.
     * The listeners stay bound until then, as Redis's do: a new server on the same port and
     * directory cannot start while this one still writes its files. Call from a thread of its own.
     */
    public void terminate(final long saveTimeoutMillis) {
        LOG.warning("User requested shutdown...");
        observe.readiness.notReady("shutdown", "shutting down");
        final long delay = Long.parseLong(config.get("admin-shutdown-delay"));
        if (admin != null && delay > 0) {
            try {
                Thread.sleep(delay);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        drain(DRAIN_MILLIS);
        snapshots.onSignal(saveTimeoutMillis);
        shutdown();
    }

    /**
     * Stops accepting connections (the listeners stay bound; {@link #shutdown} closes them) and
     * closes every connection once the command it runs has been answered (input not yet parsed is
     * dropped; a client blocked in BLPOP and the like is closed at once). Returns whether all were
     * gone within {@code timeoutMillis}.
     */
    public boolean drain(final long timeoutMillis) {
        setAccepting(false);
        final long deadline = System.currentTimeMillis() + timeoutMillis;
        while (connected.get() > 0 && System.currentTimeMillis() < deadline) {
            // again every round: a connection accepted just before the listener stopped may
            // register on its shard after an earlier round
            for (final Shard s : shards) {
                s.execute(() -> {
                    for (final Connection c : s.clients().toArray(new Connection[0])) {
                        c.drain();
                    }
                });
            }
            try {
                Thread.sleep(50);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return connected.get() == 0;
    }

    /** Closes listeners and connections and stops the shard threads. Idempotent. */
    public void shutdown() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        snapshots.cancelRunning(); // a background save still running is abandoned, its temp file removed
        final io.moon.server.admin.AdminServer a = admin;
        if (a != null) {
            a.close();
            admin = null;
        }
        for (final Channel ch : listeners) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        LOG.info("Moon stopped");
    }

    /** Whether {@link #shutdown} ran. */
    public boolean stopped() {
        return stopped.get();
    }

    /** Where the process was started from: uptime in seconds. */
    public long uptimeSeconds() {
        return (System.nanoTime() - startNanos) / 1_000_000_000L;
    }
}
