// Callback for watchdog reports of stalled pools.
package io.corewq;

/** Told when a pool had pending work and made no progress for the watchdog threshold. */
@FunctionalInterface
public interface StallListener {
    /**
     * Called on the monitor thread, once per stall.
     *
     * @param pool the pool, as the kernel prints it ({@code cpus=0 flags=H})
     * @param stuckSeconds how long it has made no progress
     * @param dump the pool's state: pending items and the busy workers with their stacks
     */
    void onStall(String pool, long stuckSeconds, String dump);
}
