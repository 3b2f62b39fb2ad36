// JMH: delayed work, arm+cancel and arm+fire throughput with 1 000 and 1 000 000 items armed, corewq beside ScheduledThreadPoolExecutor.
package io.corewq.bench.delayed;

import io.corewq.CpuRuntime;
import io.corewq.DelayedWork;
import io.corewq.Workqueue;
import io.corewq.WqFlag;
import io.corewq.bench.harness.Producer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
 * {@code java -jar corewq.jar jmh DelayedWorkBench}. Before the trial, {@code armed} background
 * items are armed one hour out (corewq: distinct {@link DelayedWork}s on CPU a's timer;
 * STPE: {@code schedule} of one Runnable), so every operation works against a timer heap of that
 * size. {@code ScheduledThreadPoolExecutor} has one thread per CPU and remove-on-cancel on (without
 * it, a cancelled task stays queued until its delay: an hour of garbage).
 * <ul>
 *   <li>{@link #armCancel}: arm one item one hour out and cancel it (corewq:
 *       {@code queueDelayedOn(a, dw, 1 h)} + {@code dw.cancel()} of one reusable item; STPE:
 *       {@code schedule(r, 1 h).cancel(false)});</li>
 *   <li>{@link #armFire}: arm one item 1 µs out and let it fire; at most {@code window} = 256
 *       are armed or running at a time (see {@link Producer}), so the score is the fire rate
 *       (corewq: a ring of reusable items on CPU a; STPE: {@code schedule(r, 1 µs)}).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class DelayedWorkBench {
    private static final int WINDOW = 256;

    @Param({"corewq", "stpe"})
    public String impl;

    @Param({"1000", "1000000"})
    public int armed;

    private CpuRuntime rt;
    private Workqueue wq;
    private int cpu;
    private ScheduledThreadPoolExecutor stpe;
    private DelayedWork cancelled;
    private Producer fire;
    private final Runnable noop = () -> { };

    @Setup(Level.Trial)
    public void setUp() {
        if (impl.equals("corewq")) {
            rt = CpuRuntime.builder().jmx(false).followOsCpus(Duration.ZERO).build();
            wq = rt.allocWorkqueue("bench_delayed", EnumSet.noneOf(WqFlag.class), Workqueue.MAX_ACTIVE);
            cpu = rt.cpus().toArray()[0];
            for (int i = 0; i < armed; i++) {
                wq.queueDelayedOn(cpu, new DelayedWork(noop), 1, TimeUnit.HOURS);
            }
            cancelled = new DelayedWork("cancelled", noop);
            fire = new Producer(WINDOW) {
                private final DelayedWork[] ring = ring(task());
                private int next;

                @Override
                protected boolean tryQueue() {
                    DelayedWork dw = ring[next];
                    next = (next + 1) & (ring.length - 1);
                    return wq.queueDelayedOn(cpu, dw, 1, TimeUnit.MICROSECONDS);
                }
            };
        } else if (impl.equals("stpe")) {
            int n = Runtime.getRuntime().availableProcessors();
            stpe = new ScheduledThreadPoolExecutor(n);
            stpe.setRemoveOnCancelPolicy(true);
            stpe.prestartAllCoreThreads();
            for (int i = 0; i < armed; i++) {
                stpe.schedule(noop, 1, TimeUnit.HOURS);
            }
            fire = new Producer(WINDOW) {
                @Override
                protected boolean tryQueue() {
                    stpe.schedule(task(), 1, TimeUnit.MICROSECONDS);
                    return true;
                }
            };
        } else {
            throw new IllegalArgumentException(impl);
        }
    }

    private static DelayedWork[] ring(Runnable fn) {
        DelayedWork[] r = new DelayedWork[WINDOW * 2];
        for (int i = 0; i < r.length; i++) {
            r[i] = new DelayedWork("fire", fn);
        }
        return r;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        if (rt != null) {
            rt.close();
        } else {
            stpe.shutdownNow();
            stpe.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Benchmark
    public boolean armCancel() {
        if (wq != null) {
            wq.queueDelayedOn(cpu, cancelled, 1, TimeUnit.HOURS);
            return cancelled.cancel();
        }
        return stpe.schedule(noop, 1, TimeUnit.HOURS).cancel(false);
    }

    @Benchmark
    public void armFire() {
        fire.queueOne();
    }
}
