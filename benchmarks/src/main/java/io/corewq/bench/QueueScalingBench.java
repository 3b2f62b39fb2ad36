// JMH: queue throughput against the number of producers (-t N), the scaling runs for many-core machines.
package io.corewq.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The rows of {@link QueueThroughputBench} (same targets, producers, window and placement; see
 * there) with as many producers as JMH threads: {@code -t N}, by default one per available CPU.
 * {@code benchmarks/run-suite.sh scaling} runs it for 1, 2, 4, ... producers up to the machine's
 * CPUs and draws {@code docs/charts/queue-scaling.svg} (throughput against producers). Producer
 * {@code k} of a per-CPU row queues onto CPU {@code k mod n}, so with as many producers as CPUs
 * every carrier is fed by one producer.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class QueueScalingBench {
    @Benchmark
    @Threads(Threads.MAX)
    public void producers(QueueThroughputBench.ProducerThread p) {
        p.producer.queueOne();
    }
}
