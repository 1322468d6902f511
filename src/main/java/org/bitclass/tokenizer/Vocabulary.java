package org.bitclass.tokenizer;

import org.bitclass.gguf.GgufMetadata;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A tokenizer vocabulary read from GGUF metadata with llama.cpp's loading rules ({@code llama_vocab::impl::load}):
 * model defaults, special token ids, control-type fix-ups of well-known special tokens by their text, the set of
 * end-of-generation tokens, and the order in which special tokens are split out of text.
 */
final class Vocabulary {

    static final int NONE = -1;
    private static final String KEY = "tokenizer.ggml.";

    /** The tokenizer models we implement, by their {@code tokenizer.ggml.model} name. */
    enum Model {
        BPE("gpt2"), SPM("llama");

        final String ggufName;

        Model(String ggufName) {
            this.ggufName = ggufName;
        }
    }

    // token texts llama.cpp recognises (llama-vocab.cpp, special token auto-detection)
    private static final Set<String> EOT_TEXTS = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>",
            "<end_of_utterance>");
    private static final Set<String> EOM_TEXTS = Set.of("<|eom_id|>");
    private static final Set<String> FIM_PRE_TEXTS = Set.of("<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>",
            "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>");
    private static final Set<String> FIM_SUF_TEXTS = Set.of("<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>",
            "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>");
    private static final Set<String> FIM_MID_TEXTS = Set.of("<|fim_middle|>", "<fim-middle>", "<fim_middle>",
            "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>");
    private static final Set<String> FIM_PAD_TEXTS = Set.of("<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]");
    private static final Set<String> FIM_REP_TEXTS = Set.of("<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>",
            "<reponame>");
    private static final Set<String> FIM_SEP_TEXTS = Set.of("<|file_sep|>");
    private static final Set<String> EOG_TEXTS = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>",
            "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>",
            "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>",
            "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~[");
    private static final Set<String> ALWAYS_RENDERED_TEXTS = Set.of("<|channel|>", "<|message|>", "<|start|>",
            "<|constrain|>");

    final Model model;
    final PreTokenizer pre;        // byte-level BPE only
    final String[] texts;
    final float[] scores;
    final int[] attrs;
    final List<String> merges;     // byte-level BPE only
    final int bos;
    final int eos;
    final int eot;
    final boolean addBos;
    final boolean addEos;
    final boolean addSpacePrefix;
    final boolean cleanSpaces;
    final boolean ignoreMerges;
    /** Control, user-defined and unknown tokens, longest text (in UTF-8 bytes) first. */
    final int[] specialTokens;
    private final Map<String, Integer> ids;
    private final BitSet eog;

    private Vocabulary(Builder b) {
        this.model = b.model;
        this.pre = b.pre;
        this.texts = b.texts;
        this.scores = b.scores;
        this.attrs = b.attrs;
        this.merges = b.merges;
        this.ids = b.ids;
        this.bos = b.bos;
        this.eos = b.eos;
        this.eot = b.eot;
        this.addBos = b.addBos;
        this.addEos = b.addEos;
        this.addSpacePrefix = b.addSpacePrefix;
        this.cleanSpaces = b.cleanSpaces;
        this.ignoreMerges = b.ignoreMerges;
        this.specialTokens = b.specialTokens;
        this.eog = b.eog;
    }

    int size() {
        return texts.length;
    }

    /** The id of the token with exactly this text, or NONE. */
    int id(String text) {
        Integer id = ids.get(text);
        return id == null ? NONE : id;
    }

    boolean has(int id, int attr) {
        return (attrs[id] & attr) != 0;
    }

    boolean isEog(int id) {
        return id >= 0 && eog.get(id);
    }

    int[] eogIds() {
        return eog.stream().toArray();
    }

    static Vocabulary fromMetadata(GgufMetadata md) {
        return new Builder(md).build();
    }

    /** The loading steps, in llama.cpp's order; the fields end up in the immutable Vocabulary. */
    private static final class Builder {
        final GgufMetadata md;
        Model model;
        PreTokenizer pre;
        String[] texts;
        float[] scores;
        int[] attrs;
        List<String> merges = List.of();
        Map<String, Integer> ids;
        int bos;
        int eos;
        int eot = NONE;
        int eom = NONE;
        int fimPad = NONE;
        int fimRep = NONE;
        int fimSep = NONE;
        boolean addBos;
        boolean addEos;
        boolean addSpacePrefix;
        boolean cleanSpaces;
        boolean ignoreMerges;
        int[] specialTokens;
        BitSet eog = new BitSet();

        Builder(GgufMetadata md) {
            this.md = md;
        }

        Vocabulary build() {
            readModelDefaults();
            readTokens();
            readSpecialIds();
            detectSpecialTokensByText();
            collectEndOfGeneration();
            orderSpecialTokens();
            applyStripAttributes();
            return new Vocabulary(this);
        }

        private void readModelDefaults() {
            String name = md.getString(KEY + "model");
            model = Arrays.stream(Model.values()).filter(m -> m.ggufName.equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unsupported tokenizer model '" + name
                            + "' (tokenizer.ggml.model); supported: gpt2 (byte-level BPE), llama (SentencePiece)"));
            if (model == Model.SPM) {
                bos = 1;
                eos = 2;
                addSpacePrefix = true;
                addBos = true;
            } else {
                pre = PreTokenizer.forName(md.getString(KEY + "pre", PreTokenizer.DEFAULT_NAME));
                if (!md.contains(KEY + "merges")) {
                    throw new IllegalArgumentException("byte-level BPE vocabulary without tokenizer.ggml.merges");
                }
                merges = List.of(md.getArray(KEY + "merges").strings());
                bos = pre.has(PreTokenizer.Option.NO_DEFAULT_BOS) ? NONE : 11;
                eos = 11;
                cleanSpaces = pre.has(PreTokenizer.Option.CLEAN_SPACES);
                ignoreMerges = pre.has(PreTokenizer.Option.IGNORE_MERGES);
                addBos = pre.has(PreTokenizer.Option.ADD_BOS);
            }
            addSpacePrefix = md.getBool(KEY + "add_space_prefix", addSpacePrefix);
        }

        private void readTokens() {
            String[] raw = md.getArray(KEY + "tokens").strings();
            int n = raw.length;
            texts = new String[n];
            ids = HashMap.newHashMap(n);
            for (int i = 0; i < n; i++) {
                texts[i] = raw[i].isEmpty() ? "[EMPTY_" + i + "]" : raw[i];
                ids.put(texts[i], i);
            }
            scores = new float[n];
            if (md.contains(KEY + "scores")) {
                float[] s = md.getArray(KEY + "scores").floats();
                if (s.length < n) {
                    throw new IllegalArgumentException("tokenizer.ggml.scores has " + s.length + " entries for " + n + " tokens");
                }
                System.arraycopy(s, 0, scores, 0, n);
            }
            attrs = new int[n];
            if (md.contains(KEY + "token_type")) {
                long[] types = md.getArray(KEY + "token_type").longs();
                if (types.length < n) {
                    throw new IllegalArgumentException("tokenizer.ggml.token_type has " + types.length + " entries for " + n + " tokens");
                }
                for (int i = 0; i < n; i++) {
                    attrs[i] = TokenAttr.fromGgufType(types[i]);
                }
            } else {
                Arrays.fill(attrs, TokenAttr.NORMAL);
            }
        }

        /** A metadata id replaces the default when it is in range; a default out of range is dropped. */
        private int specialId(String key, int fallback) {
            int id = fallback >= texts.length ? NONE : fallback;
            if (md.contains(KEY + key)) {
                long v = md.getLong(KEY + key);
                if (v >= 0 && v < texts.length) {
                    id = (int) v;
                }
            }
            return id;
        }

        private void readSpecialIds() {
            bos = specialId("bos_token_id", bos);
            eos = specialId("eos_token_id", eos);
            eot = specialId("eot_token_id", eot);
            eom = specialId("eom_token_id", eom);
            fimPad = specialId("fim_pad_token_id", fimPad);
            fimRep = specialId("fim_rep_token_id", fimRep);
            fimSep = specialId("fim_sep_token_id", fimSep);
            addBos = md.getBool(KEY + "add_bos_token", addBos);
            addEos = md.getBool(KEY + "add_eos_token", addEos);
        }

        /**
         * Well-known special tokens found by their text get the control attribute. llama.cpp takes the first match in
         * hash-map order when several texts qualify; we take the lowest id.
         */
        private void detectSpecialTokensByText() {
            // the deprecated prefix/suffix/middle keys win over the fim_* ones, as llama.cpp reads them last
            int fimPre = specialId("prefix_token_id", specialId("fim_pre_token_id", NONE));
            int fimSuf = specialId("suffix_token_id", specialId("fim_suf_token_id", NONE));
            int fimMid = specialId("middle_token_id", specialId("fim_mid_token_id", NONE));
            for (int id = 0; id < texts.length; id++) {
                String t = texts[id];
                if (eot == NONE && EOT_TEXTS.contains(t)) {
                    eot = markControl(id);
                }
                if (eom == NONE && EOM_TEXTS.contains(t)) {
                    eom = markControl(id);
                }
                if (fimPre == NONE && FIM_PRE_TEXTS.contains(t)) {
                    fimPre = markControl(id);
                }
                if (fimSuf == NONE && FIM_SUF_TEXTS.contains(t)) {
                    fimSuf = markControl(id);
                }
                if (fimMid == NONE && FIM_MID_TEXTS.contains(t)) {
                    fimMid = markControl(id);
                }
                if (fimPad == NONE && FIM_PAD_TEXTS.contains(t)) {
                    fimPad = markControl(id);
                }
                if (fimRep == NONE && FIM_REP_TEXTS.contains(t)) {
                    fimRep = markControl(id);
                }
                if (fimSep == NONE && FIM_SEP_TEXTS.contains(t)) {
                    fimSep = markControl(id);
                }
            }
        }

        private int markControl(int id) {
            attrs[id] |= TokenAttr.CONTROL;
            return id;
        }

        private void collectEndOfGeneration() {
            for (int id : new int[] {fimPad, fimRep, fimSep}) {
                if (id != NONE) {
                    eog.set(id);
                }
            }
            for (int id = 0; id < texts.length; id++) {
                if (EOG_TEXTS.contains(texts[id])) {
                    eog.set(id);
                    markControl(id);
                }
            }
            for (int id = 0; id < texts.length; id++) {
                if (ALWAYS_RENDERED_TEXTS.contains(texts[id])) {
                    attrs[id] = TokenAttr.USER_DEFINED;
                }
            }
            for (int id : new int[] {eos, eot, eom}) {
                if (id != NONE) {
                    eog.set(id);
                }
            }
            // gpt-oss and solar-open end turns with <|end|> but keep generating after it
            if (eogHas("<|end|>") && eogHas("<|call|>", "<|calls|>") && eogHas("<|return|>", "<|flush|>")) {
                int end = eogWithText("<|end|>");
                eog.clear(end);
                attrs[end] = TokenAttr.USER_DEFINED;
            }
            // gemma4 and paddleocr: </s> is not an end of generation when <|tool_response> is one
            if (eogHas("<|tool_response>") && eogHas("</s>")) {
                int s = eogWithText("</s>");
                eog.clear(s);
                attrs[s] = TokenAttr.NORMAL;
            }
        }

        private boolean eogHas(String... anyOf) {
            return Arrays.stream(anyOf).anyMatch(t -> eogWithText(t) != NONE);
        }

        private int eogWithText(String text) {
            return eog.stream().filter(id -> texts[id].equals(text)).findFirst().orElse(NONE);
        }

        private void orderSpecialTokens() {
            int special = TokenAttr.CONTROL | TokenAttr.USER_DEFINED | TokenAttr.UNKNOWN;
            specialTokens = IntStream.range(0, texts.length)
                    .filter(id -> (attrs[id] & special) != 0)
                    .boxed()
                    .sorted(Comparator.comparingInt((Integer id) -> -texts[id].getBytes(StandardCharsets.UTF_8).length))
                    .mapToInt(Integer::intValue)
                    .toArray();
        }

        /** llama.cpp's per-model strip attributes, keyed by model name, pre-tokenizer and architecture. */
        private void applyStripAttributes() {
            String name = md.getString("general.name", "").toLowerCase(Locale.ROOT);
            String preName = md.getString(KEY + "pre", "");
            String arch = md.getString("general.architecture", "");
            if (containsAny(preName, "jina-v2-de", "jina-v2-es", "jina-v2-code")
                    || containsAny(arch, "nomic-bert-moe", "jina-bert-v3")) {
                setAttr("<mask>", TokenAttr.LSTRIP, true);
            } else if (containsAny(name, "phi-3", "phi3")) {
                for (int id : specialTokens) {
                    attrs[id] |= TokenAttr.RSTRIP;
                }
                setAttr("</s>", TokenAttr.RSTRIP, true);
                for (String t : new String[] {"<unk>", "<s>", "<|endoftext|>"}) {
                    setAttr(t, TokenAttr.RSTRIP, false);
                }
            } else if (containsAny(name, "modern-bert")) {
                setAttr("[MASK]", TokenAttr.LSTRIP, true);
            }
        }

        private void setAttr(String text, int attr, boolean on) {
            Integer id = ids.get(text);
            if (id != null) {
                attrs[id] = on ? attrs[id] | attr : attrs[id] & ~attr;
            }
        }

        private static boolean containsAny(String s, String... parts) {
            return Arrays.stream(parts).anyMatch(s::contains);
        }
    }
}
