// An intrusive, unbounded multi-producer single-consumer FIFO of entries: the inactive list of a pool_workqueue, allocation-free.
package io.corewq;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * A FIFO of {@link Node}s linked through {@link Node#next}, as the kernel links work items through
 * their own list_head: offering never allocates, however long the queue grows (an array queue
 * allocates a new chunk each time a backlog laps it). Producers are any threads; one consumer at
 * a time (the caller serialises consumers and publishes the hand-over between them).
 *
 * <h2>Implementation overview</h2>
 * A linked MPSC queue with a permanent stub node, after Dmitry Vyukov's intrusive design:
 * <pre>
 *   producer:  n.next = null ; prev = XCHG(tail, n) ; prev.next = n (release)
 *   consumer:  head is the oldest entry not yet taken, or the stub
 * </pre>
 * An entry is handed out only once its successor is linked (so nobody writes its {@code next}
 * afterwards and it may be queued again at once). To hand out the last entry the consumer first
 * queues the stub behind it. Between a producer's exchange and its link the chain is broken for a
 * moment; {@link #poll()} waits that moment out (as a JCTools array queue's poll waits for a
 * claimed slot to be written), so a queue that is not {@link #isEmpty() empty} always yields an
 * entry. {@code head} and {@code tail} sit on separate cache lines: producers only touch
 * {@code tail} and the previous entry, the consumer {@code head} and the entries it takes.
 */
final class NodeQueue extends NodeQueuePad2 {
    private static final VarHandle HEAD;
    private static final VarHandle NEXT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(NodeQueueHead.class, "head", Node.class);
            NEXT = l.findVarHandle(Node.class, "next", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    NodeQueue() {
        super(new Node());
    }

    /** Appends {@code n}. CONTEXT: any thread; {@code n} is in no queue. */
    void offer(Node n) {
        NEXT.set(n, (Node) null);
        Node prev = (Node) TAIL.getAndSet(this, n);
        NEXT.setRelease(prev, n); // publishes n's fields to the consumer
    }

    /**
     * Whether no entry is queued. From the consumer the answer is exact. From any other thread,
     * {@code true} means the queue was empty at some moment during the call, which is what the
     * callers rely on (a pwq that freed a slot and reads "empty" leaves the slot free); {@code
     * false} may come a moment late: while the consumer takes the last entry (the stub queued
     * behind it, the head not yet past it), a call may read "not empty" after an earlier call
     * read "empty" (found by {@code NodeQueueLincheckTest}). Callers treat {@code false} as "look
     * again under the pump turn". CONTEXT: any thread.
     */
    boolean isEmpty() {
        return (Node) HEAD.getAcquire(this) == stub && (Node) TAIL.getVolatile(this) == stub;
    }

    /**
     * Whether at least two entries are queued (racy: an entry being linked may not count yet).
     * CONTEXT: the consumer.
     */
    boolean hasTwo() {
        Node h = head;
        if (h == stub) {
            h = (Node) NEXT.getAcquire(h);
            if (h == null) {
                return false;
            }
        }
        Node next = (Node) NEXT.getAcquire(h);
        return next != null && next != stub;
    }

    /**
     * Takes the oldest entry, or returns null when the queue is empty.
     *
     * <p>CONTEXT: the consumer.
     */
    Node poll() {
        Node h = head;
        if (h == stub) {
            Node next = (Node) NEXT.getAcquire(h);
            if (next == null) {
                if ((Node) TAIL.getVolatile(this) == stub) {
                    return null;
                }
                next = awaitLink(h);
            }
            h = next; // skip the stub
            HEAD.setRelease(this, h);
        }
        Node next = (Node) NEXT.getAcquire(h);
        if (next == null) {
            if ((Node) TAIL.getVolatile(this) == h) {
                offer(stub); // h is the last entry: put the stub behind it so h can leave
            }
            next = awaitLink(h);
        }
        HEAD.setRelease(this, next);
        return h;
    }

    /** A producer has exchanged the tail after {@code n} but not linked yet: wait for its link. */
    private static Node awaitLink(Node n) {
        Node next;
        int spins = 0;
        while ((next = (Node) NEXT.getAcquire(n)) == null) {
            if (++spins < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // the producer was descheduled between its two steps
            }
        }
        return next;
    }

    /**
     * The queued entries, oldest first, at most {@code limit}. CONTEXT: the consumer (so nothing
     * is taken meanwhile; entries appended meanwhile may or may not be included).
     */
    List<Node> snapshot(int limit) {
        List<Node> out = new ArrayList<>();
        Node tailNow = (Node) TAIL.getVolatile(this);
        Node n = head;
        while (n != null && out.size() < limit) {
            if (n != stub) {
                out.add(n);
            }
            if (n == tailNow) {
                break;
            }
            n = (Node) NEXT.getAcquire(n);
        }
        return out;
    }
}

/**
 * Padding before the consumer's line. The int fills the gap after the object header, where the
 * JVM's field layout would otherwise put a subclass's field (next to the previous object).
 */
@SuppressWarnings("unused")
abstract class NodeQueuePad0 {
    int gap0;
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** The consumer's line: {@code head}, and the stub the consumer compares entries with. */
abstract class NodeQueueHead extends NodeQueuePad0 {
    /** The consumer (release store); any thread reads: the oldest entry not taken, or the stub. */
    volatile Node head;
    /** Immutable: the permanent stub entry. */
    final Node stub;

    NodeQueueHead(Node stub) {
        this.stub = stub;
        this.head = stub;
    }
}

/** Padding between the consumer's line and the producers'. */
@SuppressWarnings("unused")
abstract class NodeQueuePad1 extends NodeQueueHead {
    int gap1;
    long p10, p11, p12, p13, p14, p15, p16, p17;

    NodeQueuePad1(Node stub) {
        super(stub);
    }
}

/** The producers' field. */
abstract class NodeQueueTail extends NodeQueuePad1 {
    static final VarHandle TAIL;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(NodeQueueTail.class, "tail", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Producers, exchange: the newest entry (or the stub). */
    volatile Node tail;

    NodeQueueTail(Node stub) {
        super(stub);
        this.tail = stub;
    }
}

/** Padding after the producers' line (a class of its own: the layout puts a class's longs before its references). */
@SuppressWarnings("unused")
abstract class NodeQueuePad2 extends NodeQueueTail {
    long p20, p21, p22, p23, p24, p25, p26, p27;

    NodeQueuePad2(Node stub) {
        super(stub);
    }
}
