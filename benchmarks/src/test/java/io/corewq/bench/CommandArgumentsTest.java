// Bad arguments to corewq.jar's commands exit with the usage status (2) instead of a stack trace, and -h prints the usage and exits 0.
package io.corewq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CommandArgumentsTest {
    private static int run(String... args) throws Exception {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return Main.run(args, sink, sink);
    }

    @Test
    void badArgumentsExitWithTheUsageStatus() throws Exception {
        // Found by review, 2026-11-22: these threw NumberFormatException or
        // ArrayIndexOutOfBoundsException (exit 1, torture's "failures found" status).
        String[][] bad = {
            {"torture", "--seconds"},
            {"torture", "--cpus", "x"},
            {"torture", "--cpus", "1"},
            {"torture", "--producers", "0"},
            {"watch", "--seconds", "abc"},
            {"watch", "--seconds", "0"},
            {"watch", "--minutes", "1"},
            {"slices", "--rows", ","},
            {"charts", "/nonexistent/corewq-results.json"},
            {"summary", "/nonexistent/corewq-results.json"},
        };
        for (String[] args : bad) {
            assertEquals(Main.USAGE, run(args), String.join(" ", args));
        }
    }

    @Test
    void helpPrintsTheUsageAndSucceeds() throws Exception {
        for (String cmd : new String[] {"torture", "watch", "slices"}) {
            assertEquals(0, run(cmd, "-h"), cmd + " -h");
        }
    }
}
