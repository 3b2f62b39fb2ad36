// The named queue-throughput targets: the names JMH's @Param uses, and how each is built.
package io.corewq.bench.harness;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Builds a {@link QueueTarget} from its name. Every pool of our own gets one thread per CPU the
 * JVM sees, the same number of consumers corewq has carriers; the common pool has what the JDK
 * gives it (parallelism = CPUs - 1, so 1 on a 2-CPU machine); the ordered workqueue and the
 * JCTools floor have one consumer by definition.
 */
public final class Targets {
    /** corewq: per-CPU workqueue, queueOn, reusable items. */
    public static final String COREWQ = "corewq";
    /** corewq: unbound workqueue, queue, default max_active. */
    public static final String COREWQ_UNBOUND = "corewq-unbound";
    /** corewq: ordered workqueue, queue. */
    public static final String COREWQ_ORDERED = "corewq-ordered";
    /** {@link ThreadPoolExecutor}: fixed size, {@link LinkedBlockingQueue}. */
    public static final String TPE = "tpe";
    /** {@link ForkJoinPool}: own instance, external {@code execute}. */
    public static final String FJP = "fjp";
    /** {@link ForkJoinPool#commonPool()}, external {@code execute}. */
    public static final String FJP_COMMON = "fjp-common";
    /** {@link Executors#newFixedThreadPool(int)}. */
    public static final String FIXED = "fixed";
    /** The floor: a JCTools MPSC queue and one spinning consumer. */
    public static final String JCTOOLS = "jctools";

    /** Every name, in table order. */
    public static final String[] ALL = {COREWQ, COREWQ_UNBOUND, COREWQ_ORDERED, TPE, FJP, FJP_COMMON, FIXED, JCTOOLS};

    private Targets() {
    }

    public static QueueTarget create(String name) {
        int n = Runtime.getRuntime().availableProcessors();
        switch (name) {
            case COREWQ:
                return new CorewqTarget(CorewqTarget.Kind.PERCPU);
            case COREWQ_UNBOUND:
                return new CorewqTarget(CorewqTarget.Kind.UNBOUND);
            case COREWQ_ORDERED:
                return new CorewqTarget(CorewqTarget.Kind.ORDERED);
            case TPE: {
                ThreadPoolExecutor tpe = new ThreadPoolExecutor(n, n, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
                tpe.prestartAllCoreThreads();
                return new ExecutorTarget(tpe, "ThreadPoolExecutor(" + n + " threads, LinkedBlockingQueue)");
            }
            case FJP:
                return new ExecutorTarget(new ForkJoinPool(n), "ForkJoinPool(" + n + ")");
            case FJP_COMMON:
                return new ExecutorTarget(ForkJoinPool.commonPool(),
                        "ForkJoinPool.commonPool() (parallelism " + ForkJoinPool.getCommonPoolParallelism() + ")");
            case FIXED: {
                ExecutorService es = Executors.newFixedThreadPool(n);
                return new ExecutorTarget(es, "Executors.newFixedThreadPool(" + n + ")");
            }
            case JCTOOLS:
                return new JctoolsTarget();
            default:
                throw new IllegalArgumentException("unknown queue target '" + name + "' (known: " + String.join(", ", ALL) + ")");
        }
    }
}
