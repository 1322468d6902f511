package org.bitclass.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns a stream of generated tokens into text: each token's piece bytes are appended and the text is handed out
 * up to the last complete UTF-8 character, so a character split over tokens appears once it is whole. Not
 * thread-safe: one per generation.
 */
public final class TokenStreamDecoder {

    private final Tokenizer tokenizer;
    private final boolean renderSpecial;
    private byte[] pending = new byte[0];

    TokenStreamDecoder(Tokenizer tokenizer, boolean renderSpecial) {
        this.tokenizer = tokenizer;
        this.renderSpecial = renderSpecial;
    }

    /** Adds a token and returns the text that became complete (possibly empty). */
    public String push(int id) {
        byte[] piece = tokenizer.piece(id, renderSpecial);
        ByteArrayOutputStream joined = new ByteArrayOutputStream(pending.length + piece.length);
        joined.writeBytes(pending);
        joined.writeBytes(piece);
        byte[] bytes = joined.toByteArray();
        int complete = completeLength(bytes);
        pending = Arrays.copyOfRange(bytes, complete, bytes.length);
        return new String(bytes, 0, complete, StandardCharsets.UTF_8);
    }

    /** Returns what is left (an unfinished character comes out as U+FFFD) and starts afresh. */
    public String flush() {
        String rest = new String(pending, StandardCharsets.UTF_8);
        pending = new byte[0];
        return rest;
    }

    /** The length of the prefix that does not end inside a UTF-8 character that may still be completed. */
    private static int completeLength(byte[] b) {
        int n = b.length;
        for (int back = 1; back <= Math.min(4, n); back++) {
            int lead = b[n - back] & 0xFF;
            if ((lead & 0xC0) == 0x80) {
                continue;  // continuation byte: look further back for the lead byte
            }
            int needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            return back < needed ? n - back : n;
        }
        return n;
    }
}
