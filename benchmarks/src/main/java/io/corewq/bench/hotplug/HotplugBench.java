// JMH (issue 5): latency of offline+online of a CPU with 0, 1 000 and 1 000 000 items pending on it.
package io.corewq.bench.hotplug;

import io.corewq.Blocking;
import io.corewq.CpuRuntime;
import io.corewq.Work;
import io.corewq.Workqueue;
import io.corewq.WqFlag;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code java -jar corewq.jar jmh HotplugBench}. One operation is {@code offline(cpu)} followed by
 * {@code online(cpu)} of the runtime's second CPU (a real, pinned CPU when the machine has two or
 * more; two logical CPUs otherwise), while {@code pending} items wait on that CPU.
 *
 * <p>The items stay pending across every operation: they are on a per-CPU workqueue with
 * max_active 1 whose first item (queued on the CPU before them) blocks on a latch until the trial
 * ends, so offline moves the CPU's work to the online CPUs and online takes the CPU back, each
 * time with the same {@code pending} inactive items, and none of them runs. The trial's teardown
 * checks that, then releases the latch and waits for every item. The runtime's INFO line per
 * hotplug event is turned off in the fork (it would time the console, not the controller).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g",
        // the runtime logs each hotplug event at INFO; console output is not what this measures
        "-Dorg.slf4j.simpleLogger.log.io.corewq=warn"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class HotplugBench {
    @Param({"0", "1000", "1000000"})
    public int pending;

    private CpuRuntime rt;
    private Workqueue wq;
    private int cpu;
    private final CountDownLatch release = new CountDownLatch(1);

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        CpuRuntime.Builder b = CpuRuntime.builder().jmx(false).followOsCpus(Duration.ZERO);
        if (Runtime.getRuntime().availableProcessors() < 2) {
            b.logicalCpus(2);
        }
        rt = b.build();
        int[] cpus = rt.cpus().toArray();
        cpu = cpus[1];
        wq = rt.allocWorkqueue("bench_hotplug", EnumSet.noneOf(WqFlag.class), 1);
        CountDownLatch started = new CountDownLatch(1);
        wq.queueOn(cpu, new Work("blocker", () -> {
            started.countDown();
            try {
                Blocking.run(release::await);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
        if (!started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("blocker did not start");
        }
        Runnable noop = () -> { };
        for (int i = 0; i < pending; i++) {
            wq.queueOn(cpu, new Work(noop));
        }
        check("after setup");
    }

    private void check(String when) {
        long inFlight = wq.stats().inFlight();
        if (inFlight != pending + 1L) {
            throw new IllegalStateException(when + ": " + inFlight + " items in flight, expected " + (pending + 1));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            check("after the trial");
        } finally {
            release.countDown();
            wq.flush();
            rt.close();
        }
    }

    @Benchmark
    public boolean offlineOnline() {
        return rt.hotplug().offline(cpu) & rt.hotplug().online(cpu);
    }
}
