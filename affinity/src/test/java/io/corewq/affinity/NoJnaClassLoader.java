// Test helper: a class loader with corewq, OpenHFT and SLF4J but no JNA, to exercise the "no JNA" fallback.
package io.corewq.affinity;

import io.corewq.cpu.CpuSet;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads corewq-core, corewq-affinity, OpenHFT affinity and SLF4J from their own locations, with
 * the platform class loader as parent, so {@code com.sun.jna} is missing as on a machine without JNA.
 */
final class NoJnaClassLoader extends URLClassLoader {

    NoJnaClassLoader() {
        super("no-jna", urls(), ClassLoader.getPlatformClassLoader());
    }

    private static URL[] urls() {
        List<URL> l = new ArrayList<>();
        for (String anchor : new String[] {
            CpuSet.class.getName(),                   // corewq-core
            OpenHftBinder.class.getName(),            // corewq-affinity (with its META-INF/services)
            "net.openhft.affinity.Affinity",          // OpenHFT
            "org.slf4j.LoggerFactory",                // slf4j-api
            "org.slf4j.simple.SimpleLogger",          // slf4j-simple
        }) {
            try {
                l.add(Class.forName(anchor).getProtectionDomain().getCodeSource().getLocation());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(anchor + " not on the test class path", e);
            }
        }
        return l.toArray(new URL[0]);
    }

    /** Whether JNA is really hidden from this loader. */
    boolean hidesJna() {
        try {
            Class.forName("com.sun.jna.Native", false, this);
            return false;
        } catch (ClassNotFoundException e) {
            return true;
        }
    }
}
