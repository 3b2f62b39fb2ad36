// Tests of the JMX MBeans: registration, live counters, max_active, names, two runtimes, hotplug opt-in, close.
package io.corewq.observe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corewq.CpuRuntime;
import io.corewq.Work;
import io.corewq.Workqueue;
import io.corewq.WqFlag;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CorewqJmxTest {
    /** A CPU id no runtime has. */
    private static final int OUTSIDE_CPU = 60_000;

    private static Set<ObjectName> corewqNames(MBeanServer mbs, String key) throws Exception {
        return mbs.queryNames(new ObjectName(CorewqJmx.DOMAIN + ":runtime=" + key + ",*"), null);
    }

    private static void runItems(Workqueue wq, int n) {
        List<Work> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Work w = new Work("item-" + i, () -> { });
            items.add(w);
            assertTrue(wq.queue(w));
        }
        for (Work w : items) {
            w.flush();
        }
    }

    @Test
    void mbeansAreRegisteredTheirCountersMoveAsItemsRunAndCloseUnregistersThem() throws Exception {
        MBeanServer mbs = MBeanServerFactory.newMBeanServer();
        try (CpuRuntime rt = CpuRuntime.builder().build()) {
            Workqueue early = rt.allocWorkqueue("early", Set.of(), 0);
            CorewqJmx jmx = CorewqJmx.register(rt, "t1", false, mbs);
            Workqueue late = rt.allocWorkqueue("late", EnumSet.of(WqFlag.UNBOUND, WqFlag.HIGHPRI), 7);
            // a handle registered by hand listens for later workqueues itself (it used not to)
            assertTrue(jmx.objectName(late) != null, "a workqueue allocated after register() got no MBean");
            jmx.workqueueAdded(late); // what the engine does on allocation: idempotent

            ObjectName earlyName = CorewqJmx.workqueueObjectName("t1", "early");
            ObjectName lateName = CorewqJmx.workqueueObjectName("t1", "late");
            assertEquals(earlyName, jmx.objectName(early));
            assertEquals(lateName, jmx.objectName(late));
            assertTrue(mbs.isRegistered(earlyName));
            assertTrue(mbs.isRegistered(lateName));
            assertTrue(mbs.isRegistered(CorewqJmx.workqueueObjectName("t1", "events")), "system workqueues too");
            assertEquals("io.corewq:type=Workqueue,name=\"early\",runtime=t1", earlyName.toString());

            assertEquals(0L, mbs.getAttribute(earlyName, "Completed"));
            runItems(early, 25);
            runItems(late, 10);
            assertEquals(25L, mbs.getAttribute(earlyName, "Completed"));
            assertEquals(25L, mbs.getAttribute(earlyName, "Started"));
            assertEquals(0L, mbs.getAttribute(earlyName, "InFlight"));
            assertEquals(10L, mbs.getAttribute(lateName, "Completed"));
            assertArrayEquals(new String[] {"UNBOUND", "HIGHPRI"}, (String[]) mbs.getAttribute(lateName, "Flags"));
            assertEquals(true, mbs.getAttribute(lateName, "Unbound"));
            assertEquals(7, mbs.getAttribute(lateName, "MaxActive"));
            assertEquals("late", mbs.getAttribute(lateName, "Name"));
            assertEquals("t1", mbs.getAttribute(lateName, "Runtime"));
            for (String a : new String[] {"Exceptions", "Armed", "CpuTimeNanos", "CpuHogs", "CmWakeups", "Mayday", "Rescued"}) {
                assertNotNull(mbs.getAttribute(earlyName, a), a);
            }

            ObjectName rtName = CorewqJmx.runtimeObjectName("t1");
            assertEquals(rtName, jmx.runtimeObjectName());
            assertEquals(rt.cpus().toString(), mbs.getAttribute(rtName, "PossibleCpus"));
            assertEquals(rt.onlineCpus().toString(), mbs.getAttribute(rtName, "OnlineCpus"));
            assertEquals(rt.cpus().size(), mbs.getAttribute(rtName, "PossibleCpuCount"));
            List<String> names = Arrays.asList((String[]) mbs.getAttribute(rtName, "WorkqueueNames"));
            assertTrue(names.containsAll(List.of("events", "early", "late")), names.toString());
            assertEquals(false, mbs.getAttribute(rtName, "HotplugOperationsEnabled"));
            assertEquals(0L, mbs.getAttribute(rtName, "HotplugOfflineOps"));
            assertFalse(mbs.isRegistered(CorewqJmx.hotplugObjectName("t1")), "hotplug operations only when enabled");

            late.destroy();
            jmx.workqueueRemoved(late); // what the engine does on destruction
            assertFalse(mbs.isRegistered(lateName));
            assertNull(jmx.objectName(late));

            jmx.close();
            assertEquals(Set.of(), corewqNames(mbs, "t1"));
            jmx.close(); // idempotent
            Workqueue afterClose = rt.allocWorkqueue("after", Set.of(), 0);
            jmx.workqueueAdded(afterClose);
            assertEquals(Set.of(), corewqNames(mbs, "t1"), "nothing is registered after close");
        }
    }

    @Test
    void maxActiveIsSettableExceptOnOrderedWorkqueues() throws Exception {
        MBeanServer mbs = MBeanServerFactory.newMBeanServer();
        try (CpuRuntime rt = CpuRuntime.builder().build(); CorewqJmx jmx = CorewqJmx.register(rt, "t2", false, mbs)) {
            Workqueue wq = rt.allocWorkqueue("tunable", Set.of(), 0);
            Workqueue ord = rt.allocOrderedWorkqueue("ord", Set.of());
            jmx.workqueueAdded(wq);
            jmx.workqueueAdded(ord);
            WorkqueueMXBean p = JMX.newMXBeanProxy(mbs, jmx.objectName(wq), WorkqueueMXBean.class);
            p.setMaxActive(3);
            assertEquals(3, wq.maxActive());
            assertEquals(3, p.getMaxActive());
            assertThrows(IllegalArgumentException.class, () -> p.setMaxActive(0));
            WorkqueueMXBean o = JMX.newMXBeanProxy(mbs, jmx.objectName(ord), WorkqueueMXBean.class);
            assertTrue(o.isOrdered());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> o.setMaxActive(2));
            assertTrue(e.getMessage().contains("ord"), e.getMessage());
            assertEquals(1, ord.maxActive());
        }
    }

    @Test
    void oddNamesAreQuotedAndNamesakesGetAnInstanceKey() throws Exception {
        MBeanServer mbs = MBeanServerFactory.newMBeanServer();
        try (CpuRuntime rt = CpuRuntime.builder().build(); CorewqJmx jmx = CorewqJmx.register(rt, "t3", false, mbs)) {
            String odd = "a,b=c:\"*?\\\nend";
            Workqueue w1 = rt.allocWorkqueue(odd, Set.of(), 0);
            Workqueue w2 = rt.allocWorkqueue(odd, Set.of(), 0);
            jmx.workqueueAdded(w1);
            jmx.workqueueAdded(w2);
            ObjectName n1 = jmx.objectName(w1);
            ObjectName n2 = jmx.objectName(w2);
            assertNotNull(n1);
            assertNotNull(n2);
            assertNotEquals(n1, n2);
            assertEquals(odd, ObjectName.unquote(n1.getKeyProperty("name")));
            assertEquals("2", n2.getKeyProperty("instance"));
            assertEquals(odd, mbs.getAttribute(n1, "Name"));
            assertEquals(odd, mbs.getAttribute(n2, "Name"));
        }
    }

    @Test
    void twoRuntimesInOneJvmDoNotCollideAndHotplugOperationsAreOptIn() throws Exception {
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        List<String> keys = new ArrayList<>();
        try (CpuRuntime a = CpuRuntime.builder().build(); CpuRuntime b = CpuRuntime.builder().build();
                CorewqJmx ja = CorewqJmx.register(a, false); CorewqJmx jb = CorewqJmx.register(b, true)) {
            assertNotEquals(ja.runtimeKey(), jb.runtimeKey());
            keys.add(ja.runtimeKey());
            keys.add(jb.runtimeKey());
            keys.add(a.jmxRuntimeKey());
            keys.add(b.jmxRuntimeKey());
            ObjectName ea = CorewqJmx.workqueueObjectName(ja.runtimeKey(), "events");
            ObjectName eb = CorewqJmx.workqueueObjectName(jb.runtimeKey(), "events");
            assertTrue(mbs.isRegistered(ea));
            assertTrue(mbs.isRegistered(eb));
            assertFalse(mbs.isRegistered(CorewqJmx.hotplugObjectName(ja.runtimeKey())));
            assertTrue(mbs.isRegistered(CorewqJmx.hotplugObjectName(jb.runtimeKey())));
            assertEquals(true, mbs.getAttribute(jb.runtimeObjectName(), "HotplugOperationsEnabled"));
            CorewqHotplugMXBean hp = JMX.newMXBeanProxy(mbs, CorewqJmx.hotplugObjectName(jb.runtimeKey()), CorewqHotplugMXBean.class);
            CorewqRuntimeMXBean rb = JMX.newMXBeanProxy(mbs, jb.runtimeObjectName(), CorewqRuntimeMXBean.class);
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> hp.offline(OUTSIDE_CPU));
            assertTrue(bad.getMessage().contains(Integer.toString(OUTSIDE_CPU)), bad.getMessage());
            if (b.cpus().size() > 1) {
                int cpu = b.cpus().last();
                assertTrue(hp.offline(cpu));
                assertFalse(hp.offline(cpu), "already offline");
                assertEquals(b.cpus().size() - 1, rb.getOnlineCpuCount());
                assertEquals(b.onlineCpus().toString(), rb.getOnlineCpus());
                assertEquals(1L, rb.getHotplugOfflineOps());
                assertTrue(hp.online(cpu));
                assertEquals(1L, rb.getHotplugOnlineOps());
                assertEquals(b.cpus().size(), rb.getOnlineCpuCount());
                // the last online CPU cannot go: the engine's refusal crosses JMX as a JDK exception
                List<Integer> all = new ArrayList<>();
                b.cpus().forEach(all::add);
                for (int i = 1; i < all.size(); i++) {
                    hp.offline(all.get(i));
                }
                assertThrows(IllegalStateException.class, () -> hp.offline(all.get(0)));
                for (int i = 1; i < all.size(); i++) {
                    hp.online(all.get(i));
                }
            }
            // a key already taken is refused and leaves nothing behind
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> CorewqJmx.register(b, ja.runtimeKey(), false, mbs));
            assertTrue(e.getMessage().contains(ja.runtimeKey()), e.getMessage());
            assertTrue(mbs.isRegistered(ea), "the first runtime's MBeans stay");
            // the refused handle used to unregister the names it failed to take (found by review, 2026-11-22)
            assertTrue(mbs.isRegistered(CorewqJmx.runtimeObjectName(ja.runtimeKey())), "the first runtime's runtime MBean stays");
            assertThrows(IllegalArgumentException.class, () -> CorewqJmx.register(a, "bad key", false, mbs));
        }
        for (String k : keys) { // other tests' runtimes may be alive in this JVM: look at ours only
            assertTrue(mbs.queryNames(new ObjectName("io.corewq:runtime=" + k + ",*"), null).isEmpty(), "all unregistered: " + k);
        }
    }

    @Test
    void aWorkqueueDestroyedWhileBeingAnnouncedGetsNoMBean() throws Exception {
        MBeanServer mbs = MBeanServerFactory.newMBeanServer();
        try (CpuRuntime rt = CpuRuntime.builder().build(); CorewqJmx jmx = CorewqJmx.register(rt, "t5", false, mbs)) {
            Workqueue wq = rt.allocWorkqueue("short-lived", Set.of(), 0);
            wq.destroy();
            jmx.workqueueRemoved(wq); // the engine's removal overtakes ...
            jmx.workqueueAdded(wq); // ... a late announcement
            assertNull(jmx.objectName(wq));
            assertFalse(mbs.isRegistered(CorewqJmx.workqueueObjectName("t5", "short-lived")));
        }
    }
}
