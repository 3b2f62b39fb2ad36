// Tests of the intrusive MPSC queue behind the inactive lists: FIFO, no loss under racing producers, entries reusable at once.
package io.corewq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NodeQueueTest {

    private static Work item(String name) {
        return new Work(name, () -> { });
    }

    @Test
    void hasTwoCountsEntriesWithASuccessor() {
        NodeQueue q = new NodeQueue();
        assertFalse(q.hasTwo());
        Work a = item("a");
        Work b = item("b");
        Work c = item("c");
        q.offer(a);
        assertFalse(q.hasTwo(), "one entry");
        q.offer(b);
        assertTrue(q.hasTwo(), "two entries, the head still the stub");
        assertSame(a, q.poll());
        assertFalse(q.hasTwo(), "one entry left");
        q.offer(c);
        assertTrue(q.hasTwo(), "two entries, the head an entry");
        assertSame(b, q.poll());
        assertSame(c, q.poll()); // leaves through the stub, queued behind it
        assertFalse(q.hasTwo(), "empty, the stub queued again");
        q.offer(a);
        assertFalse(q.hasTwo(), "one entry behind the re-queued stub");
        q.offer(b);
        assertTrue(q.hasTwo());
    }

    @Test
    void fifoAndEmptiness() {
        NodeQueue q = new NodeQueue();
        assertTrue(q.isEmpty());
        assertNull(q.poll());
        Work a = item("a");
        Work b = item("b");
        Work c = item("c");
        q.offer(a);
        assertFalse(q.isEmpty());
        q.offer(b);
        assertSame(a, q.poll());
        q.offer(c);
        assertEquals(List.of(b, c), q.snapshot(10));
        assertSame(b, q.poll());
        assertSame(c, q.poll());
        assertTrue(q.isEmpty());
        assertNull(q.poll());
        // the last entry left through the stub: it can be queued again at once, here or elsewhere
        q.offer(c);
        q.offer(a);
        assertSame(c, q.poll());
        assertSame(a, q.poll());
        assertNull(q.poll());
    }

    @Test
    void racingProducersLoseNothingAndKeepTheirOrder() throws Exception {
        NodeQueue q = new NodeQueue();
        int producers = 4;
        int perProducer = 200_000;
        // Each producer cycles through a small ring of entries and re-offers an entry only after
        // the consumer took it (as an item's PENDING bit allows one queued instance at a time).
        int ring = 8;
        Work[][] entries = new Work[producers][ring];
        AtomicLong[] taken = new AtomicLong[producers];
        for (int p = 0; p < producers; p++) {
            taken[p] = new AtomicLong();
            for (int i = 0; i < ring; i++) {
                entries[p][i] = item(p + ":" + i);
            }
        }
        CountDownLatch go = new CountDownLatch(1);
        Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            final int id = p;
            threads[p] = new Thread(() -> {
                Bounded.await(go);
                for (int k = 0; k < perProducer; k++) {
                    while (k - taken[id].get() >= ring) {
                        Thread.onSpinWait(); // entry k % ring is still queued
                    }
                    Work w = entries[id][k % ring];
                    w.seq = k;
                    q.offer(w);
                }
            }, "nq-producer-" + p);
            threads[p].start();
        }
        go.countDown();
        long[] expected = new long[producers];
        long total = (long) producers * perProducer;
        long deadline = System.nanoTime() + Bounded.DEFAULT_SECONDS * 1_000_000_000L;
        for (long got = 0; got < total; ) {
            Node n = q.poll();
            if (n == null) {
                assertTrue(System.nanoTime() < deadline, () -> "consumer starved; queue empty=" + q.isEmpty());
                Thread.onSpinWait();
                continue;
            }
            int p = n.work.name().charAt(0) - '0';
            assertEquals(expected[p], n.seq, "producer " + p + " out of order");
            expected[p]++;
            taken[p].incrementAndGet();
            got++;
        }
        Bounded.join("producers", threads);
        assertTrue(q.isEmpty());
        assertNull(q.poll());
    }
}
