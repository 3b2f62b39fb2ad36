// Test support: bounded waits that fail with a thread dump instead of hanging.
package io.corewq;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Bounded waiting for tests; on timeout the failure message carries every thread's stack. */
public final class Bounded {
    public static final long DEFAULT_SECONDS = 30;

    private Bounded() {
    }

    public static void await(CountDownLatch latch) {
        await(latch, DEFAULT_SECONDS);
    }

    public static void await(CountDownLatch latch, long seconds) {
        try {
            if (!latch.await(seconds, TimeUnit.SECONDS)) {
                fail("latch not released within " + seconds + " s (count " + latch.getCount() + ")\n" + threadDump());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }

    public static <T> T get(Future<T> f) {
        try {
            return f.get(DEFAULT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            fail("future not done within " + DEFAULT_SECONDS + " s\n" + threadDump());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        } catch (ExecutionException e) {
            throw new AssertionError("task failed", e.getCause());
        }
        return null;
    }

    /** Runs {@code action} on a helper thread and fails with a dump if it does not finish in time. */
    public static void run(String what, Runnable action) {
        run(what, DEFAULT_SECONDS, action);
    }

    public static void run(String what, long seconds, Runnable action) {
        Throwable[] err = new Throwable[1];
        CountDownLatch done = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                action.run();
            } catch (Throwable e) {
                err[0] = e;
            } finally {
                done.countDown();
            }
        }, "bounded-" + what);
        t.setDaemon(true);
        t.start();
        try {
            if (!done.await(seconds, TimeUnit.SECONDS)) {
                fail(what + " did not finish within " + seconds + " s\n" + threadDump());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
        if (err[0] instanceof RuntimeException) {
            throw (RuntimeException) err[0];
        }
        if (err[0] instanceof Error) {
            throw (Error) err[0];
        }
    }

    /** Joins {@code threads}; fails with a dump if they have not all ended within the default bound. */
    public static void join(String what, Thread... threads) {
        join(what, DEFAULT_SECONDS, java.util.Arrays.asList(threads));
    }

    /** Joins {@code threads}; fails with a dump if they have not all ended within {@code seconds}. */
    public static void join(String what, long seconds, Iterable<? extends Thread> threads) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            for (Thread t : threads) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left > 0) {
                    t.join(left);
                }
                if (t.isAlive()) {
                    fail(what + ": " + t.getName() + " did not end within " + seconds + " s\n" + threadDump());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }

    /**
     * Waits for a condition that another thread makes true, re-checking as threads make progress
     * (spinning and yielding, no sleeps); fails with a dump after the deadline.
     */
    public static void until(String what, BooleanSupplier cond) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEFAULT_SECONDS);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("condition not met within " + DEFAULT_SECONDS + " s: " + what + "\n" + threadDump());
            }
            Thread.yield();
        }
    }

    public static String threadDump() {
        StringBuilder sb = new StringBuilder("---- thread dump ----\n");
        for (ThreadInfo ti : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            sb.append('"').append(ti.getThreadName()).append("\" ").append(ti.getThreadState());
            if (ti.getLockName() != null) {
                sb.append(" on ").append(ti.getLockName());
            }
            sb.append('\n');
            for (StackTraceElement e : ti.getStackTrace()) {
                sb.append("    at ").append(e).append('\n');
            }
        }
        return sb.toString();
    }

    /** Names of live corewq threads. */
    public static long corewqThreads() {
        return corewqThreadSet().size();
    }

    /** The live corewq threads. */
    public static java.util.Set<Thread> corewqThreadSet() {
        java.util.Set<Thread> s = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("kworker/")).forEach(s::add);
        return s;
    }

    /**
     * Names of the live corewq threads that are not in {@code before}: a count compared with an
     * earlier count could also drop as an earlier test's threads finish exiting.
     */
    public static java.util.List<String> corewqThreadsSince(java.util.Set<Thread> before) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (Thread t : corewqThreadSet()) {
            if (!before.contains(t)) {
                names.add(t.getName());
            }
        }
        return names;
    }
}
