// Tests the OpenHFT binder on this machine: ServiceLoader discovery, verified pinning on every allowed CPU, failures, no-JNA fallback.
package io.corewq.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.corewq.cpu.CpuBinder;
import io.corewq.cpu.CpuBinders;
import io.corewq.cpu.CpuSet;
import io.corewq.cpu.PinningStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenHftBinderTest {
    private static final int RUNS = 200;

    private static final OpenHftBinder BINDER = new OpenHftBinder();
    /** Every binding happens on a new thread, so JUnit's threads are never pinned and no pinned thread is reused. */
    private static <T> Future<T> submit(Callable<T> task) {
        FutureTask<T> f = new FutureTask<>(task);
        Thread t = new Thread(f, "binder-test");
        t.setDaemon(true);
        t.start();
        return f;
    }

    private static void assumeAvailable() {
        assumeTrue(BINDER.isAvailable(), () -> {
            String why = "OpenHFT binder unavailable here: " + OpenHftBinder.unavailableReason();
            System.out.println("skipping: " + why);
            return why;
        });
    }

    /** Runs {@code task} on a fresh thread, bounded by a timeout. */
    private static <T> T onFreshThread(Callable<T> task) throws Exception {
        return submit(task).get(30, TimeUnit.SECONDS);
    }

    @Test
    void serviceLoaderPicksOpenHft() {
        assumeAvailable();
        CpuBinder b = CpuBinders.load();
        assertEquals("openhft", b.name());
        assertTrue(b.isPinning());
        assertTrue(b.priority() > 0);
    }

    @Test
    void pinsToEveryAllowedCpuOverManyRuns() throws Exception {
        assumeAvailable();
        CpuSet allowed = CpuBinders.processAllowedCpus();
        String failure = onFreshThread(() -> {
            for (int run = 0; run < RUNS; run++) {
                for (int cpu : allowed.toArray()) {
                    if (!BINDER.bind(CpuSet.of(cpu))) {
                        return "run " + run + ": bind(" + cpu + ") not verified";
                    }
                    int now = BINDER.currentCpu();
                    CpuSet mask = BINDER.currentAffinity();
                    if (now != cpu || !CpuSet.of(cpu).equals(mask)) {
                        return "run " + run + ": bound to " + cpu + " but on " + now + " with mask " + mask;
                    }
                }
            }
            return null;
        });
        assertEquals(null, failure);
    }

    @Test
    void eachThreadStaysOnItsCpuWhileOthersAreBound() throws Exception {
        assumeAvailable();
        CpuSet allowed = CpuBinders.processAllowedCpus();
        List<Future<String>> results = new ArrayList<>();
        for (int cpu : allowed.toArray()) {
            results.add(submit(() -> {
                if (!BINDER.bind(CpuSet.of(cpu))) {
                    return "bind(" + cpu + ") not verified";
                }
                for (int i = 0; i < 10_000; i++) {
                    int now = BINDER.currentCpu();
                    if (now != cpu) {
                        return "pinned to " + cpu + " but observed on " + now;
                    }
                    Thread.yield();
                }
                return null;
            }));
        }
        for (Future<String> f : results) {
            assertEquals(null, f.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void carriersRecordVerifiedPinningForEveryAllowedCpu() throws Exception {
        assumeAvailable();
        CpuSet allowed = CpuBinders.processAllowedCpus();
        PinningStatus status = new PinningStatus(CpuBinders.load());
        for (int cpu : allowed.toArray()) {
            assertEquals(PinningStatus.State.PINNED, onFreshThread(() -> status.pinCurrentThread(cpu)));
        }
        assertEquals(allowed, status.pinned());
        assertEquals(CpuSet.empty(), status.unverified());
    }

    @Test
    void bindsToASetOfCpus() throws Exception {
        assumeAvailable();
        CpuSet allowed = CpuBinders.processAllowedCpus();
        CpuSet got = onFreshThread(() -> BINDER.bind(allowed) ? BINDER.currentAffinity() : null);
        assertEquals(allowed, got);
    }

    @Test
    void cpuTheProcessCannotUseFailsAndLeavesTheMaskAlone() throws Exception {
        assumeAvailable();
        CpuSet allowed = CpuBinders.processAllowedCpus();
        int missing = 1000;   // below OpenHFT's 1024-CPU mask, above any CPU here
        assumeTrue(!allowed.contains(missing));
        String failure = onFreshThread(() -> {
            CpuSet before = BINDER.currentAffinity();
            if (BINDER.bind(CpuSet.of(missing))) {
                return "bind to absent cpu " + missing + " claimed success";
            }
            if (!before.equals(BINDER.currentAffinity())) {
                return "mask changed from " + before + " to " + BINDER.currentAffinity();
            }
            // A mixed set would be silently clipped by the kernel: must report false and restore.
            if (BINDER.bind(CpuSet.of(allowed.first(), missing))) {
                return "bind to a partly absent set claimed success";
            }
            if (!before.equals(BINDER.currentAffinity())) {
                return "mask not restored: " + BINDER.currentAffinity();
            }
            if (BINDER.bind(CpuSet.empty()) || BINDER.bind(null)) {
                return "empty bind claimed success";
            }
            return null;
        });
        assertEquals(null, failure);
    }

    @Test
    void processCpusMatchTheCoresDetection() {
        assumeAvailable();
        assertEquals(CpuBinders.processAllowedCpus(), BINDER.processAllowedCpus());
        int cpu = BINDER.currentCpu();
        assertTrue(BINDER.processAllowedCpus().contains(cpu), "running on " + cpu);
    }

    @Test
    void withoutJnaTheBinderIsUnavailableAndTheCoreRunsUnpinned() throws Exception {
        try (NoJnaClassLoader loader = new NoJnaClassLoader()) {
            assertTrue(loader.hidesJna());
            Class<?> binderClass = Class.forName(OpenHftBinder.class.getName(), true, loader);
            Object binder = binderClass.getConstructor().newInstance();
            assertEquals(false, binderClass.getMethod("isAvailable").invoke(binder));
            assertEquals(false, binderClass.getMethod("isPinning").invoke(binder));
            assertEquals(-1, binderClass.getMethod("currentCpu").invoke(binder));
            String reason = (String) binderClass.getMethod("unavailableReason").invoke(null);
            assertNotNull(reason);
            // Off Linux the reason is the OS; on Linux it is the missing JNA class.
            assertTrue(reason.contains("jna") || reason.contains("JNA") || reason.contains("not Linux"), reason);

            // The core's ServiceLoader in that loader skips it and falls back to unpinned.
            Class<?> binders = Class.forName("io.corewq.cpu.CpuBinders", true, loader);
            Object chosen = binders.getMethod("load").invoke(null);
            assertEquals("unpinned", chosen.getClass().getMethod("name").invoke(chosen));
        }
    }

    @Test
    void conversionsKeepSparseIds() {
        CpuSet s = CpuSet.of(0, 2, 5, 900);
        assertEquals(s, OpenHftBinder.toCpuSet(OpenHftBinder.toBits(s)));
        assertFalse(OpenHftBinder.toBits(s).get(1));
    }
}
