// The ExecutorService contract run against the JDK's ThreadPoolExecutor: the reference the adapters must match.
package io.corewq.exec;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionHandler;

class ThreadPoolExecutorContractTest extends ExecutorServiceContract {
    @Override
    ExecutorService create(int parallelism, RejectedExecutionHandler handler, int capacity) {
        return Fixtures.threadPool(parallelism, handler, capacity);
    }
}
