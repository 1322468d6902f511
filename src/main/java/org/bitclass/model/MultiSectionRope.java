package org.bitclass.model;

/**
 * Interleaved multi-section RoPE (ggml's IMROPE mode, ggml-cpu ops.cpp {@code ggml_mrope_cache_init}) for text:
 * NeoX-paired rotation of the first {@code n_rot} values, where pair {@code i} takes its position from section
 * t, h or w (all equal to the token position for text) or from the extra section e (position 0, so the pair is
 * left unrotated up to RoPE scaling's magnitude factor). With {@code σ = i mod Σsections}: h if
 * {@code σ mod 3 = 1 and σ < 3·s_h}, w if {@code σ mod 3 = 2 and σ < 3·s_w}, t if {@code σ mod 3 = 0 and
 * σ < 3·s_t}, else e. The angle of a pair accumulates {@code θ·s^i} as in plain RoPE.
 */
final class MultiSectionRope {

    private final Rope rope;
    /** Pairs whose position is the extra section's (0 for text). */
    private final boolean[] extraSection;
    /** (cos, sin) of every pair at position 0. */
    private final float[] atZero;

    MultiSectionRope(int nRot, float freqBase, RopeScaling scaling, int[] sections) {
        this.rope = new Rope(Rope.Style.HALVES, nRot, freqBase, scaling, null);
        int total = sections[0] + sections[1] + sections[2] + sections[3];
        this.extraSection = new boolean[nRot / 2];
        for (int i = 0; i < nRot / 2; i++) {
            int sector = i % total;
            boolean h = sector % 3 == 1 && sector < 3 * sections[1];
            boolean w = sector % 3 == 2 && sector < 3 * sections[2];
            boolean t = sector % 3 == 0 && sector < 3 * sections[0];
            extraSection[i] = !(h || w || t);
        }
        this.atZero = new float[nRot];
        rope.angles(0, atZero, 0);
    }

    int dims() {
        return rope.dims();
    }

    /** Fills {@code table[off .. off+n_rot)} with (cos, sin) of each pair's angle for a text token at {@code pos}. */
    void angles(int pos, float[] table, int off) {
        rope.angles(pos, table, off);
        for (int i = 0; i < extraSection.length; i++) {
            if (extraSection[i]) {
                table[off + 2 * i] = atZero[2 * i];
                table[off + 2 * i + 1] = atZero[2 * i + 1];
            }
        }
    }

    /** Rotates the first {@code n_rot} values of {@code x[off..]}; the rest of the head passes through. */
    void rotate(float[] x, int off, float[] table, int tableOff) {
        rope.rotate(x, off, table, tableOff);
    }
}
