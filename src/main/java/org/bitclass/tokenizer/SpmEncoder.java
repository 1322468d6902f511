package org.bitclass.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;

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

    private record Candidate(float score, int left, int right, int length) {
    }

    @Override
    public void encode(String text, boolean afterSpecial, IntList out) {
        String prefixed = vocab.addSpacePrefix && afterSpecial ? " " + text : text;
        String s = prefixed.replace(' ', SPACE_MARK);
        int[] charCounts = s.codePoints().map(Character::charCount).toArray();
        int n = charCounts.length;
        int[] start = new int[n];
        int[] length = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0, pos = 0; i < n; pos += charCounts[i], i++) {
            start[i] = pos;
            length[i] = charCounts[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Candidate> queue = new PriorityQueue<>((a, b) ->
                a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) {
            offer(queue, s, start, length, i - 1, i);
        }
        while (!queue.isEmpty()) {
            Candidate c = queue.poll();
            if (length[c.left] == 0 || length[c.right] == 0 || length[c.left] + length[c.right] != c.length) {
                continue;
            }
            length[c.left] += length[c.right];
            length[c.right] = 0;
            next[c.left] = next[c.right];
            if (next[c.right] >= 0) {
                prev[next[c.right]] = c.left;
            }
            if (prev[c.left] >= 0) {
                offer(queue, s, start, length, prev[c.left], c.left);
            }
            if (next[c.left] >= 0) {
                offer(queue, s, start, length, c.left, next[c.left]);
            }
        }
        for (int i = n == 0 ? -1 : 0; i >= 0; i = next[i]) {
            String piece = s.substring(start[i], start[i] + length[i]);
            int id = vocab.id(piece);
            if (id != Vocabulary.NONE) {
                out.add(id);
            } else {
                for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                    out.add(byteToken(b & 0xFF));
                }
            }
        }
    }

    private void offer(PriorityQueue<Candidate> queue, String s, int[] start, int[] length, int left, int right) {
        int len = length[left] + length[right];
        int id = vocab.id(s.substring(start[left], start[left] + len));
        if (id != Vocabulary.NONE) {
            queue.add(new Candidate(vocab.scores[id], left, right, len));
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
