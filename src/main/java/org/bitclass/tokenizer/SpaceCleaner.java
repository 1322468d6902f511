package org.bitclass.tokenizer;

import java.util.Arrays;

/**
 * llama.cpp's clean_up_tokenization_spaces for decoded text, three passes over the bytes: drop the space before
 * {@code ? ! . ,}; turn {@code " ' "} into {@code "'"}; drop the space before {@code 's 'm 're 've}.
 */
final class SpaceCleaner {

    private SpaceCleaner() {
    }

    static byte[] clean(byte[] text) {
        return withoutSpaceBeforeContractions(withoutSpacesAroundQuote(withoutSpaceBeforePunctuation(text)));
    }

    private static byte[] withoutSpaceBeforePunctuation(byte[] in) {
        Output out = new Output(in.length);
        for (int i = 0; i < in.length; i++) {
            byte x = in[i];
            if (i > 0 && in[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) {
                out.dropLast();
            }
            out.add(x);
        }
        return out.bytes();
    }

    private static byte[] withoutSpacesAroundQuote(byte[] in) {
        Output out = new Output(in.length);
        int skipped = -1;  // a space eaten after a quote no longer counts as the space before the next byte
        for (int i = 0; i < in.length; i++) {
            byte x = in[i];
            if (i > 0 && x == '\'' && i + 1 < in.length && in[i - 1] == ' ' && skipped != i - 1 && in[i + 1] == ' ') {
                out.dropLast();
                out.add(x);
                skipped = ++i;
                continue;
            }
            out.add(x);
        }
        return out.bytes();
    }

    private static byte[] withoutSpaceBeforeContractions(byte[] in) {
        Output out = new Output(in.length);
        for (int i = 0; i < in.length; i++) {
            byte x = in[i];
            if (i > 0 && in[i - 1] == ' ' && x == '\'' && i + 1 < in.length) {
                byte x1 = in[i + 1];
                byte x2 = i + 2 < in.length ? in[i + 2] : 0;
                if (x1 == 's' || x1 == 'm' || ((x1 == 'r' || x1 == 'v') && x2 == 'e')) {
                    out.dropLast();
                }
            }
            out.add(x);
        }
        return out.bytes();
    }

    private static final class Output {
        private final byte[] buf;
        private int size;

        Output(int capacity) {
            buf = new byte[capacity];
        }

        void add(byte b) {
            buf[size++] = b;
        }

        void dropLast() {
            size--;
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, size);
        }
    }
}
