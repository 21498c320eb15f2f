package io.moon.storage.rdb;

/** Input that is not a valid RDB file or DUMP payload; carries the offset where reading failed. */
public final class RdbException extends RuntimeException {
    private final long offset;

    public RdbException(final String message, final long offset) {
        super(message + " (at offset " + offset + ")");
        this.offset = offset;
    }

    public long offset() {
        return offset;
    }
}
