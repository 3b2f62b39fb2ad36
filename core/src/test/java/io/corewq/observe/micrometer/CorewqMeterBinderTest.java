// Tests of the Micrometer binder against a SimpleMeterRegistry: meters, tags, late and destroyed workqueues.
package io.corewq.observe.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corewq.CpuRuntime;
import io.corewq.Work;
import io.corewq.Workqueue;
import io.corewq.WqFlag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CorewqMeterBinderTest {

    private static void runItems(Workqueue wq, int n, boolean fail) {
        List<Work> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Work w = new Work(() -> {
                if (fail) {
                    throw new IllegalStateException("expected by the test");
                }
            });
            items.add(w);
            wq.queue(w);
        }
        items.forEach(Work::flush);
    }

    @Test
    void countersAndGaugesFollowTheWorkqueuesIncludingLateAndDestroyedOnes() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (CpuRuntime rt = CpuRuntime.builder().exceptionHandler((w, q, t) -> { }).build()) {
            Workqueue wq = rt.allocWorkqueue("metered", EnumSet.of(WqFlag.UNBOUND, WqFlag.FREEZABLE), 5);
            CorewqMeterBinder binder = new CorewqMeterBinder(rt, Tags.of("app", "test"));
            binder.bindTo(reg);
            binder.bindTo(reg); // idempotent

            runItems(wq, 12, false);
            runItems(wq, 3, true);
            assertEquals(15.0, reg.get("corewq.workqueue.completed").tags("workqueue", "metered", "app", "test").functionCounter().count());
            assertEquals(15.0, reg.get("corewq.workqueue.started").tag("workqueue", "metered").functionCounter().count());
            assertEquals(3.0, reg.get("corewq.workqueue.exceptions").tag("workqueue", "metered").functionCounter().count());
            assertEquals("UNBOUND,FREEZABLE", reg.get("corewq.workqueue.completed").tag("workqueue", "metered").meter().getId().getTag("flags"));
            assertEquals(5.0, reg.get("corewq.workqueue.max.active").tag("workqueue", "metered").gauge().value());
            assertEquals(0.0, reg.get("corewq.workqueue.in.flight").tag("workqueue", "metered").gauge().value());
            assertEquals("seconds", reg.get("corewq.workqueue.cpu.time").tag("workqueue", "metered").meter().getId().getBaseUnit());
            for (String n : new String[] {"cpu.hogs", "cm.wakeups", "mayday", "rescued"}) {
                assertEquals(0.0, reg.get("corewq.workqueue." + n).tag("workqueue", "metered").functionCounter().count(), n);
            }
            assertEquals("none", reg.get("corewq.workqueue.completed").tag("workqueue", "events").meter().getId().getTag("flags"));
            assertEquals(rt.cpus().size(), reg.get("corewq.cpus.possible").tag("app", "test").gauge().value());
            assertEquals(rt.onlineCpus().size(), reg.get("corewq.cpus.online").gauge().value());
            assertEquals(rt.workqueues().size(), reg.get("corewq.workqueues").gauge().value());
            assertEquals(0.0, reg.get("corewq.hotplug.offline").functionCounter().count());
            if (rt.cpus().size() > 1) {
                int cpu = rt.cpus().last();
                rt.hotplug().offline(cpu);
                rt.hotplug().online(cpu);
                assertEquals(1.0, reg.get("corewq.hotplug.offline").functionCounter().count());
                assertEquals(1.0, reg.get("corewq.hotplug.online").functionCounter().count());
                assertEquals(rt.cpus().size(), reg.get("corewq.cpus.online").gauge().value());
            }

            Workqueue late = rt.allocWorkqueue("late", Set.of(), 0);
            binder.workqueueAdded(late); // what the engine does on allocation
            runItems(late, 4, false);
            assertEquals(4.0, reg.get("corewq.workqueue.completed").tag("workqueue", "late").functionCounter().count());

            late.destroy();
            binder.workqueueRemoved(late); // what the engine does on destruction
            assertNull(reg.find("corewq.workqueue.completed").tag("workqueue", "late").functionCounter());
            assertTrue(reg.find("corewq.workqueue.completed").tag("workqueue", "metered").functionCounter() != null);

            SimpleMeterRegistry second = new SimpleMeterRegistry();
            binder.bindTo(second);
            assertEquals(15.0, second.get("corewq.workqueue.completed").tag("workqueue", "metered").functionCounter().count());
            assertNull(second.find("corewq.workqueue.completed").tag("workqueue", "late").functionCounter());
        }
    }
}
