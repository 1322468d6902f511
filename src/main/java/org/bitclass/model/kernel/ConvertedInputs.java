package org.bitclass.model.kernel;

import java.util.HashMap;
import java.util.Map;

/**
 * Per input format, the activations a model's last product converted ({@link WeightMatrix#prepareInput}): the next
 * conversion to that format writes into the same arrays rather than new ones, so a forward pass makes no garbage
 * the size of its batch. One product at a time uses them.
 */
public final class ConvertedInputs {

    private final Map<Object, Object> lastByFormat = new HashMap<>();

    /** {@code x} ({@code [nTokens × cols]}) converted for {@code w}, reusing the arrays of its format's last input. */
    Object convert(WeightMatrix w, float[] x, int nTokens) {
        Object format = w.inputFormat(nTokens);
        Object input = w.prepareInput(x, nTokens, lastByFormat.get(format));
        lastByFormat.put(format, input);
        return input;
    }
}
