package org.bitclass.model;

import java.util.List;
import java.util.function.Consumer;

/** Passes generated text on, holding back what might be the start of a stop string; reports when one appears. */
public final class StopMatcher {
    private final List<String> stops;
    private final Consumer<String> sink;
    private final StringBuilder text = new StringBuilder();
    private int emitted;

    public StopMatcher(List<String> stops, Consumer<String> sink) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
        this.sink = sink;
    }

    /** Returns true when a stop string is complete; the text is then cut before it. */
    public boolean push(String piece) {
        text.append(piece);
        int cut = -1;
        for (String s : stops) {
            int at = text.indexOf(s, Math.max(0, emitted - s.length()));
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
            }
        }
        if (cut >= 0) {
            text.setLength(cut);
            emitUpTo(cut);
            return true;
        }
        emitUpTo(text.length() - heldBack());
        return false;
    }

    /** Length of the longest end of the text that begins some stop string. */
    private int heldBack() {
        int held = 0;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, text.length()); k > held; k--) {
                if (s.regionMatches(0, text.substring(text.length() - k), 0, k)) {
                    held = k;
                    break;
                }
            }
        }
        return held;
    }

    /** Passes on what was held back: the text ends here. */
    public void finish() {
        emitUpTo(text.length());
    }

    private void emitUpTo(int end) {
        if (end > emitted) {
            sink.accept(text.substring(emitted, end));
            emitted = end;
        }
    }

    /** All text passed on so far (or being held back). */
    public String text() {
        return text.toString();
    }
}
