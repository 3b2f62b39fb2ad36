// Test support: a task that announces it started and blocks until released or interrupted.
package io.corewq.exec;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** A blocking task for executor tests; every wait is bounded. */
final class Gate {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch finished = new CountDownLatch(1);
    final AtomicBoolean interrupted = new AtomicBoolean();

    /** Blocks; returns normally when released or interrupted (recording the interrupt). */
    Runnable runnable() {
        return () -> {
            try {
                block();
            } catch (InterruptedException e) {
                interrupted.set(true);
            } finally {
                finished.countDown();
            }
        };
    }

    /** Blocks; throws InterruptedException (after recording it) when interrupted. */
    <T> Callable<T> callable(T value) {
        return () -> {
            try {
                block();
                return value;
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            } finally {
                finished.countDown();
            }
        };
    }

    private void block() throws InterruptedException {
        started.countDown();
        if (!release.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("gate never released nor interrupted");
        }
    }

    void awaitStarted() {
        io.corewq.Bounded.await(started);
    }

    void awaitFinished() {
        io.corewq.Bounded.await(finished);
    }

    void open() {
        release.countDown();
    }
}
