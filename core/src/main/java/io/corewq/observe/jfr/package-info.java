// Java Flight Recorder events of corewq and the facade the engine emits them through.
/**
 * Flight Recorder events of corewq ({@code io.corewq.*} in a recording, category "corewq") and
 * {@link io.corewq.observe.jfr.JfrEvents}, the facade the engine calls. The event classes are
 * public because JFR requires it; emit them only through the facade.
 */
package io.corewq.observe.jfr;
