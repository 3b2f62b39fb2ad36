// Tests of the JFR facade: an in-process recording captures each event, minDuration filters short items.
package io.corewq.observe.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JfrEventsTest {
    private static final long MS = 1_000_000L;

    private static List<RecordedEvent> stopAndRead(Recording r) throws Exception {
        r.stop();
        Path file = Files.createTempFile("corewq-jfr-test", ".jfr");
        try {
            r.dump(file);
            return RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().startsWith("io.corewq."))
                    .collect(Collectors.toList());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static List<RecordedEvent> named(List<RecordedEvent> all, String name) {
        return all.stream().filter(e -> e.getEventType().getName().equals(name)).collect(Collectors.toList());
    }

    @Test
    void aRecordingCapturesEveryEventEmittedThroughTheFacade() throws Exception {
        List<RecordedEvent> events;
        try (Recording r = new Recording()) {
            r.enable("io.corewq.WorkExecution").with("minDuration", "5 ms");
            for (String n : new String[] {"Hotplug", "Stall", "CpuHog", "Mayday", "Rescued"}) {
                r.enable("io.corewq." + n);
            }
            r.start();
            assertTrue(JfrEvents.isActive(), "the recorder is up, so the facade is active");
            assertTrue(JfrEvents.workEnabled());
            assertTrue(JfrEvents.hotplugEnabled());
            long t0 = System.nanoTime();
            JfrEvents.work("wq-short", "short", 1, t0, t0 + MS); // under 5 ms: dropped
            JfrEvents.work("wq-long", "long", 0, t0, t0 + 20 * MS);
            JfrEvents.work("wq-unbound", "exact", -1, t0, t0 + 5 * MS); // at the minimum: kept
            JfrEvents.hotplug(1, false, "api", 3 * MS, 42);
            JfrEvents.hotplug(1, true, "jmx", 2 * MS, 0);
            JfrEvents.stall("cpus=0 flags=H", 31);
            JfrEvents.cpuHog("events", "spin", 0);
            JfrEvents.mayday("reclaim", "cpus=1");
            JfrEvents.rescued("reclaim", "cpus=1", "writeback");
            events = stopAndRead(r);
        }
        assertFalse(JfrEvents.workEnabled(), "no recording, no work events");

        List<RecordedEvent> work = named(events, "io.corewq.WorkExecution");
        assertEquals(List.of("wq-long", "wq-unbound"), work.stream().map(e -> e.getString("workqueue")).sorted().collect(Collectors.toList()));
        RecordedEvent longOne = work.stream().filter(e -> e.getString("workqueue").equals("wq-long")).findFirst().orElseThrow();
        assertEquals("long", longOne.getString("item"));
        assertEquals(0, longOne.getInt("cpu"));
        assertEquals(20 * MS, longOne.getDuration("itemDuration").toNanos());
        assertEquals(Thread.currentThread().getName(), longOne.getThread().getJavaName());

        List<RecordedEvent> hp = named(events, "io.corewq.Hotplug");
        assertEquals(2, hp.size());
        RecordedEvent off = hp.stream().filter(e -> e.getString("direction").equals("offline")).findFirst().orElseThrow();
        assertEquals(1, off.getInt("cpu"));
        assertEquals("api", off.getString("cause"));
        assertEquals(3 * MS, off.getDuration("stepDuration").toNanos());
        assertEquals(42, off.getLong("itemsMoved"));
        assertEquals("jmx", hp.stream().filter(e -> e.getString("direction").equals("online")).findFirst().orElseThrow().getString("cause"));

        RecordedEvent stall = named(events, "io.corewq.Stall").get(0);
        assertEquals("cpus=0 flags=H", stall.getString("pool"));
        assertEquals(31, stall.getDuration("stuck").toSeconds());
        RecordedEvent hog = named(events, "io.corewq.CpuHog").get(0);
        assertEquals("events", hog.getString("workqueue"));
        assertEquals("spin", hog.getString("item"));
        assertEquals(1, named(events, "io.corewq.Mayday").size());
        RecordedEvent rescued = named(events, "io.corewq.Rescued").get(0);
        assertEquals("writeback", rescued.getString("item"));
        assertEquals("cpus=1", rescued.getString("pool"));
    }

    @Test
    void workExecutionDefaultsToATenMillisecondMinimumAndOtherEventsAreOnByDefault() throws Exception {
        List<RecordedEvent> events;
        try (Recording r = new Recording()) {
            r.enable("io.corewq.WorkExecution"); // default minDuration
            r.enable("io.corewq.CpuHog");
            r.start();
            long t0 = System.nanoTime();
            JfrEvents.work("wq", "9ms", 0, t0, t0 + 9 * MS);
            JfrEvents.work("wq", "11ms", 0, t0, t0 + 11 * MS);
            JfrEvents.cpuHog("wq", "hog", 1);
            events = stopAndRead(r);
        }
        List<RecordedEvent> work = named(events, "io.corewq.WorkExecution");
        assertEquals(1, work.size(), work.toString());
        assertEquals("11ms", work.get(0).getString("item"));
        assertEquals(1, named(events, "io.corewq.CpuHog").size());
    }

    @Test
    void eventTypesAreRegisteredWithTheirSettings() {
        new Recording().close(); // brings the recorder up, which registers the corewq events
        List<String> names = FlightRecorder.getFlightRecorder().getEventTypes().stream()
                .map(EventType::getName).filter(n -> n.startsWith("io.corewq.")).sorted().collect(Collectors.toList());
        assertEquals(List.of("io.corewq.CpuHog", "io.corewq.Hotplug", "io.corewq.Mayday", "io.corewq.Rescued",
                "io.corewq.Stall", "io.corewq.WorkExecution"), names);
        EventType work = EventType.getEventType(WorkExecutionEvent.class);
        assertTrue(work.getSettingDescriptors().stream().anyMatch(s -> s.getName().equals("minDuration")
                && s.getDefaultValue().equals(MinDurationSetting.DEFAULT)), work.getSettingDescriptors().toString());
        assertEquals(List.of("corewq"), work.getCategoryNames());
    }

    @Test
    void minDurationParsesJfrTimespansAndCombinesToTheSmallest() {
        assertEquals(0, MinDurationSetting.parse("0 ns", -1));
        assertEquals(0, MinDurationSetting.parse("0", -1));
        assertEquals(10 * MS, MinDurationSetting.parse("10 ms", -1));
        assertEquals(10 * MS, MinDurationSetting.parse("10ms", -1));
        assertEquals(20_000, MinDurationSetting.parse(" 20 us ", -1));
        assertEquals(2_000_000_000L, MinDurationSetting.parse("2 s", -1));
        assertEquals(Long.MAX_VALUE, MinDurationSetting.parse("infinity", -1));
        assertEquals(-1, MinDurationSetting.parse("fast", -1));
        assertEquals(-1, MinDurationSetting.parse("5", -1));
        MinDurationSetting s = new MinDurationSetting();
        assertEquals("1 ms", s.combine(java.util.Set.of("20 ms", "1 ms", "junk")));
        assertEquals(MinDurationSetting.DEFAULT, s.combine(java.util.Set.of()));
        s.setValue("junk");
        assertEquals(MinDurationSetting.DEFAULT, s.getValue(), "an unparseable value keeps the one in force");
    }
}
