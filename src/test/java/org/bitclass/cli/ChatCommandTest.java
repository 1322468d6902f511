package org.bitclass.cli;

import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChatCommandTest {

    @Test
    void oneShotReplyUsesTheTemplateAndStopsAtEndOfTurn() {
        Cli.Result r = Cli.run("chat", SharedData.path("models/minima-qwen3-f32.gguf").toString(),
                "--system", "You answer from the scriptures.", "--prompt", "Who made the heaven and the earth?",
                "--temp", "0", "-n", "24", "--threads", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        String[] lines = r.out().strip().split("\n");
        assertThat(lines[lines.length - 1]).matches("\\[\\d+ tokens, [0-9.]+ t/s\\]");
        assertThat(r.out()).doesNotContain("<|im_start|>", "<|im_end|>");
        Cli.Result again = Cli.run("chat", SharedData.path("models/minima-qwen3-f32.gguf").toString(),
                "--system", "You answer from the scriptures.", "--prompt", "Who made the heaven and the earth?",
                "--temp", "0", "-n", "24", "--threads", "2");
        assertThat(withoutSpeed(again.out())).as("greedy replies repeat").isEqualTo(withoutSpeed(r.out()));
    }

    private static String withoutSpeed(String out) {
        return out.replaceAll("[0-9.]+ t/s", "");
    }

    @Test
    void modelWithoutTemplateIsExplained() {
        Cli.Result r = Cli.run("chat", SharedData.path("models/quant-probe.gguf").toString(), "--prompt", "hi");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("has no chat template", "generate");
    }
}
