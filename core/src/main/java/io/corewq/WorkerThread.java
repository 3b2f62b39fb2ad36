// The default platform thread of a corewq worker (lets the hot path find its worker with one instanceof).
package io.corewq;

/** The thread corewq creates for a worker when the user gives no thread factory. */
final class WorkerThread extends Thread {
    /** Immutable. */
    final Worker worker;

    WorkerThread(Worker worker) {
        super(worker, worker.name);
        this.worker = worker;
    }
}
