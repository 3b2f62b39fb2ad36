// A real OS-level CPU removal: a child JVM running `watch` in its own cgroup cpuset loses a CPU and gets it back.
package io.corewq.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.corewq.cpu.CpuSet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
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
        CpuSet mine = CpuSet.parse(Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElse("Cpus_allowed_list: 0")
                .substring("Cpus_allowed_list:".length()));
        CpuSet cpus = parent.and(mine);
        Assumptions.assumeTrue(cpus.size() >= 2, () -> skip("needs 2 CPUs in the cpuset, have " + cpus));
        Path cg = V1.resolve("corewq-test-" + ProcessHandle.current().pid());
        try {
            Files.createDirectory(cg);
        } catch (IOException e) {
            Assumptions.assumeTrue(false, () -> skip("cannot create " + cg + ": " + e));
        }
        Process child = null;
        try {
            Files.writeString(cg.resolve("cpuset.mems"), Files.readString(V1.resolve("cpuset.effective_mems")).trim());
            Files.writeString(cg.resolve("cpuset.cpus"), cpus.toString());
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    "io.corewq.bench.Main", "watch", "--seconds", "60").redirectErrorStream(true).start();
            Files.writeString(cg.resolve("cgroup.procs"), Long.toString(child.pid())); // every thread of the child
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            List<String> all = new ArrayList<>();
            Process c = child;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.add(l);
                    }
                } catch (IOException ignored) {
                    // child ended
                }
            });
            reader.setDaemon(true);
            reader.start();
            expect(lines, all, l -> l.startsWith("watch: ready"), 30);
            int victim = cpus.last();
            long before = completed(expect(lines, all, l -> l.startsWith("watch: completed="), 10));

            long t0 = System.nanoTime();
            Files.writeString(cg.resolve("cpuset.cpus"), cpus.without(victim).toString());
            expect(lines, all, l -> l.startsWith("cpu " + victim + " offline (cpuset)"), 5);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(tookMs <= 1000, "offline reported after " + tookMs + " ms\n" + String.join("\n", all));
            long during = completed(expect(lines, all, l -> l.startsWith("watch: completed=") && completed(l) > before, 10));
            expect(lines, all, l -> l.startsWith("watch: completed=") && completed(l) > during, 10); // work goes on

            Files.writeString(cg.resolve("cpuset.cpus"), cpus.toString());
            expect(lines, all, l -> l.startsWith("cpu " + victim + " online (cpuset)"), 5);
            System.out.println("CpusetHotplugTest: CPU " + victim + " offline reported in " + tookMs + " ms; back online");
        } finally {
            if (child != null) {
                child.destroyForcibly();
                child.waitFor(20, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(cg); // rmdir of an empty cgroup
        }
    }

    private static long completed(String line) {
        return Long.parseLong(line.replaceAll("watch: completed=(\\d+).*", "$1"));
    }

    private static String expect(LinkedBlockingQueue<String> lines, List<String> all, Predicate<String> p, int seconds)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (;;) {
            long left = end - System.nanoTime();
            String l = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (l == null) {
                fail("expected line not seen within " + seconds + " s; child output so far:\n" + String.join("\n", all));
            }
            all.add(l);
            if (p.test(l)) {
                return l;
            }
        }
    }
}
