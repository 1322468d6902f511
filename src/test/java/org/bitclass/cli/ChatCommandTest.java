package org.bitclass.cli;

import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ChatCommandTest {

    private static final String MODEL = SharedData.path("models/minima-qwen3-bf16.gguf").toString();

    @Test
    void oneShotReplyUsesTheTemplateAndStopsAtEndOfTurn() {
        Cli.Result r = Cli.run("chat", SharedData.path("models/minima-qwen3-f32.gguf").toString(),
                "--system", "You answer from the scriptures.", "--prompt", "Who made the heaven and the earth?",
                "--temp", "0", "-n", "24", "--threads", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err().strip()).as("statistics go to stderr, as generate's do")
                .matches("\\[prompt \\d+ tokens \\| reply \\d+ tokens, [0-9.]+ t/s \\| stop: \\w+\\]");
        assertThat(r.out()).doesNotContain("<|im_start|>", "<|im_end|>", "t/s");
        Cli.Result again = Cli.run("chat", SharedData.path("models/minima-qwen3-f32.gguf").toString(),
                "--system", "You answer from the scriptures.", "--prompt", "Who made the heaven and the earth?",
                "--temp", "0", "-n", "24", "--threads", "2");
        assertThat(withoutSpeed(again.out())).as("greedy replies repeat").isEqualTo(withoutSpeed(r.out()));
    }

    private static String withoutSpeed(String out) {
        return out.replaceAll("[0-9.]+ t/s", "");
    }

    @Test
    void aFullContextDropsTheOldestMessagesAndTheSessionGoesOn() {
        Cli.Result r = typing("Who made the heaven and the earth?\nAnd what did God say?\nWho was Moses?\n",
                "chat", MODEL, "-c", "64", "-n", "-1", "--temp", "0", "-t", "2", "-sys", "Answer.");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err().lines().filter(l -> l.startsWith("[prompt ")).count()).as(r.err()).isEqualTo(3);
        assertThat(r.err()).contains("warning: the reply was cut: the context of 64 tokens is full",
                "[context full: the 2 oldest messages were dropped; the system message stays]");
    }

    @Test
    void aMessageTooLongForTheContextIsNotSentAndTheSessionGoesOn() {
        String longMessage = "And God said, Let there be light: and there was light. ".repeat(8);
        Cli.Result r = typing(longMessage + "\nWho was Moses?\n", "chat", MODEL, "-c", "64", "-n", "4", "--temp", "0",
                "-t", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).containsPattern("\\[not sent: the message makes a prompt of \\d+ tokens, the context holds 64;");
        assertThat(r.err().lines().filter(l -> l.startsWith("[prompt ")).count()).as(r.err()).isEqualTo(1);
    }

    /** Runs an interactive chat with {@code lines} as what the user types. */
    private static Cli.Result typing(String lines, String... args) {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8)));
            return Cli.run(args);
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void modelWithoutTemplateIsExplained() {
        Cli.Result r = Cli.run("chat", SharedData.path("models/quant-probe.gguf").toString(), "--prompt", "hi");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("has no chat template", "generate");
    }
}
