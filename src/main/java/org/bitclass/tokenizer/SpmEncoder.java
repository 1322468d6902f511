package org.bitclass.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * SentencePiece BPE as llama.cpp runs it ({@code llm_tokenizer_spm_session}): spaces become U+2581, a space is
 * prefixed to the text at the start and after each special token (when add_space_prefix), then adjacent
 * symbols merge greedily by the score of the merged token (highest first, leftmost first among equals); a symbol
 * left that is not a token falls back to byte tokens {@code <0xXX>}.
 */
final class SpmEncoder implements TextEncoder {

    private static final char SPACE_MARK = '\u2581';

    private final Vocabulary vocab;

    SpmEncoder(Vocabulary vocab) {
        this.vocab = vocab;
    }

    @Override
    public void encode(String text, boolean afterSpecial, IntList out) {
        String prefixed = vocab.addSpacePrefix && afterSpecial ? " " + text : text;
        new Session(prefixed.replace(' ', SPACE_MARK)).run(out);
    }

    /** One text's symbols: spans of the text as a linked list, each with its token id (NONE for a lone char). */
    private final class Session {
        private final String s;
        private final int[] start;
        private final int[] length;
        private final int[] prev;
        private final int[] next;
        private final int[] token;
        private final Map<Long, Integer> pairTokens = new HashMap<>();
        /** Candidate merges of a symbol with its right neighbour; the payload is the merged token. */
        private final MergeQueue queue = new MergeQueue();

        Session(String s) {
            this.s = s;
            int[] charCounts = s.codePoints().map(Character::charCount).toArray();
            int n = charCounts.length;
            start = new int[n];
            length = new int[n];
            prev = new int[n];
            next = new int[n];
            token = new int[n];
            for (int i = 0, pos = 0; i < n; pos += charCounts[i], i++) {
                start[i] = pos;
                length[i] = charCounts[i];
                prev[i] = i - 1;
                next[i] = i + 1 < n ? i + 1 : -1;
                token[i] = vocab.id(s.substring(pos, pos + charCounts[i]));
            }
        }

        void run(IntList out) {
            int n = start.length;
            for (int i = 1; i < n; i++) {
                offer(i - 1, i);
            }
            while (!queue.isEmpty()) {
                int left = MergeQueue.left(queue.peekKey());
                int merged = queue.peekPayload();
                queue.pop();
                int right = next[left];
                // symbols only grow, so the pair is unchanged exactly when its length still is the merged token's
                if (length[left] == 0 || right < 0 || length[left] + length[right] != vocab.texts[merged].length()) {
                    continue;
                }
                length[left] += length[right];
                length[right] = 0;
                token[left] = merged;
                next[left] = next[right];
                if (next[right] >= 0) {
                    prev[next[right]] = left;
                }
                if (prev[left] >= 0) {
                    offer(prev[left], left);
                }
                if (next[left] >= 0) {
                    offer(left, next[left]);
                }
            }
            // a merged symbol is always a token; a lone char that is not one goes out as byte tokens
            for (int i = n == 0 ? -1 : 0; i >= 0; i = next[i]) {
                if (token[i] != Vocabulary.NONE) {
                    out.add(token[i]);
                } else {
                    for (byte b : s.substring(start[i], start[i] + length[i]).getBytes(StandardCharsets.UTF_8)) {
                        out.add(byteToken(b & 0xFF));
                    }
                }
            }
        }

        private void offer(int left, int right) {
            int len = length[left] + length[right];
            int merged;
            if (token[left] != Vocabulary.NONE && token[right] != Vocabulary.NONE) {
                long key = ((long) token[left] << 32) | token[right];
                merged = pairTokens.computeIfAbsent(key, k -> vocab.id(s.substring(start[left], start[left] + len)));
            } else {
                merged = vocab.id(s.substring(start[left], start[left] + len));
            }
            if (merged != Vocabulary.NONE) {
                queue.add(MergeQueue.key(MergeQueue.descendingScore(vocab.scores[merged]), left), merged);
            }
        }
    }

    /** The byte token {@code <0xXX>}, or else the token whose text is that single byte. */
    private int byteToken(int b) {
        int id = vocab.id(String.format("<0x%02X>", b));
        if (id == Vocabulary.NONE && b < 0x80) {
            id = vocab.id(String.valueOf((char) b));
        }
        if (id == Vocabulary.NONE) {
            throw new IllegalStateException(String.format("SentencePiece vocabulary has no token for byte 0x%02X", b));
        }
        return id;
    }
}
