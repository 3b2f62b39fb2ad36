// JMH (issue 4): items that block 1 ms on 2 CPUs: corewq's concurrency management beside a fixed pool of one thread per CPU and a cached pool.
package io.corewq.bench.blocking;

import io.corewq.Blocking;
import io.corewq.CpuRuntime;
import io.corewq.Work;
import io.corewq.Workqueue;
import io.corewq.WqFlag;
import io.corewq.bench.harness.ExecutorTarget;
import io.corewq.bench.harness.Producer;
import io.corewq.bench.harness.QueueTarget;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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

/**
 * {@code java -jar corewq.jar jmh BlockingMixBench}. One producer keeps {@code window} items in
 * flight; each item sleeps 1 ms and counts itself. One operation is one item queued, so the score
 * is items/s (to within the window per iteration). Rows:
 * <ul>
 *   <li>{@code corewq-explicit}: per-CPU workqueue, items spread round-robin over the CPUs with
 *       {@code queueOn}, each sleeping inside {@link Blocking#run} (the explicit managed-blocking
 *       call: the pool hands the CPU to another worker at once);</li>
 *   <li>{@code corewq-implicit}: the same items calling {@code Thread.sleep} directly: the
 *       concurrency monitor (2 ms period by default) must notice the sleeping slot holder;</li>
 *   <li>{@code fixed}: {@code Executors.newFixedThreadPool(CPUs)}: one thread per CPU, so at most
 *       CPUs items sleep at a time (the ceiling is CPUs x 1000 items/s);</li>
 *   <li>{@code cached}: {@code Executors.newCachedThreadPool()}: a thread per concurrent item.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class BlockingMixBench {
    @Param({"corewq-explicit", "corewq-implicit", "fixed", "cached"})
    public String executor;

    /** Items in flight (sleeping or queued). */
    @Param("64")
    public int window;

    private QueueTarget target;
    private Producer producer;

    @Setup(Level.Trial)
    public void start() {
        int n = Runtime.getRuntime().availableProcessors();
        switch (executor) {
            case "corewq-explicit":
                target = new CorewqBlocking(true);
                break;
            case "corewq-implicit":
                target = new CorewqBlocking(false);
                break;
            case "fixed":
                target = new ExecutorTarget(Executors.newFixedThreadPool(n), "Executors.newFixedThreadPool(" + n + ")");
                break;
            case "cached":
                target = new ExecutorTarget(Executors.newCachedThreadPool(), "Executors.newCachedThreadPool()");
                break;
            default:
                throw new IllegalArgumentException(executor);
        }
        producer = target instanceof CorewqBlocking ? target.producer(0, window) : new SleepProducer((ExecutorTarget) target, window);
    }

    @TearDown(Level.Trial)
    public void stop() {
        target.close();
    }

    @Benchmark
    @Threads(1)
    public void queueSleeper() {
        producer.queueOne();
    }

    static void sleep1ms() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A task that sleeps 1 ms, then counts itself done. */
    static Runnable sleepThen(Runnable done) {
        return () -> {
            sleep1ms();
            done.run();
        };
    }

    /** A JDK executor: execute() of one reused sleeping Runnable. */
    private static final class SleepProducer extends Producer {
        private final ExecutorTarget target;
        private final Runnable task = sleepThen(task());

        SleepProducer(ExecutorTarget target, int window) {
            super(window);
            this.target = target;
        }

        @Override
        protected boolean tryQueue() {
            target.executor().execute(task);
            return true;
        }
    }

    /** corewq: a per-CPU workqueue; a ring of reusable sleeping items spread round-robin. */
    private static final class CorewqBlocking implements QueueTarget {
        private final CpuRuntime rt = CpuRuntime.builder().jmx(false).followOsCpus(Duration.ZERO).build();
        private final Workqueue wq = rt.allocWorkqueue("bench_blocking", EnumSet.noneOf(WqFlag.class), Workqueue.MAX_ACTIVE);
        private final boolean explicit;

        CorewqBlocking(boolean explicit) {
            this.explicit = explicit;
        }

        @Override
        public Producer producer(int index, int window) {
            int[] cpus = rt.cpus().toArray();
            return new Producer(window) {
                private final Work[] items = new Work[Integer.highestOneBit(Math.max(2, window) * 2 - 1) << 1];
                private int next;

                {
                    Runnable done = task();
                    Runnable fn = explicit ? () -> {
                        try {
                            Blocking.run(BlockingMixBench::sleep1ms);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        done.run();
                    } : sleepThen(done);
                    for (int i = 0; i < items.length; i++) {
                        items[i] = new Work("sleeper", fn);
                    }
                }

                @Override
                protected boolean tryQueue() {
                    int i = next;
                    next = (i + 1) & (items.length - 1);
                    return wq.queueOn(cpus[i % cpus.length], items[i]);
                }
            };
        }

        @Override
        public String describe() {
            return "corewq per-CPU workqueue, " + (explicit ? "Blocking.run" : "plain sleep");
        }

        @Override
        public void close() {
            rt.close();
        }
    }
}
