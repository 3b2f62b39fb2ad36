// JMH profiler that reports the round-trip percentiles a ping-pong benchmark recorded during each iteration.
package io.corewq.bench.latency;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * {@code -prof io.corewq.bench.latency.LatencyProfiler} (corewq.jar's {@code jmh} and
 * {@code compare} add it themselves). JMH's own modes time the benchmark thread; in a ping-pong
 * the round trips happen between two other threads, so the side that closes each round trip
 * records it in a {@link SingleWriterRecorder} published in {@link #publish}, and this profiler,
 * which runs in the forked JVM around every iteration, turns the iteration's interval histogram
 * into secondary results {@code lat.p50}, {@code lat.p90}, {@code lat.p99}, {@code lat.p99.9},
 * {@code lat.max} (nanoseconds per round trip; averaged over iterations, with JMH's error). For
 * benchmarks that publish nothing it reports nothing.
 */
public final class LatencyProfiler implements InternalProfiler {
    /** The label prefix of the results. */
    public static final String PREFIX = "lat.";
    /** Percentiles reported, and their labels. */
    private static final double[] PERCENTILES = {50, 90, 99, 99.9};
    private static final String[] LABELS = {"p50", "p90", "p99", "p99.9"};

    /**
     * The recorder of the running or last trial, or null; written by the benchmark's trial setup.
     * Not cleared at teardown: JMH tears a trial down before the last iteration's afterIteration.
     */
    private static volatile SingleWriterRecorder current;
    /** Profiler thread only: recycled interval histogram, from {@link #source}. */
    private Histogram interval;
    /** Profiler thread only: the recorder {@link #interval} came from (a recorder takes back only its own). */
    private SingleWriterRecorder source;

    /** Called by a ping-pong benchmark's trial setup. */
    public static void publish(SingleWriterRecorder r) {
        current = r;
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        SingleWriterRecorder r = current;
        if (r != null) {
            interval = take(r); // drops what was recorded between iterations
        }
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
            IterationResult result) {
        SingleWriterRecorder r = current;
        if (r == null) {
            return List.of();
        }
        interval = take(r);
        List<Result> out = new ArrayList<>();
        if (interval.getTotalCount() == 0) {
            return out;
        }
        for (int i = 0; i < PERCENTILES.length; i++) {
            out.add(new ScalarResult(PREFIX + LABELS[i], interval.getValueAtPercentile(PERCENTILES[i]), "ns",
                    AggregationPolicy.AVG));
        }
        out.add(new ScalarResult(PREFIX + "max", interval.getMaxValue(), "ns", AggregationPolicy.MAX));
        out.add(new ScalarResult(PREFIX + "count", interval.getTotalCount(), "#", AggregationPolicy.SUM));
        return out;
    }

    private Histogram take(SingleWriterRecorder r) {
        if (r != source) { // a new trial in the same JVM (no fork): start a new recycled histogram
            source = r;
            interval = null;
        }
        return r.getIntervalHistogram(interval);
    }

    @Override
    public String getDescription() {
        return "round-trip latency percentiles recorded by corewq's ping-pong benchmarks";
    }
}
