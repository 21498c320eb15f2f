package io.moon.protocol;

/**
 * Public entry to the inline-command word splitter, for other modules that read text in the same
 * syntax (config files use redis-cli's quoting rules).
 */
public final class InlineCommands {
    private InlineCommands() {
    }

    /** Appends the words of line[0, len) to r; returns false on unbalanced quotes. */
    public static boolean split(final byte[] line, final int len, final Request r) {
        return InlineSplitter.split(line, len, r);
    }
}
