package org.bitclass.alloc;

import org.bitclass.gguf.GgmlType;
import org.bitclass.quant.TensorTypeOverrides;

/**
 * llama-quantize's options that change the stock recipe.
 *
 * @param pure               {@code --pure}: every quantizable tensor gets the file type's base type (no mixture)
 * @param outputType         {@code --output-tensor-type}, or null
 * @param tokenEmbeddingType {@code --token-embedding-type}, or null
 * @param tensorTypes        {@code --tensor-type} / {@code --tensor-type-file} rules, in command-line order
 * @param hasImatrix         whether an importance matrix is given (a few rules depend on it)
 */
public record RecipeOptions(boolean pure, GgmlType outputType, GgmlType tokenEmbeddingType,
                            TensorTypeOverrides tensorTypes, boolean hasImatrix) {

    /** llama-quantize's defaults: the stock mixture, no overrides, no imatrix. */
    public static final RecipeOptions DEFAULT = new RecipeOptions(false, null, null, TensorTypeOverrides.NONE, false);

    public RecipeOptions withPure(boolean value) {
        return new RecipeOptions(value, outputType, tokenEmbeddingType, tensorTypes, hasImatrix);
    }

    public RecipeOptions withOutputType(GgmlType value) {
        return new RecipeOptions(pure, value, tokenEmbeddingType, tensorTypes, hasImatrix);
    }

    public RecipeOptions withTokenEmbeddingType(GgmlType value) {
        return new RecipeOptions(pure, outputType, value, tensorTypes, hasImatrix);
    }

    public RecipeOptions withTensorTypes(TensorTypeOverrides value) {
        return new RecipeOptions(pure, outputType, tokenEmbeddingType, value, hasImatrix);
    }

    public RecipeOptions withImatrix(boolean value) {
        return new RecipeOptions(pure, outputType, tokenEmbeddingType, tensorTypes, value);
    }
}
