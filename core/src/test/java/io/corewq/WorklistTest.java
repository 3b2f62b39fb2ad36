// Tests of the pools' worklist: FIFO across its arrays, recycled arrays (no allocation under any backlog), racing producers, consumers taking turns.
package io.corewq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorklistTest {
    private static final int CHUNK = Worklist.CHUNK;

    /** An entry that names its producer (in {@code color}) and its number (in {@code seq}). */
    private static Node entry(int producer, int seq) {
        Node n = new Node();
        n.color = producer;
        n.seq = seq;
        return n;
    }

    @ParameterizedTest(name = "chunks of {0}")
    @ValueSource(ints = {CHUNK, 3, 1})
    void fifoAcrossChunks(int chunk) {
        Worklist q = new Worklist(chunk);
        assertTrue(q.isEmpty());
        assertNull(q.poll());
        assertNull(q.relaxedPoll());
        int total = 5 * chunk + 7;
        List<Node> in = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            in.clear();
            for (int i = 0; i < total; i++) {
                Node n = entry(0, i);
                in.add(n);
                q.offer(n);
                assertEquals(i + 1, q.size());
            }
            assertFalse(q.isEmpty());
            for (int i = 0; i < total; i++) {
                Node n = (i & 1) == 0 ? q.poll() : q.relaxedPoll();
                assertSame(in.get(i), n, "entry " + i + " of round " + round);
                assertEquals(total - i - 1, q.size());
            }
            assertTrue(q.isEmpty());
            assertNull(q.poll());
            assertNull(q.relaxedPoll());
        }
        assertTrue(q.spareCount() > 0, "chunks left behind were kept for reuse");
    }

    @Test
    void interleavedOfferAndPollAtChunkEdges() {
        Worklist q = new Worklist();
        // the consumer catches up exactly at a chunk's end, then again one past it
        int seq = 0;
        int expected = 0;
        for (int lap = 0; lap < 6; lap++) {
            int burst = CHUNK - 1 + lap;
            for (int i = 0; i < burst; i++) {
                q.offer(entry(0, seq++));
            }
            for (Node n; (n = q.poll()) != null; expected++) {
                assertEquals(expected, n.seq);
            }
            assertEquals(seq, expected, "lap " + lap);
            assertTrue(q.isEmpty());
        }
    }

    @Test
    void iteratorShowsQueuedEntriesInOrder() {
        Worklist q = new Worklist();
        for (int i = 0; i < CHUNK + 10; i++) {
            q.offer(entry(0, i));
        }
        for (int i = 0; i < 5; i++) {
            q.poll();
        }
        int expected = 5;
        for (Node n : q) {
            assertEquals(expected++, n.seq);
        }
        assertEquals(CHUNK + 10, expected);
    }

    @Test
    void deepBacklogsAllocateNothingOnceWarm() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counters on this JVM");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) mx;
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "per-thread allocation counters not supported");
        threads.setThreadAllocatedMemoryEnabled(true);
        Worklist q = new Worklist();
        Node[] ring = new Node[4 * CHUNK];
        for (int i = 0; i < ring.length; i++) {
            ring[i] = entry(0, i);
        }
        // a backlog that swings between 1 and 3.5 chunks: each swing laps the arrays
        Runnable swings = () -> {
            int at = 0;
            for (int i = 0; i < CHUNK; i++) {
                q.offer(ring[at]);
                at = (at + 1) & (ring.length - 1);
            }
            for (int s = 0; s < 200; s++) {
                for (int i = 0; i < 2 * CHUNK + CHUNK / 2; i++) {
                    q.offer(ring[at]);
                    at = (at + 1) & (ring.length - 1);
                }
                for (int i = 0; i < 2 * CHUNK + CHUNK / 2; i++) {
                    q.poll();
                }
            }
            while (q.poll() != null) {
                // drain
            }
        };
        swings.run(); // warm-up: JIT, and the spare chunks
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        swings.run();
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertTrue(allocated < 1024, () -> allocated + " bytes allocated by 0.5 M offers and polls over a backlog of up to 4 chunks");
    }

    /** Small chunks make every few offers an append and every few polls a recycle, racing the producers. */
    @ParameterizedTest(name = "chunks of {0}")
    @ValueSource(ints = {CHUNK, 4, 1})
    void racingProducersLoseNothingAndKeepTheirOrder(int chunk) {
        for (int round = 0; round < (chunk < CHUNK ? 6 : 1); round++) {
            racingProducersRound(new Worklist(chunk));
        }
    }

    private static void racingProducersRound(Worklist q) {
        int producers = 4;
        int perProducer = 250_000;
        long total = (long) producers * perProducer;
        List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        // the consumer runs on a thread of its own: a lost entry would leave poll() waiting for
        // it, and the bounded join below then fails with a thread dump
        Thread consumer = new Thread(() -> {
            long[] expected = new long[producers];
            for (long got = 0; got < total && errors.isEmpty(); ) {
                Node n = (got & 3) == 0 ? q.relaxedPoll() : q.poll();
                if (n == null) {
                    Thread.onSpinWait();
                    continue;
                }
                if (expected[n.color] != n.seq) {
                    errors.add("producer " + n.color + " out of order: " + n.seq + ", expected " + expected[n.color]);
                }
                expected[n.color] = n.seq + 1;
                got++;
            }
        }, "wl-consumer");
        consumer.setDaemon(true);
        consumer.start();
        Thread[] threads = startProducers(q, producers, perProducer);
        Bounded.join("producers", threads);
        Bounded.join("consumer", consumer);
        assertTrue(errors.isEmpty(), () -> String.join("\n", errors));
        assertTrue(q.isEmpty());
        assertNull(q.poll());
        assertEquals(0, q.size());
    }

    @ParameterizedTest(name = "chunks of {0}")
    @ValueSource(ints = {CHUNK, 4, 1})
    void consumersTakingTurnsSeeEveryEntryOnce(int chunk) {
        Worklist q = new Worklist(chunk);
        int producers = 3;
        int perProducer = 200_000;
        AtomicInteger turn = new AtomicInteger(); // as an unbound pool's poll turn
        AtomicLong taken = new AtomicLong();
        BitSet[] seen = new BitSet[producers];
        for (int p = 0; p < producers; p++) {
            seen[p] = new BitSet(perProducer);
        }
        long total = (long) producers * perProducer;
        List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread[] consumers = new Thread[2];
        long deadline = System.nanoTime() + Bounded.DEFAULT_SECONDS * 1_000_000_000L;
        for (int c = 0; c < consumers.length; c++) {
            consumers[c] = new Thread(() -> {
                int[] last = new int[producers];
                java.util.Arrays.fill(last, -1);
                while (taken.get() < total && System.nanoTime() < deadline) {
                    if (!turn.compareAndSet(0, 1)) {
                        Thread.onSpinWait();
                        continue;
                    }
                    Node n;
                    try {
                        n = q.poll();
                        if (n != null) {
                            synchronized (seen) {
                                if (seen[n.color].get(n.seq)) {
                                    errors.add("entry " + n.color + ":" + n.seq + " taken twice");
                                }
                                seen[n.color].set(n.seq);
                            }
                        }
                    } finally {
                        turn.set(0);
                    }
                    if (n != null) {
                        if (n.seq <= last[n.color]) {
                            errors.add("producer " + n.color + ": " + n.seq + " after " + last[n.color]);
                        }
                        last[n.color] = n.seq;
                        taken.incrementAndGet();
                    }
                }
            }, "wl-consumer-" + c);
            consumers[c].setDaemon(true);
        }
        for (Thread t : consumers) {
            t.start();
        }
        Thread[] threads = startProducers(q, producers, perProducer);
        Bounded.join("producers", threads);
        Bounded.join("consumers", consumers);
        assertTrue(errors.isEmpty(), () -> String.join("\n", errors.subList(0, Math.min(10, errors.size()))));
        assertEquals(total, taken.get(), () -> "entries lost; size " + q.size());
        for (int p = 0; p < producers; p++) {
            assertEquals(perProducer, seen[p].cardinality(), "producer " + p);
        }
        assertTrue(q.isEmpty());
    }

    /**
     * A consumer that takes an entry and polls again must be told "empty" at once, however soon
     * after its producer's append it took the entry: the producer offers its next entry only
     * after that second poll returned. Chunks of one slot make every offer an append.
     */
    @Test
    void pollAfterTheLastEntryReturnsAtOnce() {
        Worklist q = new Worklist(1);
        int entries = 300_000;
        AtomicLong polledAfter = new AtomicLong(-1); // the last entry after which the consumer's extra poll returned
        List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread consumer = new Thread(() -> {
            for (int k = 0; k < entries && errors.isEmpty(); k++) {
                Node n;
                while ((n = q.poll()) == null) {
                    Thread.onSpinWait();
                }
                if (n.seq != k) {
                    errors.add("entry " + n.seq + ", expected " + k);
                }
                Node extra = q.poll(); // nothing else is queued: must return null, not wait for the next offer
                if (extra != null) {
                    errors.add("entry " + extra.seq + " after " + k + ", nothing else was queued");
                }
                polledAfter.set(k);
            }
        }, "wl-consumer");
        consumer.setDaemon(true);
        consumer.start();
        Thread producer = new Thread(() -> {
            for (int k = 0; k < entries && errors.isEmpty(); k++) {
                q.offer(entry(0, k));
                while (polledAfter.get() < k && consumer.isAlive()) {
                    Thread.onSpinWait();
                }
            }
        }, "wl-producer");
        producer.setDaemon(true);
        producer.start();
        Bounded.join("consumer and producer", consumer, producer);
        assertTrue(errors.isEmpty(), () -> String.join("\n", errors));
        assertEquals(entries - 1, polledAfter.get());
    }

    private static Thread[] startProducers(Worklist q, int producers, int perProducer) {
        CountDownLatch go = new CountDownLatch(1);
        Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            final int id = p;
            Node[] mine = new Node[perProducer];
            for (int k = 0; k < perProducer; k++) {
                mine[k] = entry(id, k);
            }
            threads[p] = new Thread(() -> {
                Bounded.await(go);
                for (Node n : mine) {
                    q.offer(n);
                }
            }, "wl-producer-" + p);
            threads[p].setDaemon(true);
            threads[p].start();
        }
        go.countDown();
        return threads;
    }
}
