// Test support: a child JVM on this test class path (the `watch` workload, or any main class), its output read line by line, bounded waits.
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

/**
 * {@code java -cp <this class path> MAIN ARGS...}. A reader thread takes every output line as it
 * comes (so the child never blocks on a full pipe); {@link #expect} waits for one, bounded.
 */
public final class ChildJvm implements AutoCloseable {
    final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    /** The {@code watch} workload for 60 s, for the OS-level hotplug tests (see {@link #expectProgress}). */
    static ChildJvm watch() throws IOException {
        return new ChildJvm("io.corewq.bench.Main", "watch", "--seconds", "60");
    }

    public ChildJvm(String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
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

    public long pid() {
        return process.pid();
    }

    /** Waits for a line matching {@code p}; fails with the child's output so far after {@code seconds}. */
    public String expect(Predicate<String> p, int seconds) throws InterruptedException {
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

    /** {@link #watch()} only: waits for two progress lines with growing completion counts (the workload keeps running). */
    void expectProgress() throws InterruptedException {
        long before = completed(expect(l -> l.startsWith("watch: completed="), 10));
        expect(l -> l.startsWith("watch: completed=") && completed(l) > before, 10);
    }

    static long completed(String line) {
        return Long.parseLong(line.replaceAll("watch: completed=(\\d+).*", "$1"));
    }

    /** Kills the child and waits (bounded) for it to end. */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }
}
