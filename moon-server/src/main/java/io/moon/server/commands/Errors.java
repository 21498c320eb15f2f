package io.moon.server.commands;

import static io.moon.protocol.Reply.err;

/** Pre-encoded error replies with Redis's exact texts, shared by the families. */
public final class Errors {
    private Errors() {
    }

    public static final byte[] WRONGTYPE = err("WRONGTYPE Operation against a key holding the wrong kind of value");
    public static final byte[] SYNTAX = err("ERR syntax error");
    public static final byte[] NOT_INTEGER = err("ERR value is not an integer or out of range");
    public static final byte[] NOT_FLOAT = err("ERR value is not a valid float");
    public static final byte[] OVERFLOW = err("ERR increment or decrement would overflow");
    public static final byte[] DECREMENT_OVERFLOW = err("ERR decrement would overflow");
    public static final byte[] NAN_OR_INFINITY = err("ERR increment would produce NaN or Infinity");
    public static final byte[] NO_SUCH_KEY = err("ERR no such key");
    public static final byte[] DB_OUT_OF_RANGE = err("ERR DB index is out of range");
    public static final byte[] SAME_OBJECT = err("ERR source and destination objects are the same");
    public static final byte[] OFFSET_OUT_OF_RANGE = err("ERR offset is out of range");
    public static final byte[] STRING_TOO_LONG = err("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    public static final byte[] INVALID_CURSOR = err("ERR invalid cursor");
}
