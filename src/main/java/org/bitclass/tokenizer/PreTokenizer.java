package org.bitclass.tokenizer;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pre-tokenizer of a byte-level BPE vocabulary, chosen by {@code tokenizer.ggml.pre} as llama.cpp chooses it:
 * the chain of split regexes (each one cuts the pieces the previous one left) and the vocabulary settings that
 * llama.cpp ties to the name. Regexes with a hand-written splitter in llama.cpp use the equivalent Java one.
 */
final class PreTokenizer {

    /** Settings that llama.cpp derives from the pre-tokenizer name. */
    enum Option {
        /** llama.cpp's clean_up_tokenization_spaces when decoding (" ," becomes "," ...). */
        CLEAN_SPACES,
        /** A word that is a whole token is taken as it is, before any merge. */
        IGNORE_MERGES,
        /** The default for tokenizer.ggml.add_bos_token becomes true. */
        ADD_BOS,
        /** The default BOS token id is cleared (ChatGLM). */
        NO_DEFAULT_BOS,
    }

    static final String DEFAULT_NAME = "default";

    private static final List<String> DEFAULT = List.of(
            "[\\p{P}\\$\\+<=>\\^~\\|]+",
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
            "\\p{N}+",
            "[0-9][0-9][0-9]");

    private static final List<String> LLAMA3 = List.of(
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");

    private static final List<String> JAIS2 = List.of(
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s{512}(?!\\S)|\\s{256}(?!\\S)|\\s{128}(?!\\S)|\\s{64}(?!\\S)|\\s{32}(?!\\S)|\\s{16}(?!\\S)|\\s{8}(?!\\S)|\\s{4}(?!\\S)|\\s{1,2}(?!\\S)|\\s{1}");

    private static final List<String> DEEPSEEK_LLM = List.of(
            "[\r\n]",
            "\\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-ώᾀ-ᾴᾶ-ᾼιῂ-ῄῆ-ῌῐ-ΐῖ-Ίῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤΩℨK-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]+",
            "\\s?[!-/:-~！-／：-～‘-‟　-。]+",
            "\\s+$",
            "[一-龥ࠀ-一가-퟿]+",
            "\\p{N}+");

    private static final List<String> DEEPSEEK3 = List.of(
            "\\p{N}{1,3}",
            "[一-龥぀-ゟ゠-ヿ]+",
            "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+");

    private static final List<String> YOUTU = List.of(
            "[가-힣ㄱ-ㆎ]+|[！…“”‘’—：；，、-〿︰-﹏]+|[ㄅ-ㄯ]+|[一-龥぀-ゟ゠-ヿ]+",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");

    private static final List<String> DEEPSEEK_CODER = List.of(
            "[\r\n]",
            "\\s?\\p{L}+",
            "\\s?\\p{P}+",
            "[一-龥ࠀ-一가-퟿]+",
            "\\p{N}");

    private static final List<String> FALCON = List.of(
            "[\\p{P}\\$\\+<=>\\^~\\|`]+",
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
            "[0-9][0-9][0-9]");

    private static final List<String> STARCODER = List.of(
            "\\p{N}",
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)");

    private static final List<String> GPT2 = List.of(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)");

    private static final List<String> QWEN2 = List.of(
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");

    private static final List<String> QWEN35 = List.of(
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");

    private static final List<String> BLOOM = List.of(
            " ?[^(\\s|.,!?…。，、।۔،)]+");

    private static final List<String> VIKING = List.of(
            " ?[^(\\s|.,!?…。，、।۔،)]+",
            "\\p{N}");

    private static final List<String> TEKKEN = List.of(
            "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");

    private static final List<String> CHAMELEON = List.of(
            "<sentinel:[0-9]+>",
            "(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z",
            "([\\t\\n]|    |  )",
            "\\p{N}",
            "[\\p{P}!-/:-@\\[-`{-~]",
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)");

    private static final List<String> GPT4O = List.of(
            "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");

    private static final List<String> GRANITE_EMB_MULTI = List.of(
            "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}\\p{M}])([^a-z]))*((?=[\\p{L}\\p{M}])([^A-Z]))+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}\\p{M}])([^a-z]))+((?=[\\p{L}\\p{M}])([^A-Z]))*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");

    private static final List<String> BAILINGMOE = List.of(
            "'(?:[sSdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+");

    private static final List<String> SEED_CODER = List.of(
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1}| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");

    private static final List<String> LAGUNA = List.of(
            "[^\\n]+|[\\n]+",
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");

    private static final List<String> EXAONE_MOE = List.of(
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?(?:\\p{L}\\p{M}*(?: \\p{L}\\p{M}*)*)+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]?|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+");

    private static final List<String> MINICPM5 = List.of(
            "\\p{N}{1,3}",
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}+| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");

    private static final Map<String, PreTokenizer> BY_NAME = new LinkedHashMap<>();

    static {
        var clean = EnumSet.of(Option.CLEAN_SPACES);
        var raw = EnumSet.noneOf(Option.class);
        define(DEFAULT, clean, DEFAULT_NAME);
        define(LLAMA3, EnumSet.of(Option.CLEAN_SPACES, Option.IGNORE_MERGES, Option.ADD_BOS),
                "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2",
                "jina-v5-nano");
        define(DEEPSEEK_LLM, raw, "deepseek-llm");
        define(DEEPSEEK_CODER, raw, "deepseek-coder");
        define(DEEPSEEK3, raw, "deepseek-v3", "hunyuan-dense", "joyai-llm");
        define(YOUTU, EnumSet.of(Option.IGNORE_MERGES), "youtu");
        define(FALCON, clean, "falcon");
        define(GPT2, clean, "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "a.x-4.0",
                "mellum", "modern-bert", "mpt", "olmo", "jais", "exaone4");
        define(GPT2, raw, "trillion", "granite-docling");
        define(JAIS2, clean, "jais-2");
        define(STARCODER, clean, "starcoder", "refact", "codeshell", "exaone", "minerva-7b", "mellum2");
        define(STARCODER, raw, "command-r", "smollm");
        define(QWEN2, raw, "qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "hunyuan", "solar-open", "grok-2");
        define(QWEN2, clean, "stablelm2", "megrez");
        define(QWEN35, raw, "qwen35");
        define(LLAMA3, clean, "dbrx", "smaug-bpe");
        define(LLAMA3, EnumSet.of(Option.CLEAN_SPACES, Option.NO_DEFAULT_BOS), "glm4", "chatglm-bpe");
        define(BLOOM, raw, "poro-chat");
        define(BLOOM, clean, "bloom", "gpt3-finnish");
        define(VIKING, raw, "viking");
        define(TEKKEN, EnumSet.of(Option.IGNORE_MERGES, Option.ADD_BOS), "tekken");
        define(CHAMELEON, EnumSet.of(Option.ADD_BOS), "chameleon");
        define(GPT4O, raw, "gpt-4o", "llama4", "kanana2", "talkie", "minimax-m2");
        define(GRANITE_EMB_MULTI, EnumSet.of(Option.IGNORE_MERGES), "granite-embed-multi-97m");
        define(BAILINGMOE, raw, "bailingmoe", "bailingmoe2", "llada-moe");
        define(SEED_CODER, raw, "seed-coder");
        define(LAGUNA, raw, "laguna");
        define(EXAONE_MOE, clean, "exaone-moe");
        define(MINICPM5, EnumSet.of(Option.CLEAN_SPACES, Option.IGNORE_MERGES), "minicpm5");
    }

    private final String name;
    private final List<SplitRule> rules;
    private final Set<Option> options;

    private PreTokenizer(String name, List<SplitRule> rules, Set<Option> options) {
        this.name = name;
        this.rules = rules;
        this.options = options;
    }

    private static void define(List<String> regexes, Set<Option> options, String... names) {
        List<SplitRule> rules = regexes.stream().map(PreTokenizer::ruleFor).toList();
        for (String n : names) {
            BY_NAME.put(n, new PreTokenizer(n, rules, Set.copyOf(options)));
        }
    }

    /** llama.cpp's dispatch: its hand-written splitters for the regexes it recognises, the regex engine otherwise. */
    private static SplitRule ruleFor(String regex) {
        if (regex.equals(Gpt2WordSplit.REGEX)) {
            return new Gpt2WordSplit();
        }
        if (regex.equals(LLAMA3.getFirst())) {
            return new WordSplit(3, false);
        }
        if (regex.equals(QWEN2.getFirst())) {
            return new WordSplit(1, false);
        }
        if (regex.equals(QWEN35.getFirst())) {
            return new WordSplit(1, true);
        }
        return new RegexSplit(regex);
    }

    /** The pre-tokenizer for a {@code tokenizer.ggml.pre} value; a missing or empty name means "default". */
    static PreTokenizer forName(String name) {
        PreTokenizer pre = BY_NAME.get(name == null || name.isEmpty() ? DEFAULT_NAME : name);
        if (pre == null) {
            throw new IllegalArgumentException("unsupported pre-tokenizer '" + name + "' (tokenizer.ggml.pre); supported: "
                    + String.join(", ", BY_NAME.keySet()));
        }
        return pre;
    }

    static Set<String> supportedNames() {
        return BY_NAME.keySet();
    }

    String name() {
        return name;
    }

    boolean has(Option option) {
        return options.contains(option);
    }

    /** Splits text into words (not yet byte-encoded), applying each rule to every piece the previous rules made. */
    List<String> split(String text) {
        int[] cps = text.codePoints().toArray();
        IntList lengths = new IntList();
        lengths.add(cps.length);
        for (SplitRule rule : rules) {
            IntList next = new IntList();
            int start = 0;
            for (int i = 0; i < lengths.size(); i++) {
                int len = lengths.get(i);
                rule.split(cps, start, start + len, next);
                start += len;
            }
            lengths = next;
        }
        List<String> words = new ArrayList<>(lengths.size());
        int start = 0;
        for (int i = 0; i < lengths.size(); i++) {
            int len = lengths.get(i);
            words.add(new String(cps, start, len));
            start += len;
        }
        return words;
    }
}
