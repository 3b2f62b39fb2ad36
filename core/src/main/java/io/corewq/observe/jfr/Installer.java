// Watches for the Flight Recorder to come up (now or later) and then switches the corewq events on.
package io.corewq.observe.jfr;

import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;

/** The listener {@link JfrEvents} installs; a class of its own so JfrEvents links without jdk.jfr. */
final class Installer implements FlightRecorderListener {
    private Installer() {
    }

    /**
     * Adds the listener. If the recorder is already up (e.g. {@code -XX:StartFlightRecording}), JFR
     * calls {@link #recorderInitialized} from inside this call.
     */
    static void install() {
        FlightRecorder.addListener(new Installer());
    }

    /** CONTEXT: the thread that initialised the recorder (or the installing thread, if it was up already). */
    @Override
    public void recorderInitialized(FlightRecorder recorder) {
        Emitter.registerAll();
        JfrEvents.activate();
    }
}
