package org.bitclass.eval;

import org.bitclass.io.TextFiles;
import org.bitclass.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;

/** An evaluation text as llama-perplexity takes it from {@code -f}: the whole file, one trailing newline dropped. */
public final class EvalText {

    private EvalText() {
    }

    public static String read(Path file) throws IOException {
        String text = TextFiles.read(file);
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    /** The text's tokens with the vocabulary's special tokens added (a BOS in front if it adds one), specials not parsed. */
    public static int[] tokenize(Tokenizer tokenizer, String text) {
        return tokenizer.encode(text, true, false);
    }

    /**
     * The token that replaces the first of every chunk: BOS when the vocabulary adds one. Vocabularies that add EOS
     * are refused, as llama-perplexity refuses them.
     */
    public static OptionalInt chunkStart(Tokenizer tokenizer) {
        if (tokenizer.addsEos()) {
            throw new IllegalArgumentException("the vocabulary appends EOS to every text; llama-perplexity does not"
                    + " evaluate such models either");
        }
        return tokenizer.addsBos() ? OptionalInt.of(tokenizer.bos()) : OptionalInt.empty();
    }
}
