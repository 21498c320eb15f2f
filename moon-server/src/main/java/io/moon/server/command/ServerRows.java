package io.moon.server.command;

import io.moon.server.commands.ClientCommands;
import io.moon.server.commands.CommandCommands;
import io.moon.server.commands.ConfigCommands;
import io.moon.server.commands.ConnectionCommands;
import io.moon.server.commands.CrossShard;
import io.moon.server.commands.DebugCommands;
import io.moon.server.commands.DumpCommands;
import io.moon.server.commands.InfoCommand;
import io.moon.server.commands.SlowlogCommands;
import io.moon.server.commands.KeyCommands;
import io.moon.server.commands.KeyspaceCommands;
import io.moon.server.commands.LatencyCommands;
import io.moon.server.commands.ReplicationCommands;
import io.moon.server.commands.ServerCommands;
import io.moon.server.pubsub.PubSubCommands;
import io.moon.server.script.ScriptCommands;

import static io.moon.server.command.CommandSpec.cmd;

/**
 * Command table rows for the connection, transactions, pub/sub, keyspace-wide, scripting,
 * server, persistence and observability commands (see {@link CommandTable} for how to read a row).
 */
final class ServerRows {
    private ServerRows() {
    }

    /** Connection, transaction, client and pub/sub rows. */
    @SuppressWarnings("checkstyle:MethodLength")
    static CommandSpec.Builder[] session() {
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
                    cmd("tracking", -3, "noscript loading stale").acl("@connection")
                            .local(io.moon.server.tracking.TrackingCommands::tracking),
                    cmd("caching", 3, "noscript loading stale").acl("@connection")
                            .local(io.moon.server.tracking.TrackingCommands::caching),
                    cmd("getredir", 2, "noscript loading stale").acl("@connection")
                            .local(io.moon.server.tracking.TrackingCommands::getredir),
                    cmd("trackinginfo", 2, "noscript loading stale").acl("@connection")
                            .local(io.moon.server.tracking.TrackingCommands::trackinginfo),
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
            cmd("publish", 3, "pubsub loading stale fast may_replicate").local(PubSubCommands::publish),
            cmd("spublish", 3, "pubsub loading stale fast may_replicate").keys(1, 1, 1, "not_key").local(PubSubCommands::spublish),
            cmd("pubsub", -2, "").subcommands(
                    cmd("channels", -2, "pubsub loading stale").local(PubSubCommands::channels),
                    cmd("numsub", -2, "pubsub loading stale").local(PubSubCommands::numsub),
                    cmd("numpat", 2, "pubsub loading stale").local(PubSubCommands::numpat),
                    cmd("shardchannels", -2, "pubsub loading stale").local(PubSubCommands::shardchannels),
                    cmd("shardnumsub", -2, "pubsub loading stale").local(PubSubCommands::shardnumsub),
                    cmd("help", 2, "loading stale").local(PubSubCommands::help)),

        };
    }

    /** Keyspace-wide, scripting, server, snapshot, observability and DUMP/RESTORE rows. */
    @SuppressWarnings("checkstyle:MethodLength")
    static CommandSpec.Builder[] server() {
        return new CommandSpec.Builder[] {
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
            cmd("eval", -3, "noscript stale skip_monitor may_replicate no_mandatory_keys movablekeys").acl("@scripting")
                    .keySpecs(KeySpec.keynum(2, 0, 1, 1, "RW", "access", "update"))
                    .keyed(ScriptCommands::eval, CrossShard::gather),
            cmd("eval_ro", -3, "readonly noscript stale skip_monitor no_mandatory_keys movablekeys").acl("@scripting")
                    .keySpecs(KeySpec.keynum(2, 0, 1, 1, "RO", "access"))
                    .keyed(ScriptCommands::evalRo, CrossShard::gather),
            cmd("evalsha", -3, "noscript stale skip_monitor may_replicate no_mandatory_keys movablekeys").acl("@scripting")
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
            cmd("lolwut", -1, "readonly fast").local(ServerCommands::lolwut),
            cmd("shutdown", -1, "admin noscript loading stale no_multi allow_busy")
                    .coordinated(io.moon.server.persist.SnapshotCommands::shutdown),
            cmd("migrate", -6, "write movablekeys").acl("@keyspace @dangerous").tips("nondeterministic_output")
                    .keys(3, 3, 1).keySpecs(KeySpec.range(3, 0, 1, 0, "RW", "access", "delete"),
                            KeySpec.keyword("KEYS", -2, -1, 1, 0, "RW", "access", "delete", "incomplete"))
                    .finder(io.moon.server.commands.Migrate.KEY_FINDER).coordinated(io.moon.server.commands.Migrate::migrate),
            // ---- replication (a standalone master: no replicas) --------------------------------
            cmd("role", 1, "noscript loading stale fast").acl("@admin @dangerous").local(ReplicationCommands::role),
            cmd("wait", 3, "").acl("@connection").tips("request_policy:all_shards", "response_policy:agg_min")
                    .local(ReplicationCommands::waitReplicas),
            cmd("waitaof", 4, "noscript").acl("@connection").tips("request_policy:all_shards", "response_policy:agg_min")
                    .local(ReplicationCommands::waitAof),
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
            // what a cluster's MIGRATE sends after an ASK redirection; RESTORE itself here
            cmd("restore-asking", -4, "write denyoom asking").acl("@keyspace @dangerous")
                    .keys(1, 1, 1, "OW", "update").keyed(DumpCommands::restore),
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
}
