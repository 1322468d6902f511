package org.bitclass.tokenizer.chat;

import java.util.List;

/** Expression nodes of the template syntax tree. */
sealed interface Expr {

    record Literal(Object value) implements Expr { }

    record Name(String name) implements Expr { }

    record ListLiteral(List<Expr> items) implements Expr { }

    record TupleLiteral(List<Expr> items) implements Expr { }

    record DictLiteral(List<Expr> keys, List<Expr> values) implements Expr { }

    /** {@code obj.name}: attribute first, then item, as jinja2's getattr. */
    record GetAttr(Expr object, String name) implements Expr { }

    /** {@code obj[key]}: item first, then attribute, as jinja2's getitem. */
    record GetItem(Expr object, Expr key) implements Expr { }

    /** {@code [start:stop:step]} inside a subscript; absent parts are null. */
    record Slice(Expr start, Expr stop, Expr step) implements Expr { }

    record Call(Expr callee, CallArgs args) implements Expr { }

    /** {@code input|name(args)}; input is null for the filter of a filter block or block set. */
    record Filter(Expr input, String name, CallArgs args) implements Expr { }

    record Test(Expr input, String name, CallArgs args) implements Expr { }

    record Not(Expr operand) implements Expr { }

    record Negate(Expr operand) implements Expr { }

    record Plus(Expr operand) implements Expr { }

    record And(Expr left, Expr right) implements Expr { }

    record Or(Expr left, Expr right) implements Expr { }

    /** Arithmetic or {@code ~}; {@code op} is the operator's spelling. */
    record Binary(String op, Expr left, Expr right) implements Expr { }

    /** A comparison chain {@code a < b <= c}: each operator applies to its neighbours, as in Python. */
    record Compare(Expr first, List<String> ops, List<Expr> rest) implements Expr { }

    /** {@code then if test else otherwise}; without {@code else} the result is undefined. */
    record Conditional(Expr test, Expr then, Expr otherwise) implements Expr { }

    record CallArgs(List<Expr> positional, List<String> keywordNames, List<Expr> keywordValues) {
        static final CallArgs NONE = new CallArgs(List.of(), List.of(), List.of());
    }
}
