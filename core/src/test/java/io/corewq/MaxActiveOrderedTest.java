// Tests of max_active per pool_workqueue, FIFO activation, ordered workqueues and shared unbound pools.
package io.corewq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MaxActiveOrderedTest extends RuntimeTestBase {
    @Test
    void maxActiveIsNeverExceededAndInactiveItemsStartInFifoOrder() {
        int max = 3;
        Workqueue wq = rt.allocWorkqueue("ma", Set.of(WqFlag.UNBOUND), max);
        AtomicInteger active = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        List<Integer> startOrder = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch release = new CountDownLatch(1);
        int n = 60;
        Work[] items = new Work[n];
        for (int i = 0; i < n; i++) {
            final int id = i;
            items[i] = new Work("item" + i, () -> {
                int now = active.incrementAndGet();
                peak.accumulateAndGet(now, Math::max);
                startOrder.add(id);
                if (id < max) {
                    Bounded.await(release); // hold the first max items so the rest queue up inactive
                }
                active.decrementAndGet();
            });
        }
        for (Work w : items) {
            assertTrue(wq.queue(w));
        }
        Bounded.until("first " + max + " started", () -> startOrder.size() >= max);
        assertEquals(max, active.get());
        release.countDown();
        wq.flush();
        assertTrue(peak.get() <= max, "peak " + peak.get() + " > max_active " + max);
        assertEquals(max, peak.get());
    }

    @Test
    void inactiveItemsAreActivatedInQueueingOrder() {
        // max_active 1 on a plain (not ordered) unbound workqueue: activation order = start order
        Workqueue wq = rt.allocWorkqueue("fifo", Set.of(WqFlag.UNBOUND), 1);
        List<Integer> startOrder = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch release = new CountDownLatch(1);
        int n = 500;
        for (int i = 0; i < n; i++) {
            final int id = i;
            wq.queue(new Work(() -> {
                startOrder.add(id);
                if (id == 0) {
                    Bounded.await(release);
                }
            }));
        }
        release.countDown();
        wq.flush();
        List<Integer> sorted = new ArrayList<>(startOrder);
        Collections.sort(sorted);
        assertEquals(n, startOrder.size());
        assertEquals(sorted, startOrder, "inactive items must be activated in queueing order");
    }

    @Test
    void raisingMaxActiveActivatesWaitingItems() {
        Workqueue wq = rt.allocWorkqueue("ma2", Set.of(WqFlag.UNBOUND), 1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch bothRunning = new CountDownLatch(2);
        Work a = new Work(() -> {
            bothRunning.countDown();
            Bounded.await(release);
        });
        Work b = new Work(() -> {
            bothRunning.countDown();
            Bounded.await(release);
        });
        wq.queue(a);
        wq.queue(b);
        Bounded.until("a running", a::isRunning);
        assertTrue(b.isPending(), "b must wait: max_active 1");
        wq.setMaxActive(2);
        Bounded.await(bothRunning);
        release.countDown();
        wq.flush();
    }

    @Test
    void orderedWorkqueueRunsOneAtATimeInQueueingOrderAcrossProducers() {
        Workqueue wq = rt.allocOrderedWorkqueue("ordered", Set.of());
        assertEquals(1, wq.maxActive());
        int producers = 3;
        int perProducer = 20_000;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        ConcurrentLinkedQueue<Long> ran = new ConcurrentLinkedQueue<>();
        // each producer queues on a different carrier (via workOnCpu-like helper items) and from plain threads
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> err = new AtomicReference<>();
        for (int p = 0; p < producers; p++) {
            final long pid = p;
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; i < perProducer; i++) {
                        final long tag = (pid << 32) | i;
                        Work w = new Work(() -> {
                            if (inside.incrementAndGet() != 1) {
                                overlaps.incrementAndGet();
                            }
                            ran.add(tag);
                            inside.decrementAndGet();
                        });
                        if (!wq.queue(w)) {
                            throw new AssertionError("fresh item refused");
                        }
                    }
                } catch (Throwable e) {
                    err.set(e);
                }
            });
            threads.add(t);
            t.start();
        }
        Bounded.join("producers", Bounded.DEFAULT_SECONDS, threads);
        wq.flush();
        assertEquals(null, err.get());
        assertEquals(0, overlaps.get());
        assertEquals(producers * perProducer, ran.size());
        long[] next = new long[producers];
        for (long tag : ran) {
            int pid = (int) (tag >>> 32);
            long i = tag & 0xFFFF_FFFFL;
            assertEquals(next[pid], i, "producer " + pid + "'s items ran out of order");
            next[pid]++;
        }
    }

    @Test
    void orderedWorkqueueKeepsOrderForItemsQueuedFromCarriers() throws Exception {
        Workqueue wq = rt.allocOrderedWorkqueue("ordered2", Set.of());
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        int n = 2000;
        // queue from a carrier: a single item on CPU 0 queues n items in a row
        rt.workOnCpu(rt.cpus().first(), () -> {
            for (int i = 0; i < n; i++) {
                final int id = i;
                wq.queue(new Work(() -> order.add(id)));
            }
            return null;
        });
        wq.flush();
        assertEquals(n, order.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i, order.get(i));
        }
    }

    @Test
    void unboundWorkqueuesWithEqualAttributesShareAPool() {
        Workqueue a = rt.allocWorkqueue("ua", Set.of(WqFlag.UNBOUND), 0);
        Workqueue b = rt.allocWorkqueue("ub", Set.of(WqFlag.UNBOUND), 4);
        Workqueue h = rt.allocWorkqueue("uh", Set.of(WqFlag.UNBOUND, WqFlag.HIGHPRI), 0);
        int c = rt.cpus().first();
        assertTrue(a.pwqFor(c).pool == b.pwqFor(c).pool, "equal attributes must share the pool");
        assertTrue(a.pwqFor(c).pool != h.pwqFor(c).pool, "different attributes must not");
        AtomicReference<String> na = new AtomicReference<>();
        AtomicReference<String> nb = new AtomicReference<>();
        Work wa = new Work(() -> na.set(Thread.currentThread().getName()));
        Work wb = new Work(() -> nb.set(Thread.currentThread().getName()));
        a.queue(wa);
        b.queue(wb);
        wa.flush();
        wb.flush();
        String poolA = na.get().substring(0, na.get().indexOf(':'));
        assertTrue(poolA.startsWith("kworker/u"), na.get());
        assertEquals(poolA, nb.get().substring(0, nb.get().indexOf(':')));
        assertEquals(-1, runOnAndGetCpu(a), "unbound workers belong to no CPU pool");
    }

    private int runOnAndGetCpu(Workqueue wq) {
        AtomicInteger cpu = new AtomicInteger(-7);
        Work w = new Work(() -> cpu.set(CpuRuntime.currentCpu()));
        wq.queue(w);
        w.flush();
        return cpu.get();
    }
}
