// A real OS-level CPU removal: a child JVM running `watch` in its own cgroup cpuset loses a CPU and gets it back.
package io.corewq.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corewq.cpu.CpuSelection;
import io.corewq.cpu.CpuSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Starts {@code watch} in a child JVM, moves that child (and only it) into a new child cpuset of
 * the cgroup v1 cpuset hierarchy, shrinks the cpuset by one CPU and expects the child's runtime to
 * report that CPU offline with cause {@code cpuset} within one second while its work keeps
 * completing; then restores the cpuset and expects the CPU back online. Skipped, with the reason
 * printed, where the host does not allow it.
 */
class CpusetHotplugTest {
    private static final Path V1 = Path.of("/sys/fs/cgroup/cpuset");

    private static String skip(String why) {
        System.out.println("CpusetHotplugTest skipped: " + why);
        return why;
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aCpuTakenAwayByTheCpusetGoesOfflineAndComesBack() throws Exception {
        boolean ok = Files.isDirectory(V1) && Files.isWritable(V1.resolve("cgroup.procs"));
        Assumptions.assumeTrue(ok, () -> skip("no writable cgroup v1 cpuset hierarchy at " + V1 + " (needs root)"));
        CpuSet parent = CpuSet.parse(Files.readString(V1.resolve("cpuset.effective_cpus")).trim());
        CpuSet mine = CpuSelection.readCpusAllowed(Path.of("/proc/self/status"));
        Assumptions.assumeTrue(mine != null, () -> skip("cannot read Cpus_allowed_list of /proc/self/status"));
        CpuSet cpus = parent.and(mine);
        Assumptions.assumeTrue(cpus.size() >= 2, () -> skip("needs 2 CPUs in the cpuset, have " + cpus));
        Path cg = V1.resolve("corewq-test-" + ProcessHandle.current().pid());
        try {
            Files.createDirectory(cg);
        } catch (IOException e) {
            Assumptions.assumeTrue(false, () -> skip("cannot create " + cg + ": " + e));
        }
        try (ChildJvm child = ChildJvm.watch()) {
            Files.writeString(cg.resolve("cpuset.mems"), Files.readString(V1.resolve("cpuset.effective_mems")).trim());
            Files.writeString(cg.resolve("cpuset.cpus"), cpus.toString());
            Files.writeString(cg.resolve("cgroup.procs"), Long.toString(child.pid())); // every thread of the child
            child.expect(l -> l.startsWith("watch: ready"), 30);
            int victim = cpus.last();
            child.expectProgress();

            long t0 = System.nanoTime();
            Files.writeString(cg.resolve("cpuset.cpus"), cpus.without(victim).toString());
            child.expect(l -> l.startsWith("cpu " + victim + " offline (cpuset)"), 5);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(tookMs <= 1000, "offline reported after " + tookMs + " ms\n" + child.output());
            child.expectProgress(); // work goes on

            Files.writeString(cg.resolve("cpuset.cpus"), cpus.toString());
            child.expect(l -> l.startsWith("cpu " + victim + " online (cpuset)"), 5);
            System.out.println("CpusetHotplugTest: CPU " + victim + " offline reported in " + tookMs + " ms; back online");
        } finally {
            Files.deleteIfExists(cg); // rmdir of the (by then empty) cgroup
        }
    }
}
