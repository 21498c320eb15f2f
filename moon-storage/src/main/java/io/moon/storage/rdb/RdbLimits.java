package io.moon.storage.rdb;

import io.moon.storage.HashValues;
import io.moon.storage.SetLimits;

/**
 * The encoding thresholds in force (the *-max-listpack-* and set-max-intset-entries settings), so
 * that a loaded value gets the kind Moon would give it had it been built by commands.
 */
public record RdbLimits(HashValues.Limits hash, SetLimits set, long zsetEntries, long zsetValue, int listFill) {
    /** Redis's defaults. */
    public static final RdbLimits DEFAULTS = new RdbLimits(new HashValues.Limits(128, 64), SetLimits.DEFAULTS,
            128, 64, -2);
}
