// Callback for exceptions thrown by work functions.
package io.corewq;

/**
 * Receives what a work function throws. The worker carries on with the next item either way.
 * The default handler logs the exception through SLF4J at error level.
 */
@FunctionalInterface
public interface WorkExceptionHandler {
    /**
     * Called on the worker thread that ran the item, after the function threw.
     *
     * @param work the item whose function threw
     * @param workqueue the workqueue the instance was queued on
     * @param error what it threw
     */
    void onException(Work work, Workqueue workqueue, Throwable error);
}
