// Where a benchmark's producer threads run: left to the OS, pinned on or beside the CPU their items go to, or all on one CPU.
package io.corewq.bench.harness;

import io.corewq.cpu.CpuBinder;
import io.corewq.cpu.CpuBinders;
import io.corewq.cpu.CpuSelection;
import io.corewq.cpu.CpuSet;
import java.util.Locale;

/**
 * Producer placement. Producer {@code k}'s <b>home</b> CPU is {@code cpus[k % n]} of the CPUs
 * corewq uses (the process's CPUs, narrowed by {@code -Dcorewq.cpus}); corewq's
 * {@link CorewqTarget} queues producer {@code k}'s items onto its home CPU.
 * <ul>
 *   <li>{@link #OS}: not pinned; the OS scheduler decides (what an application gets);</li>
 *   <li>{@link #SAME}: pinned to its home CPU, so it shares that CPU with the carrier that runs
 *       its items (hand-off through the CPU's own cache, time-sliced);</li>
 *   <li>{@link #CROSS}: pinned to the next CPU, so every item crosses CPUs (a pipeline);</li>
 *   <li>{@link #PACKED}: every producer pinned to the last CPU, whatever its home. Threads that
 *       float (unbound and ordered workqueues' workers, the JDK executors' threads) then find the
 *       other CPUs free of producers: on 2 CPUs, one CPU produces and one consumes. It shows how
 *       much of a row is lost to consumers sharing CPUs with the producers they wake (see
 *       docs/BENCHMARKS.md, ordered with two producers).</li>
 * </ul>
 * For the JDK executors, whose workers float, SAME and CROSS only fix where the producer runs.
 */
public enum Placement {
    OS, SAME, CROSS, PACKED;

    /** Parses a JMH parameter value, case-insensitively. */
    public static Placement parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown placement '" + s + "' (known: os, same, cross, packed)", e);
        }
    }

    /** The CPUs producers are spread over: the set a default {@code CpuRuntime} uses. */
    public static CpuSet cpus(CpuBinder binder) {
        return CpuSelection.fromSystemProperties().resolve(CpuSelection.processCpus(binder));
    }

    /** The CPU producer {@code index} is pinned to under this placement (not OS), given corewq's CPUs. */
    int cpuFor(int index, int[] cpus) {
        if (this == OS) {
            throw new IllegalStateException("placement OS pins nothing");
        }
        return this == PACKED ? cpus[cpus.length - 1] : cpus[(index + (this == CROSS ? 1 : 0)) % cpus.length];
    }

    /**
     * Applies this placement to the calling thread, producer {@code index}.
     *
     * <p>CONTEXT: the producer thread, before it queues anything.
     *
     * @return a description for logs
     * @throws IllegalStateException when pinning was asked for and could not be applied and verified
     */
    public String apply(int index) {
        if (this == OS) {
            return "producer " + index + ": not pinned";
        }
        CpuBinder binder = CpuBinders.load();
        int[] cpus = cpus(binder).toArray();
        int cpu = cpuFor(index, cpus);
        if (!binder.isPinning() || !binder.bind(CpuSet.of(cpu))) {
            throw new IllegalStateException("placement " + this + ": could not pin producer " + index + " to CPU " + cpu
                    + " with binder " + binder.name());
        }
        return "producer " + index + ": pinned to CPU " + cpu;
    }
}
