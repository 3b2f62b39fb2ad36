// A real OS-level affinity change: taskset narrows a child JVM running `watch`; the runtime follows with cause `affinity`.
package io.corewq.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.corewq.cpu.CpuSelection;
import io.corewq.cpu.CpuSet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Starts {@code watch} in a child JVM, narrows the affinity of every thread of that child (and
 * only it) with {@code taskset -a -p}, and expects the runtime to take the removed CPU offline with
 * cause {@code affinity} within a second while work keeps completing, then to bring it back when
 * the affinity is widened again. Skipped, with the reason printed, without taskset or 2 CPUs.
 */
class AffinityHotplugTest {
    private static String skip(String why) {
        System.out.println("AffinityHotplugTest skipped: " + why);
        return why;
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aCpuRemovedFromTheProcessAffinityGoesOfflineAndComesBack() throws Exception {
        Path taskset = Path.of("/usr/bin/taskset");
        Assumptions.assumeTrue(Files.isExecutable(taskset), () -> skip("no /usr/bin/taskset (util-linux)"));
        CpuSet cpus = CpuSelection.readCpusAllowed(Path.of("/proc/self/status"));
        Assumptions.assumeTrue(cpus != null && cpus.size() >= 2, () -> skip("needs 2 allowed CPUs, have " + cpus));
        try (ChildJvm child = ChildJvm.watch()) {
            child.expect(l -> l.startsWith("watch: ready"), 30);
            int victim = cpus.last();
            long t0 = System.nanoTime();
            run(taskset.toString(), "-a", "-p", "-c", cpus.without(victim).toString(), Long.toString(child.pid()));
            child.expect(l -> l.startsWith("cpu " + victim + " offline (affinity)"), 5);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(tookMs <= 1000, "offline reported after " + tookMs + " ms\n" + child.output());
            child.expectProgress();
            run(taskset.toString(), "-a", "-p", "-c", cpus.toString(), Long.toString(child.pid()));
            child.expect(l -> l.startsWith("cpu " + victim + " online (affinity)"), 5);
            System.out.println("AffinityHotplugTest: CPU " + victim + " offline (affinity) reported in " + tookMs + " ms; back online");
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(String.join(" ", cmd) + " failed: " + out);
        }
    }

}
