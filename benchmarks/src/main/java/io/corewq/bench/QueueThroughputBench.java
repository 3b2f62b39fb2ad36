// JMH: throughput of queueing a no-op reusable item from 1 and 2 producers, corewq beside ThreadPoolExecutor and ForkJoinPool.
package io.corewq.bench;

import io.corewq.bench.harness.Placement;
import io.corewq.bench.harness.Producer;
import io.corewq.bench.harness.QueueTarget;
import io.corewq.bench.harness.Targets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Queue throughput: one operation is one item successfully queued by a producer thread; the
 * item's function only counts itself as run. Rows ({@code executor}, see {@link Targets}):
 * {@code corewq} (per-CPU workqueue, {@code queueOn}, reusable {@code Work}), {@code corewq-unbound}
 * and {@code corewq-ordered} ({@code queue} onto an unbound / ordered workqueue), {@code tpe}
 * ({@code ThreadPoolExecutor}, one thread per CPU, {@code LinkedBlockingQueue}), {@code fjp} (own
 * {@code ForkJoinPool}, one thread per CPU), {@code fjp-common} (the common pool), {@code fixed}
 * ({@code Executors.newFixedThreadPool}), {@code jctools} (the floor: a JCTools MPSC queue and one
 * spinning consumer); columns: {@link #oneProducer} and {@link #twoProducers}.
 *
 * <p>Each producer keeps at most {@code window} items in flight (see {@link Producer}), so the
 * ops/s score is the executed-items rate to within {@code window} items per iteration; the
 * {@code executed} secondary result counts the items that actually ran in the iteration, and
 * {@code rejected} the queue attempts that found the item still pending (corewq only; expected
 * ~0). Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is bytes allocated per queued item
 * by all threads, producers and consumers.
 *
 * <p>By default producers are not pinned: on a machine with N CPUs the N consumer threads and the
 * producers share the N CPUs, as they would in an application. {@code -p placement=same|cross}
 * pins producer k on, or beside, the CPU corewq queues its items onto, and {@code packed} pins
 * every producer to the last CPU ({@link Placement}); the result depends strongly on it, see
 * docs/BENCHMARKS.md.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class QueueThroughputBench {

    /** The target of one trial, shared by its producer threads. */
    @State(Scope.Benchmark)
    public static class Target {
        /** Which row: see {@link Targets}. */
        @Param({Targets.COREWQ, Targets.COREWQ_UNBOUND, Targets.COREWQ_ORDERED, Targets.TPE,
                Targets.FJP, Targets.FJP_COMMON, Targets.FIXED, Targets.JCTOOLS})
        public String executor;

        /** Items in flight per producer, the same bound for every row. */
        @Param("512")
        public int window;

        /** Where producers run: os (unpinned), same, cross or packed; see {@link Placement}. */
        @Param("os")
        public String placement;

        QueueTarget target;

        @Setup(Level.Trial)
        public void start() {
            target = Targets.create(executor);
        }

        @TearDown(Level.Trial)
        public void stop() {
            target.close();
        }
    }

    /** One producer thread; its public fields are JMH secondary results (per second). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class ProducerThread {
        /** Items of this producer that ran during the iteration. */
        public long executed;
        /** Queue attempts during the iteration that returned false (item still pending). */
        public long rejected;

        Producer producer;
        private long executedBefore;
        private long rejectedBefore;

        @Setup(Level.Trial)
        public void attach(Target t, ThreadParams thread) {
            Placement.parse(t.placement).apply(thread.getThreadIndex());
            producer = t.target.producer(thread.getThreadIndex(), t.window);
        }

        @Setup(Level.Iteration)
        public void begin() {
            executed = 0;
            rejected = 0;
            executedBefore = producer.executed();
            rejectedBefore = producer.rejected();
        }

        @TearDown(Level.Iteration)
        public void end() {
            executed = producer.executed() - executedBefore;
            rejected = producer.rejected() - rejectedBefore;
        }
    }

    @Benchmark
    @Threads(1)
    public void oneProducer(ProducerThread p) {
        p.producer.queueOne();
    }

    @Benchmark
    @Threads(2)
    public void twoProducers(ProducerThread p) {
        p.producer.queueOne();
    }
}
