package org.bitclass.tokenizer.chat;

import java.util.List;

/** Statement nodes of the template syntax tree; {@code line} is where the statement starts, for error messages. */
sealed interface Node {

    int line();

    record Text(String text, int line) implements Node { }

    record Print(Expr value, int line) implements Node { }

    record If(List<Expr> tests, List<List<Node>> bodies, List<Node> otherwise, int line) implements Node { }

    record For(Target target, Expr iterable, Expr filter, List<Node> body, List<Node> otherwise, int line)
            implements Node { }

    record Set(Target target, Expr value, int line) implements Node { }

    /** {@code {% set x | filter %}...{% endset %}}; filter may be null. */
    record SetBlock(Target target, Expr.Filter filter, List<Node> body, int line) implements Node { }

    record Macro(MacroSignature signature, List<Node> body, int line) implements Node { }

    /** {@code {% call(params) callee(args) %}body{% endcall %}}: the body becomes the callee's {@code caller}. */
    record CallBlock(MacroSignature caller, Expr.Call call, List<Node> body, int line) implements Node { }

    record FilterBlock(Expr.Filter filter, List<Node> body, int line) implements Node { }

    /** {@code {% with a = x, b = y %}}: values computed outside, the names set only inside the block. */
    record With(List<Target> targets, List<Expr> values, List<Node> body, int line) implements Node { }

    /** A block rendered in a scope of its own, like HF's {@code {% generation %}} tag. */
    record ScopedBlock(List<Node> body, int line) implements Node { }

    record Break(int line) implements Node { }

    record Continue(int line) implements Node { }

    /** Name, parameters with defaults (null when none), and which special names the body uses. */
    record MacroSignature(String name, List<String> params, List<Expr> defaults,
                          boolean usesCaller, boolean usesVarargs, boolean usesKwargs) { }

    /** Left-hand side of an assignment or loop variable. */
    sealed interface Target {
        record Variable(String name) implements Target { }

        record Unpack(List<Target> targets) implements Target { }

        record NamespaceAttr(String namespace, String attr) implements Target { }
    }
}
