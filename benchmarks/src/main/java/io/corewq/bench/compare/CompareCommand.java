// corewq.jar compare [--quick]: runs the headline rows through JMH's API and prints ratios against the peers.
package io.corewq.bench.compare;

import io.corewq.bench.QueueThroughputBench;
import io.corewq.bench.latency.LatencyProfiler;
import io.corewq.bench.latency.PingPongBench;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * {@code java -jar corewq.jar compare [--quick]}: the headline rows of docs/BENCHMARKS.md in one
 * run, each beside its peers: queue throughput (corewq per-CPU, ThreadPoolExecutor, ForkJoinPool;
 * 1 and 2 producers) and ping-pong (corewq spin mode and the volatile-spin floor with no gap;
 * corewq default mode and the park/unpark floor with a 50 µs gap), with {@code -prof gc}.
 *
 * <p>Modes: default (1 fork, 2 x 1 s warm-up, 3 x 2 s measurement per row, about 3 minutes);
 * {@code --quick} (1 fork, 1 x 0.5 s warm-up, 2 x 0.5 s measurement, about a minute on 2 CPUs);
 * {@code --tiny} (no fork, one 100 ms iteration: only for the test that keeps this command from
 * rotting; the numbers mean nothing).
 *
 * <p>Output: the two tables of {@link CompareReport}, ending with its summary line. Exit status
 * 0, or 1 when a row failed to produce a result.
 */
public final class CompareCommand {
    private CompareCommand() {
    }

    public static int run(String[] args, PrintStream out) throws Exception {
        String mode = "full";
        for (String a : args) {
            switch (a) {
                case "--quick":
                    mode = "quick";
                    break;
                case "--tiny":
                    mode = "tiny";
                    break;
                default:
                    out.println("usage: compare [--quick]");
                    return 2;
            }
        }
        long t0 = System.nanoTime();
        List<CompareReport.QueueRow> queue = new ArrayList<>();
        for (RunResult r : run(mode, options(mode).include(QueueThroughputBench.class.getName() + "\\.(one|two)Producers?")
                .param("executor", CompareReport.COREWQ, CompareReport.TPE, CompareReport.FJP))) {
            String name = r.getParams().getParam("executor");
            int producers = r.getParams().getThreads();
            queue.add(new CompareReport.QueueRow(name, producers, r.getPrimaryResult().getScore(),
                    r.getPrimaryResult().getScoreError(), secondary(r, "gc.alloc.rate.norm")));
        }
        List<CompareReport.PingRow> ping = new ArrayList<>();
        String pp = PingPongBench.class.getName() + "\\.";
        for (RunResult r : run(mode, options(mode).include(pp).param("row", CompareReport.COREWQ_SPIN, CompareReport.SPIN_FLOOR)
                .param("gapMicros", "0"))) {
            ping.add(pingRow(r));
        }
        for (RunResult r : run(mode, options(mode).include(pp).param("row", CompareReport.COREWQ_IDLE, CompareReport.PARK_FLOOR)
                .param("gapMicros", "50"))) {
            ping.add(pingRow(r));
        }
        queue.sort(java.util.Comparator.comparingInt(CompareReport.QueueRow::producers));
        out.printf("compare (%s mode, %d CPUs, %s %s): %.0f s%n%n", mode, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), (System.nanoTime() - t0) / 1e9);
        out.print(CompareReport.render(queue, ping));
        return queue.size() == 6 && ping.size() == 4 ? 0 : 1;
    }

    private static CompareReport.PingRow pingRow(RunResult r) {
        return new CompareReport.PingRow(r.getParams().getParam("row"), Integer.parseInt(r.getParams().getParam("gapMicros")),
                secondary(r, LatencyProfiler.PREFIX + "p50"), secondary(r, LatencyProfiler.PREFIX + "p99"),
                secondary(r, LatencyProfiler.PREFIX + "p99.9"), secondary(r, "gc.alloc.rate.norm"));
    }

    private static ChainedOptionsBuilder options(String mode) {
        ChainedOptionsBuilder o = new OptionsBuilder().addProfiler(GCProfiler.class).addProfiler(LatencyProfiler.class)
                .shouldFailOnError(true).verbosity(VerboseMode.SILENT);
        switch (mode) {
            case "tiny":
                System.setProperty("jmh.ignoreLock", "true"); // in-process: a JMH run beside it must not block the test
                return o.forks(0).warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(100));
            case "quick":
                return o.forks(1).warmupIterations(1).warmupTime(TimeValue.milliseconds(500)).measurementIterations(2)
                        .measurementTime(TimeValue.milliseconds(500));
            default:
                return o.forks(1).warmupIterations(2).warmupTime(TimeValue.seconds(1)).measurementIterations(3)
                        .measurementTime(TimeValue.seconds(2));
        }
    }

    private static Collection<RunResult> run(String mode, ChainedOptionsBuilder o) throws Exception {
        return new Runner(o.build()).run();
    }

    /** A secondary result by label (JMH may prefix profiler labels with a dot-like mark); NaN if absent. */
    static double secondary(RunResult r, String label) {
        for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
            String k = e.getKey();
            if (k.equals(label) || (k.endsWith(label) && k.length() == label.length() + 1)) {
                return e.getValue().getScore();
            }
        }
        return Double.NaN;
    }
}
