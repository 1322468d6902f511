package org.bitclass.tokenizer.chat;

import org.bitclass.tokenizer.chat.Node.MacroSignature;

import java.util.List;

/** A macro value: its body runs in a child of the scope it was defined in, and returns what it printed. */
final class Macro implements PyCallable {

    final MacroSignature signature;
    final List<Node> body;
    final Scope closure;
    private final Interpreter interpreter;

    Macro(MacroSignature signature, List<Node> body, Scope closure, Interpreter interpreter) {
        this.signature = signature;
        this.body = body;
        this.closure = closure;
        this.interpreter = interpreter;
    }

    @Override
    public Object call(Arguments args) {
        return interpreter.callMacro(this, args);
    }

    @Override
    public String toString() {
        return "<Macro '" + signature.name() + "'>";
    }
}
