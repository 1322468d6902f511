package org.bitclass.tokenizer.chat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Python semantics of the binary and comparison operators on template values. */
final class Operators {

    private Operators() {
    }

    static Object binary(String op, Object left, Object right) {
        if (op.equals("~")) {
            return Py.str(left) + Py.str(right);
        }
        Py.requireDefined(left);
        Py.requireDefined(right);
        boolean numbers = Py.isNumber(left) && Py.isNumber(right);
        Object result = switch (op) {
            case "+" -> numbers ? Numbers.add(left, right) : concatenate(left, right);
            case "-" -> numbers ? Numbers.subtract(left, right) : null;
            case "*" -> numbers ? Numbers.multiply(left, right) : repeat(left, right);
            case "/" -> numbers ? Numbers.divide(left, right) : null;
            case "//" -> numbers ? Numbers.floorDivide(left, right) : null;
            case "%" -> numbers ? Numbers.modulo(left, right)
                    : left instanceof String fmt ? PyFormat.percent(fmt, right) : null;
            case "**" -> numbers ? Numbers.power(left, right) : null;
            default -> throw new IllegalArgumentException("operator " + op);
        };
        if (result == null) {
            throw unsupported(op, left, right);
        }
        return result;
    }

    private static TemplateException unsupported(String op, Object left, Object right) {
        return new TemplateException("unsupported operand type(s) for " + op + ": '" + Py.typeName(left) + "' and '"
                + Py.typeName(right) + "'");
    }

    private static Object concatenate(Object left, Object right) {
        if (left instanceof String a && right instanceof String b) {
            return a + b;
        }
        boolean leftTuple = left instanceof PyTuple;
        if (left instanceof List<?> a && right instanceof List<?> b && leftTuple == right instanceof PyTuple) {
            List<Object> joined = new ArrayList<>(a);
            joined.addAll(b);
            return leftTuple ? PyTuple.of(joined) : joined;
        }
        if (left instanceof String || left instanceof List<?>) {
            String type = Py.typeName(left);
            throw new TemplateException("can only concatenate " + type + " (not \"" + Py.typeName(right) + "\") to "
                    + type);
        }
        return null;
    }

    /** {@code str * int} and {@code list * int}, in either order; a negative count gives an empty result. */
    private static Object repeat(Object left, Object right) {
        Object sequence = Numbers.isIntegral(left) ? right : left;
        Object count = sequence == left ? right : left;
        if (!Numbers.isIntegral(count)) {
            return sequence instanceof String || sequence instanceof List<?>
                    ? fail("can't multiply sequence by non-int of type '" + Py.typeName(count) + "'") : null;
        }
        int times = (int) Math.max(0, Math.min(Integer.MAX_VALUE, Numbers.asLong(count)));
        return switch (sequence) {
            case String s -> s.repeat(times);
            case PyTuple t -> PyTuple.of(Collections.nCopies(times, t).stream().flatMap(List::stream).toList());
            case List<?> l -> new ArrayList<Object>(Collections.nCopies(times, l).stream().flatMap(List::stream)
                    .toList());
            case null, default -> null;
        };
    }

    private static Object fail(String message) {
        throw new TemplateException(message);
    }

    /** One link of a comparison chain. */
    static boolean compare(String op, Object left, Object right) {
        return switch (op) {
            case "==" -> Py.equal(left, right);
            case "!=" -> !Py.equal(left, right);
            case "in" -> Py.contains(right, left);
            case "not in" -> !Py.contains(right, left);
            default -> {
                if (Numbers.isNaN(left) || Numbers.isNaN(right)) {
                    Py.compare(left, right, op);
                    yield false;
                }
                int c = Py.compare(left, right, op);
                yield switch (op) {
                    case "<" -> c < 0;
                    case "<=" -> c <= 0;
                    case ">" -> c > 0;
                    default -> c >= 0;
                };
            }
        };
    }
}
