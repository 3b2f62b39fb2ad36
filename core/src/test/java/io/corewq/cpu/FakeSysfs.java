// Test helper that writes fake sysfs CPU/cache/NUMA trees, including the 2-socket 128-CPU machine.
package io.corewq.cpu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds a fake {@code /sys} below a folder, file by file, in the kernel's formats. The small
 * trees are committed under {@code src/test/resources/sysfs} (see {@code make-trees.sh} there);
 * the 128-CPU tree is built here in a temporary folder because it has some two thousand files.
 */
final class FakeSysfs {
    final Path root;

    FakeSysfs(Path root) {
        this.root = root;
    }

    /** A committed tree from {@code src/test/resources/sysfs/NAME}. */
    static Path committed(String name) {
        try {
            return Path.of(FakeSysfs.class.getResource("/sysfs/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test tree sysfs/" + name, e);
        }
    }

    FakeSysfs write(String rel, String content) {
        try {
            Path p = root.resolve(rel);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    FakeSysfs online(String list) {
        return write("devices/system/cpu/online", list);
    }

    FakeSysfs cpu(int cpu, int pkg, int core, String siblings) {
        String d = "devices/system/cpu/cpu" + cpu + "/topology/";
        write(d + "physical_package_id", Integer.toString(pkg));
        write(d + "core_id", Integer.toString(core));
        write(d + "thread_siblings_list", siblings);
        return write(d + "core_cpus_list", siblings);
    }

    FakeSysfs cache(int cpu, int index, int level, String type, String shared) {
        String d = "devices/system/cpu/cpu" + cpu + "/cache/index" + index + "/";
        write(d + "level", Integer.toString(level));
        write(d + "type", type);
        return write(d + "shared_cpu_list", shared);
    }

    FakeSysfs node(int node, String cpulist) {
        return write("devices/system/node/node" + node + "/cpulist", cpulist);
    }

    /**
     * (a) Two sockets x 32 cores x SMT-2 = 128 CPUs, numbered as x86 Linux does: socket s has
     * cores {@code 32s..32s+31} and their siblings {@code +64}. L1d/L1i/L2 per core, one L3 per
     * socket, one NUMA node per socket.
     */
    static FakeSysfs twoSocket128(Path root) {
        FakeSysfs f = new FakeSysfs(root).online("0-127");
        for (int s = 0; s < 2; s++) {
            String socket = (32 * s) + "-" + (32 * s + 31) + "," + (64 + 32 * s) + "-" + (64 + 32 * s + 31);
            f.node(s, socket);
            for (int k = 0; k < 32; k++) {
                int first = 32 * s + k;
                String sib = first + "," + (first + 64);
                for (int cpu : new int[] {first, first + 64}) {
                    f.cpu(cpu, s, k, sib);
                    f.cache(cpu, 0, 1, "Data", sib);
                    f.cache(cpu, 1, 1, "Instruction", sib);
                    f.cache(cpu, 2, 2, "Unified", sib);
                    f.cache(cpu, 3, 3, "Unified", socket);
                }
            }
        }
        return f;
    }
}
