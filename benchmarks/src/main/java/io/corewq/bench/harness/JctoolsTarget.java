// Queue-throughput floor: a raw JCTools MPSC array queue drained by one spinning consumer thread.
package io.corewq.bench.harness;

import java.util.concurrent.TimeUnit;
import org.jctools.queues.MpscArrayQueue;

/**
 * The floor of the queue-throughput comparison: what handing a reusable {@link Runnable} from
 * producers to one consumer costs with nothing but a lock-free multi-producer queue in between.
 * The consumer never parks (it spins with {@link Thread#onSpinWait()}); it is not pinned. The
 * queue's capacity is above any sum of producer windows, so an {@code offer} never fails for
 * lack of room; if it did, the producer would retry (counted as rejected).
 */
public final class JctoolsTarget implements QueueTarget {
    /** Immutable. */
    private final MpscArrayQueue<Runnable> queue = new MpscArrayQueue<>(1 << 14);
    /** Written by {@link #close()}, read by the consumer. */
    private volatile boolean stop;
    /** Immutable. */
    private final Thread consumer;

    public JctoolsTarget() {
        consumer = new Thread(this::drain, "jctools-consumer");
        consumer.setDaemon(true);
        consumer.start();
    }

    private void drain() {
        MpscArrayQueue<Runnable> q = queue;
        while (!stop) {
            Runnable r = q.relaxedPoll();
            if (r != null) {
                r.run();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    @Override
    public Producer producer(int index, int window) {
        return new OfferProducer(queue, window);
    }

    @Override
    public String describe() {
        return "JCTools MpscArrayQueue(16384), one spinning consumer";
    }

    @Override
    public void close() {
        stop = true;
        try {
            consumer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class OfferProducer extends Producer {
        /** Immutable. */
        private final MpscArrayQueue<Runnable> queue;

        OfferProducer(MpscArrayQueue<Runnable> queue, int window) {
            super(window);
            this.queue = queue;
        }

        @Override
        protected boolean tryQueue() {
            return queue.offer(task());
        }
    }
}
