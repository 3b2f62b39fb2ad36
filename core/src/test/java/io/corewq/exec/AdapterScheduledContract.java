// The ScheduledExecutorService contract run against the scheduled adapter: what every workqueue kind shares.
package io.corewq.exec;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ScheduledExecutorService;

abstract class AdapterScheduledContract extends ScheduledExecutorServiceContract {
    /** The kind of workqueue under the adapter. */
    abstract Fixtures.Kind kind();

    private final Fixtures.Runtime runtime = new Fixtures.Runtime();

    @Override
    ScheduledExecutorService createScheduled(int parallelism, RejectedExecutionHandler handler) {
        return runtime.scheduled(kind(), parallelism, handler);
    }

    @Override
    void closeFixture() {
        runtime.close();
    }

    private static WorkqueueScheduledExecutorService a(ScheduledExecutorService e) {
        return (WorkqueueScheduledExecutorService) e;
    }

    @Override
    void setRemoveOnCancel(ScheduledExecutorService e, boolean value) {
        a(e).setRemoveOnCancelPolicy(value);
    }

    @Override
    boolean getRemoveOnCancel(ScheduledExecutorService e) {
        return a(e).getRemoveOnCancelPolicy();
    }

    @Override
    void setContinuePeriodic(ScheduledExecutorService e, boolean value) {
        a(e).setContinueExistingPeriodicTasksAfterShutdownPolicy(value);
    }

    @Override
    boolean getContinuePeriodic(ScheduledExecutorService e) {
        return a(e).getContinueExistingPeriodicTasksAfterShutdownPolicy();
    }

    @Override
    void setExecuteDelayed(ScheduledExecutorService e, boolean value) {
        a(e).setExecuteExistingDelayedTasksAfterShutdownPolicy(value);
    }

    @Override
    boolean getExecuteDelayed(ScheduledExecutorService e) {
        return a(e).getExecuteExistingDelayedTasksAfterShutdownPolicy();
    }

    @Override
    BlockingQueue<Runnable> queueOf(ScheduledExecutorService e) {
        return a(e).getQueue();
    }
}
