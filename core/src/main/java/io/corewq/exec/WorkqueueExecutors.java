// Factories for the executor adapters: ExecutorService / ScheduledExecutorService over a workqueue or one CPU.
package io.corewq.exec;

import io.corewq.CpuRuntime;
import io.corewq.Workqueue;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Creates {@link java.util.concurrent.ExecutorService} and
 * {@link java.util.concurrent.ScheduledExecutorService} adapters over corewq workqueues.
 *
 * <pre>{@code
 * Workqueue wq = rt.allocWorkqueue("io", Set.of(WqFlag.UNBOUND), 8);    // at most 8 at once
 * ExecutorService pool = WorkqueueExecutors.newExecutorService(wq);      // for newFixedThreadPool(8)
 * CompletableFuture.supplyAsync(this::load, pool).thenAcceptAsync(this::store, pool);
 *
 * ScheduledExecutorService timers = WorkqueueExecutors.builder(rt.systemWq())
 *         .rejectedExecutionHandler(new ThreadPoolExecutor.CallerRunsPolicy())
 *         .buildScheduled();
 * }</pre>
 *
 * <p>Each call creates a new adapter; adapters never own or destroy their workqueue (see
 * {@link WorkqueueExecutor}).
 */
public final class WorkqueueExecutors {
    private WorkqueueExecutors() {
    }

    /**
     * An {@code ExecutorService} over {@code wq} with the defaults: abort on rejection, no capacity
     * limit, {@link Placement#localOrSpread()} on a per-CPU workqueue.
     *
     * @throws NullPointerException if {@code wq} is null
     * @throws IllegalArgumentException if {@code wq} is destroyed
     */
    public static WorkqueueExecutorService newExecutorService(Workqueue wq) {
        return builder(wq).build();
    }

    /**
     * A {@code ScheduledExecutorService} over {@code wq} with the defaults of
     * {@link java.util.concurrent.ScheduledThreadPoolExecutor} (delayed tasks run after shutdown,
     * periodic ones do not, cancel does not remove) and of {@link #newExecutorService}.
     *
     * @throws NullPointerException if {@code wq} is null
     * @throws IllegalArgumentException if {@code wq} is destroyed
     */
    public static WorkqueueScheduledExecutorService newScheduledExecutorService(Workqueue wq) {
        return builder(wq).buildScheduled();
    }

    /**
     * A scheduled executor that runs every task on CPU {@code cpu}, through the runtime's system
     * workqueue ({@code rt.systemWq()}, as the kernel's {@code schedule_work_on}): on that CPU's
     * carrier, one task at a time, pinned to the CPU when the binder pins; its timers are that CPU's.
     * If the CPU goes offline its tasks follow the engine's hotplug rules.
     *
     * @throws NullPointerException if {@code rt} is null
     * @throws IllegalArgumentException if {@code cpu} is not one of {@code rt.cpus()}
     */
    public static WorkqueueScheduledExecutorService executorOn(CpuRuntime rt, int cpu) {
        Objects.requireNonNull(rt, "runtime is null");
        if (!rt.cpus().contains(cpu)) {
            throw new IllegalArgumentException("CPU " + cpu + " is not one of this runtime's CPUs " + rt.cpus());
        }
        return builder(rt.systemWq()).placement(Placement.onCpu(cpu)).buildScheduled();
    }

    /** A builder for an adapter over {@code wq}. */
    public static Builder builder(Workqueue wq) {
        return new Builder(Objects.requireNonNull(wq, "workqueue is null"));
    }

    /** Options of an executor adapter. Not thread-safe; each {@code build*} makes a new adapter. */
    public static final class Builder {
        final Workqueue wq;
        RejectedExecutionHandler handler;
        Placement placement;
        int capacity;
        boolean continuePeriodic;
        boolean executeDelayed = true;
        boolean removeOnCancel;

        Builder(Workqueue wq) {
            this.wq = wq;
        }

        /**
         * Where rejected tasks go (default {@link ThreadPoolExecutor.AbortPolicy}). The handler's
         * {@code ThreadPoolExecutor} argument is a view of the adapter: {@code execute},
         * {@code getQueue}, {@code isShutdown} and the other life-cycle methods delegate to it, so
         * the JDK's {@code CallerRunsPolicy}, {@code DiscardPolicy} and {@code DiscardOldestPolicy}
         * work as with a ThreadPoolExecutor.
         */
        public Builder rejectedExecutionHandler(RejectedExecutionHandler handler) {
            this.handler = Objects.requireNonNull(handler, "handler is null");
            return this;
        }

        /**
         * Which CPU each task goes to on a per-CPU workqueue (default
         * {@link Placement#localOrSpread()}); ignored for unbound and ordered workqueues.
         */
        public Builder placement(Placement placement) {
            this.placement = Objects.requireNonNull(placement, "placement is null");
            return this;
        }

        /**
         * The most live tasks (queued, armed or running) before new ones are rejected, as a
         * ThreadPoolExecutor with a bounded queue; 0 (the default) for no limit. A periodic task
         * counts until it ends.
         *
         * @throws IllegalArgumentException if {@code n} is negative
         */
        public Builder capacity(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("capacity " + n + " is negative");
            }
            this.capacity = n;
            return this;
        }

        /** Scheduled only: {@link WorkqueueScheduledExecutorService#setContinueExistingPeriodicTasksAfterShutdownPolicy}. */
        public Builder continueExistingPeriodicTasksAfterShutdown(boolean value) {
            this.continuePeriodic = value;
            return this;
        }

        /** Scheduled only: {@link WorkqueueScheduledExecutorService#setExecuteExistingDelayedTasksAfterShutdownPolicy}. */
        public Builder executeExistingDelayedTasksAfterShutdown(boolean value) {
            this.executeDelayed = value;
            return this;
        }

        /** Scheduled only: {@link WorkqueueScheduledExecutorService#setRemoveOnCancelPolicy}. */
        public Builder removeOnCancel(boolean value) {
            this.removeOnCancel = value;
            return this;
        }

        /** An {@code ExecutorService} with these options (the scheduled-only ones are ignored). */
        public WorkqueueExecutorService build() {
            checkLive();
            return new WorkqueueExecutorService(this);
        }

        /** A {@code ScheduledExecutorService} with these options. */
        public WorkqueueScheduledExecutorService buildScheduled() {
            checkLive();
            return new WorkqueueScheduledExecutorService(this);
        }

        private void checkLive() {
            if (wq.isDestroyed()) {
                throw new IllegalArgumentException("workqueue " + wq.name() + " is destroyed");
            }
        }
    }
}
