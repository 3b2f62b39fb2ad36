// Explicit managed blocking: code that knows it will block lets another worker take its CPU's run slot first.
package io.corewq;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;

/**
 * Tells corewq that the calling work item is about to block, so that another worker of the same
 * CPU pool (pinned to the same CPU) takes over the worklist at once instead of waiting for the
 * monitor to notice. Outside corewq workers these calls just run the blocking code
 * ({@link #managedBlock} defers to {@link ForkJoinPool#managedBlock}, which compensates in a
 * ForkJoinPool).
 *
 * <pre>{@code
 * Work w = new Work(() -> {
 *     byte[] data = Blocking.call(() -> socket.getInputStream().readNBytes(512));
 *     ...
 * });
 * }</pre>
 */
public final class Blocking {
    private Blocking() {
    }

    /** Code that may block and throw. */
    @FunctionalInterface
    public interface BlockingRunnable {
        void run() throws Exception;
    }

    /** Runs {@code task}, which may block, releasing the CPU's run slot first. */
    public static <T> T call(Callable<T> task) throws Exception {
        Objects.requireNonNull(task, "task is null");
        aboutToBlock();
        return task.call();
    }

    /** Runs {@code task}, which may block, releasing the CPU's run slot first. */
    public static void run(BlockingRunnable task) throws Exception {
        Objects.requireNonNull(task, "task is null");
        aboutToBlock();
        task.run();
    }

    /**
     * The {@link ForkJoinPool.ManagedBlocker} protocol: unless {@code blocker.isReleasable()},
     * releases the run slot and calls {@code block()} until it returns true.
     */
    public static void managedBlock(ForkJoinPool.ManagedBlocker blocker) throws InterruptedException {
        Objects.requireNonNull(blocker, "blocker is null");
        Worker w = Worker.current();
        if (w == null) {
            ForkJoinPool.managedBlock(blocker);
            return;
        }
        if (blocker.isReleasable()) {
            return;
        }
        w.releaseSlot(Worker.Counter.CM_WAKEUP);
        do {
            if (blocker.isReleasable()) {
                return;
            }
        } while (!blocker.block());
    }

    /**
     * Declares that the calling item is about to block; a no-op outside corewq per-CPU workers.
     * The slot stays released until the item ends (the worker then goes idle if another worker
     * holds the slot).
     */
    public static void aboutToBlock() {
        Worker w = Worker.current();
        if (w != null) {
            w.releaseSlot(Worker.Counter.CM_WAKEUP);
        }
    }
}
