// JMH: submit+get round trip and execute throughput of the corewq executor adapters beside the JDK's executors.
package io.corewq.bench.exec;

import io.corewq.CpuRuntime;
import io.corewq.Workqueue;
import io.corewq.WqFlag;
import io.corewq.exec.WorkqueueExecutors;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compares, for the same number of threads ({@code n} = available processors), the adapters
 * ({@code wq-percpu}: system per-CPU workqueue, round-robin placement; {@code wq-unbound}: unbound
 * workqueue with max_active n) with {@code ThreadPoolExecutor(n, n)}, {@code ForkJoinPool(n)} and
 * {@code Executors.newFixedThreadPool(n)}.
 *
 * <ul>
 *   <li>{@link #submitGet}: latency of one {@code submit} + {@code get} round trip from a foreign
 *       thread (what request/response code pays).</li>
 *   <li>{@link #executeBurst}: throughput of {@code execute} for a burst of {@value #BURST} empty
 *       tasks, waiting for all of them (a latch) so that queueing, running and completing are all
 *       measured, not only enqueueing.</li>
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/corewq.jar jmh ExecutorBench}; results in docs/BENCHMARKS.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ExecutorBench {
    static final int BURST = 1024;

    @Param({"wq-percpu", "wq-unbound", "ThreadPoolExecutor", "ForkJoinPool", "newFixedThreadPool"})
    public String executor;

    private CpuRuntime rt;
    private ExecutorService es;

    @Setup(Level.Trial)
    public void setUp() {
        int n = Runtime.getRuntime().availableProcessors();
        switch (executor) {
            case "wq-percpu":
                rt = CpuRuntime.builder().build();
                es = WorkqueueExecutors.newExecutorService(rt.systemWq());
                break;
            case "wq-unbound":
                rt = CpuRuntime.builder().build();
                Workqueue wq = rt.allocWorkqueue("bench", EnumSet.of(WqFlag.UNBOUND), n);
                es = WorkqueueExecutors.newExecutorService(wq);
                break;
            case "ThreadPoolExecutor":
                es = new ThreadPoolExecutor(n, n, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
                break;
            case "ForkJoinPool":
                es = new ForkJoinPool(n);
                break;
            case "newFixedThreadPool":
                es = Executors.newFixedThreadPool(n);
                break;
            default:
                throw new IllegalArgumentException(executor);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        es.shutdown();
        if (!es.awaitTermination(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(executor + " did not terminate");
        }
        if (rt != null) {
            rt.close();
        }
    }

    /** One submit + get round trip. */
    @Benchmark
    public Integer submitGet() throws Exception {
        return es.submit(ExecutorBench::answer).get();
    }

    private static Integer answer() {
        return 42;
    }

    /** A burst of execute() calls, waiting until every task has run; reported per task. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public void executeBurst() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(BURST); // one per burst: negligible beside 1024 tasks
        Runnable task = done::countDown;
        for (int i = 0; i < BURST; i++) {
            es.execute(task);
        }
        if (!done.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(executor + " lost tasks");
        }
    }
}
