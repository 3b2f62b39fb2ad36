// Observability of corewq runtimes: JMX MBeans here, JFR events in .jfr, Micrometer meters in .micrometer.
/**
 * Observability of corewq: {@link io.corewq.observe.CorewqJmx} registers MXBeans for a runtime and
 * its workqueues; {@link io.corewq.observe.jfr.JfrEvents} emits Flight Recorder events;
 * {@link io.corewq.observe.micrometer.CorewqMeterBinder} binds the counters to Micrometer (an
 * optional dependency). The engine tells the JMX and Micrometer observers about workqueues that
 * come and go through {@link io.corewq.observe.WorkqueueListener}.
 *
 * <p>Nothing here writes to standard output; failures that must not reach the engine are logged
 * through SLF4J.
 */
package io.corewq.observe;
