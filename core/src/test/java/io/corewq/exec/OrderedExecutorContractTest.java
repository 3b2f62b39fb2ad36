// The ExecutorService contract run against the adapter over a workqueue of kind ORDERED.
package io.corewq.exec;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionHandler;

class OrderedExecutorContractTest extends ExecutorServiceContract {
    private final Fixtures.Runtime runtime = new Fixtures.Runtime();

    @Override
    ExecutorService create(int parallelism, RejectedExecutionHandler handler, int capacity) {
        return runtime.plain(Fixtures.Kind.ORDERED, parallelism, handler, capacity);
    }

    @Override
    void closeFixture() {
        runtime.close();
    }
}
