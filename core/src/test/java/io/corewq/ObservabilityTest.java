// Tests of dump(), MBean life with the runtime, JFR events from the engine, and flush-dependency deadlock detection.
package io.corewq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corewq.cpu.CpuSet;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

class ObservabilityTest {

    @Test
    void dumpShowsBusyWorkqueuesAndPoolsInTheKernelsShape() {
        try (CpuRuntime rt = CpuRuntime.builder().cpus(CpuSet.of(0)).build()) {
            Workqueue wq = rt.allocWorkqueue("dumped", Set.of(), 2);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch in = new CountDownLatch(2);
            for (int i = 0; i < 2; i++) {
                wq.queueOn(0, new Work("blocker", () -> {
                    in.countDown();
                    Bounded.await(release, 60);
                }));
            }
            for (int i = 0; i < 3; i++) {
                wq.queueOn(0, new Work("waiter", () -> { }));
            }
            wq.queueOn(0, new Work("other", () -> { }));
            Bounded.await(in);
            String d = rt.dump();
            try {
                assertTrue(d.startsWith("Showing busy workqueues and worker pools:\n"), d);
                assertTrue(d.contains("workqueue dumped: flags=none max_active=2\n"), d);
                assertTrue(d.contains("  pwq cpus=0: active=2/2 in_flight=6\n"), d);
                assertTrue(d.matches("(?s).*    in-flight: kworker/0:\\d+:blocker for [<0-9]+ms, kworker/0:\\d+:blocker for [<0-9]+ms\n.*"), d);
                assertTrue(d.contains("    inactive: 3*waiter, other\n"), d);
                assertTrue(d.matches("(?s).*pool cpus=0 hold=kworker/0:\\d+ hung=0s workers=\\d+ idle:.*"), d);
                assertFalse(d.contains("workqueue events:"), "idle workqueues are not shown");
            } finally {
                release.countDown();
            }
            wq.flush();
        }
    }

    @Test
    void foldingRepeatsAsTheKernelDoes() {
        assertEquals("3*a, b, 2*a", Dumper.fold(List.of("a", "a", "a", "b", "a", "a").iterator()));
        assertEquals("", Dumper.fold(List.<String>of().iterator()));
    }

    @Test
    void mbeansFollowTheRuntimeAndItsWorkqueues() throws Exception {
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        ObjectName pattern = new ObjectName("io.corewq:type=Workqueue,name=\"jmx-probe\",*");
        CpuRuntime rt = CpuRuntime.builder().build();
        Workqueue wq = rt.allocWorkqueue("jmx-probe", Set.of(), 0);
        Set<ObjectName> names = mbs.queryNames(pattern, null);
        assertEquals(1, names.size(), "registered when allocated");
        ObjectName n = names.iterator().next();
        Work w = new Work(() -> { });
        for (int i = 0; i < 10; i++) {
            wq.queue(w);
            w.flush();
        }
        Bounded.until("completed counter moved", () -> {
            try {
                return ((Number) mbs.getAttribute(n, "Completed")).longValue() >= 10;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        wq.destroy();
        assertTrue(mbs.queryNames(pattern, null).isEmpty(), "unregistered when destroyed");
        Set<ObjectName> runtimeBeans = mbs.queryNames(new ObjectName("io.corewq:type=Runtime,*"), null);
        assertFalse(runtimeBeans.isEmpty());
        rt.close();
        Set<ObjectName> after = mbs.queryNames(new ObjectName("io.corewq:*"), null);
        for (ObjectName on : runtimeBeans) {
            assertFalse(after.contains(on), "runtime bean left after close: " + on);
        }
    }

    @Test
    void aJfrRecordingHasHotplugAndLongItemEvents() throws Exception {
        Path file = Files.createTempFile("corewq", ".jfr");
        try (Recording r = new Recording()) {
            r.enable("io.corewq.WorkExecution");
            r.enable("io.corewq.Hotplug");
            r.start();
            try (CpuRuntime rt = CpuRuntime.builder().logicalCpus(2).build()) {
                Workqueue wq = rt.allocWorkqueue("jfr", Set.of(), 0);
                Work shortOne = new Work("short", () -> { });
                Work longOne = new Work("long", () -> {
                    long end = System.nanoTime() + Duration.ofMillis(30).toNanos();
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                });
                wq.queueOn(1, shortOne);
                wq.queueOn(1, longOne);
                wq.flush();
                rt.hotplug().offline(1);
                rt.hotplug().online(1);
            }
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Files.deleteIfExists(file);
        List<String> work = events.stream().filter(e -> e.getEventType().getName().equals("io.corewq.WorkExecution"))
                .map(e -> e.getString("item")).collect(Collectors.toList());
        assertTrue(work.contains("long"), "long item recorded: " + work);
        assertFalse(work.contains("short"), "short items cost nothing: " + work);
        long hotplug = events.stream().filter(e -> e.getEventType().getName().equals("io.corewq.Hotplug")).count();
        assertEquals(2, hotplug, events.toString());
    }

    // ---- flush-dependency deadlocks ------------------------------------------------------------

    private static Throwable runInside(Workqueue wq, Runnable inside) {
        AtomicReference<Throwable> err = new AtomicReference<>();
        Work w = new Work("caller", () -> {
            try {
                inside.run();
            } catch (Throwable t) {
                err.set(t);
            }
        });
        wq.queue(w);
        Bounded.run("caller", w::flush);
        return err.get();
    }

    @Test
    void flushingAnItemQueuedBehindTheCallerOnAnOrderedWorkqueueThrows() {
        try (CpuRuntime rt = CpuRuntime.builder().build()) {
            Workqueue ordered = rt.allocOrderedWorkqueue("ord", Set.of());
            Work behind = new Work("behind", () -> { });
            Throwable t = runInside(ordered, () -> {
                ordered.queue(behind);
                behind.flush();
            });
            assertTrue(t instanceof IllegalStateException, String.valueOf(t));
            assertTrue(t.getMessage().contains("behind") && t.getMessage().contains("caller") && t.getMessage().contains("ord"), t.getMessage());
            behind.flush();
        }
    }

    @Test
    void flushingAnItemQueuedBehindTheCallerOnAnOrderedWorkqueueAfterAnAttributeChangeThrows() {
        // After applyAttrs an item queued behind the caller waits on the new pool_workqueue, which
        // stays plugged until the caller's old one dies. The check only looked at the caller's own
        // pool_workqueue, so the flush hung for ever, and close() with it (found by review).
        try (CpuRuntime rt = CpuRuntime.builder().logicalCpus(2).build()) {
            Workqueue ordered = rt.allocOrderedWorkqueue("ord", Set.of());
            java.util.concurrent.atomic.AtomicInteger behindRuns = new java.util.concurrent.atomic.AtomicInteger();
            Work behind = new Work("behind", behindRuns::incrementAndGet);
            AtomicReference<Throwable> err = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            Work caller = new Work("caller", () -> {
                try {
                    ordered.applyAttrs(WqAttrs.defaults().cpumask(CpuSet.of(1)));
                    assertTrue(ordered.queue(behind)); // onto the new pool_workqueue, plugged behind this one
                    behind.flush();
                } catch (Throwable t) {
                    err.set(t);
                } finally {
                    done.countDown();
                }
            });
            assertTrue(ordered.queue(caller));
            try {
                Bounded.await(done);
            } finally {
                if (done.getCount() != 0) {
                    behind.cancel(); // the flush would wait for ever: let it (and close()) return
                }
            }
            Throwable t = err.get();
            assertTrue(t instanceof IllegalStateException, String.valueOf(t));
            assertTrue(t.getMessage().contains("behind") && t.getMessage().contains("caller") && t.getMessage().contains("ord"), t.getMessage());
            Bounded.run("flush behind", behind::flush);
            assertEquals(1, behindRuns.get());
            // Not ordered: the new pool_workqueue has an active slot of its own, so the flush is fine.
            Workqueue single = rt.allocWorkqueue("single", EnumSet.of(WqFlag.UNBOUND), 1);
            Work beside = new Work("beside", () -> { });
            assertEquals(null, runInside(single, () -> {
                single.applyAttrs(WqAttrs.defaults().cpumask(CpuSet.of(1)));
                single.queue(beside);
                beside.flush();
            }));
        }
    }

    @Test
    void flushingAnInactiveItemOfAnExhaustedPwqThrows() {
        try (CpuRuntime rt = CpuRuntime.builder().cpus(CpuSet.of(0)).build()) {
            Workqueue one = rt.allocWorkqueue("one", Set.of(), 1);
            Work behind = new Work("inactive-item", () -> { });
            Throwable t = runInside(one, () -> {
                one.queueOn(0, behind);
                behind.flush();
            });
            assertTrue(t instanceof IllegalStateException && t.getMessage().contains("max_active 1"), String.valueOf(t));
            behind.flush();
        }
    }

    @Test
    void aMemReclaimItemMayNotWaitForANonMemReclaimWorkqueue() {
        try (CpuRuntime rt = CpuRuntime.builder().build()) {
            Workqueue reclaim = rt.allocWorkqueue("reclaim", EnumSet.of(WqFlag.MEM_RECLAIM), 0);
            Workqueue plain = rt.allocWorkqueue("plain", Set.of(), 0);
            Work other = new Work("plain-item", () -> { });
            Throwable t = runInside(reclaim, () -> {
                plain.queue(other);
                other.flush();
            });
            assertTrue(t instanceof IllegalStateException && t.getMessage().contains("WQ_MEM_RECLAIM reclaim"), String.valueOf(t));
            Throwable t2 = runInside(reclaim, plain::flush);
            assertTrue(t2 instanceof IllegalStateException && t2.getMessage().contains("plain"), String.valueOf(t2));
            other.flush();
        }
    }

    @Test
    void legitimateFlushesFromInsideWorkStillWork() {
        try (CpuRuntime rt = CpuRuntime.builder().build()) {
            Workqueue a = rt.allocWorkqueue("a", Set.of(), 4);
            Workqueue b = rt.allocWorkqueue("b", Set.of(WqFlag.UNBOUND), 0);
            Workqueue ordered = rt.allocOrderedWorkqueue("o", Set.of());
            Work onB = new Work("on-b", () -> { });
            Work sibling = new Work("sibling", () -> { });
            assertEquals(null, runInside(a, () -> {
                b.queue(onB);
                onB.flush();         // another workqueue
                b.flush();
                a.queue(sibling);    // same workqueue, a free active slot: it runs beside us
                sibling.flush();
            }));
            Work unrelated = new Work("unrelated", () -> { });
            assertEquals(null, runInside(ordered, () -> {
                b.queue(unrelated);
                unrelated.flush();
            }));
        }
    }
}
