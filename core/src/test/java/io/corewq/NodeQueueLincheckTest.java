// Lincheck model checking of the inactive list's intrusive MPSC queue: every interleaving of producers between their exchange and their link, and of the consumer putting the stub back, against a plain FIFO.
package io.corewq;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * {@link NodeQueue} must be linearizable as a FIFO queue with one consumer. The races it is built
 * around are short: a producer between its tail exchange and its link (the chain is broken for a
 * moment, and {@code poll} must wait it out rather than report an empty queue), and the consumer
 * queueing the stub behind the last entry while producers append behind it.
 *
 * <p>Entries are queued again once popped, as a work item's own entry is: {@code offer} queues
 * the consumer's last popped entry again when there is one, from whichever thread it runs on.
 *
 * <p>{@link NodeQueue#isEmpty()} is exact from the consumer, and checked as such. From other threads
 * it is not linearizable, and this test found how: while the consumer takes the last entry (the
 * stub is queued behind it, the head not yet moved past it) a caller may read "not empty" after
 * an earlier call already read "empty". Its callers rely only on a true answer, which must mean
 * that the queue was empty at some moment during the call: a pwq that frees a slot and reads
 * "empty" leaves the slot free, so a wrong "empty" would strand an entry. {@code
 * emptyOnlyWhenEmpty} checks that answer against ghost counts: entries offered before the call,
 * polls begun by its end.
 */
@Param(name = "value", gen = IntGen.class, conf = "1:9")
public class NodeQueueLincheckTest {
    private final NodeQueue queue = new NodeQueue();
    /** The entry the consumer popped last, until an {@code offer} takes it. */
    private final AtomicReference<Node> popped = new AtomicReference<>();
    /** Ghost counts for {@code emptyOnlyWhenEmpty}: offers returned, polls begun. */
    private final AtomicInteger offersDone = new AtomicInteger();
    private final AtomicInteger pollsBegun = new AtomicInteger();

    /** Queues {@code v} in the entry the consumer popped last if there is one (it may be queued again at once), else in a new one. */
    @Operation
    public void offer(@Param(name = "value") int v) {
        Node n = popped.getAndSet(null);
        if (n == null) {
            n = new Node();
        }
        n.seq = v;
        queue.offer(n);
        offersDone.incrementAndGet();
    }

    @Operation(nonParallelGroup = "consumer")
    public Integer poll() {
        pollsBegun.incrementAndGet();
        Node n = queue.poll();
        if (n == null) {
            return null;
        }
        int v = n.seq;
        popped.set(n);
        return v;
    }

    @Operation(nonParallelGroup = "consumer")
    public boolean isEmpty() {
        return queue.isEmpty();
    }

    /**
     * From any thread: false only if {@code isEmpty()} read "empty" while more entries had been
     * offered before the call than polls had begun by its end (so an entry was queued throughout).
     */
    @Operation
    public boolean emptyOnlyWhenEmpty() {
        int offered = offersDone.get();
        boolean empty = queue.isEmpty();
        return !empty || offered <= pollsBegun.get();
    }

    @Test
    void modelChecking() {
        Linearizability.modelCheck(NodeQueueLincheckTest.class, Linearizability.IntFifo.class, 4);
    }

    @Test
    void stress() {
        Linearizability.stress(NodeQueueLincheckTest.class, Linearizability.IntFifo.class, 4);
    }
}
