package io.moon.server.command;

import io.moon.server.commands.BlockingCommands;
import io.moon.server.commands.CrossShard;
import io.moon.server.commands.ExpireCommands;
import io.moon.server.commands.HashCommands;
import io.moon.server.commands.HashExpireCommands;
import io.moon.server.commands.HashReadCommands;
import io.moon.server.commands.KeyCommands;
import io.moon.server.commands.ListCommands;
import io.moon.server.commands.ListMoves;
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

import static io.moon.server.command.CommandSpec.cmd;

/**
 * Command table rows for the data types: strings, lists, sorted sets, hashes, generic key
 * commands and sets (see {@link CommandTable} for how to read a row).
 */
final class DataRows {
    private DataRows() {
    }

    /** Rows of the data-type families. */
    @SuppressWarnings("checkstyle:MethodLength")
    static CommandSpec.Builder[] rows() {
        return new CommandSpec.Builder[] {
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

        };
    }
}
