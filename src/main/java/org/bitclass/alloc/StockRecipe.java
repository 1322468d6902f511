package org.bitclass.alloc;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.FileType;
import org.bitclass.quant.QuantRegistry;
import org.bitclass.quant.QuantizableTensors;
import org.bitclass.quant.TensorTypeOverrides;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * llama-quantize's stock recipes (Q4_K_M and friends): the type each tensor gets for a file type, as llama.cpp's
 * {@code llama_tensor_get_type} chooses it, for the file types BitClass can write. A pure value computation from
 * tensor names, shapes and a few hyperparameters; nothing is quantized here.
 *
 * <p>Tensors are visited in llama.cpp's order ({@link QuantizableTensors#LLAMA_ORDER}) because two rules count:
 * the n-th attn_v-like tensor and the n-th ffn_down are numbered as they are met, and a tensor that a
 * {@code --tensor-type} rule catches is not counted.
 *
 * <p>Per tensor, in llama.cpp's order of precedence: a tensor that may not be quantized keeps its type;
 * {@code --token-embedding-type} and {@code --output-tensor-type} win outright; if the file type's base type is
 * quantized (not F32/F16/BF16), the first matching {@code --tensor-type} rule, else (without {@code --pure}) the
 * recipe's rules, and finally the fallback for rows a block does not divide.
 */
public final class StockRecipe {

    private final FileType fileType;
    private final RecipeOptions options;

    public StockRecipe(FileType fileType, RecipeOptions options) {
        this.fileType = fileType;
        this.options = options;
    }

    /** The plan for an open model, its hyperparameters read from its metadata. */
    public RecipePlan plan(GgufModel model) {
        return plan(model.tensors(), RecipeHparams.read(model.metadata()));
    }

    /**
     * The plan for tensors given by name, shape and current type, in any order (they are visited in llama.cpp's).
     *
     * @throws IllegalArgumentException when a requested type cannot hold a tensor's rows and llama.cpp defines no
     *                                  fallback (llama-quantize fails there too)
     */
    public RecipePlan plan(List<TensorInfo> tensors, RecipeHparams hparams) {
        return new Visit(tensors, hparams).run();
    }

    /** The state of one pass over a model: llama.cpp's {@code quantize_state_impl} counters. */
    private final class Visit {
        private final List<TensorInfo> tensors;
        private final RecipeHparams hp;
        private final List<String> warnings = new ArrayList<>();
        private final boolean[] ruleUsed = new boolean[options.tensorTypes().rules().size()];
        private final int nAttentionV;
        private final int nFfnDown;
        private final boolean tiedEmbeddings;
        private int iAttentionV;
        private int iFfnDown;
        private int iFfnGate;
        private int iFfnUp;
        private int fallbacks;

        Visit(List<TensorInfo> tensors, RecipeHparams hp) {
            this.tensors = tensors.stream().sorted(QuantizableTensors.LLAMA_ORDER).toList();
            this.hp = hp;
            // counted over every tensor by name, whether or not it may be quantized
            this.nAttentionV = (int) this.tensors.stream().filter(t -> TensorCategory.of(t.name()).isAttentionV()).count();
            this.tiedEmbeddings = this.tensors.stream().noneMatch(t -> TensorCategory.of(t.name()) == TensorCategory.OUTPUT);
            this.nFfnDown = hp.nLayer();
        }

        RecipePlan run() {
            List<TensorInfo> out = new ArrayList<>(tensors.size());
            for (TensorInfo t : tensors) {
                out.add(t.withType(typeOf(t)));
            }
            warnAboutRules();
            if (fallbacks > 0) {
                warnings.add(String.format(Locale.ROOT, "warning: %d of %d tensor(s) required fallback quantization",
                        fallbacks, tensors.size()));
            }
            return new RecipePlan(fileType, out, warnings);
        }

        /** llama.cpp's {@code llama_tensor_get_type}. */
        private GgmlType typeOf(TensorInfo t) {
            if (!QuantizableTensors.allowsQuantization(t)) {
                return t.type();
            }
            TensorCategory category = TensorCategory.of(t.name());
            if (options.tokenEmbeddingType() != null && category == TensorCategory.TOKEN_EMBD) {
                return fitting(options.tokenEmbeddingType(), t, "--token-embedding-type");
            }
            if (options.outputType() != null && category == TensorCategory.OUTPUT) {
                return fitting(options.outputType(), t, "--output-tensor-type");
            }
            GgmlType type = fileType.baseType;
            if (!type.isQuantized()) {
                return type;
            }
            OptionalInt rule = options.tensorTypes().firstMatch(t.name());
            if (rule.isPresent()) {
                ruleUsed[rule.getAsInt()] = true;
                type = options.tensorTypes().rules().get(rule.getAsInt()).type();
            } else if (!options.pure()) {
                type = mixture(type, t, category);
            }
            GgmlType fitted = QuantRegistry.fallbackFor(type, t.rowLength());
            if (fitted != type) {
                fallbacks++;
                QuantRegistry.fallbackWarning(t.name(), type, t.rowLength()).ifPresent(w -> warnings.add(w.strip()));
            }
            return fitted;
        }

        /** The overrides that bypass the fallback: llama.cpp would fail on rows the type cannot hold, so do we. */
        private GgmlType fitting(GgmlType type, TensorInfo t, String option) {
            if (t.rowLength() % type.blockSize != 0) {
                throw new IllegalArgumentException(option + " " + type + " cannot hold " + t.name() + ": its rows of "
                        + t.rowLength() + " are not a multiple of " + type.blockSize);
            }
            return type;
        }

        /** llama.cpp's {@code llama_tensor_get_type_impl}, reduced to the file types BitClass writes. */
        private GgmlType mixture(GgmlType type, TensorInfo t, TensorCategory category) {
            if (category == TensorCategory.OUTPUT || (tiedEmbeddings && category == TensorCategory.TOKEN_EMBD)) {
                return outputType(type, t);
            }
            if (category == TensorCategory.TOKEN_EMBD) {
                return type; // only file types BitClass does not write (IQ1-3, TQ, Q2_0) change an untied embedding
            }
            if (category.isAttentionV()) {
                // attn_qkv lands here too, so llama.cpp's own attn_qkv rules (Q4_K_M -> Q5_K ...) never apply
                GgmlType chosen = attentionV(type);
                iAttentionV++;
                return chosen;
            }
            return switch (category) {
                case ATTENTION_K -> hp.nExpert() == 8 ? GgmlType.Q8_0 : type;
                case FFN_DOWN -> {
                    GgmlType chosen = ffnDown(type, layer(iFfnDown, t.name()));
                    iFfnDown++;
                    yield chosen;
                }
                case ATTENTION_OUTPUT -> attentionOutput(type);
                case FFN_GATE -> {
                    layer(iFfnGate++, t.name()); // its rules are for IQ3_XS only; the layer check still applies
                    yield type;
                }
                case FFN_UP -> {
                    layer(iFfnUp++, t.name());
                    yield type;
                }
                default -> type;
            };
        }

        private GgmlType outputType(GgmlType type, TensorInfo t) {
            if (options.outputType() != null) {
                return options.outputType();
            }
            if (hp.isFalcon() || t.rowLength() % type.blockSize != 0) {
                return GgmlType.Q8_0;
            }
            return type == GgmlType.Q8_0 ? type : GgmlType.Q6_K;
        }

        private GgmlType attentionV(GgmlType type) {
            int gqa = hp.nGqa();
            GgmlType chosen = switch (fileType) {
                case Q2_K -> gqa >= 4 ? GgmlType.Q4_K : GgmlType.Q3_K;
                case Q3_K_M -> iAttentionV < 2 ? GgmlType.Q5_K : GgmlType.Q4_K;
                case Q3_K_L -> GgmlType.Q5_K;
                case IQ4_NL, IQ4_XS -> gqa >= 4 ? GgmlType.Q5_K : type;
                case Q4_K_M, Q5_K_M -> moreBits(iAttentionV, nAttentionV) ? GgmlType.Q6_K : type;
                case Q4_K_S -> iAttentionV < 4 ? GgmlType.Q5_K : type;
                default -> type;
            };
            if (hp.is70B() && (chosen == GgmlType.Q3_K || chosen == GgmlType.Q4_K)) {
                chosen = GgmlType.Q5_K; // 8 query heads share each attn_v row: more bits for little size
            }
            return hp.nExpert() == 8 ? GgmlType.Q8_0 : chosen;
        }

        private GgmlType ffnDown(GgmlType type, int layer) {
            int n = nFfnDown;
            boolean falcon = hp.isFalcon();
            return switch (fileType) {
                case Q2_K -> GgmlType.Q3_K;
                case Q3_K_M -> layer < n / 16 ? GgmlType.Q5_K
                        : !falcon || moreBits(layer, n) ? GgmlType.Q4_K : GgmlType.Q3_K;
                case Q3_K_L -> falcon ? GgmlType.Q4_K : GgmlType.Q5_K;
                case Q4_K_M -> falcon
                        ? (layer < n / 16 ? GgmlType.Q6_K : moreBits(layer, n) ? GgmlType.Q5_K : GgmlType.Q4_K)
                        : (moreBits(layer, n) ? GgmlType.Q6_K : type);
                case IQ4_NL, IQ4_XS -> layer < n / 8 && !options.hasImatrix() ? GgmlType.Q5_K : type;
                case Q5_K_M -> moreBits(layer, n) ? GgmlType.Q6_K : type;
                case Q4_K_S -> !falcon && layer < n / 8 ? GgmlType.Q5_K : type;
                // with an imatrix only, so that without one Q4_0/Q5_0 stay what they always were
                case Q4_0 -> options.hasImatrix() && layer < n / 8 ? GgmlType.Q4_1 : type;
                case Q5_0 -> options.hasImatrix() && layer < n / 8 ? GgmlType.Q5_1 : type;
                default -> type;
            };
        }

        private GgmlType attentionOutput(GgmlType type) {
            if (hp.isFalcon()) {
                return fileType == FileType.Q3_K_L ? GgmlType.Q4_K : type;
            }
            if (hp.nExpert() == 8) {
                return switch (fileType) {
                    case Q2_K, Q3_K_S, Q3_K_M, IQ4_NL, Q4_K_S, Q4_K_M, IQ4_XS -> GgmlType.Q5_K;
                    default -> type;
                };
            }
            return switch (fileType) {
                case Q2_K -> GgmlType.Q3_K;
                case Q3_K_M -> GgmlType.Q4_K;
                case Q3_K_L -> GgmlType.Q5_K;
                default -> type;
            };
        }

        /**
         * The layer a per-layer rule uses: the running count of such tensors, except in mixture-of-experts
         * models, whose expert tensors are not one per layer in order, where it is read from the name.
         */
        private int layer(int counter, String name) {
            if (Math.max(1, hp.nExpert()) == 1) {
                return counter;
            }
            int layer = QuantizableTensors.layerOf(name);
            if (layer < 0) {
                throw new IllegalArgumentException("failed to determine the layer of tensor " + name);
            }
            if (layer >= hp.nLayer()) {
                throw new IllegalArgumentException("bad layer " + layer + " for tensor " + name + ": must be in [0, "
                        + hp.nLayer() + ")");
            }
            return layer;
        }

        private void warnAboutRules() {
            List<TensorTypeOverrides.Rule> rules = options.tensorTypes().rules();
            if (!rules.isEmpty() && !fileType.baseType.isQuantized()) {
                warnings.add("warning: --tensor-type rules are ignored for " + fileType
                        + ": llama-quantize applies them only to quantized file types");
                return;
            }
            for (int i = 0; i < rules.size(); i++) {
                if (!ruleUsed[i]) {
                    warnings.add("warning: --tensor-type '" + rules.get(i).spec()
                            + "' matched no quantizable tensor (or only ones an earlier rule took)");
                }
            }
        }
    }

    /**
     * The layers the _M recipes give more bits: the first and last eighth, and every third layer in between.
     */
    static boolean moreBits(int layer, int nLayers) {
        return layer < nLayers / 8 || layer >= 7 * nLayers / 8 || (layer - nLayers / 8) % 3 == 2;
    }
}
