// The named queue-throughput targets: the names JMH's @Param uses, and how each is built.
package io.corewq.bench.harness;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Builds a {@link QueueTarget} from its name. Every pool gets one thread per CPU the JVM sees,
 * the same number of consumers corewq has carriers. New rows (unbound and ordered workqueues, the
 * common pool, a raw JCTools floor) are one case each.
 */
public final class Targets {
    /** corewq: per-CPU workqueue, queueOn, reusable items. */
    public static final String COREWQ = "corewq";
    /** {@link ThreadPoolExecutor}: fixed size, {@link LinkedBlockingQueue}. */
    public static final String TPE = "tpe";
    /** {@link ForkJoinPool}: own instance, external {@code execute}. */
    public static final String FJP = "fjp";

    private Targets() {
    }

    public static QueueTarget create(String name) {
        int n = Runtime.getRuntime().availableProcessors();
        switch (name) {
            case COREWQ:
                return new CorewqTarget();
            case TPE: {
                ThreadPoolExecutor tpe = new ThreadPoolExecutor(n, n, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
                tpe.prestartAllCoreThreads();
                return new ExecutorTarget(tpe, "ThreadPoolExecutor(" + n + " threads, LinkedBlockingQueue)");
            }
            case FJP:
                return new ExecutorTarget(new ForkJoinPool(n), "ForkJoinPool(" + n + ")");
            default:
                throw new IllegalArgumentException("unknown queue target '" + name + "' (known: "
                        + COREWQ + ", " + TPE + ", " + FJP + ")");
        }
    }
}
