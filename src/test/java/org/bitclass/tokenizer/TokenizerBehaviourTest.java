package org.bitclass.tokenizer;

import org.bitclass.gguf.GgufArray;
import org.bitclass.gguf.GgufMetadata;
import org.bitclass.gguf.GgufValue;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Special tokens, pieces, end-of-generation and configuration errors, as llama.cpp decides them. */
class TokenizerBehaviourTest {

    private final Tokenizer qwen3 = GoldenVocabularies.tokenizer("qwen3");
    private final Tokenizer gpt2 = GoldenVocabularies.tokenizer("gpt2");
    private final Tokenizer spm = GoldenVocabularies.tokenizer("llama-spm");

    @Test
    void endOfGenerationTokensFollowLlamaCpp() {
        int imEnd = qwen3.tokenId("<|im_end|>");
        assertThat(qwen3.eos()).isEqualTo(imEnd);
        // <|im_end|> and <|endoftext|> by text; FIM pad, repo name and file separator are EOG in llama.cpp too, and
        // so is Qwen3's ordinary token "</s>", which llama.cpp's text rule also makes a control token
        int endS = qwen3.tokenId("</s>");
        assertThat(qwen3.eogIds()).containsExactlyInAnyOrder(imEnd, qwen3.tokenId("<|endoftext|>"),
                qwen3.tokenId("<|fim_pad|>"), qwen3.tokenId("<|repo_name|>"), qwen3.tokenId("<|file_sep|>"), endS);
        assertThat(qwen3.tokenType(endS)).isEqualTo(TokenType.CONTROL);
        assertThat(qwen3.isEog(qwen3.tokenId("<|im_start|>"))).isFalse();
        assertThat(gpt2.eogIds()).containsExactly(50256);
        assertThat(spm.eogIds()).containsExactly(2);
        assertThat(spm.isEog(Tokenizer.NO_TOKEN)).isFalse();
    }

    @Test
    void wellKnownSpecialTokensBecomeControlTokens() {
        // typed user-defined in the GGUF, but llama.cpp makes FIM tokens control tokens: not split without parsing
        int fimPrefix = qwen3.tokenId("<|fim_prefix|>");
        assertThat(qwen3.tokenType(fimPrefix)).isEqualTo(TokenType.CONTROL);
        assertThat(qwen3.encode("<|fim_prefix|>", false, false)).doesNotContain(fimPrefix);
        assertThat(qwen3.encode("<|fim_prefix|>", false, true)).containsExactly(fimPrefix);
        // <think> stays user-defined, and user-defined tokens are split out even without parsing special text
        int think = qwen3.tokenId("<think>");
        assertThat(qwen3.tokenType(think)).isEqualTo(TokenType.USER_DEFINED);
        assertThat(qwen3.encode("a<think>b", false, false)).contains(think);
    }

    @Test
    void addSpecialFollowsTheModelFlags() {
        assertThat(spm.addsBos()).isTrue();
        assertThat(spm.encode("Hello", true, false)).startsWith(1).doesNotContain(2);
        assertThat(spm.encode("Hello", false, false)).doesNotContain(1);
        assertThat(qwen3.encode("Hello", true, false)).containsExactly(qwen3.encode("Hello", false, false));
    }

    @Test
    void piecesAreWhatLlamaCppPrints() {
        assertThat(spm.tokenPiece(spm.tokenId("\u2581Hello"))).isEqualTo(" Hello");
        assertThat(spm.tokenPiece(spm.tokenId("<0x0A>"))).isEqualTo("\n");
        assertThat(spm.tokenType(spm.tokenId("<0x0A>"))).isEqualTo(TokenType.BYTE);
        assertThat(qwen3.tokenPiece(qwen3.tokenId("\u0120world"))).isEqualTo(" world");
        int imEnd = qwen3.tokenId("<|im_end|>");
        assertThat(qwen3.tokenPiece(imEnd)).isEqualTo("<|im_end|>");
        assertThat(qwen3.pieceBytes(imEnd, false)).isEmpty();
        assertThat(qwen3.decode(new int[] {imEnd}, false)).isEmpty();
    }

    @Test
    void aCharacterSplitOverTokensIsReassembled() {
        Tokenizer minima = GoldenVocabularies.tokenizer("minima");
        int[] ids = minima.encode("🦙", false, false);
        assertThat(ids).hasSizeGreaterThan(1);  // the small vocabulary has no token for it
        assertThat(minima.pieceBytes(ids[0], true)).hasSizeLessThan("🦙".getBytes(StandardCharsets.UTF_8).length);
        assertThat(minima.decode(ids)).isEqualTo("🦙");
        TokenStreamDecoder stream = minima.streamDecoder(true);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            String chunk = stream.push(ids[i]);
            assertThat(chunk).isEqualTo(i == ids.length - 1 ? "🦙" : "");
            out.append(chunk);
        }
        assertThat(stream.flush()).isEmpty();
    }

    @Test
    void anUnfinishedCharacterIsFlushedAsReplacement() {
        Tokenizer minima = GoldenVocabularies.tokenizer("minima");
        int[] ids = minima.encode("🦙", false, false);
        TokenStreamDecoder stream = minima.streamDecoder(true);
        assertThat(stream.push(ids[0])).isEmpty();
        assertThat(stream.flush()).isEqualTo("\uFFFD");
    }

    @Test
    void reportsItsModelAndPreTokenizer() {
        assertThat(gpt2.model()).isEqualTo("gpt2");
        assertThat(gpt2.preTokenizer()).isEqualTo("gpt-2");
        assertThat(GoldenVocabularies.tokenizer("minima-qwen35pre").preTokenizer()).isEqualTo("qwen35");
        assertThat(spm.model()).isEqualTo("llama");
        assertThat(spm.preTokenizer()).isEmpty();
        assertThat(spm.vocabSize()).isEqualTo(32000);
        assertThat(spm.addsEos()).isFalse();
    }

    @Test
    void outOfRangeIdsAreRejectedClearly() {
        assertThatThrownBy(() -> gpt2.tokenPiece(50257)).hasMessageContaining("token id 50257 is out of range");
    }

    private static GgufMetadata bpeMetadata(String pre) {
        GgufMetadata md = new GgufMetadata()
                .putString("tokenizer.ggml.model", "gpt2")
                .putString("tokenizer.ggml.pre", pre);
        md.put("tokenizer.ggml.tokens", GgufValue.ofArray(GgufArray.ofStrings("a", "b", "ab")));
        md.put("tokenizer.ggml.merges", GgufValue.ofArray(GgufArray.ofStrings("a b")));
        return md;
    }

    @Test
    void unknownPreTokenizerIsAClearError() {
        assertThatThrownBy(() -> Tokenizer.fromMetadata(bpeMetadata("no-such-pre")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported pre-tokenizer 'no-such-pre'")
                .hasMessageContaining("qwen2").hasMessageContaining("qwen35").hasMessageContaining("llama-bpe")
                .hasMessageContaining("gpt-2").hasMessageContaining("default");
    }

    @Test
    void unknownTokenizerModelIsAClearError() {
        GgufMetadata md = bpeMetadata("default").putString("tokenizer.ggml.model", "t5");
        assertThatThrownBy(() -> Tokenizer.fromMetadata(md)).hasMessageContaining("unsupported tokenizer model 't5'");
    }

    @Test
    void aTinyInMemoryVocabularyMergesByRank() {
        Tokenizer tok = Tokenizer.fromMetadata(bpeMetadata("default"));
        assertThat(tok.encode("abab", false, false)).containsExactly(2, 2);
        assertThat(tok.encode("ba", false, false)).containsExactly(1, 0);
        assertThat(tok.decode(new int[] {2, 1})).isEqualTo("abb");
    }
}
