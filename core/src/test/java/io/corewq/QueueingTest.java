// Tests of queueing: PENDING claim, self-requeue, visibility, placement, the carrier model, bad input.
package io.corewq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corewq.cpu.CpuSet;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class QueueingTest extends RuntimeTestBase {
    /**
     * A counting item queued on the first CPU of a max_active-1 workqueue behind a blocker item
     * that runs until {@link #gate} opens: the item stays pending (inactive) until then.
     */
    private final class HeldItem {
        final Workqueue wq = rt.allocWorkqueue("t", Set.of(), 1);
        final int cpu = rt.cpus().first();
        final CountDownLatch gate = new CountDownLatch(1);
        final AtomicInteger runs = new AtomicInteger();
        final Work w = new Work(runs::incrementAndGet);

        HeldItem() {
            CountDownLatch running = new CountDownLatch(1);
            Work blocker = new Work(() -> {
                running.countDown();
                Bounded.await(gate);
            });
            assertTrue(wq.queueOn(cpu, blocker));
            Bounded.await(running);
            assertTrue(wq.queueOn(cpu, w));
        }
    }

    @Test
    void requeueAfterCancelRidesASpareUntilTheStaleOwnEntryIsPopped() {
        HeldItem h = new HeldItem();
        Work w = h.w;
        assertSame(w, w.liveEntry, "a plain queue takes the item's own entry");
        assertTrue((w.state & Work.QUEUED) != 0);
        assertTrue(w.cancel());
        assertTrue((w.state & Work.QUEUED) != 0, "the cancelled instance's own entry is still queued (stale)");
        assertTrue(h.wq.queueOn(h.cpu, w));
        assertNotSame(w, w.liveEntry, "while the stale own entry is queued a new instance rides a spare");
        h.gate.countDown();
        w.flush();
        assertEquals(1, h.runs.get(), "the cancelled instance never ran, the requeued one ran once");
        assertEquals(0, w.state & Work.QUEUED, "the stale own entry was popped before the spare (FIFO) and freed");
        assertTrue(h.wq.queueOn(h.cpu, w));
        assertSame(w, w.liveEntry, "the own entry is taken again");
        w.flush();
        assertEquals(2, h.runs.get());
        assertFalse(w.isBusy());
    }

    @Test
    void secondQueueOfPendingItemReturnsFalseAndDoesNothing() {
        HeldItem h = new HeldItem();
        Work w = h.w;
        assertTrue(w.isPending());
        assertFalse(h.wq.queueOn(h.cpu, w));
        assertFalse(h.wq.queue(w));
        h.gate.countDown();
        w.flush();
        assertEquals(1, h.runs.get());
        assertFalse(w.isBusy());
    }

    @Test
    void pendingIsClearedBeforeTheFunctionRunsSoItemsCanRequeueThemselves() {
        Workqueue wq = rt.allocWorkqueue("t", Set.of(), 0);
        AtomicInteger left = new AtomicInteger(1000);
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Work> self = new AtomicReference<>();
        AtomicInteger pendingSeenInside = new AtomicInteger();
        Work w = new Work(() -> {
            Work me = self.get();
            if (me.isPending()) {
                pendingSeenInside.incrementAndGet();
            }
            if (left.decrementAndGet() > 0) {
                assertTrue(wq.queue(me));
            } else {
                done.countDown();
            }
        });
        self.set(w);
        assertTrue(wq.queue(w));
        Bounded.await(done);
        assertEquals(0, pendingSeenInside.get());
    }

    static final class Box {
        int a;
        long b;
        String c;
    }

    @Test
    void writesBeforeATrueReturnAreVisibleToTheFunction() {
        Workqueue wq = rt.allocWorkqueue("t", Set.of(), 0);
        Box box = new Box();
        AtomicInteger bad = new AtomicInteger();
        int rounds = 20000;
        CountDownLatch done = new CountDownLatch(rounds);
        int[] expect = new int[1];
        Work w = new Work(() -> {
            if (box.a != expect[0] || box.b != expect[0] * 3L || box.c == null || !box.c.equals("v" + expect[0])) {
                bad.incrementAndGet();
            }
            done.countDown();
        });
        for (int i = 1; i <= rounds; i++) {
            w.flush(); // the previous instance is done: we may write plain fields again
            expect[0] = i;
            box.a = i;
            box.b = i * 3L;
            box.c = "v" + i;
            assertTrue(wq.queueOn(rt.cpus().get(i % rt.cpus().size()), w));
        }
        Bounded.await(done);
        assertEquals(0, bad.get());
    }

    @Test
    void workersOnThreadsOfAUserFactoryKnowTheirCpu() {
        // Worker.current() finds such a worker through a thread-local, not the thread's class
        try (CpuRuntime own = CpuRuntime.builder().threadFactory(r -> new Thread(r, "user-factory")).build()) {
            Workqueue wq = own.allocWorkqueue("t", Set.of(), 0);
            for (int cpu : own.cpus()) {
                AtomicInteger ranOn = new AtomicInteger(-2);
                AtomicInteger chainedOn = new AtomicInteger(-2);
                AtomicReference<Class<?>> thread = new AtomicReference<>();
                CountDownLatch done = new CountDownLatch(1);
                Work chained = new Work(() -> {
                    chainedOn.set(CpuRuntime.currentCpu());
                    done.countDown();
                });
                assertTrue(wq.queueOn(cpu, new Work(() -> {
                    ranOn.set(CpuRuntime.currentCpu());
                    thread.set(Thread.currentThread().getClass());
                    wq.queue(chained); // from a carrier: stays on its CPU
                })));
                Bounded.await(done);
                assertEquals(Thread.class, thread.get(), "not a thread of the user's factory");
                assertEquals(cpu, ranOn.get());
                assertEquals(cpu, chainedOn.get(), "queue() from CPU " + cpu + "'s carrier left the CPU");
            }
        }
    }

    @Test
    void queueOnRunsInThatCpusPoolAndQueueFromACarrierStaysThere() {
        Workqueue wq = rt.allocWorkqueue("t", Set.of(), 0);
        for (int round = 0; round < 50; round++) {
            for (int cpu : rt.cpus()) {
                AtomicInteger ranOn = new AtomicInteger(-2);
                AtomicInteger chainedOn = new AtomicInteger(-2);
                AtomicReference<String> thread = new AtomicReference<>();
                java.util.concurrent.atomic.AtomicBoolean onCarrier = new java.util.concurrent.atomic.AtomicBoolean();
                CountDownLatch done = new CountDownLatch(1);
                Work chained = new Work(() -> {
                    chainedOn.set(CpuRuntime.currentCpu());
                    done.countDown();
                });
                Work w = new Work(() -> {
                    ranOn.set(CpuRuntime.currentCpu());
                    thread.set(Thread.currentThread().getName());
                    Worker holder = rt.cpu(cpu).normal.holder;
                    onCarrier.set(holder != null && holder.thread == Thread.currentThread());
                    wq.queue(chained);
                });
                assertTrue(wq.queueOn(cpu, w));
                Bounded.await(done);
                assertEquals(cpu, ranOn.get());
                assertEquals(cpu, chainedOn.get(), "queue() from CPU " + cpu + "'s carrier left the CPU");
                // the carrier (the run-slot holder, the pool's first worker unless concurrency
                // management handed the slot on) runs the item itself: no carrier -> worker hand-off
                assertTrue(thread.get().startsWith("kworker/" + cpu + ":"), thread.get());
                assertTrue(onCarrier.get(), "ran on " + thread.get() + ", not on the carrier");
            }
        }
    }

    @Test
    void highPriorityItemsRunInTheHighPriorityPool() {
        Workqueue wq = rt.allocWorkqueue("hi", EnumSet.of(WqFlag.HIGHPRI), 0);
        AtomicReference<String> name = new AtomicReference<>();
        AtomicInteger prio = new AtomicInteger();
        int cpu = rt.cpus().last();
        Work w = new Work(() -> {
            name.set(Thread.currentThread().getName());
            prio.set(Thread.currentThread().getPriority());
        });
        wq.queueOn(cpu, w);
        w.flush();
        assertEquals("kworker/" + cpu + ":0H", name.get());
        assertEquals(Thread.MAX_PRIORITY, prio.get());
    }

    @Test
    void badInputIsRefusedNamingTheBadValue() {
        Workqueue wq = rt.allocWorkqueue("named-wq", Set.of(), 0);
        Work w = new Work(() -> { });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> wq.queueOn(4242, w));
        assertTrue(e.getMessage().contains("4242"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> wq.queueOn(-1, w));
        assertFalse(w.isPending(), "a refused queue must leave the item untouched");
        assertThrows(NullPointerException.class, () -> wq.queue(null));
        assertThrows(NullPointerException.class, () -> new Work(null));
        e = assertThrows(IllegalArgumentException.class, () -> rt.allocWorkqueue("x", Set.of(), 5000));
        assertTrue(e.getMessage().contains("5000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> rt.allocWorkqueue("x", Set.of(), -1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> wq.setMaxActive(0));
        assertTrue(e.getMessage().contains("0") && e.getMessage().contains("named-wq"), e.getMessage());
        assertThrows(NullPointerException.class, () -> rt.allocWorkqueue(null, Set.of(), 0));
        e = assertThrows(IllegalArgumentException.class, () -> wq.queueDelayed(new DelayedWork(() -> { }), -5, java.util.concurrent.TimeUnit.MILLISECONDS));
        assertTrue(e.getMessage().contains("-5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CpuRuntime.builder().cpus(CpuSet.parse("0-x")));
        assertTrue(e.getMessage().contains("0-x"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> { rt.workOnCpu(777, () -> 1); });
        assertTrue(e.getMessage().contains("777"), e.getMessage());
        // Found by review, 2026-11-22: CPUs to start offline that the runtime does not have were
        // dropped silently, and very long durations failed at build() with a bare overflow.
        e = assertThrows(IllegalArgumentException.class,
                () -> CpuRuntime.builder().logicalCpus(2).startOffline(CpuSet.of(5, 7)).build().close());
        assertTrue(e.getMessage().contains("5,7"), e.getMessage());
        try (CpuRuntime far = CpuRuntime.builder().logicalCpus(2).followOsCpus(java.time.Duration.ZERO)
                .watchdogThreshold(java.time.Duration.ofSeconds(Long.MAX_VALUE)).idleReapTimeout(java.time.Duration.ofDays(200_000)).build()) {
            DelayedWork dw = new DelayedWork(() -> { });
            assertTrue(far.systemWq().queueDelayed(dw, java.time.Duration.ofDays(200_000)), "a delay past the nanosecond range must be capped, as with a TimeUnit");
            assertTrue(dw.cancel());
        }
    }

    @Test
    void flushOrCancelSyncFromInsideTheItemThrows() {
        Workqueue wq = rt.allocWorkqueue("t", Set.of(), 0);
        AtomicReference<Throwable> flushErr = new AtomicReference<>();
        AtomicReference<Throwable> cancelErr = new AtomicReference<>();
        AtomicReference<Work> self = new AtomicReference<>();
        Work w = new Work(() -> {
            try {
                self.get().flush();
            } catch (Throwable t) {
                flushErr.set(t);
            }
            try {
                self.get().cancelSync();
            } catch (Throwable t) {
                cancelErr.set(t);
            }
        });
        self.set(w);
        wq.queue(w);
        w.flush();
        assertTrue(flushErr.get() instanceof IllegalStateException, String.valueOf(flushErr.get()));
        assertTrue(cancelErr.get() instanceof IllegalStateException, String.valueOf(cancelErr.get()));
        assertTrue(flushErr.get().getMessage().contains("flush"));
    }

    @Test
    void destroyDrainsThenLaterQueueThrowsNamingTheWorkqueue() {
        Workqueue wq = rt.allocWorkqueue("doomed", Set.of(), 0);
        AtomicInteger runs = new AtomicInteger();
        Work[] items = new Work[100];
        for (int i = 0; i < items.length; i++) {
            items[i] = new Work(runs::incrementAndGet);
            wq.queue(items[i]);
        }
        wq.destroy();
        assertEquals(100, runs.get(), "destroy must drain");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> wq.queue(items[0]));
        assertTrue(e.getMessage().contains("doomed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> wq.queueOn(rt.cpus().first(), items[0]));
        assertFalse(items[0].isPending());
    }

    @Test
    void anItemRefusedBecauseItsPoolWorkqueueHasTooManyInFlightIsLeftFree() {
        // pwq.enqueue threw its in-flight overflow after the PENDING claim, and the claim was kept:
        // the refused item stayed pending for ever and no workqueue could take it again (found by
        // review). 33.5 M queued items are too many for a test: phantom tickets fill the count.
        Workqueue wq = rt.allocOrderedWorkqueue("deep", Set.of());
        PoolWorkqueue pwq = wq.all[0];
        long phantom = PoolWorkqueue.COUNT_MASK - pwq.inFlight(pwq.phantomTickets(0));
        pwq.phantomTickets(phantom);
        AtomicInteger runs = new AtomicInteger();
        Work w = new Work("refused", runs::incrementAndGet);
        DelayedWork dw = new DelayedWork("re-armed", runs::incrementAndGet);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> wq.queue(w));
            assertTrue(e.getMessage().contains("deep") && e.getMessage().contains("in flight"), e.getMessage());
            assertFalse(w.isPending(), "the item refused with an exception is left pending");
            assertTrue(wq.queueDelayed(dw, java.time.Duration.ofHours(1)));
            assertThrows(IllegalStateException.class, () -> wq.modDelayed(dw, java.time.Duration.ZERO));
            assertFalse(dw.isPending(), "the delayed item refused with an exception is left pending");
        } finally {
            pwq.phantomTickets(-phantom);
        }
        Workqueue other = rt.allocWorkqueue("other", Set.of(), 0);
        assertTrue(other.queue(w), "the refused item cannot be queued elsewhere");
        assertTrue(wq.queue(dw), "the refused delayed item cannot be queued again");
        Bounded.run("flush", () -> {
            other.flush();
            wq.flush();
        });
        assertEquals(2, runs.get());
    }

    @Test
    void exceptionsGoToTheHandlerAreCountedAndTheWorkerCarriesOn() {
        rt.close();
        AtomicInteger handled = new AtomicInteger();
        AtomicReference<Throwable> seen = new AtomicReference<>();
        rt = CpuRuntime.builder().exceptionHandler((w, wq, t) -> {
            seen.set(t);
            handled.incrementAndGet();
        }).build();
        Workqueue wq = rt.allocWorkqueue("t", Set.of(), 0);
        int cpu = rt.cpus().first();
        Work bad = new Work(() -> {
            throw new IllegalStateException("boom");
        });
        AtomicInteger good = new AtomicInteger();
        Work ok = new Work(good::incrementAndGet);
        for (int i = 0; i < 10; i++) {
            wq.queueOn(cpu, bad);
            bad.flush();
            wq.queueOn(cpu, ok);
            ok.flush();
        }
        assertEquals(10, handled.get());
        assertEquals(10, good.get());
        assertEquals("boom", seen.get().getMessage());
        assertEquals(10, wq.stats().exceptions());
    }

    @Test
    void workOnCpuAndScheduleOnEachCpu() throws Exception {
        for (int cpu : rt.cpus()) {
            assertEquals(cpu, (int) rt.workOnCpu(cpu, CpuRuntime::currentCpu));
        }
        Set<Integer> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        rt.scheduleOnEachCpu(() -> seen.add(CpuRuntime.currentCpu()));
        assertEquals(rt.onlineCpus().size(), seen.size());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> rt.workOnCpu(rt.cpus().first(), () -> {
            throw new IllegalStateException("from callable");
        }));
        assertEquals("from callable", e.getMessage());
    }

    @Test
    void systemWorkqueuesExist() {
        assertEquals("events", rt.systemWq().name());
        assertEquals("events_highpri", rt.systemHighpriWq().name());
        assertEquals("events_long", rt.systemLongWq().name());
        assertEquals("events_unbound", rt.systemUnboundWq().name());
        assertEquals("events_freezable", rt.systemFreezableWq().name());
        assertEquals("events_power_efficient", rt.systemPowerEfficientWq().name());
        assertTrue(rt.systemUnboundWq().flags().contains(WqFlag.UNBOUND));
    }
}
