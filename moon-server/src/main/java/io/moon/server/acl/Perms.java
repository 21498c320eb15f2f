package io.moon.server.acl;

import io.moon.server.command.CommandTable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * What one user may do: enabled or not, passwords, and selectors. A new Perms is built for every
 * change (ACL SETUSER applies its rules to a {@link #copy}) and published through
 * {@link AclUser#perms}; a published Perms is never changed, so any thread may read it.
 */
final class Perms {
    static final int SANITIZE_DEFAULT = 0;
    static final int SANITIZE = 1;
    static final int SKIP_SANITIZE = 2;

    boolean on;
    boolean nopass;
    int sanitize;
    /** SHA-256 of each password, lower-case hex, in the order they were added. */
    List<String> passwords = new ArrayList<>();
    Selector root;
    List<Selector> selectors = new ArrayList<>();
    /** Every command, key and channel allowed: the one check the common case pays. Set by {@link #freeze}. */
    boolean unrestricted;

    Perms(final int commandCount) {
        root = new Selector(commandCount);
    }

    private Perms() {
    }

    Perms copy() {
        final Perms p = new Perms();
        p.on = on;
        p.nopass = nopass;
        p.sanitize = sanitize;
        p.passwords = new ArrayList<>(passwords);
        p.root = root.copy();
        for (final Selector s : selectors) {
            p.selectors.add(s.copy());
        }
        return p;
    }

    Perms freeze() {
        unrestricted = root.unrestricted();
        return this;
    }

    /**
     * Applies one ACL SETUSER rule (Redis's ACLSetUser). Returns null when done, or the reason it
     * was refused.
     */
    String apply(final String op, final CommandTable table, final boolean pubsubAllChannels) {
        final String lower = op.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "on" -> {
                on = true;
                return null;
            }
            case "off" -> {
                on = false;
                return null;
            }
            case "skip-sanitize-payload" -> {
                sanitize = SKIP_SANITIZE;
                return null;
            }
            case "sanitize-payload" -> {
                sanitize = SANITIZE;
                return null;
            }
            case "nopass" -> {
                nopass = true;
                passwords.clear();
                return null;
            }
            case "resetpass" -> {
                nopass = false;
                passwords.clear();
                return null;
            }
            case "clearselectors" -> {
                selectors.clear();
                return null;
            }
            case "reset" -> {
                nopass = false;
                passwords.clear();
                root.apply("resetkeys", table);
                root.apply("resetchannels", table);
                if (pubsubAllChannels) {
                    root.apply("allchannels", table);
                }
                on = false;
                sanitize = SANITIZE;
                selectors.clear();
                root.apply("-@all", table);
                return null;
            }
            default -> {
            }
        }
        if (op.startsWith(">")) {
            final String h = hash(op.substring(1));
            if (!passwords.contains(h)) {
                passwords.add(h);
            }
            nopass = false;
            return null;
        }
        if (op.startsWith("#")) {
            final String h = op.substring(1);
            if (!validHash(h)) {
                return AclErrors.BAD_HASH;
            }
            if (!passwords.contains(h)) {
                passwords.add(h);
            }
            nopass = false;
            return null;
        }
        if (op.startsWith("<")) {
            return passwords.remove(hash(op.substring(1))) ? null : AclErrors.NO_SUCH_PASSWORD;
        }
        if (op.startsWith("!")) {
            final String h = op.substring(1);
            if (!validHash(h)) {
                return AclErrors.BAD_HASH;
            }
            return passwords.remove(h) ? null : AclErrors.NO_SUCH_PASSWORD;
        }
        if (op.startsWith("(") && op.endsWith(")")) {
            final Selector s = new Selector(root.allowed.length * 64);
            if (pubsubAllChannels) {
                s.apply("allchannels", table);
            }
            for (final String part : op.substring(1, op.length() - 1).split(" ")) {
                if (part.isEmpty()) {
                    continue;
                }
                final String err = s.apply(part, table);
                if (err != null) {
                    return err;
                }
            }
            selectors.add(s);
            return null;
        }
        return root.apply(op, table);
    }

    private static boolean validHash(final String h) {
        if (h.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            final char c = h.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** SHA-256 of a password (its bytes as sent), lower-case hex: what ACL keeps and shows. */
    static String hash(final String password) {
        return HexFormat.of().formatHex(sha256(password.getBytes(StandardCharsets.ISO_8859_1)));
    }

    static byte[] sha256(final byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the password opens this user (constant-time over the stored hashes). Cold path. */
    boolean checkPassword(final byte[] pass, final int off, final int len) {
        if (nopass) {
            return true;
        }
        final byte[] h = HexFormat.of().formatHex(sha256(java.util.Arrays.copyOfRange(pass, off, off + len)))
                .getBytes(StandardCharsets.US_ASCII);
        boolean ok = false;
        for (final String p : passwords) {
            ok |= MessageDigest.isEqual(h, p.getBytes(StandardCharsets.US_ASCII));
        }
        return ok;
    }

    /** The flags ACL GETUSER lists. */
    List<String> flags() {
        final List<String> f = new ArrayList<>();
        f.add(on ? "on" : "off");
        if (nopass) {
            f.add("nopass");
        }
        if (sanitize == SKIP_SANITIZE) {
            f.add("skip-sanitize-payload");
        } else if (sanitize == SANITIZE) {
            f.add("sanitize-payload");
        }
        return f;
    }

    /** The rules after "user NAME" in ACL LIST and the ACL file (Redis's ACLDescribeUser). */
    String describe() {
        final StringBuilder sb = new StringBuilder();
        for (final String f : flags()) {
            sb.append(f).append(' ');
        }
        for (final String p : passwords) {
            sb.append('#').append(p).append(' ');
        }
        sb.append(root.describe());
        for (final Selector s : selectors) {
            sb.append(" (").append(s.describe()).append(')');
        }
        return sb.toString();
    }
}
