package org.bitclass.serve;

import org.bitclass.gguf.GgufModel;
import org.bitclass.model.LanguageModel;
import org.bitclass.model.Models;
import org.bitclass.tokenizer.Tokenizer;
import org.bitclass.tokenizer.chat.ChatTemplate;
import org.bitclass.tokenizer.chat.TemplateException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A loaded model with what serving it needs: its tokenizer, chat template and scheduler. */
final class ServedModel implements AutoCloseable {

    final String name;
    final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final LanguageModel model;
    final Scheduler scheduler;

    private ServedModel(String name, Tokenizer tokenizer, ChatTemplate template, LanguageModel model,
                        Scheduler scheduler) {
        this.name = name;
        this.tokenizer = tokenizer;
        this.template = template;
        this.model = model;
        this.scheduler = scheduler;
    }

    /** Opens the model file under the name clients use for it. */
    static ServedModel open(String name, Path path, ServerSettings settings) throws IOException {
        Tokenizer tokenizer;
        ChatTemplate template;
        try (GgufModel gguf = GgufModel.open(path)) {
            tokenizer = Tokenizer.fromMetadata(gguf.metadata());
            String source = gguf.metadata().getString("tokenizer.chat_template", null);
            template = source == null ? null : ChatTemplate.compile(source);
        }
        LanguageModel model = Models.open(path, settings.threads(), settings.batches());
        try {
            int ctx = settings.contextPerSlot() > 0 ? settings.contextPerSlot() : Math.min(model.contextLength(), 4096);
            Scheduler scheduler = new Scheduler(model, tokenizer, settings.parallel(), ctx, settings.queueLength());
            return new ServedModel(name, tokenizer, template, model, scheduler);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Renders a conversation with the model's chat template, ending with the assistant's turn to speak. */
    String renderChat(List<Map<String, Object>> messages, List<Map<String, Object>> tools, Map<String, Object> kwargs) {
        if (template == null) {
            throw ApiException.badRequest(name + " has no chat template; use /v1/completions");
        }
        Map<String, Object> extra = new HashMap<>(kwargs);
        if (tokenizer.bos() >= 0) {
            extra.putIfAbsent("bos_token", tokenizer.tokenText(tokenizer.bos()));
        }
        if (tokenizer.eos() >= 0) {
            extra.putIfAbsent("eos_token", tokenizer.tokenText(tokenizer.eos()));
        }
        try {
            return template.render(messages, tools, true, extra);
        } catch (TemplateException e) {
            throw ApiException.badRequest("the chat template refused the messages: " + e.getMessage());
        }
    }

    /** Token ids of a prompt, with BOS when the model wants it and the text does not already start with it. */
    int[] encodePrompt(String text) {
        String bos = tokenizer.bos() >= 0 ? tokenizer.tokenText(tokenizer.bos()) : null;
        return tokenizer.encode(text, bos == null || !text.startsWith(bos), true);
    }

    @Override
    public void close() {
        scheduler.close();
        model.close();
    }
}
