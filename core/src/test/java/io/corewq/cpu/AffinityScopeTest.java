// Tests pod computation of every affinity scope on the fake topologies, narrowed sets and podOf lookups.
package io.corewq.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AffinityScopeTest {
    @TempDir
    static Path bigTree;
    private static Topology big;

    /** The 128-CPU tree has ~2000 files: build and parse it once for the class. */
    @BeforeAll
    static void buildBigTree() {
        big = Topology.read(FakeSysfs.twoSocket128(bigTree).root);
    }

    private static List<CpuSet> sets(String... lists) {
        List<CpuSet> l = new ArrayList<>();
        for (String s : lists) {
            l.add(CpuSet.parse(s));
        }
        return l;
    }

    /** Pods are disjoint, non-empty, cover the usable set, and podOf agrees with them. */
    private static void assertPartition(Pods p) {
        CpuSet union = CpuSet.empty();
        for (int i = 0; i < p.size(); i++) {
            CpuSet pod = p.pod(i);
            assertTrue(!pod.isEmpty(), p.toString());
            assertTrue(union.and(pod).isEmpty(), "overlap in " + p);
            union = union.or(pod);
            for (int c : pod.toArray()) {
                assertEquals(i, p.indexOf(c), p + " cpu " + c);
                assertEquals(pod, p.podOf(c));
            }
        }
        assertEquals(p.usable(), union);
    }

    @Test
    void twoSocket128AllScopes() {
        Topology t = big;
        CpuSet all = t.cpus();
        for (AffinityScope s : AffinityScope.values()) {
            assertPartition(s.partition(t, all));
        }
        assertEquals(128, AffinityScope.CPU.pods(t, all).size());
        List<CpuSet> smt = AffinityScope.SMT.pods(t, all);
        assertEquals(64, smt.size());
        assertEquals(CpuSet.of(0, 64), smt.get(0));
        assertEquals(CpuSet.of(63, 127), smt.get(63));
        assertEquals(sets("0-31,64-95", "32-63,96-127"), AffinityScope.CACHE.pods(t, all));
        assertEquals(sets("0-31,64-95", "32-63,96-127"), AffinityScope.NUMA.pods(t, all));
        assertEquals(sets("0-127"), AffinityScope.SYSTEM.pods(t, all));
        assertEquals(CpuSet.parse("32-63,96-127"), AffinityScope.NUMA.podOf(t, all, 100));
        assertEquals(CpuSet.of(5, 69), AffinityScope.SMT.podOf(t, all, 69));
    }

    @Test
    void twoSocket128NarrowedSetKeepsMachineBoundaries() {
        Topology t = big;
        CpuSet usable = CpuSet.parse("0-3,64-65,40");
        assertEquals(sets("0,64", "1,65", "2", "3", "40"), AffinityScope.SMT.pods(t, usable));
        assertEquals(sets("0-3,64-65", "40"), AffinityScope.CACHE.pods(t, usable));
        assertEquals(sets("0-3,40,64-65"), AffinityScope.SYSTEM.pods(t, usable));
        Pods numa = AffinityScope.NUMA.partition(t, usable);
        assertPartition(numa);
        // A CPU outside the usable set maps to the usable part of its node...
        assertEquals(CpuSet.of(40), numa.podOf(100));
        // ...and under CPU scope, having no pod, to the whole usable set (kernel's fallback).
        Pods cpu = AffinityScope.CPU.partition(t, usable);
        assertEquals(-1, cpu.indexOf(100));
        assertEquals(usable, cpu.podOf(100));
    }

    @Test
    void sparseOfflineAllScopes() {
        Topology t = Topology.read(FakeSysfs.committed("sparse-offline"));
        CpuSet all = t.cpus();
        for (AffinityScope s : AffinityScope.values()) {
            assertPartition(s.partition(t, all));
        }
        assertEquals(sets("0", "2", "3", "5", "8", "10", "11"), AffinityScope.CPU.pods(t, all));
        assertEquals(sets("0", "2,8", "3", "5,11", "10"), AffinityScope.SMT.pods(t, all));
        assertEquals(sets("0,2,8", "3,5,10-11"), AffinityScope.CACHE.pods(t, all));
        assertEquals(sets("0,2,8", "3,5,10-11"), AffinityScope.NUMA.pods(t, all));
        assertEquals(sets("0,2-3,5,8,10-11"), AffinityScope.SYSTEM.pods(t, all));
        // Offline cpu 7 is unknown: no pod, falls back to everything.
        assertEquals(all, AffinityScope.NUMA.podOf(t, all, 7));
    }

    @Test
    void missingCacheInfoAllScopes() {
        Topology t = Topology.read(FakeSysfs.committed("no-cache"));
        CpuSet all = t.cpus();
        for (AffinityScope s : AffinityScope.values()) {
            assertPartition(s.partition(t, all));
        }
        assertEquals(6, AffinityScope.CPU.pods(t, all).size());
        assertEquals(sets("0-1", "2-3", "4-5"), AffinityScope.SMT.pods(t, all));
        assertEquals(sets("0-3", "4-5"), AffinityScope.CACHE.pods(t, all));
        assertEquals(sets("0-5"), AffinityScope.NUMA.pods(t, all));
        assertEquals(sets("0-5"), AffinityScope.SYSTEM.pods(t, all));
    }

    @Test
    void containerSubsetAllScopes() {
        Path root = FakeSysfs.committed("container");
        Topology t = Topology.read(root);
        CpuSet allowed = CpuBinders.processAllowedCpus(root.resolve("proc-self-status"),
                root.resolve("devices/system/cpu/online"));
        assertEquals(CpuSet.parse("1-2,5"), allowed);
        for (AffinityScope s : AffinityScope.values()) {
            assertPartition(s.partition(t, allowed));
        }
        assertEquals(sets("1", "2", "5"), AffinityScope.CPU.pods(t, allowed));
        assertEquals(sets("1,5", "2"), AffinityScope.SMT.pods(t, allowed));
        assertEquals(sets("1,5", "2"), AffinityScope.CACHE.pods(t, allowed));
        assertEquals(sets("1,5", "2"), AffinityScope.NUMA.pods(t, allowed));
        assertEquals(sets("1-2,5"), AffinityScope.SYSTEM.pods(t, allowed));
        // Work queued from host CPU 7 (node 1) lands on the container's node-1 CPU.
        assertEquals(CpuSet.of(2), AffinityScope.NUMA.podOf(t, allowed, 7));
        assertEquals(CpuSet.of(1, 5), AffinityScope.CACHE.podOf(t, allowed, 0));
    }

    @Test
    void flatTopologyScopes() {
        Topology t = Topology.flat(CpuSet.of(0, 2, 5));
        CpuSet all = t.cpus();
        assertEquals(sets("0", "2", "5"), AffinityScope.SMT.pods(t, all));
        assertEquals(sets("0,2,5"), AffinityScope.CACHE.pods(t, all));
        assertEquals(sets("0,2,5"), AffinityScope.NUMA.pods(t, all));
    }

    @Test
    void emptyUsableSetIsRejected() {
        Topology t = Topology.flat(CpuSet.of(0));
        assertThrows(IllegalArgumentException.class, () -> AffinityScope.CACHE.pods(t, CpuSet.empty()));
    }

    @Test
    void parseNames() {
        assertEquals(AffinityScope.NUMA, AffinityScope.parse("numa"));
        assertEquals(AffinityScope.SMT, AffinityScope.parse(" Smt "));
        assertEquals(AffinityScope.CACHE, AffinityScope.parse("default"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AffinityScope.parse("socket"));
        assertTrue(e.getMessage().contains("'socket'"), e.getMessage());
    }
}
