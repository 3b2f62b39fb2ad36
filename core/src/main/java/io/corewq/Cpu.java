// One logical CPU of a runtime: its normal and high-priority pools and its timer.
package io.corewq;

/** The per-CPU objects of one logical CPU. */
final class Cpu {
    /** Immutable. */
    final int id;
    /** Immutable: the normal pool; its run-slot holder is the CPU's carrier. */
    final WorkerPool normal;
    /** Immutable: the high-priority pool. */
    final WorkerPool highpri;
    /** Immutable: serviced by the normal pool's carrier. */
    final CpuTimer timer;
    /** Written under the hotplug write lock (and at build): whether the CPU is online. */
    volatile boolean online;
    /** Hotplug controller only: whether both carriers were started (a CPU never online has none yet). */
    boolean started;

    Cpu(CpuRuntime rt, int id) {
        this.id = id;
        this.normal = new WorkerPool(rt, id, false, id * 2, io.corewq.cpu.CpuSet.of(id));
        this.highpri = new WorkerPool(rt, id, true, id * 2 + 1, io.corewq.cpu.CpuSet.of(id));
        this.timer = new CpuTimer(id, normal);
        this.normal.timer = timer;
    }

    WorkerPool pool(boolean high) {
        return high ? highpri : normal;
    }

    /**
     * Starts the carrier of each pool that has none yet, and marks the CPU started once both
     * exist: a failed start (the thread factory refused) is retried by the next online (it marked
     * the CPU started first, and a later online then brought it up with no carrier; found by
     * review, 2026-11-22). CONTEXT: runtime build, or an online of a CPU not yet started.
     */
    void start() {
        if (normal.workerCount() == 0 && normal.createWorker(true) == null
                || highpri.workerCount() == 0 && highpri.createWorker(true) == null) {
            throw new IllegalStateException("could not start the carriers of CPU " + id);
        }
        started = true;
    }
}
