// Test support: a child JVM running the `watch` subcommand, with its output read line by line and bounded waits.
package io.corewq.bench;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** {@code java -cp <this class path> io.corewq.bench.Main watch --seconds 60}, for the OS-level hotplug tests. */
final class WatchChild implements AutoCloseable {
    final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    WatchChild() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "io.corewq.bench.Main", "watch", "--seconds", "60").redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // the child ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    long pid() {
        return process.pid();
    }

    /** Waits for a line matching {@code p}; fails with the child's output so far after {@code seconds}. */
    String expect(Predicate<String> p, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (;;) {
            long left = end - System.nanoTime();
            String l = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (l == null) {
                fail("expected line not seen within " + seconds + " s; child output so far:\n" + String.join("\n", seen));
            }
            seen.add(l);
            if (p.test(l)) {
                return l;
            }
        }
    }

    /** The child's output so far. */
    String output() {
        return String.join("\n", seen);
    }

    /** Waits for two progress lines with growing completion counts: the workload keeps running. */
    void expectProgress() throws InterruptedException {
        long before = completed(expect(l -> l.startsWith("watch: completed="), 10));
        expect(l -> l.startsWith("watch: completed=") && completed(l) > before, 10);
    }

    static long completed(String line) {
        return Long.parseLong(line.replaceAll("watch: completed=(\\d+).*", "$1"));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }
}
