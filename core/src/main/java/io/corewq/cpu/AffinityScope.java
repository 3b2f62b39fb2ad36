// Affinity scopes for unbound work (CPU, SMT, CACHE, NUMA, SYSTEM) and how they split CPUs into pods.
package io.corewq.cpu;

import java.util.List;
import java.util.Locale;

/**
 * How widely an unbound workqueue's workers may roam, as the kernel's {@code wq_affn_scope}: the
 * usable CPUs are split into disjoint <em>pods</em>, and work queued from a CPU runs on a worker
 * allowed on that CPU's pod.
 *
 * <pre>
 *   CPU     every CPU is its own pod
 *   SMT     the SMT siblings of one core
 *   CACHE   the CPUs sharing a last-level cache  (the kernel's default)
 *   NUMA    the CPUs of one NUMA node
 *   SYSTEM  one pod with every usable CPU
 * </pre>
 *
 * <h2>Implementation Overview</h2>
 * As the kernel's {@code init_pod_type()}: walk the CPUs in ascending order; a CPU joins the
 * first existing pod whose <em>first</em> CPU it shares the scope with, else opens a new pod.
 * Comparing against the first CPU only (not every member) makes the result a partition even when
 * the topology's relation is not perfectly transitive (e.g. odd cache lists). The walk covers every
 * CPU the topology knows plus the usable ones, and each pod is then clipped to the usable set,
 * as the kernel's {@code wq_calc_pod_cpumask()} does, so the pods of a narrowed set still follow the
 * machine's real boundaries.
 */
public enum AffinityScope {
    /** One pod per CPU. */
    CPU {
        @Override
        boolean shares(Topology t, int a, int b) {
            return a == b;
        }
    },
    /** One pod per physical core (its SMT siblings). */
    SMT {
        @Override
        boolean shares(Topology t, int a, int b) {
            return t.smtSiblings(a).contains(b);
        }
    },
    /** One pod per last-level cache. */
    CACHE {
        @Override
        boolean shares(Topology t, int a, int b) {
            return t.llcCpus(a).contains(b);
        }
    },
    /** One pod per NUMA node. */
    NUMA {
        @Override
        boolean shares(Topology t, int a, int b) {
            return t.nodeOf(a) == t.nodeOf(b);
        }
    },
    /** A single pod. */
    SYSTEM {
        @Override
        boolean shares(Topology t, int a, int b) {
            return true;
        }
    };

    /** The kernel's default scope. */
    public static final AffinityScope DEFAULT = CACHE;

    /** Whether CPUs {@code a} and {@code b} belong to the same pod under this scope. */
    abstract boolean shares(Topology t, int a, int b);

    /**
     * Splits {@code usable} into this scope's pods.
     *
     * @return the pods, disjoint, non-empty, covering {@code usable}, ordered by first CPU
     * @throws IllegalArgumentException if {@code usable} is empty
     */
    public Pods partition(Topology topology, CpuSet usable) {
        return Pods.compute(this, topology, usable);
    }

    /** The pods of {@code usable} under this scope; shorthand for {@code partition(..).pods()}. */
    public List<CpuSet> pods(Topology topology, CpuSet usable) {
        return partition(topology, usable).pods();
    }

    /**
     * The pod {@code cpu} belongs to among {@code usable}; see {@link Pods#podOf(int)} for a CPU
     * outside {@code usable}.
     */
    public CpuSet podOf(Topology topology, CpuSet usable, int cpu) {
        return partition(topology, usable).podOf(cpu);
    }

    /**
     * Parses a scope name as the kernel spells it ({@code cpu, smt, cache, numa, system}, any
     * case), or {@code default}.
     *
     * @throws IllegalArgumentException naming the bad value and the accepted ones
     */
    public static AffinityScope parse(String name) {
        if (name == null) {
            throw new IllegalArgumentException("affinity scope is null");
        }
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (n.equals("DEFAULT")) {
            return DEFAULT;
        }
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad affinity scope '" + name
                    + "': expected one of cpu, smt, cache, numa, system, default", e);
        }
    }
}
