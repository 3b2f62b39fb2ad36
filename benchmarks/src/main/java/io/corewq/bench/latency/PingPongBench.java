// JMH: cross-CPU ping-pong round trips, corewq (idle and spin carriers) beside two single-thread executors and two pinned-thread floors.
package io.corewq.bench.latency;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code java -jar corewq.jar jmh PingPongBench} (corewq.jar adds {@link LatencyProfiler}).
 * One operation is one round trip CPU a -> CPU b -> CPU a of the row's {@link PingPongs} kind.
 * The primary score is round trips per second (its inverse is the mean round trip); the
 * percentiles are the profiler's {@code lat.p50 ... lat.max} secondary results, in nanoseconds;
 * with {@code -prof gc}, {@code gc.alloc.rate.norm} is bytes per round trip (all threads).
 *
 * <p>The benchmark thread is no side of the ping-pong: it only waits for {@value #TRIPS} round
 * trips per invocation (see {@link PingPong}). With {@code gapMicros > 0} the score includes the
 * gaps; read the percentiles.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class PingPongBench {
    static final int TRIPS = 4096;

    @Param({PingPongs.COREWQ_IDLE, PingPongs.COREWQ_SPIN, PingPongs.EXECUTORS, PingPongs.SPIN_FLOOR, PingPongs.PARK_FLOOR})
    public String row;

    /**
     * Microseconds side A busy-waits between round trips: 0 is a continuous ping-pong (idle
     * carriers never get to park); 50 is longer than a default carrier's idle spin, so each hop
     * wakes a parked carrier (the case the park/unpark floor measures).
     */
    @Param({"0", "50"})
    public int gapMicros;

    private PingPong pp;

    @Setup(Level.Trial)
    public void start() {
        pp = PingPongs.create(row);
        pp.gapMicros(gapMicros);
        LatencyProfiler.publish(pp.recorder);
        pp.start();
        System.out.println("# ping-pong: " + pp.describe());
    }

    @TearDown(Level.Trial)
    public void stop() {
        // the recorder stays published: JMH runs this teardown before the profiler's afterIteration
        // of the last iteration; the next trial's setup replaces it
        pp.close();
    }

    @Benchmark
    @OperationsPerInvocation(TRIPS)
    public void roundTrip() {
        pp.awaitTrips(TRIPS);
    }
}
