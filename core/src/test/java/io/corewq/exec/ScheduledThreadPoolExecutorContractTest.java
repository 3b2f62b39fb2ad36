// The ScheduledExecutorService contract run against the JDK's ScheduledThreadPoolExecutor: the reference.
package io.corewq.exec;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

class ScheduledThreadPoolExecutorContractTest extends ScheduledExecutorServiceContract {
    @Override
    ScheduledExecutorService createScheduled(int parallelism, RejectedExecutionHandler handler) {
        return Fixtures.scheduledPool(parallelism, handler);
    }

    private static ScheduledThreadPoolExecutor p(ScheduledExecutorService e) {
        return (ScheduledThreadPoolExecutor) e;
    }

    @Override
    void setRemoveOnCancel(ScheduledExecutorService e, boolean value) {
        p(e).setRemoveOnCancelPolicy(value);
    }

    @Override
    boolean getRemoveOnCancel(ScheduledExecutorService e) {
        return p(e).getRemoveOnCancelPolicy();
    }

    @Override
    void setContinuePeriodic(ScheduledExecutorService e, boolean value) {
        p(e).setContinueExistingPeriodicTasksAfterShutdownPolicy(value);
    }

    @Override
    boolean getContinuePeriodic(ScheduledExecutorService e) {
        return p(e).getContinueExistingPeriodicTasksAfterShutdownPolicy();
    }

    @Override
    void setExecuteDelayed(ScheduledExecutorService e, boolean value) {
        p(e).setExecuteExistingDelayedTasksAfterShutdownPolicy(value);
    }

    @Override
    boolean getExecuteDelayed(ScheduledExecutorService e) {
        return p(e).getExecuteExistingDelayedTasksAfterShutdownPolicy();
    }

    @Override
    BlockingQueue<Runnable> queueOf(ScheduledExecutorService e) {
        return p(e).getQueue();
    }
}
