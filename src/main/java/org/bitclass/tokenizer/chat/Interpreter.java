package org.bitclass.tokenizer.chat;

import org.bitclass.tokenizer.chat.Expr.CallArgs;
import org.bitclass.tokenizer.chat.Node.Target;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Walks the syntax tree: runs statements into an output buffer and evaluates expressions with Python semantics. */
final class Interpreter {

    /** How a statement list ended: normally, or by {@code {% break %}} / {@code {% continue %}}. */
    private enum Flow { NORMAL, BREAK, CONTINUE }

    String render(List<Node> nodes, Scope scope) {
        StringBuilder out = new StringBuilder();
        run(nodes, scope, out);
        return out.toString();
    }

    private Flow run(List<Node> nodes, Scope scope, StringBuilder out) {
        for (Node node : nodes) {
            Flow flow;
            try {
                flow = run(node, scope, out);
            } catch (TemplateException e) {
                throw e.locate(node.line());
            }
            if (flow != Flow.NORMAL) {
                return flow;
            }
        }
        return Flow.NORMAL;
    }

    private Flow run(Node node, Scope scope, StringBuilder out) {
        switch (node) {
            case Node.Text t -> out.append(t.text());
            case Node.Print p -> out.append(Py.str(eval(p.value(), scope)));
            case Node.If i -> {
                for (int k = 0; k < i.tests().size(); k++) {
                    if (Py.truthy(eval(i.tests().get(k), scope))) {
                        return run(i.bodies().get(k), scope, out);
                    }
                }
                return run(i.otherwise(), scope, out);
            }
            case Node.For f -> {
                return loop(f, scope, out);
            }
            case Node.Set s -> assign(s.target(), eval(s.value(), scope), scope);
            case Node.SetBlock s -> {
                StringBuilder buffer = new StringBuilder();
                Flow flow = run(s.body(), scope.child(), buffer);
                if (flow != Flow.NORMAL) {
                    return flow;
                }
                String value = buffer.toString();
                assign(s.target(), s.filter() == null ? value : eval(withInput(s.filter(), value), scope), scope);
            }
            case Node.Macro m -> scope.set(m.signature().name(), new Macro(m.signature(), m.body(), scope, this));
            case Node.CallBlock c -> {
                Object callee = eval(c.call().callee(), scope);
                Arguments args = arguments(c.call().args(), scope);
                Map<String, Object> keywords = new LinkedHashMap<>(args.keywords());
                keywords.put("caller", new Macro(c.caller(), c.body(), scope, this));
                out.append(Py.str(call(callee, new Arguments(args.positional(), keywords))));
            }
            case Node.FilterBlock f -> {
                StringBuilder buffer = new StringBuilder();
                Flow flow = run(f.body(), scope.child(), buffer);
                if (flow != Flow.NORMAL) {
                    return flow;
                }
                out.append(Py.str(eval(withInput(f.filter(), buffer.toString()), scope)));
            }
            case Node.With w -> {
                List<Object> values = evalAll(w.values(), scope);
                Scope inner = scope.child();
                for (int k = 0; k < values.size(); k++) {
                    assign(w.targets().get(k), values.get(k), inner);
                }
                return run(w.body(), inner, out);
            }
            case Node.ScopedBlock b -> {
                return run(b.body(), scope.child(), out);
            }
            case Node.Break b -> {
                return Flow.BREAK;
            }
            case Node.Continue c -> {
                return Flow.CONTINUE;
            }
        }
        return Flow.NORMAL;
    }

    /**
     * A for loop. As in jinja2, {@code else} runs unless some iteration ran its body to the end: a break or continue
     * in every iteration so far leaves it armed. A break or continue in {@code else} is for the enclosing loop.
     */
    private Flow loop(Node.For f, Scope scope, StringBuilder out) {
        List<Object> items = Py.iterate(eval(f.iterable(), scope));
        if (f.filter() != null) {
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                Scope test = scope.child();
                assign(f.target(), item, test);
                if (Py.truthy(eval(f.filter(), test))) {
                    kept.add(item);
                }
            }
            items = kept;
        }
        LoopContext loop = new LoopContext(items);
        boolean completedBody = false;
        for (int i = 0; i < items.size(); i++) {
            Scope iteration = scope.child();
            assign(f.target(), items.get(i), iteration);
            loop.moveTo(i);
            iteration.set("loop", loop);
            Flow flow = run(f.body(), iteration, out);
            if (flow == Flow.BREAK) {
                break;
            }
            completedBody |= flow == Flow.NORMAL;
        }
        return completedBody ? Flow.NORMAL : run(f.otherwise(), scope.child(), out);
    }

    private void assign(Target target, Object value, Scope scope) {
        switch (target) {
            case Target.Variable v -> scope.set(v.name(), value);
            case Target.NamespaceAttr n -> {
                if (!(scope.get(n.namespace()) instanceof Namespace ns)) {
                    throw new TemplateException("cannot assign attribute on non-namespace object");
                }
                ns.attributes.put(n.attr(), value);
            }
            case Target.Unpack u -> {
                List<Object> items = Py.iterate(Py.requireDefined(value));
                if (items.size() != u.targets().size()) {
                    throw new TemplateException(items.size() < u.targets().size()
                            ? "not enough values to unpack (expected " + u.targets().size() + ", got "
                            + items.size() + ")"
                            : "too many values to unpack (expected " + u.targets().size() + ")");
                }
                for (int i = 0; i < items.size(); i++) {
                    assign(u.targets().get(i), items.get(i), scope);
                }
            }
        }
    }

    /** The filter chain of a filter block or block set, applied to the rendered body. */
    private static Expr withInput(Expr.Filter filter, Object input) {
        Expr inner = filter.input() == null ? new Expr.Literal(input)
                : withInput((Expr.Filter) filter.input(), input);
        return new Expr.Filter(inner, filter.name(), filter.args());
    }

    Object callMacro(Macro macro, Arguments args) {
        Node.MacroSignature sig = macro.signature;
        List<String> params = sig.params();
        String name = "macro '" + sig.name() + "'";
        if (args.size() > params.size() && !sig.usesVarargs()) {
            throw new TemplateException(name + " takes not more than " + params.size() + " argument(s)");
        }
        Scope scope = macro.closure.child();
        Map<String, Object> keywords = new LinkedHashMap<>(args.keywords());
        for (int i = 0; i < params.size(); i++) {
            String param = params.get(i);
            boolean given = i < args.size() || keywords.containsKey(param);
            Object value = i < args.size() ? args.get(i) : keywords.remove(param);
            Expr fallback = sig.defaults().get(i);
            scope.set(param, given ? value : fallback != null ? eval(fallback, scope)
                    : Undefined.withHint("parameter '" + param + "' was not provided"));
        }
        if (sig.usesCaller() && !params.contains("caller")) {
            Object caller = keywords.remove("caller");
            scope.set("caller", caller != null ? caller : Undefined.withHint("No caller defined"));
        }
        if (sig.usesKwargs()) {
            scope.set("kwargs", new LinkedHashMap<Object, Object>(keywords));
        } else if (!keywords.isEmpty()) {
            throw new TemplateException(name + " takes no keyword argument '" + keywords.keySet().iterator().next()
                    + "'");
        }
        if (sig.usesVarargs()) {
            scope.set("varargs", PyTuple.of(args.positional().subList(Math.min(params.size(), args.size()),
                    args.size())));
        }
        return render(macro.body, scope);
    }

    Object eval(Expr expr, Scope scope) {
        return switch (expr) {
            case Expr.Literal l -> l.value();
            case Expr.Name n -> scope.get(n.name());
            case Expr.ListLiteral l -> evalAll(l.items(), scope);
            case Expr.TupleLiteral t -> PyTuple.of(evalAll(t.items(), scope));
            case Expr.DictLiteral d -> {
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < d.keys().size(); i++) {
                    Object key = eval(d.keys().get(i), scope);
                    if ((key instanceof List<?> && !(key instanceof PyTuple)) || key instanceof Map<?, ?>) {
                        throw new TemplateException("unhashable type: '" + Py.typeName(key) + "'");
                    }
                    Py.dictPut(map, key, eval(d.values().get(i), scope));
                }
                yield map;
            }
            case Expr.GetAttr g -> Attributes.getAttr(eval(g.object(), scope), g.name());
            case Expr.GetItem g when g.key() instanceof Expr.Slice s -> Attributes.getSlice(eval(g.object(), scope),
                    sliceIndex(s.start(), scope), sliceIndex(s.stop(), scope), sliceIndex(s.step(), scope));
            case Expr.GetItem g -> Attributes.getItem(eval(g.object(), scope), eval(g.key(), scope));
            case Expr.Slice s -> throw new TemplateException("slice outside a subscript");
            case Expr.Call c -> call(eval(c.callee(), scope), arguments(c.args(), scope));
            case Expr.Filter f -> Filters.apply(f.name(), eval(f.input(), scope), arguments(f.args(), scope));
            case Expr.Test t -> Tests.apply(t.name(), eval(t.input(), scope), arguments(t.args(), scope));
            case Expr.Not n -> !Py.truthy(eval(n.operand(), scope));
            case Expr.Negate n -> negate(eval(n.operand(), scope));
            case Expr.Plus p -> {
                Object value = Py.requireDefined(eval(p.operand(), scope));
                if (!Py.isNumber(value)) {
                    throw new TemplateException("bad operand type for unary +: '" + Py.typeName(value) + "'");
                }
                yield value instanceof Boolean ? Numbers.asLong(value) : value;
            }
            case Expr.And a -> {
                Object left = eval(a.left(), scope);
                yield Py.truthy(left) ? eval(a.right(), scope) : left;
            }
            case Expr.Or o -> {
                Object left = eval(o.left(), scope);
                yield Py.truthy(left) ? left : eval(o.right(), scope);
            }
            case Expr.Binary b -> Operators.binary(b.op(), eval(b.left(), scope), eval(b.right(), scope));
            case Expr.Compare c -> compareChain(c, scope);
            case Expr.Conditional c -> Py.truthy(eval(c.test(), scope)) ? eval(c.then(), scope)
                    : c.otherwise() != null ? eval(c.otherwise(), scope)
                    : Undefined.withHint("the inline if-expression evaluated to false and no else section was "
                            + "defined.");
        };
    }

    private List<Object> evalAll(List<Expr> exprs, Scope scope) {
        List<Object> values = new ArrayList<>(exprs.size());
        for (Expr e : exprs) {
            values.add(eval(e, scope));
        }
        return values;
    }

    private Long sliceIndex(Expr part, Scope scope) {
        if (part == null) {
            return null;
        }
        Object value = eval(part, scope);
        if (value != null && !Numbers.isIntegral(value)) {
            throw new TemplateException("slice indices must be integers or None or have an __index__ method");
        }
        return value == null ? null : Numbers.asLong(value);
    }

    private static Object negate(Object value) {
        Py.requireDefined(value);
        if (!Py.isNumber(value)) {
            throw new TemplateException("bad operand type for unary -: '" + Py.typeName(value) + "'");
        }
        return Numbers.negate(value);
    }

    /** Python comparison chains: {@code a < b < c} is {@code a < b and b < c}, each operand evaluated once. */
    private Object compareChain(Expr.Compare c, Scope scope) {
        Object left = eval(c.first(), scope);
        for (int i = 0; i < c.ops().size(); i++) {
            Object right = eval(c.rest().get(i), scope);
            if (!Operators.compare(c.ops().get(i), left, right)) {
                return false;
            }
            left = right;
        }
        return true;
    }

    private Arguments arguments(CallArgs args, Scope scope) {
        if (args.positional().isEmpty() && args.keywordNames().isEmpty()) {
            return Arguments.NONE;
        }
        Map<String, Object> keywords = new LinkedHashMap<>();
        for (int i = 0; i < args.keywordNames().size(); i++) {
            keywords.put(args.keywordNames().get(i), eval(args.keywordValues().get(i), scope));
        }
        return new Arguments(evalAll(args.positional(), scope), keywords);
    }

    private static Object call(Object callee, Arguments args) {
        return switch (callee) {
            case PyCallable c -> c.call(args);
            case Undefined u -> throw u.error();
            case null, default -> throw new TemplateException("'" + Py.typeName(callee) + "' object is not callable");
        };
    }
}
