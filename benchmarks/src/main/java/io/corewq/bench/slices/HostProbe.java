// Measures the host's cross-CPU cache-line round trip (a pinned volatile ping-pong), to tell a quiet host from a slow spell.
package io.corewq.bench.slices;

import io.corewq.cpu.CpuBinder;
import io.corewq.cpu.CpuBinders;
import io.corewq.cpu.CpuSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One measurement of how long a cache line takes to go from one CPU to another and back: two
 * threads pinned on two CPUs bounce a counter through two padded volatile fields. Every queue row
 * that crosses CPUs pays this transfer per item, so its throughput follows the host's value.
 *
 * <p>Why it exists: on a virtual machine the hypervisor decides which physical cores back the
 * virtual CPUs, and it changes its mind. On the machine docs/BENCHMARKS.md was measured on, this
 * round trip sat at 65-110 ns for seconds and then at 330-510 ns for seconds (in C as in Java),
 * and a row measured during such a spell says more about the host than about the code.
 * {@link SlicesCommand} measures it before and after every slice.
 */
public final class HostProbe {
    /** A measurement never takes longer than this (the partner thread may not get its CPU). */
    private static final long LIMIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final CpuBinder binder;
    private final int cpuA;
    private final int cpuB;

    // the two mailboxes, each on a cache line of its own
    @SuppressWarnings("unused")
    private long p00, p01, p02, p03, p04, p05, p06, p07;
    private volatile long ping;
    @SuppressWarnings("unused")
    private long p10, p11, p12, p13, p14, p15, p16, p17;
    private volatile long pong;
    @SuppressWarnings("unused")
    private long p20, p21, p22, p23, p24, p25, p26, p27;

    private HostProbe(CpuBinder binder, int cpuA, int cpuB) {
        this.binder = binder;
        this.cpuA = cpuA;
        this.cpuB = cpuB;
    }

    /**
     * A probe between the first two CPUs of {@code cpus}, or null when it cannot measure here
     * (fewer than two CPUs, or a binder that does not pin); {@code why} receives the reason.
     */
    public static HostProbe between(CpuSet cpus, StringBuilder why) {
        CpuBinder b = CpuBinders.load();
        int[] c = cpus.toArray();
        if (c.length < 2) {
            why.append("one CPU: nothing crosses CPUs");
            return null;
        }
        if (!b.isPinning()) {
            why.append("binder ").append(b.name()).append(" does not pin threads");
            return null;
        }
        return new HostProbe(b, c[0], c[1]);
    }

    /** The CPUs measured, as "A<->B". */
    public String describe() {
        return cpuA + "<->" + cpuB;
    }

    /**
     * Bounces {@code rounds} round trips and returns the mean round trip in nanoseconds, or
     * {@code Double.NaN} when a thread could not be pinned or the measurement ran past its limit.
     *
     * @throws IllegalArgumentException if {@code rounds < 1}
     */
    public double roundTripNanos(int rounds) throws InterruptedException {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds " + rounds + " must be at least 1");
        }
        ping = 0;
        pong = 0;
        final long deadline = System.nanoTime() + LIMIT_NANOS;
        final boolean[] pinned = new boolean[2];
        final double[] result = {Double.NaN};
        CountDownLatch ready = new CountDownLatch(2);
        Thread responder = new Thread(() -> {
            pinned[1] = binder.bind(CpuSet.of(cpuB));
            ready.countDown();
            for (long v = 1; v <= rounds; v++) {
                while (ping != v) {
                    if (ping < 0 || System.nanoTime() - deadline > 0) {
                        return;
                    }
                    Thread.onSpinWait();
                }
                pong = v;
            }
        }, "corewq-hostprobe-b");
        Thread initiator = new Thread(() -> {
            pinned[0] = binder.bind(CpuSet.of(cpuA));
            ready.countDown();
            try {
                if (!ready.await(LIMIT_NANOS, TimeUnit.NANOSECONDS) || !pinned[0] || !pinned[1]) {
                    ping = -1;
                    return;
                }
            } catch (InterruptedException e) {
                ping = -1;
                return;
            }
            long t0 = System.nanoTime();
            for (long v = 1; v <= rounds; v++) {
                ping = v;
                while (pong != v) {
                    if (System.nanoTime() - deadline > 0) {
                        ping = -1;
                        return;
                    }
                    Thread.onSpinWait();
                }
            }
            result[0] = (double) (System.nanoTime() - t0) / rounds;
        }, "corewq-hostprobe-a");
        responder.setDaemon(true);
        initiator.setDaemon(true);
        responder.start();
        initiator.start();
        initiator.join(TimeUnit.NANOSECONDS.toMillis(LIMIT_NANOS) + 1000);
        responder.join(1000);
        return result[0];
    }
}
