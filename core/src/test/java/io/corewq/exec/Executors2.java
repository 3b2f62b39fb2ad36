// Test support: ExecutorService.close() on every JDK (Java 17's ThreadPoolExecutor has none) and bounded teardown.
package io.corewq.exec;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.corewq.Bounded;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

final class Executors2 {
    private Executors2() {
    }

    /** The executor's close(): its own when it has one (the adapters; the JDK's on 19+), else Java 19's default. */
    static void close(ExecutorService e) {
        if (e instanceof AutoCloseable) {
            try {
                ((AutoCloseable) e).close();
            } catch (Exception ex) {
                throw new AssertionError(ex);
            }
            return;
        }
        boolean terminated = e.isTerminated();
        if (!terminated) {
            e.shutdown();
            boolean interrupted = false;
            while (!terminated) {
                try {
                    terminated = e.awaitTermination(1L, TimeUnit.DAYS);
                } catch (InterruptedException ex) {
                    if (!interrupted) {
                        e.shutdownNow();
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** shutdownNow and a bounded wait for termination, failing with a thread dump. */
    static void stop(ExecutorService e) {
        e.shutdownNow();
        try {
            if (!e.awaitTermination(Bounded.DEFAULT_SECONDS, TimeUnit.SECONDS)) {
                fail(e + " did not terminate\n" + Bounded.threadDump());
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
        assertTrue(e.isTerminated());
    }

    static boolean awaitTermination(ExecutorService e) {
        try {
            return e.awaitTermination(Bounded.DEFAULT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            throw new AssertionError(ex);
        }
    }
}
