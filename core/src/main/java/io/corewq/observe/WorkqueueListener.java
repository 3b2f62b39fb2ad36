// Callback the engine calls when a workqueue is allocated or destroyed, so observers (JMX, Micrometer) follow.
package io.corewq.observe;

import io.corewq.Workqueue;

/**
 * Told when a workqueue of a runtime comes or goes. {@link CorewqJmx} and
 * {@link io.corewq.observe.micrometer.CorewqMeterBinder} implement it so that workqueues allocated
 * after they were set up get their MBean or meters too.
 *
 * <p>CONTEXT: called by the engine on the thread that allocates or destroys the workqueue, outside
 * the engine's locks (a destroy holds only that workqueue's destroy lock, so a concurrent destroy of
 * it returns after the listeners have). Implementations must be quick, must be idempotent (a workqueue may be
 * announced twice when an observer is set up while it is being allocated) and must not throw.
 */
public interface WorkqueueListener {
    /** {@code wq} was allocated and is visible in {@code runtime().workqueues()}. */
    void workqueueAdded(Workqueue wq);

    /** {@code wq} was destroyed ({@link Workqueue#isDestroyed()} is already true). */
    void workqueueRemoved(Workqueue wq);
}
