// Where an executor adapter queues a task on a per-CPU workqueue: caller's CPU, round-robin, one CPU, or the runtime's choice.
package io.corewq.exec;

import io.corewq.CpuRuntime;
import io.corewq.cpu.CpuSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses the CPU for each task an executor adapter queues on a <em>per-CPU</em> workqueue. Unbound
 * and ordered workqueues ignore the placement: their tasks go through {@code Workqueue.queue}.
 *
 * <p>Called on the submitting thread (or, for a periodic task, on the worker that re-arms it) for
 * every submission, so implementations must be thread-safe and cheap. The CPU returned is passed to
 * {@code Workqueue.queueOn} / {@code queueDelayedOn}; if it has gone offline meanwhile the engine's
 * hotplug rules redirect the task, as for any other work item.
 */
@FunctionalInterface
public interface Placement {
    /** Returned by {@link #cpuFor} to let the runtime choose ({@code Workqueue.queue}). */
    int ANY = -1;

    /**
     * The CPU to queue the next task on.
     *
     * @param rt the runtime of the workqueue
     * @return one of {@code rt.cpus()}, or {@link #ANY}
     */
    int cpuFor(CpuRuntime rt);

    /**
     * The default: the caller's CPU when the caller is a per-CPU corewq worker (a task submitting
     * follow-up work keeps it on its CPU, hot in its caches), otherwise round-robin over the CPUs
     * online at the time of each submission. Each call returns a placement with its own counter.
     */
    static Placement localOrSpread() {
        return new Spread(true);
    }

    /** Round-robin over the CPUs online at each submission, wherever the caller runs. */
    static Placement spread() {
        return new Spread(false);
    }

    /** Everything on CPU {@code cpu} (while it is online; see the engine's hotplug rules). */
    static Placement onCpu(int cpu) {
        if (cpu < 0 || cpu > CpuSet.MAX_CPU_ID) {
            throw new IllegalArgumentException("bad CPU id " + cpu);
        }
        return rt -> cpu;
    }

    /**
     * The runtime's own choice, as {@code Workqueue.queue}: the caller's CPU on a corewq worker,
     * otherwise a CPU that each calling thread sticks to.
     */
    static Placement runtimeDefault() {
        return rt -> ANY;
    }
}

/** Round-robin over the online CPUs, optionally preferring the caller's CPU. */
final class Spread implements Placement {
    /** Immutable. */
    private final boolean preferLocal;
    /** Any thread, atomic increment. */
    private final AtomicInteger next = new AtomicInteger();

    Spread(boolean preferLocal) {
        this.preferLocal = preferLocal;
    }

    @Override
    public int cpuFor(CpuRuntime rt) {
        if (preferLocal) {
            int c = CpuRuntime.currentCpu();
            if (c >= 0 && rt.isOnline(c)) {
                return c;
            }
        }
        CpuSet online = rt.onlineCpus(); // read per call: CPUs come and go
        int n = online.size();
        if (n == 0) {
            return ANY;
        }
        return online.get(Math.floorMod(next.getAndIncrement(), n));
    }

    @Override
    public String toString() {
        return preferLocal ? "localOrSpread" : "spread";
    }
}
