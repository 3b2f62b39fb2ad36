// Queue-throughput target for a JDK executor: execute() of one shared no-op Runnable per producer.
package io.corewq.bench.harness;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Any {@link ExecutorService}. A JDK executor has no notion of a pending item, so each producer
 * submits the same Runnable again and again; every {@code execute} succeeds, and the producer's
 * window bounds how much the executor's queue holds, as it does for corewq.
 */
public final class ExecutorTarget implements QueueTarget {
    /** Immutable. */
    private final ExecutorService executor;
    /** Immutable. */
    private final String description;

    public ExecutorTarget(ExecutorService executor, String description) {
        this.executor = executor;
        this.description = description;
    }

    @Override
    public Producer producer(int index, int window) {
        return new ExecuteProducer(executor, window);
    }

    /** The executor this target submits to. */
    public ExecutorService executor() {
        return executor;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        if (executor == java.util.concurrent.ForkJoinPool.commonPool()) {
            // the common pool cannot be shut down: wait until it has run what was queued
            if (!java.util.concurrent.ForkJoinPool.commonPool().awaitQuiescence(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(description + " did not quiesce within 10 s");
            }
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(description + " did not terminate within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class ExecuteProducer extends Producer {
        /** Immutable. */
        private final ExecutorService executor;

        ExecuteProducer(ExecutorService executor, int window) {
            super(window);
            this.executor = executor;
        }

        @Override
        protected boolean tryQueue() {
            executor.execute(task());
            return true;
        }
    }
}
