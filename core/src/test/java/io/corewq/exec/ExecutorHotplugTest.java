// The executor adapters under hotplug: tasks submitted while CPUs go down and up all complete exactly once.
package io.corewq.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corewq.Bounded;
import io.corewq.CpuRuntime;
import io.corewq.Workqueue;
import io.corewq.WqFlag;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ExecutorHotplugTest {
    @Test
    void everyTaskCompletesExactlyOnceWhileCpusComeAndGo() throws Exception {
        try (CpuRuntime rt = CpuRuntime.builder().logicalCpus(4).build()) {
            Workqueue percpu = rt.allocWorkqueue("exec-hp", Set.of(), 0);
            Workqueue unbound = rt.allocWorkqueue("exec-hp-u", EnumSet.of(WqFlag.UNBOUND), 0);
            ExecutorService es = percpu.asExecutorService();
            ScheduledExecutorService ses = unbound.asScheduledExecutorService();
            ScheduledExecutorService onCpu = rt.executorOn(3);
            int n = 30_000;
            AtomicIntegerArray runs = new AtomicIntegerArray(n);
            AtomicBoolean stop = new AtomicBoolean();
            Thread hotplug = new Thread(() -> {
                SplittableRandom r = new SplittableRandom(1);
                while (!stop.get()) {
                    int cpu = r.nextInt(4);
                    if (rt.isOnline(cpu) && rt.onlineCpus().size() > 1) {
                        rt.hotplug().offline(cpu);
                    } else {
                        rt.hotplug().online(cpu);
                    }
                }
            }, "exec-hotplug");
            hotplug.start();
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                final int k = i;
                Runnable task = () -> runs.incrementAndGet(k);
                switch (i % 4) {
                    case 0:
                        futures.add(es.submit(task));
                        break;
                    case 1:
                        futures.add(ses.schedule(task, i % 3, TimeUnit.MILLISECONDS));
                        break;
                    case 2:
                        futures.add(onCpu.submit(task)); // CPU 3 goes offline and back meanwhile
                        break;
                    default:
                        es.execute(task);
                        break;
                }
            }
            for (Future<?> f : futures) {
                Bounded.get(f);
            }
            stop.set(true);
            hotplug.join(30_000);
            es.shutdown();
            assertTrue(es.awaitTermination(30, TimeUnit.SECONDS), "executor did not terminate");
            ses.shutdown();
            onCpu.shutdown();
            assertTrue(ses.awaitTermination(30, TimeUnit.SECONDS));
            assertTrue(onCpu.awaitTermination(30, TimeUnit.SECONDS));
            for (int i = 0; i < n; i++) {
                assertEquals(1, runs.get(i), "task " + i);
            }
            assertTrue(rt.hotplug().offlineOps() > 10, "hotplug happened: " + rt.hotplug().offlineOps());
        }
    }
}
