package io.moon.server.command;

import io.moon.server.commands.BlockingCommands;
import io.moon.server.commands.ClientCommands;
import io.moon.server.commands.CommandCommands;
import io.moon.server.commands.ConfigCommands;
import io.moon.server.commands.ConnectionCommands;
import io.moon.server.commands.CrossShard;
import io.moon.server.commands.DebugCommands;
import io.moon.server.commands.DumpCommands;
import io.moon.server.commands.ExpireCommands;
import io.moon.server.commands.HashCommands;
import io.moon.server.commands.HashExpireCommands;
import io.moon.server.commands.HashReadCommands;
import io.moon.server.commands.InfoCommand;
import io.moon.server.commands.SlowlogCommands;
import io.moon.server.commands.KeyCommands;
import io.moon.server.commands.KeyspaceCommands;
import io.moon.server.commands.LatencyCommands;
import io.moon.server.commands.ListCommands;
import io.moon.server.commands.ListMoves;
import io.moon.server.commands.ServerCommands;
import io.moon.server.commands.SetAlgebra;
import io.moon.server.commands.SetCommands;
import io.moon.server.commands.SetRandom;
import io.moon.server.commands.SortAcross;
import io.moon.server.commands.SortCommand;
import io.moon.server.commands.StringCommands;
import io.moon.server.commands.ZsetCommands;
import io.moon.server.commands.ZsetPopCommands;
import io.moon.server.commands.ZsetRangeCommands;
import io.moon.server.commands.ZsetSetCommands;
import io.moon.server.pubsub.PubSubCommands;
import io.moon.server.script.ScriptCommands;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static io.moon.server.command.CommandSpec.cmd;

/**
 * Every command Moon knows: one row each, with Redis's arity, flags, key positions, ACL
 * categories and key specs, and the handler that runs it. A command lives in three places: its
 * row here, its handler in its family class, and its tests (docs/adding-a-command.md).
 *
 * <p>Reading a row: {@code cmd(name, arity, flags)} then {@code .acl(extra categories)},
 * {@code .keys(first, last, step, key spec flags...)}, and how it runs: {@code .local(handler)}
 * on the connection's thread, {@code .keyed(handler, multi)} on the shard owning the keys (with
 * {@code multi} when keys may span shards), {@code .coordinated(multi)} across shards, or
 * {@code .routed(router, handler)}. Implicit categories (@read, @write, @fast, @slow, @admin,
 * @dangerous...) come from the flags.
 *
 * <p>Lookup by name is case-insensitive, over the request bytes, and allocates nothing.
 */
public final class CommandTable {
    private static final CommandTable INSTANCE = new CommandTable();

    private final List<CommandSpec> all = new ArrayList<>();
    private final CommandSpec[] slots = new CommandSpec[1024];

    private CommandTable() {
        for (final CommandSpec.Builder b : rows()) {
            final CommandSpec spec = build(b, null);
            final int i = slotFor(spec.upperName, 0, spec.upperName.length);
            slots[i] = spec;
        }
    }

    public static CommandTable instance() {
        return INSTANCE;
    }

    private CommandSpec build(final CommandSpec.Builder b, final CommandSpec parent) {
        final CommandSpec spec = new CommandSpec(b, parent);
        spec.id = all.size();
        all.add(spec);
        final CommandSpec[] subs = new CommandSpec[b.subs.length];
        for (int i = 0; i < subs.length; i++) {
            subs[i] = build(b.subs[i], spec);
        }
        spec.subcommands = subs;
        return spec;
    }

    @SuppressWarnings("checkstyle:MethodLength")
    private static CommandSpec.Builder[] rows() {
        return new CommandSpec.Builder[] {
            // ---- connection ----------------------------------------------------------------
            cmd("ping", -1, "fast").acl("@connection").tips("request_policy:all_shards", "response_policy:all_succeeded")
                    .local(ConnectionCommands::ping),
            cmd("echo", 2, "loading stale fast").acl("@connection").local(ConnectionCommands::echo),
            cmd("hello", -1, "noscript loading stale fast no_auth allow_busy").acl("@connection")
                    .local(ConnectionCommands::hello),
            cmd("auth", -2, "noscript loading stale fast no_auth allow_busy").acl("@connection")
                    .local(ConnectionCommands::auth),
            cmd("select", 2, "loading stale fast").acl("@connection").local(ConnectionCommands::select),
            cmd("quit", -1, "noscript loading stale fast no_auth allow_busy").acl("@connection")
                    .local(ConnectionCommands::quit),
            cmd("reset", 1, "noscript loading stale fast no_auth allow_busy").acl("@connection")
                    .local(ConnectionCommands::reset),
            cmd("monitor", 1, "admin noscript loading stale").local(ConnectionCommands::monitor),
            // ---- transactions --------------------------------------------------------------
            cmd("multi", 1, "noscript loading stale fast allow_busy").acl("@transaction")
                    .local(io.moon.server.tx.TransactionCommands::multi),
            cmd("exec", 1, "noscript loading stale skip_slowlog").acl("@transaction")
                    .coordinated(io.moon.server.tx.TransactionCommands::exec),
            cmd("discard", 1, "noscript loading stale fast allow_busy").acl("@transaction")
                    .local(io.moon.server.tx.TransactionCommands::discard),
            cmd("watch", -2, "noscript loading stale fast allow_busy").acl("@transaction").keys(1, -1, 1, "RO")
                    .coordinated(io.moon.server.tx.TransactionCommands::watch),
            cmd("unwatch", 1, "noscript loading stale fast allow_busy").acl("@transaction")
                    .local(io.moon.server.tx.TransactionCommands::unwatch),
            cmd("client", -2, "").subcommands(
                    cmd("id", 2, "noscript loading stale").acl("@connection").local(ClientCommands::id),
                    cmd("setname", 3, "noscript loading stale").acl("@connection")
                            .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                            .local(ClientCommands::setname),
                    cmd("getname", 2, "noscript loading stale").acl("@connection").local(ClientCommands::getname),
                    cmd("list", -2, "admin noscript loading stale").acl("@connection").tips("nondeterministic_output")
                            .coordinated(ClientCommands::list),
                    cmd("info", 2, "noscript loading stale").acl("@connection").tips("nondeterministic_output")
                            .local(ClientCommands::info),
                    cmd("kill", -3, "admin noscript loading stale").acl("@connection").coordinated(ClientCommands::kill),
                    cmd("unblock", -3, "admin noscript loading stale").acl("@connection")
                            .coordinated(ClientCommands::unblock),
                    cmd("setinfo", 4, "noscript loading stale").acl("@connection")
                            .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                            .local(ClientCommands::setinfo),
                    cmd("reply", 3, "noscript loading stale").acl("@connection").local(ClientCommands::reply),
                    cmd("pause", -3, "admin noscript loading stale").acl("@connection").local(ClientCommands::pause),
                    cmd("unpause", 2, "admin noscript loading stale").acl("@connection").local(ClientCommands::unpause),
                    cmd("no-evict", 3, "admin noscript loading stale").acl("@connection").local(ClientCommands::noEvict),
                    cmd("no-touch", 3, "noscript loading stale").acl("@connection").local(ClientCommands::noTouch),
                    cmd("help", 2, "loading stale").acl("@connection").local(ClientCommands::help)),

            // ---- pub/sub -------------------------------------------------------------------
            cmd("subscribe", -2, "pubsub noscript loading stale").local(PubSubCommands::subscribe),
            cmd("unsubscribe", -1, "pubsub noscript loading stale").local(PubSubCommands::unsubscribe),
            cmd("psubscribe", -2, "pubsub noscript loading stale").local(PubSubCommands::psubscribe),
            cmd("punsubscribe", -1, "pubsub noscript loading stale").local(PubSubCommands::punsubscribe),
            cmd("ssubscribe", -2, "pubsub noscript loading stale").keys(1, -1, 1, "not_key")
                    .local(PubSubCommands::ssubscribe),
            cmd("sunsubscribe", -1, "pubsub noscript loading stale").keys(1, -1, 1, "not_key")
                    .local(PubSubCommands::sunsubscribe),
            cmd("publish", 3, "pubsub loading stale fast").local(PubSubCommands::publish),
            cmd("spublish", 3, "pubsub loading stale fast").keys(1, 1, 1, "not_key").local(PubSubCommands::spublish),
            cmd("pubsub", -2, "").subcommands(
                    cmd("channels", -2, "pubsub loading stale").local(PubSubCommands::channels),
                    cmd("numsub", -2, "pubsub loading stale").local(PubSubCommands::numsub),
                    cmd("numpat", 2, "pubsub loading stale").local(PubSubCommands::numpat),
                    cmd("shardchannels", -2, "pubsub loading stale").local(PubSubCommands::shardchannels),
                    cmd("shardnumsub", -2, "pubsub loading stale").local(PubSubCommands::shardnumsub),
                    cmd("help", 2, "loading stale").local(PubSubCommands::help)),

            // ---- strings -------------------------------------------------------------------
            cmd("get", 2, "readonly fast").acl("@string").keys(1, 1, 1, "RO", "access").keyed(StringCommands::get),
            cmd("set", -3, "write denyoom").acl("@string").keys(1, 1, 1, "RW", "access", "update", "variable_flags")
                    .keyed(StringCommands::set),
            cmd("getex", -2, "write fast").acl("@string").keys(1, 1, 1, "RW", "access", "update")
                    .keyed(StringCommands::getex),
            cmd("getdel", 2, "write fast").acl("@string").keys(1, 1, 1, "RW", "access", "delete")
                    .keyed(StringCommands::getdel),
            cmd("getset", 3, "write denyoom fast").acl("@string").keys(1, 1, 1, "RW", "access", "update")
                    .keyed(StringCommands::getset),
            cmd("mget", -2, "readonly fast").acl("@string").keys(1, -1, 1, "RO", "access")
                    .tips("request_policy:multi_shard").keyed(StringCommands::mget, CrossShard::mget),
            cmd("mset", -3, "write denyoom").acl("@string").keys(1, -1, 2, "OW", "update")
                    .tips("request_policy:multi_shard", "response_policy:all_succeeded")
                    .keyed(StringCommands::mset, CrossShard::mset),
            cmd("msetnx", -3, "write denyoom").acl("@string").keys(1, -1, 2, "OW", "insert")
                    .keyed(StringCommands::msetnx, CrossShard::msetnx),
            cmd("setnx", 3, "write denyoom fast").acl("@string").keys(1, 1, 1, "OW", "insert")
                    .keyed(StringCommands::setnx),
            cmd("setex", 4, "write denyoom").acl("@string").keys(1, 1, 1, "OW", "update").keyed(StringCommands::setex),
            cmd("psetex", 4, "write denyoom").acl("@string").keys(1, 1, 1, "OW", "update")
                    .keyed(StringCommands::psetex),
            cmd("append", 3, "write denyoom fast").acl("@string").keys(1, 1, 1, "RW", "insert")
                    .keyed(StringCommands::append),
            cmd("strlen", 2, "readonly fast").acl("@string").keys(1, 1, 1, "RO").keyed(StringCommands::strlen),
            cmd("getrange", 4, "readonly").acl("@string").keys(1, 1, 1, "RO", "access")
                    .keyed(StringCommands::getrange),
            cmd("substr", 4, "readonly").acl("@string").keys(1, 1, 1, "RO", "access").keyed(StringCommands::getrange),
            cmd("setrange", 4, "write denyoom").acl("@string").keys(1, 1, 1, "RW", "update")
                    .keyed(StringCommands::setrange),
            cmd("incr", 2, "write denyoom fast").acl("@string").keys(1, 1, 1, "RW", "access", "update")
                    .keyed(StringCommands::incr),
            cmd("incrby", 3, "write denyoom fast").acl("@string").keys(1, 1, 1, "RW", "access", "update")
                    .keyed(StringCommands::incrby),
            cmd("incrbyfloat", 3, "write denyoom fast").acl("@string").keys(1, 1, 1, "RW", "access", "update")
                    .keyed(StringCommands::incrbyfloat),
            cmd("decr", 2, "write denyoom fast").acl("@string").keys(1, 1, 1, "RW", "access", "update")
                    .keyed(StringCommands::decr),
            cmd("decrby", 3, "write denyoom fast").acl("@string").keys(1, 1, 1, "RW", "access", "update")
                    .keyed(StringCommands::decrby),
            cmd("lcs", -3, "readonly").acl("@string").keys(1, 2, 1, "RO", "access")
                    .keyed(StringCommands::lcs, CrossShard::lcs),

            // ---- lists ---------------------------------------------------------------------
            cmd("lpush", -3, "write denyoom fast").acl("@list").keys(1, 1, 1, "RW", "insert")
                    .keyed(ListCommands::lpush),
            cmd("rpush", -3, "write denyoom fast").acl("@list").keys(1, 1, 1, "RW", "insert")
                    .keyed(ListCommands::rpush),
            cmd("lpushx", -3, "write denyoom fast").acl("@list").keys(1, 1, 1, "RW", "insert")
                    .keyed(ListCommands::lpushx),
            cmd("rpushx", -3, "write denyoom fast").acl("@list").keys(1, 1, 1, "RW", "insert")
                    .keyed(ListCommands::rpushx),
            cmd("lpop", -2, "write fast").acl("@list").keys(1, 1, 1, "RW", "access", "delete")
                    .keyed(ListCommands::lpop),
            cmd("rpop", -2, "write fast").acl("@list").keys(1, 1, 1, "RW", "access", "delete")
                    .keyed(ListCommands::rpop),
            cmd("llen", 2, "readonly fast").acl("@list").keys(1, 1, 1, "RO").keyed(ListCommands::llen),
            cmd("lindex", 3, "readonly").acl("@list").keys(1, 1, 1, "RO", "access").keyed(ListCommands::lindex),
            cmd("lrange", 4, "readonly").acl("@list").keys(1, 1, 1, "RO", "access").keyed(ListCommands::lrange),
            cmd("lpos", -3, "readonly").acl("@list").keys(1, 1, 1, "RO", "access").keyed(ListCommands::lpos),
            cmd("lset", 4, "write denyoom").acl("@list").keys(1, 1, 1, "RW", "update").keyed(ListCommands::lset),
            cmd("linsert", 5, "write denyoom").acl("@list").keys(1, 1, 1, "RW", "insert")
                    .keyed(ListCommands::linsert),
            cmd("lrem", 4, "write").acl("@list").keys(1, 1, 1, "RW", "delete").keyed(ListCommands::lrem),
            cmd("ltrim", 4, "write").acl("@list").keys(1, 1, 1, "RW", "delete").keyed(ListCommands::ltrim),
            cmd("lmove", 5, "write denyoom").acl("@list").keys(1, 2, 1).keySpecs(
                    KeySpec.range(1, 0, 1, 0, "RW", "access", "delete"), KeySpec.range(2, 0, 1, 0, "RW", "insert"))
                    .keyed(ListMoves::lmove, ListMoves::lmoveAcross),
            cmd("rpoplpush", 3, "write denyoom").acl("@list").keys(1, 2, 1).keySpecs(
                    KeySpec.range(1, 0, 1, 0, "RW", "access", "delete"), KeySpec.range(2, 0, 1, 0, "RW", "insert"))
                    .keyed(ListMoves::rpoplpush, ListMoves::lmoveAcross),
            cmd("lmpop", -4, "write movablekeys").acl("@list").keys(0, 0, 0)
                    .keySpecs(KeySpec.keynum(1, 0, 1, 1, "RW", "access", "delete"))
                    .keyed(ListMoves::lmpop, ListMoves::lmpopAcross),
            cmd("blpop", -3, "write noscript blocking").acl("@list").keys(1, -2, 1, "RW", "access", "delete")
                    .keyed(BlockingCommands::blpop, BlockingCommands::bpopAcross),
            cmd("brpop", -3, "write noscript blocking").acl("@list").keys(1, -2, 1, "RW", "access", "delete")
                    .keyed(BlockingCommands::brpop, BlockingCommands::bpopAcross),
            cmd("blmove", 6, "write denyoom noscript blocking").acl("@list").keys(1, 2, 1).keySpecs(
                    KeySpec.range(1, 0, 1, 0, "RW", "access", "delete"), KeySpec.range(2, 0, 1, 0, "RW", "insert"))
                    .keyed(BlockingCommands::blmove, BlockingCommands::bmoveAcross),
            cmd("brpoplpush", 4, "write denyoom noscript blocking").acl("@list").keys(1, 2, 1).keySpecs(
                    KeySpec.range(1, 0, 1, 0, "RW", "access", "delete"), KeySpec.range(2, 0, 1, 0, "RW", "insert"))
                    .keyed(BlockingCommands::brpoplpush, BlockingCommands::bmoveAcross),
            cmd("blmpop", -5, "write blocking movablekeys").acl("@list").keys(0, 0, 0)
                    .keySpecs(KeySpec.keynum(2, 0, 1, 1, "RW", "access", "delete"))
                    .keyed(BlockingCommands::blmpop, BlockingCommands::blmpopAcross),
            cmd("bzpopmin", -3, "write noscript blocking fast").acl("@sortedset")
                    .keys(1, -2, 1, "RW", "access", "delete")
                    .keyed(BlockingCommands::bzpopmin, BlockingCommands::bzpopAcross),
            cmd("bzpopmax", -3, "write noscript blocking fast").acl("@sortedset")
                    .keys(1, -2, 1, "RW", "access", "delete")
                    .keyed(BlockingCommands::bzpopmax, BlockingCommands::bzpopAcross),
            cmd("bzmpop", -5, "write blocking movablekeys").acl("@sortedset").keys(0, 0, 0)
                    .keySpecs(KeySpec.keynum(2, 0, 1, 1, "RW", "access", "delete"))
                    .keyed(BlockingCommands::bzmpop, BlockingCommands::bzmpopAcross),
            // ---- sorted sets ---------------------------------------------------------------
            cmd("zadd", -4, "write denyoom fast").acl("@sortedset").keys(1, 1, 1, "RW", "update")
                    .keyed(ZsetCommands::zadd),
            cmd("zincrby", 4, "write denyoom fast").acl("@sortedset").keys(1, 1, 1, "RW", "access", "update")
                    .keyed(ZsetCommands::zincrby),
            cmd("zrem", -3, "write fast").acl("@sortedset").keys(1, 1, 1, "RW", "delete").keyed(ZsetCommands::zrem),
            cmd("zcard", 2, "readonly fast").acl("@sortedset").keys(1, 1, 1, "RO").keyed(ZsetCommands::zcard),
            cmd("zscore", 3, "readonly fast").acl("@sortedset").keys(1, 1, 1, "RO", "access")
                    .keyed(ZsetCommands::zscore),
            cmd("zmscore", -3, "readonly fast").acl("@sortedset").keys(1, 1, 1, "RO", "access")
                    .keyed(ZsetCommands::zmscore),
            cmd("zrank", -3, "readonly fast").acl("@sortedset").keys(1, 1, 1, "RO", "access")
                    .keyed(ZsetCommands::zrank),
            cmd("zrevrank", -3, "readonly fast").acl("@sortedset").keys(1, 1, 1, "RO", "access")
                    .keyed(ZsetCommands::zrevrank),
            cmd("zcount", 4, "readonly fast").acl("@sortedset").keys(1, 1, 1, "RO", "access")
                    .keyed(ZsetCommands::zcount),
            cmd("zlexcount", 4, "readonly fast").acl("@sortedset").keys(1, 1, 1, "RO", "access")
                    .keyed(ZsetCommands::zlexcount),
            cmd("zremrangebyrank", 4, "write").acl("@sortedset").keys(1, 1, 1, "RW", "delete")
                    .keyed(ZsetCommands::zremrangebyrank),
            cmd("zremrangebyscore", 4, "write").acl("@sortedset").keys(1, 1, 1, "RW", "delete")
                    .keyed(ZsetCommands::zremrangebyscore),
            cmd("zremrangebylex", 4, "write").acl("@sortedset").keys(1, 1, 1, "RW", "delete")
                    .keyed(ZsetCommands::zremrangebylex),
            cmd("zrange", -4, "readonly").acl("@sortedset").keys(1, 1, 1, "RO", "access")
                    .keyed(ZsetRangeCommands::zrange),
            cmd("zrangestore", -5, "write denyoom").acl("@sortedset").keys(1, 2, 1).keySpecs(
                    KeySpec.range(1, 0, 1, 0, "OW", "update"), KeySpec.range(2, 0, 1, 0, "RO", "access"))
                    .keyed(ZsetRangeCommands::zrangestore, CrossShard::gather),
            cmd("zrevrange", -4, "readonly").acl("@sortedset").keys(1, 1, 1, "RO", "access")
                    .keyed(ZsetRangeCommands::zrevrange),
            cmd("zrangebyscore", -4, "readonly").acl("@sortedset").keys(1, 1, 1, "RO", "access")
                    .keyed(ZsetRangeCommands::zrangebyscore),
            cmd("zrevrangebyscore", -4, "readonly").acl("@sortedset").keys(1, 1, 1, "RO", "access")
                    .keyed(ZsetRangeCommands::zrevrangebyscore),
            cmd("zrangebylex", -4, "readonly").acl("@sortedset").keys(1, 1, 1, "RO", "access")
                    .keyed(ZsetRangeCommands::zrangebylex),
            cmd("zrevrangebylex", -4, "readonly").acl("@sortedset").keys(1, 1, 1, "RO", "access")
                    .keyed(ZsetRangeCommands::zrevrangebylex),
            cmd("zpopmin", -2, "write fast").acl("@sortedset").keys(1, 1, 1, "RW", "access", "delete")
                    .keyed(ZsetPopCommands::zpopmin),
            cmd("zpopmax", -2, "write fast").acl("@sortedset").keys(1, 1, 1, "RW", "access", "delete")
                    .keyed(ZsetPopCommands::zpopmax),
            cmd("zmpop", -4, "write movablekeys").acl("@sortedset")
                    .keySpecs(KeySpec.keynum(1, 0, 1, 1, "RW", "access", "delete"))
                    .keyed(ZsetPopCommands::zmpop, CrossShard::gather),
            cmd("zrandmember", -2, "readonly").acl("@sortedset").keys(1, 1, 1, "RO", "access")
                    .tips("nondeterministic_output").keyed(ZsetPopCommands::zrandmember),
            cmd("zscan", -3, "readonly").acl("@sortedset").keys(1, 1, 1, "RO", "access")
                    .tips("nondeterministic_output").keyed(ZsetPopCommands::zscan),
            cmd("zunion", -3, "readonly movablekeys").acl("@sortedset")
                    .keySpecs(KeySpec.keynum(1, 0, 1, 1, "RO", "access"))
                    .keyed(ZsetSetCommands::zunion, CrossShard::gather),
            cmd("zinter", -3, "readonly movablekeys").acl("@sortedset")
                    .keySpecs(KeySpec.keynum(1, 0, 1, 1, "RO", "access"))
                    .keyed(ZsetSetCommands::zinter, CrossShard::gather),
            cmd("zdiff", -3, "readonly movablekeys").acl("@sortedset")
                    .keySpecs(KeySpec.keynum(1, 0, 1, 1, "RO", "access"))
                    .keyed(ZsetSetCommands::zdiff, CrossShard::gather),
            cmd("zintercard", -3, "readonly movablekeys").acl("@sortedset")
                    .keySpecs(KeySpec.keynum(1, 0, 1, 1, "RO", "access"))
                    .keyed(ZsetSetCommands::zintercard, CrossShard::gather),
            cmd("zunionstore", -4, "write denyoom movablekeys").acl("@sortedset").keys(1, 1, 1).keySpecs(
                    KeySpec.range(1, 0, 1, 0, "OW", "update"), KeySpec.keynum(2, 0, 1, 1, "RO", "access"))
                    .keyed(ZsetSetCommands::zunionstore, CrossShard::gather),
            cmd("zinterstore", -4, "write denyoom movablekeys").acl("@sortedset").keys(1, 1, 1).keySpecs(
                    KeySpec.range(1, 0, 1, 0, "OW", "update"), KeySpec.keynum(2, 0, 1, 1, "RO", "access"))
                    .keyed(ZsetSetCommands::zinterstore, CrossShard::gather),
            cmd("zdiffstore", -4, "write denyoom movablekeys").acl("@sortedset").keys(1, 1, 1).keySpecs(
                    KeySpec.range(1, 0, 1, 0, "OW", "update"), KeySpec.keynum(2, 0, 1, 1, "RO", "access"))
                    .keyed(ZsetSetCommands::zdiffstore, CrossShard::gather),
            // ---- hashes --------------------------------------------------------------------
            cmd("hset", -4, "write denyoom fast").acl("@hash").keys(1, 1, 1, "RW", "update").keyed(HashCommands::hset),
            cmd("hsetnx", 4, "write denyoom fast").acl("@hash").keys(1, 1, 1, "RW", "insert")
                    .keyed(HashCommands::hsetnx),
            cmd("hmset", -4, "write denyoom fast").acl("@hash").keys(1, 1, 1, "RW", "update")
                    .keyed(HashCommands::hmset),
            cmd("hget", 3, "readonly fast").acl("@hash").keys(1, 1, 1, "RO", "access").keyed(HashCommands::hget),
            cmd("hmget", -3, "readonly fast").acl("@hash").keys(1, 1, 1, "RO", "access").keyed(HashCommands::hmget),
            cmd("hdel", -3, "write fast").acl("@hash").keys(1, 1, 1, "RW", "delete").keyed(HashCommands::hdel),
            cmd("hlen", 2, "readonly fast").acl("@hash").keys(1, 1, 1, "RO").keyed(HashCommands::hlen),
            cmd("hstrlen", 3, "readonly fast").acl("@hash").keys(1, 1, 1, "RO").keyed(HashCommands::hstrlen),
            cmd("hexists", 3, "readonly fast").acl("@hash").keys(1, 1, 1, "RO").keyed(HashCommands::hexists),
            cmd("hincrby", 4, "write denyoom fast").acl("@hash").keys(1, 1, 1, "RW", "access", "update")
                    .keyed(HashCommands::hincrby),
            cmd("hincrbyfloat", 4, "write denyoom fast").acl("@hash").keys(1, 1, 1, "RW", "access", "update")
                    .keyed(HashCommands::hincrbyfloat),
            cmd("hgetall", 2, "readonly").acl("@hash").keys(1, 1, 1, "RO", "access")
                    .tips("nondeterministic_output_order").keyed(HashReadCommands::hgetall),
            cmd("hkeys", 2, "readonly").acl("@hash").keys(1, 1, 1, "RO", "access")
                    .tips("nondeterministic_output_order").keyed(HashReadCommands::hkeys),
            cmd("hvals", 2, "readonly").acl("@hash").keys(1, 1, 1, "RO", "access")
                    .tips("nondeterministic_output_order").keyed(HashReadCommands::hvals),
            cmd("hrandfield", -2, "readonly").acl("@hash").keys(1, 1, 1, "RO", "access")
                    .tips("nondeterministic_output").keyed(HashReadCommands::hrandfield),
            cmd("hscan", -3, "readonly").acl("@hash").keys(1, 1, 1, "RO", "access")
                    .tips("nondeterministic_output").keyed(HashReadCommands::hscan),
            // field expiration (Redis 7.4)
            cmd("hexpire", -6, "write denyoom fast").acl("@hash").keys(1, 1, 1, "RW", "update")
                    .keyed(HashExpireCommands::hexpire),
            cmd("hpexpire", -6, "write denyoom fast").acl("@hash").keys(1, 1, 1, "RW", "update")
                    .keyed(HashExpireCommands::hpexpire),
            cmd("hexpireat", -6, "write denyoom fast").acl("@hash").keys(1, 1, 1, "RW", "update")
                    .keyed(HashExpireCommands::hexpireat),
            cmd("hpexpireat", -6, "write denyoom fast").acl("@hash").keys(1, 1, 1, "RW", "update")
                    .keyed(HashExpireCommands::hpexpireat),
            cmd("httl", -5, "readonly fast").acl("@hash").keys(1, 1, 1, "RO", "access")
                    .keyed(HashExpireCommands::httl),
            cmd("hpttl", -5, "readonly fast").acl("@hash").keys(1, 1, 1, "RO", "access")
                    .keyed(HashExpireCommands::hpttl),
            cmd("hexpiretime", -5, "readonly fast").acl("@hash").keys(1, 1, 1, "RO", "access")
                    .keyed(HashExpireCommands::hexpiretime),
            cmd("hpexpiretime", -5, "readonly fast").acl("@hash").keys(1, 1, 1, "RO", "access")
                    .keyed(HashExpireCommands::hpexpiretime),
            cmd("hpersist", -5, "write fast").acl("@hash").keys(1, 1, 1, "RW", "update")
                    .keyed(HashExpireCommands::hpersist),

            // ---- keys ----------------------------------------------------------------------
            cmd("del", -2, "write").acl("@keyspace").keys(1, -1, 1, "RM", "delete")
                    .tips("request_policy:multi_shard", "response_policy:agg_sum")
                    .keyed(KeyCommands::del, CrossShard::sum),
            cmd("unlink", -2, "write fast").acl("@keyspace").keys(1, -1, 1, "RM", "delete")
                    .tips("request_policy:multi_shard", "response_policy:agg_sum")
                    .keyed(KeyCommands::del, CrossShard::sum),
            cmd("exists", -2, "readonly fast").acl("@keyspace").keys(1, -1, 1, "RO")
                    .tips("request_policy:multi_shard", "response_policy:agg_sum")
                    .keyed(KeyCommands::exists, CrossShard::sum),
            cmd("touch", -2, "readonly fast").acl("@keyspace").keys(1, -1, 1, "RO")
                    .tips("request_policy:multi_shard", "response_policy:agg_sum")
                    .keyed(KeyCommands::touch, CrossShard::sum),
            cmd("type", 2, "readonly fast").acl("@keyspace").keys(1, 1, 1, "RO").keyed(KeyCommands::type),
            cmd("rename", 3, "write").acl("@keyspace").keys(1, 2, 1).keySpecs(
                    KeySpec.range(1, 0, 1, 0, "RW", "access", "delete"), KeySpec.range(2, 0, 1, 0, "OW", "update"))
                    .keyed(KeyCommands::rename, CrossShard::rename),
            cmd("renamenx", 3, "write fast").acl("@keyspace").keys(1, 2, 1).keySpecs(
                    KeySpec.range(1, 0, 1, 0, "RW", "access", "delete"), KeySpec.range(2, 0, 1, 0, "OW", "insert"))
                    .keyed(KeyCommands::renamenx, CrossShard::rename),
            cmd("copy", -3, "write denyoom").acl("@keyspace").keys(1, 2, 1).keySpecs(
                    KeySpec.range(1, 0, 1, 0, "RO", "access"), KeySpec.range(2, 0, 1, 0, "OW", "update"))
                    .keyed(KeyCommands::copy, CrossShard::copy),
            cmd("move", 3, "write fast").acl("@keyspace").keys(1, 1, 1, "RW", "access", "update")
                    .keyed(KeyCommands::move),
            cmd("expire", -3, "write fast").acl("@keyspace").keys(1, 1, 1, "RW", "update")
                    .keyed(ExpireCommands::expire),
            cmd("pexpire", -3, "write fast").acl("@keyspace").keys(1, 1, 1, "RW", "update")
                    .keyed(ExpireCommands::pexpire),
            cmd("expireat", -3, "write fast").acl("@keyspace").keys(1, 1, 1, "RW", "update")
                    .keyed(ExpireCommands::expireat),
            cmd("pexpireat", -3, "write fast").acl("@keyspace").keys(1, 1, 1, "RW", "update")
                    .keyed(ExpireCommands::pexpireat),
            cmd("ttl", 2, "readonly fast").acl("@keyspace").keys(1, 1, 1, "RO", "access")
                    .tips("nondeterministic_output").keyed(ExpireCommands::ttl),
            cmd("pttl", 2, "readonly fast").acl("@keyspace").keys(1, 1, 1, "RO", "access")
                    .tips("nondeterministic_output").keyed(ExpireCommands::pttl),
            cmd("expiretime", 2, "readonly fast").acl("@keyspace").keys(1, 1, 1, "RO", "access")
                    .keyed(ExpireCommands::expiretime),
            cmd("pexpiretime", 2, "readonly fast").acl("@keyspace").keys(1, 1, 1, "RO", "access")
                    .keyed(ExpireCommands::pexpiretime),
            cmd("persist", 2, "write fast").acl("@keyspace").keys(1, 1, 1, "RW", "update")
                    .keyed(ExpireCommands::persist),
            cmd("object", -2, "").subcommands(
                    cmd("encoding", 3, "readonly").acl("@keyspace").keys(2, 2, 1, "RO")
                            .tips("nondeterministic_output").keyed(KeyCommands::objectEncoding),
                    cmd("refcount", 3, "readonly").acl("@keyspace").keys(2, 2, 1, "RO")
                            .tips("nondeterministic_output").keyed(KeyCommands::objectRefcount),
                    cmd("idletime", 3, "readonly").acl("@keyspace").keys(2, 2, 1, "RO")
                            .tips("nondeterministic_output").keyed(KeyCommands::objectIdletime),
                    cmd("freq", 3, "readonly").acl("@keyspace").keys(2, 2, 1, "RO")
                            .tips("nondeterministic_output").keyed(KeyCommands::objectFreq),
                    cmd("help", 2, "loading stale").acl("@keyspace").local(KeyCommands::objectHelp)),

            // ---- sets ----------------------------------------------------------------------
            cmd("sadd", -3, "write denyoom fast").acl("@set").keys(1, 1, 1, "RW", "insert").keyed(SetCommands::sadd),
            cmd("srem", -3, "write fast").acl("@set").keys(1, 1, 1, "RW", "delete").keyed(SetCommands::srem),
            cmd("scard", 2, "readonly fast").acl("@set").keys(1, 1, 1, "RO").keyed(SetCommands::scard),
            cmd("sismember", 3, "readonly fast").acl("@set").keys(1, 1, 1, "RO").keyed(SetCommands::sismember),
            cmd("smismember", -3, "readonly fast").acl("@set").keys(1, 1, 1, "RO", "access")
                    .keyed(SetCommands::smismember),
            cmd("smembers", 2, "readonly").acl("@set").keys(1, 1, 1, "RO", "access")
                    .tips("nondeterministic_output_order").keyed(SetCommands::smembers),
            cmd("srandmember", -2, "readonly").acl("@set").keys(1, 1, 1, "RO", "access")
                    .tips("nondeterministic_output").keyed(SetRandom::srandmember),
            cmd("spop", -2, "write fast").acl("@set").keys(1, 1, 1, "RW", "access", "delete")
                    .tips("nondeterministic_output").keyed(SetRandom::spop),
            cmd("smove", 4, "write fast").acl("@set").keys(1, 2, 1).keySpecs(
                    KeySpec.range(1, 0, 1, 0, "RW", "access", "delete"), KeySpec.range(2, 0, 1, 0, "RW", "insert"))
                    .keyed(SetCommands::smove, SetCommands::smoveAcrossShards),
            cmd("sinter", -2, "readonly").acl("@set").keys(1, -1, 1, "RO", "access")
                    .tips("nondeterministic_output_order").keyed(SetAlgebra::sinter, CrossShard::gather),
            cmd("sintercard", -3, "readonly movablekeys").acl("@set").keys(0, 0, 0)
                    .keySpecs(KeySpec.keynum(1, 0, 1, 1, "RO", "access"))
                    .keyed(SetAlgebra::sintercard, CrossShard::gather),
            cmd("sinterstore", -3, "write denyoom").acl("@set").keys(1, -1, 1).keySpecs(
                    KeySpec.range(1, 0, 1, 0, "RW", "update"), KeySpec.range(2, -1, 1, 0, "RO", "access"))
                    .keyed(SetAlgebra::sinterstore, CrossShard::gather),
            cmd("sunion", -2, "readonly").acl("@set").keys(1, -1, 1, "RO", "access")
                    .tips("nondeterministic_output_order").keyed(SetAlgebra::sunion, CrossShard::gather),
            cmd("sunionstore", -3, "write denyoom").acl("@set").keys(1, -1, 1).keySpecs(
                    KeySpec.range(1, 0, 1, 0, "OW", "update"), KeySpec.range(2, -1, 1, 0, "RO", "access"))
                    .keyed(SetAlgebra::sunionstore, CrossShard::gather),
            cmd("sdiff", -2, "readonly").acl("@set").keys(1, -1, 1, "RO", "access")
                    .tips("nondeterministic_output_order").keyed(SetAlgebra::sdiff, CrossShard::gather),
            cmd("sdiffstore", -3, "write denyoom").acl("@set").keys(1, -1, 1).keySpecs(
                    KeySpec.range(1, 0, 1, 0, "OW", "update"), KeySpec.range(2, -1, 1, 0, "RO", "access"))
                    .keyed(SetAlgebra::sdiffstore, CrossShard::gather),
            cmd("sscan", -3, "readonly").acl("@set").keys(1, 1, 1, "RO", "access").tips("nondeterministic_output")
                    .keyed(SetCommands::sscan),

            cmd("sort", -2, "write denyoom movablekeys").acl("@set @sortedset @list @dangerous").keys(1, 1, 1)
                    .keySpecs(KeySpec.range(1, 0, 1, 0, "RO", "access"), KeySpec.unknown("RO", "access"),
                            KeySpec.unknown("OW", "update"))
                    .finder(SortCommand.KEYS).keyed(SortCommand::sort, SortAcross::start),
            cmd("sort_ro", -2, "readonly movablekeys").acl("@set @sortedset @list @dangerous").keys(1, 1, 1)
                    .keySpecs(KeySpec.range(1, 0, 1, 0, "RO", "access"), KeySpec.unknown("RO", "access"))
                    .finder(SortCommand.KEYS_RO).keyed(SortCommand::sortRo, SortAcross::start),

            // ---- keyspace-wide -------------------------------------------------------------
            cmd("keys", 2, "readonly").acl("@keyspace @dangerous")
                    .tips("request_policy:all_shards", "nondeterministic_output_order")
                    .coordinated(KeyspaceCommands::keys),
            cmd("scan", -2, "readonly").acl("@keyspace")
                    .tips("nondeterministic_output", "request_policy:special", "response_policy:special")
                    .routed(KeyspaceCommands::scanShard, KeyspaceCommands::scan),
            cmd("randomkey", 1, "readonly").acl("@keyspace")
                    .tips("request_policy:all_shards", "response_policy:special", "nondeterministic_output")
                    .coordinated(KeyspaceCommands::randomkey),
            cmd("dbsize", 1, "readonly fast").acl("@keyspace").tips("request_policy:all_shards", "response_policy:agg_sum")
                    .coordinated(KeyspaceCommands::dbsize),
            cmd("flushdb", -1, "write").acl("@keyspace @dangerous")
                    .tips("request_policy:all_shards", "response_policy:all_succeeded")
                    .coordinated(KeyspaceCommands::flushdb),
            cmd("flushall", -1, "write").acl("@keyspace @dangerous")
                    .tips("request_policy:all_shards", "response_policy:all_succeeded")
                    .coordinated(KeyspaceCommands::flushall),
            cmd("swapdb", 3, "write fast").acl("@keyspace @dangerous").coordinated(KeyspaceCommands::swapdb),

            // ---- scripting -----------------------------------------------------------------
            cmd("eval", -3, "noscript stale skip_monitor no_mandatory_keys movablekeys").acl("@scripting")
                    .keySpecs(KeySpec.keynum(2, 0, 1, 1, "RW", "access", "update"))
                    .keyed(ScriptCommands::eval, CrossShard::gather),
            cmd("eval_ro", -3, "readonly noscript stale skip_monitor no_mandatory_keys movablekeys").acl("@scripting")
                    .keySpecs(KeySpec.keynum(2, 0, 1, 1, "RO", "access"))
                    .keyed(ScriptCommands::evalRo, CrossShard::gather),
            cmd("evalsha", -3, "noscript stale skip_monitor no_mandatory_keys movablekeys").acl("@scripting")
                    .keySpecs(KeySpec.keynum(2, 0, 1, 1, "RW", "access", "update"))
                    .keyed(ScriptCommands::evalsha, CrossShard::gather),
            cmd("evalsha_ro", -3, "readonly noscript stale skip_monitor no_mandatory_keys movablekeys").acl("@scripting")
                    .keySpecs(KeySpec.keynum(2, 0, 1, 1, "RO", "access"))
                    .keyed(ScriptCommands::evalshaRo, CrossShard::gather),
            cmd("script", -2, "").subcommands(
                    cmd("exists", -3, "noscript").acl("@scripting")
                            .tips("request_policy:all_shards", "response_policy:agg_logical_and").local(ScriptCommands::exists),
                    cmd("flush", -2, "noscript").acl("@scripting")
                            .tips("request_policy:all_nodes", "response_policy:all_succeeded").local(ScriptCommands::flush),
                    cmd("help", 2, "loading stale").acl("@scripting").local(ScriptCommands::help),
                    cmd("kill", 2, "noscript allow_busy").acl("@scripting")
                            .tips("request_policy:all_shards", "response_policy:one_succeeded").local(ScriptCommands::kill),
                    cmd("load", 3, "noscript stale").acl("@scripting")
                            .tips("request_policy:all_nodes", "response_policy:all_succeeded").local(ScriptCommands::load)),

            // ---- server --------------------------------------------------------------------
            cmd("time", 1, "loading stale fast").tips("nondeterministic_output").local(ServerCommands::time),
            cmd("shutdown", -1, "admin noscript loading stale no_multi allow_busy")
                    .coordinated(io.moon.server.persist.SnapshotCommands::shutdown),
            // ---- snapshots -----------------------------------------------------------------
            cmd("save", 1, "admin noscript no_async_loading no_multi")
                    .coordinated(io.moon.server.persist.SnapshotCommands::save),
            cmd("bgsave", -1, "admin noscript no_async_loading")
                    .coordinated(io.moon.server.persist.SnapshotCommands::bgsave),
            cmd("bgrewriteaof", 1, "admin noscript no_async_loading")
                    .local(io.moon.server.wal.AofCommands::bgrewriteaof),
            cmd("lastsave", 1, "loading stale fast").acl("@admin @dangerous").tips("nondeterministic_output")
                    .local(io.moon.server.persist.SnapshotCommands::lastsave),
            cmd("info", -1, "loading stale").acl("@dangerous")
                    .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special")
                    .coordinated(InfoCommand::info),
            cmd("config", -2, "").subcommands(
                    cmd("get", -3, "admin noscript loading stale").local(ConfigCommands::get),
                    cmd("set", -4, "admin noscript loading stale")
                            .tips("request_policy:all_nodes", "response_policy:all_succeeded").local(ConfigCommands::set),
                    cmd("resetstat", 2, "admin noscript loading stale")
                            .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                            .coordinated(ConfigCommands::resetstat),
                    cmd("rewrite", 2, "admin noscript loading stale")
                            .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                            .local(ConfigCommands::rewrite),
                    cmd("help", 2, "loading stale").local(ConfigCommands::help)),
            cmd("command", -1, "loading stale").acl("@connection").tips("nondeterministic_output_order")
                    .local(CommandCommands::command).subcommands(
                    cmd("count", 2, "loading stale").acl("@connection").local(CommandCommands::count),
                    cmd("info", -2, "loading stale").acl("@connection").tips("nondeterministic_output_order")
                            .local(CommandCommands::info),
                    cmd("docs", -2, "loading stale").acl("@connection").tips("nondeterministic_output_order")
                            .local(CommandCommands::docs),
                    cmd("list", -2, "loading stale").acl("@connection").tips("nondeterministic_output_order")
                            .local(CommandCommands::list),
                    cmd("getkeys", -3, "loading stale").acl("@connection").local(CommandCommands::getkeys),
                    cmd("getkeysandflags", -3, "loading stale").acl("@connection")
                            .local(CommandCommands::getkeysandflags),
                    cmd("help", 2, "loading stale").acl("@connection").local(CommandCommands::help)),
            // ---- observe: slow log
            cmd("slowlog", -2, "").subcommands(
                    cmd("get", -2, "admin loading stale")
                            .tips("request_policy:all_nodes", "nondeterministic_output")
                            .coordinated(SlowlogCommands::get),
                    cmd("len", 2, "admin loading stale")
                            .tips("request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output")
                            .coordinated(SlowlogCommands::len),
                    cmd("reset", 2, "admin loading stale")
                            .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                            .coordinated(SlowlogCommands::reset),
                    cmd("help", 2, "loading stale").local(SlowlogCommands::help)),
            // ---- observe: latency monitor
            cmd("latency", -2, "").subcommands(
                    cmd("latest", 2, "admin noscript loading stale")
                            .tips("nondeterministic_output", "request_policy:all_nodes", "response_policy:special")
                            .coordinated(LatencyCommands::latest),
                    cmd("history", 3, "admin noscript loading stale")
                            .tips("nondeterministic_output", "request_policy:all_nodes", "response_policy:special")
                            .coordinated(LatencyCommands::history),
                    cmd("reset", -2, "admin noscript loading stale")
                            .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                            .coordinated(LatencyCommands::reset),
                    cmd("histogram", -2, "admin noscript loading stale")
                            .tips("nondeterministic_output", "request_policy:all_nodes", "response_policy:special")
                            .coordinated(LatencyCommands::histogram),
                    cmd("graph", 3, "admin noscript loading stale")
                            .tips("nondeterministic_output", "request_policy:all_nodes", "response_policy:special")
                            .coordinated(LatencyCommands::graph),
                    cmd("doctor", 2, "admin noscript loading stale")
                            .tips("nondeterministic_output", "request_policy:all_nodes", "response_policy:special")
                            .coordinated(LatencyCommands::doctor),
                    cmd("help", 2, "loading stale").local(LatencyCommands::help)),
            cmd("debug", -2, "admin noscript loading stale protected").coordinated(DebugCommands::debug),
            // ---- rdb: DUMP / RESTORE
            cmd("dump", 2, "readonly").acl("@keyspace").keys(1, 1, 1, "RO", "access")
                    .tips("nondeterministic_output").keyed(DumpCommands::dump),
            cmd("restore", -4, "write denyoom").acl("@keyspace @dangerous").keys(1, 1, 1, "OW", "update")
                    .keyed(DumpCommands::restore),
            cmd("memory", -2, "").subcommands(
                    cmd("usage", -3, "readonly").keys(2, 2, 1, "RO").keyed(KeyCommands::memoryUsage),
                    cmd("purge", 2, "").tips("request_policy:all_shards", "response_policy:all_succeeded")
                            .local(ServerCommands::memoryPurge),
                    cmd("stats", 2, "").tips("nondeterministic_output", "request_policy:all_shards",
                            "response_policy:special").coordinated(ServerCommands::memoryStats),
                    cmd("doctor", 2, "").tips("nondeterministic_output", "request_policy:all_shards",
                            "response_policy:special").local(ServerCommands::memoryDoctor),
                    cmd("malloc-stats", 2, "").tips("nondeterministic_output", "request_policy:all_shards",
                            "response_policy:special").local(ServerCommands::mallocStats),
                    cmd("help", 2, "loading stale").local(ServerCommands::memoryHelp)),
        };
    }

    // ---- lookup --------------------------------------------------------------------------------

    private static int hash(final byte[] b, final int off, final int len) {
        int h = 0x811c9dc5;
        for (int i = off; i < off + len; i++) {
            int c = b[i];
            if (c >= 'a' && c <= 'z') {
                c -= 32;
            }
            h = (h ^ c) * 0x01000193;
        }
        return h ^ (h >>> 15);
    }

    private int slotFor(final byte[] upper, final int off, final int len) {
        final int mask = slots.length - 1;
        int i = hash(upper, off, len) & mask;
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** The top-level command named by b[off, off+len), any case, or null. */
    public CommandSpec lookup(final byte[] b, final int off, final int len) {
        final int mask = slots.length - 1;
        int i = hash(b, off, len) & mask;
        CommandSpec s;
        while ((s = slots[i]) != null) {
            if (equalsUpper(s.upperName, b, off, len)) {
                return s;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** The subcommand of {@code parent} named by b[off, off+len), or null. */
    public static CommandSpec subcommand(final CommandSpec parent, final byte[] b, final int off, final int len) {
        for (final CommandSpec s : parent.subcommands) {
            if (equalsUpper(s.upperName, b, off, len)) {
                return s;
            }
        }
        return null;
    }

    private static boolean equalsUpper(final byte[] upper, final byte[] b, final int off, final int len) {
        if (upper.length != len) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            int c = b[off + k];
            if (c >= 'a' && c <= 'z') {
                c -= 32;
            }
            if (c != upper[k]) {
                return false;
            }
        }
        return true;
    }

    /** Top-level commands, in table order. */
    public List<CommandSpec> topLevel() {
        final List<CommandSpec> out = new ArrayList<>();
        for (final CommandSpec s : all) {
            if (s.parent == null) {
                out.add(s);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Every row, subcommands included. */
    public List<CommandSpec> all() {
        return Collections.unmodifiableList(all);
    }

    /** Finds "get" or "config|get" by full name; cold path. */
    public CommandSpec byFullName(final String fullName) {
        for (final CommandSpec s : all) {
            if (s.fullName.equalsIgnoreCase(fullName)) {
                return s;
            }
        }
        return null;
    }
}
