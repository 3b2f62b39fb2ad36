// A cross-CPU ping-pong between two sides (corewq items, executors or pinned threads) that records each round trip.
package io.corewq.bench.latency;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * One row of the ping-pong comparison. Side A (on CPU a) takes a timestamp and hands the ball to
 * side B (on CPU b), which hands it straight back; when A has it again it records the round trip
 * and sends the next ball. Subclasses only say how a hand-off is done; this class holds the
 * recording and the benchmark thread's wait.
 *
 * <h2>Implementation overview</h2>
 * Only side A writes {@link #t0}, {@link #trips} and the recorder (a single-writer recorder: two
 * uncontended atomic updates per record, no allocation). The benchmark thread waits for
 * {@code trips} to reach a target in {@link #awaitTrips}: it publishes itself and the target in
 * volatile fields and parks; A unparks it after recording the trip that reaches the target, and
 * before it takes the next timestamp, so the unpark is in no recorded round trip. With a gap
 * ({@link #gapMicros}), A busy-waits before each send, so B's side is cold when the ball arrives:
 * a continuous ping-pong never lets corewq's carriers (which spin a while before they park)
 * reach the park, a gap does. The benchmark
 * thread wakes once per {@code n} round trips (4096 in {@code PingPongBench}), so it disturbs at
 * most one round trip in n, below the 99.9th percentile.
 */
public abstract class PingPong implements AutoCloseable {
    /** Values above this (10 s) are recorded as this. */
    private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Immutable: A's recorder (single writer: side A). */
    protected final SingleWriterRecorder recorder = new SingleWriterRecorder(1, MAX_NANOS, 3);
    /** Side A only: when the ball in flight was sent; 0 before the first. */
    private long t0;
    /** Written by side A only (release), read by the benchmark thread: round trips completed. */
    private volatile long trips;
    /** Written by the benchmark thread: unpark it once {@link #trips} reaches {@link #target}. */
    private volatile Thread waiter;
    /** Written by the benchmark thread. */
    private volatile long target = Long.MAX_VALUE;
    /** Written by {@link #close()}: side A stops sending. */
    protected volatile boolean stop;
    /** Set before {@link #start()}: how long side A busy-waits between a ball's return and the next send. */
    private long gapNanos;

    /**
     * Makes side A busy-wait {@code micros} between round trips, so that the other side has been
     * idle that long when the ball comes (its carrier or thread has parked). CONTEXT: before start.
     */
    public final void gapMicros(int micros) {
        this.gapNanos = TimeUnit.MICROSECONDS.toNanos(micros);
    }

    /**
     * The median of the round trips recorded since the last call (or since start), in
     * nanoseconds; NaN when none was. Takes them from the recorder: not for a ping-pong whose
     * recorder is published to the {@link LatencyProfiler}. CONTEXT: any thread but side A.
     */
    public final double medianRecordedNanos() {
        org.HdrHistogram.Histogram h = recorder.getIntervalHistogram();
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(50);
    }

    /** Describes the row for logs. */
    public abstract String describe();

    /** Sends the first ball. CONTEXT: trial setup. */
    public abstract void start();

    /**
     * Side A: the ball is back. Records the round trip (unless it was the first), wakes the
     * benchmark thread when due, and stamps the next send.
     *
     * @return false when the ping-pong is stopping (do not send again)
     */
    protected final boolean ballBack() {
        long now = System.nanoTime();
        if (t0 != 0) {
            recorder.recordValue(Math.min(now - t0, MAX_NANOS));
            long n = trips + 1;
            trips = n;
            if (n >= target) {
                Thread w = waiter;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        }
        if (stop) {
            return false;
        }
        if (gapNanos > 0) {
            long until = System.nanoTime() + gapNanos;
            while (System.nanoTime() - until < 0) {
                Thread.onSpinWait();
            }
        }
        t0 = System.nanoTime();
        return true;
    }

    /** The benchmark thread: waits until {@code n} more round trips have completed. */
    public final void awaitTrips(int n) {
        long goal = trips + n;
        waiter = Thread.currentThread();
        target = goal;
        long seen = trips;
        long since = System.nanoTime();
        while (trips < goal) {
            LockSupport.parkNanos(this, 100_000_000L);
            long t = trips;
            if (stop) {
                throw new IllegalStateException("ping-pong stopped");
            } else if (t != seen) {
                seen = t;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > TimeUnit.SECONDS.toNanos(10)) {
                throw new IllegalStateException(describe() + ": no round trip for 10 s (" + t + " so far)");
            }
        }
        target = Long.MAX_VALUE;
    }

    /** Stops the sides and waits for them. */
    @Override
    public abstract void close();
}
