package org.bitclass.quant;

import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;

import java.util.List;

/**
 * The one check that an importance matrix was made for a model: every entry names a tensor of the model, and
 * at least half of the model's weight matrices have an entry. llama-imatrix records every matrix a text reaches,
 * so an imatrix of the model lacks at most a few (experts no token chose); the token embedding and the output
 * head are looked up rather than multiplied, and an imatrix need not cover them.
 */
public final class ImatrixMatch {

    private ImatrixMatch() {
    }

    /**
     * Refuses an imatrix of another model with one line naming both files.
     *
     * @return the weight matrices without an entry, for a warning (they are quantized without importance weights)
     */
    public static List<String> check(Imatrix imatrix, String imatrixName, GgufModel model) {
        String mismatch = "the imatrix " + imatrixName + " does not match " + model.path() + ": ";
        for (String name : imatrix.names()) {
            if (model.find(name).isEmpty()) {
                throw new IllegalArgumentException(mismatch + "it has data for '" + name
                        + "', which is not a tensor of the model");
            }
        }
        List<String> matrices = model.tensors().stream().filter(QuantizableTensors::allowsQuantization)
                .map(TensorInfo::name).filter(name -> !isEmbeddingOrHead(name)).toList();
        List<String> missing = matrices.stream().filter(name -> imatrix.entry(name).isEmpty()).toList();
        if (missing.size() * 2 > matrices.size()) {
            throw new IllegalArgumentException(mismatch + "it has no entry for " + missing.size() + " of the "
                    + matrices.size() + " weight matrices of the model, e.g. '" + missing.getFirst() + "'");
        }
        return missing;
    }

    /**
     * Refuses to combine two imatrix files of different models. Imatrix files of one model hold the same weight
     * matrices (only the output head depends on llama-imatrix's --process-output), so each entry of one must be
     * in the other, as each entry must be a tensor of the model in {@link #check}.
     */
    public static void checkSameModel(Imatrix a, String aName, Imatrix b, String bName) {
        onlyIn(b, a, "the imatrix " + bName + " does not match " + aName + ": ");
        onlyIn(a, b, "the imatrix " + aName + " does not match " + bName + ": ");
    }

    private static void onlyIn(Imatrix imatrix, Imatrix other, String mismatch) {
        for (String name : imatrix.names()) {
            if (!isEmbeddingOrHead(name) && other.entry(name).isEmpty()) {
                throw new IllegalArgumentException(mismatch + "it has data for '" + name
                        + "', which the other has not");
            }
        }
    }

    private static boolean isEmbeddingOrHead(String name) {
        return name.startsWith("token_embd") || name.equals("output.weight");
    }
}
