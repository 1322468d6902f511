package org.bitclass.tokenizer.chat;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Python arithmetic on template numbers: Long for int (bools count as 0 and 1), Double for float. Results that
 * would need Python's unbounded ints fail instead of wrapping.
 */
final class Numbers {

    private Numbers() {
    }

    static boolean isIntegral(Object v) {
        return v instanceof Long || v instanceof Boolean;
    }

    static boolean isNaN(Object v) {
        return v instanceof Double d && d.isNaN();
    }

    static long asLong(Object v) {
        return v instanceof Boolean b ? (b ? 1 : 0) : (Long) v;
    }

    static double asDouble(Object v) {
        return v instanceof Double d ? d : asLong(v);
    }

    /** Exact numeric order (NaN compares equal to everything; callers check it first). */
    static int compare(Object a, Object b) {
        if (isIntegral(a) && isIntegral(b)) {
            return Long.compare(asLong(a), asLong(b));
        }
        double x = asDouble(a);
        double y = asDouble(b);
        if (a instanceof Double && b instanceof Double || Double.isInfinite(x) || Double.isInfinite(y)
                || Double.isNaN(x) || Double.isNaN(y)) {
            return x < y ? -1 : x > y ? 1 : 0;
        }
        BigDecimal left = isIntegral(a) ? BigDecimal.valueOf(asLong(a)) : new BigDecimal(x);
        BigDecimal right = isIntegral(b) ? BigDecimal.valueOf(asLong(b)) : new BigDecimal(y);
        return left.compareTo(right);
    }

    static Object add(Object a, Object b) {
        return isIntegral(a) && isIntegral(b) ? exact(() -> Math.addExact(asLong(a), asLong(b)))
                : (Object) (asDouble(a) + asDouble(b));
    }

    static Object subtract(Object a, Object b) {
        return isIntegral(a) && isIntegral(b) ? exact(() -> Math.subtractExact(asLong(a), asLong(b)))
                : (Object) (asDouble(a) - asDouble(b));
    }

    static Object multiply(Object a, Object b) {
        return isIntegral(a) && isIntegral(b) ? exact(() -> Math.multiplyExact(asLong(a), asLong(b)))
                : (Object) (asDouble(a) * asDouble(b));
    }

    static Object negate(Object a) {
        return isIntegral(a) ? exact(() -> Math.negateExact(asLong(a))) : (Object) (-asDouble(a));
    }

    static double divide(Object a, Object b) {
        if (asDouble(b) == 0) {
            throw new TemplateException(isIntegral(a) && isIntegral(b) ? "division by zero" : "float division by zero");
        }
        return asDouble(a) / asDouble(b);
    }

    static Object floorDivide(Object a, Object b) {
        if (isIntegral(a) && isIntegral(b)) {
            if (asLong(b) == 0) {
                throw new TemplateException("integer division or modulo by zero");
            }
            return exact(() -> {
                if (asLong(a) == Long.MIN_VALUE && asLong(b) == -1) {
                    throw new ArithmeticException();
                }
                return Math.floorDiv(asLong(a), asLong(b));
            });
        }
        return floatDivmod(asDouble(a), asDouble(b), "float floor division by zero")[0];
    }

    static Object modulo(Object a, Object b) {
        if (isIntegral(a) && isIntegral(b)) {
            if (asLong(b) == 0) {
                throw new TemplateException("integer modulo by zero");
            }
            return Math.floorMod(asLong(a), asLong(b));
        }
        return floatDivmod(asDouble(a), asDouble(b), "float modulo")[1];
    }

    /** CPython's float_divmod: the floor quotient and a remainder with the divisor's sign. */
    private static double[] floatDivmod(double x, double y, String zeroMessage) {
        if (y == 0) {
            throw new TemplateException(zeroMessage);
        }
        double mod = x % y;
        double div = (x - mod) / y;
        if (mod != 0) {
            if ((y < 0) != (mod < 0)) {
                mod += y;
                div -= 1.0;
            }
        } else {
            mod = Math.copySign(0.0, y);
        }
        double floor;
        if (div != 0) {
            floor = Math.floor(div);
            if (div - floor > 0.5) {
                floor += 1.0;
            }
        } else {
            floor = Math.copySign(0.0, x / y);
        }
        return new double[] {floor, mod};
    }

    static Object power(Object a, Object b) {
        if (isIntegral(a) && isIntegral(b) && asLong(b) >= 0) {
            if (asLong(b) > Integer.MAX_VALUE) {
                throw overflow();
            }
            BigInteger result = BigInteger.valueOf(asLong(a)).pow((int) asLong(b));
            if (result.bitLength() >= 64) {
                throw overflow();
            }
            return result.longValue();
        }
        double x = asDouble(a);
        double y = asDouble(b);
        if (x == 0 && y < 0) {
            throw new TemplateException("0.0 cannot be raised to a negative power");
        }
        if (x < 0 && y != Math.rint(y)) {
            throw new TemplateException("complex results of ** are not supported");
        }
        double result = Math.pow(x, y);
        if (Double.isInfinite(result) && !Double.isInfinite(x) && !Double.isInfinite(y)) {
            throw new TemplateException("(34, 'Numerical result out of range')");
        }
        return result;
    }

    /** Python's {@code int(x)} for a float: truncation toward zero. */
    static long truncate(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new TemplateException("cannot convert float " + Py.reprFloat(d) + " to integer");
        }
        if (Math.abs(d) >= 0x1p63) {
            throw overflow();
        }
        return (long) d;
    }

    private static Object exact(java.util.function.LongSupplier op) {
        try {
            return op.getAsLong();
        } catch (ArithmeticException e) {
            throw overflow();
        }
    }

    private static TemplateException overflow() {
        return new TemplateException("integer result too large (beyond 64 bits)");
    }
}
