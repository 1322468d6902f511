package org.bitclass.tokenizer;

import org.bitclass.gguf.GgufFile;
import org.bitclass.gguf.GgufMetadata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A model's tokenizer, built from its GGUF metadata, giving the same token ids and text as llama.cpp:
 * byte-level BPE ({@code tokenizer.ggml.model = gpt2}, with the pre-tokenizer named by {@code tokenizer.ggml.pre})
 * and SentencePiece ({@code llama}). Immutable and safe to share between threads.
 */
public final class Tokenizer {

    /** The id llama.cpp uses for "no such token" (LLAMA_TOKEN_NULL). */
    public static final int NO_TOKEN = Vocabulary.NONE;

    private static final byte[] EMPTY = new byte[0];

    private final Vocabulary vocab;
    private final TextEncoder encoder;
    private final SpecialTokenSplitter specials;
    /** Every token's piece with special tokens rendered, made on first use (a race only repeats the work). */
    private volatile byte[][] renderedPieces;

    private Tokenizer(Vocabulary vocab) {
        this.vocab = vocab;
        this.encoder = vocab.model == Vocabulary.Model.SPM ? new SpmEncoder(vocab) : new BpeEncoder(vocab);
        this.specials = new SpecialTokenSplitter(vocab);
    }

    /** The tokenizer described by a model's metadata ({@code tokenizer.ggml.*} keys). */
    public static Tokenizer fromMetadata(GgufMetadata metadata) {
        return new Tokenizer(Vocabulary.fromMetadata(metadata));
    }

    /** The tokenizer of a GGUF file (a full model or a vocabulary-only file). */
    public static Tokenizer open(Path gguf) throws IOException {
        try (GgufFile file = GgufFile.open(gguf)) {
            return fromMetadata(file.metadata());
        }
    }

    /**
     * Token ids of text, as llama.cpp's {@code llama_tokenize}.
     *
     * @param addSpecial   add BOS/EOS where the model's add_bos_token/add_eos_token flags ask for them
     * @param parseSpecial recognise the text of control tokens (e.g. {@code <|im_start|>}) as those tokens;
     *                     user-defined tokens are always recognised
     */
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        IntList out = new IntList();
        if (addSpecial && vocab.addBos) {
            out.add(requireSpecial(vocab.bos, "BOS"));
        }
        boolean afterSpecial = true;
        for (SpecialTokenSplitter.Fragment f : specials.split(text, parseSpecial)) {
            if (f.isText()) {
                encoder.encode(text.substring(f.start(), f.end()), afterSpecial, out);
                afterSpecial = false;
            } else {
                out.add(f.token());
                afterSpecial = true;
            }
        }
        if (addSpecial && vocab.addEos) {
            out.add(requireSpecial(vocab.eos, "EOS"));
        }
        return out.toArray();
    }

    private static int requireSpecial(int id, String what) {
        if (id == NO_TOKEN) {
            throw new IllegalStateException("the model asks for a " + what + " token but defines none");
        }
        return id;
    }

    /** Text of token ids with control tokens rendered, as llama.cpp's {@code common_detokenize}. */
    public String decode(int[] ids) {
        return decode(ids, true);
    }

    /**
     * Text of token ids, as llama.cpp's {@code llama_detokenize} (special tokens kept): pieces joined as bytes, so a
     * character split over tokens comes out whole; the leading space of SentencePiece text dropped; spaces cleaned
     * up where the vocabulary asks for it.
     *
     * @param renderSpecial write control tokens' text (otherwise they decode to nothing)
     */
    public String decode(int[] ids, boolean renderSpecial) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean dropLeadingSpace = vocab.addSpacePrefix;
        for (int id : ids) {
            byte[] piece = piece(id, renderSpecial);
            int skip = dropLeadingSpace && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
            out.write(piece, skip, piece.length - skip);
            dropLeadingSpace = false;
        }
        byte[] bytes = out.toByteArray();
        if (vocab.cleanSpaces) {
            bytes = SpaceCleaner.clean(bytes);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * The bytes a token stands for, as llama.cpp's {@code token_to_piece}; may be part of a UTF-8 character.
     *
     * @param renderSpecial give control and unknown tokens their text (otherwise they have none)
     */
    public byte[] pieceBytes(int id, boolean renderSpecial) {
        return piece(id, renderSpecial).clone();
    }

    /** The shared (not to be modified) piece of a token. */
    byte[] piece(int id, boolean renderSpecial) {
        checkId(id);
        if (!renderSpecial && vocab.has(id, TokenAttr.UNKNOWN | TokenAttr.CONTROL)) {
            return EMPTY;
        }
        byte[][] all = renderedPieces;
        if (all == null) {
            all = new byte[vocab.size()][];
            for (int i = 0; i < all.length; i++) {
                all[i] = renderPiece(i);
            }
            renderedPieces = all;
        }
        return all[id];
    }

    /** A token's piece with special tokens rendered (llama.cpp builds the same cache at load). */
    private byte[] renderPiece(int id) {
        int attr = vocab.attrs[id];
        String text = vocab.texts[id];
        if ((attr & (TokenAttr.UNKNOWN | TokenAttr.CONTROL | TokenAttr.USER_DEFINED)) != 0) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if ((attr & TokenAttr.NORMAL) != 0) {
            return vocab.model == Vocabulary.Model.SPM
                    ? text.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8)
                    : byteDecode(text);
        }
        if ((attr & TokenAttr.BYTE) != 0) {
            return new byte[] {(byte) Integer.parseInt(text.substring(3, 5), 16)};
        }
        return EMPTY;
    }

    /** Undoes the byte-level encoding; a code point that stands for no byte is written as llama.cpp does. */
    private static byte[] byteDecode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        text.codePoints().forEach(cp -> {
            int b = ByteEncoding.byteOf(cp);
            if (b >= 0) {
                out.write(b);
            } else {
                StringBuilder unk = new StringBuilder("[UNK_BYTE_0x");
                for (byte u : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    unk.append(String.format("%02x", u & 0xFF));
                }
                out.writeBytes(unk.append(text).append(']').toString().getBytes(StandardCharsets.UTF_8));
            }
        });
        return out.toByteArray();
    }

    /** A token's piece with control tokens rendered (llama.cpp's {@code common_token_to_piece}), as text. */
    public String tokenPiece(int id) {
        return new String(piece(id, true), StandardCharsets.UTF_8);
    }

    /** A decoder for generated tokens that hands out text only once its UTF-8 characters are complete. */
    public TokenStreamDecoder streamDecoder(boolean renderSpecial) {
        return new TokenStreamDecoder(this, renderSpecial);
    }

    /** Whether a token ends generation (EOS, EOT, {@code <|im_end|>}, ... as llama.cpp's special_eog_ids). */
    public boolean isEog(int id) {
        return vocab.isEog(id);
    }

    /** All end-of-generation token ids, ascending. */
    public int[] eogIds() {
        return vocab.eogIds();
    }

    public int bos() {
        return vocab.bos;
    }

    public int eos() {
        return vocab.eos;
    }

    /**
     * The end-of-turn token: tokenizer.ggml.eot_token_id, else the lowest-id token with a well-known end-of-turn text
     * (llama.cpp takes the first in hash order, which may be another of them; all of them are EOG), or NO_TOKEN.
     */
    public int eot() {
        return vocab.eot;
    }

    /** Whether {@code encode(..., addSpecial = true, ...)} starts with BOS. */
    public boolean addsBos() {
        return vocab.addBos;
    }

    /** Whether {@code encode(..., addSpecial = true, ...)} ends with EOS. */
    public boolean addsEos() {
        return vocab.addEos;
    }

    public int vocabSize() {
        return vocab.size();
    }

    /** The token's text as stored in the vocabulary (byte-encoded for byte-level BPE, with U+2581 for SPM). */
    public String tokenText(int id) {
        checkId(id);
        return vocab.texts[id];
    }

    /** The token's type as llama.cpp treats it (well-known special tokens are control tokens even if typed otherwise). */
    public TokenType tokenType(int id) {
        checkId(id);
        return TokenAttr.toType(vocab.attrs[id]);
    }

    /** The id of the token whose text is exactly {@code text}, or NO_TOKEN. */
    public int tokenId(String text) {
        return vocab.id(text);
    }

    /** The tokenizer model: "gpt2" (byte-level BPE) or "llama" (SentencePiece). */
    public String model() {
        return vocab.model.ggufName;
    }

    /** The pre-tokenizer name of a byte-level BPE vocabulary; empty for SentencePiece. */
    public String preTokenizer() {
        return vocab.pre == null ? "" : vocab.pre.name();
    }

    private void checkId(int id) {
        if (id < 0 || id >= vocab.size()) {
            throw new IllegalArgumentException("token id " + id + " is out of range (vocabulary of " + vocab.size() + ")");
        }
    }
}
