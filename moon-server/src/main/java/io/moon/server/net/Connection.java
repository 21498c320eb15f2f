package io.moon.server.net;

import io.moon.protocol.Reply;
import io.moon.protocol.Request;
import io.moon.protocol.RespParser;
import io.moon.server.Server;
import io.moon.server.Shard;
import io.moon.server.blocking.BlockingOutcome;
import io.moon.server.blocking.SharedWaiter;
import io.moon.server.xshard.Coordinated;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client connection, on its home shard's event loop: reads bytes, parses commands, hands
 * each to the {@link Dispatcher}, and writes replies in request order.
 *
 * <p>Input is parsed straight from the receive buffer into the reusable {@link Request}. Replies
 * of one read batch accumulate in one output buffer and are flushed once when the batch is done.
 * When a command must run elsewhere (another shard, a cross-shard operation, a CLIENT PAUSE) the
 * connection waits: bytes that arrive meanwhile are kept in {@link #pending}, and parsing resumes
 * when the reply is back, so replies always follow request order and a client's commands run one
 * after another, as in Redis.
 *
 * <p>Flow control, so that a client costs bounded memory whatever it sends: a read batch hands
 * its replies to the socket every {@value #OUT_CHUNK_BYTES} bytes, and when the socket's outbound
 * buffer passes its high-water mark (a client that pipelines without reading) the connection
 * stops parsing and stops reading until the client catches up. Likewise it stops reading while
 * more than {@value #PENDING_PAUSE_BYTES} bytes of input wait behind a command that runs
 * elsewhere. Owned by its event-loop thread; not thread-safe.
 */
public final class Connection extends ChannelInboundHandlerAdapter {
    /** MULTI/EXEC and WATCH state. */
    public final io.moon.server.tx.TxState tx = new io.moon.server.tx.TxState();

    private static final Logger LOG = Logger.getLogger(Connection.class.getName());
    private static final byte[] MAX_CLIENTS = Reply.err("ERR max number of clients reached");
    /** Replies of one read batch beyond this go to the socket before the next command is parsed. */
    static final int OUT_CHUNK_BYTES = 64 * 1024;
    /** Unparsed input beyond this (behind a command that runs elsewhere) stops reading from the socket. */
    static final int PENDING_PAUSE_BYTES = 64 * 1024;

    final Server server;
    final Shard home;
    final long id;
    final RespParser parser = new RespParser();
    /** The request the parser fills and the dispatcher runs; batches swap it (see PipelineBatch.tryStart). */
    Request req = new Request();
    final Reply reply = new Reply();
    /** Messages pushed to this connection: where they are written, when they leave. */
    private final Pushes pushes = new Pushes(this);
    final Call call = new Call(this);
    final ClientState state = new ClientState();
    /** Client-side caching: CLIENT TRACKING state and invalidation delivery (io.moon.server.tracking). */
    public final io.moon.server.tracking.ClientTracking tracking = new io.moon.server.tracking.ClientTracking(this);
    /** Pub/Sub: this connection's subscriptions (see io.moon.server.pubsub). */
    final io.moon.server.pubsub.Subscriptions subs = new io.moon.server.pubsub.Subscriptions();
    Channel ch;
    private ChannelHandlerContext nctx;
    ByteBuf out;
    private ByteBuf pending;
    boolean waiting;
    /** When the cross-shard operation this connection waits for started (Dispatcher.accountOperation). */
    long opStartNanos;
    private boolean closeAfterFlush;
    boolean closed;
    private boolean admitted;
    /** Parsing stopped because the socket's outbound buffer is full; resumes when it drains. */
    boolean outputBlocked;
    /** Reading from the socket is off (autoRead false): output blocked or too much pending input. */
    private boolean inputPaused;
    /** Resumes parsing once the socket is writable again; run as a task, never re-entrantly. */
    private final Runnable onWritable = this::onWritable;
    /** The blocking command's wait, while there is one. */
    private final BlockedClient blocked = new BlockedClient(this);
    /** Whether this connection's output waits for the home shard's log (group commit). */
    public final io.moon.server.wal.ShardLog.Output logged = new io.moon.server.wal.ShardLog.Output(() -> {
        if (!waiting) {
            flush();
        }
    });

    /** Position in {@link #out} where the current command's reply starts. */
    int replyMark;

    /** Pipeline batches (see PipelineBatch): the buffer being parsed, so a batch can take the commands that follow. */
    ByteBuf currentIn;
    final Lookahead ahead = new Lookahead();

    public Connection(final Server server, final Shard home) {
        this.server = server;
        this.home = home;
        this.id = server.newClientId();
        this.state.aclUser = server.acl.defaultUser();
    }

    public long id() {
        return id;
    }

    public Shard home() {
        return home;
    }

    public Server server() {
        return server;
    }

    public ClientState state() {
        return state;
    }

    public int db() {
        return state.db;
    }

    public int proto() {
        return state.proto;
    }

    public boolean noTouch() {
        return state.noTouch;
    }

    public boolean isClosed() {
        return closed;
    }

    // ---- channel events ------------------------------------------------------------------------

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        this.nctx = ctx;
        this.ch = ctx.channel();
        home.stats.connectionsReceived++;
        if (!server.admitConnection()) {
            ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(MAX_CLIENTS)).addListener(ChannelFutureListener.CLOSE);
            closed = true;
            return;
        }
        admitted = true;
        final long now = System.currentTimeMillis();
        state.createdMillis = now;
        state.lastInteractionMillis = now;
        state.authenticated = state.aclUser.noAuthNeeded();
        state.addr = ClientState.address(ch.remoteAddress());
        state.laddr = ClientState.address(ch.localAddress());
        home.register(this);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        closed = true;
        if (state.monitor) {
            server.monitors.remove(this);
        }
        blocked.drop();
        io.moon.server.tx.TransactionCommands.unwatchAll(this);
        server.pubsub.dropAll(this);
        tracking.disable();
        if (admitted) {
            admitted = false;
            server.connectionClosed();
            home.unregister(this);
        }
        releaseBuffers();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        final ByteBuf in = (ByteBuf) msg;
        try {
            final int n = in.readableBytes();
            home.stats.netInputBytes += n;
            home.stats.readsProcessed++;
            // idle time is reported and enforced in seconds: the cron's clock is precise enough
            state.lastInteractionMillis = home.cronMillis();
            if (closed || closeAfterFlush) {
                return;
            }
            if (waiting || outputBlocked || (pending != null && pending.isReadable())) {
                keepPending(in);
                return;
            }
            process(in);
            if (in.isReadable() && !closeAfterFlush && !closed) {
                keepPending(in);
            }
        } finally {
            in.release();
        }
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) {
        flush();
        home.clientEviction.afterRead(this); // maxmemory-clients
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
        // Backpressure for clients that do not read their replies: stop reading while the
        // outbound buffer is above its high-water mark, and parse again once it drained.
        if (ch.isWritable() && outputBlocked) {
            outputBlocked = false;
            ch.eventLoop().execute(onWritable);
        }
        updateAutoRead();
    }

    private void onWritable() {
        if (!waiting && !outputBlocked && !closed) {
            resume();
        }
    }

    /** Reads from the socket only while replies can leave and little input is waiting. */
    private void updateAutoRead() {
        final boolean read = !outputBlocked && ch.isWritable()
                && (pending == null || pending.readableBytes() < PENDING_PAUSE_BYTES);
        if (read == inputPaused) {
            inputPaused = !read;
            ch.config().setAutoRead(read);
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        if (!(cause instanceof java.io.IOException)) {
            LOG.log(Level.WARNING, "connection " + id + " failed", cause);
        }
        ctx.close();
    }

    // ---- parsing and running -------------------------------------------------------------------

    private void process(final ByteBuf in) {
        currentIn = in;
        try {
            parseAndRun(in);
        } finally {
            currentIn = null;
        }
    }

    private void parseAndRun(final ByteBuf in) {
        final long limit = server.config.clientQueryBufferLimit;
        parser.maxBulkBytes(Math.min(server.config.protoMaxBulkLen, RespParser.MAX_ARRAY_BULK));
        int warmed = 0; // commands ahead whose keys were warmed; -1: this read has no more to warm
        while (!waiting && !closeAfterFlush && !closed && !outputBlocked) {
            if (warmed == 0 && parser.idle() && in.readableBytes() >= PipelinePrefetch.MIN_BYTES) {
                warmed = home.prefetch.warm(in, state.db);
                if (warmed == 0) {
                    warmed = -1;
                }
            }
            if (warmed > 0) {
                warmed--;
            }
            parser.authRequired(!state.authenticated);
            final int r = parser.parse(in, req);
            if (r == RespParser.NEED_MORE) {
                if ((long) req.usedBytes() + parser.pendingBytes() > limit) {
                    logQueryBufferLimit();
                    close();
                }
                return;
            }
            ensureOut();
            if (r == RespParser.ERROR) {
                protocolError(parser.error());
                return;
            }
            Dispatcher.dispatch(this);
            if (!waiting) {
                req.reset();
            }
            if (out != null && out.readableBytes() >= OUT_CHUNK_BYTES && !closed) {
                flushChunk();
            }
        }
    }

    /** Hands a read batch's replies so far to the socket; stops parsing when the socket is full. */
    void flushChunk() {
        if (io.moon.server.pubsub.OutputLimits.closedOverLimit(this)) {
            return;
        }
        if (home.log.holds(logged)) {
            return; // the replies keep accumulating until the group commit
        }
        home.stats.netOutputBytes += out.readableBytes();
        home.stats.writesProcessed++;
        final ByteBuf b = out;
        out = null;
        nctx.writeAndFlush(b, nctx.voidPromise());
        if (!ch.isWritable()) {
            outputBlocked = true;
            updateAutoRead();
        }
    }

    /**
     * A protocol error: its error reply, then the connection closes. CLIENT REPLY OFF, or a SKIP
     * armed for the next command, silences the reply as Redis does (the error counts all the same).
     */
    private void protocolError(final String text) {
        replyMark = out.writerIndex();
        reply.error("ERR " + text);
        home.stats.countError(out, replyMark + 1);
        if (state.replyOff || state.skipArmed) {
            out.writerIndex(replyMark);
        }
        closeAfterFlush = true;
    }

    /** Redis's warning, naming the client by its CLIENT LIST line (the query's first bytes are not kept). */
    private void logQueryBufferLimit() {
        LOG.warning("Closing client that reached max query buffer length: "
                + io.moon.server.commands.ClientCommands.describe(this, System.currentTimeMillis()).strip());
    }

    /** Keeps bytes that arrived while a command was out; they are parsed when it is back. */
    private void keepPending(final ByteBuf in) {
        if (pending == null) {
            pending = nctx.alloc().buffer(Math.max(256, in.readableBytes()));
        }
        // Once reading is paused, bytes the kernel had already taken in are still delivered (with
        // io_uring's multishot recv, until the cancellation lands: at most a receive ring's worth).
        // The client did nothing wrong, so they may exceed the limit by that much.
        final long limit = server.config.clientQueryBufferLimit
                + (inputPaused && server.transport().usesBufferRing() ? Transport.RECV_RING_BYTES : 0);
        if ((long) pending.readableBytes() + in.readableBytes() + req.usedBytes() > limit) {
            logQueryBufferLimit();
            close();
            return;
        }
        pending.writeBytes(in);
        if (!inputPaused && pending.readableBytes() >= PENDING_PAUSE_BYTES) {
            updateAutoRead();
        }
    }

    /** After a command that waited: parse whatever arrived meanwhile, then flush. */
    private void resume() {
        if (pending != null && pending.isReadable() && !closed) {
            process(pending);
            if (!pending.isReadable()) {
                pending.clear();
                if (pending.capacity() > 64 * 1024) {
                    pending.release();
                    pending = null;
                }
            } else if (!waiting) {
                pending.discardReadBytes();
            }
        }
        flush();
        if (inputPaused && !closed) {
            updateAutoRead();
        }
    }

    // ---- replies -------------------------------------------------------------------------------

    /** Makes sure there is an output buffer and binds the reply writer to it. */
    void ensureOut() {
        if (out == null) {
            out = nctx.alloc().ioBuffer(256);
        }
        reply.bind(out, state.proto);
    }

    ByteBuf out() {
        return out;
    }

    private void flush() {
        if (out != null && out.isReadable() && !closed && home.log.holds(logged)) {
            return;
        }
        if (out != null && out.isReadable() && !closed) {
            if (io.moon.server.pubsub.OutputLimits.closedOverLimit(this)) {
                return;
            }
            home.stats.netOutputBytes += out.readableBytes();
            home.stats.writesProcessed++;
            final ByteBuf b = out;
            out = null;
            if (closeAfterFlush) {
                nctx.writeAndFlush(b).addListener(ChannelFutureListener.CLOSE);
                closed = true;
                return;
            }
            nctx.writeAndFlush(b, nctx.voidPromise());
        } else if (closeAfterFlush && !closed) {
            close();
        }
    }

    void setWaiting() {
        waiting = true;
    }

    void clearWaiting() {
        waiting = false;
    }

    /** A cross-shard operation finished (on this thread). */
    public void onCoordinatedDone(final Coordinated op) {
        if (op.widen) {
            op.replyBuffer().release();
            Dispatcher.startWideScript(this, op.spec());
            return;
        }
        if (op instanceof BlockingOutcome b && b.waiter() != null) {
            op.replyBuffer().release();
            enterBlocked(b.waiter());
            return;
        }
        waiting = false;
        if (op instanceof PipelineBatch b) {
            b.deliver(this);
            return;
        }
        home.stats.commandsProcessed++; // counted once done, as Redis counts a command after it ran
        final ByteBuf done = op.replyBuffer();
        Dispatcher.accountOperation(this, op.spec(), done.readableBytes() > 0 && done.getByte(done.readerIndex()) == '-');
        if (closed) {
            op.replyBuffer().release();
            return;
        }
        ensureOut();
        replyMark = out.writerIndex();
        final ByteBuf r = op.replyBuffer();
        out.writeBytes(r, r.readerIndex(), r.readableBytes());
        r.release();
        Dispatcher.ran(this);
        Dispatcher.afterCommand(this);
        afterWaiting();
    }

    // ---- blocked (BLPOP, BZPOPMIN, BLMOVE... on empty keys): see BlockedClient ----

    void enterBlocked(final SharedWaiter w) {
        blocked.enter(w);
        releaseDeferredPushes(); // what the command's first run pushed; a blocked client hears at once
    }

    public boolean isBlocked() {
        return blocked.isBlocked();
    }

    /** A shard served the waiter (its reply is in the waiter) or asked for a re-run. On this thread. */
    public void onWaiterDone(final SharedWaiter w) {
        blocked.onWaiterDone(w);
    }

    /** CLIENT UNBLOCK: ends the wait as a timeout or with the UNBLOCKED error. On this thread. */
    public boolean unblock(final boolean error) {
        return blocked.unblock(error);
    }

    /** The wait ended: the reply (already in {@link #out}) counts as this command's, input resumes. */
    void afterBlockedReply() {
        Dispatcher.ran(this);
        Dispatcher.afterCommand(this);
        afterWaiting();
    }

    /** The served waiter asks to run its command again (BLMOVE whose source refilled elsewhere). */
    void redispatch() {
        Dispatcher.dispatch(this);
    }

    /**
     * After a command that waited (a call, a cross-shard operation, a batch): the parser goes on
     * with a half-received command if gathering met one, a command parsed ahead runs now, then
     * whatever arrived meanwhile is parsed.
     */
    void afterWaiting() {
        if (closed) {
            return;
        }
        if (ahead.partial != null) {
            ahead.give(req);
            req = ahead.partial;
            ahead.partial = null;
        } else if (ahead.held != null) {
            ahead.give(req);
            req = ahead.held;
            ahead.held = null;
            ensureOut();
            Dispatcher.dispatch(this);
            if (waiting) {
                return; // it went elsewhere too; this runs again when it is back
            }
            req.reset();
        } else {
            req.reset();
        }
        if (ahead.heldError != null) {
            ensureOut();
            protocolError(ahead.heldError);
            ahead.heldError = null;
        }
        resume();
    }

    /** Whether CLIENT PAUSE holds this connection's command back (CLIENT LIST flag b, as Redis). */
    public boolean parkedByPause() {
        return parked;
    }

    public void parkedByPause(final boolean on) {
        parked = on;
    }

    private boolean parked;

    /** CLIENT PAUSE ended or was lifted: try the held-back command again. */
    public void retryPaused() {
        parked = false;
        waiting = false;
        if (closed) {
            return;
        }
        ensureOut();
        Dispatcher.dispatch(this);
        if (!waiting) {
            afterWaiting();
        }
    }

    // ---- pub/sub pushes ------------------------------------------------------------------------

    public io.moon.server.pubsub.Subscriptions subscriptions() {
        return subs;
    }

    /** Where a pushed message is written (on this thread), or null when the connection is closed (see Pushes). */
    public Reply pushStart() {
        return pushes.start();
    }

    /** A pushed message is written (see Pushes). */
    public void pushEnd() {
        pushes.end();
    }

    /** The pushes held back while a command ran go out after its reply. On this thread. */
    void releaseDeferredPushes() {
        pushes.release();
    }

    /** Pushed messages leave (a task Pushes queues). */
    void flushPushes() {
        if (!waiting || blocked.isBlocked()) { // a blocked client's reply is not in the buffer yet
            flush();
        }
    }

    // ---- lifecycle -----------------------------------------------------------------------------

    /** Closes after the replies written so far are sent (QUIT, protocol errors). */
    public void closeAfterReply() {
        closeAfterFlush = true;
    }

    /**
     * Server drain (SIGTERM): reads no more input; the command running now (if any) is answered,
     * then the connection closes. A blocked client has no reply coming and closes at once.
     */
    public void drain() {
        if (closed || ch == null) {
            return;
        }
        ch.config().setAutoRead(false);
        closeAfterFlush = true;
        if (blocked.isBlocked()) {
            close();
        } else if (!waiting) {
            flush();
        }
    }

    /** Closes now (CLIENT KILL, limits, timeouts). Must run on this connection's thread. */
    public void close() {
        if (!closed) {
            closed = true;
            // Redis frees a killed client at once: a PUBLISH right after CLIENT KILL no longer counts
            // it, nor does PUBSUB NUMSUB (the rest of the cleanup waits for the channel to be gone)
            server.pubsub.dropAll(this);
            if (state.monitor) {
                server.monitors.remove(this);
            }
            tracking.closing();
            if (ch != null) {
                ch.close();
            }
        }
    }

    private void releaseBuffers() {
        if (out != null) {
            out.release();
            out = null;
        }
        pushes.free();
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    /** Bytes of unparsed input held (CLIENT LIST qbuf). */
    public int queryBufferBytes() {
        return (pending == null ? 0 : pending.readableBytes()) + parser.pendingBytes();
    }

    /** Room left in the buffer holding unparsed input (CLIENT LIST qbuf-free). */
    public int queryBufferFreeBytes() {
        return pending == null ? 0 : pending.writableBytes();
    }

    /** Bytes of replies not yet handed to the socket plus what the socket still holds (omem). */
    public long outputBufferBytes() {
        final long queued = ch == null ? 0 : ch.unsafe().outboundBuffer() == null ? 0
                : ch.unsafe().outboundBuffer().totalPendingWriteBytes();
        return (out == null ? 0 : out.readableBytes()) + queued
                + pushes.heldBytes();
    }

    public Channel channel() {
        return ch;
    }

    public boolean isWaiting() {
        return waiting;
    }
}
