// Micrometer binding of corewq's counters; the only package that needs micrometer-core.
/**
 * {@link io.corewq.observe.micrometer.CorewqMeterBinder}: corewq's workqueue and runtime counters
 * as Micrometer meters. {@code io.micrometer:micrometer-core} is an optional dependency of
 * corewq-core: add it yourself to use this package.
 */
package io.corewq.observe.micrometer;
