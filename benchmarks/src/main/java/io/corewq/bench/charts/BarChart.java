// Writes a grouped bar chart with error bars as a self-contained SVG (linear or log scale).
package io.corewq.bench.charts;

import java.util.List;
import java.util.Locale;

/**
 * A grouped bar chart: one group per x label, one bar per series in each group, optional error
 * bars (half-widths, clipped to the plot), a linear axis from zero or a log10 axis. Missing
 * values (NaN) leave a gap.
 * The SVG has no scripts, fonts or external references, so GitHub renders it inline.
 */
final class BarChart {
    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    private static final int W = 760;
    private static final int H = 400;
    private static final int LEFT = 80;
    private static final int RIGHT = 180;
    private static final int TOP = 40;
    private static final int BOTTOM = 70;

    private BarChart() {
    }

    /**
     * @param values {@code values[group][series]}
     * @param errors same shape, or null
     */
    static String svg(String title, String yLabel, List<String> groups, List<String> series, double[][] values, double[][] errors,
            boolean log) {
        double max = 0;
        double min = Double.MAX_VALUE;
        for (int g = 0; g < values.length; g++) {
            for (int k = 0; k < values[g].length; k++) {
                double v = values[g][k];
                if (!Double.isNaN(v) && v > 0) {
                    // the scale follows the values, not the error bars: on a noisy machine a JMH
                    // error can be many times its score; such bars are clipped at the top
                    max = Math.max(max, v * 1.1);
                    min = Math.min(min, v);
                }
            }
        }
        if (max == 0) {
            max = 1;
            min = 1;
        }
        double lo;
        double hi;
        if (log) {
            lo = Math.floor(Math.log10(min));
            hi = Math.ceil(Math.log10(max));
            if (hi == lo) {
                hi = lo + 1;
            }
        } else {
            lo = 0;
            hi = niceCeil(max);
        }
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", W, H, W, H));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>%n", LEFT, esc(title)));
        sb.append(String.format(Locale.ROOT, "<text transform=\"translate(18,%d) rotate(-90)\" text-anchor=\"middle\">%s</text>%n", TOP + plotH / 2, esc(yLabel)));
        // y axis ticks and grid
        int ticks = log ? (int) (hi - lo) : 5;
        for (int t = 0; t <= ticks; t++) {
            double v = log ? Math.pow(10, lo + t) : hi * t / ticks;
            double y = TOP + plotH - plotH * (double) t / ticks;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", LEFT, y, LEFT + plotW, y));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 6, y + 4, fmt(v)));
        }
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", LEFT, TOP, LEFT, TOP + plotH));
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", LEFT, TOP + plotH, LEFT + plotW, TOP + plotH));
        double groupW = (double) plotW / Math.max(1, groups.size());
        double barW = groupW * 0.8 / Math.max(1, series.size());
        for (int g = 0; g < groups.size(); g++) {
            double gx = LEFT + g * groupW + groupW * 0.1;
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", LEFT + g * groupW + groupW / 2, TOP + plotH + 18, esc(groups.get(g))));
            for (int k = 0; k < series.size(); k++) {
                double v = values[g][k];
                if (Double.isNaN(v) || (log && v <= 0)) {
                    continue;
                }
                double y = yOf(v, lo, hi, log, plotH);
                double x = gx + k * barW;
                sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %s</title></rect>%n",
                        x, y, barW * 0.92, TOP + plotH - y, COLORS[k % COLORS.length], esc(series.get(k)), esc(groups.get(g)), fmt(v)));
                double e = errors == null ? Double.NaN : errors[g][k];
                if (!Double.isNaN(e) && e > 0) {
                    double y1 = yOf(Math.max(log ? Math.pow(10, lo) : 0, v - e), lo, hi, log, plotH);
                    double y2 = yOf(v + e, lo, hi, log, plotH);
                    double cx = x + barW * 0.46;
                    sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>%n", cx, y1, cx, y2));
                    sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>%n", cx - 3, y2, cx + 3, y2));
                }
            }
        }
        for (int k = 0; k < series.size(); k++) {
            int y = TOP + 10 + k * 18;
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n", W - RIGHT + 15, y - 10, COLORS[k % COLORS.length]));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", W - RIGHT + 32, y, esc(series.get(k))));
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static double yOf(double v, double lo, double hi, boolean log, int plotH) {
        double f = log ? (Math.log10(v) - lo) / (hi - lo) : (v - lo) / (hi - lo);
        f = Math.max(0, Math.min(1, f));
        return TOP + plotH - plotH * f;
    }

    private static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static String fmt(double v) {
        double a = Math.abs(v);
        if (a >= 1e9) {
            return trim(v / 1e9) + "G";
        } else if (a >= 1e6) {
            return trim(v / 1e6) + "M";
        } else if (a >= 1e3) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
