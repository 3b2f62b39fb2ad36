// Proves the optional dependency: the JMX and JFR observers and the engine run with no Micrometer on the class path.
package io.corewq.observe;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class NoMicrometerTest {

    /** Loaded by the isolated class loader; uses only what core users without Micrometer have. */
    public static final class Probe implements Callable<String> {
        @Override
        public String call() throws Exception {
            javax.management.MBeanServer mbs = javax.management.MBeanServerFactory.newMBeanServer();
            try (io.corewq.CpuRuntime rt = io.corewq.CpuRuntime.builder().build();
                    CorewqJmx jmx = CorewqJmx.register(rt, "nomicrometer", false, mbs)) {
                io.corewq.Work w = new io.corewq.Work(() -> { });
                rt.systemWq().queue(w);
                w.flush();
                io.corewq.observe.jfr.JfrEvents.workEnabled();
                io.corewq.observe.jfr.JfrEvents.work("wq", "item", 0, 0, 1);
                return String.valueOf(mbs.getAttribute(jmx.runtimeObjectName(), "PossibleCpuCount"));
            }
        }
    }

    private static boolean micrometerJar(String entry) {
        String f = Path.of(entry).getFileName().toString();
        return entry.contains("micrometer") || f.startsWith("HdrHistogram") || f.startsWith("LatencyUtils");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void coreRunsWithoutMicrometerOnTheClassPath() throws Exception {
        String cp = System.getProperty("java.class.path");
        List<URL> urls = new ArrayList<>();
        boolean droppedSome = false;
        for (String entry : cp.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            if (micrometerJar(entry)) {
                droppedSome = true;
            } else {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        assertTrue(droppedSome, "the test class path should hold Micrometer, to be dropped: " + cp);
        try (URLClassLoader isolated = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class, () -> isolated.loadClass("io.micrometer.core.instrument.MeterRegistry"));
            Class<?> probe = isolated.loadClass(Probe.class.getName());
            assertFalse(probe == Probe.class, "the probe must come from the isolated loader");
            @SuppressWarnings("unchecked")
            Callable<String> c = (Callable<String>) probe.getDeclaredConstructor().newInstance();
            assertTrue(Integer.parseInt(c.call()) > 0, "the runtime MBean answered");
            // the binder itself needs Micrometer, and only it
            assertThrows(NoClassDefFoundError.class, () -> isolated.loadClass("io.corewq.observe.micrometer.CorewqMeterBinder")
                    .getDeclaredConstructors());
        }
    }
}
