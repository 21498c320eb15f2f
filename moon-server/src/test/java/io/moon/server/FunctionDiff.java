package io.moon.server;

import io.moon.server.DifferentialTest.Family;
import io.moon.server.DifferentialTest.Weighted;
import io.moon.testkit.Props;

import java.util.List;
import java.util.SplittableRandom;

import static io.moon.server.DifferentialTest.cmd;
import static io.moon.server.DifferentialTest.integer;
import static io.moon.server.DifferentialTest.key;
import static io.moon.server.DifferentialTest.value;

/**
 * The functions family of the differential test (run on its own by
 * DifferentialTest.shouldRunFunctionsLikeRedis): FCALL and FCALL_RO of {@link #LIBRARY} (loaded
 * into both servers before the sequences start) over the shared keys, so functions meet every
 * other family's types (WRONGTYPE raised through redis.call, with the function's name and line)
 * and their keys land on one shard or several. Numkeys is sometimes wrong, a write function is
 * sometimes called with FCALL_RO, and a no-writes function sometimes tries to write.
 */
final class FunctionDiff {
    private FunctionDiff() {
    }

    static final String LIBRARY = "#!lua name=difffns\n"
            + "redis.register_function('fset', function(k, a) return redis.call('set', k[1], a[1]) end)\n"
            + "redis.register_function{function_name='fget', callback=function(k) return redis.call('get', k[1]) end,"
            + " flags={'no-writes'}}\n"
            + "redis.register_function('fincr', function(k, a) return redis.call('incrby', k[1], a[1]) end)\n"
            + "redis.register_function('fmove', function(k) local v = redis.call('get', k[1])"
            + " if v then redis.call('set', k[2], v) redis.call('del', k[1]) end return v end)\n"
            + "redis.register_function{function_name='ftypes', callback=function(k) local t = {}"
            + " for i = 1, #k do t[i] = redis.call('type', k[i]).ok end return t end, flags={'no-writes'}}\n"
            + "redis.register_function('fpush', function(k, a) return redis.call('rpush', k[1], unpack(a)) end)\n"
            + "redis.register_function('fpcall', function(k) local r = redis.pcall('incr', k[1])"
            + " if type(r) == 'table' then return r.err end return r end)\n"
            + "redis.register_function{function_name='fwrite_ro', callback=function(k) return redis.call('del', k[1]) end,"
            + " flags={'no-writes'}}\n";

    private static String numkeys(final SplittableRandom r, final int n) {
        return Props.weighted(r, 12, 1) == 0 ? Integer.toString(n) : Props.choose(r, "-1", "x", "9");
    }

    private static final List<Weighted> COMMANDS = List.of(
            new Weighted(4, r -> cmd("FCALL", "fset", numkeys(r, 1), key(r), value(r))),
            new Weighted(4, r -> cmd(Props.choose(r, "FCALL", "FCALL_RO"), "fget", numkeys(r, 1), key(r))),
            new Weighted(2, r -> cmd("FCALL", "fincr", numkeys(r, 1), key(r), integer(r))),
            new Weighted(2, r -> cmd("FCALL", "fmove", numkeys(r, 2), key(r), key(r))),
            new Weighted(2, r -> cmd("FCALL_RO", "ftypes", numkeys(r, 3), key(r), key(r), key(r))),
            new Weighted(2, r -> cmd("FCALL", "fpush", numkeys(r, 1), key(r), value(r), value(r))),
            new Weighted(1, r -> cmd("FCALL", "fpcall", numkeys(r, 1), key(r))),
            new Weighted(1, r -> cmd(Props.choose(r, "FCALL", "FCALL_RO"), "fwrite_ro", numkeys(r, 1), key(r))),
            new Weighted(1, r -> cmd("FCALL_RO", Props.choose(r, "fset", "fincr"), "1", key(r), "1")),
            new Weighted(1, r -> cmd("FCALL", Props.choose(r, "nosuch", "FSET", ""), "0")),
            // plain writes that give the keys other types (WRONGTYPE inside functions)
            new Weighted(1, r -> cmd("SET", key(r), value(r))),
            new Weighted(1, r -> cmd("RPUSH", key(r), value(r))),
            new Weighted(1, r -> cmd("HSET", key(r), "f", value(r))),
            new Weighted(1, r -> cmd("DEL", key(r))),
            new Weighted(1, r -> cmd("GET", key(r))));

    /** Sequences of {@link DifferentialTest#shouldRunFunctionsLikeRedis}. */
    static final int TRIES = 300;

    static final Family FAMILY = new Family("functions", 2, COMMANDS, null, List.of());
    private static final int[] WEIGHTS = FAMILY.weights();

    static List<String> command(final SplittableRandom r) {
        return COMMANDS.get(Props.weighted(r, WEIGHTS)).command().next(r);
    }
}
