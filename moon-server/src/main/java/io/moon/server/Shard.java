package io.moon.server;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.server.command.CommandSpec;
import io.moon.server.net.Call;
import io.moon.server.net.Connection;
import io.moon.server.xshard.LockTable;
import io.moon.storage.Keyspace;
import io.netty.channel.EventLoop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A shard: one event-loop thread and the partition of the keyspace it owns (its slice of every
 * database). Only this thread touches {@link #keyspace}, {@link #locks}, {@link #stats} and the
 * connections homed here; every other thread reaches them by {@link #execute posting a task} to
 * this shard's loop. The same thread also does the network I/O of the connections Netty assigned
 * to it, so a command on a key this shard owns runs with no hand-off at all.
 *
 * <p>Owned by its event-loop thread; not thread-safe.
 */
public final class Shard {
    /** Redis's ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC: the slow cycle may use 25% of each cron period. */
    private static final int EXPIRE_CYCLE_PERCENT = 25;

    public final int id;
    public final Server server;
    public final Keyspace keyspace;
    public final LockTable locks = new LockTable();
    public final ShardStats stats;
    /** SLOWLOG entries of commands run here (observe). */
    public final io.moon.server.observe.SlowLog slowlog = new io.moon.server.observe.SlowLog();
    /** LATENCY spikes seen here (observe). */
    public final io.moon.server.observe.LatencyMonitor latency = new io.moon.server.observe.LatencyMonitor();
    /** Keys clients WATCH on this shard. */
    public final io.moon.server.tx.WatchRegistry watches = new io.moon.server.tx.WatchRegistry();
    /** Keys tracking clients read on this shard (client-side caching). */
    public final io.moon.server.tracking.TrackingTable tracking;
    /** Clients blocked on this shard's keys (BLPOP...). */
    public final io.moon.server.blocking.BlockedKeys blocked = new io.moon.server.blocking.BlockedKeys(this);
    /** This shard's side of maxmemory: accounting and eviction of its own keys. */
    public final io.moon.server.memory.ShardMemory memory;
    /** Client eviction (maxmemory-clients) of the connections homed here. */
    public final io.moon.server.net.ClientEviction clientEviction;
    /**
     * Write commands run here (rdb_changes_since_last_save). Written only by this shard's thread
     * (lazySet: no fence on the write path), read by any thread for INFO and save points.
     */
    public final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();
    /** This shard's side of the write-ahead log (appendonly). */
    public final io.moon.server.wal.ShardLog log;
    /** Warms the keys of pipelined commands before they run (see the class). */
    public final io.moon.server.net.PipelinePrefetch prefetch = new io.moon.server.net.PipelinePrefetch(this);
    /** This shard's Lua interpreter, created on its thread by the first script (LuaShard.of). */
    public io.moon.server.script.LuaShard lua;
    private final EventLoop loop;
    private final Ctx ctx;
    private final List<Connection> clients = new ArrayList<>();
    /** Every listener of this keyspace's expirations and evictions (see KeyEventFanout). */
    public final KeyEventFanout keyEvents = new KeyEventFanout();

    Shard(final Server server, final int id, final EventLoop loop, final int databases, final long seed) {
        this.server = server;
        this.id = id;
        this.tracking = new io.moon.server.tracking.TrackingTable(this);
        this.loop = loop;
        this.stats = new ShardStats(loop);
        this.keyspace = new Keyspace(databases, seed);
        keyspace.keyEvents(keyEvents);
        keyspace.expiryPaused(server.pause::keepsDataset); // CLIENT PAUSE keeps expired keys in place
        keyEvents.add(new io.moon.server.pubsub.ExpiryNotifier(server, id));
        this.ctx = new Ctx(this);
        this.log = server.aof.newLog(this);
        this.memory = new io.moon.server.memory.ShardMemory(this, server.memoryLimit);
        this.clientEviction = new io.moon.server.net.ClientEviction(this, server.clientMemory);
        keyEvents.add(new io.moon.storage.Keyspace.KeyEvents() {
            @Override
            public void expired(final int db, final byte[] k, final int ko, final int kl) {
                watches.deleted(db, k, ko, kl);
                if (tracking.active()) {
                    tracking.modified(k, ko, kl, null);
                }
                log.deleted(db, k, ko, kl); // and an expiry as DEL
            }

            @Override
            public void evicted(final int db, final byte[] k, final int ko, final int kl) {
                watches.deleted(db, k, ko, kl);
                if (tracking.active()) {
                    tracking.modified(k, ko, kl, null);
                }
                log.deleted(db, k, ko, kl); // Redis propagates an eviction as DEL
            }
        });
    }

    /** The time at the last cron tick (every 1/hz s), for coarse bookkeeping such as idle times. */
    private long cronMillis = System.currentTimeMillis();

    public long cronMillis() {
        return cronMillis;
    }

    /** An emptied scratch keyspace kept for the next gathered operation on this shard (see {@link #takeScratch}). */
    private Keyspace spareScratch;

    /**
     * A scratch keyspace for a gathered operation (copies of keys from several shards, run over on
     * this thread). Reused: building one (a Db per database) cost more than the operation itself
     * (a quarter of the CPU of a 2-key cross-shard MULTI/EXEC, measured with JFR). On this thread.
     */
    public Keyspace takeScratch() {
        final Keyspace k = spareScratch;
        if (k != null) {
            spareScratch = null;
            k.clock(System.currentTimeMillis()); // access stamps of keys it creates
            return k;
        }
        return new Keyspace(keyspace.databases(), System.nanoTime());
    }

    /** Gives a scratch keyspace back once the operation took what it needed out of it; emptied here. */
    public void giveScratch(final Keyspace k) {
        for (int i = 0; i < k.databases(); i++) {
            if (k.db(i).size() != 0) {
                k.db(i).clear();
            }
        }
        spareScratch = k;
    }

    /** Posts a task to this shard's thread (the only way other threads reach a shard). */
    public void execute(final Runnable task) {
        loop.execute(task);
    }

    public boolean inThread() {
        return loop.inEventLoop();
    }

    public EventLoop loop() {
        return loop;
    }

    /** The context for a command from a connection homed on this shard. */
    public Ctx localContext(final Connection c, final Request req, final Reply out, final CommandSpec cmd) {
        ctx.bind(c.db(), req, out, cmd);
        ctx.client = c;
        ctx.blockFor = c;
        ctx.trackFor = c;
        ctx.proto = c.proto();
        ctx.noTouch = c.noTouch();
        ctx.inTransaction = false;
        return ctx;
    }

    /** The context for a step of a cross-shard operation running on this shard. */
    public Ctx stepContext(final int db, final Request req, final Reply out, final CommandSpec cmd,
                           final boolean noTouch) {
        ctx.bind(db, req, out, cmd);
        ctx.client = null;
        ctx.blockFor = null;
        ctx.trackFor = null;
        ctx.proto = out.proto();
        ctx.noTouch = noTouch;
        ctx.inTransaction = true;
        return ctx;
    }

    /**
     * The shard's context bound for one command, for benchmarks and allocation tests that call
     * handlers directly. Only valid while the shard's own thread runs nothing (a server built
     * without background work and without connections): it breaks the ownership rule otherwise.
     */
    public Ctx directContext(final int db, final Request req, final Reply out, final CommandSpec cmd) {
        ctx.bind(db, req, out, cmd);
        ctx.client = null;
        ctx.blockFor = null;
        ctx.trackFor = null;
        ctx.proto = out.proto();
        ctx.noTouch = false;
        ctx.inTransaction = false;
        return ctx;
    }

    // ---- single-shard commands from other shards (and commands that must queue) ---------------

    /** Runs a keyed command sent by a connection homed elsewhere (or queued behind a lock here). */
    public void onCall(final Call call) {
        if (!locks.idle() && !call.canRunNow(locks)) {
            call.prepareLocks();
            locks.acquire(call); // runs onGranted -> runParked when the keys are free
            return;
        }
        final long logged = log.appended();
        runCall(call);
        // the reply leaves once the records are as durable as promised (a read waits only while the log is healthy)
        log.whenDurable(call.completeTask, log.appended() != logged);
    }

    /** A queued call whose locks were granted: run it and let go at once. */
    public void runParked(final Call call) {
        final long logged = log.appended();
        runCall(call);
        locks.release(call);
        log.whenDurable(call.completeTask, log.appended() != logged);
    }

    private void runCall(final Call call) {
        final Ctx c = ctx.bind(call.db(), call.request(), call.out(), call.spec());
        c.client = null;
        c.blockFor = call.connection();
        c.trackFor = call.connection();
        c.proto = call.out().proto();
        c.noTouch = call.noTouch();
        c.inTransaction = false;
        c.scriptMayWiden = true;
        c.runCommand();
        if (!c.widen) {
            stats.commandsProcessed++; // a script that runs again with every shard held is counted by that run
        }
        call.waiter = c.waiter; // it blocked: the connection learns so with the (empty) reply
        c.waiter = null;
        call.widen = c.widen;
        c.widen = false;
    }

    /** A second context for this thread (serving blocked clients right after a command). */
    public Ctx newContext() {
        return new Ctx(this);
    }

    // ---- connections homed here ----------------------------------------------------------------

    public void register(final Connection c) {
        clients.add(c);
        server.tracking.opened(c);
    }

    public void unregister(final Connection c) {
        clients.remove(c);
        clientEviction.forget(c);
        server.tracking.closed(c);
    }

    /** Connections homed on this shard; read on this thread only. */
    public List<Connection> clients() {
        return clients;
    }

    // ---- background work -----------------------------------------------------------------------

    void startCron() {
        final int hz = Math.max(1, server.config.hz);
        final long periodMicros = 1_000_000L / hz;
        loop.scheduleAtFixedRate(this::cron, periodMicros, periodMicros, TimeUnit.MICROSECONDS);
    }

    /**
     * Redis's serverCron, per shard: advance the access clock, expire keys nobody reads (slow
     * cycle, within {@value #EXPIRE_CYCLE_PERCENT}% of the period), rehash tables incrementally
     * (at most 1 ms), sample the ops rate, and check clients' idle timeouts.
     */
    private void cron() {
        final long now = System.currentTimeMillis();
        cronMillis = now;
        keyspace.clock(now);
        applyConfig();
        final int hz = Math.max(1, server.config.hz);
        final long budget = 1_000_000_000L / hz * EXPIRE_CYCLE_PERCENT / 100;
        final long expireStart = System.nanoTime();
        keyspace.activeExpireCycle(now, budget);
        final long expireNanos = System.nanoTime() - expireStart;
        if (expireNanos >= latency.thresholdNanos) {
            latency.add("expire-cycle", expireNanos);
        }
        keyspace.tableCron(1_000_000L, !server.snapshots.loading() && !server.aof.loading());
        // every connection reports its tot-mem exactly (and the largest are evicted over
        // maxmemory-clients); their sum counts in used_memory, as Redis counts normal clients
        clientEviction.cron();
        memory.cron(clientEviction.clientBytes());
        io.moon.server.pubsub.OutputLimits.cron(clients, server.config.clientOutputBufferLimit);
        stats.sample(now);
        final long timeout = server.config.timeoutSeconds;
        if (timeout > 0 && !clients.isEmpty()) {
            for (int i = clients.size() - 1; i >= 0; i--) {
                final Connection c = clients.get(i);
                // as Redis: blocked (waiting) and subscribed clients are not idle, they wait by design
                if (!c.isWaiting() && !c.subscriptions().active()
                        && now - c.state().lastInteractionMillis > timeout * 1000) {
                    c.close();
                }
            }
        }
        server.pause.onCron(this, now);
        log.cron(now); // retries a failed log write
        if (id == 0) {
            server.snapshots.cron(this, now); // save points
            server.aof.cron(now); // scheduled and automatic rewrites
        }
    }

    /** Takes in configuration the keyspace keeps its own copy of (access-stamp policy, expiry). */
    public void applyConfig() {
        slowlog.configure(Long.parseLong(server.config.get("slowlog-log-slower-than")),
                Long.parseLong(server.config.get("slowlog-max-len")));
        latency.configure(Long.parseLong(server.config.get("latency-monitor-threshold")));
        io.moon.server.observe.CommandStats.latencyTracking = "yes".equals(server.config.get("latency-tracking"));
        keyspace.activeExpire(server.config.activeExpire);
        keyspace.lfu(server.config.maxmemoryPolicy.endsWith("lfu"), server.config.lfuLogFactor,
                server.config.lfuDecayTime);
    }

    // ---- CLIENT PAUSE --------------------------------------------------------------------------

    private final List<Connection> paused = new ArrayList<>();

    /** Parks a connection whose next command CLIENT PAUSE holds back; re-checked at the pause end. */
    public void parkPaused(final Connection c, final long untilMillis) {
        paused.add(c);
        c.parkedByPause(true);
        final long delay = Math.max(1, untilMillis - System.currentTimeMillis());
        loop.schedule(this::resumePaused, delay, TimeUnit.MILLISECONDS);
    }

    /** Connections whose command CLIENT PAUSE holds back: blocked clients, as Redis counts them. */
    public int parkedClients() {
        int n = 0;
        for (final Connection c : paused) {
            if (!c.isClosed()) {
                n++;
            }
        }
        return n;
    }

    /** Lets parked connections retry their command (after CLIENT UNPAUSE or the pause's end). */
    public void resumePaused() {
        if (paused.isEmpty()) {
            return;
        }
        final Connection[] waiting = paused.toArray(new Connection[0]);
        paused.clear();
        for (final Connection c : waiting) {
            c.retryPaused();
        }
    }
}
