package org.bitclass.eval.tasks;

/**
 * C++'s {@code std::mt19937} and the two ways llama-perplexity draws task indices from it. The draws decide which
 * tasks are scored and in what order, so they are reproduced bit for bit: the generator is fully specified by the
 * standard; {@link #uniformBelow} is libstdc++'s {@code uniform_int_distribution} (GCC 11 and later, i.e. Linux
 * builds), which other C++ libraries implement differently.
 */
final class Mt19937 {

    private static final int N = 624;
    private static final int M = 397;

    private final int[] state = new int[N];
    private int index = N;

    Mt19937(int seed) {
        state[0] = seed;
        for (int i = 1; i < N; i++) {
            state[i] = 1812433253 * (state[i - 1] ^ (state[i - 1] >>> 30)) + i;
        }
    }

    /** The next 32-bit output, as an unsigned value. */
    long next() {
        if (index == N) {
            twist();
        }
        int y = state[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return Integer.toUnsignedLong(y);
    }

    private void twist() {
        for (int i = 0; i < N; i++) {
            int y = (state[i] & 0x80000000) | (state[(i + 1) % N] & 0x7fffffff);
            state[i] = state[(i + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
        }
        index = 0;
    }

    /**
     * {@code std::uniform_int_distribution<size_t>(0, n - 1)(rng)} as libstdc++ computes it for a 32-bit generator:
     * Lemire's multiply-and-shift with rejection of the biased low products.
     */
    int uniformBelow(int n) {
        long range = Integer.toUnsignedLong(n);
        long product = next() * range;
        if ((product & 0xffffffffL) < range) {
            long threshold = Integer.toUnsignedLong(-n) % range;
            while ((product & 0xffffffffL) < threshold) {
                product = next() * range;
            }
        }
        return (int) (product >>> 32);
    }

    /** llama-perplexity's other draw, all in float: {@code int(1/(1 + 2^32-1) * rng() * n)}. */
    int scaledBelow(int n) {
        float scale = 1 / (1.0f + (float) 0xffffffffL);
        return (int) (scale * (float) next() * (float) n);
    }

    /**
     * llama-perplexity's random subset for WinoGrande and multiple choice: {@code count} of {@code total} indices, each
     * drawn with {@link #scaledBelow} from those left, the last one moved into the drawn one's place.
     */
    static int[] subset(int total, int count) {
        Mt19937 rng = new Mt19937(1);
        int[] left = new int[total];
        for (int i = 0; i < total; i++) {
            left[i] = i;
        }
        int[] picked = new int[count];
        for (int i = 0; i < count; i++) {
            int j = rng.scaledBelow(total - i);
            picked[i] = left[j];
            left[j] = left[total - i - 1];
        }
        return picked;
    }
}
