package io.moon.server.observe;

import java.util.List;

/**
 * LATENCY GRAPH's text: a title line, a rule, then the samples as an ASCII column chart four rows
 * high with each column's age under it, laid out as Redis 7.0 draws it (checked against a running
 * redis-server in LatencyTest), so tools that show it to operators get the same picture.
 *
 * <p>Each sample is a column. Its height is {@code (latency - low) * 12 / (high - low)} steps
 * (clamped to 0..11, 12 = 4 rows x 3 characters per row), drawn bottom-up with '_', 'o' and '#'
 * for the partial top of a column and '|' below it. Under the chart comes one blank row, then the
 * age labels ("12s", "5m", "3h", "2d") written vertically, one character per row. More than 80
 * samples wrap into further charts of 80 columns, separated by an empty line.
 */
public final class LatencyGraph {
    /** Width of the rule and of each chart. */
    public static final int COLUMNS = 80;
    private static final int ROWS = 4;
    private static final char[] TOPS = {'_', 'o', '#'};

    private LatencyGraph() {
    }

    /**
     * The graph of {@code event} with {@code samples} (unix second, milliseconds) oldest first,
     * not empty, and the event's worst ever; ages are taken from {@code nowSeconds}.
     */
    public static String render(final String event, final List<long[]> samples, final long allTimeHigh,
                                final long nowSeconds) {
        long low = samples.getFirst()[1];
        long high = low;
        final String[] labels = new String[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            low = Math.min(low, samples.get(i)[1]);
            high = Math.max(high, samples.get(i)[1]);
            labels[i] = age(nowSeconds - samples.get(i)[0]);
        }
        final StringBuilder sb = new StringBuilder();
        sb.append(event).append(" - high ").append(high).append(" ms, low ").append(low)
                .append(" ms (all time high ").append(allTimeHigh).append(" ms)\n");
        sb.append("-".repeat(COLUMNS)).append('\n');
        for (int from = 0; from < samples.size(); from += COLUMNS) {
            if (from != 0) {
                sb.append('\n');
            }
            chart(sb, samples, labels, from, Math.min(COLUMNS, samples.size() - from), low, high);
        }
        return sb.toString();
    }

    /** An age as Redis labels it: seconds under a minute, then minutes, hours, days (truncated). */
    static String age(final long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m";
        }
        if (seconds < 86400) {
            return seconds / 3600 + "h";
        }
        return seconds / 86400 + "d";
    }

    private static void chart(final StringBuilder sb, final List<long[]> samples, final String[] labels,
                              final int from, final int width, final long low, final long high) {
        final int steps = TOPS.length * ROWS;
        final double range = high == low ? 1 : high - low;
        final int[] height = new int[width];
        int longest = 0;
        for (int j = 0; j < width; j++) {
            // truncations as Redis's: the scaled value to an integer, then the quotient
            final int h = (int) ((int) ((samples.get(from + j)[1] - low) * (double) steps) / range);
            height[j] = Math.max(0, Math.min(steps - 1, h));
            longest = Math.max(longest, labels[from + j].length());
        }
        final char[] row = new char[width];
        for (int r = 0; r < ROWS; r++) {
            for (int j = 0; j < width; j++) {
                final int top = height[j] - (ROWS - r - 1) * TOPS.length; // what of the column reaches this row
                row[j] = top < 0 ? ' ' : top < TOPS.length ? TOPS[top] : '|';
            }
            sb.append(row).append('\n');
        }
        sb.append(" ".repeat(width)).append('\n'); // the margin above the labels
        for (int c = 0; c < longest; c++) {
            for (int j = 0; j < width; j++) {
                final String l = labels[from + j];
                row[j] = c < l.length() ? l.charAt(c) : ' ';
            }
            sb.append(row).append('\n');
        }
    }
}
