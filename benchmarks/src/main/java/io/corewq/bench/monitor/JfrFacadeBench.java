// JMH: what JfrEvents costs the engine's hot path with no recorder, a recorder but no recording, and a recording.
package io.corewq.bench.monitor;

import io.corewq.observe.jfr.JfrEvents;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code java -jar corewq.jar jmh JfrFacadeBench}. Each {@code state} runs in a JVM of its own:
 * {@code off} never brings the Flight Recorder up; {@code idle} brings it up with no recording;
 * {@code recording} runs a recording with {@code io.corewq.WorkExecution} on at its default
 * {@code minDuration} (10 ms), so the measured items (a few ns) are dropped by the facade.
 * {@code check} is {@code JfrEvents.workEnabled()}; {@code item} is the engine's whole per-item
 * pattern (the check, and when enabled two clock reads and {@code work(...)}); {@code baseline}
 * returns a constant.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JfrFacadeBench {
    @Param({"off", "idle", "recording"})
    public String state;

    private Recording recording;

    @Setup(Level.Trial)
    public void setUp() {
        JfrEvents.install();
        if (state.equals("idle")) {
            new Recording().close(); // the recorder is up, nothing records
        } else if (state.equals("recording")) {
            recording = new Recording();
            recording.enable("io.corewq.WorkExecution");
            recording.start();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (recording != null) {
            recording.close();
        }
    }

    @Benchmark
    public boolean baseline() {
        return false;
    }

    @Benchmark
    public boolean check() {
        return JfrEvents.workEnabled();
    }

    @Benchmark
    public boolean item() {
        boolean jfr = JfrEvents.workEnabled();
        if (jfr) {
            long t0 = System.nanoTime();
            JfrEvents.work("bench", "item", 0, t0, System.nanoTime());
        }
        return jfr;
    }
}
