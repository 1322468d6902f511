package org.bitclass.model.synth;

/** How the values of a synthetic tensor are drawn, by its role: plausible scales keep activations finite. */
enum WeightKind {
    NORM, DECAY, DT_BIAS, CONV, BIAS, EMBEDDING, MATRIX;

    static WeightKind of(String name) {
        WeightKind k;
        if (name.endsWith("norm.weight")) {
            k = NORM;
        } else if (name.endsWith("ssm_a")) {
            k = DECAY;
        } else if (name.endsWith("ssm_dt.bias")) {
            k = DT_BIAS;
        } else if (name.contains("ssm_conv1d")) {
            k = CONV;
        } else if (name.endsWith(".bias")) {
            k = BIAS;
        } else if (name.startsWith("token_embd") || name.startsWith("output.")) {
            k = EMBEDDING;
        } else {
            k = MATRIX;
        }
        return k;
    }

    void fill(float[] row, RowRandom random) {
        int n = row.length;
        for (int i = 0; i < n; i++) {
            float g = random.nextGaussian();
            row[i] = switch (this) {
                case NORM -> 1f + 0.1f * g;
                case DECAY -> (float) -Math.exp(0.5 * g);
                case DT_BIAS -> 0.5f * g;
                case CONV -> g * 0.5f;
                case BIAS -> 0.02f * g;
                case EMBEDDING -> 0.02f * g;
                case MATRIX -> g / (float) Math.sqrt(n);
            };
        }
    }
}
