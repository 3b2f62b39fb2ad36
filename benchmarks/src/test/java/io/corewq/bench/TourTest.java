// Runs the tour in-process through Main and checks it ends with "tour: ok"; also the usage errors of Main.
package io.corewq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TourTest {

    private static final class Captured {
        final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

        String out() {
            return outBytes.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return errBytes.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void tourEndsWithOk() throws Exception {
        Captured c = new Captured();
        int status = Main.run(new String[] {"tour"}, c.out, c.err);
        String out = c.out();
        assertEquals(0, status, out);
        String[] lines = out.split("\\R");
        assertEquals("tour: ok", lines[lines.length - 1], out);
        for (String step : new String[] {"cpus:", "each cpu:", "ordered:", "delayed:", "flush:", "cancelSync:"}) {
            assertTrue(out.contains("\n" + step) || out.startsWith(step), "no '" + step + "' line in\n" + out);
        }
    }

    @Test
    void missingCommandIsUsageError() throws Exception {
        Captured c = new Captured();
        assertEquals(2, Main.run(new String[0], c.out, c.err));
        assertTrue(c.err().startsWith("usage:"), c.err());
        assertTrue(c.err().contains("tour") && c.err().contains("jmh") && c.err().contains("topology"), c.err());
        assertEquals("", c.out());
    }

    @Test
    void unknownCommandIsUsageError() throws Exception {
        Captured c = new Captured();
        assertEquals(2, Main.run(new String[] {"nosuch"}, c.out, c.err));
        assertTrue(c.err().contains("unknown command 'nosuch'"), c.err());
    }

    @Test
    void tourTakesNoArguments() throws Exception {
        Captured c = new Captured();
        assertEquals(2, Main.run(new String[] {"tour", "extra"}, c.out, c.err));
    }
}
