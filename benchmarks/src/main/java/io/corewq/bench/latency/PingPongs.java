// The rows of the ping-pong comparison: corewq items (idle or spin carriers), two single-thread executors, and two pinned-thread floors.
package io.corewq.bench.latency;

import io.corewq.CpuRuntime;
import io.corewq.Work;
import io.corewq.Workqueue;
import io.corewq.WqFlag;
import io.corewq.cpu.CpuBinder;
import io.corewq.cpu.CpuBinders;
import io.corewq.cpu.CpuSet;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jctools.util.PaddedAtomicLong;

/**
 * Builds a {@link PingPong} from its name (the JMH {@code @Param} values):
 * <ul>
 *   <li>{@code corewq-idle}: two reusable {@link Work} items on a per-CPU workqueue, A queued on
 *       CPU a and B on CPU b, each queueing the other with {@code queueOn}; the default runtime
 *       (carriers spin 256 rounds, yield, then park);</li>
 *   <li>{@code corewq-spin}: the same with {@code idleSpins(Integer.MAX_VALUE)}: carriers never park;</li>
 *   <li>{@code executors}: two {@code Executors.newSingleThreadExecutor()}, each task
 *       {@code execute}s the other's reusable Runnable (threads not pinned, as users get them);</li>
 *   <li>{@code spin-floor}: two threads pinned to a and b, each spinning on a volatile counter
 *       the other writes;</li>
 *   <li>{@code park-floor}: the same two pinned threads, each parked until the other writes its
 *       counter and unparks it.</li>
 * </ul>
 * CPUs a and b are the first two CPUs the process may use.
 */
public final class PingPongs {
    public static final String COREWQ_IDLE = "corewq-idle";
    public static final String COREWQ_SPIN = "corewq-spin";
    public static final String EXECUTORS = "executors";
    public static final String SPIN_FLOOR = "spin-floor";
    public static final String PARK_FLOOR = "park-floor";
    /**
     * Diagnostic: {@code -Dcorewq.bench.hogThresholdMs=N} sets the corewq rows' CPU-hog threshold
     * (default 10 ms), to show what hog detection costs a spinning ping-pong.
     */
    public static final String HOG_PROPERTY = "corewq.bench.hogThresholdMs";
    public static final String[] ALL = {COREWQ_IDLE, COREWQ_SPIN, EXECUTORS, SPIN_FLOOR, PARK_FLOOR};

    private PingPongs() {
    }

    public static PingPong create(String name) {
        switch (name) {
            case COREWQ_IDLE:
                return new CorewqPingPong(false);
            case COREWQ_SPIN:
                return new CorewqPingPong(true);
            case EXECUTORS:
                return new ExecutorPingPong();
            case SPIN_FLOOR:
                return new ThreadPingPong(true);
            case PARK_FLOOR:
                return new ThreadPingPong(false);
            default:
                throw new IllegalArgumentException("unknown ping-pong row '" + name + "' (known: " + String.join(", ", ALL) + ")");
        }
    }

    /** corewq: an item on CPU a queues one on CPU b, which queues back. */
    static final class CorewqPingPong extends PingPong {
        private final CpuRuntime rt;
        private final Workqueue wq;
        private final int a;
        private final int b;
        private final Work ping;
        private final Work pong;
        private final boolean spin;

        CorewqPingPong(boolean spin) {
            this.spin = spin;
            CpuRuntime.Builder builder = CpuRuntime.builder().jmx(false).followOsCpus(Duration.ZERO);
            if (spin) {
                builder.idleSpins(Integer.MAX_VALUE);
            }
            String hog = System.getProperty(HOG_PROPERTY);
            if (hog != null) {
                builder.hogThreshold(Duration.ofMillis(Long.parseLong(hog)));
            }
            rt = builder.build();
            int[] cpus = rt.cpus().toArray();
            if (cpus.length < 2) {
                rt.close();
                throw new IllegalStateException("ping-pong needs two CPUs; the runtime has " + rt.cpus());
            }
            a = cpus[0];
            b = cpus[1];
            wq = rt.allocWorkqueue("pingpong", EnumSet.noneOf(WqFlag.class), 0);
            ping = new Work("ping", this::onPing);
            pong = new Work("pong", this::onPong);
        }

        private void onPing() {
            if (ballBack()) {
                wq.queueOn(b, pong);
            }
        }

        private void onPong() {
            wq.queueOn(a, ping);
        }

        @Override
        public String describe() {
            return "corewq per-CPU items, CPUs " + a + " <-> " + b + (spin ? ", spinning carriers" : ", default idle carriers")
                    + ", binder " + rt.binder().name() + ", pinned " + rt.pinningStatus().pinned();
        }

        @Override
        public void start() {
            wq.queueOn(a, ping);
        }

        @Override
        public void close() {
            stop = true;
            ping.cancelSync();
            pong.cancelSync();
            rt.close();
        }
    }

    /** Two single-thread executors; each task executes the other's. */
    static final class ExecutorPingPong extends PingPong {
        private final ExecutorService ea = Executors.newSingleThreadExecutor();
        private final ExecutorService eb = Executors.newSingleThreadExecutor();
        private final Runnable ping = this::onPing;
        private final Runnable pong = this::onPong;

        private void onPing() {
            if (ballBack()) {
                eb.execute(pong);
            }
        }

        private void onPong() {
            ea.execute(ping);
        }

        @Override
        public String describe() {
            return "two Executors.newSingleThreadExecutor(), not pinned";
        }

        @Override
        public void start() {
            ea.execute(ping);
        }

        @Override
        public void close() {
            stop = true;
            try {
                Thread.sleep(50); // the ball stops at A within one round trip
                eb.shutdown();
                ea.shutdown();
                ea.awaitTermination(10, TimeUnit.SECONDS);
                eb.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Two pinned threads: the floors. Each side waits for the other's counter to reach its turn. */
    static final class ThreadPingPong extends PingPong {
        /** Written by A (release): balls sent. */
        private final PaddedAtomicLong sent = new PaddedAtomicLong();
        /** Written by B (release): balls returned. */
        private final PaddedAtomicLong returned = new PaddedAtomicLong();
        private final boolean spin;
        private final Thread ta;
        private final Thread tb;
        private final int a;
        private final int b;
        private final AtomicLong pinned = new AtomicLong();

        ThreadPingPong(boolean spin) {
            this.spin = spin;
            CpuBinder binder = CpuBinders.load();
            int[] cpus = io.corewq.bench.harness.Placement.cpus(binder).toArray();
            if (cpus.length < 2) {
                throw new IllegalStateException("ping-pong needs two CPUs; the process has " + cpus.length);
            }
            a = cpus[0];
            b = cpus[1];
            ta = new Thread(() -> {
                pin(binder, a);
                sideA();
            }, (spin ? "spin" : "park") + "-floor-a");
            tb = new Thread(() -> {
                pin(binder, b);
                sideB();
            }, (spin ? "spin" : "park") + "-floor-b");
            ta.setDaemon(true);
            tb.setDaemon(true);
        }

        /** Pins and verifies; the binder verifies by seeing the thread on the CPU, so retry while the CPU is busy. */
        private void pin(CpuBinder binder, int cpu) {
            if (!binder.isPinning()) {
                return;
            }
            for (int i = 0; i < 200; i++) {
                if (binder.bind(CpuSet.of(cpu))) {
                    pinned.incrementAndGet();
                    return;
                }
                LockSupport.parkNanos(1_000_000L);
            }
        }

        private void sideA() {
            long seq = 0;
            while (ballBack()) {
                seq++;
                sent.lazySet(seq);
                if (!spin) {
                    LockSupport.unpark(tb);
                }
                while (returned.get() != seq) {
                    if (stop) {
                        return;
                    }
                    await();
                }
            }
        }

        private void sideB() {
            long seen = 0;
            while (!stop) {
                long s = sent.get();
                if (s != seen) {
                    seen = s;
                    returned.lazySet(s);
                    if (!spin) {
                        LockSupport.unpark(ta);
                    }
                } else {
                    await();
                }
            }
        }

        private void await() {
            if (spin) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 10_000_000L); // the timeout only bounds a stop
            }
        }

        @Override
        public String describe() {
            return (spin ? "volatile-spin" : "park/unpark") + " floor, threads on CPUs " + a + " <-> " + b
                    + ", pinned " + pinned.get() + "/2";
        }

        @Override
        public void start() {
            tb.start();
            ta.start();
        }

        @Override
        public void close() {
            stop = true;
            LockSupport.unpark(ta);
            LockSupport.unpark(tb);
            try {
                ta.join(10_000);
                tb.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
