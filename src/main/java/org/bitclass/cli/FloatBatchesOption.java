package org.bitclass.cli;

import org.bitclass.model.kernel.QuantizedBatches;
import picocli.CommandLine.Option;

/** The opt-in float path for batches of quantized weights, offered by the commands that run a model for speed. */
final class FloatBatchesOption {

    @Option(names = "--float-batches", description = "faster prompts, but results no longer llama.cpp's to the "
            + "last bits: batches of 16 or more tokens take Q8_0, Q4_0, IQ4_NL and IQ4_XS weights decoded to float "
            + "and activations not rounded to Q8 (default: off)")
    boolean on;

    QuantizedBatches batches() {
        return on ? QuantizedBatches.FLOAT : QuantizedBatches.EXACT;
    }
}
