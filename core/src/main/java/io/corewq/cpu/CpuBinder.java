// Service-provider interface that decides how corewq threads are pinned to CPUs.
package io.corewq.cpu;

/**
 * Decides how corewq's threads are pinned. The core ships {@link UnpinnedBinder}; the
 * {@code corewq-affinity} module ships a real one, found through {@link java.util.ServiceLoader}
 * (the provider with the highest {@link #priority()} that reports itself {@link #isAvailable()}
 * wins). Implementations must be thread-safe; every method acts on the calling thread.
 */
public interface CpuBinder {

    /** A short name for logs, e.g. {@code "openhft"} or {@code "unpinned"}. */
    String name();

    /** Higher wins when several providers are on the class path. */
    default int priority() {
        return 0;
    }

    /** Whether this binder can work on this machine (OS, native library present). */
    default boolean isAvailable() {
        return true;
    }

    /** Whether {@link #bind} really changes the OS affinity of threads. */
    boolean isPinning();

    /**
     * Restricts the calling thread to {@code cpus}.
     *
     * @return {@code true} if the binding was applied and verified (the thread's affinity mask
     *     reads back as {@code cpus}); {@code false} if it could not be applied or verified
     */
    boolean bind(CpuSet cpus);

    /** The CPU the calling thread is running on right now, or -1 if unknown. */
    int currentCpu();

    /** The calling thread's OS affinity mask, or {@code null} if unknown. */
    CpuSet currentAffinity();

    /**
     * The CPUs this process may run on (its affinity mask intersected with the online CPUs), or
     * {@code null} to let the core use its own detection.
     */
    default CpuSet processAllowedCpus() {
        return null;
    }
}
