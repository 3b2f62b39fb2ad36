// Tests of the monitor command: in-process demo (table and JSON), a child JVM attached by PID, usage errors.
package io.corewq.bench.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corewq.bench.ChildJvm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class MonitorCommandTest {
    private static final Pattern ROW = Pattern.compile("^(\\S.{0,23}?)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+\\.\\d)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)$");

    private static String run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int status = MonitorCommand.run(args, out);
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, s);
        return s;
    }

    /** The tables of an output: each a list of rows (name -> columns). */
    private static List<List<String[]>> tables(String output) {
        List<List<String[]>> tables = new ArrayList<>();
        List<String[]> current = null;
        for (String line : output.split("\\R")) {
            if (line.equals(MonitorCommand.header())) {
                current = new ArrayList<>();
                tables.add(current);
                continue;
            }
            Matcher m = ROW.matcher(line);
            if (current != null && m.matches()) {
                String[] cols = new String[8];
                for (int i = 0; i < 8; i++) {
                    cols[i] = m.group(i + 1).trim();
                }
                current.add(cols);
            }
        }
        return tables;
    }

    private static long total(List<String[]> table, String wq) {
        for (String[] r : table) {
            if (r[0].startsWith(wq)) {
                return Long.parseLong(r[1]);
            }
        }
        throw new AssertionError("no row " + wq);
    }

    private static void assertTwoOrMoreIntervalsWithGrowingTotals(String out, int expected) {
        List<List<String[]>> tables = tables(out);
        assertEquals(expected, tables.size(), out);
        assertTrue(total(tables.get(tables.size() - 1), "demo_percpu") > 0, out);
        assertTrue(total(tables.get(tables.size() - 1), "demo_percpu") >= total(tables.get(0), "demo_percpu"), out);
        // system workqueues come first, as in the kernel's list
        assertTrue(tables.get(0).get(0)[0].equals("events"), out);
        for (String[] r : tables.get(0)) {
            if (r[0].equals("demo_unbound")) {
                assertEquals("-", r[4], "no CPUhog column for unbound workqueues: " + out);
                assertEquals("-", r[6], "mayday only for MEM_RECLAIM: " + out);
            }
            if (r[0].equals("demo_reclaim")) {
                assertTrue(r[6].matches("\\d+") && r[7].matches("\\d+"), out);
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void withoutPidItMonitorsAnInProcessDemo() {
        String out = run("-i", "0.3", "-n", "3");
        assertTrue(out.startsWith("\n" + MonitorCommand.header() + "\n"), out);
        assertTwoOrMoreIntervalsWithGrowingTotals(out, 3);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void jsonLinesAndRegexFilter() {
        String out = run("-j", "-i", "0.2", "-n", "2", "demo_p", "demo_u");
        String[] lines = out.strip().split("\\R");
        assertEquals(4, lines.length, out); // two workqueues, two intervals
        for (String l : lines) {
            assertTrue(l.matches("\\{\"timestamp\":\\d+\\.\\d{3},\"runtime\":\"\\w+\",\"name\":\"demo_(percpu|unbound)\",.*\\}"), l);
            for (String key : new String[] {"unbound", "mem_reclaim", "started", "completed", "in_flight", "cpu_time",
                "cpu_hog", "cm_wakeup", "mayday", "rescued"}) {
                assertTrue(l.contains("\"" + key + "\":"), key + " in " + l);
            }
        }
        assertTrue(lines[2].contains("\"name\":\"demo_percpu\"") && !lines[2].contains("\"completed\":0,"), out);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void monitorsAChildJvmRunningTheWatchWorkload() throws Exception {
        try (ChildJvm child = new ChildJvm("io.corewq.bench.Main", "watch", "--seconds", "90")) {
            String line = child.expect(l -> l.startsWith("watch: ready"), 60);
            assertTrue(line.startsWith("watch: ready"), line);
            String out = run(Long.toString(child.pid()), "-i", "0.5", "-n", "3");
            List<List<String[]>> tables = tables(out);
            assertTrue(tables.size() >= 2, out);
            for (List<String[]> t : tables.subList(1, tables.size())) {
                assertTrue(total(t, "watch") > 0, "non-zero totals for the watch workqueue in every interval:\n" + out);
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void attachesToAChildJvmByPid() throws Exception {
        try (ChildJvm child = new ChildJvm(DemoWorkload.class.getName(), "--seconds", "90")) {
            String line = child.expect(l -> l.startsWith("ready pid="), 60);
            assertTrue(line.startsWith("ready pid=" + child.pid()), line);
            String out = run(Long.toString(child.pid()), "-i", "0.5", "-n", "3");
            assertTwoOrMoreIntervalsWithGrowingTotals(out, 3);
        }
    }

    @Test
    void usageErrorsAndHelp() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        assertEquals(MonitorCommand.USAGE, MonitorCommand.run(new String[] {"-x"}, out));
        assertEquals(MonitorCommand.USAGE, MonitorCommand.run(new String[] {"-i"}, out));
        assertEquals(MonitorCommand.USAGE, MonitorCommand.run(new String[] {"-i", "-1"}, out));
        assertEquals(MonitorCommand.USAGE, MonitorCommand.run(new String[] {"-n", "0"}, out));
        assertEquals(MonitorCommand.USAGE, MonitorCommand.run(new String[] {"x", "(("}, out));
        assertEquals(0, MonitorCommand.run(new String[] {"-h"}, out));
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("unknown option -x") && s.contains("usage: monitor"), s);
        assertEquals(1, MonitorCommand.run(new String[] {Long.toString(ProcessHandle.current().pid()), "-i", "0"}, out),
                "attaching to itself is refused by the JDK");
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("cannot attach"));
    }

    @Test
    void jsonStringsAreEscaped() {
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001\"", MonitorCommand.quote("a\"b\\c\nd\u0001"));
    }
}
