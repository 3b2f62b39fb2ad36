// Tests of unbound workqueue attributes: pods per affinity scope, shared pools, strict binding, live attribute changes.
package io.corewq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corewq.cpu.AffinityScope;
import io.corewq.cpu.CpuSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UnboundAttrsTest {
    static final Set<WqFlag> UNBOUND = EnumSet.of(WqFlag.UNBOUND);
    CpuRuntime rt;

    @BeforeEach
    void start() {
        rt = CpuRuntime.builder().logicalCpus(4).build(); // flat topology: every CPU its own core
    }

    @AfterEach
    void stop() {
        rt.close();
    }

    private static String poolOf(Workqueue wq, int fromCpu, CpuRuntime rt) throws Exception {
        AtomicReference<String> name = new AtomicReference<>();
        Work w = new Work(() -> name.set(Thread.currentThread().getName()));
        rt.workOnCpu(fromCpu, () -> wq.queue(w)); // queue() from CPU c goes to c's pod
        w.flush();
        String n = name.get();
        return n.substring(0, n.indexOf(':'));
    }

    @Test
    void scopeCpuGivesAPodAndAPoolPerCpuAndEqualAttributesSharePools() throws Exception {
        WqAttrs perCpu = WqAttrs.defaults().scope(AffinityScope.CPU);
        Workqueue a = rt.allocWorkqueue("a", UNBOUND, 0, perCpu);
        Workqueue b = rt.allocWorkqueue("b", UNBOUND, 0, perCpu);
        List<String> pools = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            pools.add(poolOf(a, c, rt));
            assertSame(a.pwqFor(c).pool, b.pwqFor(c).pool, "equal attributes share pools");
            assertEquals(CpuSet.of(c), a.pwqFor(c).pool.cpumask);
        }
        assertEquals(4, new java.util.HashSet<>(pools).size(), "one pool per pod: " + pools);
        Workqueue sys = rt.allocWorkqueue("sys", UNBOUND, 0, WqAttrs.defaults().scope(AffinityScope.SYSTEM));
        assertSame(sys.pwqFor(0).pool, sys.pwqFor(3).pool, "SYSTEM: one pod");
        assertEquals(CpuSet.range(0, 4), sys.pwqFor(0).pool.cpumask);
    }

    @Test
    void strictWorkersAreBoundToTheirPodOthersToTheWholeMask() {
        Workqueue strict = rt.allocWorkqueue("strict", UNBOUND, 0,
                WqAttrs.defaults().scope(AffinityScope.CPU).strict(true).cpumask(CpuSet.parse("1-2")));
        Workqueue loose = rt.allocWorkqueue("loose", UNBOUND, 0,
                WqAttrs.defaults().scope(AffinityScope.CPU).cpumask(CpuSet.parse("1-2")));
        assertEquals(CpuSet.of(1), strict.pwqFor(1).pool.bindMask);
        assertEquals(CpuSet.parse("1-2"), loose.pwqFor(1).pool.bindMask);
        assertNotSame(strict.pwqFor(1).pool, loose.pwqFor(1).pool);
        // CPUs outside the cpumask still have a pod to queue into
        assertTrue(strict.pwqFor(0).pool.cpumask.and(CpuSet.parse("1-2")).size() == 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                rt.allocWorkqueue("none", UNBOUND, 0, WqAttrs.defaults().cpumask(CpuSet.of(9))));
        assertTrue(e.getMessage().contains("9"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> rt.allocWorkqueue("percpu", Set.of(), 0, WqAttrs.defaults()));
    }

    @Test
    void attributesApplyToALiveWorkqueueAndOldPoolsRetireWhenDrained() throws Exception {
        Workqueue wq = rt.allocWorkqueue("live", UNBOUND, 0, WqAttrs.defaults().scope(AffinityScope.SYSTEM).cpumask(CpuSet.of(0)));
        WorkerPool oldPool = wq.pwqFor(0).pool;
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch in = new CountDownLatch(1);
        Work blocker = new Work("old-work", () -> {
            in.countDown();
            Bounded.await(release, 60);
        });
        wq.queue(blocker);
        Bounded.await(in);
        wq.applyAttrs(WqAttrs.defaults().scope(AffinityScope.SYSTEM).cpumask(CpuSet.of(3)));
        WorkerPool newPool = wq.pwqFor(0).pool;
        assertNotSame(oldPool, newPool);
        assertEquals(CpuSet.of(3), newPool.cpumask);
        Work fresh = new Work(() -> { });
        wq.queue(fresh);
        Bounded.run("new work runs while old work still runs", fresh::flush);
        assertTrue(blocker.isRunning());
        assertEquals(2, wq.all.length, "the old pwq drains beside the new one");
        release.countDown();
        wq.flush();
        Bounded.until("old pwq retired", () -> wq.all.length == 1);
        Bounded.until("old pool stopped", () -> oldPool.workerCount() == 0);
        assertTrue(oldPool.stopping);
    }

    @Test
    void anOrderedWorkqueueKeepsItsOrderAcrossAnAttributeChange() {
        Workqueue wq = rt.allocOrderedWorkqueue("ord", Set.of());
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch release = new CountDownLatch(1);
        wq.queue(new Work(() -> {
            Bounded.await(release, 60);
            order.add(0);
        }));
        for (int i = 1; i <= 5; i++) {
            final int k = i;
            wq.queue(new Work(() -> order.add(k)));
        }
        wq.applyAttrs(WqAttrs.defaults().cpumask(CpuSet.of(2)));
        for (int i = 6; i <= 10; i++) {
            final int k = i;
            wq.queue(new Work(() -> order.add(k)));
        }
        release.countDown();
        Bounded.run("flush", wq::flush);
        Bounded.until("all ran", () -> order.size() == 11);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10), order);
    }

    @Test
    void anOrderedWorkqueueKeepsItsOrderAcrossTwoAttributeChangesWhileTheOldestIsBusy() {
        // The middle pool_workqueue (made by the first change, retired by the second) used to stay
        // plugged for ever once the oldest died: its items never ran (found by review, 2026-11-22).
        Workqueue wq = rt.allocOrderedWorkqueue("ord2", Set.of());
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch release = new CountDownLatch(1);
        wq.queue(new Work(() -> {
            Bounded.await(release, 60);
            order.add(0);
        }));
        int k = 1;
        for (int change = 0; change < 3; change++) {
            for (int i = 0; i < 3; i++, k++) {
                final int n = k;
                wq.queue(new Work(() -> order.add(n)));
            }
            wq.applyAttrs(WqAttrs.defaults().cpumask(CpuSet.of(1 + change)));
        }
        for (int i = 0; i < 3; i++, k++) {
            final int n = k;
            wq.queue(new Work(() -> order.add(n)));
        }
        release.countDown();
        Bounded.run("flush after three attribute changes", wq::flush);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            expected.add(i);
        }
        assertEquals(expected, order);
    }

    @Test
    void thawOfAnOrderedWorkqueueRunsOneItemAtATimeInOrderAcrossAnAttributeChange() {
        // thaw() used to unplug every pool_workqueue, the retired one and its successor together.
        Workqueue wq = rt.allocOrderedWorkqueue("ordf", EnumSet.of(WqFlag.FREEZABLE));
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        CountDownLatch youngerStarted = new CountDownLatch(1);
        Work[] items = new Work[4];
        for (int i = 0; i < items.length; i++) {
            String n = "w" + i;
            boolean first = i == 0;
            boolean younger = i == 2; // the first item of the new pool_workqueue
            items[i] = new Work(n, () -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                log.add(n + ":start");
                if (younger) {
                    youngerStarted.countDown();
                }
                if (first) {
                    try {
                        // Negative check: the younger pool_workqueue's item must not start while
                        // this one runs; with the bug it starts at once and this wait ends early.
                        youngerStarted.await(300, java.util.concurrent.TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                log.add(n + ":end");
                running.decrementAndGet();
            });
        }
        rt.freeze();
        wq.queue(items[0]);
        wq.queue(items[1]);
        wq.applyAttrs(WqAttrs.defaults().cpumask(CpuSet.of(1)));
        wq.queue(items[2]);
        wq.queue(items[3]);
        rt.thaw();
        Bounded.run("flush after thaw", wq::flush);
        assertEquals(List.of("w0:start", "w0:end", "w1:start", "w1:end", "w2:start", "w2:end", "w3:start", "w3:end"), log);
        assertEquals(1, most.get());
    }

    @Test
    void perCpuWorkqueuesHaveNoAttributes() {
        Workqueue wq = rt.allocWorkqueue("pc", Set.of(), 0);
        assertEquals(null, wq.attrs());
        assertThrows(IllegalStateException.class, () -> wq.applyAttrs(WqAttrs.defaults()));
    }
}
