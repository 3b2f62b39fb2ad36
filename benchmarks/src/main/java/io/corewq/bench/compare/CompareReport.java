// Turns the headline benchmark rows into compare's table of ratios and its one-line summary (pure; tested).
package io.corewq.bench.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The formatting half of {@code compare}: no JMH here, only rows in and text out, so the test
 * can check it without running a benchmark.
 *
 * <p>The summary line is
 * {@code queue vs ThreadPoolExecutor: X.XXx, vs ForkJoinPool: Y.YYx; ping-pong p50 vs spin floor: Z.ZZx; alloc: N B/op}
 * where X and Y are the <em>lowest</em> ratio of corewq's per-CPU score to the peer's over the
 * producer counts measured (the targets ask for both 1 and 2 producers), Z is corewq's spin-mode
 * p50 round trip over the volatile-spin floor's (lower is better), and N is the most bytes per
 * queued item of corewq's queue-throughput rows, rounded (the 0 B/op target is about queueing a
 * reusable item; the ping-pong rows' B/op is in their table).
 */
public final class CompareReport {
    /** Row names, as the benchmarks' {@code @Param} values. */
    public static final String COREWQ = "corewq";
    public static final String TPE = "tpe";
    public static final String FJP = "fjp";
    public static final String COREWQ_SPIN = "corewq-spin";
    public static final String SPIN_FLOOR = "spin-floor";
    public static final String COREWQ_IDLE = "corewq-idle";
    public static final String PARK_FLOOR = "park-floor";

    /** A queue-throughput row: ops/s with its error, bytes per op (NaN when not measured). */
    public record QueueRow(String name, int producers, double opsPerSec, double error, double bytesPerOp) {
    }

    /** A ping-pong row: round-trip percentiles in ns, bytes per round trip (NaN when not measured). */
    public record PingRow(String name, int gapMicros, double p50, double p99, double p999, double bytesPerOp) {
    }

    private CompareReport() {
    }

    /** The whole report: the two tables, then the summary line (last line). */
    public static String render(List<QueueRow> queue, List<PingRow> ping) {
        StringBuilder sb = new StringBuilder();
        sb.append("== queue throughput, reusable no-op item (ops/s, higher is better; ratio = corewq per-CPU / row) ==\n");
        sb.append(String.format(Locale.ROOT, "%-16s %9s %12s %12s %9s %10s%n", "row", "producers", "ops/s", "± error", "B/op", "ratio"));
        for (QueueRow r : queue) {
            double ratio = find(queue, COREWQ, r.producers()).map(c -> c.opsPerSec() / r.opsPerSec()).orElse(Double.NaN);
            sb.append(String.format(Locale.ROOT, "%-16s %9d %12s %12s %9s %10s%n", r.name(), r.producers(), si(r.opsPerSec()),
                    si(r.error()), bytes(r.bytesPerOp()), ratio(ratio)));
        }
        sb.append("\n== ping-pong round trip CPU a -> b -> a (ns, lower is better; ratio = corewq p50 / row p50 at the same gap) ==\n");
        sb.append(String.format(Locale.ROOT, "%-16s %6s %10s %10s %10s %9s %10s%n", "row", "gap us", "p50", "p99", "p99.9", "B/op", "ratio"));
        for (PingRow r : ping) {
            String corewq = r.gapMicros() == 0 ? COREWQ_SPIN : COREWQ_IDLE;
            double ratio = findPing(ping, corewq, r.gapMicros()).map(c -> c.p50() / r.p50()).orElse(Double.NaN);
            sb.append(String.format(Locale.ROOT, "%-16s %6d %10.0f %10.0f %10.0f %9s %10s%n", r.name(), r.gapMicros(), r.p50(),
                    r.p99(), r.p999(), bytes(r.bytesPerOp()), ratio(ratio)));
        }
        sb.append('\n').append(summary(queue, ping)).append('\n');
        return sb.toString();
    }

    /** The one summary line. */
    public static String summary(List<QueueRow> queue, List<PingRow> ping) {
        double vsTpe = minRatio(queue, TPE);
        double vsFjp = minRatio(queue, FJP);
        double vsSpin = Double.NaN;
        Optional<PingRow> spin = ping.stream().filter(r -> r.name().equals(COREWQ_SPIN)).findFirst();
        if (spin.isPresent()) {
            vsSpin = findPing(ping, SPIN_FLOOR, spin.get().gapMicros()).map(f -> spin.get().p50() / f.p50()).orElse(Double.NaN);
        }
        double alloc = 0;
        boolean any = false;
        List<Double> corewqBytes = new ArrayList<>();
        queue.stream().filter(r -> r.name().startsWith(COREWQ)).forEach(r -> corewqBytes.add(r.bytesPerOp()));
        for (double b : corewqBytes) {
            if (!Double.isNaN(b)) {
                alloc = Math.max(alloc, b);
                any = true;
            }
        }
        return String.format(Locale.ROOT, "queue vs ThreadPoolExecutor: %sx, vs ForkJoinPool: %sx; ping-pong p50 vs spin floor: %sx; alloc: %s B/op",
                fixed2(vsTpe), fixed2(vsFjp), fixed2(vsSpin), any ? Long.toString(Math.round(alloc)) : "?");
    }

    private static double minRatio(List<QueueRow> queue, String peer) {
        double min = Double.NaN;
        for (QueueRow p : queue) {
            if (p.name().equals(peer)) {
                Optional<QueueRow> c = find(queue, COREWQ, p.producers());
                if (c.isPresent()) {
                    double r = c.get().opsPerSec() / p.opsPerSec();
                    min = Double.isNaN(min) ? r : Math.min(min, r);
                }
            }
        }
        return min;
    }

    private static Optional<QueueRow> find(List<QueueRow> rows, String name, int producers) {
        return rows.stream().filter(r -> r.name().equals(name) && r.producers() == producers).findFirst();
    }

    private static Optional<PingRow> findPing(List<PingRow> rows, String name, int gap) {
        return rows.stream().filter(r -> r.name().equals(name) && r.gapMicros() == gap).findFirst();
    }

    private static String fixed2(double d) {
        return Double.isNaN(d) || Double.isInfinite(d) ? "?" : String.format(Locale.ROOT, "%.2f", d);
    }

    private static String ratio(double d) {
        return Double.isNaN(d) || Double.isInfinite(d) ? "-" : String.format(Locale.ROOT, "%.2fx", d);
    }

    private static String bytes(double d) {
        return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.1f", d);
    }

    /** 12345678 -> "12.35 M". */
    static String si(double d) {
        if (Double.isNaN(d)) {
            return "-";
        }
        double a = Math.abs(d);
        if (a >= 1e9) {
            return String.format(Locale.ROOT, "%.2f G", d / 1e9);
        } else if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", d / 1e6);
        } else if (a >= 1e3) {
            return String.format(Locale.ROOT, "%.2f k", d / 1e3);
        }
        return String.format(Locale.ROOT, "%.2f", d);
    }
}
