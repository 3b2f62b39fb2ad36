// With the affinity jar present: carriers are pinned (queueOn(c) runs on OS CPU c), across hotplug, and narrowed CPU sets hold.
package io.corewq.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corewq.CpuRuntime;
import io.corewq.Work;
import io.corewq.Workqueue;
import io.corewq.WqAttrs;
import io.corewq.WqFlag;
import io.corewq.cpu.AffinityScope;
import io.corewq.cpu.CpuSet;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RuntimePinningTest {
    static final AtomicReference<String> LAST = new AtomicReference<>();

    private static CpuRuntime pinnedRuntime(CpuRuntime.Builder b) {
        CpuRuntime rt = b.followOsCpus(Duration.ZERO).build();
        if (!rt.binder().isPinning()) {
            rt.close();
            Assumptions.assumeTrue(false, () -> {
                System.out.println("RuntimePinningTest skipped: no pinning binder here (" + OpenHftBinder.unavailableReason() + ")");
                return "no pinning binder";
            });
        }
        return rt;
    }

    private static int[] runOn(Workqueue wq, int cpu, CpuRuntime rt) {
        AtomicInteger os = new AtomicInteger(-9);
        AtomicInteger pinned = new AtomicInteger(-9);
        AtomicReference<String> who = new AtomicReference<>();
        Work w = new Work(() -> {
            pinned.set(CpuRuntime.currentPinnedCpu());
            os.set(rt.binder().currentCpu());
            who.set(Thread.currentThread().getName() + " mask " + rt.binder().currentAffinity());
        });
        wq.queueOn(cpu, w);
        w.flush();
        LAST.set(who.get());
        return new int[] {os.get(), pinned.get()};
    }

    @Test
    void queueOnRunsOnThatOsCpuForEveryAllowedCpuOverManyRuns() {
        try (CpuRuntime rt = pinnedRuntime(CpuRuntime.builder())) {
            assertEquals(rt.cpus(), rt.pinningStatus().pinned(), "every carrier verified its pinning");
            Workqueue wq = rt.allocWorkqueue("pin", Set.of(), 0);
            for (int round = 0; round < 500; round++) {
                for (int c : rt.cpus()) {
                    int[] r = runOn(wq, c, rt);
                    assertEquals(c, r[0], "round " + round + ": queueOn(" + c + ") ran on OS CPU " + r[0]);
                    assertEquals(c, r[1]);
                }
            }
        }
    }

    @Test
    void carriersArePinnedAgainAfterOfflineAndOnline() {
        try (CpuRuntime rt = pinnedRuntime(CpuRuntime.builder())) {
            Assumptions.assumeTrue(rt.cpus().size() >= 2, "needs 2 CPUs");
            Workqueue wq = rt.allocWorkqueue("pin-hp", Set.of(), 0);
            int victim = rt.cpus().last();
            for (int cycle = 0; cycle < 20; cycle++) {
                rt.hotplug().offline(victim);
                int[] away = runOn(wq, victim, rt);
                assertTrue(away[0] != victim, "work aimed at offline CPU " + victim + " ran there");
                rt.hotplug().online(victim);
                int[] back = runOn(wq, victim, rt);
                assertEquals(victim, back[0], "cycle " + cycle + ": after online the carrier runs on OS CPU " + back[0] + " pinnedCpu=" + back[1] + " " + LAST.get());
                assertEquals(victim, back[1]);
            }
        }
    }

    @Test
    void aNarrowedRuntimeUsesOnlyItsCpus() {
        CpuSet allowed = io.corewq.cpu.CpuSelection.processCpus(new OpenHftBinder());
        int only = allowed.last();
        try (CpuRuntime rt = pinnedRuntime(CpuRuntime.builder().cpus(CpuSet.of(only)))) {
            assertEquals(CpuSet.of(only), rt.cpus());
            Workqueue wq = rt.allocWorkqueue("narrow", Set.of(), 0);
            Workqueue ub = rt.allocWorkqueue("narrow-u", EnumSet.of(WqFlag.UNBOUND), 0);
            AtomicReference<CpuSet> ubMask = new AtomicReference<>();
            Work u = new Work(() -> ubMask.set(rt.binder().currentAffinity()));
            ub.queue(u);
            u.flush();
            for (int i = 0; i < 100; i++) {
                assertEquals(only, runOn(wq, only, rt)[0]);
                AtomicInteger os = new AtomicInteger();
                Work w = new Work(() -> os.set(rt.binder().currentCpu()));
                wq.queue(w);
                w.flush();
                assertEquals(only, os.get());
            }
            assertEquals(CpuSet.of(only), ubMask.get(), "unbound workers stay inside the runtime's CPUs");
        }
    }

    @Test
    void strictUnboundWorkersArePinnedToTheirPod() throws Exception {
        try (CpuRuntime rt = pinnedRuntime(CpuRuntime.builder())) {
            Workqueue wq = rt.allocWorkqueue("strict-pods", EnumSet.of(WqFlag.UNBOUND), 0,
                    WqAttrs.defaults().scope(AffinityScope.CPU).strict(true));
            for (int c : rt.cpus()) {
                AtomicReference<CpuSet> mask = new AtomicReference<>();
                Work w = new Work(() -> mask.set(rt.binder().currentAffinity()));
                rt.workOnCpu(c, () -> wq.queue(w));
                w.flush();
                assertEquals(CpuSet.of(c), mask.get(), "item queued from CPU " + c + " ran in its pod's pool");
            }
        }
    }
}
