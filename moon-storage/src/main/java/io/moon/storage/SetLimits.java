package io.moon.storage;

/**
 * The thresholds that decide a set's encoding (Redis's set-max-intset-entries,
 * set-max-listpack-entries and set-max-listpack-value), as one value the set code can take.
 *
 * @param intsetEntries   most members an intset holds (Redis caps it at 2^30 whatever the config)
 * @param listpackEntries most members a listpack holds
 * @param listpackValue   longest member (in bytes, an integer by its decimal digits) a listpack holds
 */
public record SetLimits(long intsetEntries, long listpackEntries, long listpackValue) {
    /** Redis's cap on intset sizes: past it an intset is never used, whatever the config says. */
    static final long INTSET_CAP = 1L << 30;

    /** Redis's defaults: 512, 128, 64. */
    public static final SetLimits DEFAULTS = new SetLimits(512, 128, 64);

    public SetLimits {
        intsetEntries = Math.min(intsetEntries, INTSET_CAP);
    }
}
