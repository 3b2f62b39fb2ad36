// The facade the engine calls to emit corewq's JFR events; near-free when no recording wants them.
package io.corewq.observe.jfr;

import org.slf4j.LoggerFactory;

/**
 * Emits corewq's Java Flight Recorder events. The engine calls these static methods; users only
 * enable the events in a recording (see {@code docs/OBSERVABILITY.md}).
 *
 * <table>
 *   <caption>Events</caption>
 *   <tr><th>Event</th><th>Emitted by</th><th>Default</th></tr>
 *   <tr><td>{@code io.corewq.WorkExecution}</td><td>the worker, after an item ran</td><td>on, {@code minDuration} 10 ms</td></tr>
 *   <tr><td>{@code io.corewq.Hotplug}</td><td>the hotplug caller, after each CPU transition</td><td>on</td></tr>
 *   <tr><td>{@code io.corewq.Stall}</td><td>the watchdog, once per stall</td><td>on</td></tr>
 *   <tr><td>{@code io.corewq.CpuHog}</td><td>the concurrency monitor, once per hogging item</td><td>on</td></tr>
 *   <tr><td>{@code io.corewq.Mayday}</td><td>the pool that called a rescuer</td><td>on</td></tr>
 *   <tr><td>{@code io.corewq.Rescued}</td><td>the rescuer, per item it ran</td><td>on</td></tr>
 * </table>
 *
 * <p>Usage on the hot path:
 * <pre>{@code
 * boolean jfr = JfrEvents.workEnabled();
 * long t0 = jfr ? System.nanoTime() : 0;
 * runTheItem();
 * if (jfr) {
 *     JfrEvents.work(wq.name(), w.name(), cpu, t0, System.nanoTime());
 * }
 * }</pre>
 *
 * <p>Every method is safe to call from any thread at any time, never throws, and does nothing on a
 * JVM without JFR (a jlinked image without {@code jdk.jfr}) or with {@code -Dcorewq.jfr=false}.
 *
 * <h2>Implementation overview</h2>
 *
 * <p><b>Cost when nothing records.</b> {@link #workEnabled()} is one volatile read of
 * {@link #active} (a plain load on x86 and a load-acquire on AArch64) that stays false until a
 * Flight Recorder is initialised in this JVM; then it is that read plus the probe event's
 * {@code isEnabled()} (one static field load in the instrumented event class). Measured by
 * {@code io.corewq.bench.monitor.JfrFacadeBench}; results in {@code docs/OBSERVABILITY.md}.
 *
 * <p><b>Why a listener and not just the events.</b> Touching any event class initialises JFR's
 * metadata repository (~100-150 ms, once per JVM), which a JVM that never records should not pay.
 * So the class initialiser only adds a {@link jdk.jfr.FlightRecorderListener} (tens of ms on
 * JDK 17 for loading jdk.jfr's classes, ~1 ms on JDK 25). When the recorder comes up (now, with
 * {@code -XX:StartFlightRecording}, or later through {@code jcmd JFR.start} or JMC), the listener
 * registers the events and sets {@link #active}. Rejected: a cached "enabled" flag kept current
 * from {@code recordingStateChanged}: it misses {@code Recording.setSettings} on a running
 * recording, and the probe's own check is as cheap.
 *
 * <p><b>Why the classes are split.</b> This class names no jdk.jfr type, so it loads and verifies
 * on a runtime without the module; {@code Installer} and {@code Emitter} hold all jdk.jfr
 * references and are linked only when used.
 */
public final class JfrEvents {
    /**
     * False until a Flight Recorder exists in this JVM and the events are registered; then true
     * for good. Written once by the recorder-initialising thread, read by every emitter.
     */
    private static volatile boolean active;

    static {
        if (!"false".equalsIgnoreCase(System.getProperty("corewq.jfr"))) {
            try {
                Installer.install();
            } catch (LinkageError | RuntimeException e) {
                LoggerFactory.getLogger(JfrEvents.class).debug("corewq: JFR events off: {}", e.toString());
            }
        }
    }

    private JfrEvents() {
    }

    /**
     * Makes sure the JFR listener is installed (the first use of this class does it). Calling it
     * early, from a thread that may wait a few tens of milliseconds, keeps that one-time cost off
     * the first work item.
     */
    public static void install() {
        // the class initialiser did the work
    }

    /** Whether a Flight Recorder is up and the corewq events are registered in this JVM. */
    public static boolean isActive() {
        return active;
    }

    /** Called by {@code Installer} once the recorder is up. */
    static void activate() {
        active = true;
    }

    /**
     * Whether some recording wants {@code io.corewq.WorkExecution}; when false, do not even read
     * the clock for it. Near-free (see the class comment).
     */
    public static boolean workEnabled() {
        return active && Emitter.workEnabled();
    }

    /**
     * Records that an item of {@code wq} ran on {@code cpu} from {@code startNanos} to
     * {@code endNanos} ({@link System#nanoTime()} readings), if it ran at least the recording's
     * {@code minDuration}. Shorter items cost one subtraction and comparison.
     *
     * @param cpu the pool's CPU, -1 for an unbound pool
     */
    public static void work(String wq, String item, int cpu, long startNanos, long endNanos) {
        if (active) {
            Emitter.work(wq, item, cpu, startNanos, endNanos);
        }
    }

    /** Whether some recording wants {@code io.corewq.Hotplug}. */
    public static boolean hotplugEnabled() {
        return active && Emitter.hotplugEnabled();
    }

    /**
     * Records one CPU transition.
     *
     * @param online true for a CPU that came online, false for one that went offline
     * @param cause who asked, e.g. {@code "api"}, {@code "jmx"}, {@code "os"}
     * @param durationNanos how long the transition took
     * @param itemsMoved pending items that had to run elsewhere (0 when coming online)
     */
    public static void hotplug(int cpu, boolean online, String cause, long durationNanos, long itemsMoved) {
        if (active) {
            Emitter.hotplug(cpu, online, cause, durationNanos, itemsMoved);
        }
    }

    /** Records a watchdog lockup report of {@code pool} (as the kernel prints it), stuck for {@code seconds}. */
    public static void stall(String pool, long seconds) {
        if (active) {
            Emitter.stall(pool, seconds);
        }
    }

    /** Records that {@code item} of {@code wq} hogged {@code cpu} (-1: unbound) past the hog threshold. */
    public static void cpuHog(String wq, String item, int cpu) {
        if (active) {
            Emitter.cpuHog(wq, item, cpu);
        }
    }

    /** Records that {@code pool} called the rescuer of {@code wq}. */
    public static void mayday(String wq, String pool) {
        if (active) {
            Emitter.mayday(wq, pool);
        }
    }

    /** Records that the rescuer of {@code wq} ran {@code item} of {@code pool}. */
    public static void rescued(String wq, String pool, String item) {
        if (active) {
            Emitter.rescued(wq, pool, item);
        }
    }
}
