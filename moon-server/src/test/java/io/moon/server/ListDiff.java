package io.moon.server;

import io.moon.server.DifferentialTest.Allowed;
import io.moon.server.DifferentialTest.Family;
import io.moon.server.DifferentialTest.Weighted;
import io.moon.server.testing.Resp;
import io.moon.testkit.Props;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.moon.server.DifferentialTest.cmd;
import static io.moon.server.DifferentialTest.flag;
import static io.moon.server.DifferentialTest.integer;
import static io.moon.server.DifferentialTest.is;
import static io.moon.server.DifferentialTest.key;
import static io.moon.server.DifferentialTest.mostly;
import static io.moon.server.DifferentialTest.optionsOrJunk;
import static io.moon.server.DifferentialTest.value;
import static io.moon.server.DifferentialTest.word;

/**
 * The list family of the differential test: every non-blocking list command with valid and
 * invalid arguments, over the shared keys (so lists meet strings and the other families' types,
 * and moves cross shards). Elements are the shared values, whose long ones (up to 16 KB) take
 * lists past the 8 KB listpack limit and back.
 */
final class ListDiff {
    private ListDiff() {
    }

    private static String side(final SplittableRandom r) {
        return Props.weighted(r, 12, 1) == 0 ? word(r, Props.choose(r, "LEFT", "RIGHT")) : Props.choose(r, "UP", "");
    }

    /** One to four elements, now and then a batch of twenty short ones. */
    private static List<String> elements(final SplittableRandom r) {
        if (Props.weighted(r, 9, 1) == 1) {
            final List<String> out = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                out.add(String.valueOf(r.nextInt(-5, 50)));
            }
            return out;
        }
        return Props.listOf(r, 1, 4, DifferentialTest::value);
    }

    private static String rank(final SplittableRandom r) {
        return mostly(r, new String[] {"1", "-1", "2", "-2", "3"}, "0", "abc", "-9223372036854775808",
                "9223372036854775807", "-9223372036854775807");
    }

    private static List<String> lmpop(final SplittableRandom r) {
        final List<String> keys = Props.listOf(r, 1, 3, DifferentialTest::key);
        final String numkeys = Props.weighted(r, 10, 1) == 0 ? String.valueOf(keys.size())
                : Props.choose(r, "0", "-1", "abc", String.valueOf(keys.size() + 1));
        final List<String> out = cmd("LMPOP", numkeys, keys, side(r));
        if (r.nextBoolean()) {
            out.add(word(r, "COUNT"));
            out.add(mostly(r, new String[] {"1", "2", "3", "10"}, "0", "-1", "abc"));
        }
        if (Props.weighted(r, 15, 1) == 1) {
            out.add(Props.choose(r, "COUNT", "FOO"));
        }
        return out;
    }

    private static final List<Weighted> COMMANDS = List.of(
            new Weighted(6, r -> cmd(Props.choose(r, "LPUSH", "RPUSH", "lpush"), key(r), elements(r))),
            new Weighted(2, r -> cmd(Props.choose(r, "LPUSHX", "RPUSHX"), key(r), elements(r))),
            new Weighted(4, r -> cmd(Props.choose(r, "LPOP", "RPOP"), key(r),
                    r.nextBoolean() ? List.of() : List.of(integer(r)))),
            new Weighted(2, r -> cmd("LLEN", key(r))),
            new Weighted(3, r -> cmd("LINDEX", key(r), integer(r))),
            new Weighted(4, r -> cmd("LRANGE", key(r), integer(r), integer(r))),
            new Weighted(3, r -> cmd("LPOS", key(r), value(r), optionsOrJunk(r, 3, flag("RANK", ListDiff::rank),
                    flag("COUNT", DifferentialTest::integer), flag("MAXLEN", DifferentialTest::integer)))),
            new Weighted(2, r -> cmd("LSET", key(r), integer(r), value(r))),
            new Weighted(2, r -> cmd("LINSERT", key(r),
                    mostly(r, new String[] {"BEFORE", "AFTER", "before", "after"}, "MIDDLE"), value(r), value(r))),
            new Weighted(2, r -> cmd("LREM", key(r), integer(r), value(r))),
            new Weighted(2, r -> cmd("LTRIM", key(r), integer(r), integer(r))),
            new Weighted(3, r -> cmd("LMOVE", key(r), key(r), side(r), side(r))),
            new Weighted(2, r -> cmd("RPOPLPUSH", key(r), key(r))),
            new Weighted(3, ListDiff::lmpop));

    /** Redis 7.0 has no listpack lists: every list is a quicklist there. */
    private static final Allowed ENCODING = new Allowed("OBJECT ENCODING of a list: Redis 7.0 reports 'quicklist'"
            + " for every list; 7.2 (Moon's target) keeps small lists in one listpack and reports 'listpack'",
            (cmd, r, m) -> is(cmd, "OBJECT", "ENCODING") && "quicklist".equals(r) && "listpack".equals(m));

    /** 7.2 bounds LPOS's RANK to plus or minus LONG_MAX; 7.0 took LONG_MIN and negated it (overflow). */
    private static final Allowed RANK_MIN = new Allowed("LPOS RANK -9223372036854775808: Redis 7.2 rejects it"
            + " (getRangeLongFromObjectOrReply with -LONG_MAX..LONG_MAX), 7.0 negated it and overflowed",
            (cmd, r, m) -> is(cmd, "LPOS") && cmd.contains("-9223372036854775808")
                    && m instanceof Resp.Err e && e.text().startsWith("ERR value is out of range, value must between"));

    static final Family FAMILY = new Family("lists", 6, COMMANDS, null, List.of(ENCODING, RANK_MIN));
}
