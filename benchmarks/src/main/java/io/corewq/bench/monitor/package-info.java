// The monitor command (wq_monitor for corewq) and the demo workload it watches.
/**
 * {@link io.corewq.bench.monitor.MonitorCommand}: {@code monitor [PID] [-i SECS] [-j] [-n COUNT]},
 * the kernel's wq_monitor over corewq's JMX MBeans; {@link io.corewq.bench.monitor.DemoWorkload}:
 * the workload it runs in-process without a PID, also runnable as a JVM of its own;
 * {@link io.corewq.bench.monitor.JfrFacadeBench}: the cost of the JFR facade's checks.
 */
package io.corewq.bench.monitor;
