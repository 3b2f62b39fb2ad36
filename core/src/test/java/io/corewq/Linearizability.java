// Test support for the *LincheckTest classes: the run budget of the model checker and the stress mode, and the sequential specification of a FIFO queue.
package io.corewq;

import java.util.ArrayDeque;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * One budget for every Lincheck test: 20 scenarios of three threads, each run in 1 000
 * interleavings by the model checker (it switches threads at shared accesses, so a race needs no
 * luck) and 1 000 times on real threads in stress mode (which sees the hardware's reorderings,
 * which the model checker's sequentially consistent memory does not). About 10-25 s per class.
 */
public final class Linearizability {
    private static final int SCENARIOS = 20;
    private static final int RUNS_PER_SCENARIO = 1_000;
    private static final int THREADS = 3;

    private Linearizability() {
    }

    /** Model-checks {@code test}'s operations against {@code spec}, {@code actors} operations per thread. */
    public static void modelCheck(Class<?> test, Class<?> spec, int actors) {
        check(new ModelCheckingOptions(), test, spec, actors);
    }

    /** Runs {@code test}'s operations on real threads against {@code spec}. */
    public static void stress(Class<?> test, Class<?> spec, int actors) {
        check(new StressOptions(), test, spec, actors);
    }

    private static void check(Options<?, ?> options, Class<?> test, Class<?> spec, int actors) {
        options.iterations(SCENARIOS);
        options.invocationsPerIteration(RUNS_PER_SCENARIO);
        options.threads(THREADS);
        options.actorsPerThread(actors);
        options.sequentialSpecification(spec);
        options.check(test);
    }

    /**
     * The sequential specification of a FIFO of ints, for queues tested with {@code offer},
     * {@code poll}, {@code size} and {@code isEmpty}; {@code emptyOnlyWhenEmpty} is a property
     * check whose every answer must be true.
     */
    public static final class IntFifo {
        private final ArrayDeque<Integer> q = new ArrayDeque<>();

        public void offer(int v) {
            q.addLast(v);
        }

        public Integer poll() {
            return q.pollFirst();
        }

        public int size() {
            return q.size();
        }

        public boolean isEmpty() {
            return q.isEmpty();
        }

        public boolean emptyOnlyWhenEmpty() {
            return true;
        }
    }
}
