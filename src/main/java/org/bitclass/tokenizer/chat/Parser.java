package org.bitclass.tokenizer.chat;

import org.bitclass.tokenizer.chat.Node.MacroSignature;
import org.bitclass.tokenizer.chat.Node.Target;
import org.bitclass.tokenizer.chat.Token.Kind;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/** Parses the token stream into statements, following jinja2's parser; expressions go to {@link ExpressionParser}. */
final class Parser {

    private final TokenStream in;
    private final ExpressionParser expressions;
    /** Loops enclosing the statement being parsed, so break/continue outside a loop are rejected. */
    private int loopDepth;

    private Parser(List<Token> tokens) {
        in = new TokenStream(tokens);
        expressions = new ExpressionParser(in);
    }

    static List<Node> parse(String source) {
        Parser parser = new Parser(Lexer.tokenize(source));
        List<Node> nodes = parser.body(Set.of());
        parser.expressions.throwCompileErrors();
        return nodes;
    }

    /** Statements up to one of {@code endTags} (left as the current token) or the end of the template. */
    private List<Node> body(Set<String> endTags) {
        List<Node> nodes = new ArrayList<>();
        while (true) {
            Token t = in.current();
            switch (t.kind()) {
                case DATA -> nodes.add(new Node.Text(in.next().text(), t.line()));
                case VARIABLE_BEGIN -> {
                    in.next();
                    nodes.add(new Node.Print(expressions.tuple(true, Set.of(), false), t.line()));
                    in.expect(Kind.VARIABLE_END);
                }
                case BLOCK_BEGIN -> {
                    in.next();
                    if (in.current().is(Kind.NAME) && endTags.contains(in.current().text())) {
                        return nodes;
                    }
                    nodes.add(statement(endTags));
                    in.expect(Kind.BLOCK_END);
                }
                case EOF -> {
                    if (!endTags.isEmpty()) {
                        throw in.error("unexpected end of template, expected " + describe(endTags));
                    }
                    return nodes;
                }
                default -> throw in.error("unexpected '" + t.describe() + "'");
            }
        }
    }

    /** The block end of the opening tag, then the body up to one of {@code endTags}. */
    private List<Node> block(Set<String> endTags, boolean dropEndTag) {
        in.skipIf(":");
        in.expect(Kind.BLOCK_END);
        List<Node> nodes = body(endTags);
        if (dropEndTag) {
            in.next();
        }
        return nodes;
    }

    /** A block body that jinja2 compiles as a frame of its own (not inside the enclosing if-statement). */
    private List<Node> innerFrame(Set<String> endTags) {
        boolean outer = expressions.setSoft(false);
        List<Node> body = block(endTags, true);
        expressions.setSoft(outer);
        return body;
    }

    private Node statement(Set<String> enclosingEndTags) {
        Token t = in.current();
        if (!t.is(Kind.NAME)) {
            throw in.error("tag name expected");
        }
        return switch (t.text()) {
            case "if" -> ifStatement();
            case "for" -> forStatement();
            case "set" -> setStatement();
            case "macro" -> macro();
            case "call" -> callBlock();
            case "filter" -> filterBlock();
            case "with" -> withBlock();
            case "print" -> printStatement();
            case "generation" -> {
                in.next();
                // HF compiles the tag to a call block, whose body is a function: loops outside it do not count
                int enclosingLoops = loopDepth;
                loopDepth = 0;
                List<Node> body = innerFrame(Set.of("endgeneration"));
                loopDepth = enclosingLoops;
                yield new Node.ScopedBlock(body, t.line());
            }
            case "break", "continue" -> loopControl(t);
            default -> throw in.error("encountered unknown tag '" + t.text() + "'"
                    + (enclosingEndTags.isEmpty() ? "" : ", expected " + describe(enclosingEndTags)));
        };
    }

    private static String describe(Set<String> tags) {
        return tags.stream().sorted().map(s -> "'" + s + "'").reduce((a, b) -> a + " or " + b).orElse("");
    }

    private Node ifStatement() {
        int line = in.expect("if").line();
        boolean outer = expressions.setSoft(true);
        List<Expr> tests = new ArrayList<>();
        List<List<Node>> bodies = new ArrayList<>();
        List<Node> otherwise = List.of();
        while (true) {
            tests.add(expressions.tuple(false, Set.of(), false));
            bodies.add(block(Set.of("elif", "else", "endif"), false));
            String tag = in.next().text();
            if (tag.equals("else")) {
                otherwise = block(Set.of("endif"), true);
                break;
            }
            if (tag.equals("endif")) {
                break;
            }
        }
        expressions.setSoft(outer);
        return new Node.If(List.copyOf(tests), List.copyOf(bodies), otherwise, line);
    }

    private Node forStatement() {
        int line = in.expect("for").line();
        Target target = target(Set.of("in"), false);
        in.expect("in");
        Expr iterable = expressions.tuple(false, Set.of("recursive"), false);
        Expr filter = in.skipIf("if") ? expressions.expression() : null;
        if (in.current().is("recursive")) {
            throw in.error("recursive loops are not supported");
        }
        boolean outer = expressions.setSoft(false);
        loopDepth++;
        List<Node> body = block(Set.of("endfor", "else"), false);
        loopDepth--;
        List<Node> otherwise = in.next().text().equals("else") ? block(Set.of("endfor"), true) : List.of();
        expressions.setSoft(outer);
        return new Node.For(target, iterable, filter, body, otherwise, line);
    }

    private Node setStatement() {
        int line = in.expect("set").line();
        Target target = target(Set.of(), true);
        if (in.skipIf("=")) {
            return new Node.Set(target, expressions.tuple(true, Set.of(), false), line);
        }
        Expr.Filter filter = in.current().is("|") ? expressions.filters(null, false) : null;
        return new Node.SetBlock(target, filter, innerFrame(Set.of("endset")), line);
    }

    /** An assignment target: names, {@code ns.attr} when allowed, or a tuple of them. */
    private Target target(Set<String> endNames, boolean withNamespace) {
        List<Target> targets = new ArrayList<>();
        boolean isTuple = false;
        while (true) {
            if (!targets.isEmpty()) {
                in.expect(",");
            }
            Token t = in.current();
            if (t.is(Kind.BLOCK_END) || t.is(")") || (t.is(Kind.NAME) && endNames.contains(t.text()))) {
                break;
            }
            targets.add(targetItem(withNamespace));
            if (in.current().is(",")) {
                isTuple = true;
            } else {
                break;
            }
        }
        if (targets.isEmpty()) {
            throw in.error("expected an assignment target, got '" + in.current().describe() + "'");
        }
        return isTuple ? new Target.Unpack(List.copyOf(targets)) : targets.getFirst();
    }

    private Target targetItem(boolean withNamespace) {
        Token t = in.current();
        if (in.skipIf("(")) {
            Target inner = target(Set.of(), false);
            in.expect(")");
            return inner;
        }
        if (!t.is(Kind.NAME) || Set.of("true", "false", "none", "True", "False", "None").contains(t.text())) {
            throw in.error("can't assign to '" + t.describe() + "'");
        }
        in.next();
        if (withNamespace && in.skipIf(".")) {
            return new Target.NamespaceAttr(t.text(), in.expect(Kind.NAME).text());
        }
        return new Target.Variable(t.text());
    }

    private Node macro() {
        int line = in.expect("macro").line();
        String name = in.expect(Kind.NAME).text();
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        parameters(params, defaults);
        return macroBody(name, params, defaults, "endmacro",
                (signature, body) -> new Node.Macro(signature, body, line));
    }

    private Node callBlock() {
        int line = in.expect("call").line();
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        if (in.current().is("(")) {
            parameters(params, defaults);
        }
        if (!(expressions.expression() instanceof Expr.Call call)) {
            throw in.error("expected call");
        }
        return macroBody("caller", params, defaults, "endcall",
                (signature, body) -> new Node.CallBlock(signature, call, body, line));
    }

    /** {@code (a, b=default)}: defaults line up with the parameters, null where there is none. */
    private void parameters(List<String> params, List<Expr> defaults) {
        in.expect("(");
        while (!in.current().is(")")) {
            if (!params.isEmpty()) {
                in.expect(",");
            }
            params.add(in.expect(Kind.NAME).text());
            if (in.skipIf("=")) {
                defaults.add(expressions.expression());
            } else if (!defaults.isEmpty() && defaults.getLast() != null) {
                throw in.error("non-default argument follows default argument");
            } else {
                defaults.add(null);
            }
        }
        in.expect(")");
    }

    /** Parses a macro body, noting whether it uses {@code caller}, {@code varargs} or {@code kwargs}. */
    private Node macroBody(String name, List<String> params, List<Expr> defaults, String endTag,
                           BiFunction<MacroSignature, List<Node>, Node> build) {
        int enclosingLoops = loopDepth;
        loopDepth = 0;
        expressions.enterMacroBody();
        List<Node> body = innerFrame(Set.of(endTag));
        Set<String> used = expressions.exitMacroBody();
        loopDepth = enclosingLoops;
        MacroSignature signature = new MacroSignature(name, List.copyOf(params),
                Collections.unmodifiableList(new ArrayList<>(defaults)),
                used.contains("caller"), used.contains("varargs"), used.contains("kwargs"));
        return build.apply(signature, body);
    }

    private Node filterBlock() {
        int line = in.expect("filter").line();
        Expr.Filter filter = expressions.filters(null, true);
        return new Node.FilterBlock(filter, innerFrame(Set.of("endfilter")), line);
    }

    private Node withBlock() {
        int line = in.expect("with").line();
        List<Target> targets = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        while (!in.current().is(Kind.BLOCK_END)) {
            if (!targets.isEmpty()) {
                in.expect(",");
            }
            targets.add(target(Set.of(), false));
            in.expect("=");
            values.add(expressions.expression());
        }
        return new Node.With(List.copyOf(targets), List.copyOf(values), innerFrame(Set.of("endwith")), line);
    }

    /** {@code {% print a, b %}} prints each expression, like {@code {{ a }}{{ b }}}. */
    private Node printStatement() {
        int line = in.expect("print").line();
        List<Node> prints = new ArrayList<>();
        while (!in.current().is(Kind.BLOCK_END)) {
            if (!prints.isEmpty()) {
                in.expect(",");
            }
            prints.add(new Node.Print(expressions.expression(), line));
        }
        return new Node.ScopedBlock(List.copyOf(prints), line);
    }

    private Node loopControl(Token t) {
        in.next();
        if (loopDepth == 0) {
            expressions.deferCompileError(new TemplateException("syntax error: '" + t.text() + "' outside of a loop",
                    t.line()));
        }
        return t.is("break") ? new Node.Break(t.line()) : new Node.Continue(t.line());
    }
}
