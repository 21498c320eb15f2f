package io.moon.server.command;

import io.moon.protocol.Request;
import io.moon.server.commands.StreamBlockingRead;
import io.moon.server.commands.StreamClaims;
import io.moon.server.commands.StreamCommands;
import io.moon.server.commands.StreamGroups;
import io.moon.server.commands.StreamInfo;
import io.moon.server.commands.StreamReads;

import java.nio.charset.StandardCharsets;

import static io.moon.server.command.CommandSpec.cmd;

/**
 * Command table rows for the stream commands (see {@link CommandTable} for how to read a row).
 * XREAD's keys are the first half of what follows STREAMS; over several shards it reads through
 * the generic gather form, or {@link StreamBlockingRead} with BLOCK.
 */
final class StreamRows {
    private StreamRows() {
    }

    /** XREAD's keys: the first half of the arguments after STREAMS (none when unbalanced: the handler replies). */
    static final KeyFinder XREAD_KEYS = streamsKeys(1);
    /** XREADGROUP's: the same, STREAMS searched from argument 4 on (after GROUP group consumer). */
    static final KeyFinder XREADGROUP_KEYS = streamsKeys(4);

    private static KeyFinder streamsKeys(final int from) {
        return new KeyFinder() {
        private final byte[] streams = "STREAMS".getBytes(StandardCharsets.US_ASCII);

        private int begin(final Request r) {
            for (int i = from; i < r.argc() - 1; i++) {
                if (r.argIs(i, streams)) {
                    return (r.argc() - i - 1) % 2 == 0 ? i + 1 : 0;
                }
            }
            return 0;
        }

        @Override
        public int keyCount(final Request r) {
            final int b = begin(r);
            return b == 0 ? 0 : (r.argc() - b) / 2;
        }

        @Override
        public int keyArg(final Request r, final int n) {
            return begin(r) + n;
        }

        /**
         * As Redis's COMMAND GETKEYS: the key spec first (STREAMS searched from argument
         * {@code from} to the one before the last; keys are the first (arguments after it) / 2,
         * rounded down); when that finds nothing, the command's own parse of its options, which
         * wants an even, non-zero count after STREAMS.
         */
        @Override
        public GetKeys getKeys(final Request r) {
            final int argc = r.argc();
            for (int i = from; i < argc - 1; i++) {
                if (r.argIs(i, streams)) {
                    final int first = i + 1;
                    final int last = first + (argc - first) / 2 - 1;
                    if (last >= first && last < argc) {
                        return new GetKeys(range(first, last), true);
                    }
                    break;
                }
            }
            int at = -1;
            for (int i = 1; i < argc; i++) {
                if (r.argIs(i, BLOCK) || r.argIs(i, COUNT)) {
                    i++;
                } else if (r.argIs(i, GROUP)) {
                    i += 2;
                } else if (!r.argIs(i, NOACK)) {
                    if (r.argIs(i, streams)) {
                        at = i;
                    }
                    break;
                }
            }
            final int num = at < 0 ? 0 : argc - at - 1;
            if (num == 0 || num % 2 != 0) {
                return new GetKeys(new int[0], false);
            }
            return new GetKeys(range(at + 1, at + num / 2), false);
        }
        };
    }

    private static final byte[] BLOCK = "BLOCK".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COUNT = "COUNT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GROUP = "GROUP".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOACK = "NOACK".getBytes(StandardCharsets.US_ASCII);

    private static int[] range(final int first, final int last) {
        final int[] out = new int[last - first + 1];
        for (int i = 0; i < out.length; i++) {
            out[i] = first + i;
        }
        return out;
    }

    static CommandSpec.Builder[] rows() {
        return new CommandSpec.Builder[] {
            cmd("xack", -4, "write fast").acl("@stream").keys(1, 1, 1, "RW", "update").keyed(StreamGroups::xack),
            cmd("xadd", -5, "write denyoom fast").acl("@stream").keys(1, 1, 1, "RW", "update")
                    .tips("nondeterministic_output").keyed(StreamCommands::xadd),
            cmd("xautoclaim", -6, "write fast").acl("@stream").keys(1, 1, 1, "RW", "delete")
                    .tips("nondeterministic_output").keyed(StreamClaims::xautoclaim),
            cmd("xclaim", -6, "write fast").acl("@stream").keys(1, 1, 1, "RW", "update")
                    .tips("nondeterministic_output").keyed(StreamClaims::xclaim),
            cmd("xdel", -3, "write fast").acl("@stream").keys(1, 1, 1, "RW", "delete").keyed(StreamCommands::xdel),
            cmd("xgroup", -2, "").subcommands(
                    cmd("create", -5, "write denyoom").acl("@stream").keys(2, 2, 1, "RW", "insert")
                            .keyed(StreamGroups::create),
                    cmd("createconsumer", 5, "write denyoom").acl("@stream").keys(2, 2, 1, "RW", "insert")
                            .keyed(StreamGroups::createconsumer),
                    cmd("delconsumer", 5, "write").acl("@stream").keys(2, 2, 1, "RW", "delete")
                            .keyed(StreamGroups::delconsumer),
                    cmd("destroy", 4, "write").acl("@stream").keys(2, 2, 1, "RW", "delete").keyed(StreamGroups::destroy),
                    cmd("help", 2, "loading stale").acl("@stream").local(StreamGroups::help),
                    cmd("setid", -5, "write").acl("@stream").keys(2, 2, 1, "RW", "update").keyed(StreamGroups::setid)),
            cmd("xinfo", -2, "").subcommands(
                    cmd("consumers", 4, "readonly").acl("@stream").keys(2, 2, 1, "RO", "access")
                            .tips("nondeterministic_output").keyed(StreamInfo::consumers),
                    cmd("groups", 3, "readonly").acl("@stream").keys(2, 2, 1, "RO", "access").keyed(StreamInfo::groups),
                    cmd("help", 2, "loading stale").acl("@stream").local(StreamInfo::help),
                    cmd("stream", -3, "readonly").acl("@stream").keys(2, 2, 1, "RO", "access").keyed(StreamInfo::stream)),
            cmd("xlen", 2, "readonly fast").acl("@stream").keys(1, 1, 1, "RO").keyed(StreamCommands::xlen),
            cmd("xrange", -4, "readonly").acl("@stream").keys(1, 1, 1, "RO", "access").keyed(StreamReads::xrange),
            cmd("xread", -4, "readonly blocking movablekeys").acl("@stream").keys(0, 0, 0)
                    .keySpecs(KeySpec.keyword("STREAMS", 1, -1, 1, 2, "RO", "access")).finder(XREAD_KEYS)
                    .keyed(StreamReads::xread, StreamBlockingRead::readAcross),
            // Redis's key spec says RO (entries are only read), but the group changes: Moon writes the keys back
            cmd("xreadgroup", -7, "write blocking movablekeys").acl("@stream").keys(0, 0, 0)
                    .keySpecs(KeySpec.keyword("STREAMS", 4, -1, 1, 2, "RO", "access")).finder(XREADGROUP_KEYS)
                    .keysWritten().keyed(StreamReads::xreadgroup, StreamBlockingRead::readAcross),
            cmd("xpending", -3, "readonly").acl("@stream").keys(1, 1, 1, "RO", "access")
                    .tips("nondeterministic_output").keyed(StreamGroups::xpending),
            cmd("xrevrange", -4, "readonly").acl("@stream").keys(1, 1, 1, "RO", "access")
                    .keyed(StreamReads::xrevrange),
            cmd("xsetid", -3, "write denyoom fast").acl("@stream").keys(1, 1, 1, "RW", "update")
                    .keyed(StreamCommands::xsetid),
            cmd("xtrim", -4, "write").acl("@stream").keys(1, 1, 1, "RW", "delete").tips("nondeterministic_output")
                    .keyed(StreamCommands::xtrim),
        };
    }
}
