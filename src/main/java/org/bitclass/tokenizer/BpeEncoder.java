package org.bitclass.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE (llama.cpp's {@code llm_tokenizer_bpe_session}): the pre-tokenizer cuts text into words, each
 * word is byte-encoded and its symbols merged by merge rank (lowest rank first, leftmost first among equals).
 * Results are cached per word, so repeated words cost one map look-up.
 */
final class BpeEncoder implements TextEncoder {

    private static final int CACHE_LIMIT = 1 << 16;

    private final Vocabulary vocab;
    private final Map<String, Integer> ranks;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    BpeEncoder(Vocabulary vocab) {
        this.vocab = vocab;
        this.ranks = rankMerges(vocab.merges);
    }

    /** Merge "left right" by its rank; llama.cpp splits at the first space after the first character. */
    private static Map<String, Integer> rankMerges(List<String> merges) {
        Map<String, Integer> ranks = HashMap.newHashMap(merges.size());
        for (int i = 0; i < merges.size(); i++) {
            String m = merges.get(i);
            int space = m.indexOf(' ', 1);
            String key = space < 0 ? " " : m.substring(0, space) + " " + m.substring(space + 1);
            ranks.putIfAbsent(key, i);
        }
        return ranks;
    }

    @Override
    public void encode(String text, boolean afterSpecial, IntList out) {
        for (String word : vocab.pre.split(text)) {
            String encoded = ByteEncoding.encode(word);
            int[] ids = cache.get(encoded);
            if (ids == null) {
                ids = encodeWord(encoded);
                if (cache.size() >= CACHE_LIMIT) {
                    cache.clear();
                }
                cache.put(encoded, ids);
            }
            out.addAll(ids);
        }
    }

    /** Merges one byte-encoded word; symbols are a linked list of spans of the word. */
    int[] encodeWord(String word) {
        IntList out = new IntList();
        if (word.isEmpty()) {
            return out.toArray();
        }
        if (vocab.ignoreMerges && vocab.id(word) != Vocabulary.NONE) {
            out.add(vocab.id(word));
            return out.toArray();
        }
        int n = word.length();  // byte-encoded text is all BMP, one char per symbol
        int[] start = new int[n];
        int[] length = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            start[i] = i;
            length[i] = 1;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        MergeQueue queue = new MergeQueue();  // payload: the length of the merged text
        for (int i = 1; i < n; i++) {
            offer(queue, word, start, length, i - 1, i);
        }
        while (!queue.isEmpty()) {
            int left = MergeQueue.left(queue.peekKey());
            int mergedLength = queue.peekPayload();
            queue.pop();
            int right = next[left];
            // symbols only grow, so the pair is unchanged exactly when its length is
            if (length[left] == 0 || right < 0 || length[left] + length[right] != mergedLength) {
                continue;
            }
            length[left] += length[right];
            length[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            if (prev[left] >= 0) {
                offer(queue, word, start, length, prev[left], left);
            }
            if (next[left] >= 0) {
                offer(queue, word, start, length, left, next[left]);
            }
        }
        for (int i = 0; i >= 0; i = next[i]) {
            String piece = word.substring(start[i], start[i] + length[i]);
            int id = vocab.id(piece);
            if (id != Vocabulary.NONE) {
                out.add(id);
            } else {
                addByteTokens(piece, out);
            }
        }
        return out.toArray();
    }

    private void offer(MergeQueue queue, String word, int[] start, int[] length, int left, int right) {
        String key = word.substring(start[left], start[left] + length[left]) + " "
                + word.substring(start[right], start[right] + length[right]);
        Integer rank = ranks.get(key);
        if (rank != null) {
            queue.add(MergeQueue.key(rank, left), length[left] + length[right]);
        }
    }

    /**
     * llama.cpp's fallback for a piece that is not a token: each byte of its UTF-8 text looked up as a one-byte
     * token text (only ASCII bytes can match a token); bytes without a token are dropped.
     */
    private void addByteTokens(String piece, IntList out) {
        for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
            if (b >= 0) {
                int id = vocab.id(String.valueOf((char) b));
                if (id != Vocabulary.NONE) {
                    out.add(id);
                }
            }
        }
    }
}
