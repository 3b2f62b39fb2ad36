// corewq.jar slices: queue rows measured in short interleaved slices, each labelled with the host's cross-CPU round trip.
package io.corewq.bench.slices;

import io.corewq.bench.Args;
import io.corewq.bench.charts.SummaryCommand;
import io.corewq.bench.harness.Producer;
import io.corewq.bench.harness.QueueTarget;
import io.corewq.bench.harness.Targets;
import io.corewq.cpu.CpuBinder;
import io.corewq.cpu.CpuBinders;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code java -jar corewq.jar slices [--rows R1,R2,...] [--producers 1|2] [--rounds N]
 * [--slice-ms M]}: the queue-throughput rows of the JMH suite (same targets, same
 * {@link Producer} window of 512), run side by side in one JVM as short slices, interleaved:
 * every round runs one slice of each row (in an order rotated per round), with the host's
 * cross-CPU round trip ({@link HostProbe}) measured before and after the round.
 *
 * <p>What it answers that a JMH row cannot: on a host whose speed changes for seconds at a time,
 * rows measured minutes apart compare different hosts. Here the rows of one round ran within a
 * second of each other, and a round is <em>quiet</em> when both of its round trips are within
 * 2x the lower quartile of all round trips measured, so ratios are taken per round, among quiet
 * rounds.
 *
 * <p>Each slice starts fresh, unpinned producer threads (the OS places them, as the JMH rows'
 * default placement), lets them run 30 ms, then counts executed items for {@code slice-ms}.
 * When the first row's items run on a fixed CPU (corewq's per-CPU row), its producers look up
 * the CPU they run on every {@value #SAMPLE_BATCHES} batches of 256 items, and the round's line
 * says which share of those looks found a producer on its items' CPU ({@code same%}): sharing a
 * CPU with the carrier is a different arrangement from running beside it (see docs/BENCHMARKS.md).
 * Output: one line per round, then per row the median over quiet rounds and over all rounds,
 * the median per-round ratio of the first row to each other row, and the first row's quiet
 * rounds split by where its producers ran. Exit status 0, 1 if a slice did not finish in time
 * (with the threads' stacks), 2 for bad usage.
 */
public final class SlicesCommand {
    private static final long WARM_NANOS = TimeUnit.MILLISECONDS.toNanos(30);
    private static final int WINDOW = 512;
    private static final double QUIET_FACTOR = 2.0;
    /** Batches of 256 items between two looks at the producer's CPU. */
    private static final int SAMPLE_BATCHES = 64;
    /** A round whose {@code same%} is at least this counts as "producer on the carrier's CPU". */
    private static final double SAME_SHARE = 0.5;

    private SlicesCommand() {
    }

    public static int run(String[] args, PrintStream out) throws Exception {
        List<String> rows = List.of(Targets.COREWQ, Targets.TPE, Targets.FJP);
        int producers = 1;
        int rounds = 20;
        long sliceMs = 300;
        try {
            for (int i = 0; i < args.length; i += 2) { // every option takes a value
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    out.println("usage: slices [--rows R1,R2,...] [--producers 1|2] [--rounds N] [--slice-ms M]  (rows: "
                            + String.join(", ", Targets.ALL) + ")");
                    return 0;
                }
                String v = Args.after(args, i);
                switch (a) {
                    case "--rows":
                        rows = knownRows(Args.required(a, v));
                        break;
                    case "--producers":
                        producers = (int) Args.number(a, v, 1, 2);
                        break;
                    case "--rounds":
                        rounds = (int) Args.number(a, v, 1, 100_000);
                        break;
                    case "--slice-ms":
                        sliceMs = Args.number(a, v, 1, 60_000);
                        break;
                    default:
                        throw new IllegalArgumentException("unknown argument '" + a + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            out.println("slices: " + e.getMessage());
            out.println("usage: slices [--rows R1,R2,...] [--producers 1|2] [--rounds N] [--slice-ms M]");
            return 2;
        }

        String unavailable = HostProbe.unavailableReason();
        boolean probe = unavailable == null;
        out.printf(Locale.ROOT, "slices: rows %s, %d producer(s), %d rounds of %d ms slices, window %d; host probe %s%n",
                rows, producers, rounds, sliceMs, WINDOW, probe ? "on (the spin floor's round trip)" : "off (" + unavailable + ")");

        int n = rows.size();
        QueueTarget[] targets = new QueueTarget[n];
        Producer[][] prods = new Producer[n][producers];
        double[][] rate = new double[rounds][n];
        double[][] rtt = new double[rounds][2];
        double[] same = new double[rounds];
        Arrays.fill(same, Double.NaN);
        CpuBinder binder = CpuBinders.load();
        try {
            for (int k = 0; k < n; k++) {
                targets[k] = Targets.create(rows.get(k));
                for (int p = 0; p < producers; p++) {
                    prods[k][p] = targets[k].producer(p, WINDOW);
                }
            }
            for (int k = 0; k < n; k++) { // warm-up: one slice of each row, not reported
                if (Double.isNaN(slice(prods[k], sliceMs, binder, null, out))) {
                    return 1;
                }
            }
            StringBuilder head = new StringBuilder("round  rtt-ns");
            for (String r : rows) {
                head.append(String.format(Locale.ROOT, " %14s", r + " M/s"));
            }
            boolean sampled = prods[0][0].targetCpu() >= 0 && binder.currentCpu() >= 0;
            if (sampled) {
                head.append("  same%");
            }
            out.println(head.append("  rtt-ns-after"));
            for (int r = 0; r < rounds; r++) {
                rtt[r][0] = probe ? HostProbe.roundTripNanos(20_000) : Double.NaN;
                for (int j = 0; j < n; j++) {
                    int k = (j + r) % n;
                    double[] share = k == 0 && sampled ? new double[1] : null;
                    rate[r][k] = slice(prods[k], sliceMs, binder, share, out);
                    if (share != null) {
                        same[r] = share[0];
                    }
                    if (Double.isNaN(rate[r][k])) {
                        return 1;
                    }
                }
                rtt[r][1] = probe ? HostProbe.roundTripNanos(20_000) : Double.NaN;
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%5d %7.0f", r, rtt[r][0]));
                for (int k = 0; k < n; k++) {
                    line.append(String.format(Locale.ROOT, " %14.2f", rate[r][k] / 1e6));
                }
                if (sampled) {
                    line.append(String.format(Locale.ROOT, "  %5.0f", same[r] * 100));
                }
                out.println(line.append(String.format(Locale.ROOT, "  %7.0f", rtt[r][1])));
            }
        } finally {
            for (QueueTarget t : targets) {
                if (t != null) {
                    t.close();
                }
            }
        }
        report(rows, rate, rtt, out);
        reportPlacement(rows.get(0), rate, rtt, same, out);
        return 0;
    }

    /**
     * The first row's quiet rounds split by where its producers ran: on their items' CPU in at
     * least half of the looks, or beside it. Prints nothing when the CPU was not sampled.
     */
    static void reportPlacement(String row, double[][] rate, double[][] rtt, double[] same, PrintStream out) {
        List<Integer> quiet = quietRounds(rtt);
        List<Double> onIt = new ArrayList<>();
        List<Double> beside = new ArrayList<>();
        for (int r : quiet) {
            if (Double.isNaN(same[r])) {
                return;
            }
            (same[r] >= SAME_SHARE ? onIt : beside).add(rate[r][0]);
        }
        out.printf(Locale.ROOT, "  %s quiet rounds by producer placement: on the carrier's CPU %d (median %s), beside it %d (median %s)%n",
                row, onIt.size(), medianText(onIt), beside.size(), medianText(beside));
    }

    private static String medianText(List<Double> rates) {
        return rates.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f M/s",
                SummaryCommand.median(rates.stream().mapToDouble(Double::doubleValue).toArray()) / 1e6);
    }

    /** Rounds whose two round trips are both within {@link #QUIET_FACTOR} of the lower quartile (all rounds without a probe). */
    static List<Integer> quietRounds(double[][] rtt) {
        double base = quietBase(rtt);
        List<Integer> quiet = new ArrayList<>();
        for (int r = 0; r < rtt.length; r++) {
            if (Double.isNaN(base) || Math.max(rtt[r][0], rtt[r][1]) <= QUIET_FACTOR * base) {
                quiet.add(r);
            }
        }
        return quiet;
    }

    /** The lower quartile of all round trips measured (one fast outlier moves nothing), NaN without a probe. */
    private static double quietBase(double[][] rtt) {
        double[] trips = Arrays.stream(rtt).flatMapToDouble(Arrays::stream).filter(x -> !Double.isNaN(x)).sorted().toArray();
        return trips.length == 0 ? Double.NaN : trips[(trips.length - 1) / 4];
    }

    /** The summary: medians over quiet and all rounds, and per-round ratios of row 0 to the others. */
    static void report(List<String> rows, double[][] rate, double[][] rtt, PrintStream out) {
        int rounds = rate.length;
        double base = quietBase(rtt);
        List<Integer> quiet = quietRounds(rtt);
        if (Double.isNaN(base)) {
            out.printf(Locale.ROOT, "quiet rounds (no host probe: all of them): %d of %d%n", quiet.size(), rounds);
        } else {
            out.printf(Locale.ROOT, "quiet rounds (both round trips <= %.1fx the lower quartile, %.0f ns): %d of %d%n",
                    QUIET_FACTOR, base, quiet.size(), rounds);
        }
        for (int k = 0; k < rows.size(); k++) {
            final int col = k;
            double[] q = quiet.stream().mapToDouble(r -> rate[r][col]).toArray();
            double[] all = Arrays.stream(rate).mapToDouble(x -> x[col]).toArray();
            out.printf(Locale.ROOT, "  %-15s median %7.2f M/s quiet, %7.2f M/s all (min %.2f, max %.2f)%n",
                    rows.get(k), SummaryCommand.median(q) / 1e6, SummaryCommand.median(all) / 1e6,
                    Arrays.stream(all).min().orElse(0) / 1e6, Arrays.stream(all).max().orElse(0) / 1e6);
        }
        for (int k = 1; k < rows.size(); k++) {
            final int col = k;
            double[] q = quiet.stream().mapToDouble(r -> rate[r][0] / rate[r][col]).toArray();
            double[] all = Arrays.stream(rate).mapToDouble(x -> x[0] / x[col]).toArray();
            out.printf(Locale.ROOT, "  %s / %s: median per-round ratio %.2fx quiet, %.2fx all%n",
                    rows.get(0), rows.get(k), SummaryCommand.median(q), SummaryCommand.median(all));
        }
    }

    /**
     * One slice: fresh producer threads run {@code prods} for a warm-up and then {@code ms}
     * milliseconds; returns executed items per second, or NaN (after printing the threads'
     * stacks) when they did not finish within ten seconds of the deadline. With a
     * {@code share} array, the producers look up their CPU with {@code binder} while measuring
     * (see the class comment) and {@code share[0]} receives the share of looks that found a
     * producer on its items' CPU.
     */
    private static double slice(Producer[] prods, long ms, CpuBinder binder, double[] share, PrintStream out) throws InterruptedException {
        final boolean sample = share != null;
        final long measureNanos = TimeUnit.MILLISECONDS.toNanos(ms);
        final long[] executed = new long[prods.length];
        final long[] elapsed = new long[prods.length];
        final long[] looks = new long[prods.length];
        final long[] onTarget = new long[prods.length];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] threads = new Thread[prods.length];
        for (int p = 0; p < prods.length; p++) {
            final int idx = p;
            final Producer pr = prods[p];
            threads[p] = new Thread(() -> {
                long warmEnd = System.nanoTime() + WARM_NANOS;
                while (System.nanoTime() - warmEnd < 0) {
                    for (int i = 0; i < 256; i++) {
                        pr.queueOne();
                    }
                }
                long e0 = pr.executed();
                long t0 = System.nanoTime();
                long end = t0 + measureNanos;
                int batches = 0;
                while (System.nanoTime() - end < 0) {
                    for (int i = 0; i < 256; i++) {
                        pr.queueOne();
                    }
                    if (sample && ++batches == SAMPLE_BATCHES) {
                        batches = 0;
                        looks[idx]++;
                        if (binder.currentCpu() == pr.targetCpu()) {
                            onTarget[idx]++;
                        }
                    }
                }
                elapsed[idx] = System.nanoTime() - t0;
                executed[idx] = pr.executed() - e0;
            }, "slices-producer-" + p);
            threads[p].setUncaughtExceptionHandler((t, e) -> failure.set(e));
            threads[p].setDaemon(true);
            threads[p].start();
        }
        long limitMs = ms + 10_000;
        for (Thread t : threads) {
            t.join(limitMs);
            if (t.isAlive()) {
                out.println("slices: " + t.getName() + " did not finish within " + limitMs + " ms; its stack:");
                for (StackTraceElement e : t.getStackTrace()) {
                    out.println("    at " + e);
                }
                return Double.NaN;
            }
        }
        if (failure.get() != null) {
            out.println("slices: a producer failed: " + failure.get());
            return Double.NaN;
        }
        double perSecond = 0;
        long allLooks = 0;
        long allOn = 0;
        for (int p = 0; p < prods.length; p++) {
            perSecond += executed[p] * 1e9 / elapsed[p];
            allLooks += looks[p];
            allOn += onTarget[p];
        }
        if (sample) {
            share[0] = allLooks == 0 ? Double.NaN : (double) allOn / allLooks;
        }
        return perSecond;
    }

    /** The comma-separated row names, each one of {@link Targets#ALL}. */
    private static List<String> knownRows(String value) {
        List<String> rows = Arrays.asList(value.split(","));
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("--rows '" + value + "' names no row (known: " + String.join(", ", Targets.ALL) + ")");
        }
        for (String r : rows) {
            if (!Arrays.asList(Targets.ALL).contains(r)) {
                throw new IllegalArgumentException("unknown row '" + r + "' (known: " + String.join(", ", Targets.ALL) + ")");
            }
        }
        return rows;
    }
}
