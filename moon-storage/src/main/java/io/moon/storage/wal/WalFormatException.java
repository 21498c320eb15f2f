package io.moon.storage.wal;

/** A log record whose bytes passed their CRC but do not form a valid record. */
public final class WalFormatException extends RuntimeException {
    public WalFormatException(final String message) {
        super(message);
    }
}
