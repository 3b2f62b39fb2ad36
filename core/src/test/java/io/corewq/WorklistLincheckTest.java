// Lincheck model checking of the pools' worklist: every interleaving explored of racing producers, the chunk append flag, recycled chunks and the consumer, against a plain FIFO.
package io.corewq;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
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
        Linearizability.modelCheck(WorklistLincheckTest.class, Linearizability.IntFifo.class, 4);
    }

    @Test
    void stress() {
        Linearizability.stress(WorklistLincheckTest.class, Linearizability.IntFifo.class, 4);
    }
}
