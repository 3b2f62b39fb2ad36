// Interrupt status on corewq's own threads: an item, a per-CPU thread's function or an outside caller that leaves a worker interrupted reaches neither the next item nor the idle park.
package io.corewq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.corewq.cpu.CpuSet;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Items restore an interrupt they caught ({@code Thread.currentThread().interrupt()}) as a matter of
 * course; on a pool's thread that status belonged to nobody. It reached the next item on the same
 * worker (which then failed its first blocking call), and an idle worker's park returned at once,
 * every time: the carrier spun at 100% of a CPU (found by review, 2026-11-22).
 */
class InterruptTest {

    /**
     * Waits until {@code t} stays parked: over a 20 ms window (a measurement, not a wait for an
     * event) it used under 2 ms of CPU and ends it waiting. A thread whose park returns at once
     * spins through its idle loop and uses nearly all of it. Sampling its state or CPU time
     * alone is not enough: such a thread spends much of its loop inside park's waiting state, and
     * while it shares a CPU with this thread its CPU time stands still.
     */
    private static void awaitParked(Thread t) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        CountDownLatch never = new CountDownLatch(1);
        long used = -1;
        for (int round = 0; round < 100; round++) {
            long cpu0 = mx.getThreadCpuTime(t.getId());
            try {
                never.await(20, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            used = mx.getThreadCpuTime(t.getId()) - cpu0;
            Thread.State s = t.getState();
            if (used < 2_000_000L && (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING)) {
                return;
            }
        }
        throw new AssertionError(t.getName() + " never stayed parked (a stale interrupt makes its park return at once): "
                + used / 1000 + " us of CPU in the last 20 ms\n" + Bounded.threadDump());
    }

    @Test
    void anInterruptLeftByAnItemReachesNeitherTheNextItemNorTheIdleCarrier() {
        try (CpuRuntime rt = CpuRuntime.builder().cpus(CpuSet.of(0)).build()) {
            Workqueue wq = rt.allocWorkqueue("irq", Set.of(), 0);
            AtomicReference<Thread> first = new AtomicReference<>();
            Work leaves = new Work("leaves-interrupt", () -> {
                first.set(Thread.currentThread());
                Thread.currentThread().interrupt();
            });
            wq.queueOn(0, leaves);
            Bounded.run("flush", leaves::flush);
            awaitParked(first.get());
            AtomicReference<Thread> second = new AtomicReference<>();
            AtomicBoolean sawInterrupt = new AtomicBoolean(true);
            Work next = new Work("next", () -> {
                second.set(Thread.currentThread());
                sawInterrupt.set(Thread.currentThread().isInterrupted());
            });
            wq.queueOn(0, next);
            Bounded.run("flush", next::flush);
            assertSame(first.get(), second.get(), "the carrier ran both");
            assertFalse(sawInterrupt.get(), "the next item started interrupted");
        }
    }

    @Test
    void anUnboundWorkerLeftInterruptedParksWhenIdle() {
        try (CpuRuntime rt = CpuRuntime.builder().cpus(CpuSet.of(0)).build()) {
            Workqueue wq = rt.allocWorkqueue("irq-unbound", EnumSet.of(WqFlag.UNBOUND), 0);
            AtomicReference<Thread> t = new AtomicReference<>();
            Work leaves = new Work("leaves-interrupt", () -> {
                t.set(Thread.currentThread());
                Thread.currentThread().interrupt();
            });
            wq.queue(leaves);
            Bounded.run("flush", leaves::flush);
            awaitParked(t.get());
        }
    }

    @Test
    void anIdleCarrierInterruptedFromOutsideParksAgainAndItsNextItemIsNotInterrupted() {
        try (CpuRuntime rt = CpuRuntime.builder().cpus(CpuSet.of(0)).build()) {
            Workqueue wq = rt.allocWorkqueue("irq-outside", Set.of(), 0);
            AtomicReference<Thread> carrier = new AtomicReference<>();
            Work find = new Work("find", () -> carrier.set(Thread.currentThread()));
            wq.queueOn(0, find);
            Bounded.run("flush", find::flush);
            awaitParked(carrier.get());
            carrier.get().interrupt();
            awaitParked(carrier.get());
            AtomicBoolean sawInterrupt = new AtomicBoolean(true);
            Work next = new Work("next", () -> sawInterrupt.set(Thread.currentThread().isInterrupted()));
            wq.queueOn(0, next);
            Bounded.run("flush", next::flush);
            assertFalse(sawInterrupt.get(), "the item started interrupted");
        }
    }

    @Test
    void aPerCpuThreadWhoseFunctionLeavesAnInterruptParksWhenIdle() {
        try (CpuRuntime rt = CpuRuntime.builder().cpus(CpuSet.of(0)).build()) {
            AtomicInteger want = new AtomicInteger();
            CountDownLatch ran = new CountDownLatch(1);
            try (PerCpuThreads pt = rt.hotplug().registerPerCpuThreads(new PerCpuThread() {
                @Override
                public String name() {
                    return "irqd";
                }

                @Override
                public boolean shouldRun(int cpu) {
                    return want.get() > 0;
                }

                @Override
                public void run(int cpu) {
                    want.decrementAndGet();
                    Thread.currentThread().interrupt();
                    ran.countDown();
                }
            })) {
                want.incrementAndGet();
                pt.wake(0);
                Bounded.await(ran);
                awaitParked(pt.thread(0));
                assertEquals(0, want.get());
            }
        }
    }
}
