package org.bitclass.tokenizer.chat;

import org.bitclass.tokenizer.chat.Expr.CallArgs;
import org.bitclass.tokenizer.chat.Token.Kind;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses expressions with jinja2's grammar and precedence, lowest first: conditional, {@code or}, {@code and},
 * {@code not}, comparisons and {@code in}, {@code + -}, {@code ~}, {@code * / // %}, {@code **} (left-associative),
 * unary {@code - +}, then primaries with their postfix subscripts, calls, filters and tests.
 */
final class ExpressionParser {

    private static final Set<String> COMPARISONS = Set.of("==", "!=", "<", "<=", ">", ">=");
    private static final Set<String> MULTIPLICATIVE = Set.of("*", "/", "//", "%");
    private static final Set<Kind> TEST_ARGUMENT_STARTS = Set.of(Kind.NAME, Kind.STRING, Kind.INTEGER, Kind.FLOAT);

    private final TokenStream in;
    /** Names referenced inside each macro body being parsed, innermost last (jinja2's find_undeclared). */
    private final Deque<Set<String>> macroBodies = new ArrayDeque<>();
    /**
     * Errors jinja2 only finds when compiling the parsed template, so any syntax error wins over them: unknown
     * filter and test names outside if-statements and conditional expressions (inside, they fail only if run), and
     * loop controls outside loops.
     */
    private final List<TemplateException> compileErrors = new ArrayList<>();
    private boolean soft;

    ExpressionParser(TokenStream in) {
        this.in = in;
    }

    void enterMacroBody() {
        macroBodies.push(new HashSet<>());
    }

    /** Ends the innermost macro body and returns the names it referenced. */
    Set<String> exitMacroBody() {
        return macroBodies.pop();
    }

    /** Enters an if-statement ({@code true}) or a frame of its own such as a loop body ({@code false}). */
    boolean setSoft(boolean insideIf) {
        boolean previous = soft;
        soft = insideIf;
        return previous;
    }

    void deferCompileError(TemplateException e) {
        compileErrors.add(e);
    }

    /** Throws the first error jinja2 would report when compiling, if any. */
    void throwCompileErrors() {
        if (!compileErrors.isEmpty()) {
            throw compileErrors.getFirst();
        }
    }

    Expr expression() {
        return conditional();
    }

    Expr expression(boolean withConditional) {
        return withConditional ? conditional() : or();
    }

    /** Comma-separated expressions become a tuple; {@code endNames} are extra names that end it (like {@code in}). */
    Expr tuple(boolean withConditional, Set<String> endNames, boolean explicitParentheses) {
        List<Expr> items = new ArrayList<>();
        boolean isTuple = false;
        while (true) {
            if (!items.isEmpty()) {
                in.expect(",");
            }
            if (isTupleEnd(endNames)) {
                break;
            }
            items.add(expression(withConditional));
            if (in.current().is(",")) {
                isTuple = true;
            } else {
                break;
            }
        }
        if (!isTuple) {
            if (!items.isEmpty()) {
                return items.getFirst();
            }
            if (!explicitParentheses) {
                throw in.error("expected an expression, got '" + in.current().describe() + "'");
            }
        }
        return new Expr.TupleLiteral(List.copyOf(items));
    }

    private boolean isTupleEnd(Set<String> endNames) {
        Token t = in.current();
        return t.is(Kind.VARIABLE_END) || t.is(Kind.BLOCK_END) || t.is(")")
                || (t.is(Kind.NAME) && endNames.contains(t.text()));
    }

    private Expr conditional() {
        int unknownBefore = compileErrors.size();
        Expr result = or();
        if (!in.current().is("if")) {
            return result;
        }
        compileErrors.subList(unknownBefore, compileErrors.size()).clear();
        boolean outer = setSoft(true);
        while (in.skipIf("if")) {
            Expr test = or();
            Expr otherwise = in.skipIf("else") ? conditional() : null;
            result = new Expr.Conditional(test, result, otherwise);
        }
        setSoft(outer);
        return result;
    }

    private void checkExists(String kind, String name, boolean exists) {
        if (!exists && !soft) {
            compileErrors.add(new TemplateException("No " + kind + " named '" + name + "'.", in.current().line()));
        }
    }

    private Expr or() {
        Expr left = and();
        while (in.skipIf("or")) {
            left = new Expr.Or(left, and());
        }
        return left;
    }

    private Expr and() {
        Expr left = not();
        while (in.skipIf("and")) {
            left = new Expr.And(left, not());
        }
        return left;
    }

    private Expr not() {
        if (in.skipIf("not")) {
            return new Expr.Not(not());
        }
        return compare();
    }

    private Expr compare() {
        Expr first = additive();
        List<String> ops = new ArrayList<>();
        List<Expr> rest = new ArrayList<>();
        while (true) {
            Token t = in.current();
            if (t.is(Kind.OPERATOR) && COMPARISONS.contains(t.text())) {
                in.next();
                ops.add(t.text());
            } else if (t.is("in")) {
                in.next();
                ops.add("in");
            } else if (t.is("not") && in.peek().is("in")) {
                in.next();
                in.next();
                ops.add("not in");
            } else {
                break;
            }
            rest.add(additive());
        }
        return ops.isEmpty() ? first : new Expr.Compare(first, List.copyOf(ops), List.copyOf(rest));
    }

    private Expr additive() {
        Expr left = concat();
        while (in.current().is("+") || in.current().is("-")) {
            String op = in.next().text();
            left = new Expr.Binary(op, left, concat());
        }
        return left;
    }

    private Expr concat() {
        Expr left = multiplicative();
        while (in.skipIf("~")) {
            left = new Expr.Binary("~", left, multiplicative());
        }
        return left;
    }

    private Expr multiplicative() {
        Expr left = power();
        while (in.current().is(Kind.OPERATOR) && MULTIPLICATIVE.contains(in.current().text())) {
            String op = in.next().text();
            left = new Expr.Binary(op, left, power());
        }
        return left;
    }

    private Expr power() {
        Expr left = unary(true);
        while (in.skipIf("**")) {
            left = new Expr.Binary("**", left, unary(true));
        }
        return left;
    }

    /** As jinja2: the operand of unary minus takes no filters, so {@code -x|abs} is {@code (-x)|abs}. */
    private Expr unary(boolean withFilters) {
        Expr node;
        if (in.skipIf("-")) {
            node = new Expr.Negate(unary(false));
        } else if (in.skipIf("+")) {
            node = new Expr.Plus(unary(false));
        } else {
            node = primary();
        }
        node = postfix(node);
        return withFilters ? filtersAndTests(node) : node;
    }

    private Expr primary() {
        Token t = in.current();
        switch (t.kind()) {
            case NAME -> {
                in.next();
                return switch (t.text()) {
                    case "true", "True" -> new Expr.Literal(true);
                    case "false", "False" -> new Expr.Literal(false);
                    case "none", "None" -> new Expr.Literal(null);
                    default -> name(t.text());
                };
            }
            case STRING -> {
                StringBuilder joined = new StringBuilder();
                while (in.current().is(Kind.STRING)) {
                    joined.append((String) in.next().value());
                }
                return new Expr.Literal(joined.toString());
            }
            case INTEGER, FLOAT -> {
                return new Expr.Literal(in.next().value());
            }
            default -> {
                if (in.skipIf("(")) {
                    Expr inner = tuple(true, Set.of(), true);
                    in.expect(")");
                    return inner;
                }
                if (t.is("[")) {
                    return list();
                }
                if (t.is("{")) {
                    return dict();
                }
                throw in.error("unexpected '" + t.describe() + "'");
            }
        }
    }

    private Expr name(String name) {
        macroBodies.forEach(names -> names.add(name));
        return new Expr.Name(name);
    }

    private Expr list() {
        in.expect("[");
        List<Expr> items = new ArrayList<>();
        while (!in.current().is("]")) {
            if (!items.isEmpty()) {
                in.expect(",");
            }
            if (in.current().is("]")) {
                break;
            }
            items.add(expression());
        }
        in.expect("]");
        return new Expr.ListLiteral(List.copyOf(items));
    }

    private Expr dict() {
        in.expect("{");
        List<Expr> keys = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        while (!in.current().is("}")) {
            if (!keys.isEmpty()) {
                in.expect(",");
            }
            if (in.current().is("}")) {
                break;
            }
            keys.add(expression());
            in.expect(":");
            values.add(expression());
        }
        in.expect("}");
        return new Expr.DictLiteral(List.copyOf(keys), List.copyOf(values));
    }

    private Expr postfix(Expr node) {
        while (true) {
            Token t = in.current();
            if (t.is(".") || t.is("[")) {
                node = subscript(node);
            } else if (t.is("(")) {
                node = new Expr.Call(node, callArgs());
            } else {
                return node;
            }
        }
    }

    private Expr filtersAndTests(Expr node) {
        while (true) {
            Token t = in.current();
            if (t.is("|")) {
                node = filters(node, false);
            } else if (t.is("is")) {
                node = test(node);
            } else if (t.is("(")) {
                node = new Expr.Call(node, callArgs());
            } else {
                return node;
            }
        }
    }

    private Expr subscript(Expr node) {
        Token t = in.next();
        if (t.is(".")) {
            Token attr = in.next();
            if (attr.is(Kind.NAME)) {
                return new Expr.GetAttr(node, attr.text());
            }
            if (attr.is(Kind.INTEGER)) {
                return new Expr.GetItem(node, new Expr.Literal(attr.value()));
            }
            throw new TemplateException("syntax error: expected name or number", attr.line());
        }
        List<Expr> keys = new ArrayList<>();
        while (!in.current().is("]")) {
            if (!keys.isEmpty()) {
                in.expect(",");
            }
            keys.add(subscribed());
        }
        in.expect("]");
        return new Expr.GetItem(node, keys.size() == 1 ? keys.getFirst() : new Expr.TupleLiteral(List.copyOf(keys)));
    }

    private Expr subscribed() {
        Expr start = null;
        if (!in.current().is(":")) {
            start = expression();
            if (!in.current().is(":")) {
                return start;
            }
        }
        in.next();
        Expr stop = sliceEnd() ? null : expression();
        Expr step = null;
        if (in.skipIf(":")) {
            step = sliceEnd() ? null : expression();
        }
        return new Expr.Slice(start, stop, step);
    }

    private boolean sliceEnd() {
        return in.current().is("]") || in.current().is(",") || in.current().is(":");
    }

    /** {@code |name(args)} filters; with {@code inline} the first filter has no pipe (filter blocks). */
    Expr.Filter filters(Expr input, boolean inline) {
        Expr node = input;
        while (in.current().is("|") || inline) {
            if (!inline) {
                in.next();
            }
            inline = false;
            String name = dottedName();
            checkExists("filter", name, Filters.exists(name));
            CallArgs args = in.current().is("(") ? callArgs() : CallArgs.NONE;
            node = new Expr.Filter(node, name, args);
        }
        return (Expr.Filter) node;
    }

    private Expr test(Expr input) {
        in.expect("is");
        boolean negated = in.skipIf("not");
        String name = dottedName();
        checkExists("test", name, Tests.exists(name));
        CallArgs args = CallArgs.NONE;
        Token t = in.current();
        if (t.is("(")) {
            args = callArgs();
        } else if ((TEST_ARGUMENT_STARTS.contains(t.kind()) || t.is("[") || t.is("{"))
                && !(t.is(Kind.NAME) && Set.of("else", "or", "and").contains(t.text()))) {
            if (t.is("is")) {
                throw in.error("You cannot chain multiple tests with is");
            }
            args = new CallArgs(List.of(postfix(primary())), List.of(), List.of());
        }
        Expr test = new Expr.Test(input, name, args);
        return negated ? new Expr.Not(test) : test;
    }

    private String dottedName() {
        StringBuilder name = new StringBuilder(in.expect(Kind.NAME).text());
        while (in.skipIf(".")) {
            name.append('.').append(in.expect(Kind.NAME).text());
        }
        return name.toString();
    }

    private CallArgs callArgs() {
        in.expect("(");
        List<Expr> positional = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        boolean needComma = false;
        while (!in.current().is(")")) {
            if (needComma) {
                in.expect(",");
                if (in.current().is(")")) {
                    break;
                }
            }
            if (in.current().is("*") || in.current().is("**")) {
                throw in.error("*args and **kwargs in calls are not supported");
            }
            if (in.current().is(Kind.NAME) && in.peek().is("=")) {
                names.add(in.next().text());
                in.next();
                values.add(expression());
            } else {
                if (!names.isEmpty()) {
                    throw in.error("invalid syntax for function call expression");
                }
                positional.add(expression());
            }
            needComma = true;
        }
        in.expect(")");
        return new CallArgs(List.copyOf(positional), List.copyOf(names), List.copyOf(values));
    }
}
