// What a queue-throughput benchmark queues onto: corewq or a JDK executor, behind one small interface.
package io.corewq.bench.harness;

/**
 * One row of the queue-throughput comparison: something that runs items queued by producer
 * threads. A target is built once per trial (see {@link Targets}) and hands each producer thread
 * its own {@link Producer}; {@link #close()} stops its threads after the trial.
 */
public interface QueueTarget extends AutoCloseable {
    /**
     * A producer for benchmark thread {@code index} (0-based), with at most {@code window} items in
     * flight. CONTEXT: trial setup, on that benchmark thread.
     */
    Producer producer(int index, int window);

    /** A one-line description for logs (threads, queue, placement). */
    String describe();

    /** Stops the target's threads and waits for them (an interrupt cuts the wait short, flag kept). */
    @Override
    void close();
}
