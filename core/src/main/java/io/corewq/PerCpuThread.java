// Descriptor of per-CPU threads, as the kernel's smp_hotplug_thread.
package io.corewq;

/**
 * What a per-CPU thread does (the kernel's {@code struct smp_hotplug_thread}). corewq runs one
 * thread per online CPU, pinned to it: {@link #setup} once, then {@link #run} whenever
 * {@link #shouldRun} says so (otherwise it waits to be {@linkplain PerCpuThreads#wake woken});
 * {@link #park} when its CPU goes down and {@link #unpark} when it comes back (same thread,
 * re-pinned); {@link #cleanup} when the threads are unregistered.
 *
 * <p>An offline parks the threads while it holds the hotplug write lock (as the kernel parks its
 * smpboot threads under {@code cpus_write_lock}), and a thread may be in any of its callbacks then
 * (a thread just started runs {@link #setup}; one that throws runs {@link #cleanup}): none of them
 * may take {@link CpuRuntime#cpusReadLock()} or call {@link CpuRuntime#scheduleOnEachCpu}, nor
 * wait for work that does, or the offline waits for it for ever. A long {@link #run} delays the
 * offline, and readers wait behind it.
 */
public interface PerCpuThread {
    /** Thread name prefix: threads are named {@code name/cpu}. */
    String name();

    /** Whether there is work for {@link #run} on {@code cpu}. Called on the thread. */
    boolean shouldRun(int cpu);

    /** Does the work. Called on the thread, pinned to {@code cpu}. */
    void run(int cpu);

    default void setup(int cpu) {
    }

    /** @param online whether the CPU is online at cleanup time */
    default void cleanup(int cpu, boolean online) {
    }

    default void park(int cpu) {
    }

    default void unpark(int cpu) {
    }
}
