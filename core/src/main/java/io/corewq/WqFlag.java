// Workqueue flags, named and meant as the kernel's WQ_* flags.
package io.corewq;

/** Flags of a workqueue, as the kernel's {@code WQ_*} flags. */
public enum WqFlag {
    /** Items are not bound to a CPU; they run in unbound pools shared by equal attributes. */
    UNBOUND,
    /** Items do not start while the runtime is {@linkplain CpuRuntime#freeze() frozen}. */
    FREEZABLE,
    /** The workqueue owns a rescuer so that it makes progress when new workers cannot be created. */
    MEM_RECLAIM,
    /** Items run in the high-priority pools, whose workers have a higher thread priority. */
    HIGHPRI,
    /** Items do not take part in concurrency management: they may run beside other items of the CPU. */
    CPU_INTENSIVE,
    /** Per-CPU unless the runtime is told to save power, then unbound (corewq keeps it per-CPU). */
    POWER_EFFICIENT
}
