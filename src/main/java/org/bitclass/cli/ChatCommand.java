package org.bitclass.cli;

import org.bitclass.gguf.GgufModel;
import org.bitclass.model.Generator;
import org.bitclass.model.LanguageModel;
import org.bitclass.model.Models;
import org.bitclass.model.Sampler;
import org.bitclass.tokenizer.Tokenizer;
import org.bitclass.tokenizer.chat.ChatTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code bitclass chat}: a terminal chat using the model's own chat template, replies streamed. */
@Command(name = "chat",
        header = "Chat with a model in the terminal, using its own chat template.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Chat with a model in the terminal. Messages are formatted with the model's chat template",
                "(tokenizer.chat_template), exactly as Hugging Face renders it. Replies stream as they are generated;",
                "Ctrl-C stops a reply (and quits when no reply is running).",
                "In the chat: /reset starts over, /system TEXT sets the system message, /exit quits."},
        footer = {"", "Examples:",
                "  bitclass chat model.gguf",
                "  bitclass chat model.gguf --system 'You are terse.' --prompt 'Name three rivers.' --temp 0"})
public final class ChatCommand implements Callable<Integer> {

    @Parameters(paramLabel = "MODEL", description = "GGUF model with a chat template")
    Path model;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "send one message, print the reply and exit")
    String oneShot;

    @Option(names = "--system", paramLabel = "TEXT", description = "system message")
    String system;

    @Option(names = "--no-think", description = "ask thinking models to answer without thinking (enable_thinking=false)")
    boolean noThink;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "most tokens per reply (default: ${DEFAULT-VALUE})")
    int maxTokens = 1024;

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N", description = "context size (default: the model's, at most 8192)")
    Integer contextSize;

    @Option(names = "--threads", paramLabel = "N", description = "threads (default: all cores)")
    int threads = Models.defaultThreads();

    @Mixin
    SamplingOptions sampling;

    private final List<Map<String, Object>> messages = new ArrayList<>();
    private final AtomicBoolean replying = new AtomicBoolean();
    private final AtomicBoolean cancel = new AtomicBoolean();

    @Override
    public Integer call() throws Exception {
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
        try (LanguageModel lm = Models.open(model, threads)) {
            int ctx = contextSize != null ? contextSize : Math.min(lm.contextLength(), 8192);
            Generator generator = new Generator(lm.newSession(ctx), tokenizer);
            Sampler sampler = sampling.sampler();
            setSystem(system);
            if (oneShot != null) {
                reply(oneShot, template, extra, tokenizer, generator, sampler, out);
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
                    setSystem(system);
                    generator.reset();
                    out.println("(conversation cleared)");
                } else if (input.startsWith("/system")) {
                    system = input.substring("/system".length()).strip();
                    setSystem(system.isEmpty() ? null : system);
                    generator.reset();
                    out.println("(system message set; conversation cleared)");
                } else if (input.startsWith("/")) {
                    out.println("(commands: /reset, /system TEXT, /exit)");
                } else {
                    reply(input, template, extra, tokenizer, generator, sampler, out);
                }
            }
        }
    }

    private void setSystem(String text) {
        messages.clear();
        if (text != null) {
            messages.add(Map.of("role", "system", "content", text));
        }
    }

    private void reply(String user, ChatTemplate template, Map<String, Object> extra, Tokenizer tokenizer,
                       Generator generator, Sampler sampler, PrintStream out) {
        messages.add(Map.of("role", "user", "content", user));
        String prompt = template.render(messages, null, true, extra);
        String bos = (String) extra.get("bos_token");
        int[] tokens = tokenizer.encode(prompt, bos == null || !prompt.startsWith(bos), true);
        cancel.set(false);
        replying.set(true);
        Generator.Result r;
        try {
            r = generator.generate(tokens, sampler, maxTokens, List.of(), piece -> {
                out.print(piece);
                out.flush();
            }, cancel::get);
        } finally {
            replying.set(false);
        }
        messages.add(Map.of("role", "assistant", "content", r.text()));
        out.println();
        out.printf(Locale.ROOT, "[%d tokens, %.1f t/s%s]%n", r.tokens().length,
                r.tokens().length / Math.max(1e-9, r.genNanos() / 1e9),
                r.reason() == Generator.StopReason.CANCELLED ? ", stopped" : "");
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
