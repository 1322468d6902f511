package org.bitclass.cli;

import org.bitclass.gguf.GgufModel;
import org.bitclass.model.Generator;
import org.bitclass.model.LanguageModel;
import org.bitclass.model.Models;
import org.bitclass.model.Sampler;
import org.bitclass.tokenizer.Tokenizer;
import org.bitclass.tokenizer.chat.ChatTemplate;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code bitclass chat}: a terminal chat using the model's own chat template, replies streamed. */
@Command(name = "chat",
        header = "Chat with a model in the terminal, using its own chat template.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Chat with a model in the terminal. Messages are formatted with the model's chat template "
                + "(tokenizer.chat_template), exactly as Hugging Face renders it. Replies stream as they are "
                + "generated; their statistics go to stderr. Ctrl-C stops a reply (and quits when no reply is running).",
                "When the context is full, the oldest messages make room (the system message stays), and a reply "
                + "that reaches the end of the context is cut with a warning.",
                "-p or -f sends one message, prints the reply and exits. In the chat: /reset starts over, "
                + "/system TEXT sets the system message, /exit quits."},
        footer = {"", "Examples:",
                "  bitclass chat model.gguf",
                "  bitclass chat model.gguf -sys 'You are terse.' -p 'Name three rivers.' \\",
                "      --temp 0"})
public final class ChatCommand implements Callable<Integer> {

    @Mixin
    ModelArgument modelArgument;

    @ArgGroup(multiplicity = "0..1")
    TextInput oneShot;

    @Option(names = {"-sys", "--system-prompt", "--system"}, paramLabel = "TEXT", description = "system message")
    String system;

    @Option(names = "--no-think", description = "ask thinking models to answer without thinking (enable_thinking=false)")
    boolean noThink;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N",
            description = "most tokens per reply, -1 = until the end of the reply or of the context (default: ${DEFAULT-VALUE})")
    int maxTokens = 1024;

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N", description = "context size (default: the model's, at most 8192)")
    Integer contextSize;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "threads (default: all cores)")
    int threads = Models.defaultThreads();

    @Mixin
    FloatBatchesOption floatBatches;

    @Mixin
    SamplingOptions sampling;

    private final AtomicBoolean replying = new AtomicBoolean();
    private final AtomicBoolean cancel = new AtomicBoolean();

    @Override
    public Integer call() throws Exception {
        OptionChecks.allOrAtLeast("--n-predict", maxTokens, 1, "no limit");
        if (contextSize != null) {
            OptionChecks.atLeast("--ctx-size", contextSize, 2);
        }
        OptionChecks.atLeast("--threads", threads, 1);
        Sampler sampler = sampling.sampler();
        Path model = modelArgument.path();
        String message = oneShot == null ? null : oneShot.read();
        ChatTemplate template;
        Map<String, Object> extra = new HashMap<>();
        Tokenizer tokenizer;
        try (GgufModel gguf = GgufModel.open(model)) {
            String source = gguf.metadata().getString("tokenizer.chat_template", null);
            if (source == null) {
                throw new IllegalArgumentException(model + " has no chat template (tokenizer.chat_template); use generate");
            }
            template = ChatTemplate.compile(source);
            tokenizer = Tokenizer.fromMetadata(gguf.metadata());
        }
        if (tokenizer.bos() >= 0) {
            extra.put("bos_token", tokenizer.tokenText(tokenizer.bos()));
        }
        if (tokenizer.eos() >= 0) {
            extra.put("eos_token", tokenizer.tokenText(tokenizer.eos()));
        }
        if (noThink) {
            extra.put("enable_thinking", false);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Conversation conversation = new Conversation(template, extra, tokenizer);
        conversation.reset(system);
        try (LanguageModel lm = Models.open(model, threads, floatBatches.batches())) {
            int ctx = contextSize != null ? contextSize : Math.min(lm.contextLength(), 8192);
            Generator generator = new Generator(lm.newSession(ctx), tokenizer);
            if (message != null) {
                reply(message, conversation, generator, ctx, sampler, out);
                return 0;
            }
            installInterruptHandler();
            out.println("Chatting with " + model.getFileName() + ". /reset, /system TEXT, /exit. Ctrl-C stops a reply.");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (true) {
                out.print("\n> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("/exit") || line.strip().equals("/quit")) {
                    out.println();
                    return 0;
                }
                String input = line.strip();
                if (input.isEmpty()) {
                    continue;
                }
                if (input.equals("/reset")) {
                    conversation.reset(system);
                    generator.reset();
                    out.println("(conversation cleared)");
                } else if (input.startsWith("/system")) {
                    String text = input.substring("/system".length()).strip();
                    system = text.isEmpty() ? null : text;
                    conversation.reset(system);
                    generator.reset();
                    out.println("(system message set; conversation cleared)");
                } else if (input.startsWith("/")) {
                    out.println("(commands: /reset, /system TEXT, /exit)");
                } else {
                    reply(input, conversation, generator, ctx, sampler, out);
                }
            }
        }
    }

    /**
     * Sends one user message and streams the reply. Old messages make room first: the reply gets the room
     * -n asks for, at most half the context (as llama.cpp frees half when it shifts).
     */
    private void reply(String user, Conversation conversation, Generator generator, int ctx, Sampler sampler,
                       PrintStream out) {
        conversation.add("user", user);
        int room = maxTokens < 0 ? ctx / 2 : Math.min(maxTokens, ctx / 2);
        int dropped = conversation.dropOldestUntil(ctx - room);
        int[] tokens = conversation.prompt();
        if (tokens.length >= ctx) {
            conversation.removeLast();
            System.err.printf(Locale.ROOT, "[not sent: the message makes a prompt of %d tokens, the context holds %d;"
                    + " /reset or a larger -c makes room]%n", tokens.length, ctx);
            return;
        }
        if (dropped > 0) {
            System.err.printf(Locale.ROOT, "[context full: the %d oldest message%s dropped%s]%n", dropped,
                    dropped == 1 ? " was" : "s were", system != null ? "; the system message stays" : "");
        }
        cancel.set(false);
        replying.set(true);
        Generator.Result r;
        try {
            r = generator.generate(tokens, sampler, maxTokens < 0 ? Integer.MAX_VALUE : maxTokens, List.of(), piece -> {
                out.print(piece);
                out.flush();
            }, cancel::get);
        } finally {
            replying.set(false);
        }
        conversation.add("assistant", r.text());
        out.println();
        System.err.printf(Locale.ROOT, "[prompt %d tokens | reply %d tokens, %.1f t/s | stop: %s]%n", r.promptTokens(),
                r.tokens().length, r.tokens().length / Math.max(1e-9, r.genNanos() / 1e9),
                r.reason().name().toLowerCase(Locale.ROOT));
        if (r.reason() == Generator.StopReason.CONTEXT_FULL) {
            System.err.printf(Locale.ROOT, "warning: the reply was cut: the context of %d tokens is full"
                    + " (older messages make room for the next one)%n", ctx);
        }
    }

    /** Ctrl-C stops the reply being generated; with no reply running it quits. */
    private void installInterruptHandler() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> {
                if (replying.get()) {
                    cancel.set(true);
                } else {
                    System.out.println();
                    System.exit(130);
                }
            });
        } catch (IllegalArgumentException e) {
            // no SIGINT on this platform: Ctrl-C keeps its default meaning
        }
    }
}
