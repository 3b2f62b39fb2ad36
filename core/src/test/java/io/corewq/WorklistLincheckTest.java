// Lincheck model checking of the pools' worklist: every interleaving explored of racing producers, the chunk append flag, recycled chunks and the consumer, against a plain FIFO.
package io.corewq;

import java.util.ArrayDeque;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * The worklist must be linearizable as a FIFO queue with one consumer: whatever the producers'
 * interleaving with an append (the append flag, a spare chunk taken, the chunk linked and
 * published) and with the consumer (a claimed slot not yet written, a chunk given back to the
 * spares), {@code poll} returns what a sequential queue would have.
 *
 * <p>Chunks of two slots make nearly every scenario append and recycle: three threads of four
 * operations cross several chunk boundaries and lap the spares' ring.
 */
@Param(name = "value", gen = IntGen.class, conf = "1:9")
public class WorklistLincheckTest {
    private final Worklist list = new Worklist(2);

    @Operation
    public void offer(@Param(name = "value") int v) {
        Node n = new Node();
        n.seq = v;
        list.offer(n);
    }

    @Operation(nonParallelGroup = "consumer")
    public Integer poll() {
        Node n = list.poll();
        return n == null ? null : n.seq;
    }

    /** From the consumer, which fixes one of its two reads, the count is exact. */
    @Operation(nonParallelGroup = "consumer")
    public int size() {
        return list.size();
    }

    @Operation
    public boolean isEmpty() {
        return list.isEmpty();
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(20)
                .invocationsPerIteration(1_000)
                .threads(3)
                .actorsPerThread(4)
                .sequentialSpecification(Fifo.class)
                .check(WorklistLincheckTest.class);
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(20)
                .invocationsPerIteration(1_000)
                .threads(3)
                .actorsPerThread(4)
                .sequentialSpecification(Fifo.class)
                .check(WorklistLincheckTest.class);
    }

    /** The sequential specification: a FIFO of ints. */
    public static final class Fifo {
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
    }
}
