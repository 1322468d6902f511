package org.bitclass.calib;

import org.bitclass.io.TextFiles;
import org.bitclass.tokenizer.Tokenizer;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;

/**
 * The tokens of a text file as llama-imatrix makes them ({@code common_tokenize(text, add_special = true,
 * parse_special)} of the file with one trailing newline removed), produced block by block so that a text of any
 * length needs only a block's memory.
 * <p>
 * A block ends just after a newline that has a non-space character before it and a letter or digit after it.
 * Byte-level BPE pre-tokenizers never join such a newline with what follows, and the newline alone is one piece
 * whether or not the text goes on, so the blocks' tokens are exactly the whole text's tokens. SentencePiece
 * vocabularies merge across the whole input, so their text is tokenized in one piece.
 */
final class TextTokens implements AutoCloseable {

    /** Characters read before looking for a place to cut. */
    static final int DEFAULT_BLOCK = 1 << 20;

    private final Reader reader;
    private final Tokenizer tokenizer;
    private final boolean parseSpecial;
    private final int block;
    private final StringBuilder pending = new StringBuilder();
    private final char[] buffer = new char[8192];
    /** Cut positions below this were already checked (so text without cuts is scanned once). */
    private int scanned;
    private boolean first = true;
    private boolean eof;

    TextTokens(Path file, Tokenizer tokenizer, boolean parseSpecial) throws IOException {
        this(file, tokenizer, parseSpecial, DEFAULT_BLOCK);
    }

    TextTokens(Path file, Tokenizer tokenizer, boolean parseSpecial, int block) throws IOException {
        if (tokenizer.addsEos()) {
            // llama-imatrix refuses such vocabularies too: every chunk would end in EOS
            throw new IllegalArgumentException("the model's tokenizer appends EOS to every text; imatrix needs plain text tokens");
        }
        this.reader = TextFiles.reader(file);
        this.tokenizer = tokenizer;
        this.parseSpecial = parseSpecial;
        this.block = tokenizer.model().equals("gpt2") ? block : Integer.MAX_VALUE;
    }

    /** The next tokens of the text (never empty), or null at its end. */
    int[] next() throws IOException {
        while (true) {
            int cut = eof ? pending.length() : lastCut();
            if (cut > 0 || (eof && first)) {
                String text = pending.substring(0, cut);
                pending.delete(0, cut);
                scanned = pending.length();
                int[] tokens = tokenizer.encode(text, first, parseSpecial);
                first = false;
                if (tokens.length > 0) {
                    return tokens;
                }
            } else if (eof) {
                return null;
            }
            fill();
        }
    }

    /** Reads about a block more, or to the end of the file (then without its last newline, as llama.cpp reads it). */
    private void fill() throws IOException {
        int target = pending.length() + Math.min(block, Integer.MAX_VALUE - pending.length());
        while (pending.length() < target) {
            int n = reader.read(buffer, 0, (int) Math.min(buffer.length, (long) target - pending.length()));
            if (n < 0) {
                eof = true;
                if (!pending.isEmpty() && pending.charAt(pending.length() - 1) == '\n') {
                    pending.setLength(pending.length() - 1);
                }
                return;
            }
            pending.append(buffer, 0, n);
        }
    }

    /** Where the pending text may be cut once a block has accumulated, or 0. */
    private int lastCut() {
        if (pending.length() < block) {
            return 0;
        }
        for (int p = pending.length() - 1; p >= Math.max(2, scanned); p--) {
            if (pending.charAt(p - 1) == '\n' && !isSpace(pending.charAt(p - 2))
                    && Character.isLetterOrDigit(pending.charAt(p))) {
                return p;
            }
        }
        scanned = pending.length();
        return 0;
    }

    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
