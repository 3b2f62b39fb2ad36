// JMH (issue 5): uncontended enter/exit of the hotplug read lock beside ReentrantReadWriteLock and StampedLock.
package io.corewq.bench.hotplug;

import io.corewq.CpuRuntime;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code java -jar corewq.jar jmh ReadLockBench}. One operation enters the read side, reads one
 * shared field, and leaves; no writer ever runs. {@code *1} methods run on one thread (pure
 * enter/exit cost), {@code *2} on two at once (readers on two CPUs: a lock whose read path CASes
 * one shared word bounces its line between them; corewq's striped counts do not).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ReadLockBench {
    private CpuRuntime rt;
    private final Lock rrwl = new ReentrantReadWriteLock().readLock();
    private final StampedLock stamped = new StampedLock();
    private int value = 42;

    @Setup(Level.Trial)
    public void setUp() {
        rt = CpuRuntime.builder().jmx(false).followOsCpus(Duration.ZERO).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rt.close();
    }

    private int corewq() {
        try (var g = rt.cpusReadLock()) {
            return value;
        }
    }

    private int rrwl() {
        rrwl.lock();
        try {
            return value;
        } finally {
            rrwl.unlock();
        }
    }

    private int stampedRead() {
        long s = stamped.readLock();
        try {
            return value;
        } finally {
            stamped.unlockRead(s);
        }
    }

    private int stampedOptimistic() {
        long s = stamped.tryOptimisticRead();
        int v = value;
        return stamped.validate(s) ? v : stampedRead();
    }

    @Benchmark @Threads(1) public int corewqReadLock1() {
        return corewq();
    }

    @Benchmark @Threads(1) public int reentrantReadLock1() {
        return rrwl();
    }

    @Benchmark @Threads(1) public int stampedReadLock1() {
        return stampedRead();
    }

    @Benchmark @Threads(1) public int stampedOptimistic1() {
        return stampedOptimistic();
    }

    @Benchmark @Threads(2) public int corewqReadLock2() {
        return corewq();
    }

    @Benchmark @Threads(2) public int reentrantReadLock2() {
        return rrwl();
    }

    @Benchmark @Threads(2) public int stampedReadLock2() {
        return stampedRead();
    }

    @Benchmark @Threads(2) public int stampedOptimistic2() {
        return stampedOptimistic();
    }
}
