package org.bitclass.tokenizer.chat;

import java.time.Clock;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled Hugging Face chat template ({@code tokenizer.chat_template}), rendered as transformers does it: Jinja2
 * in an immutable sandbox with {@code trim_blocks}, {@code lstrip_blocks} and loop controls, plus HF's
 * {@code raise_exception}, {@code strftime_now} and {@code tojson}.
 *
 * <p>Context values are Java {@code Map}, {@code List}, {@code String}, {@code Number}, {@code Boolean} and null, as
 * Jackson parses JSON; they are copied, never modified. Compiled templates are immutable and thread-safe.
 */
public final class ChatTemplate {

    /** jinja2's sandbox refuses ranges longer than this. */
    private static final int MAX_RANGE = 100_000;

    private final List<Node> nodes;
    private final Clock clock;

    private ChatTemplate(List<Node> nodes, Clock clock) {
        this.nodes = nodes;
        this.clock = clock;
    }

    /** Parses template source; a syntax error is a {@link TemplateException} naming the line. */
    public static ChatTemplate compile(String source) {
        return new ChatTemplate(Parser.parse(source), Clock.systemDefaultZone());
    }

    /** This template with {@code strftime_now} reading the given clock (in the clock's zone). */
    public ChatTemplate withClock(Clock clock) {
        return new ChatTemplate(nodes, clock);
    }

    /**
     * Renders with the given variables, as transformers does for {@code apply_chat_template}: messages, tools (null
     * when none), add_generation_prompt, and the extra variables (bos_token, eos_token, enable_thinking, ...).
     * As in transformers, {@code documents} is None unless the extra variables give it.
     */
    public String render(List<? extends Map<String, ?>> messages, List<? extends Map<String, ?>> tools,
                         boolean addGenerationPrompt, Map<String, ?> extra) {
        Map<String, Object> context = new LinkedHashMap<>(extra == null ? Map.of() : extra);
        context.put("messages", messages);
        context.put("tools", tools);
        context.putIfAbsent("documents", null);
        context.put("add_generation_prompt", addGenerationPrompt);
        return render(context);
    }

    /** Renders with exactly these template variables. */
    public String render(Map<String, ?> context) {
        Scope globals = new Scope(null);
        globals.set("range", (PyCallable) ChatTemplate::range);
        globals.set("dict", (PyCallable) ChatTemplate::dict);
        globals.set("namespace", (PyCallable) ChatTemplate::namespace);
        globals.set("raise_exception", (PyCallable) args -> {
            throw TemplateException.raisedByTemplate(Py.str(args.bind("raise_exception", "message").required(0)));
        });
        globals.set("strftime_now", (PyCallable) args -> Strftime.format(LocalDateTime.now(clock),
                Py.requireString(args.bind("strftime_now", "format").required(0), "format")));
        Scope variables = globals.child();
        context.forEach((name, value) -> variables.set(name, Py.fromJava(value)));
        try {
            return new Interpreter().render(nodes, variables);
        } catch (StackOverflowError e) {
            throw new TemplateException("maximum recursion depth exceeded");
        }
    }

    private static Object range(Arguments args) {
        if (!args.keywords().isEmpty() || args.size() < 1 || args.size() > 3) {
            throw new TemplateException("range expected 1 to 3 integer arguments");
        }
        long start = args.size() == 1 ? 0 : Py.toLong(args.get(0), "range() argument");
        long stop = Py.toLong(args.get(args.size() == 1 ? 0 : 1), "range() argument");
        long step = args.size() == 3 ? Py.toLong(args.get(2), "range() argument") : 1;
        if (step == 0) {
            throw new TemplateException("range() arg 3 must not be zero");
        }
        long count = step > 0 ? Math.max(0, (stop - start + step - 1) / step)
                : Math.max(0, (start - stop - step - 1) / -step);
        if (count > MAX_RANGE) {
            throw new TemplateException("Range too big. The sandbox blocks ranges larger than MAX_RANGE ("
                    + MAX_RANGE + ").");
        }
        List<Object> values = new java.util.ArrayList<>();
        for (long i = 0; i < count; i++) {
            values.add(start + i * step);
        }
        return values;
    }

    /** Python's {@code dict(mapping_or_pairs, **kwargs)}. */
    private static Object dict(Arguments args) {
        if (args.size() > 1) {
            throw new TemplateException("dict expected at most 1 argument, got " + args.size());
        }
        Map<Object, Object> map = new LinkedHashMap<>();
        if (args.size() == 1) {
            Object source = args.get(0);
            if (source instanceof Map<?, ?> m) {
                map.putAll(m);
            } else {
                for (Object pair : Py.iterate(source)) {
                    List<Object> kv = Py.iterate(pair);
                    if (kv.size() != 2) {
                        throw new TemplateException("dictionary update sequence element has length " + kv.size()
                                + "; 2 is required");
                    }
                    Py.dictPut(map, kv.get(0), kv.get(1));
                }
            }
        }
        map.putAll(args.keywords());
        return map;
    }

    private static Object namespace(Arguments args) {
        Namespace ns = new Namespace();
        ((Map<?, ?>) dict(args)).forEach((k, v) -> ns.attributes.put(Py.str(k), v));
        return ns;
    }
}
