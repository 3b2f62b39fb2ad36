// Runs the torture for 30 s with 8 logical CPUs (CI) and requires every count to be zero.
package io.corewq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TortureTest {
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void fifteenSecondsOnTheRealCpusPinnedMisplaceNothing() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int status = Main.run(new String[] {"torture", "--seconds", "15"}, out, System.err);
        String text = buf.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        String last = text.strip().substring(text.strip().lastIndexOf('\n') + 1);
        if (text.contains("needs at least 2 CPUs")) {
            System.out.println("TortureTest (real CPUs) skipped: " + text.strip());
            return;
        }
        assertTrue(last.matches("items=\\d+ hotplug_ops=\\d+ lost=0 duplicated=0 misplaced=0 stuck_flushes=0"), last);
        assertEquals(0, status);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void thirtySecondsWithEightLogicalCpusLoseNothing() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int status = Main.run(new String[] {"torture", "--seconds", "30", "--cpus", "8"}, out, System.err);
        String text = buf.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        String last = text.strip().substring(text.strip().lastIndexOf('\n') + 1);
        assertTrue(last.matches("items=\\d+ hotplug_ops=\\d+ lost=0 duplicated=0 misplaced=0 stuck_flushes=0"), last);
        assertTrue(Long.parseLong(last.replaceAll(".*hotplug_ops=(\\d+).*", "$1")) > 100, last);
        assertEquals(0, status);
    }
}
