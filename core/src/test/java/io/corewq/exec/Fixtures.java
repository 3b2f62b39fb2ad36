// Test support: the executors the contract suites run against (JDK pools and adapters over each workqueue kind).
package io.corewq.exec;

import io.corewq.CpuRuntime;
import io.corewq.Workqueue;
import io.corewq.WqFlag;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

final class Fixtures {
    private Fixtures() {
    }

    /** Daemon threads whose uncaught exceptions (tasks given to execute() that throw on purpose) stay quiet. */
    static final ThreadFactory QUIET = r -> {
        Thread t = new Thread(r, "jdk-pool");
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((th, ex) -> { });
        return t;
    };

    static ThreadPoolExecutor threadPool(int parallelism, RejectedExecutionHandler h, int capacity) {
        BlockingQueue<Runnable> q = capacity > 0 ? new ArrayBlockingQueue<>(capacity - parallelism) : new LinkedBlockingQueue<>();
        return new ThreadPoolExecutor(parallelism, parallelism, 0L, TimeUnit.MILLISECONDS, q, QUIET, h);
    }

    static ScheduledThreadPoolExecutor scheduledPool(int parallelism, RejectedExecutionHandler h) {
        return new ScheduledThreadPoolExecutor(parallelism, QUIET, h);
    }

    /** The kinds of workqueue an adapter is tested over. */
    enum Kind {
        /** Unbound, max_active = parallelism. */
        UNBOUND,
        /** Ordered: parallelism 1 only. */
        ORDERED,
        /** Per-CPU: parallelism 1 = everything on one CPU; 2 = round-robin over two CPUs. */
        PER_CPU
    }

    /** A runtime per test, with quiet exception handling, closed after the test. */
    static final class Runtime {
        final List<Throwable> workErrors = new CopyOnWriteArrayList<>();
        private CpuRuntime rt;

        CpuRuntime rt() {
            if (rt == null) {
                rt = CpuRuntime.builder().exceptionHandler((w, wq, t) -> workErrors.add(t)).build();
            }
            return rt;
        }

        WorkqueueExecutors.Builder builder(Kind kind, int parallelism, RejectedExecutionHandler h, int capacity) {
            Workqueue wq;
            WorkqueueExecutors.Builder b;
            switch (kind) {
                case UNBOUND:
                    wq = rt().allocWorkqueue("unbound", EnumSet.of(WqFlag.UNBOUND), parallelism);
                    b = WorkqueueExecutors.builder(wq);
                    break;
                case ORDERED:
                    if (parallelism != 1) {
                        return null;
                    }
                    b = WorkqueueExecutors.builder(rt().allocOrderedWorkqueue("ordered", Set.of()));
                    break;
                case PER_CPU:
                    wq = rt().allocWorkqueue("percpu", Set.of(), 0);
                    if (parallelism == 1) {
                        b = WorkqueueExecutors.builder(wq).placement(Placement.onCpu(rt().cpus().first()));
                    } else if (rt().cpus().size() >= parallelism) {
                        b = WorkqueueExecutors.builder(wq).placement(Placement.spread());
                    } else {
                        return null;
                    }
                    break;
                default:
                    throw new AssertionError(kind);
            }
            b.rejectedExecutionHandler(h).capacity(capacity);
            return b;
        }

        ExecutorService plain(Kind kind, int parallelism, RejectedExecutionHandler h, int capacity) {
            WorkqueueExecutors.Builder b = builder(kind, parallelism, h, capacity);
            return b == null ? null : b.build();
        }

        WorkqueueScheduledExecutorService scheduled(Kind kind, int parallelism, RejectedExecutionHandler h) {
            WorkqueueExecutors.Builder b = builder(kind, parallelism, h, 0);
            return b == null ? null : b.buildScheduled();
        }

        void close() {
            if (rt != null) {
                rt.close();
                rt = null;
            }
        }
    }
}
