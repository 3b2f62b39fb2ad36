// Tests the topology command: output sections, verified pinning line, fake sysfs, bad arguments, no-JNA run.
package io.corewq.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.corewq.cpu.CpuBinders;
import io.corewq.cpu.CpuSelection;
import io.corewq.cpu.CpuSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TopologyCommandTest {

    private record Result(int status, List<String> lines) {
        String text() {
            return String.join("\n", lines);
        }

        String last() {
            return lines.get(lines.size() - 1);
        }
    }

    private static Result run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int status = TopologyCommand.run(args, out);
        return new Result(status, bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void printsTopologyAndVerifiesEveryAllowedCpu() {
        assumeTrue(new OpenHftBinder().isAvailable(), "OpenHFT binder unavailable: " + OpenHftBinder.unavailableReason());
        CpuSet allowed = CpuBinders.processAllowedCpus();
        Result r = run("--runs", "200");
        String text = r.text();
        assertTrue(text.contains("binder: openhft (pins threads)"), text);
        assertTrue(text.contains("allowed CPUs: " + allowed + " (" + allowed.size() + ")"), text);
        assertTrue(text.contains("topology: "), text);
        assertTrue(text.contains("CACHE pods:"), text);
        for (int c : allowed.toArray()) {
            assertTrue(text.contains("  cpu " + c + ": verified"), text);
        }
        assertEquals("pinned: " + allowed.size() + " of " + allowed.size() + " CPUs verified", r.last());
        assertEquals(0, r.status());
    }

    @Test
    void narrowedByTheSystemProperty() {
        assumeTrue(new OpenHftBinder().isAvailable(), "OpenHFT binder unavailable");
        int cpu = CpuBinders.processAllowedCpus().last();
        String old = System.getProperty(CpuSelection.CPUS_PROPERTY);
        try {
            System.setProperty(CpuSelection.CPUS_PROPERTY, Integer.toString(cpu));
            Result r = run("--runs", "10");
            assertTrue(r.text().contains("allowed CPUs: " + cpu + " (1)  [corewq.cpus=" + cpu + "]"), r.text());
            assertEquals("pinned: 1 of 1 CPUs verified", r.last());

            System.setProperty(CpuSelection.CPUS_PROPERTY, "4000");
            Result bad = run();
            assertEquals(2, bad.status());
            assertTrue(bad.text().contains("asks for CPU 4000"), bad.text());
        } finally {
            if (old == null) {
                System.clearProperty(CpuSelection.CPUS_PROPERTY);
            } else {
                System.setProperty(CpuSelection.CPUS_PROPERTY, old);
            }
        }
    }

    @Test
    void readsAFakeSysfs(@TempDir Path root) throws Exception {
        Path cpu = root.resolve("devices/system/cpu");
        Files.createDirectories(cpu.resolve("cpu0/topology"));
        Files.writeString(cpu.resolve("online"), "0\n");
        Files.writeString(cpu.resolve("cpu0/topology/physical_package_id"), "7\n");
        Result r = run("--sysfs", root.toString(), "--runs", "1");
        assertTrue(r.text().contains("topology: sysfs " + root), r.text());
        assertTrue(r.text().contains("package 7: cpus 0"), r.text());
        assertTrue(r.last().startsWith("pinned: "), r.last());
    }

    @Test
    void badArguments() {
        assertEquals(2, run("--runs", "zero").status());
        assertEquals(2, run("--runs", "0").status());
        assertEquals(2, run("--frobnicate").status());
        assertEquals(2, run("--sysfs").status());
        Result help = run("--help");
        assertEquals(0, help.status());
        assertTrue(help.text().startsWith("usage: topology"), help.text());
    }

    @Test
    void withoutJnaNothingIsVerified() throws Exception {
        try (NoJnaClassLoader loader = new NoJnaClassLoader()) {
            Class<?> cmd = Class.forName(TopologyCommand.class.getName(), true, loader);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            int status = (int) cmd.getMethod("run", String[].class, PrintStream.class)
                    .invoke(null, new String[] {"--runs", "1"}, out);
            List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
            String text = String.join("\n", lines);
            int n = CpuBinders.processAllowedCpus().size();
            assertTrue(text.contains("binder: unpinned (no pinning)"), text);
            assertEquals("pinned: 0 of " + n + " CPUs verified", lines.get(lines.size() - 1));
            assertEquals(1, status);
        }
    }
}
