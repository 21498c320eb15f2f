package io.moon.server.persist;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Log text for an I/O failure that names its cause, as Redis's strerror does: Java's
 * {@link NoSuchFileException} and its siblings carry only the path as their message, which told
 * an operator which file but not what went wrong.
 */
public final class IoErrors {
    private IoErrors() {
    }

    /** "path: reason" for a file system error, else the exception's message (or its class when it has none). */
    public static String describe(final Throwable e) {
        if (e instanceof final FileSystemException f) {
            final String file = f.getOtherFile() == null ? f.getFile() : f.getFile() + " -> " + f.getOtherFile();
            final String reason = f.getReason() != null ? f.getReason() : switch (f) {
                case NoSuchFileException x -> "No such file or directory";
                case AccessDeniedException x -> "Permission denied";
                case FileAlreadyExistsException x -> "File exists";
                case DirectoryNotEmptyException x -> "Directory not empty";
                case NotDirectoryException x -> "Not a directory";
                default -> f.getClass().getSimpleName();
            };
            return file == null ? reason : file + ": " + reason;
        }
        if (e.getMessage() == null) {
            return e.getCause() != null && e.getCause() != e ? describe(e.getCause()) : e.toString();
        }
        return e.getMessage();
    }
}
