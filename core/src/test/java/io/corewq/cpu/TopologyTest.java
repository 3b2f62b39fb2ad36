// Tests Topology parsing against fake sysfs trees: 2x32 SMT-2 two-node, sparse/offline, missing caches, container, none.
package io.corewq.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyTest {

    @Test
    void twoSocketsSmt2TwoNodes(@TempDir Path dir) {
        Topology t = Topology.read(FakeSysfs.twoSocket128(dir).root);
        assertFalse(t.isFlat());
        assertEquals(CpuSet.range(0, 128), t.cpus());
        assertEquals(List.of(0, 1), t.packages());
        assertEquals(List.of(0, 1), t.nodes());
        assertEquals(CpuSet.parse("0-31,64-95"), t.packageCpus(0));
        assertEquals(CpuSet.parse("32-63,96-127"), t.nodeCpus(1));
        assertEquals(64, t.cores().size());
        assertEquals(2, t.llcs().size());

        Topology.Cpu c = t.cpu(70);
        assertEquals(0, c.packageId());
        assertEquals(6, c.coreId());
        assertEquals(CpuSet.of(6, 70), c.smtSiblings());
        assertEquals(CpuSet.parse("0-31,64-95"), c.llcCpus());
        assertEquals(3, c.llcLevel());
        assertEquals(0, c.node());
        assertEquals(List.of("L1d", "L1i", "L2", "L3"), c.caches().stream().map(Topology.Cache::name).toList());

        assertEquals(1, t.packageOf(100));
        assertEquals(CpuSet.of(36, 100), t.smtSiblings(36));
        assertEquals(1, t.nodeOf(127));
        String d = t.describe();
        assertTrue(d.contains("128 CPUs online (0-127), 2 packages, 64 cores, 2 NUMA nodes, 2 last-level caches"), d);
        assertTrue(d.contains("node 1: cpus 32-63,96-127"), d);
        assertTrue(d.contains("cache L3: 2 instances [0-31,64-95] [32-63,96-127]"), d);
    }

    @Test
    void sparseIdsWithOfflineCpus() {
        Topology t = Topology.read(FakeSysfs.committed("sparse-offline"));
        assertEquals(CpuSet.parse("0,2-3,5,8,10-11"), t.cpus());
        assertFalse(t.knows(1));
        assertFalse(t.knows(7));
        assertEquals(List.of(0, 1), t.packages());
        assertEquals(CpuSet.parse("0,2,8"), t.packageCpus(0));
        assertEquals(CpuSet.of(2, 8), t.smtSiblings(8));
        assertEquals(CpuSet.of(0), t.smtSiblings(0));       // its sibling 6 is offline
        assertEquals(CpuSet.parse("3,5,10-11"), t.llcCpus(10));
        assertEquals(1, t.nodeOf(11));
        assertEquals(2, t.coreOf(11));
        assertEquals(List.of(CpuSet.of(0), CpuSet.of(2, 8), CpuSet.of(3), CpuSet.of(5, 11), CpuSet.of(10)),
                t.cores());
        // An unknown (offline) CPU gets a conservative answer rather than an exception.
        assertEquals(CpuSet.of(7), t.smtSiblings(7));
        assertEquals(-1, t.nodeOf(7));
    }

    @Test
    void cpuWithoutCacheInfoBorrowsTheCacheThatListsIt() {
        Topology t = Topology.read(FakeSysfs.committed("no-cache"));
        assertEquals(CpuSet.range(0, 6), t.cpus());
        // Old kernel: thread_siblings_list only.
        assertEquals(CpuSet.of(2, 3), t.smtSiblings(3));
        // cpu3 reports no caches, but the L3 of cpus 0-2 lists it.
        assertTrue(t.cpu(3).caches().isEmpty());
        assertEquals(CpuSet.range(0, 4), t.llcCpus(3));
        assertEquals(3, t.cpu(3).llcLevel());
        // cpus 4 and 5: nobody lists them; their core is their last-level cache.
        assertEquals(CpuSet.of(4, 5), t.llcCpus(4));
        assertEquals(CpuSet.of(4, 5), t.llcCpus(5));
        assertEquals(0, t.cpu(5).llcLevel());
        // No NUMA folder: one node 0.
        assertEquals(List.of(0), t.nodes());
        assertTrue(t.describe().contains("cpu 5: package 0 core 2 siblings 4-5 llc L? 4-5 node 0"), t.describe());
    }

    @Test
    void containerTreeDescribesTheWholeHost() {
        Path root = FakeSysfs.committed("container");
        Topology t = Topology.read(root);
        assertEquals(CpuSet.range(0, 8), t.cpus());
        assertEquals(CpuSet.of(1, 5), t.smtSiblings(5));
        assertEquals(CpuSet.parse("2-3,6-7"), t.llcCpus(2));
        assertEquals(CpuSet.parse("1-2,5"), CpuSelection.readCpusAllowed(root.resolve("proc-self-status")));
        assertEquals(CpuSet.parse("1-2,5"), CpuBinders.processAllowedCpus(root.resolve("proc-self-status"),
                root.resolve("devices/system/cpu/online")));
    }

    @Test
    void noSysfsGivesFlatTopology(@TempDir Path empty) {
        Topology t = Topology.read(empty);
        assertTrue(t.isFlat());
        CpuSet cpus = t.cpus();
        assertFalse(cpus.isEmpty());
        for (int c : cpus.toArray()) {
            assertEquals(CpuSet.of(c), t.smtSiblings(c));
            assertEquals(cpus, t.llcCpus(c));
            assertEquals(0, t.nodeOf(c));
            assertEquals(0, t.packageOf(c));
        }
        assertEquals(cpus.size(), t.cores().size());
    }

    @Test
    void flatOverSparseCpus() {
        Topology t = Topology.flat(CpuSet.of(0, 2, 5));
        assertEquals(List.of(CpuSet.of(0), CpuSet.of(2), CpuSet.of(5)), t.cores());
        assertEquals(List.of(CpuSet.of(0, 2, 5)), t.llcs());
        assertTrue(t.describe().startsWith("topology: flat"), t.describe());
    }

    @Test
    void malformedFilesDegradeInsteadOfFailing(@TempDir Path dir) {
        FakeSysfs f = new FakeSysfs(dir).online("0-1");
        f.write("devices/system/cpu/cpu0/topology/physical_package_id", "garbage");
        f.write("devices/system/cpu/cpu0/topology/core_cpus_list", "0-x");
        f.cpu(1, 0, 1, "1");
        f.write("devices/system/cpu/cpu1/cache/index0/level", "2");   // no shared list: ignored
        f.node(0, "0-1");
        Topology t = Topology.read(dir);
        assertEquals(0, t.packageOf(0));
        assertEquals(CpuSet.of(0), t.smtSiblings(0));
        assertTrue(t.cpu(1).caches().isEmpty());
        assertEquals(CpuSet.of(1), t.llcCpus(1));
    }

    @Test
    void onlineFromPerCpuFilesWhenTheListIsMissing(@TempDir Path dir) {
        FakeSysfs f = new FakeSysfs(dir);
        f.cpu(0, 0, 0, "0");
        f.cpu(2, 0, 2, "2");
        f.write("devices/system/cpu/cpu2/online", "1");
        f.write("devices/system/cpu/cpu3/online", "0");
        assertEquals(CpuSet.of(0, 2), Topology.read(dir).cpus());
    }

    @Test
    void systemTopologyCoversTheAllowedCpus() {
        Topology t = Topology.system();
        assertTrue(t.cpus().containsAll(CpuBinders.processAllowedCpus()) || t.isFlat(), t.describe());
    }
}
