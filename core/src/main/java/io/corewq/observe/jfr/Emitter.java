// Everything that touches jdk.jfr on the emitting side; loaded only once a Flight Recorder exists.
package io.corewq.observe.jfr;

import jdk.jfr.FlightRecorder;

/**
 * Probes and commit paths of the corewq events. {@link JfrEvents} calls into this class only after
 * the Flight Recorder was initialised, so a JVM that never records neither loads it nor registers
 * the events (registration is what costs: the first event class of a JVM initialises JFR's
 * metadata, ~100 ms).
 *
 * <p>The probes are event objects that are never committed: {@code isEnabled()} of an instrumented
 * event reads its type's enabled flag (a static field) and nothing of the instance, so one shared
 * instance answers for every thread.
 */
final class Emitter {
    private static final WorkExecutionEvent WORK = new WorkExecutionEvent();
    private static final HotplugStepEvent HOTPLUG = new HotplugStepEvent();
    private static final StallEvent STALL = new StallEvent();
    private static final CpuHogEvent HOG = new CpuHogEvent();
    private static final MaydayEvent MAYDAY = new MaydayEvent();
    private static final RescuedEvent RESCUED = new RescuedEvent();

    private Emitter() {
    }

    /** Registers every corewq event type, so recordings and JMC list them before the first one fires. */
    static void registerAll() {
        FlightRecorder.register(WorkExecutionEvent.class);
        FlightRecorder.register(HotplugStepEvent.class);
        FlightRecorder.register(StallEvent.class);
        FlightRecorder.register(CpuHogEvent.class);
        FlightRecorder.register(MaydayEvent.class);
        FlightRecorder.register(RescuedEvent.class);
    }

    static boolean workEnabled() {
        return WORK.isEnabled();
    }

    static void work(String wq, String item, int cpu, long startNanos, long endNanos) {
        long d = endNanos - startNanos;
        if (d < MinDurationSetting.currentNanos() || !WORK.isEnabled()) {
            return; // short items cost this comparison and nothing else
        }
        WorkExecutionEvent e = new WorkExecutionEvent();
        e.workqueue = wq;
        e.item = item;
        e.cpu = cpu;
        e.itemDuration = d;
        e.commit(); // commit() evaluates minDuration and the other settings once more
    }

    static boolean hotplugEnabled() {
        return HOTPLUG.isEnabled();
    }

    static void hotplug(int cpu, boolean online, String cause, long durationNanos, long itemsMoved) {
        if (!HOTPLUG.isEnabled()) {
            return;
        }
        HotplugStepEvent e = new HotplugStepEvent();
        e.cpu = cpu;
        e.direction = online ? "online" : "offline";
        e.cause = cause;
        e.stepDuration = durationNanos;
        e.itemsMoved = itemsMoved;
        e.commit();
    }

    static void stall(String pool, long seconds) {
        if (!STALL.isEnabled()) {
            return;
        }
        StallEvent e = new StallEvent();
        e.pool = pool;
        e.stuck = seconds;
        e.commit();
    }

    static void cpuHog(String wq, String item, int cpu) {
        if (!HOG.isEnabled()) {
            return;
        }
        CpuHogEvent e = new CpuHogEvent();
        e.workqueue = wq;
        e.item = item;
        e.cpu = cpu;
        e.commit();
    }

    static void mayday(String wq, String pool) {
        if (!MAYDAY.isEnabled()) {
            return;
        }
        MaydayEvent e = new MaydayEvent();
        e.workqueue = wq;
        e.pool = pool;
        e.commit();
    }

    static void rescued(String wq, String pool, String item) {
        if (!RESCUED.isEnabled()) {
            return;
        }
        RescuedEvent e = new RescuedEvent();
        e.workqueue = wq;
        e.pool = pool;
        e.item = item;
        e.commit();
    }
}
