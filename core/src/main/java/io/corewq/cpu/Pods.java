// The partition of a usable CPU set into an affinity scope's pods, with a CPU -> pod lookup.
package io.corewq.cpu;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable partition of a usable CPU set into the pods of one {@link AffinityScope}, computed
 * by {@link AffinityScope#partition}. Safe to share between threads.
 */
public final class Pods {
    private final AffinityScope scope;          // immutable
    private final CpuSet usable;                // immutable
    private final List<CpuSet> pods;            // immutable, ordered by first CPU
    private final Map<Integer, Integer> podIndex; // immutable: every CPU walked -> pod index or -1

    private Pods(AffinityScope scope, CpuSet usable, List<CpuSet> pods, Map<Integer, Integer> podIndex) {
        this.scope = scope;
        this.usable = usable;
        this.pods = pods;
        this.podIndex = podIndex;
    }

    static Pods compute(AffinityScope scope, Topology t, CpuSet usable) {
        if (usable == null || usable.isEmpty()) {
            throw new IllegalArgumentException("cannot compute " + scope + " pods of an empty CPU set");
        }
        // Kernel init_pod_type(): first-match against each pod's first CPU, over every known CPU.
        int[] walk = t.cpus().or(usable).toArray();
        List<Integer> firsts = new ArrayList<>();
        int[] rawPod = new int[walk.length];
        for (int i = 0; i < walk.length; i++) {
            int cur = walk[i];
            int pod = -1;
            for (int p = 0; p < firsts.size(); p++) {
                if (scope.shares(t, firsts.get(p), cur)) {
                    pod = p;
                    break;
                }
            }
            if (pod < 0) {
                pod = firsts.size();
                firsts.add(cur);
            }
            rawPod[i] = pod;
        }
        // Clip each pod to the usable CPUs (kernel wq_calc_pod_cpumask()), drop the empty ones.
        List<List<Integer>> members = new ArrayList<>();
        for (int p = 0; p < firsts.size(); p++) {
            members.add(new ArrayList<>());
        }
        for (int i = 0; i < walk.length; i++) {
            if (usable.contains(walk[i])) {
                members.get(rawPod[i]).add(walk[i]);
            }
        }
        List<CpuSet> clipped = new ArrayList<>();
        for (List<Integer> m : members) {
            clipped.add(m.isEmpty() ? CpuSet.empty() : CpuSet.of(m));
        }
        List<CpuSet> pods = new ArrayList<>();
        for (CpuSet s : clipped) {
            if (!s.isEmpty()) {
                pods.add(s);
            }
        }
        pods.sort(Comparator.comparingInt(CpuSet::first));
        Map<CpuSet, Integer> indexOfPod = new HashMap<>();
        for (int i = 0; i < pods.size(); i++) {
            indexOfPod.put(pods.get(i), i);
        }
        Map<Integer, Integer> podIndex = new HashMap<>();
        for (int i = 0; i < walk.length; i++) {
            CpuSet s = clipped.get(rawPod[i]);
            podIndex.put(walk[i], s.isEmpty() ? -1 : indexOfPod.get(s));
        }
        return new Pods(scope, usable, List.copyOf(pods), Map.copyOf(podIndex));
    }

    public AffinityScope scope() {
        return scope;
    }

    /** The CPU set that was partitioned. */
    public CpuSet usable() {
        return usable;
    }

    /** The pods: disjoint, non-empty, covering {@link #usable()}, ordered by first CPU. */
    public List<CpuSet> pods() {
        return pods;
    }

    public int size() {
        return pods.size();
    }

    public CpuSet pod(int index) {
        return pods.get(index);
    }

    /**
     * The index of the pod {@code cpu} belongs to. For a CPU outside {@link #usable()}, the pod of
     * usable CPUs that share the scope with it (e.g. the usable CPUs of its NUMA node); -1 if there
     * is none or the topology does not know the CPU.
     */
    public int indexOf(int cpu) {
        return podIndex.getOrDefault(cpu, -1);
    }

    /**
     * The pod to run work queued from {@code cpu} on: its pod as for {@link #indexOf}, or, when that
     * is -1, every usable CPU (the kernel falls back to the workqueue's whole cpumask the same way).
     */
    public CpuSet podOf(int cpu) {
        int i = indexOf(cpu);
        return i < 0 ? usable : pods.get(i);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(scope.name()).append(" pods:");
        for (CpuSet p : pods) {
            sb.append(" [").append(p).append(']');
        }
        return sb.toString();
    }
}
