package org.bitclass.model;

import org.bitclass.model.kernel.MatMul;
import org.bitclass.model.kernel.WeightMatrix;

/** A weight matrix with its optional bias ({@code y = W·x + b}); llama.cpp adds the bias after the product. */
record Linear(WeightMatrix w, float[] bias) {

    MatMul.Product into(float[] out) {
        return new MatMul.Product(w, bias, out);
    }
}
